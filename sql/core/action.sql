-- core.action: the actions each member reported for a report year.
-- core.report_year: the years a status report can be made for (those with a survey).
create schema if not exists core;

create or replace table core.action as
select
    report_year,
    municipality_code,
    action_id,
    title,
    sector,
    status,
    expected_t
from staging.actions
order by report_year, municipality_code, action_id;

create or replace table core.report_year as
select distinct report_year
from staging.actions
order by report_year;
