-- mart.municipality_status: one row per report year and member (plan registry row, rule 12).
-- The method is metrics.md "Target path", "Pace and projections", "Status" and rules 7–11;
-- docs/methodology.md spells out every formula and the choices where the spec is silent.
-- Everything is set-based (grouped by member and report year) so it scales to any
-- number of municipalities.

create schema if not exists mart;

create or replace table mart.municipality_status as
with

member as (
    -- One row per plan registry row. The target basis decides which series the member is
    -- measured on (rule 7); anything but an explicit 'net' is gross, the registry default.
    select
        p.municipality_code,
        m.municipality_name,
        m.region_code,
        m.region_name,
        p.approved_on,
        p.baseline_year,
        p.baseline_t as plan_baseline_t,
        p.target_year,
        p.target_reduction_pct,
        p.net_zero_year,
        case when lower(trim(p.target_basis)) = 'net' then 'net' else 'gross' end as target_basis
    from core.plan as p
    left join ref.municipality as m on m.municipality_code = p.municipality_code
),

member_report_year as (
    select
        r.report_year,
        mb.*
    from member as mb
    cross join core.report_year as r
),

basis_series as (
    -- Complete inventory years only, on the member's own basis (gross_t or net_t).
    select
        mb.municipality_code,
        my.year,
        case when mb.target_basis = 'net' then my.net_t else my.gross_t end as basis_t
    from member as mb
    inner join core.municipality_year as my on my.municipality_code = mb.municipality_code
    where my.is_complete
),

latest as (
    -- L = the latest complete inventory year at or before the report year.
    select
        mry.report_year,
        mry.municipality_code,
        max(s.year) as latest_year
    from member_report_year as mry
    inner join basis_series as s
        on s.municipality_code = mry.municipality_code
        and s.year <= mry.report_year
    group by mry.report_year, mry.municipality_code
),

window_fit as (
    -- OLS over the complete years in [L - 4, L]: linear on the value, exponential on its
    -- natural log. The log fit only counts when every value of the window is positive.
    -- Years enter as offsets from L (better conditioned than 2019…2023) and every fit
    -- reads its points in year order: floating-point sums depend on order, and the same
    -- inputs must give bit-identical projections and statuses on every run.
    select
        l.report_year,
        l.municipality_code,
        count(*) as window_points,
        min(s.year) as window_first_year,
        regr_slope(s.basis_t, s.year - l.latest_year order by s.year) as lin_slope,
        regr_avgx(s.basis_t, s.year - l.latest_year order by s.year) + l.latest_year
            as lin_avg_year,
        regr_avgy(s.basis_t, s.year - l.latest_year order by s.year) as lin_avg_t,
        regr_slope(
            case when s.basis_t > 0 then ln(s.basis_t) end, s.year - l.latest_year
            order by s.year
        ) as exp_slope,
        bool_and(s.basis_t > 0) as all_positive
    from latest as l
    inner join basis_series as s
        on s.municipality_code = l.municipality_code
        and s.year between l.latest_year - 4 and l.latest_year
    group by l.report_year, l.municipality_code, l.latest_year
),

baseline as (
    -- B from the registry, else the inventory value of year b; an inventory baseline
    -- after the report year is not known yet (rule 9).
    select
        mry.report_year,
        mry.municipality_code,
        coalesce(mry.plan_baseline_t, s.basis_t) as baseline_t,
        case
            when mry.plan_baseline_t is not null then 'plan'
            when s.basis_t is not null then 'inventory'
        end as baseline_source
    from member_report_year as mry
    left join basis_series as s
        on s.municipality_code = mry.municipality_code
        and s.year = mry.baseline_year
        and s.year <= mry.report_year
),

