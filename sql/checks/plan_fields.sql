-- Plan fields consistent: baseline year before target year, net-zero year not before the
-- target year, a reduction target between 0 and 100 %, a known target basis. Each would
-- put a wrong target path in the report. A field the registry leaves empty is no finding
-- here: the member's status is insufficient_data and the loader has said why.
with problems as (
    select source_file, row_number, municipality_code, 'Basisår, Målår' as column_name,
           format('baseline year {} is not before the target year {}', baseline_year,
                  target_year) as problem
    from core.plan
    where baseline_year >= target_year
    union all
    select source_file, row_number, municipality_code, 'Klimaneutral år, Målår',
           format('net-zero year {} is before the target year {}', net_zero_year, target_year)
    from core.plan
    where net_zero_year < target_year
    union all
    select source_file, row_number, municipality_code, 'Reduktionsmål (%)',
           format('reduction target {} % is not between 0 and 100', target_reduction_pct)
    from core.plan
    where target_reduction_pct not between 0 and 100
    union all
    select source_file, row_number, municipality_code, 'Målgrundlag',
           format('target basis {} is neither gross nor net', coalesce(target_basis, 'empty'))
    from core.plan
    where target_basis is null or target_basis not in ('gross', 'net')
)

select
    source_file,
    row_number,
    column_name,
    format('Member {}: {}', municipality_code, problem) as message
from problems
order by source_file, row_number, column_name, message;
