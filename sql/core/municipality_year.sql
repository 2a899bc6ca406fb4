-- core.municipality_year: gross, LULUCF, net and per capita per municipality and year.
-- Incomplete years (a sector in the total missing) get NULL gross, net and per capita
-- (rule 1) but keep their LULUCF, 0 without a row (metrics.md, Sectors); per capita
-- always uses gross (rule 3) and needs a population.
create schema if not exists core;

create or replace table core.municipality_year as
with sectors_in_total as (
    select sector from ref.sector where in_total
),

sector_sums as (
    select
        e.municipality_code,
        e.year,
        count(t.sector) as sectors_present,
        sum(e.emissions_t) filter (where t.sector is not null) as sum_in_total_t,
        sum(e.emissions_t) filter (where e.sector = 'lulucf') as lulucf_t
    from core.emissions as e
    left join sectors_in_total as t on t.sector = e.sector
    group by e.municipality_code, e.year
),

completeness as (
    select
        *,
        sectors_present = (select count(*) from sectors_in_total) as is_complete
    from sector_sums
)

select
    c.municipality_code,
    c.year,
    case when c.is_complete then c.sum_in_total_t end as gross_t,
    coalesce(c.lulucf_t, 0) as lulucf_t,
    case when c.is_complete then c.sum_in_total_t + coalesce(c.lulucf_t, 0) end as net_t,
    p.population,
    case
        when c.is_complete and p.population > 0 then c.sum_in_total_t / p.population
    end as per_capita_t,
    c.is_complete,
    c.sectors_present
from completeness as c
left join core.population as p
    on p.municipality_code = c.municipality_code and p.year = c.year
order by c.municipality_code, c.year;