assembled as (
    select
        mry.report_year,
        mry.municipality_code,
        mry.municipality_name,
        mry.region_code,
        mry.region_name,
        mry.approved_on,
        mry.target_basis,
        mry.baseline_year,
        b.baseline_t,
        b.baseline_source,
        mry.target_year,
        mry.target_reduction_pct,
        b.baseline_t * (1 - mry.target_reduction_pct / 100) as target_t,
        mry.net_zero_year,
        l.latest_year,
        s.basis_t as latest_t,
        coalesce(w.window_points, 0) as window_points,
        w.window_first_year,
        w.lin_slope,
        w.lin_avg_year,
        w.lin_avg_t,
        case when w.all_positive then w.exp_slope end as exp_slope
    from member_report_year as mry
    inner join baseline as b
        on b.report_year = mry.report_year
        and b.municipality_code = mry.municipality_code
    left join latest as l
        on l.report_year = mry.report_year
        and l.municipality_code = mry.municipality_code
    left join basis_series as s
        on s.municipality_code = mry.municipality_code
        and s.year = l.latest_year
    left join window_fit as w
        on w.report_year = mry.report_year
        and w.municipality_code = mry.municipality_code
),

target_path as (
    -- P(L): B up to b, a straight line to (T, target_t), a straight line to (Z, 0), 0 after.
    select
        a.*,
        case
            when a.latest_year is null or a.baseline_t is null or a.baseline_year is null
                or a.target_year is null or a.target_t is null then null
            when a.latest_year <= a.baseline_year then a.baseline_t
            when a.latest_year <= a.target_year then
                a.baseline_t + (a.target_t - a.baseline_t)
                * (a.latest_year - a.baseline_year) / (a.target_year - a.baseline_year)
            when a.latest_year >= a.net_zero_year then 0
            else a.target_t * (a.net_zero_year - a.latest_year) / (a.net_zero_year - a.target_year)
        end as path_t
    from assembled as a
),

projections as (
    -- Rule 8: fewer than 3 window points, no fit and no projection. The long-run line
    -- through (b, B) and (L, latest_t) needs B and L <> b (rule 10), also when L < b;
    -- it does not depend on the window.
    select
        t.*,
        case
            when t.window_points >= 3
                then greatest(0, t.lin_avg_t + t.lin_slope * (t.target_year - t.lin_avg_year))
        end as proj_lin_t,
        case when t.window_points >= 3 then 1 - exp(t.exp_slope) end as r_obs,
        case
            when t.window_points >= 3
                then t.latest_t * exp(t.exp_slope * (t.target_year - t.latest_year))
        end as proj_exp_t,
        case
            when t.baseline_t is not null and t.latest_year <> t.baseline_year
                then greatest(
                    0,
                    t.baseline_t + (t.latest_t - t.baseline_t)
                    * (t.target_year - t.baseline_year) / (t.latest_year - t.baseline_year)
                )
        end as proj_long_t,
        case
            when t.latest_year < t.target_year and t.target_t > 0 and t.latest_t > 0
                then 1 - pow(t.target_t / t.latest_t, 1.0 / (t.target_year - t.latest_year))
        end as r_req
    from target_path as t
),

conservative as (
    -- greatest() skips NULLs: the most pessimistic of the projections that exist.
    select
        p.*,
        case
            when p.window_points >= 3 then greatest(p.proj_lin_t, p.proj_exp_t, p.proj_long_t)
        end as proj_cons_t,
        coalesce(p.proj_exp_t, p.proj_lin_t) as proj_status_t
    from projections as p
),

