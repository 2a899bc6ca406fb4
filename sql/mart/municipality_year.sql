-- mart.municipality_year: totals per municipality and inventory year.
create schema if not exists mart;

create or replace table mart.municipality_year as
select
    municipality_code,
    year,
    gross_t,
    lulucf_t,
    net_t,
    population,
    per_capita_t,
    is_complete,
    sectors_present
from core.municipality_year
order by municipality_code, year;

comment on table mart.municipality_year is 'Totals per municipality and inventory year; a row for every municipality-year with at least one sector row.';
comment on column mart.municipality_year.municipality_code is 'Municipality code as text.';
comment on column mart.municipality_year.year is 'Inventory year.';
comment on column mart.municipality_year.gross_t is 'Sum of the five sectors in the total (energy, transport, agriculture, waste, industry), t CO2e; NULL when incomplete.';
comment on column mart.municipality_year.lulucf_t is 'Separate land-use sector (Arealanvendelse), t CO2e; 0 when the source gives none, also in an incomplete year.';
comment on column mart.municipality_year.net_t is 'gross_t + lulucf_t, t CO2e; NULL when incomplete.';
comment on column mart.municipality_year.population is 'Inhabitants at 1 January of the year (FOLK1A); NULL when not delivered.';
comment on column mart.municipality_year.per_capita_t is 'gross_t / population, t CO2e per inhabitant; NULL without population or when incomplete.';
comment on column mart.municipality_year.is_complete is 'True when all five sectors in the total are present (a 0 counts as present).';
comment on column mart.municipality_year.sectors_present is 'How many of the five sectors in the total the source gave.';
