"""A small warehouse with the `mart` tables the report reads, built with SQL.

Six members and one non-member in three regions, inventory years 2018–2023, report year
2024. The numbers are plausible, not real; they only have to be consistent so the tests
can compare what the report prints with what the mart holds.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

REFERENCE = Path(__file__).resolve().parent.parent / "klima_pipeline" / "reference"
REPORT_YEAR = 2024

# code, name, region, is_member, 2018 gross (t), yearly fall, status
MUNICIPALITIES = [
    ("101", "København", "1084", True, 1_400_000.0, 0.06, "on_track"),
    ("147", "Frederiksberg", "1084", True, 210_000.0, 0.05, "at_risk"),
    ("400", "Bornholm", "1084", True, 380_000.0, 0.01, "off_track"),
    ("461", "Odense", "1083", True, 900_000.0, 0.04, "at_risk"),
    ("657", "Herning", "1082", True, 650_000.0, 0.02, "off_track"),
    ("751", "Aarhus", "1082", True, 1_600_000.0, 0.05, "insufficient_data"),
    ("153", "Brøndby", "1084", False, 300_000.0, 0.03, None),
]

SECTOR_SHARES = {
    "energy": 0.42,
    "transport": 0.33,
    "agriculture": 0.15,
    "waste": 0.06,
    "industry": 0.04,
}

# What the comparison tables hold, chosen by hand. Status changes 2023 → 2024 (today's
# statuses as in MUNICIPALITIES): 147 moved because of a revised inventory (2 values),
# 400 with a new inventory year, 461 with new plan data; the others stayed.
STATUS_CHANGES = [
    ("101", "on_track", "on_track", None, 0),
    ("147", "on_track", "at_risk", "revised_inventory", 2),
    ("400", "at_risk", "off_track", "new_inventory_year", 0),
    ("461", "off_track", "at_risk", "new_plan_data", 0),
    ("657", "off_track", "off_track", None, 0),
    ("751", "insufficient_data", "insufficient_data", None, 0),
]
# code: (peer group, group size, per capita, its peer median, rank, reduction %, its peer
# median, rank); Denmark: 5.74 t per resident.
PEERS = {
    "101": ("large/urban", 8, 1.33, 2.10, 1, 33.3, 25.0, 2),
    "147": ("large/urban", 8, 2.55, 2.10, 6, 20.1, 25.0, 5),
    "400": ("small/rural", 11, 9.80, 8.10, 9, 4.9, 12.0, 10),
    "461": ("large/mixed", 13, 4.20, 4.90, 4, 16.5, 14.0, 5),
    "657": ("large/rural", 4, 11.60, 10.20, 3, 8.2, 9.5, 3),
    "751": ("large/urban", 8, 3.10, 2.10, 7, None, 25.0, None),
}
# Per member and sector: (still needed t, expected from open actions t).
SECTOR_GAPS = {
    "energy": (120_000.0, 45_000.0),
    "transport": (90_000.0, 95_000.0),
    "agriculture": (30_000.0, 0.0),
}

INJECTION = "Test #1 *fed* $x$ @bruger <script>alert(1)</script> ]x[ _u_ \\sti\\"


@dataclass(frozen=True)
class FixtureOptions:
    regional_data: bool = True  # regional indicators
    budget: bool = True
    tracks: bool = True
    sample: bool = True
    injection_name: str | None = None  # replaces the name of member 147
    injection_title: str | None = None  # replaces the title of the first track
    # mart.revisions rows (municipality, year, sector, source label, old t, new t);
    # None: no such table (a warehouse from before it existed).
    revisions: tuple[tuple[str, int, str, str, float, float], ...] | None = None
    # mart.peer_group, peer_comparison, status_change, sector_gaps (COMPARISONS below).
    comparisons: bool = True


def build_fixture(path: Path, options: FixtureOptions | None = None) -> Path:
    opts = options or FixtureOptions()
    path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path))
    try:
        _build(con, opts)
    finally:
        con.close()
    return path


def _values(rows: list[tuple]) -> str:
    def lit(v: object) -> str:
        if v is None:
            return "NULL"
        if isinstance(v, bool):
            return "TRUE" if v else "FALSE"
        if isinstance(v, int | float):
            return repr(v)
        return "'" + str(v).replace("'", "''") + "'"

    return ", ".join("(" + ", ".join(lit(v) for v in row) + ")" for row in rows)


def _build(con: duckdb.DuckDBPyConnection, opts: FixtureOptions) -> None:
    con.execute("create schema mart")
    ref = str(REFERENCE)
    con.execute(
        f"""
        create table mart.sector as
        select sector, name_da, name_en, in_total, sort_order
        from read_csv('{ref}/sectors.csv', delim=';', header=true, all_varchar=false);
        create table mart.region as
        select region_code::varchar as region_code, region_name, region_name_en
        from read_csv('{ref}/regions.csv', delim=';', header=true, all_varchar=true);
        create table mart.indicator_catalogue as
        select indicator, name_da, name_en, sector, unit, better, source, level
        from read_csv('{ref}/indicators.csv', delim=';', header=true, all_varchar=true);
        """
    )
    munis = [
        (
            code,
            opts.injection_name if (code == "147" and opts.injection_name) else name,
            region,
            member,
            base,
            fall,
            status,
        )
        for code, name, region, member, base, fall, status in MUNICIPALITIES
    ]
    con.execute(
        "create temp table src(code varchar, name varchar, region varchar, member boolean, "
        "base double, fall double, status varchar)"
    )
    con.execute(f"insert into src values {_values(munis)}")
    con.execute(
        "create temp table share(sector varchar, share double)"
        f"; insert into share values {_values(list(SECTOR_SHARES.items()))}"
    )
    con.execute(
        """
        create table mart.municipality as
        select s.code as municipality_code, s.name as municipality_name,
               s.region as region_code, r.region_name, s.member as is_member,
               case when s.member and s.code <> '751' then date '2021-06-15' end
                   as plan_approved,
               false as is_synthetic
        from src s join mart.region r on r.region_code = s.region;

        create table mart.emissions as
        select s.code as municipality_code, y.year::integer as year, sh.sector,
               round(s.base * sh.share * pow(1 - s.fall, y.year - 2018), 1) as emissions_t
        from src s cross join range(2018, 2024) y(year) cross join share sh
        -- Aarhus lacks industry in 2023: an incomplete year, so aggregates are NULL then
        where not (s.code = '751' and y.year = 2023 and sh.sector = 'industry');

        create table mart.municipality_year as
        select e.municipality_code, e.year,
               case when count(*) = 5 then sum(emissions_t) end as gross_t,
               0.0 as lulucf_t,
               case when count(*) = 5 then sum(emissions_t) end as net_t,
               (case e.municipality_code when '101' then 650000 when '147' then 104000
                when '400' then 39000 when '461' then 206000 when '657' then 90000
                when '751' then 360000 else 38000 end)::bigint as population,
               case when count(*) = 5 then sum(emissions_t) / any_value(population) end
                   as per_capita_t,
               count(*) = 5 as is_complete
        from mart.emissions e
        group by all;
        """
    )
    con.execute(
        """
        create temp table agg as
        select y.year, m.region_code, m.is_member, y.municipality_code, y.gross_t, y.net_t,
               y.population, y.is_complete
        from mart.municipality_year y join mart.municipality m using (municipality_code);

        create table mart.national_year as
        select year,
               case when bool_and(is_complete) then sum(gross_t) end as gross_t,
               case when bool_and(is_complete) then sum(net_t) end as net_t,
               sum(population)::bigint as population,
               case when bool_and(is_complete) then sum(gross_t) / sum(population) end
                   as per_capita_t,
               count(*) filter (where not is_complete) as municipalities_missing
        from agg group by year;

        create table mart.cohort_year as
        select year,
               case when bool_and(is_complete) then sum(gross_t) end as gross_t,
               case when bool_and(is_complete) then sum(net_t) end as net_t,
               sum(population)::bigint as population,
               case when bool_and(is_complete) then sum(gross_t) / sum(population) end
                   as per_capita_t,
               count(*) filter (where not is_complete) as municipalities_missing,
               count(*) as members
        from agg where is_member group by year;
        """
    )
    con.execute(
        """
            create table mart.region_year as
            select region_code, year,
                   case when bool_and(is_complete) then sum(gross_t) end as gross_t,
                   case when bool_and(is_complete) then sum(net_t) end as net_t,
                   sum(population)::bigint as population,
                   case when bool_and(is_complete) then sum(gross_t) / sum(population) end
                       as per_capita_t,
                   count(*) filter (where not is_complete) as municipalities_missing
            from agg group by all;
            """
    )
    con.execute(
        f"""
        create table mart.municipality_status as
        with b as (
            select s.code, s.name, s.region, s.status, s.fall,
                   y18.gross_t as baseline_t, y22.gross_t as latest_t
            from src s
            join mart.municipality_year y18 on y18.municipality_code = s.code
                 and y18.year = 2018
            join mart.municipality_year y22 on y22.municipality_code = s.code
                 and y22.year = 2022
            where s.member
        )
        select {REPORT_YEAR} as report_year, code as municipality_code,
               name as municipality_name, region as region_code, 'gross' as target_basis,
               2018 as baseline_year, baseline_t, 2030 as target_year,
               baseline_t * 0.3 as target_t, 2050 as net_zero_year, 2022 as latest_year,
               latest_t,
               baseline_t + (baseline_t * 0.3 - baseline_t) * (2022 - 2018) / 12.0 as path_t,
               latest_t - (baseline_t + (baseline_t * 0.3 - baseline_t) * 4 / 12.0)
                   as gap_t,
               100 * (1 - latest_t / baseline_t) as reduction_pct,
               case when status = 'insufficient_data' then null else fall end as r_obs,
               1 - pow(baseline_t * 0.3 / latest_t, 1 / 8.0) as r_req,
               case when status = 'insufficient_data' then null
                    else latest_t * (1 - fall * 1.1 * 8) end as proj_lin_t,
               case when status = 'insufficient_data' then null
                    else latest_t * pow(1 - fall, 8) end as proj_exp_t,
               case when status = 'insufficient_data' then null
                    else latest_t * pow(1 - fall * 0.8, 8) end as proj_cons_t,
               case when status = 'insufficient_data' then null
                    else latest_t * pow(1 - fall * 0.8, 8) end as proj_long_t,
               case when status = 'insufficient_data' then 2 else 5 end as window_points,
               status,
               case code when '101' then 64.5 when '147' then 41.0 when '400' then 22.5
                    when '461' then 55.0 when '657' then 30.0 end::double
                   as implementation_pct,
               case code when '101' then 112.4 when '147' then 71.3 when '400' then 18.9
                    when '461' then 96.0 when '657' then 40.2 else 0.0 end::double
                   as plan_coverage_pct
        from b;
        """
    )
    con.execute(
        f"""
        create table mart.status_summary as
        with s as (select s.*, coalesce(s.region_code, m.region_code) as rc
                   from mart.municipality_status s
                   join mart.municipality m using (municipality_code)),
        scopes as (
            select 'cohort' as scope, null::varchar as scope_code, * from s
            union all
            select 'region', rc, * from s
        ),
        proj as (
            select * from (values ('linear'), ('exponential'), ('conservative'))
                p(projection)
        )
        select {REPORT_YEAR} as report_year, scope, scope_code, 'status' as projection,
               count(*) as members,
               count(*) filter (where status = 'on_track') as on_track,
               count(*) filter (where status = 'at_risk') as at_risk,
               count(*) filter (where status = 'off_track') as off_track,
               count(*) filter (where status = 'insufficient_data') as insufficient_data
        from scopes group by all
        union all
        select {REPORT_YEAR}, scope, scope_code, projection, count(*),
               count(*) filter (where case projection
                   when 'linear' then proj_lin_t when 'exponential' then proj_exp_t
                   else proj_cons_t end <= target_t),
               null, null,
               count(*) filter (where case projection
                   when 'linear' then proj_lin_t when 'exponential' then proj_exp_t
                   else proj_cons_t end is null)
        from scopes cross join proj group by all;
        """
    )
    con.execute(
        f"""
        create table mart.actions as
        select {REPORT_YEAR} as report_year, s.code as municipality_code, sh.sector,
               (2 + length(s.code) + ascii(sh.sector) % 3)::integer as planned,
               (1 + ascii(s.code[2]) % 4)::integer as in_progress,
               (ascii(sh.sector[1]) % 5)::integer as completed,
               (ascii(sh.sector[2]) % 2)::integer as cancelled,
               round(s.base * sh.share * 0.2, 0) as expected_t,
               round(s.base * sh.share * 0.05 * (ascii(sh.sector[1]) % 5), 0)
                   as expected_completed_t
        from src s cross join share sh
        where s.member and s.code <> '751';

        create table mart.implementation_effect as
        select {REPORT_YEAR} as report_year, e18.municipality_code, e18.sector,
               e18.emissions_t - e22.emissions_t as observed_reduction_t,
               coalesce(a.expected_completed_t, 0) as expected_completed_t,
               case when coalesce(a.expected_completed_t, 0) > 0
                    then (e18.emissions_t - e22.emissions_t) / a.expected_completed_t
               end as effect_ratio
        from mart.emissions e18
        join mart.emissions e22 on e22.municipality_code = e18.municipality_code
             and e22.sector = e18.sector and e22.year = 2022
        join mart.municipality m on m.municipality_code = e18.municipality_code
        left join mart.actions a on a.municipality_code = e18.municipality_code
             and a.sector = e18.sector
        where e18.year = 2018 and m.is_member;
        """
    )
    regional = (
        """
        union all
        select 'region', r.region_code, 'kollektiv_trafik_passagerer', y.year::integer,
               round(20 + (r.region_code::integer - 1080) * 3.5 + (y.year - 2019), 1),
               'mio. passagerer'
        from mart.region r cross join range(2019, 2024) y(year)
        """
        if opts.regional_data
        else ""
    )
    con.execute(
        f"""
        create table mart.indicators as
        select 'municipality' as entity_type, s.code as entity_code, i.indicator,
               y.year::integer as year,
               round(case i.indicator
                   when 'ev_share_pct' then 1.5 + (y.year - 2019) * (1.0 + s.fall * 20)
                   when 'heat_pump_share_pct' then 8 + (y.year - 2019) * 0.6
                        + ascii(s.code[3]) % 5
                   else s.base * pow(1 - s.fall, y.year - 2018) / 100000.0
               end, 2) as value,
               case i.indicator when 'total_per_capita_t' then 't CO2e/indb.' else '%' end
                   as unit
        from src s
        cross join range(2019, 2024) y(year)
        cross join (values ('ev_share_pct'), ('heat_pump_share_pct'),
                           ('total_per_capita_t')) i(indicator)
        union all
        select 'national', '000', i.indicator, y.year::integer,
               round(case i.indicator when 'ev_share_pct' then 2 + (y.year - 2019) * 1.7
                    when 'heat_pump_share_pct' then 10 + (y.year - 2019) * 0.7
                    else 6.5 - (y.year - 2019) * 0.3 end, 2),
               case i.indicator when 'total_per_capita_t' then 't CO2e/indb.' else '%' end
        from range(2019, 2024) y(year)
        cross join (values ('ev_share_pct'), ('heat_pump_share_pct'),
                           ('total_per_capita_t')) i(indicator)
        {regional};

        create table mart.indicator_summary as
        with latest as (
            select i.*, c.better,
                   lag(value, 1) over w as v1, lag(value, 4) over w as v5
            from mart.indicators i join mart.indicator_catalogue c using (indicator)
            window w as (partition by entity_type, entity_code, indicator order by year)
        ),
        l as (select * from latest where year = 2023),
        nat as (select indicator, value as national_value from l
                where entity_type = 'national')
        select {REPORT_YEAR} as report_year, entity_type, entity_code, indicator,
               year as latest_year, value, value - v1 as change_1y, value - v5 as change_5y,
               case when entity_type <> 'national' then rank() over (
                   partition by entity_type, indicator
                   order by case when better = 'higher' then -value else value end)
               end as rank,
               case when entity_type <> 'national' then count(*) over (
                   partition by entity_type, indicator) end as rank_of,
               nat.national_value, unit
        from l left join nat using (indicator);
        """
    )
    budget_rows = (
        f"""
        insert into mart.carbon_budget
        select {REPORT_YEAR}, municipality_code, 2020, baseline_t * 9, baseline_t * 4.6,
               case status when 'off_track' then 2031 when 'at_risk' then 2037 end
        from mart.municipality_status
        """
        if opts.budget
        else ""
    )
    con.execute(
        f"""
        create table mart.carbon_budget(report_year integer, municipality_code varchar,
            budget_start_year integer, budget_share_t double, cumulative_t double,
            budget_runs_out_year integer);
        {budget_rows};
        """
    )
    parts = [
        ("klimaregnskab", "real", "Udledninger fra Energistyrelsen", "Emissions"),
        ("plans", "sample", "Klimaplaner (opdigtede)", "Climate plans (invented)"),
        ("actions", "sample", "Indsatser (opdigtede)", "Actions (invented)"),
    ]
    if not opts.sample:
        parts = [(s, "real", d, e) for s, _, d, e in parts]
    con.execute(
        "create table mart.dataset_part(source varchar, kind varchar, description_da "
        f"varchar, description_en varchar); insert into mart.dataset_part values "
        f"{_values(parts)}"
    )
    con.execute(
        f"""
        create table mart.plan_revision as
        select {REPORT_YEAR} as report_year, municipality_code,
               case municipality_code when '101' then 'recertified'
                    when '147' then 'in_progress' when '400' then 'not_started'
                    else 'submitted' end as revision_status,
               case municipality_code when '101' then date '2024-03-14' end
                   as recertified_on,
               case municipality_code when '400' then 2023 else 2026 end
                   as next_revision_year,
               municipality_code = '400' as is_overdue
        from mart.municipality_status;
        """
    )
    con.execute(
        "create table mart.development_tracks(track_id varchar, title varchar, theme "
        "varchar, status varchar, start_date date, end_date date, budget_dkk double, "
        "participants integer, participating_municipalities integer, "
        "participating_regions integer); create table mart.track_participation(track_id "
        "varchar, participant_type varchar, participant_code varchar)"
    )
    if opts.tracks:
        title = opts.injection_title or "Grøn varme i landdistrikter"
        tracks = [
            ("T1", title, "energy", "running", "2023-01-01", "2025-12-31", 2_500_000.0, 3, 2, 1),
            ("T2", "Fælles mobilitetsplan", "transport", "finished", "2021-02-01",
             "2023-06-30", 900_000.0, 2, 2, 0),
            ("T3", "Klimatilpasning og skov", "cross_cutting", "planned", "2025-01-01", None,
             None, 1, 1, 0),
        ]  # fmt: skip
        con.execute(f"insert into mart.development_tracks values {_values(tracks)}")
        parts_rows = [
            ("T1", "municipality", "101"),
            ("T1", "municipality", "400"),
            ("T1", "region", "1084"),
            ("T2", "municipality", "751"),
            ("T2", "municipality", "657"),
            ("T3", "municipality", "461"),
        ]
        con.execute(f"insert into mart.track_participation values {_values(parts_rows)}")
    # As the metrics layer has them: names, and the coverage rule of mart.track_coverage
    # (running or finished, started by the end of the report year; own participation).
    con.execute(
        f"""
        create or replace table mart.track_participation as
        select p.*, coalesce(m.municipality_name, r.region_name) as participant_name
        from mart.track_participation p
        left join mart.municipality m
             on p.participant_type = 'municipality' and m.municipality_code = p.participant_code
        left join mart.region r
             on p.participant_type = 'region' and r.region_code = p.participant_code;

        create table mart.track_coverage as
        with active as (
            select distinct p.participant_type, p.participant_code
            from mart.track_participation p join mart.development_tracks t using (track_id)
            where t.status in ('running', 'finished') and year(t.start_date) <= {REPORT_YEAR}
        ),
        member as (
            select m.municipality_code, m.region_code,
                   exists (select 1 from active a where a.participant_type = 'municipality'
                           and a.participant_code = m.municipality_code) as in_track
            from mart.municipality m where m.is_member
        )
        select {REPORT_YEAR} as report_year, 'national' as scope, null::varchar as scope_code,
               count(*) as members, count(*) filter (where in_track) as members_in_track,
               100.0 * count(*) filter (where in_track) / count(*) as share_pct,
               null::boolean as region_participates
        from member
        union all
        select {REPORT_YEAR}, 'region', region_code, count(*),
               count(*) filter (where in_track),
               100.0 * count(*) filter (where in_track) / count(*),
               exists (select 1 from active a where a.participant_type = 'region'
                       and a.participant_code = member.region_code)
        from member group by region_code;
        """
    )
    if opts.revisions is not None:
        _revisions(con, opts.revisions)
    if opts.comparisons:
        _comparisons(con)
    findings = [
        ("klimaregnskab/2023.csv", 17, "Værdi", "empty_value", "warning", "Tom værdi"),
        ("klimaregnskab/2023.csv", 40, "Værdi", "empty_value", "warning", "Tom værdi"),
        ("plans/planer.xlsx", 3, "Basisår", "baseline_missing", "error", "Intet basisår"),
    ]
    con.execute(
        "create table mart.data_quality(source_file varchar, row_number integer, "
        "column_name varchar, rule varchar, severity varchar, message varchar); "
        f"insert into mart.data_quality values {_values(findings)}"
    )


def _revisions(con: duckdb.DuckDBPyConnection, rows: tuple[tuple, ...]) -> None:
    """mart.revisions as the history layer writes it: each row one value that the newer
    inventory file (2024.csv) changed against the older one (2023.csv)."""
    con.execute(
        "create table mart.revisions(municipality_code varchar, year integer, sector varchar, "
        "source_sector varchar, old_t double, new_t double, change_t double, "
        "change_pct double, old_source_file varchar, old_sha256 varchar, "
        "old_loaded_at timestamp, new_source_file varchar, new_sha256 varchar, "
        "new_loaded_at timestamp)"
    )
    for code, year, sector, label, old, new in rows:
        con.execute(
            "insert into mart.revisions values (?, ?, ?, ?, ?, ?, ? - ?, "
            "100 * (? - ?) / abs(?), 'klimaregnskab/2023.csv', 'a', "
            "timestamp '2024-01-10 08:00', 'klimaregnskab/2024.csv', 'b', "
            "timestamp '2025-01-10 08:00')",
            [code, year, sector, label, old, new, new, old, new, old, old],
        )


def _comparisons(con: duckdb.DuckDBPyConnection) -> None:
    """The peer, status-change and sector-gap tables of the mart, with hand-picked rows."""
    names = {
        "large": ("60.000 indbyggere og flere", "60,000 residents or more"),
        "small": ("under 30.000 indbyggere", "under 30,000 residents"),
        "urban": ("bykommune", "urban"),
        "mixed": ("blandet", "mixed"),
        "rural": ("landkommune", "rural"),
    }
    groups = []
    peers = []
    for code, (group, size, pc, pc_med, pc_rank, red, red_med, red_rank) in PEERS.items():
        size_class, density_class = group.split("/")
        groups.append((REPORT_YEAR, code, group, size, *names[size_class], *names[density_class],
                       True))  # fmt: skip
        position = "better" if pc < pc_med else "worse"
        peers.append((REPORT_YEAR, code, group, "indicator", "gross_per_capita_t", 2022, pc,
                      "t CO2e/indb.", pc_med, size, pc_rank, position, 5.74))  # fmt: skip
        peers.append((REPORT_YEAR, code, group, "indicator", "total_per_capita_t", 2022, pc,
                      "t CO2e/indb.", pc_med, size, pc_rank, position, 5.74))  # fmt: skip
        red_position = None if red is None else ("better" if red > red_med else "worse")
        peers.append((REPORT_YEAR, code, group, "status", "reduction_pct", 2022, red, "%",
                      red_med, size - 1, red_rank, red_position, 18.2))  # fmt: skip
        peers.append((REPORT_YEAR, code, group, "status", "r_obs", 2022, 0.04, "fraction per year",
                      0.04, size - 1, 2, "median", 0.031))  # fmt: skip
    con.execute(
        "create table mart.peer_group(report_year integer, municipality_code varchar, "
        "peer_group varchar, group_size bigint, size_name_da varchar, size_name_en varchar, "
        "density_name_da varchar, density_name_en varchar, is_member boolean); "
        f"insert into mart.peer_group values {_values(groups)}"
    )
    con.execute(
        "create table mart.peer_comparison(report_year integer, municipality_code varchar, "
        "peer_group varchar, measure_kind varchar, measure varchar, year integer, "
        "value double, unit varchar, peer_median double, peers_with_value bigint, "
        "rank_in_group bigint, position varchar, national_value double); "
        f"insert into mart.peer_comparison values {_values(peers)}"
    )
    changes = [
        (code, 2023, REPORT_YEAR, before, after, before != after, reason, revised)
        for code, before, after, reason, revised in STATUS_CHANGES
    ]
    con.execute(
        "create table mart.status_change(municipality_code varchar, "
        "previous_report_year integer, current_report_year integer, previous_status varchar, "
        "current_status varchar, status_changed boolean, reason varchar, "
        "revised_values bigint); "
        f"insert into mart.status_change values {_values(changes)}"
    )
    gaps = [
        (REPORT_YEAR, code, sector, 2022, needed, open_t, needed - open_t,
         100 * open_t / needed)
        for code in PEERS
        for sector, (needed, open_t) in SECTOR_GAPS.items()
    ]  # fmt: skip
    gaps += [
        (REPORT_YEAR, code, "cross_cutting", 2022, None, 5_000.0, None, None) for code in PEERS
    ]
    con.execute(
        "create table mart.sector_gaps(report_year integer, municipality_code varchar, "
        "sector varchar, latest_year integer, needed_t double, expected_open_t double, "
        "remaining_gap_t double, open_coverage_pct double); "
        f"insert into mart.sector_gaps values {_values(gaps)}"
    )
