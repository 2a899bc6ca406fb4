"""A small hand-made warehouse for the metrics tests: `ref.*` and `core.*` tables with the
columns of docs/architecture.md, filled with numbers simple enough to check by hand.

Members (plan registry rows) and what each one is there to pin:

| code | role |
|---|---|
| 101 | on_track; geometric fall of 10 %/year; actions of every status incl. cross-cutting |
| 147 | off_track; rising; no actions; inventory up to 2024; revision overdue |
| 151 | at_risk: above the path, projected to reach the target |
| 153 | fewer than 3 complete years (2021 incomplete); blank baseline from the inventory |
| 155 | baseline year 2024 after the latest year |
| 157 | blank baseline with a 1990 baseline year |
| 159 | negative gross (Læsø-like): exponential fit undefined |
| 161 | netto member with a negative LULUCF row |
| 163 | L = b |
| 165 | latest value already below the target: r_req negative |
| 167 | plain member with nothing special (only in region 1085) |

169 is a municipality outside the cohort with a missing population in 2023 and no area.

Peer groups use the fixture's own class limits (PEER_CLASSES: large from 5,000
residents, urban from 100 per km²) and AREA_KM2: 101 is alone in large/urban;
147, 151, 157, 161, 165 are small/urban; 153, 155, 159, 163, 167 small/rural.

History: the previous run (loaded 2024-03-01) published report year 2023 with two
statuses that differ from today's: 167 at_risk on an inventory whose 2023 energy value
was 240 t (today's version, loaded 2025-03-01, says 260: a revision), and 165 at_risk
under a plan of 65 % (today's registry says 50 %: new plan data).
"""

from __future__ import annotations

import duckdb

from klima_pipeline.config import REFERENCE_DIR
from klima_pipeline.sql import run_sql

# The mart files the metrics read besides core.*: national sums and inventory revisions,
# built by the project's own SQL from the fixture's core tables.
MART_INPUTS = ("mart/aggregates", "mart/revisions")

REGION_OF = {
    "101": "1084",
    "147": "1084",
    "151": "1084",
    "153": "1084",
    "155": "1084",
    "157": "1084",
    "159": "1085",
    "161": "1085",
    "163": "1085",
    "165": "1085",
    "167": "1085",
    "169": "1085",
}
REGION_NAME = {"1084": "Region Hovedstaden", "1085": "Region Sjælland"}
SECTORS = ("energy", "transport", "agriculture", "waste", "industry")
YEARS = (2019, 2020, 2021, 2022, 2023)
AREA_KM2 = {
    "101": 20.0,
    "147": 5.0,
    "151": 8.0,
    "153": 50.0,
    "155": 40.0,
    "157": 5.0,
    "159": 100.0,
    "161": 4.0,
    "163": 50.0,
    "165": 2.0,
    "167": 20.0,
}
# (dimension, class, lower bound)
PEER_CLASSES = [
    ("size", "small", 0.0),
    ("size", "large", 5000.0),
    ("density", "rural", 0.0),
    ("density", "urban", 100.0),
]
PREVIOUS_RUN = "2024-03-01 09:00:00"
THIS_RUN = "2025-03-01 09:00:00"


def _energy_only(series: dict[int, float]) -> dict[int, dict[str, float]]:
    """A year series where all emissions are in energy and the other four sectors are 0
    (0 counts as present), so gross_t equals the energy value."""
    return {
        year: {"energy": value, "transport": 0.0, "agriculture": 0.0, "waste": 0.0, "industry": 0.0}
        for year, value in series.items()
    }


