-- Values in range: emissions are finite, below 50 Mt for one municipality and sector (the
-- whole country emits about 34 Mt), and negative only in sectors that may be; inventory
-- years from 1990 to this year; populations between 1 and 10 million; expected action
-- reductions not negative.
with problems as (
    select 'klimaregnskab' as source_file, 'Samlet CO2-udledning' as column_name,
           format('Municipality {} {}, {}: {} t CO2e is not a plausible emission', e.municipality_code,
                  e.year, e.sector, e.emissions_t) as message
    from core.emissions as e
    join ref.sector as s using (sector)
    where e.emissions_t is null
       or not isfinite(e.emissions_t)
       or abs(e.emissions_t) > 50e6
       or (e.emissions_t < 0 and not s.may_be_negative)
    union all
    select 'klimaregnskab', 'År',
           format('Municipality {}: inventory year {} is not between 1990 and {}', municipality_code,
                  year, year(current_date))
    from core.municipality_year
    where year not between 1990 and year(current_date)
    union all
    select 'statbank', 'INDHOLD',
           format('Municipality {} {}: population {} is not between 1 and 10 million',
                  municipality_code, year, population)
    from core.population
    where population is not null and population not between 1 and 10e6
    union all
    select 'actions', 'Forventet reduktion (ton CO2e/år)',
           format('Member {} survey {}, action {}: expected reduction {} t is negative',
                  municipality_code, report_year, action_id, expected_t)
    from core.action
    where expected_t < 0
)

select source_file, cast(null as integer) as row_number, column_name, message
from problems
order by source_file, message;
