-- core.findings: data-quality findings that need the whole model to see: the source's
-- total against the sum of the sectors, incomplete inventories, missing population.
create schema if not exists core;

create or replace table core.findings as
with total_mismatch as (
    select
        'klimaregnskab' as source_file,
        cast(null as integer) as row_number,
        'Samlet' as column_name,
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

incomplete_inventory as (
    select
        'klimaregnskab',
        null,
        'Sektor',
        'incomplete_inventory',
        'warning',
        format(
            'Municipality {} {}: only {} of the five sectors in the total; its totals are left empty',
            municipality_code, year, sectors_present
        )
    from core.municipality_year
    where not is_complete
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
select * from incomplete_inventory
union all
select * from missing_population;
