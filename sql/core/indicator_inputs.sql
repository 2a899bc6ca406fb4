-- core.inventory_indicator: the inventory's own indicator rows (per capita, per km²,
-- renewable self-sufficiency, energy use), matched to the catalogue by type and sector.
-- core.regional_indicator: the regions' own indicators, as delivered.
create schema if not exists core;

create or replace table core.inventory_indicator as
with catalogue as (
    select
        indicator,
        unit,
        lower(trim(inventory_type)) as type_key,
        lower(trim(coalesce(inventory_sector, ''))) as sector_key
    from ref.indicator
    where coalesce(inventory_type, '') <> ''
),

matched_rows as (
    select
        i.file_rank,
        i.row_number,
        i.municipality_code,
        i.year,
        c.indicator,
        c.unit,
        i.value
    from staging.inventory as i
    join catalogue as c
        on c.type_key = lower(trim(i.type_label))
       and (c.sector_key = '' or c.sector_key = lower(trim(i.source_sector)))
    where i.measure is distinct from 'emissions'
)

select municipality_code, year, indicator, value, unit
from matched_rows
qualify row_number() over (
    partition by municipality_code, year, indicator
    order by file_rank desc, row_number desc
) = 1
order by municipality_code, year, indicator;

create or replace table core.regional_indicator as
select region_code, indicator, year, value, unit
from staging.regional_indicators
qualify row_number() over (
    partition by region_code, indicator, year
    order by source_file desc, row_number desc
) = 1
order by region_code, indicator, year;
