-- mart.carbon_budget: each member's population share of a national remaining carbon budget
-- and the year it runs out (metrics.md, Carbon budget). The budget is configuration: the
-- asset layer fills ref.carbon_budget (0 or 1 row); empty means no budget is configured
-- and this table stays empty, so no budget figure appears anywhere.

create schema if not exists ref;
create schema if not exists mart;

create table if not exists ref.carbon_budget (
    budget_t double,
    start_year integer,
    source varchar
);

create or replace table mart.carbon_budget as
with

budget as (
    select budget_t, start_year, source
    from ref.carbon_budget
    limit 1
),

national_population as (
    -- Denmark's population in S = the sum of its municipalities, NULL if any is missing
    -- (rule 2; StatBank's own 000 row is not used).
    select
        b.start_year,
        case when count(p.population) = count(*) then sum(p.population) end as population
    from budget as b
    cross join ref.municipality as m
    left join core.population as p
        on p.municipality_code = m.municipality_code
        and p.year = b.start_year
    group by b.start_year
),

member_share as (
    select
        r.report_year,
        pl.municipality_code,
        b.budget_t,
        b.start_year,
        b.source,
        p.population as population_start,
        b.budget_t * p.population / np.population as budget_share_t
    from core.plan as pl
    cross join budget as b
    cross join national_population as np
    cross join core.report_year as r
    left join core.population as p
        on p.municipality_code = pl.municipality_code
        and p.year = b.start_year
),

gross_series as (
    select municipality_code, year, gross_t
    from core.municipality_year
    where is_complete
),

latest as (
    select
        ms.report_year,
        ms.municipality_code,
        max(g.year) as latest_year
    from member_share as ms
    inner join gross_series as g
        on g.municipality_code = ms.municipality_code
        and g.year <= ms.report_year
    group by ms.report_year, ms.municipality_code
),

exp_fit as (
    -- The exponential fit of mart.municipality_status, always on gross emissions here:
    -- complete years in [L - 4, L], at least 3, all positive, read in year order.
    select
        l.report_year,
        l.municipality_code,
        regr_slope(ln(g.gross_t), g.year - l.latest_year order by g.year) as exp_slope
    from latest as l
    inner join gross_series as g
        on g.municipality_code = l.municipality_code
        and g.year between l.latest_year - 4 and l.latest_year
    group by l.report_year, l.municipality_code
    having count(*) >= 3 and bool_and(g.gross_t > 0)
),

yearly as (
    -- Every year from S to 2050: the inventory up to L (NULL where a year is incomplete),
    -- the exponential projection from L on (NULL without a fit).
    select
        ms.report_year,
        ms.municipality_code,
        y.year,
        y.year <= l.latest_year as is_observed,
        case
            when y.year <= l.latest_year then g.gross_t
            else gl.gross_t * exp(f.exp_slope * (y.year - l.latest_year))
        end as emissions_t
    from member_share as ms
    cross join range(ms.start_year, 2051) as y (year)
    left join latest as l
        on l.report_year = ms.report_year
        and l.municipality_code = ms.municipality_code
    left join gross_series as g
        on g.municipality_code = ms.municipality_code
        and g.year = y.year
    left join gross_series as gl
        on gl.municipality_code = ms.municipality_code
        and gl.year = l.latest_year
    left join exp_fit as f
        on f.report_year = ms.report_year
        and f.municipality_code = ms.municipality_code
),

cumulative as (
    -- A running sum that turns NULL for good at the first unknown year: never a sum that
    -- silently skips a year.
    select
        report_year,
        municipality_code,
        year,
        is_observed,
        case
            when count(*) over w = count(emissions_t) over w then sum(emissions_t) over w
        end as cumulative_t
    from yearly
    window w as (
        partition by report_year, municipality_code
        order by year
        rows between unbounded preceding and current row
    )
),

summarised as (
    select
        c.report_year,
        c.municipality_code,
        min(c.year) filter (where c.cumulative_t > ms.budget_share_t) as budget_runs_out_year,
        coalesce(max(c.year) filter (where c.is_observed), ms.start_year - 1)
            as observed_until_year
    from cumulative as c
    inner join member_share as ms
        on ms.report_year = c.report_year
        and ms.municipality_code = c.municipality_code
    group by c.report_year, c.municipality_code, ms.budget_share_t, ms.start_year
)

select
    ms.report_year,
    ms.municipality_code,
    ms.start_year as budget_start_year,
    ms.budget_t as budget_national_t,
    ms.source as budget_source,
    ms.population_start,
    ms.budget_share_t,
    l.latest_year,
    -- Observed emissions S..L; 0 when L is before S.
    case
        when s.observed_until_year < ms.start_year then 0
        else c.cumulative_t
    end as cumulative_t,
    ms.budget_share_t - case
        when s.observed_until_year < ms.start_year then 0
        else c.cumulative_t
    end as remaining_t,
    s.budget_runs_out_year
from member_share as ms
inner join summarised as s
    on s.report_year = ms.report_year
    and s.municipality_code = ms.municipality_code
left join latest as l
    on l.report_year = ms.report_year
    and l.municipality_code = ms.municipality_code
left join cumulative as c
    on c.report_year = ms.report_year
    and c.municipality_code = ms.municipality_code
    and c.year = s.observed_until_year
order by ms.report_year, ms.municipality_code;

comment on table mart.carbon_budget is 'Per report year and member: population share of the configured national carbon budget, gross emissions used since the start year and the year the share runs out. Empty when no budget is configured (ref.carbon_budget empty).';
comment on column mart.carbon_budget.report_year is 'Report year R.';
comment on column mart.carbon_budget.municipality_code is 'Member municipality code.';
comment on column mart.carbon_budget.budget_start_year is 'Start year S of the configured budget.';
comment on column mart.carbon_budget.budget_national_t is 'The configured national remaining budget G, t CO2e from S.';
comment on column mart.carbon_budget.budget_source is 'Documented source of the configured budget.';
comment on column mart.carbon_budget.population_start is 'Population of the municipality on 1 January of S.';
comment on column mart.carbon_budget.budget_share_t is 'G × population(m, S) / population(Denmark, S), t CO2e; Denmark = sum of the municipalities; NULL when a population is missing.';
comment on column mart.carbon_budget.latest_year is 'L: the latest complete inventory year <= R.';
comment on column mart.carbon_budget.cumulative_t is 'Gross emissions summed over the inventory years S..L, t CO2e; 0 when L < S; NULL when a year in between is incomplete.';
comment on column mart.carbon_budget.remaining_t is 'budget_share_t − cumulative_t, t CO2e (negative = already spent).';
comment on column mart.carbon_budget.budget_runs_out_year is 'First year whose cumulative gross emissions since S (inventory to L, then the exponential projection) exceed the share; NULL when not within 2050 or when the path to it is unknown.';
