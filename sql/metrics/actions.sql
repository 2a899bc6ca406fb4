-- mart.actions: the action survey of each report year, counted per municipality and sector
-- (metrics.md "Actions", rules 13–14). Cross-cutting actions keep their own sector
-- 'cross_cutting'; rows exist only for pairs that reported actions that year.

create schema if not exists mart;

create or replace table mart.actions as
with

counted as (
    select
        a.report_year,
        a.municipality_code,
        a.sector,
        count(*) filter (where a.status = 'planned') as planned,
        count(*) filter (where a.status = 'in_progress') as in_progress,
        count(*) filter (where a.status = 'completed') as completed,
        count(*) filter (where a.status = 'cancelled') as cancelled,
        count(*) as actions_total,
        -- Rule 14: blank expected reductions add nothing; an empty sum is 0, not NULL.
        coalesce(sum(a.expected_t) filter (where a.status <> 'cancelled'), 0) as expected_t,
        coalesce(sum(a.expected_t) filter (where a.status = 'completed'), 0)
            as expected_completed_t,
        count(*) filter (where a.status <> 'cancelled' and a.expected_t is null)
            as expected_blank
    from core.action as a
    group by a.report_year, a.municipality_code, a.sector
)

select
    c.report_year,
    c.municipality_code,
    m.municipality_name,
    m.region_code,
    c.sector,
    c.planned,
    c.in_progress,
    c.completed,
    c.cancelled,
    c.actions_total,
    c.expected_t,
    c.expected_completed_t,
    c.expected_blank
from counted as c
left join ref.municipality as m on m.municipality_code = c.municipality_code
order by c.report_year, c.municipality_code, c.sector;

comment on table mart.actions is 'Action survey per report year, municipality and sector: counts by status and expected annual reductions (metrics.md, Actions; rules 13–14). Only (municipality, sector) pairs with actions that year have a row.';
comment on column mart.actions.report_year is 'Report year R of the action survey.';
comment on column mart.actions.municipality_code is 'Municipality code, text.';
comment on column mart.actions.municipality_name is 'Municipality name.';
comment on column mart.actions.region_code is 'Region code of the municipality.';
comment on column mart.actions.sector is 'Sector code of the actions, or ''cross_cutting'' (Tværgående).';
comment on column mart.actions.planned is 'Actions not started (Ikke igangsat).';
comment on column mart.actions.in_progress is 'Actions in progress (Igangsat).';
comment on column mart.actions.completed is 'Actions completed (Gennemført).';
comment on column mart.actions.cancelled is 'Actions cancelled (Opgivet).';
comment on column mart.actions.actions_total is 'All actions of the pair, cancelled included.';
comment on column mart.actions.expected_t is 'Sum of expected annual reductions of the actions not cancelled, t CO2e/year; blanks add nothing, an empty sum is 0.';
comment on column mart.actions.expected_completed_t is 'Sum of expected annual reductions of the completed actions, t CO2e/year; 0 when none.';
comment on column mart.actions.expected_blank is 'Actions not cancelled whose expected reduction was left blank (so expected_t understates the plan).';
