-- mart.indicators: every indicator value per entity (municipality, region, national) and
-- year. Shares derived from StatBank counts and gross emissions per inhabitant are
-- computed per municipality and aggregated from SUMMED numerators and denominators of the
-- municipalities (never a mean of shares, never StatBank's own 000/08x rows; an aggregate
-- with any municipality missing is NULL, as rule 2 does for population). The inventory's
-- own indicators are passed on as delivered per municipality and summed back into counts
-- for regions and the nation; the regions' indicators are passed on as delivered.

create schema if not exists mart;

create or replace table mart.indicators as
with

municipal_counts as (
    -- One row per municipality, year and StatBank table with the counts the shares need.
    -- Known heating is the sum of the mapped heating categories except unknown (UOPLYST).
    select
        c.area_code as municipality_code,
        c.table_name,
        c.year,
        max(c.value) filter (where c.category = 'total') as total,
        max(c.value) filter (where c.category = 'battery_electric') as battery_electric,
        max(c.value) filter (where c.category = 'plug_in_hybrid') as plug_in_hybrid,
        max(c.value) filter (where c.category = 'heat_pump') as heat_pump,
        max(c.value) filter (where c.category = 'district_heating') as district_heating,
        max(c.value) filter (where c.category = 'oil_boiler') as oil_boiler,
        max(c.value) filter (where c.category = 'gas_boiler') as gas_boiler,
        sum(c.value) filter (where c.category not in ('total', 'unknown')) as known_heating
    from core.statbank_count as c
    inner join ref.municipality as m on m.municipality_code = c.area_code
    where c.area_type = 'municipality'
    group by c.area_code, c.table_name, c.year
),

ratio_parts as (
    -- numerator / denominator × scale, per municipality and year.
    select municipality_code, year, 'ev_share_pct' as indicator,
           battery_electric as numerator, total as denominator, 100.0 as scale
    from municipal_counts where table_name = 'BIL54'
    union all
    select municipality_code, year, 'plug_in_share_pct',
           plug_in_hybrid, total, 100.0
    from municipal_counts where table_name = 'BIL54'
    union all
    select municipality_code, year, 'heat_pump_share_pct',
           heat_pump, known_heating, 100.0
    from municipal_counts where table_name = 'BOL102'
    union all
    select municipality_code, year, 'district_heating_share_pct',
           district_heating, known_heating, 100.0
    from municipal_counts where table_name = 'BOL102'
    union all
    select municipality_code, year, 'oil_gas_boiler_share_pct',
           oil_boiler + gas_boiler, known_heating, 100.0
    from municipal_counts where table_name = 'BOL102'
    union all
    -- Gross emissions per inhabitant: gross_t / population (rule 3: gross, even when
    -- negative); NULL parts when the year is incomplete or the population is missing.
    select municipality_code, year, 'gross_per_capita_t',
           gross_t, population::double, 1.0
    from core.municipality_year
),

usable_parts as (
    select
        p.municipality_code,
        m.region_code,
        p.year,
        p.indicator,
        p.numerator,
        p.denominator,
        p.scale,
        p.numerator is not null and p.denominator is not null and p.denominator > 0
            as is_usable
    from ratio_parts as p
    inner join ref.municipality as m on m.municipality_code = p.municipality_code
),

indicator_years as (
    select distinct indicator, year, scale
    from usable_parts
),

expected_members as (
    -- Every municipality of an area is expected in its aggregate for every year the
    -- indicator exists; one missing leaves the aggregate NULL.
    select
        'region' as entity_type,
        m.region_code as entity_code,
        m.municipality_code
    from ref.municipality as m
    union all
    select 'national', '000', m.municipality_code
    from ref.municipality as m
),

aggregated as (
    select
        e.entity_type,
        e.entity_code,
        iy.indicator,
        iy.year,
        iy.scale,
        sum(u.numerator) filter (where u.is_usable) as numerator,
        sum(u.denominator) filter (where u.is_usable) as denominator,
        count(*) filter (where u.is_usable is not true) as municipalities_missing
    from indicator_years as iy
    cross join expected_members as e
    left join usable_parts as u
        on u.indicator = iy.indicator
        and u.year = iy.year
        and u.municipality_code = e.municipality_code
    group by e.entity_type, e.entity_code, iy.indicator, iy.year, iy.scale
),

derived as (
    select
        'municipality' as entity_type,
        municipality_code as entity_code,
        indicator,
        year,
        scale * numerator / denominator as value,
        numerator,
        denominator,
        null::bigint as municipalities_missing,
        'computed' as origin
    from usable_parts
    where is_usable
    union all
    select
        entity_type,
        entity_code,
        indicator,
        year,
        case when municipalities_missing = 0 then scale * numerator / denominator end,
        case when municipalities_missing = 0 then numerator end,
        case when municipalities_missing = 0 then denominator end,
        municipalities_missing,
        'computed'
    from aggregated
),