status as (
    select
        c.*,
        case
            when c.latest_year is null then 'insufficient_data'
            when c.baseline_t is null then 'insufficient_data'
            when c.latest_year < c.baseline_year then 'insufficient_data'
            when c.target_t is null or c.path_t is null then 'insufficient_data'
            when c.window_points < 3 then 'insufficient_data'
            when c.latest_t <= c.path_t and c.proj_status_t <= c.target_t then 'on_track'
            when c.latest_t > c.path_t and c.proj_status_t > c.target_t then 'off_track'
            else 'at_risk'
        end as status,
        case
            when c.latest_year is null then 'no complete inventory year at or before the report year'
            when c.baseline_t is null then 'no baseline: blank in the plan and no complete inventory year ' || c.baseline_year
            when c.latest_year < c.baseline_year then 'latest complete year ' || c.latest_year || ' is before the baseline year ' || c.baseline_year
            when c.target_t is null or c.path_t is null then 'no target path: the plan registry gives no ' || concat_ws(', ',
                case when c.baseline_year is null then 'baseline year' end,
                case when c.target_year is null then 'target year' end,
                case when c.target_reduction_pct is null then 'reduction target' end,
                case when c.net_zero_year is null and c.latest_year > c.target_year then 'net-zero year' end)
            when c.window_points < 3 then 'only ' || c.window_points || ' complete years in ' || (c.latest_year - 4) || '–' || c.latest_year
            when c.latest_t <= c.path_t and c.proj_status_t <= c.target_t then 'on or below the path and projected to reach the target'
            when c.latest_t > c.path_t and c.proj_status_t > c.target_t then 'above the path and projected to miss the target'
            when c.latest_t > c.path_t then 'above the path but projected to reach the target'
            else 'on or below the path but projected to miss the target'
        end as status_reason
    from conservative as c
),

action_totals as (
    select
        a.report_year,
        a.municipality_code,
        count(*) as actions_total,
        count(*) filter (where a.status = 'cancelled') as actions_cancelled,
        count(*) filter (where a.status in ('in_progress', 'completed')) as actions_started,
        coalesce(sum(a.expected_t) filter (where a.status <> 'cancelled'), 0) as expected_t
    from core.action as a
    group by a.report_year, a.municipality_code
)

select
    s.report_year,
    s.municipality_code,
    s.municipality_name,
    s.region_code,
    s.region_name,
    s.approved_on as plan_approved,
    s.target_basis,
    s.baseline_year,
    s.baseline_t,
    s.baseline_source,
    s.target_year,
    s.target_reduction_pct,
    s.target_t,
    s.net_zero_year,
    s.latest_year,
    s.latest_t,
    s.path_t,
    s.latest_t - s.path_t as gap_t,
    100 * (1 - s.latest_t / s.baseline_t) as reduction_pct,
    s.window_first_year,
    s.window_points,
    case when s.window_points >= 3 then s.lin_slope end as lin_slope_t_per_year,
    s.r_obs,
    s.r_req,
    s.proj_lin_t,
    s.proj_exp_t,
    s.proj_long_t,
    s.proj_cons_t,
    s.status,
    s.status_reason,
    coalesce(act.actions_total, 0) as actions_total,
    coalesce(act.actions_cancelled, 0) as actions_cancelled,
    coalesce(act.expected_t, 0) as actions_expected_t,
    100.0 * act.actions_started / nullif(act.actions_total - act.actions_cancelled, 0)
        as implementation_pct,
    case
        when s.latest_t - s.target_t > 0
            then 100 * coalesce(act.expected_t, 0) / (s.latest_t - s.target_t)
    end as plan_coverage_pct
from status as s
left join action_totals as act
    on act.report_year = s.report_year
    and act.municipality_code = s.municipality_code
order by s.report_year, s.municipality_code;