def _emissions() -> dict[str, dict[int, dict[str, float]]]:
    rows = {
        # 1000 × 0.9^k: an exact 10 %/year fall.
        "101": _energy_only(dict(zip(YEARS, (1000.0, 900.0, 810.0, 729.0, 656.1), strict=True))),
        "147": _energy_only(
            dict(zip((*YEARS, 2024), (1000.0, 1010.0, 1020.0, 1030.0, 1040.0, 1050.0), strict=True))
        ),
        "151": _energy_only(dict(zip(YEARS, (1000.0, 900.0, 810.0, 729.0, 656.1), strict=True))),
        "153": _energy_only({2022: 500.0, 2023: 450.0}),
        "155": _energy_only(dict(zip(YEARS, (800.0, 790.0, 780.0, 770.0, 760.0), strict=True))),
        "157": _energy_only(dict(zip(YEARS, (500.0, 480.0, 460.0, 440.0, 420.0), strict=True))),
        "163": _energy_only(dict(zip(YEARS, (600.0, 580.0, 560.0, 540.0, 520.0), strict=True))),
        "165": _energy_only(dict(zip(YEARS, (480.0, 470.0, 460.0, 450.0, 440.0), strict=True))),
        "167": _energy_only(dict(zip(YEARS, (300.0, 290.0, 280.0, 270.0, 260.0), strict=True))),
        "169": _energy_only(dict(zip(YEARS, (100.0, 100.0, 100.0, 100.0, 100.0), strict=True))),
    }
    # 153: 2021 has only an energy row, so it is incomplete and left out of every fit.
    rows["153"][2021] = {"energy": 520.0}
    # 159: energy 100 and agriculture (incl. land use) from −200 to −240: gross −100 … −140.
    rows["159"] = {
        year: {
            "energy": 100.0,
            "transport": 0.0,
            "agriculture": -200.0 - 10 * k,
            "waste": 0.0,
            "industry": 0.0,
        }
        for k, year in enumerate(YEARS)
    }
    # 161: gross 1000 … 800 and a LULUCF sink of −100 each year: net 900 … 700.
    rows["161"] = _energy_only(dict(zip(YEARS, (1000.0, 950.0, 900.0, 850.0, 800.0), strict=True)))
    for year in YEARS:
        rows["161"][year]["lulucf"] = -100.0
    return rows


# code: (baseline_year, baseline_t, target_year, reduction_pct, net_zero_year, basis,
#        revision_status, recertified_on, next_revision_year)
PLANS = {
    "101": (2019, 1000.0, 2030, 50.0, 2050, "gross", "recertified", "2024-05-01", 2028),
    "147": (2019, 1000.0, 2030, 50.0, 2050, "gross", "in_progress", None, 2023),
    "151": (2021, 600.0, 2030, 40.0, 2050, "gross", None, None, None),
    "153": (2022, None, 2030, 50.0, 2050, "gross", None, None, None),
    "155": (2024, 700.0, 2030, 50.0, 2050, "gross", None, None, None),
    "157": (1990, None, 2030, 70.0, 2050, "gross", None, None, None),
    "159": (2019, None, 2030, 70.0, 2050, "gross", None, None, None),
    "161": (2019, None, 2030, 45.0, 2050, "net", None, None, None),
    "163": (2023, None, 2030, 50.0, 2050, "gross", None, None, None),
    "165": (2019, 1000.0, 2030, 50.0, 2050, "gross", None, None, None),
    "167": (2019, None, 2030, 50.0, 2045, "gross", None, None, None),
}

# (report_year, code, action_id, sector, status, expected_t)
ACTIONS = [
    (2024, "101", "a1", "energy", "completed", 50.0),
    (2024, "101", "a2", "energy", "in_progress", 30.0),
    (2024, "101", "a3", "transport", "planned", None),
    (2024, "101", "a4", "transport", "cancelled", 40.0),
    (2024, "101", "a5", "cross_cutting", "completed", 20.0),
    (2024, "153", "b1", "energy", "cancelled", 10.0),
    (2024, "161", "c1", "energy", "completed", 100.0),
    (2023, "101", "a1", "energy", "in_progress", 50.0),
]


