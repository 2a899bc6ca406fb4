-- mart.peer_comparison: each member compared with similar municipalities (its peer group,
-- mart.peer_group) and with the country, per report year and measure: the indicators of
-- mart.indicator_summary (per-capita emissions among them) and the status measures
-- reduction since baseline and observed rate. The peer median includes the member itself.

create schema if not exists mart;

create or replace table mart.peer_comparison as
with

members as (
    select g.report_year, g.municipality_code, g.peer_group, g.group_size
    from mart.peer_group as g
    where g.is_member
),

peers as (
    select report_year, municipality_code, peer_group
    from mart.peer_group
    where peer_group is not null
),

member_indicator as (
    -- The member's latest value of each municipal indicator; the peers are compared in
    -- the same year (their value of the member's latest year, not their own latest).
    select
        s.report_year,
        s.entity_code as municipality_code,
        'indicator' as measure_kind,
        s.indicator as measure,
        s.latest_year as year,
        s.value,
        s.unit,
        s.better,
        s.national_value
    from mart.indicator_summary as s
    inner join ref.indicator as c on c.indicator = s.indicator
    -- Totals (energy use in TJ) grow with the municipality; peers compare rates.
    where s.entity_type = 'municipality'
        and s.better in ('higher', 'lower')
        and c.aggregate_by is distinct from 'sum'
),

indicator_peer_values as (
    select
        mi.report_year,
        mi.municipality_code,
        mi.measure,
        v.value as peer_value
    from member_indicator as mi
    inner join members as mb
        on mb.report_year = mi.report_year and mb.municipality_code = mi.municipality_code
    inner join peers as p
        on p.report_year = mi.report_year and p.peer_group = mb.peer_group
    inner join mart.indicators as v
        on v.entity_type = 'municipality'
        and v.entity_code = p.municipality_code
        and v.indicator = mi.measure
        and v.year = mi.year
        and v.value is not null
),

national_series as (
    select year, gross_t
    from mart.national_year
),

status_measures as (
    -- Reduction since the baseline and the observed rate, with the nation over the same
    -- years: its gross emissions from b to L, and its exponential fit over [L − 4, L].
    select
        s.report_year,
        s.municipality_code,
        'status' as measure_kind,
        'reduction_pct' as measure,
        s.latest_year as year,
        s.reduction_pct as value,
        '%' as unit,
        'higher' as better,
        100 * (1 - nl.gross_t / nb.gross_t) as national_value
    from mart.municipality_status as s
    left join national_series as nl on nl.year = s.latest_year
    left join national_series as nb on nb.year = s.baseline_year and nb.gross_t <> 0
    union all
    select
        s.report_year,
        s.municipality_code,
        'status',
        'r_obs',
        s.latest_year,
        s.r_obs,
        'fraction per year',
        'higher',
        (
            select
                -- The member's rule: complete years of the window, at least 3, all
                -- positive; points read in year order (reproducible sums).
                case
                    when count(n.gross_t) >= 3 and min(n.gross_t) > 0
                        then 1 - exp(regr_slope(
                            ln(n.gross_t), n.year - s.latest_year order by n.year
                        ))
                end
            from national_series as n
            where n.year between s.latest_year - 4 and s.latest_year
        )
    from mart.municipality_status as s
),

status_peer_values as (
    select
        sm.report_year,
        sm.municipality_code,
        sm.measure,
        peer.value as peer_value
    from status_measures as sm
    inner join members as mb
        on mb.report_year = sm.report_year and mb.municipality_code = sm.municipality_code
    inner join peers as p
        on p.report_year = sm.report_year and p.peer_group = mb.peer_group
    inner join status_measures as peer
        on peer.report_year = sm.report_year
        and peer.municipality_code = p.municipality_code
        and peer.measure = sm.measure
        and peer.value is not null
),

measures as (
    select * from member_indicator
    union all
    select * from status_measures
),

peer_values as (
    select * from indicator_peer_values
    union all
    select * from status_peer_values
),

compared as (
    select
        m.report_year,
        m.municipality_code,
        mb.peer_group,
        m.measure_kind,
        m.measure,
        m.year,
        m.value,
        m.unit,
        m.better,
        (select median(pv.peer_value order by pv.peer_value)
         from peer_values as pv
         where pv.report_year = m.report_year
           and pv.municipality_code = m.municipality_code
           and pv.measure = m.measure) as peer_median,
        (select count(*)
         from peer_values as pv
         where pv.report_year = m.report_year
           and pv.municipality_code = m.municipality_code
           and pv.measure = m.measure) as peers_with_value,
        (select 1 + count(*) filter (
                    where (m.better = 'higher' and pv.peer_value > m.value)
                    or (m.better = 'lower' and pv.peer_value < m.value))
         from peer_values as pv
         where pv.report_year = m.report_year
           and pv.municipality_code = m.municipality_code
           and pv.measure = m.measure) as rank_in_group,
        m.national_value
    from measures as m
    inner join members as mb
        on mb.report_year = m.report_year and mb.municipality_code = m.municipality_code
)

select
    report_year,
    municipality_code,
    peer_group,
    measure_kind,
    measure,
    year,
    value,
    unit,
    better,
    peer_median,
    peers_with_value,
    case when value is not null and peer_group is not null then rank_in_group end
        as rank_in_group,
    case
        when value is null or peer_median is null then null
        when value = peer_median then 'median'
        when (better = 'higher') = (value > peer_median) then 'better'
        else 'worse'
    end as position,
    national_value
from compared
order by report_year, municipality_code, measure_kind, measure;

comment on table mart.peer_comparison is 'Each member compared with its peer group (mart.peer_group) and the country, per report year and measure: the municipal indicators that are rates (incl. gross per capita; not totals such as energy use), reduction since baseline and observed rate. Peer values are of the member''s own year; the median includes the member.';
comment on column mart.peer_comparison.report_year is 'Report year R.';
comment on column mart.peer_comparison.municipality_code is 'Member''s municipality code.';
comment on column mart.peer_comparison.peer_group is 'The member''s peer group (size_class/density_class); NULL without population or area (no comparison then).';
comment on column mart.peer_comparison.measure_kind is '''indicator'' (catalogue indicators) or ''status'' (from mart.municipality_status).';
comment on column mart.peer_comparison.measure is 'Indicator id, or reduction_pct / r_obs.';
comment on column mart.peer_comparison.year is 'Year of the value: the indicator''s latest year <= R, or L for the status measures.';
comment on column mart.peer_comparison.value is 'The member''s value, in unit.';
comment on column mart.peer_comparison.unit is 'Unit of value, peer_median and national_value (r_obs: a fraction per year, positive = falling).';
comment on column mart.peer_comparison.better is '''higher'' or ''lower'': the direction in which the measure improves.';
comment on column mart.peer_comparison.peer_median is 'Median of the values of the peer group''s municipalities (the member included) in the same year; status measures among the group''s members. NULL when none has a value.';
comment on column mart.peer_comparison.peers_with_value is 'Municipalities of the peer group (the member included) whose value entered peer_median.';
comment on column mart.peer_comparison.rank_in_group is 'Position in the peer group: 1 + the number of peers with a better value (ties share a position); NULL without a value.';
comment on column mart.peer_comparison.position is '''better'', ''median'' or ''worse'': the member''s value against peer_median in the direction of better; NULL when either is missing.';
comment on column mart.peer_comparison.national_value is 'The country''s value: indicators from summed counts (mart.indicator_summary.national_value); reduction_pct from Denmark''s gross emissions in the baseline year and L; r_obs from the exponential fit of Denmark''s gross over the complete years of [L − 4, L] (at least 3). NULL where it cannot be computed.';
