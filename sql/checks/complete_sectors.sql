-- Complete sectors per inventory year (warning): every municipality-year in the inventories
-- has a row for each of the five sectors of the gross total. An incomplete year is a state
-- the method defines (rule 1): its gross, net and per capita are left empty, aggregates of
-- that year are empty with the municipality counted as missing, and the fits skip it. The
-- finding names the file(s) the year's rows came from; no row holds what is missing.
with sectors_in_total as (
    select sector, sort_order from ref.sector where in_total
),

missing as (
    select y.municipality_code, y.year, s.sector, s.sort_order
    from core.municipality_year as y
    cross join sectors_in_total as s
    where not y.is_complete
      and not exists (
          select 1 from core.emissions as e
          where e.municipality_code = y.municipality_code
            and e.year = y.year
            and e.sector = s.sector
      )
),

files_of_year as (
    select municipality_code, year, string_agg(distinct source_file, ', ' order by source_file)
        as source_files
    from staging.inventory
    where measure = 'emissions'
    group by municipality_code, year
)

select
    coalesce(f.source_files, 'klimaregnskab') as source_file,
    cast(null as integer) as row_number,
    'Sektor' as column_name,
    format(
        'Municipality {} {} {}: no {} in the inventory, so the year is incomplete: its gross, '
        || 'net and per-capita values and the aggregates of {} are left empty',
        m.municipality_code, r.municipality_name, m.year,
        string_agg(m.sector, ', ' order by m.sort_order), m.year
    ) as message
from missing as m
left join ref.municipality as r using (municipality_code)
left join files_of_year as f using (municipality_code, year)
group by m.municipality_code, r.municipality_name, m.year, f.source_files
order by m.municipality_code, m.year;