def _statbank_rows() -> list[tuple[str, str, str, int, str, float]]:
    rows: list[tuple[str, str, str, int, str, float]] = []
    for code in REGION_OF:
        big = code == "101"
        for year, ev_small, ev_big in ((2022, 2.0, 300.0), (2023, 5.0, 400.0), (2024, 10.0, 500.0)):
            if code == "169" and year == 2022:
                continue  # one municipality missing: the 2022 aggregates must be NULL
            total = 1000.0 if big else 100.0
            ev = ev_big if big else (20.0 if code == "147" and year == 2024 else ev_small)
            plug = 100.0 if big else 5.0
            for category, value in (
                ("total", total),
                ("battery_electric", ev),
                ("plug_in_hybrid", plug),
            ):
                rows.append(("BIL54", code, "municipality", year, category, value))
        heating = (
            {
                "total": 1100.0,
                "district_heating": 800.0,
                "heat_pump": 100.0,
                "gas_boiler": 50.0,
                "oil_boiler": 0.0,
                "electric_heating": 25.0,
                "wood_stove": 25.0,
                "unknown": 100.0,
            }
            if big
            else {
                "total": 110.0,
                "district_heating": 50.0,
                "heat_pump": 20.0,
                "gas_boiler": 10.0,
                "oil_boiler": 10.0,
                "electric_heating": 5.0,
                "wood_stove": 5.0,
                "unknown": 10.0,
            }
        )
        for category, value in heating.items():
            rows.append(("BOL102", code, "municipality", 2024, category, value))
    # StatBank's own national and regional rows: deliberately wrong, they must not be used.
    for area, area_type in (("000", "national"), ("1084", "region")):
        rows.append(("BIL54", area, area_type, 2024, "total", 10000.0))
        rows.append(("BIL54", area, area_type, 2024, "battery_electric", 9999.0))
    return rows


