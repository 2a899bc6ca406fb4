-- mart.status_change: per member and pair of consecutive report years, the status the
-- earlier report gave, the status now, and — when they differ — the reason in one
-- phrase. "The earlier report" is the version of the previous report year's row that was
-- current when the current report year was first published (mart.status_history), so a
-- revision that arrives with this year's inventory shows as the change it caused.

create schema if not exists mart;

create or replace table mart.status_change as
with

report_pairs as (
    select
        lag(report_year) over (order by report_year) as previous_report_year,
        report_year as current_report_year
    from core.report_year
),

first_published as (
    select report_year, municipality_code, min(loaded_at) as first_published_at
    from mart.status_history
    group by report_year, municipality_code
),

previous_version as (
    -- The latest version of R − 1 published before R was first published; when both
    -- were first published by the same run, that run's version.
    select
        p.previous_report_year,
        p.current_report_year,
        h.*
    from report_pairs as p
    inner join first_published as f on f.report_year = p.current_report_year
    inner join mart.status_history as h
        on h.report_year = p.previous_report_year
        and h.municipality_code = f.municipality_code
        and h.loaded_at <= f.first_published_at
    qualify row_number() over (
        partition by p.current_report_year, h.municipality_code
        order by h.loaded_at < f.first_published_at desc, h.loaded_at desc
    ) = 1
),

compared as (
    select
        v.municipality_code,
        v.previous_report_year,
        v.current_report_year,
        v.status as previous_status,
        cur.status as current_status,
        v.latest_year as previous_latest_year,
        cur.latest_year as current_latest_year,
        v.loaded_at as previous_published_at,
        v.status is distinct from cur.status as status_changed,
        -- The plan behind the previous report against today's plan.
        (v.baseline_year, v.target_year, v.target_reduction_pct, v.net_zero_year,
         v.target_basis, v.baseline_source)
        is distinct from
        (redo.baseline_year, redo.target_year, redo.target_reduction_pct, redo.net_zero_year,
         redo.target_basis, redo.baseline_source)
        or (v.baseline_source = 'plan' and v.baseline_t is distinct from redo.baseline_t)
            as plan_changed,
        -- The previous report year recomputed on today's data.
        redo.status as previous_status_now,
        redo.latest_year as previous_latest_year_now
    from previous_version as v
    inner join mart.municipality_status as cur
        on cur.report_year = v.current_report_year
        and cur.municipality_code = v.municipality_code
    inner join mart.municipality_status as redo
        on redo.report_year = v.previous_report_year
        and redo.municipality_code = v.municipality_code
),

revised as (
    -- Inventory values of the member that a version loaded after the previous report
    -- changed, in years the current status uses (up to its L).
    select c.current_report_year, c.municipality_code, count(*) as revised_values
    from compared as c
    inner join mart.revisions as r
        on r.municipality_code = c.municipality_code
        and r.year <= c.current_latest_year
        and r.new_loaded_at > c.previous_published_at
    group by c.current_report_year, c.municipality_code
)

select
    c.municipality_code,
    c.previous_report_year,
    c.current_report_year,
    c.previous_status,
    c.current_status,
    c.previous_latest_year,
    c.current_latest_year,
    c.status_changed,
    case
        when not c.status_changed then null
        when c.plan_changed then 'new_plan_data'
        when c.previous_status is distinct from c.previous_status_now then 'revised_inventory'
        when c.previous_latest_year_now is distinct from c.current_latest_year
            then 'new_inventory_year'
        else 'revised_inventory'
    end as reason,
    c.previous_status_now,
    coalesce(r.revised_values, 0) as revised_values
from compared as c
left join revised as r
    on r.current_report_year = c.current_report_year
    and r.municipality_code = c.municipality_code
order by c.current_report_year, c.municipality_code;

comment on table mart.status_change is 'Per member and pair of consecutive report years: the status the previous report gave (as published then, mart.status_history), the status now, and the reason for a change in one phrase.';
comment on column mart.status_change.municipality_code is 'Member''s municipality code.';
comment on column mart.status_change.previous_report_year is 'The previous report year R − 1 (the previous year with an action survey).';
comment on column mart.status_change.current_report_year is 'The report year R.';
comment on column mart.status_change.previous_status is 'Status for the previous report year as published before R was first published.';
comment on column mart.status_change.current_status is 'Status for R now.';
comment on column mart.status_change.previous_latest_year is 'L of the previous status as published.';
comment on column mart.status_change.current_latest_year is 'L of the current status.';
comment on column mart.status_change.status_changed is 'True when previous_status and current_status differ.';
comment on column mart.status_change.reason is 'Why the status changed, first cause that applies: ''new_plan_data'' (the plan registry''s baseline, target or basis differ from those behind the previous status), ''revised_inventory'' (the previous report year recomputed on today''s inventory already has another status), ''new_inventory_year'' (L moved); NULL when unchanged.';
comment on column mart.status_change.previous_status_now is 'The previous report year''s status recomputed on today''s data (mart.municipality_status).';
comment on column mart.status_change.revised_values is 'Inventory values of the member in years <= current_latest_year that versions loaded after the previous status was published changed (rows of mart.revisions).';
