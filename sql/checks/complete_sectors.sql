-- Complete sectors per inventory year: every municipality-year in the inventories has a row
-- for each of the five sectors of the gross total. A missing sector is usually a cut-off
-- export; left in, the year would silently drop out of the member's series (rule 1).
with sectors_in_total as (
    select sector, sort_order from ref.sector where in_total
),

missing as (
    select y.municipality_code, y.year, s.sector, s.sort_order
    from core.municipality_year as y
    cross join sectors_in_total as s
    where not exists (
        select 1 from core.emissions as e
        where e.municipality_code = y.municipality_code
          and e.year = y.year
          and e.sector = s.sector
    )
)

select
    'klimaregnskab' as source_file,
    cast(null as integer) as row_number,
    'Sektor' as column_name,
    format(
        'Municipality {} {} {}: no {} in the inventory; expected all five sectors of the gross total',
        m.municipality_code, r.municipality_name, m.year,
        string_agg(m.sector, ', ' order by m.sort_order)
    ) as message
from missing as m
left join ref.municipality as r using (municipality_code)
group by m.municipality_code, r.municipality_name, m.year
order by m.municipality_code, m.year;
