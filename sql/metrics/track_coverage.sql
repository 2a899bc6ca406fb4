-- mart.track_coverage: per report year, the share of members that take part in at least
-- one running or finished development track, nationally and per region. A track counts
-- for report year R when it had started by the end of R. Only a municipality's own
-- participation counts: a region taking part does not enrol its municipalities.

create schema if not exists mart;

create or replace table mart.track_coverage as
with

member as (
    select p.municipality_code, m.region_code
    from core.plan as p
    inner join ref.municipality as m on m.municipality_code = p.municipality_code
),

active_participation as (
    select distinct
        r.report_year,
        tp.participant_type,
        case
            when tp.participant_type = 'region' and length(tp.participant_code) = 3
                then '1' || tp.participant_code
            else tp.participant_code
        end as participant_code
    from core.track_participant as tp
    inner join core.track as t on t.track_id = tp.track_id
    cross join core.report_year as r
    where t.status in ('running', 'finished')
        and (t.start_date is null or year(t.start_date) <= r.report_year)
),

member_in_track as (
    select
        r.report_year,
        mb.municipality_code,
        mb.region_code,
        ap.participant_code is not null as in_track
    from member as mb
    cross join core.report_year as r
    left join active_participation as ap
        on ap.report_year = r.report_year
        and ap.participant_type = 'municipality'
        and ap.participant_code = mb.municipality_code
),

scope_frame as (
    select report_year, 'national' as scope, null::varchar as scope_code
    from core.report_year
    union all
    select r.report_year, 'region', g.region_code
    from core.report_year as r
    cross join ref.region as g
),

counted as (
    select report_year, 'national' as scope, null::varchar as scope_code,
           count(*) as members, count(*) filter (where in_track) as members_in_track
    from member_in_track
    group by report_year
    union all
    select report_year, 'region', region_code,
           count(*), count(*) filter (where in_track)
    from member_in_track
    group by report_year, region_code
)

select
    f.report_year,
    f.scope,
    f.scope_code,
    coalesce(c.members, 0) as members,
    coalesce(c.members_in_track, 0) as members_in_track,
    100.0 * c.members_in_track / nullif(c.members, 0) as share_pct,
    case
        when f.scope = 'region' then exists (
            select 1
            from active_participation as ap
            where ap.report_year = f.report_year
                and ap.participant_type = 'region'
                and ap.participant_code = f.scope_code
        )
    end as region_participates
from scope_frame as f
left join counted as c
    on c.report_year = f.report_year
    and c.scope = f.scope
    and c.scope_code is not distinct from f.scope_code
order by f.report_year, f.scope, f.scope_code nulls first;

comment on table mart.track_coverage is 'Per report year, nationally and per region: members taking part themselves in at least one running or finished development track that had started by the end of the report year.';
comment on column mart.track_coverage.report_year is 'Report year R.';
comment on column mart.track_coverage.scope is '''national'' (the whole cohort) or ''region''.';
comment on column mart.track_coverage.scope_code is 'Region code; NULL for national.';
comment on column mart.track_coverage.members is 'Members (plan registry rows) in the scope.';
comment on column mart.track_coverage.members_in_track is 'Members that are themselves participants of at least one running or finished track started by the end of R.';
comment on column mart.track_coverage.share_pct is '100 × members_in_track / members; NULL without members.';
comment on column mart.track_coverage.region_participates is 'Region rows: whether the region itself takes part in such a track; NULL for national.';
