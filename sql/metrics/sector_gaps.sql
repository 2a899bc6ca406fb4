-- mart.sector_gaps: the plan coverage of metrics.md split by sector. Per report year,
-- member and sector, the reduction still needed to reach the target (latest_t −
-- target_t, the plan-coverage denominator) shared out over the five sectors in
-- proportion to their emissions in L, against the expected reductions of the sector's
-- planned and ongoing actions. Completed actions are left out of the comparison: their
-- reduction is meant to be in the inventory already. Cross-cutting actions get a row of
-- their own with no need assigned (rule 13). Reads mart.municipality_status for L.

create schema if not exists mart;

create or replace table mart.sector_gaps as
with

member_sector as (
    select
        st.report_year,
        st.municipality_code,
        st.latest_year,
        st.latest_t - st.target_t as needed_total_t,
        s.sector,
        s.in_total,
        s.sort_order
    from mart.municipality_status as st
    cross join (
        select sector, in_total, sort_order from ref.sector where in_total
        union all
        select 'cross_cutting', false, 99
    ) as s
),

latest_sector as (
    select ms.report_year, ms.municipality_code, ms.sector, e.emissions_t
    from member_sector as ms
    inner join core.emissions as e
        on e.municipality_code = ms.municipality_code
        and e.year = ms.latest_year
        and e.sector = ms.sector
    where ms.in_total
),

positive_total as (
    -- In a fixed order, so the float sum is the same in every run.
    select
        report_year,
        municipality_code,
        sum(greatest(emissions_t, 0) order by sector) as positive_t
    from latest_sector
    group by report_year, municipality_code
),

sector_emissions as (
    -- A sector's share of the need: its emissions in L over the sum of the positive
    -- sectors; a sector at or below zero (a land-use sink in agriculture) is given none.
    select
        l.report_year,
        l.municipality_code,
        l.sector,
        l.emissions_t,
        greatest(l.emissions_t, 0) / nullif(p.positive_t, 0) as need_share
    from latest_sector as l
    inner join positive_total as p
        on p.report_year = l.report_year and p.municipality_code = l.municipality_code
),

sector_actions as (
    select
        report_year,
        municipality_code,
        sector,
        coalesce(sum(expected_t) filter (where status in ('planned', 'in_progress')), 0)
            as expected_open_t,
        coalesce(sum(expected_t) filter (where status = 'completed'), 0) as expected_completed_t,
        count(*) filter (where status in ('planned', 'in_progress')) as open_actions
    from core.action
    group by report_year, municipality_code, sector
),

gaps as (
    select
        ms.report_year,
        ms.municipality_code,
        ms.sector,
        ms.sort_order,
        ms.latest_year,
        se.emissions_t as latest_sector_t,
        se.need_share,
        case
            when ms.in_total and ms.needed_total_t <= 0 then 0.0
            when ms.in_total then ms.needed_total_t * se.need_share
        end as needed_t,
        coalesce(a.expected_open_t, 0) as expected_open_t,
        coalesce(a.expected_completed_t, 0) as expected_completed_t,
        coalesce(a.open_actions, 0) as open_actions
    from member_sector as ms
    left join sector_emissions as se
        on se.report_year = ms.report_year
        and se.municipality_code = ms.municipality_code
        and se.sector = ms.sector
    left join sector_actions as a
        on a.report_year = ms.report_year
        and a.municipality_code = ms.municipality_code
        and a.sector = ms.sector
)

select
    report_year,
    municipality_code,
    sector,
    latest_year,
    latest_sector_t,
    need_share,
    needed_t,
    expected_open_t,
    needed_t - expected_open_t as remaining_gap_t,
    case when needed_t > 0 then 100 * expected_open_t / needed_t end as open_coverage_pct,
    expected_completed_t,
    open_actions
from gaps
order by report_year, municipality_code, sort_order;

comment on table mart.sector_gaps is 'Plan coverage by sector: per report year, member and sector (the five in the total, plus cross_cutting), the reduction still needed to reach the target shared out by the sector''s emissions in L, against the expected reductions of planned and ongoing actions.';
comment on column mart.sector_gaps.report_year is 'Report year R (actions from its survey).';
comment on column mart.sector_gaps.municipality_code is 'Member''s municipality code.';
comment on column mart.sector_gaps.sector is 'Sector code, or cross_cutting for Tværgående actions (no need assigned).';
comment on column mart.sector_gaps.latest_year is 'L of the member''s status row: the year whose sector emissions share out the need.';
comment on column mart.sector_gaps.latest_sector_t is 'The sector''s emissions in L, t CO2e; NULL for cross_cutting or without a row.';
comment on column mart.sector_gaps.need_share is 'The sector''s share of the need: max(sector_t, 0) / Σ max(sector_t, 0) over the five sectors in L.';
comment on column mart.sector_gaps.needed_t is 'Reduction still needed in the sector, t CO2e/year: (latest_t − target_t) × need_share; 0 when latest_t is already at or below the target; NULL without a target or L, and for cross_cutting.';
comment on column mart.sector_gaps.expected_open_t is 'Σ expected annual reductions of the sector''s planned and in-progress actions in the survey of R, t CO2e/year (blank counts as 0).';
comment on column mart.sector_gaps.remaining_gap_t is 'needed_t − expected_open_t, t CO2e/year: positive = the open actions fall short of what the sector still needs.';
comment on column mart.sector_gaps.open_coverage_pct is '100 × expected_open_t / needed_t when needed_t > 0; NULL otherwise. Unlike plan_coverage_pct it leaves out completed actions.';
comment on column mart.sector_gaps.expected_completed_t is 'Σ expected annual reductions of the sector''s completed actions, t CO2e/year (not counted against the need).';
comment on column mart.sector_gaps.open_actions is 'Number of planned and in-progress actions of the sector in the survey of R.';
