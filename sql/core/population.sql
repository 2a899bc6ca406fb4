-- core.population: inhabitants per municipality at 1 January (FOLK1A, metrics.md rule 21).
-- A row counts when every variable other than area and time is a total and the time
-- is a plain year or its first quarter; a later file wins where files overlap.
create schema if not exists core;

create or replace table core.population as
with first_of_january_totals as (
    select
        source_file,
        row_number,
        area_code as municipality_code,
        year,
        value
    from staging.statbank
    where table_name = 'FOLK1A'
      and area_type = 'municipality'
      and coalesce(quarter, 1) = 1
      and value is not null
      and len(list_filter(
          map_values(dimensions), lambda code: upper(code) not in ('TOT', 'IALT')
      )) = 0
)

select municipality_code, year, value as population
from first_of_january_totals
qualify row_number() over (
    partition by municipality_code, year
    order by source_file desc, row_number desc
) = 1
order by municipality_code, year;
