-- core.statbank_count: StatBank counts (cars by fuel, dwellings by heating) per area and
-- year at 1 January, by the category of ref.statbank_mapping. Only rows whose other
-- variables are totals count, so no population is counted twice.
create schema if not exists core;

create or replace table core.statbank_count as
with category_variables as (
    select distinct table_name, variable
    from ref.statbank_mapping
),

first_of_january_rows as (
    select
        s.source_file,
        s.row_number,
        s.table_name,
        s.area_code,
        s.area_type,
        s.year,
        v.variable,
        s.dimensions[v.variable] as code,
        list_transform(
            list_filter(map_entries(s.dimensions), lambda entry: entry.key <> v.variable),
            lambda entry: entry.value
        ) as other_codes,
        s.value
    from staging.statbank as s
    join category_variables as v on v.table_name = s.table_name
    where coalesce(s.quarter, 1) = 1
      and s.value is not null
),

categorised as (
    select r.*, m.category
    from first_of_january_rows as r
    join ref.statbank_mapping as m
        on m.table_name = r.table_name
       and m.variable = r.variable
       and upper(m.code) = upper(r.code)
    where len(list_filter(r.other_codes, lambda code: upper(code) not in ('TOT', 'IALT'))) = 0
)

select table_name, area_code, area_type, year, category, value
from categorised
qualify row_number() over (
    partition by table_name, area_code, year, category
    order by source_file desc, row_number desc
) = 1
order by table_name, area_code, year, category;
