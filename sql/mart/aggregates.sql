-- mart.region_year, mart.national_year, mart.cohort_year: sums over municipalities of
-- the same year. An aggregate with a municipality missing or incomplete that year has
-- NULL totals and counts the missing ones: never a silent partial sum (rules 1–2).
create schema if not exists mart;

create or replace temporary table municipality_year_grid as
with inventory_years as (
    select distinct year from core.municipality_year
)

select
    m.municipality_code,
    m.region_code,
    p.municipality_code is not null as is_member,
    y.year,
    coalesce(my.is_complete, false) as is_complete,
    my.gross_t,
    my.net_t,
    pop.population
from ref.municipality as m
cross join inventory_years as y
left join core.municipality_year as my
    on my.municipality_code = m.municipality_code and my.year = y.year
-- Population straight from StatBank: a municipality with no inventory row that year
-- still counts in the aggregate's population (rule 2).
left join core.population as pop
    on pop.municipality_code = m.municipality_code and pop.year = y.year
left join core.plan as p on p.municipality_code = m.municipality_code;

-- One rule for every aggregate: each municipality-year counts once per scope it belongs
-- to (its region, the nation, and the cohort when it is a member).
create or replace temporary table scope_year as
with scoped as (
    select 'region' as scope, region_code as scope_code, * from municipality_year_grid
    union all
    select 'national', '000', * from municipality_year_grid
    union all
    select 'cohort', 'members', * from municipality_year_grid where is_member
),

scope_sums as (
    select
        scope,
        scope_code,
        year,
        count(*) as municipalities,
        count(*) filter (where not is_complete) as municipalities_missing,
        sum(gross_t) as gross_sum_t,
        sum(net_t) as net_sum_t,
        sum(population) as population_sum,
        count(population) as municipalities_with_population
    from scoped
    group by scope, scope_code, year
),

scope_totals as (
    select
        scope,
        scope_code,
        year,
        case when municipalities_missing = 0 then gross_sum_t end as gross_t,
        case when municipalities_missing = 0 then net_sum_t end as net_t,
        case when municipalities_with_population = municipalities then population_sum end
            as population,
        municipalities,
        municipalities_missing
    from scope_sums
)

select *, gross_t / population as per_capita_t
from scope_totals;

create or replace table mart.region_year as
select
    s.scope_code as region_code,
    r.region_name,
    s.year,
    s.gross_t,
    s.net_t,
    s.population,
    s.per_capita_t,
    s.municipalities,
    s.municipalities_missing
from scope_year as s
join ref.region as r on r.region_code = s.scope_code
where s.scope = 'region'
order by region_code, s.year;

create or replace table mart.national_year as
select year, gross_t, net_t, population, per_capita_t, municipalities, municipalities_missing
from scope_year
where scope = 'national'
order by year;

create or replace table mart.cohort_year as
select
    year,
    gross_t,
    net_t,
    population,
    per_capita_t,
    municipalities_missing,
    municipalities as members
from scope_year
where scope = 'cohort'
order by year;

comment on table mart.region_year is 'Totals per region and inventory year: sums over the region''s municipalities, NULL when any is missing.';
comment on column mart.region_year.region_code is 'Region code, ''1081''–''1085''.';
comment on column mart.region_year.region_name is 'Region name.';
comment on column mart.region_year.year is 'Inventory year.';
comment on column mart.region_year.gross_t is 'Sum of the municipalities'' gross_t, t CO2e; NULL when municipalities_missing > 0.';
comment on column mart.region_year.net_t is 'Sum of the municipalities'' net_t, t CO2e; NULL when municipalities_missing > 0.';
comment on column mart.region_year.population is 'Sum of the municipalities'' populations; NULL when any is missing (StatBank''s own regional rows are not used).';
comment on column mart.region_year.per_capita_t is 'gross_t / population, t CO2e per inhabitant.';
comment on column mart.region_year.municipalities is 'Municipalities in the region.';
comment on column mart.region_year.municipalities_missing is 'Municipalities with no complete inventory that year.';
comment on table mart.national_year is 'Totals for Denmark per inventory year: sums over all municipalities, NULL when any is missing.';
comment on column mart.national_year.year is 'Inventory year.';
comment on column mart.national_year.gross_t is 'Sum of all municipalities'' gross_t, t CO2e; NULL when municipalities_missing > 0.';
comment on column mart.national_year.net_t is 'Sum of all municipalities'' net_t, t CO2e; NULL when municipalities_missing > 0.';
comment on column mart.national_year.population is 'Sum of the municipalities'' populations; NULL when any is missing.';
comment on column mart.national_year.per_capita_t is 'gross_t / population, t CO2e per inhabitant.';
comment on column mart.national_year.municipalities is 'Municipalities in the country.';
comment on column mart.national_year.municipalities_missing is 'Municipalities with no complete inventory that year.';
comment on table mart.cohort_year is 'Totals for the members of the alliance cohort per inventory year, NULL when any member is missing.';
comment on column mart.cohort_year.year is 'Inventory year.';
comment on column mart.cohort_year.gross_t is 'Sum of the members'' gross_t, t CO2e; NULL when municipalities_missing > 0.';
comment on column mart.cohort_year.net_t is 'Sum of the members'' net_t, t CO2e; NULL when municipalities_missing > 0.';
comment on column mart.cohort_year.population is 'Sum of the members'' populations; NULL when any is missing.';
comment on column mart.cohort_year.per_capita_t is 'gross_t / population, t CO2e per inhabitant.';
comment on column mart.cohort_year.municipalities_missing is 'Members with no complete inventory that year.';
comment on column mart.cohort_year.members is 'Members of the cohort (plan registry rows).';
