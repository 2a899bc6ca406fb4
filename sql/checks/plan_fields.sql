-- Plan fields consistent: baseline year before target year, net-zero year not before the
-- target year, a reduction target between 0 and 100 %, a known target basis, and a
-- recertification date exactly when the plan is recertified, not before its approval.
with problems as (
    select municipality_code, 'Basisår' as column_name,
           format('baseline year {} is not before the target year {}', baseline_year,
                  target_year) as problem
    from core.plan
    where baseline_year >= target_year
    union all
    select municipality_code, 'Klimaneutral år',
           format('net-zero year {} is before the target year {}', net_zero_year, target_year)
    from core.plan
    where net_zero_year < target_year
    union all
    select municipality_code, 'Reduktionsmål (%)',
           format('reduction target {} % is not between 0 and 100', target_reduction_pct)
    from core.plan
    where target_reduction_pct is null or target_reduction_pct not between 0 and 100
    union all
    select municipality_code, 'Målgrundlag',
           format('target basis {} is neither gross nor net', coalesce(target_basis, 'empty'))
    from core.plan
    where target_basis is null or target_basis not in ('gross', 'net')
    union all
    select municipality_code, 'Recertificeret', 'the plan is recertified but has no date'
    from core.plan
    where revision_status = 'recertified' and recertified_on is null
    union all
    select municipality_code, 'Recertificeret',
           format('recertified on {} but the revision status is {}', recertified_on,
                  coalesce(revision_status, 'empty'))
    from core.plan
    where recertified_on is not null and revision_status is distinct from 'recertified'
    union all
    select municipality_code, 'Recertificeret',
           format('recertified on {}, before the plan was approved on {}', recertified_on,
                  approved_on)
    from core.plan
    where recertified_on < approved_on
)

select
    'plans' as source_file,
    cast(null as integer) as row_number,
    column_name,
    format('Member {}: {}', municipality_code, problem) as message
from problems
order by municipality_code, column_name, message;
