-- mart.indicator_summary: per report year, entity and indicator the latest value at or
-- before the report year, its change over one and five years, the rank among the
-- municipalities (or among the regions) and the national value. Reads mart.indicators.

create schema if not exists mart;

create or replace table mart.indicator_summary as
with

known_values as (
    select entity_type, entity_code, indicator, year, value, unit
    from mart.indicators
    where value is not null
),

latest as (
    -- The latest year with a value at or before R, per entity and indicator.
    select
        r.report_year,
        v.entity_type,
        v.entity_code,
        v.indicator,
        max(v.year) as latest_year
    from core.report_year as r
    inner join known_values as v on v.year <= r.report_year
    group by r.report_year, v.entity_type, v.entity_code, v.indicator
),

with_changes as (
    -- Changes are plain differences in the indicator's unit: percentage points for a
    -- % indicator. They need a value exactly one or five years before latest_year.
    select
        l.report_year,
        l.entity_type,
        l.entity_code,
        l.indicator,
        l.latest_year,
        cur.value,
        cur.unit,
        cur.value - prev1.value as change_1y,
        cur.value - prev5.value as change_5y
    from latest as l
    inner join known_values as cur
        on cur.entity_type = l.entity_type
        and cur.entity_code = l.entity_code
        and cur.indicator = l.indicator
        and cur.year = l.latest_year
    left join known_values as prev1
        on prev1.entity_type = l.entity_type
        and prev1.entity_code = l.entity_code
        and prev1.indicator = l.indicator
        and prev1.year = l.latest_year - 1
    left join known_values as prev5
        on prev5.entity_type = l.entity_type
        and prev5.entity_code = l.entity_code
        and prev5.indicator = l.indicator
        and prev5.year = l.latest_year - 5
),

ranked as (
    -- 1 = best in the catalogue's direction; equal values share a rank (1, 1, 3).
    -- Only entities whose latest value is of the same year are compared.
    select
        w.*,
        case
            when w.entity_type in ('municipality', 'region') and c.better in ('higher', 'lower')
                then rank() over (
                    partition by w.report_year, w.indicator, w.entity_type, w.latest_year
                    order by case when c.better = 'higher' then -w.value else w.value end
                )
        end as rank,
        case
            when w.entity_type in ('municipality', 'region') and c.better in ('higher', 'lower')
                then count(*) over (
                    partition by w.report_year, w.indicator, w.entity_type, w.latest_year
                )
        end as rank_of,
        c.better
    from with_changes as w
    left join ref.indicator as c on c.indicator = w.indicator
)

select
    k.report_year,
    k.entity_type,
    k.entity_code,
    k.indicator,
    k.latest_year,
    k.value,
    k.change_1y,
    k.change_5y,
    k.rank,
    k.rank_of,
    n.value as national_value,
    k.unit,
    k.better
from ranked as k
left join known_values as n
    on n.entity_type = 'national'
    and n.indicator = k.indicator
    and n.year = k.latest_year
order by k.report_year, k.indicator, k.entity_type, k.rank nulls last, k.entity_code;

comment on table mart.indicator_summary is 'Per report year, entity and indicator: the latest value at or before the report year, changes over 1 and 5 years, rank and the national value (from summed counts).';
comment on column mart.indicator_summary.report_year is 'Report year R.';
comment on column mart.indicator_summary.entity_type is '''municipality'', ''region'' or ''national''.';
comment on column mart.indicator_summary.entity_code is 'Municipality code, region code or ''000''.';
comment on column mart.indicator_summary.indicator is 'Indicator id from the catalogue.';
comment on column mart.indicator_summary.latest_year is 'Latest year <= R with a value for this entity.';
comment on column mart.indicator_summary.value is 'The value in latest_year.';
comment on column mart.indicator_summary.change_1y is 'value − value of latest_year − 1, in the indicator''s unit (percentage points for % indicators); NULL without that year.';
comment on column mart.indicator_summary.change_5y is 'value − value of latest_year − 5, in the indicator''s unit (percentage points for % indicators); NULL without that year.';
comment on column mart.indicator_summary.rank is 'Rank among the municipalities (regions: among the regions) with a value in the same latest_year; 1 = best in the catalogue''s better direction; ties share the rank. NULL for the nation.';
comment on column mart.indicator_summary.rank_of is 'Number of entities ranked together.';
comment on column mart.indicator_summary.national_value is 'National value of the indicator in latest_year, from summed municipal counts; NULL where none is computed (delivered indicators) or a municipality is missing.';
comment on column mart.indicator_summary.unit is 'Unit of value and of the changes.';
comment on column mart.indicator_summary.better is '''higher'' or ''lower'': the direction in which the indicator improves (catalogue).';