inventory_parts as (
    -- The inventory's own indicators summed back into counts (metrics.md: national and
    -- regional values from summed counts): per inhabitant × population and per km² ×
    -- area are the municipality's tonnes, energy use (TJ) is a count already. An
    -- indicator without a catalogue aggregate_by (renewable self-sufficiency: a ratio to
    -- electricity use the inventory does not deliver) gets no regional or national value.
    select
        i.municipality_code,
        m.region_code,
        i.indicator,
        i.year,
        c.aggregate_by,
        i.unit,
        case c.aggregate_by
            when 'population' then i.value * pop.population
            when 'area' then i.value * a.area_km2
            when 'sum' then i.value
        end as numerator,
        case c.aggregate_by
            when 'population' then pop.population::double
            when 'area' then a.area_km2
        end as denominator
    from core.inventory_indicator as i
    inner join ref.indicator as c on c.indicator = i.indicator
    inner join ref.municipality as m on m.municipality_code = i.municipality_code
    left join core.population as pop
        on pop.municipality_code = i.municipality_code and pop.year = i.year
    left join ref.municipality_area as a on a.municipality_code = i.municipality_code
    where c.aggregate_by in ('population', 'area', 'sum')
),

inventory_years as (
    select indicator, year, aggregate_by, min(unit) as unit
    from inventory_parts
    group by indicator, year, aggregate_by
),

inventory_aggregated as (
    -- As for the computed shares: every municipality of the area must have a usable
    -- value (and its population or area), else the aggregate is NULL.
    select
        e.entity_type,
        e.entity_code,
        iy.indicator,
        iy.year,
        iy.aggregate_by,
        iy.unit,
        -- Summed in a fixed order: the products are not whole numbers, and a float sum
        -- depends on the order of its terms (methodology.md, Reproducibility).
        sum(u.numerator order by e.municipality_code) as numerator,
        sum(u.denominator order by e.municipality_code) as denominator,
        count(*) filter (
            where u.numerator is null
            or (iy.aggregate_by <> 'sum' and (u.denominator is null or u.denominator <= 0))
        ) as municipalities_missing
    from inventory_years as iy
    cross join expected_members as e
    left join inventory_parts as u
        on u.indicator = iy.indicator
        and u.year = iy.year
        and u.municipality_code = e.municipality_code
    group by all
),

delivered as (
    select
        'municipality' as entity_type,
        municipality_code as entity_code,
        indicator,
        year,
        value,
        null::double as numerator,
        null::double as denominator,
        null::bigint as municipalities_missing,
        'inventory' as origin,
        unit
    from core.inventory_indicator
    union all
    select
        'region',
        region_code,
        indicator,
        year,
        value,
        null::double,
        null::double,
        null::bigint,
        'region',
        unit
    from core.regional_indicator
    union all
    select
        entity_type,
        entity_code,
        indicator,
        year,
        case
            when municipalities_missing > 0 then null
            when aggregate_by = 'sum' then numerator
            else numerator / denominator
        end,
        case when municipalities_missing = 0 then numerator end,
        case when municipalities_missing = 0 then denominator end,
        municipalities_missing,
        'inventory',
        unit
    from inventory_aggregated
)

select
    d.entity_type,
    d.entity_code,
    d.indicator,
    d.year,
    d.value,
    c.unit,
    d.numerator,
    d.denominator,
    d.municipalities_missing,
    d.origin
from derived as d
left join ref.indicator as c on c.indicator = d.indicator
union all
select
    entity_type,
    entity_code,
    indicator,
    year,
    value,
    unit,
    numerator,
    denominator,
    municipalities_missing,
    origin
from delivered
order by indicator, entity_type, entity_code, year;

comment on table mart.indicators is 'Indicator values per entity (municipality, region, national) and year. Derived shares and gross per capita are aggregated from summed municipal counts (not a mean of shares, not StatBank''s own national/regional rows); the inventory''s per-inhabitant and per-km² indicators from summed tonnes over summed population or area, energy use as a sum; renewable self-sufficiency and the regions'' indicators only as delivered.';
comment on column mart.indicators.entity_type is '''municipality'', ''region'' or ''national''.';
comment on column mart.indicators.entity_code is 'Municipality code, region code (''1081''–''1085'') or ''000'' for the nation.';
comment on column mart.indicators.indicator is 'Indicator id from the catalogue (mart.indicator_catalogue).';
comment on column mart.indicators.year is 'Data year (StatBank counts: 1 January of the year).';
comment on column mart.indicators.value is 'The value in unit; for a region or the nation NULL when any of its municipalities lacks the value that year (see municipalities_missing).';
comment on column mart.indicators.unit is 'Unit: from the catalogue for computed values, as delivered otherwise.';
comment on column mart.indicators.numerator is 'Computed and aggregated values: the summed numerator (battery-electric cars; tonnes as value × population or value × area; TJ); NULL for a municipality''s delivered value.';
comment on column mart.indicators.denominator is 'Computed and aggregated values: the summed denominator (all cars, dwellings with known heating, population, area in km²); NULL for delivered values and sums (energy use).';
comment on column mart.indicators.municipalities_missing is 'Region and national rows: municipalities of the area without a usable value that year (0 = complete); NULL on other rows.';
comment on column mart.indicators.origin is '''computed'' (StatBank shares, gross per capita), ''inventory'' (Energistyrelsen''s own indicator rows, and their regional and national values from summed counts) or ''region'' (the regions'' exports).';
