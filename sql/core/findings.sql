-- core.findings: data-quality findings that need the whole model to see: the source's
-- total against the sum of the sectors, missing population. (Incomplete inventory years
-- are the data check sql/checks/complete_sectors.sql.)
create schema if not exists core;

create or replace table core.findings as
with total_mismatch as (
    select
        t.source_file,
        t.row_number,
        'Værdi' as column_name,
        'total_differs_from_sectors' as rule,
        'warning' as severity,
        format(
            'Municipality {} {}: the source total {} t differs from the sum of the five sectors {} t',
            m.municipality_code, m.year, round(t.total_t, 1), round(m.gross_t, 1)
        ) as message
    from core.municipality_year as m
    join core.source_total as t using (municipality_code, year)
    where m.is_complete and abs(t.total_t - m.gross_t) > 1
),

missing_population as (
    select
        'statbank/FOLK1A',
        null,
        'INDHOLD',
        'missing_population',
        'warning',
        format('Municipality {} {}: no population, so no per-capita value', municipality_code, year)
    from core.municipality_year
    where population is null
)

select * from total_mismatch
union all
select * from missing_population;
