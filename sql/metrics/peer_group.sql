-- mart.peer_group: each municipality's peer group per report year, from data: its
-- population size class and its settlement class (population density over the reference
-- area), with the class limits in ref.peer_group_class (reference/peer_group_classes.csv,
-- editable without code). Every municipality of the country has a row, members or not,
-- so peers are found among all 98.

create schema if not exists mart;

create or replace table mart.peer_group as
with

latest_population as (
    -- The latest population at or before the report year (1 January, FOLK1A).
    select
        r.report_year,
        p.municipality_code,
        max(p.year) as population_year
    from core.report_year as r
    inner join core.population as p on p.year <= r.report_year and p.population is not null
    group by r.report_year, p.municipality_code
),

measured as (
    select
        r.report_year,
        m.municipality_code,
        l.population_year,
        p.population,
        a.area_km2,
        case when a.area_km2 > 0 then p.population / a.area_km2 end as density_per_km2
    from core.report_year as r
    cross join ref.municipality as m
    left join latest_population as l
        on l.report_year = r.report_year and l.municipality_code = m.municipality_code
    left join core.population as p
        on p.municipality_code = m.municipality_code and p.year = l.population_year
    left join ref.municipality_area as a on a.municipality_code = m.municipality_code
),

classed as (
    -- A class runs from its lower bound up to the next class's lower bound.
    select
        x.*,
        (
            select arg_max(c.class, c.lower_bound)
            from ref.peer_group_class as c
            where c.dimension = 'size' and c.lower_bound <= x.population
        ) as size_class,
        (
            select arg_max(c.class, c.lower_bound)
            from ref.peer_group_class as c
            where c.dimension = 'density' and c.lower_bound <= x.density_per_km2
        ) as density_class
    from measured as x
),

grouped as (
    select
        *,
        case
            when size_class is not null and density_class is not null
                then size_class || '/' || density_class
        end as peer_group
    from classed
)

select
    g.report_year,
    g.municipality_code,
    g.population_year,
    g.population,
    g.area_km2,
    g.density_per_km2,
    g.size_class,
    g.density_class,
    g.peer_group,
    case
        when g.peer_group is not null
            then count(*) over (partition by g.report_year, g.peer_group)
    end as group_size,
    case
        when g.peer_group is not null
            then count(p.municipality_code) over (partition by g.report_year, g.peer_group)
    end as members_in_group,
    p.municipality_code is not null as is_member,
    sc.name_da as size_name_da,
    sc.name_en as size_name_en,
    dc.name_da as density_name_da,
    dc.name_en as density_name_en
from grouped as g
left join core.plan as p on p.municipality_code = g.municipality_code
left join ref.peer_group_class as sc on sc.dimension = 'size' and sc.class = g.size_class
left join ref.peer_group_class as dc
    on dc.dimension = 'density' and dc.class = g.density_class
order by g.report_year, g.municipality_code;

comment on table mart.peer_group is 'Each municipality''s peer group per report year: population size class × settlement class (population density over the reference area), class limits from ref.peer_group_class (reference/peer_group_classes.csv). All municipalities, members or not.';
comment on column mart.peer_group.report_year is 'Report year R.';
comment on column mart.peer_group.municipality_code is 'Municipality code.';
comment on column mart.peer_group.population_year is 'Year of the population used: the latest year <= R with a population (1 January).';
comment on column mart.peer_group.population is 'Population at 1 January of population_year (FOLK1A).';
comment on column mart.peer_group.area_km2 is 'Area in km² from ref.municipality_area (computed once from the simplified DAGI boundaries; approximate); NULL for a municipality without one (synthetic).';
comment on column mart.peer_group.density_per_km2 is 'population / area_km2, residents per km².';
comment on column mart.peer_group.size_class is 'Population size class: the class of dimension ''size'' with the largest lower bound <= population.';
comment on column mart.peer_group.density_class is 'Settlement class (rural, mixed, urban with the shipped limits): the class of dimension ''density'' with the largest lower bound <= density_per_km2.';
comment on column mart.peer_group.peer_group is 'size_class/density_class, e.g. ''medium/rural''; NULL without a population or an area (no peers then).';
comment on column mart.peer_group.group_size is 'Municipalities in the peer group this report year (members or not).';
comment on column mart.peer_group.members_in_group is 'Members of the alliance cohort in the peer group.';
comment on column mart.peer_group.is_member is 'True when the plan registry lists the municipality.';
comment on column mart.peer_group.size_name_da is 'The size class in words, Danish (from the class CSV).';
comment on column mart.peer_group.size_name_en is 'The size class in words, English.';
comment on column mart.peer_group.density_name_da is 'The settlement class in words, Danish.';
comment on column mart.peer_group.density_name_en is 'The settlement class in words, English.';