comment on table mart.municipality_status is 'One row per report year and alliance member (plan registry row, approved or not): target path, gap, pace, projections to the target year and status (metrics.md). Emission figures are on the member''s target basis (gross_t, or net_t for Målgrundlag = netto).';
comment on column mart.municipality_status.report_year is 'Report year R: uses inventory years <= R and the action survey of R.';
comment on column mart.municipality_status.municipality_code is 'Municipality code, text (e.g. ''101'').';
comment on column mart.municipality_status.municipality_name is 'Municipality name.';
comment on column mart.municipality_status.region_code is 'Region code (''1081''–''1085'').';
comment on column mart.municipality_status.region_name is 'Region name.';
comment on column mart.municipality_status.plan_approved is 'Date the plan was approved as Paris-compatible; NULL if not yet.';
comment on column mart.municipality_status.target_basis is '''gross'' (default) or ''net'' (Målgrundlag = netto): the emission series every figure of this row uses (rule 7).';
comment on column mart.municipality_status.baseline_year is 'Baseline year b from the plan registry.';
comment on column mart.municipality_status.baseline_t is 'Baseline emissions B, t CO2e: from the plan, else the complete inventory value of year b on the target basis; NULL when neither exists (rule 9).';
comment on column mart.municipality_status.baseline_source is '''plan'' or ''inventory'': where baseline_t comes from; NULL when there is no baseline.';
comment on column mart.municipality_status.target_year is 'Target year T (normally 2030).';
comment on column mart.municipality_status.target_reduction_pct is 'Target reduction p in percent of the baseline.';
comment on column mart.municipality_status.target_t is 'Target emissions in the target year, t CO2e: B × (1 − p/100).';
comment on column mart.municipality_status.net_zero_year is 'Net-zero year Z: the target path reaches 0 here.';
comment on column mart.municipality_status.latest_year is 'L: the latest complete inventory year <= report year; NULL when there is none.';
comment on column mart.municipality_status.latest_t is 'Emissions in year L on the target basis, t CO2e.';
comment on column mart.municipality_status.path_t is 'Target path P(L), t CO2e: B up to b, linear to (T, target_t), linear to (Z, 0), 0 from Z.';
comment on column mart.municipality_status.gap_t is 'latest_t − path_t, t CO2e; positive = behind the path.';
comment on column mart.municipality_status.reduction_pct is 'Reduction since the baseline, percent: 100 × (1 − latest_t / baseline_t).';
comment on column mart.municipality_status.window_first_year is 'First complete year of the fit window [L − 4, L].';
comment on column mart.municipality_status.window_points is 'Number of complete years in [L − 4, L] (the fits need at least 3).';
comment on column mart.municipality_status.lin_slope_t_per_year is 'Slope of the linear OLS fit over the window, t CO2e per year (negative = falling); NULL with fewer than 3 points.';
comment on column mart.municipality_status.r_obs is 'Observed annual rate of change, fraction per year: 1 − exp(c) of the OLS fit of ln(emissions) on year; positive = falling. NULL with fewer than 3 points or any value <= 0 in the window.';
comment on column mart.municipality_status.r_req is 'Required annual rate, fraction per year: 1 − (target_t / latest_t)^(1 / (T − L)) for L < T and both positive; unclamped (negative = already below the target, rule 11).';
comment on column mart.municipality_status.proj_lin_t is 'Linear projection to the target year, t CO2e: OLS line at T, floored at 0.';
comment on column mart.municipality_status.proj_exp_t is 'Exponential projection to the target year, t CO2e: latest_t × (1 − r_obs)^(T − L); NULL when r_obs is NULL.';
comment on column mart.municipality_status.proj_long_t is 'Long-run projection, t CO2e: the line from (b, B) through (L, latest_t) extended to T, floored at 0; NULL when there is no baseline or L = b (rule 10); defined for L < b too. Does not depend on the fit window.';
comment on column mart.municipality_status.proj_cons_t is 'Conservative projection, t CO2e: the largest of proj_lin_t, proj_exp_t, proj_long_t (NULLs left out); NULL with fewer than 3 window points.';
comment on column mart.municipality_status.status is 'on_track, off_track, at_risk or insufficient_data (metrics.md, Status), compared on unrounded values with proj_exp_t (proj_lin_t where NULL).';
comment on column mart.municipality_status.status_reason is 'Why the member has this status, in words.';
comment on column mart.municipality_status.actions_total is 'Actions reported for the report year, all statuses (0 when none).';
comment on column mart.municipality_status.actions_cancelled is 'Actions reported as cancelled.';
comment on column mart.municipality_status.actions_expected_t is 'Sum of the expected annual reductions of actions not cancelled, t CO2e/year (blank counts as 0; 0 when no actions).';
comment on column mart.municipality_status.implementation_pct is '100 × (in_progress + completed) / (all − cancelled); NULL when no action remains (rule 15).';
comment on column mart.municipality_status.plan_coverage_pct is '100 × actions_expected_t / (latest_t − target_t) when that denominator is positive, else NULL; 0 with no actions (rule 15). Above 100 = the plan covers the remaining reduction.';
