-- mart.implementation_effect: what each sector's emissions did between the baseline year and
-- the latest year, against what the completed actions of that sector promised (rule 16).
-- Reads mart.municipality_status (for L, the latest complete year of the member).

create schema if not exists mart;

create or replace table mart.implementation_effect as
with

member_sector as (
    -- Every member and each of the five sectors in the total, per report year.
    select
        st.report_year,
        st.municipality_code,
        st.baseline_year,
        st.latest_year,
        s.sector,
        s.sort_order
    from mart.municipality_status as st
    cross join ref.sector as s
    where s.in_total
),

completed as (
    -- Cross-cutting actions have no sector here, so they never enter a ratio (rule 13).
    select
        a.report_year,
        a.municipality_code,
        a.sector,
        sum(a.expected_t) as expected_completed_t
    from core.action as a
    where a.status = 'completed'
    group by a.report_year, a.municipality_code, a.sector
),

observed as (
    -- Only inventory years up to L count, and only when b <= L; a missing sector row in
    -- either year (every 1990 baseline) leaves the observed reduction NULL.
    select
        ms.report_year,
        ms.municipality_code,
        ms.sector,
        eb.emissions_t as baseline_sector_t,
        el.emissions_t as latest_sector_t
    from member_sector as ms
    left join core.emissions as eb
        on eb.municipality_code = ms.municipality_code
        and eb.year = ms.baseline_year
        and eb.sector = ms.sector
        and ms.baseline_year <= ms.latest_year
    left join core.emissions as el
        on el.municipality_code = ms.municipality_code
        and el.year = ms.latest_year
        and el.sector = ms.sector
)

select
    ms.report_year,
    ms.municipality_code,
    ms.sector,
    ms.baseline_year,
    ms.latest_year,
    o.baseline_sector_t,
    o.latest_sector_t,
    o.baseline_sector_t - o.latest_sector_t as observed_reduction_t,
    coalesce(c.expected_completed_t, 0) as expected_completed_t,
    case
        when c.expected_completed_t > 0
            then (o.baseline_sector_t - o.latest_sector_t) / c.expected_completed_t
    end as effect_ratio
from member_sector as ms
inner join observed as o
    on o.report_year = ms.report_year
    and o.municipality_code = ms.municipality_code
    and o.sector = ms.sector
left join completed as c
    on c.report_year = ms.report_year
    and c.municipality_code = ms.municipality_code
    and c.sector = ms.sector
order by ms.report_year, ms.municipality_code, ms.sort_order;

comment on table mart.implementation_effect is 'Per report year, member and each of the five sectors in the total: observed sector reduction from the baseline year to the latest year against the expected reductions of completed actions (rule 16). Unclamped.';
comment on column mart.implementation_effect.report_year is 'Report year R.';
comment on column mart.implementation_effect.municipality_code is 'Member municipality code.';
comment on column mart.implementation_effect.sector is 'One of the five sectors in the total (energy, transport, agriculture, waste, industry).';
comment on column mart.implementation_effect.baseline_year is 'Baseline year b of the plan.';
comment on column mart.implementation_effect.latest_year is 'L: the member''s latest complete inventory year at R (as in mart.municipality_status).';
comment on column mart.implementation_effect.baseline_sector_t is 'Sector emissions in year b, t CO2e; NULL when the inventory has no row or b > L.';
comment on column mart.implementation_effect.latest_sector_t is 'Sector emissions in year L, t CO2e.';
comment on column mart.implementation_effect.observed_reduction_t is 'baseline_sector_t − latest_sector_t, t CO2e/year; NULL when either is missing.';
comment on column mart.implementation_effect.expected_completed_t is 'Sum of expected annual reductions of the completed actions in this sector, t CO2e/year; 0 when none.';
comment on column mart.implementation_effect.effect_ratio is 'observed_reduction_t / expected_completed_t when the denominator is positive, else NULL; 1.0 = as promised. Never clamped.';