def build_fixture(con: duckdb.DuckDBPyConnection, budget: tuple[float, int] | None = None) -> None:
    """Create and fill the ref and core tables the metrics layer reads."""
    con.execute("create schema ref; create schema core;")
    con.execute(
        "create table ref.municipality (municipality_code varchar, municipality_name varchar,"
        " region_code varchar, region_name varchar, is_synthetic boolean)"
    )
    con.executemany(
        "insert into ref.municipality values (?, ?, ?, ?, false)",
        [(c, f"Kommune {c}", r, REGION_NAME[r]) for c, r in REGION_OF.items()],
    )
    con.execute(
        "create table ref.region (region_code varchar, region_name varchar, region_name_en varchar)"
    )
    con.executemany(
        "insert into ref.region values (?, ?, ?)", [(r, n, n) for r, n in REGION_NAME.items()]
    )
    con.execute(
        f"""
        create table ref.sector as
        select sector, name_da, name_en, in_total::boolean as in_total,
               may_be_negative::boolean as may_be_negative, sort_order::integer as sort_order
        from read_csv('{REFERENCE_DIR / "sectors.csv"}', delim = ';', header = true,
                      all_varchar = true);
        create table ref.indicator as
        select * from read_csv('{REFERENCE_DIR / "indicators.csv"}', delim = ';',
                               header = true, all_varchar = true);
        """
    )

    con.execute(
        "create table core.emissions (municipality_code varchar, year integer, sector varchar,"
        " emissions_t double)"
    )
    con.executemany(
        "insert into core.emissions values (?, ?, ?, ?)",
        [
            (code, year, sector, value)
            for code, years in _emissions().items()
            for year, sectors in years.items()
            for sector, value in sectors.items()
        ],
    )
    con.execute(
        "create table core.population (municipality_code varchar, year integer, population bigint)"
    )
    con.executemany(
        "insert into core.population values (?, ?, ?)",
        [
            (code, year, 10000 if code == "101" else 1000)
            for code in REGION_OF
            for year in (*YEARS, 2024)
            if not (code == "169" and year == 2023)
        ],
    )
    # core.municipality_year as the core layer defines it (metrics.md, Sectors; rule 1).
    con.execute(
        """
        create table core.municipality_year as
        with per_year as (
            select e.municipality_code, e.year,
                   count(distinct e.sector) filter (where s.in_total) as sectors_in_total,
                   sum(e.emissions_t) filter (where s.in_total) as sum_in_total,
                   sum(e.emissions_t) filter (where e.sector = 'lulucf') as lulucf_t,
                   string_agg(e.sector, ',' order by s.sort_order) as sectors_present
            from core.emissions e join ref.sector s using (sector)
            group by all
        )
        select p.municipality_code, p.year,
               case when sectors_in_total = 5 then sum_in_total end as gross_t,
               p.lulucf_t,
               case when sectors_in_total = 5 then sum_in_total + coalesce(p.lulucf_t, 0) end
                   as net_t,
               pop.population,
               case when sectors_in_total = 5 then sum_in_total / pop.population end
                   as per_capita_t,
               sectors_in_total = 5 as is_complete,
               p.sectors_present
        from per_year p
        left join core.population pop using (municipality_code, year)
        """
    )
    con.execute(
        "create table core.plan (municipality_code varchar, approved_on date,"
        " baseline_year integer, baseline_t double, target_year integer,"
        " target_reduction_pct double, net_zero_year integer, target_basis varchar,"
        " revision_status varchar, recertified_on date, next_revision_year integer)"
    )
    con.executemany(
        "insert into core.plan values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(code, None if code == "167" else "2021-06-30", *plan) for code, plan in PLANS.items()],
    )
    con.execute(
        "create table core.action (report_year integer, municipality_code varchar,"
        " action_id varchar, title varchar, sector varchar, status varchar, expected_t double)"
    )
    con.executemany(
        "insert into core.action values (?, ?, ?, ?, ?, ?, ?)",
        [(r, c, i, f"Indsats {i}", s, st, e) for r, c, i, s, st, e in ACTIONS],
    )
    con.execute("create table ref.municipality_area (municipality_code varchar, area_km2 double)")
    con.executemany("insert into ref.municipality_area values (?, ?)", list(AREA_KM2.items()))
    con.execute(
        "create table ref.peer_group_class (dimension varchar, class varchar,"
        " lower_bound double, name_da varchar, name_en varchar)"
    )
    con.executemany(
        "insert into ref.peer_group_class values (?, ?, ?, ?, ?)",
        [(d, c, b, c, c) for d, c, b in PEER_CLASSES],
    )
    _history(con)
    con.execute("create table core.report_year (report_year integer)")
    con.execute("insert into core.report_year values (2023), (2024)")

    con.execute(
        "create table core.statbank_count (table_name varchar, area_code varchar,"
        " area_type varchar, year integer, category varchar, value double)"
    )
    con.executemany("insert into core.statbank_count values (?, ?, ?, ?, ?, ?)", _statbank_rows())
    con.execute(
        "create table core.inventory_indicator (municipality_code varchar, year integer,"
        " indicator varchar, value double, unit varchar)"
    )
    con.executemany(
        "insert into core.inventory_indicator values (?, ?, 'transport_per_capita_t', ?,"
        " 't CO2e/indb.')",
        [
            ("101", 2018, 2.0),
            ("101", 2022, 1.5),
            ("101", 2023, 1.4),
            ("147", 2023, 1.4),
            ("151", 2023, 2.5),
        ],
    )
    # Region 1084 complete for total per km² in 2022 (gross 2022 / area); 1085 has none.
    con.executemany(
        "insert into core.inventory_indicator values (?, 2022, 'total_per_km2_t', ?, 't CO2e/km²')",
        [
            ("101", 729.0 / 20),
            ("147", 1030.0 / 5),
            ("151", 729.0 / 8),
            ("153", 500.0 / 50),
            ("155", 770.0 / 40),
            ("157", 440.0 / 5),
        ],
    )
    # Energy use 10 TJ everywhere in 2022 (169 too: a sum needs no population or area).
    con.executemany(
        "insert into core.inventory_indicator values (?, 2022, 'energy_use_tj', 10.0, 'TJ')",
        [(code,) for code in REGION_OF],
    )
    con.execute(
        "insert into core.inventory_indicator values"
        " ('101', 2022, 'renewable_electricity_pct', 40.0, '%')"
    )
    con.execute(
        "create table core.regional_indicator (region_code varchar, indicator varchar,"
        " year integer, value double, unit varchar)"
    )
    con.execute(
        "insert into core.regional_indicator values"
        " ('1084', 'skovrejsning_ha', 2023, 120.0, 'ha'),"
        " ('1085', 'skovrejsning_ha', 2023, 80.0, 'ha'),"
        " ('1084', 'skovrejsning_ha', 2024, 150.0, 'ha')"
    )

    con.execute(
        "create table core.track (track_id varchar, title varchar, theme varchar,"
        " status varchar, start_date date, end_date date, budget_dkk double,"
        " participants varchar[])"
    )
    con.execute(
        """
        insert into core.track values
        ('S1', 'Fjernvarme', 'energy', 'running', '2022-01-01', null, 1000000,
         ['101', '147', '101', '1084', '084']),
        ('S2', 'Kollektiv trafik', 'transport', 'planned', '2025-01-01', null, null, ['159']),
        ('S3', 'Klimatilpasning', 'cross_cutting', 'finished', '2021-01-01', '2023-12-31',
         500000, ['1085']),
        ('S4', 'Varmepumper', 'energy', 'running', '2024-03-01', null, null, ['151'])
        """
    )
    # The participant list as the core layer hands it over, with the duplicates it may
    # still carry (a code listed twice, a region as 1084 and as 084).
    con.execute(
        "create table core.track_participant (track_id varchar, participant_type varchar,"
        " participant_code varchar)"
    )
    con.execute(
        """
        insert into core.track_participant values
        ('S1', 'municipality', '101'), ('S1', 'municipality', '147'),
        ('S1', 'municipality', '101'), ('S1', 'region', '1084'), ('S1', 'region', '084'),
        ('S2', 'municipality', '159'), ('S3', 'region', '1085'), ('S4', 'municipality', '151')
        """
    )
    if budget is not None:
        con.execute(
            "create table ref.carbon_budget (budget_t double, start_year integer, source varchar)"
        )
        con.execute("insert into ref.carbon_budget values (?, ?, 'test budget')", list(budget))
    for name in MART_INPUTS:
        run_sql(con, name)


