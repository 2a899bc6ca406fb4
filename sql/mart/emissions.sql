-- mart.emissions: emissions per municipality, inventory year and sector, as the source gave them.
create schema if not exists mart;

create or replace table mart.emissions as
select municipality_code, year, sector, emissions_t
from core.emissions
order by municipality_code, year, sector;

comment on table mart.emissions is 'Emissions per municipality, inventory year and sector (tonnes CO2e). Rows only for sectors the source gave (rule 1).';
comment on column mart.emissions.municipality_code is 'Municipality code as text.';
comment on column mart.emissions.year is 'Inventory year.';
comment on column mart.emissions.sector is 'Project sector: energy, transport, agriculture (includes land use in Energistyrelsen''s accounts, can be negative), waste, industry, lulucf.';
comment on column mart.emissions.emissions_t is 'Emissions in tonnes CO2e; waste is Affaldsdeponi plus Spildevand.';
