-- No duplicate keys: one row per business key in the core tables the metrics join on
-- (municipality × year × sector, municipality × year, member, survey × member × action).
with duplicates as (
    select 'klimaregnskab' as source_file, 'core.emissions' as table_name,
           'municipality_code, year, sector' as key_columns,
           concat_ws(' ', municipality_code, year, sector) as key_value, count(*) as copies
    from core.emissions
    group by municipality_code, year, sector
    having count(*) > 1
    union all
    select 'klimaregnskab', 'core.municipality_year', 'municipality_code, year',
           concat_ws(' ', municipality_code, year), count(*)
    from core.municipality_year
    group by municipality_code, year
    having count(*) > 1
    union all
    select 'statbank', 'core.population', 'municipality_code, year',
           concat_ws(' ', municipality_code, year), count(*)
    from core.population
    group by municipality_code, year
    having count(*) > 1
    union all
    select 'plans', 'core.plan', 'municipality_code', municipality_code, count(*)
    from core.plan
    group by municipality_code
    having count(*) > 1
    union all
    select 'actions', 'core.action', 'report_year, municipality_code, action_id',
           concat_ws(' ', report_year, municipality_code, action_id), count(*)
    from core.action
    group by report_year, municipality_code, action_id
    having count(*) > 1
)

select
    source_file,
    cast(null as integer) as row_number,
    key_columns as column_name,
    format('{} rows of {} share the key ({}) = ({}); expected one', copies, table_name,
           key_columns, key_value) as message
from duplicates
order by source_file, message;