def _history(con: duckdb.DuckDBPyConnection) -> None:
    """The run's load time, two inventory versions and the previous run's statuses."""
    con.execute("create schema if not exists staging")
    con.execute("create table staging.raw_file (source_file varchar, loaded_at timestamp)")
    con.execute(f"insert into staging.raw_file values ('klimaregnskab/x.csv', '{THIS_RUN}')")
    con.execute(
        "create table core.inventory_vintage (sha256 varchar, source_file varchar,"
        " first_loaded_at timestamp, municipality_code varchar, year integer,"
        " source_sector varchar, sector varchar, value double)"
    )
    con.execute(
        f"""
        insert into core.inventory_vintage values
        ('old', 'klimaregnskab/2024.csv', '{PREVIOUS_RUN}', '167', 2023, 'Energi', 'energy', 240),
        ('new', 'klimaregnskab/2025.csv', '{THIS_RUN}', '167', 2023, 'Energi', 'energy', 260)
        """
    )
    con.execute(
        "create table ref.published_status_history (report_year integer,"
        " municipality_code varchar, status varchar, latest_year integer, latest_t double,"
        " baseline_year integer, baseline_t double, baseline_source varchar,"
        " target_year integer, target_reduction_pct double, target_t double,"
        " net_zero_year integer, target_basis varchar, loaded_at timestamp)"
    )
    con.execute(
        f"""
        insert into ref.published_status_history values
        (2023, '167', 'at_risk', 2023, 240, 2019, 300, 'inventory', 2030, 50, 150, 2045,
         'gross', '{PREVIOUS_RUN}'),
        (2023, '165', 'at_risk', 2023, 440, 2019, 1000, 'plan', 2030, 65, 350, 2050,
         'gross', '{PREVIOUS_RUN}')
        """
    )
