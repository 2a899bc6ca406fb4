-- All 98 municipalities known: the reference lists the 98 municipalities of Denmark in their
-- five regions, and every municipality code in the inventories, population, plans and action
-- surveys is a known one (or a synthetic one the raw folder lists).
with reference_count as (
    select
        count(*) filter (where not is_synthetic) as real_municipalities,
        count(distinct region_code) filter (where not is_synthetic) as regions
    from ref.municipality
),

codes_in_use as (
    select distinct 'klimaregnskab' as source_file, 'Kommunekode' as column_name, municipality_code
    from core.municipality_year
    union all
    select distinct 'statbank', 'OMRÅDE', municipality_code
    from core.population
    union all
    select distinct 'plans', 'Kommunekode', municipality_code
    from core.plan
    union all
    select distinct 'actions', 'Kommunekode', municipality_code
    from core.action
)

select
    'reference/municipalities.csv' as source_file,
    cast(null as integer) as row_number,
    'municipality_code' as column_name,
    format(
        'the reference lists {} municipalities in {} regions; expected the 98 of Denmark in 5',
        real_municipalities, regions
    ) as message
from reference_count
where real_municipalities <> 98 or regions <> 5

union all

select
    used.source_file,
    null,
    used.column_name,
    format('municipality code {} is not a known municipality', used.municipality_code)
from codes_in_use as used
where not exists (
    select 1 from ref.municipality as known
    where known.municipality_code = used.municipality_code
)
order by 1, 4;
