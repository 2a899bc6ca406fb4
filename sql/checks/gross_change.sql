-- Plausibility (warning): a municipality's gross total moves more than 30 % from one
-- inventory year to the next. Real changes are rarely that large; a unit or sector mix-up
-- in an export usually is.
with series as (
    select
        municipality_code,
        year,
        gross_t,
        lag(year) over by_year as previous_year,
        lag(gross_t) over by_year as previous_t
    from core.municipality_year
    where is_complete
    window by_year as (partition by municipality_code order by year)
)

select
    'klimaregnskab' as source_file,
    cast(null as integer) as row_number,
    'Samlet CO2-udledning' as column_name,
    format(
        'Municipality {} {}: gross total {} t in {} against {} t in {} ({:+.1f} %); '
        || 'more than 30 % in a year',
        s.municipality_code, r.municipality_name, cast(round(s.gross_t) as bigint), s.year,
        cast(round(s.previous_t) as bigint), s.previous_year,
        100 * (s.gross_t - s.previous_t) / abs(s.previous_t)
    ) as message
from series as s
left join ref.municipality as r using (municipality_code)
where s.previous_year = s.year - 1
  and s.previous_t <> 0
  and abs(s.gross_t - s.previous_t) > 0.3 * abs(s.previous_t)
order by s.municipality_code, s.year;
