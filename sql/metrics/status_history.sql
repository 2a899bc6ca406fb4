-- mart.status_history: every version of a member's status row that the warehouse has
-- published, per report year. Each run rebuilds every report year's status from today's
-- data, so what last year's report said would be lost when an inventory is revised or a
-- plan changes; the history keeps it. The published warehouse's history arrives in
-- ref.published_status_history (klima_pipeline/history.py); this run adds its row where
-- it differs from the latest published version. Read by mart.status_change.
create table if not exists ref.published_status_history (
    report_year integer, municipality_code varchar, status varchar, latest_year integer,
    latest_t double, baseline_year integer, baseline_t double, baseline_source varchar,
    target_year integer, target_reduction_pct double, target_t double,
    net_zero_year integer, target_basis varchar, loaded_at timestamp
);

create schema if not exists mart;

create or replace table mart.status_history as
with

this_run as (
    -- The run's time: when it loaded the raw files.
    select max(loaded_at) as loaded_at from staging.raw_file
),

latest_published as (
    select *
    from ref.published_status_history
    qualify row_number() over (
        partition by report_year, municipality_code order by loaded_at desc
    ) = 1
),

current_version as (
    select
        s.report_year,
        s.municipality_code,
        s.status,
        s.latest_year,
        s.latest_t,
        s.baseline_year,
        s.baseline_t,
        s.baseline_source,
        s.target_year,
        s.target_reduction_pct,
        s.target_t,
        s.net_zero_year,
        s.target_basis,
        t.loaded_at
    from mart.municipality_status as s
    cross join this_run as t
),

new_version as (
    select c.*
    from current_version as c
    left join latest_published as p
        on p.report_year = c.report_year and p.municipality_code = c.municipality_code
    where p.report_year is null
        or (c.status, c.latest_year, c.latest_t, c.baseline_year, c.baseline_t,
            c.baseline_source, c.target_year, c.target_reduction_pct, c.target_t,
            c.net_zero_year, c.target_basis)
        is distinct from
           (p.status, p.latest_year, p.latest_t, p.baseline_year, p.baseline_t,
            p.baseline_source, p.target_year, p.target_reduction_pct, p.target_t,
            p.net_zero_year, p.target_basis)
)

select * from ref.published_status_history
union all
select * from new_version
order by report_year, municipality_code, loaded_at;

comment on table mart.status_history is 'Every version of a member''s status row the warehouse has published, per report year: a new version when a run computes a different status or different inputs (inventory revised, plan changed). Carried from one published warehouse to the next.';
comment on column mart.status_history.report_year is 'Report year R.';
comment on column mart.status_history.municipality_code is 'Member''s municipality code.';
comment on column mart.status_history.status is 'Status of this version (mart.municipality_status.status).';
comment on column mart.status_history.latest_year is 'L of this version.';
comment on column mart.status_history.latest_t is 'Emissions in L on the target basis, t CO2e, as this version had them.';
comment on column mart.status_history.baseline_year is 'Baseline year b of the plan behind this version.';
comment on column mart.status_history.baseline_t is 'Baseline emissions B, t CO2e, of this version.';
comment on column mart.status_history.baseline_source is '''plan'' or ''inventory'': where baseline_t came from.';
comment on column mart.status_history.target_year is 'Target year T of the plan behind this version.';
comment on column mart.status_history.target_reduction_pct is 'Target reduction p, percent, of the plan behind this version.';
comment on column mart.status_history.target_t is 'Target emissions, t CO2e, of this version.';
comment on column mart.status_history.net_zero_year is 'Net-zero year Z of the plan behind this version.';
comment on column mart.status_history.target_basis is '''gross'' or ''net'' of the plan behind this version.';
comment on column mart.status_history.loaded_at is 'When the run that first computed and published this version loaded its raw files (provenance: differs between two builds from scratch).';
