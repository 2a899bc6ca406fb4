-- mart.data_quality: every finding of this load, one row each: what the readers flagged
-- in the raw exports, what the model flagged once it was built, and why a member has
-- too little data for a status (metrics.md, Target path), and what the data checks found
-- (sql/checks/*.sql, recorded in checks.findings by the asset checks of the run).
create schema if not exists mart;
create schema if not exists checks;
create table if not exists checks.findings (
    source_file varchar, row_number integer, column_name varchar,
    rule varchar, severity varchar, message varchar
);

create or replace table mart.data_quality as
with all_findings as (
    select source_file, row_number, column_name, rule, severity, message
    from staging.findings
    union all
    select source_file, row_number, column_name, rule, severity, message
    from core.findings
    union all
    select source_file, row_number, column_name, rule, severity, message
    from checks.findings
    union all
    -- A member without a status is named at its plan registry row; the column is the
    -- baseline's when that is what is missing.
    select
        case when s.baseline_t is null then p.source_file else 'klimaregnskab' end as source_file,
        case when s.baseline_t is null then p.row_number end as row_number,
        case when s.baseline_t is null then 'Basisudledning (ton CO2e)' end as column_name,
        'insufficient_data' as rule,
        'warning' as severity,
        format(
            'Member {} {}, report year {}: no status ({})',
            s.municipality_code, s.municipality_name, s.report_year, s.status_reason
        ) as message
    from mart.municipality_status as s
    left join core.plan as p using (municipality_code)
    where s.status = 'insufficient_data'
)

select source_file, row_number, column_name, rule, severity, message
from all_findings
order by severity, source_file, row_number nulls first, column_name, rule, message;

comment on table mart.data_quality is 'Every data-quality finding of the load that built this warehouse, one row per finding.';
comment on column mart.data_quality.source_file is 'Raw file (relative to the raw folder) or source the finding is about.';
comment on column mart.data_quality.row_number is 'Row in the file (header = row 1); NULL for findings about a whole file or the model.';
comment on column mart.data_quality.column_name is 'Column the finding is about.';
comment on column mart.data_quality.rule is 'Id of the rule that raised it.';
comment on column mart.data_quality.severity is 'error or warning. A published warehouse holds only warnings: errors stop the run.';
comment on column mart.data_quality.message is 'What was found and what was expected.';
