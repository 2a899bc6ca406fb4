-- mart.plan_revision: the third block, per report year and member: revision status,
-- recertification and whether the next revision is overdue (rules 17–18).

create schema if not exists mart;

create or replace table mart.plan_revision as
with

member_report_year as (
    select
        r.report_year,
        p.municipality_code,
        p.revision_status,
        p.recertified_on,
        p.next_revision_year
    from core.plan as p
    cross join core.report_year as r
)

select
    y.report_year,
    y.municipality_code,
    m.municipality_name,
    m.region_code,
    y.revision_status,
    y.recertified_on,
    y.next_revision_year,
    -- Rule 17: the due year has passed and there is no recertification date; members
    -- without revision data are not overdue (false, not unknown).
    coalesce(y.next_revision_year < y.report_year and y.recertified_on is null, false)
        as is_overdue
from member_report_year as y
left join ref.municipality as m on m.municipality_code = y.municipality_code
order by y.report_year, y.municipality_code;

comment on table mart.plan_revision is 'Per report year and member: plan revision status, recertification date, next revision year and whether the revision is overdue (rules 17–18). The registry is a snapshot: the same revision data applies to every report year.';
comment on column mart.plan_revision.report_year is 'Report year R.';
comment on column mart.plan_revision.municipality_code is 'Member municipality code.';
comment on column mart.plan_revision.municipality_name is 'Municipality name.';
comment on column mart.plan_revision.region_code is 'Region code of the municipality.';
comment on column mart.plan_revision.revision_status is 'not_started, in_progress, submitted, recertified; NULL = unknown (blank Revisionsstatus).';
comment on column mart.plan_revision.recertified_on is 'Date the revised plan was recertified; NULL if not.';
comment on column mart.plan_revision.next_revision_year is 'Year the next revision is due (Næste revision).';
comment on column mart.plan_revision.is_overdue is 'true when next_revision_year < report year and there is no recertification date; false otherwise, also without revision data.';
