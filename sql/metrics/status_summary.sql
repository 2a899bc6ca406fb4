-- mart.status_summary: the report's key figures. Per report year, for the whole cohort and
-- each region, how many members reach their target under each projection, and how many
-- have each status. Counts only: any share is a total divided by a total.

create schema if not exists mart;

create or replace table mart.status_summary as
with

member_projection as (
    -- One row per member and projection. A projection "reaches" the target when its value
    -- in the target year is at or below target_t (exact, unrounded); without a projection
    -- or a target the member cannot be judged on that projection.
    select
        s.report_year,
        s.municipality_code,
        s.region_code,
        p.projection,
        case p.projection
            when 'linear' then s.proj_lin_t
            when 'exponential' then s.proj_exp_t
            when 'conservative' then s.proj_cons_t
        end as projected_t,
        s.target_t,
        s.status
    from mart.municipality_status as s
    cross join (
        values ('linear'), ('exponential'), ('conservative'), ('status')
    ) as p (projection)
),

classified as (
    select
        mp.report_year,
        mp.municipality_code,
        mp.region_code,
        mp.projection,
        case
            when mp.projection = 'status' then mp.status
            when mp.projected_t is null or mp.target_t is null then 'insufficient_data'
            when mp.projected_t <= mp.target_t then 'on_track'
            else 'off_track'
        end as outcome
    from member_projection as mp
),

scoped as (
    select report_year, 'cohort' as scope, null::varchar as scope_code, projection, outcome
    from classified
    union all
    select report_year, 'region' as scope, region_code as scope_code, projection, outcome
    from classified
),

scope_frame as (
    -- Every region has its rows, with 0 members where none is in the cohort.
    select r.report_year, 'cohort' as scope, null::varchar as scope_code, p.projection
    from core.report_year as r
    cross join (values ('linear'), ('exponential'), ('conservative'), ('status')) as p (projection)
    union all
    select r.report_year, 'region' as scope, g.region_code as scope_code, p.projection
    from core.report_year as r
    cross join ref.region as g
    cross join (values ('linear'), ('exponential'), ('conservative'), ('status')) as p (projection)
),

counted as (
    select
        report_year,
        scope,
        scope_code,
        projection,
        count(*) as members,
        count(*) filter (where outcome = 'on_track') as on_track,
        count(*) filter (where outcome = 'at_risk') as at_risk,
        count(*) filter (where outcome = 'off_track') as off_track,
        count(*) filter (where outcome = 'insufficient_data') as insufficient_data
    from scoped
    group by report_year, scope, scope_code, projection
)

select
    f.report_year,
    f.scope,
    f.scope_code,
    g.region_name as scope_name,
    f.projection,
    coalesce(c.members, 0) as members,
    coalesce(c.on_track, 0) as on_track,
    -- at_risk is a status, not an outcome of a single projection.
    case when f.projection = 'status' then coalesce(c.at_risk, 0) end as at_risk,
    coalesce(c.off_track, 0) as off_track,
    coalesce(c.insufficient_data, 0) as insufficient_data,
    coalesce(c.members, 0) - coalesce(c.insufficient_data, 0) as evaluated,
    100.0 * c.on_track / nullif(c.members, 0) as on_track_pct,
    100.0 * c.on_track / nullif(c.members - c.insufficient_data, 0) as on_track_of_evaluated_pct
from scope_frame as f
left join counted as c
    on c.report_year = f.report_year
    and c.scope = f.scope
    and c.scope_code is not distinct from f.scope_code
    and c.projection = f.projection
left join ref.region as g on g.region_code = f.scope_code
order by f.report_year, f.scope, f.scope_code nulls first, f.projection;

comment on table mart.status_summary is 'Key figures per report year, scope (cohort, region) and projection: members reaching their target under the linear, exponential and conservative projections, and members per status (projection = ''status''). Shares are totals divided by totals.';
comment on column mart.status_summary.report_year is 'Report year R.';
comment on column mart.status_summary.scope is '''cohort'' (every member) or ''region''.';
comment on column mart.status_summary.scope_code is 'Region code for scope = ''region''; NULL for the cohort.';
comment on column mart.status_summary.scope_name is 'Region name; NULL for the cohort.';
comment on column mart.status_summary.projection is '''linear'', ''exponential'', ''conservative'' (members counted by whether that projection reaches target_t) or ''status'' (members counted by status).';
comment on column mart.status_summary.members is 'Members in the scope (plan registry rows).';
comment on column mart.status_summary.on_track is 'Projection rows: members whose projection to the target year is <= target_t. Status row: members with status on_track.';
comment on column mart.status_summary.at_risk is 'Status row: members with status at_risk; NULL on projection rows (a single projection either reaches the target or not).';
comment on column mart.status_summary.off_track is 'Projection rows: members whose projection is above target_t. Status row: members with status off_track.';
comment on column mart.status_summary.insufficient_data is 'Projection rows: members without that projection or without a target. Status row: members with status insufficient_data.';
comment on column mart.status_summary.evaluated is 'members − insufficient_data.';
comment on column mart.status_summary.on_track_pct is '100 × on_track / members; NULL without members.';
comment on column mart.status_summary.on_track_of_evaluated_pct is '100 × on_track / evaluated; NULL when no member is evaluated.';
