-- core.emissions: emissions per municipality, year and project sector (metrics.md, Sectors).
-- A later file overrides an earlier one row by row (rule 4); Affaldsdeponi and
-- Spildevand add up to `waste` (rule 5); the source's own total is kept apart.
create schema if not exists core;

create or replace table core.emissions as
with emission_rows as (
    select
        file_rank,
        row_number,
        municipality_code,
        year,
        lower(trim(source_sector)) as source_sector_key,
        sector,
        value
    from staging.inventory
    where measure = 'emissions'
      and sector is not null
      and sector <> 'total'
),

latest_value_per_source_sector as (
    select municipality_code, year, sector, value
    from emission_rows
    qualify row_number() over (
        partition by municipality_code, year, source_sector_key
        order by file_rank desc, row_number desc
    ) = 1
)

select
    municipality_code,
    year,
    sector,
    sum(value) as emissions_t
from latest_value_per_source_sector
group by municipality_code, year, sector
order by municipality_code, year, sector;

create or replace table core.source_total as
select municipality_code, year, value as total_t, source_file, row_number
from staging.inventory
where measure = 'emissions' and sector = 'total'
qualify row_number() over (
    partition by municipality_code, year
    order by file_rank desc, row_number desc
) = 1;
