-- Plan revision fields consistent (warning): a recertification date exactly when the plan
-- is recertified, and not before its approval. The report lists the revision status as
-- delivered, so an inconsistency is shown to the analyst, not a reason to stop.
with problems as (
    select source_file, row_number, municipality_code,
           'Recertificeret, Revisionsstatus' as column_name,
           'the plan is recertified but has no date' as problem
    from core.plan
    where revision_status = 'recertified' and recertified_on is null
    union all
    select source_file, row_number, municipality_code, 'Recertificeret, Revisionsstatus',
           format('recertified on {} but the revision status is {}', recertified_on,
                  coalesce(revision_status, 'empty'))
    from core.plan
    where recertified_on is not null and revision_status is distinct from 'recertified'
    union all
    select source_file, row_number, municipality_code, 'Recertificeret, Godkendt',
           format('recertified on {}, before the plan was approved on {}', recertified_on,
                  approved_on)
    from core.plan
    where recertified_on < approved_on
)

select
    source_file,
    row_number,
    column_name,
    format('Member {}: {}', municipality_code, problem) as message
from problems
order by source_file, row_number, column_name, message;
