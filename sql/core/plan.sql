-- core.plan: one row per member of the alliance cohort (the plan registry), with the file
-- and row it came from so that a check on it can name them.
create schema if not exists core;

create or replace table core.plan as
select
    municipality_code,
    approved_on,
    baseline_year,
    baseline_t,
    target_year,
    target_reduction_pct,
    net_zero_year,
    target_basis,
    revision_status,
    recertified_on,
    next_revision_year,
    source_file,
    row_number
from staging.plans
order by municipality_code;
