"""The metrics layer against a hand-made warehouse (tests/metrics_fixtures.py).

Expected numbers are worked out by hand in the comments; where a number is a formula of
a few hand-picked values the test writes the formula, not the result of running the SQL.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest
from metrics_fixtures import MART_INPUTS, build_fixture

from klima_pipeline.metrics import METRIC_SQL, build_metrics
from klima_pipeline.sql import parse_model

approx = pytest.approx


def _ols_slope(xs: list[float], ys: list[float]) -> float:
    """Textbook least-squares slope, independent of DuckDB's regr_slope."""
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sum(
        (x - mx) ** 2 for x in xs
    )


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Iterator[duckdb.DuckDBPyConnection]:
    path: Path = tmp_path_factory.mktemp("metrics") / "warehouse.duckdb"
    con = duckdb.connect(str(path))
    build_fixture(con)
    build_metrics(con)
    yield con
    con.close()


def status_row(con: duckdb.DuckDBPyConnection, code: str, year: int = 2024) -> dict[str, Any]:
    cur = con.execute(
        "select * from mart.municipality_status where municipality_code = ? and report_year = ?",
        [code, year],
    )
    names = [d[0] for d in cur.description]
    rows = cur.fetchall()
    assert len(rows) == 1
    return dict(zip(names, rows[0], strict=True))


def rows_of(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | None = None) -> list:
    return con.execute(sql, params or []).fetchall()


# --- municipality_status ------------------------------------------------------------------


def test_one_row_per_member_and_report_year(warehouse: duckdb.DuckDBPyConnection) -> None:
    # 11 plan registry rows × report years 2023 and 2024; 169 is no member (rule 12).
    assert rows_of(warehouse, "select count(*) from mart.municipality_status") == [(22,)]
    assert rows_of(
        warehouse, "select count(*) from mart.municipality_status where municipality_code = '169'"
    ) == [(0,)]
    # 167 has no approval date and still has its row.
    assert status_row(warehouse, "167")["plan_approved"] is None


def test_on_track_member(warehouse: duckdb.DuckDBPyConnection) -> None:
    r = status_row(warehouse, "101")
    # Inventory 1000, 900, 810, 729, 656.1 for 2019–2023; R = 2024, L = 2023 (lag of one).
    assert r["latest_year"] == 2023 and r["latest_t"] == approx(656.1)
    assert r["window_points"] == 5 and r["window_first_year"] == 2019
    # B = 1000 from the plan, p = 50 %: target 500.
    assert r["baseline_source"] == "plan" and r["target_t"] == approx(500)
    # P(2023) = 1000 + (500 − 1000) × (2023 − 2019) / (2030 − 2019) = 1000 − 2000/11 = 818.18
    assert r["path_t"] == approx(1000 - 2000 / 11)
    assert r["gap_t"] == approx(656.1 - (1000 - 2000 / 11))
    assert r["reduction_pct"] == approx(34.39)
    # ln-values fall by exactly ln 0.9 a year: r_obs = 0.1, proj_exp = 656.1 × 0.9^7 = 313.81
    assert r["r_obs"] == approx(0.1)
    assert r["proj_exp_t"] == approx(656.1 * 0.9**7)
    # Linear OLS, years centred on 2021 (−2 … 2): slope = (−2000 − 900 + 729 + 1312.2)/10
    # = −85.88; mean 819.02; at 2030: 819.02 − 85.88 × 9 = 46.10.
    assert r["proj_lin_t"] == approx(46.10)
    # Long run: 1000 + (656.1 − 1000) × 11/4 = 54.275.
    assert r["proj_long_t"] == approx(54.275)
    # Conservative = the largest of the three = the exponential one.
    assert r["proj_cons_t"] == approx(656.1 * 0.9**7)
    # r_req = 1 − (500 / 656.1)^(1/7) ≈ 0.0381
    assert r["r_req"] == approx(1 - (500 / 656.1) ** (1 / 7))
    # 656.1 <= 818.18 and 313.8 <= 500.
    assert r["status"] == "on_track"


def test_off_track_member_uses_inventory_up_to_the_report_year(
    warehouse: duckdb.DuckDBPyConnection,
) -> None:
    # 147 rises 1000 … 1050 (2019–2024); R = 2023 sees only up to 2023.
    assert status_row(warehouse, "147", 2023)["latest_year"] == 2023
    r = status_row(warehouse, "147", 2024)
    assert r["latest_year"] == 2024 and r["latest_t"] == 1050
    assert r["window_first_year"] == 2020
    # P(2024) = 1000 − 500 × 5/11 = 772.73 < 1050; the rising trend misses 500.
    assert r["path_t"] == approx(1000 - 2500 / 11)
    assert r["r_obs"] < 0
    assert r["status"] == "off_track"


def test_at_risk_member_behind_the_path_but_projected_to_reach(
    warehouse: duckdb.DuckDBPyConnection,
) -> None:
    r = status_row(warehouse, "151")
    # Same series as 101 but b = 2021, B = 600, p = 40 %: target 360,
    # P(2023) = 600 − 240 × 2/9 = 546.67 < 656.1 (behind), proj_exp 313.8 <= 360.
    assert r["path_t"] == approx(600 - 240 * 2 / 9)
    assert r["proj_exp_t"] == approx(656.1 * 0.9**7)
    assert r["status"] == "at_risk"
    # Long run from (2021, 600) through (2023, 656.1): 600 + 56.1 × 9/2 = 852.45, the
    # most pessimistic projection.
    assert r["proj_long_t"] == approx(852.45)
    assert r["proj_cons_t"] == approx(852.45)


def test_fewer_than_three_points_and_blank_baseline(warehouse: duckdb.DuckDBPyConnection) -> None:
    r = status_row(warehouse, "153")
    # Complete years 2022 (500) and 2023 (450); 2021 lacks four sectors, so 2 points (rule 8).
    assert r["window_points"] == 2
    assert r["r_obs"] is None and r["proj_lin_t"] is None
    assert r["proj_exp_t"] is None and r["proj_cons_t"] is None
    assert r["status"] == "insufficient_data"
    # Blank B, b = 2022: B = 500 from the inventory; target 250.
    assert r["baseline_source"] == "inventory" and r["baseline_t"] == 500
    # Window-independent figures are still there: P(2023) = 500 − 250/8 = 468.75.
    assert r["path_t"] == approx(468.75) and r["gap_t"] == approx(-18.75)
    assert r["reduction_pct"] == approx(10.0)
    assert r["r_req"] == approx(1 - (250 / 450) ** (1 / 7))


def test_baseline_after_the_latest_year(warehouse: duckdb.DuckDBPyConnection) -> None:
    r = status_row(warehouse, "155")
    # b = 2024 (B = 700 given), L = 2023 < b: insufficient, though the fits exist.
    assert r["latest_year"] == 2023 and r["baseline_year"] == 2024
    assert r["status"] == "insufficient_data"
    assert r["proj_lin_t"] == approx(690.0)  # 780 − 10 × 9
    # The long-run line is defined for L < b too (rule 10 leaves out only L = b): from
    # (2024, 700) through (2023, 760), falling 60 t a year, to 2030: 700 − 60 × 6.
    assert r["proj_long_t"] == approx(340.0)
    assert r["path_t"] == 700  # P(y) = B for y <= b


def test_blank_baseline_with_1990_baseline_year(warehouse: duckdb.DuckDBPyConnection) -> None:
    r = status_row(warehouse, "157")
    # Rule 9: no baseline → these are NULL, the projections are still computed.
    for column in ("baseline_t", "target_t", "path_t", "gap_t", "reduction_pct", "r_req"):
        assert r[column] is None, column
    assert r["proj_lin_t"] == approx(280.0)  # mean 460 at 2021, slope −20: 460 − 180
    assert r["proj_exp_t"] is not None
    assert r["status"] == "insufficient_data"
    assert "1990" in r["status_reason"]


def test_negative_gross_has_no_exponential_fit(warehouse: duckdb.DuckDBPyConnection) -> None:
    r = status_row(warehouse, "159")
    # Gross −100 … −140: ln undefined, so r_obs and proj_exp are NULL; the status uses
    # the linear projection max(0, −120 − 10 × 9) = 0.
    assert r["baseline_t"] == -100 and r["latest_t"] == -140
    assert r["r_obs"] is None and r["proj_exp_t"] is None
    assert r["proj_lin_t"] == 0
    assert r["r_req"] is None  # the values are not positive
    # target = −100 × 0.3 = −30; P(2023) = −100 + 70 × 4/11 = −74.55; −140 is below the path
    # but the projection 0 is above −30: at_risk.
    assert r["target_t"] == approx(-30)
    assert r["status"] == "at_risk"


def test_netto_member_uses_net_with_negative_lulucf(warehouse: duckdb.DuckDBPyConnection) -> None:
    r = status_row(warehouse, "161")
    # Gross 1000 … 800, LULUCF −100: net 900 … 700 (rule 7), blank B = net(2019) = 900.
    assert r["target_basis"] == "net"
    assert r["baseline_t"] == 900 and r["latest_t"] == 700
    assert r["target_t"] == approx(900 * 0.55)  # 495
    assert r["path_t"] == approx(900 - 405 * 4 / 11)  # 752.73
    c = _ols_slope([2019, 2020, 2021, 2022, 2023], [math.log(v) for v in (900, 850, 800, 750, 700)])
    assert r["r_obs"] == approx(1 - math.exp(c))
    assert r["proj_exp_t"] == approx(700 * math.exp(7 * c))  # ≈ 451.1 <= 495
    assert r["proj_lin_t"] == approx(350.0)  # 800 − 50 × 9
    assert r["status"] == "on_track"
    # Plan coverage on net: 100 t expected / (700 − 495) = 48.78 %.
    assert r["plan_coverage_pct"] == approx(100 * 100 / 205)


def test_latest_year_equals_baseline_year(warehouse: duckdb.DuckDBPyConnection) -> None:
    r = status_row(warehouse, "163")
    # b = L = 2023, B = 520 from the inventory: no long-run line (rule 10), gap 0.
    assert r["proj_long_t"] is None
    assert r["path_t"] == 520 and r["gap_t"] == 0 and r["reduction_pct"] == 0
    # Conservative = max(linear 380, exponential ≈ 404.8).
    assert r["proj_cons_t"] == approx(max(r["proj_lin_t"], r["proj_exp_t"]))
    assert r["proj_lin_t"] == approx(380.0)
    # Exactly on the path (520 <= 520) but projected above 260: at_risk.
    assert r["status"] == "at_risk"


def test_negative_required_rate(warehouse: duckdb.DuckDBPyConnection) -> None:
    r = status_row(warehouse, "165")
    # Already at 440 < target 500: r_req = 1 − (500/440)^(1/7) ≈ −0.0184, unclamped.
    assert r["r_req"] == approx(1 - (500 / 440) ** (1 / 7))
    assert r["r_req"] < 0
    assert r["plan_coverage_pct"] is None  # 440 − 500 is not positive
    assert r["status"] == "on_track"


def test_implementation_and_coverage(warehouse: duckdb.DuckDBPyConnection) -> None:
    r = status_row(warehouse, "101")
    # 5 actions, 1 cancelled; in progress or completed: a1, a2, a5 → 3 / 4 = 75 %.
    assert r["implementation_pct"] == approx(75.0)
    # Not cancelled: 50 + 30 + blank + 20 (cross-cutting counts) = 100 t over
    # 656.1 − 500 = 156.1 → 64.06 %.
    assert r["plan_coverage_pct"] == approx(100 * 100 / 156.1)
    # Only 2023's survey counts for 2023: one action in progress, 50 t.
    r23 = status_row(warehouse, "101", 2023)
    assert r23["implementation_pct"] == approx(100.0)
    assert r23["plan_coverage_pct"] == approx(100 * 50 / 156.1)


def test_member_without_actions(warehouse: duckdb.DuckDBPyConnection) -> None:
    r = status_row(warehouse, "147")
    assert r["actions_total"] == 0
    assert r["plan_coverage_pct"] == 0  # denominator 1050 − 500 > 0
    assert r["implementation_pct"] is None
    # All actions cancelled: nothing remains to implement → NULL as well.
    assert status_row(warehouse, "153")["implementation_pct"] is None


# --- actions and implementation effect ---------------------------------------------------


def test_actions_counts_and_sums(warehouse: duckdb.DuckDBPyConnection) -> None:
    got = rows_of(
        warehouse,
        "select sector, planned, in_progress, completed, cancelled, expected_t,"
        " expected_completed_t from mart.actions"
        " where report_year = 2024 and municipality_code = '101' order by sector",
    )
    assert got == [
        ("cross_cutting", 0, 0, 1, 0, 20.0, 20.0),
        ("energy", 0, 1, 1, 0, 80.0, 50.0),
        # The cancelled 40 t is not counted; the blank expected reduction adds 0.
        ("transport", 1, 0, 0, 1, 0.0, 0.0),
    ]
    # Rows only for pairs with actions: 147 has none.
    assert rows_of(
        warehouse, "select count(*) from mart.actions where municipality_code = '147'"
    ) == [(0,)]


def test_implementation_effect(warehouse: duckdb.DuckDBPyConnection) -> None:
    got = dict(
        (s, (o, e, r))
        for s, o, e, r in rows_of(
            warehouse,
            "select sector, observed_reduction_t, expected_completed_t, effect_ratio"
            " from mart.implementation_effect"
            " where report_year = 2024 and municipality_code = '101'",
        )
    )
    # Five sectors, never cross_cutting (rule 13).
    assert sorted(got) == ["agriculture", "energy", "industry", "transport", "waste"]
    # Energy: 1000 − 656.1 = 343.9 observed over 50 t completed = 6.878, unclamped.
    assert got["energy"][0] == approx(343.9)
    assert got["energy"][2] == approx(343.9 / 50)
    # Nothing completed in transport: expected 0, ratio NULL.
    assert got["transport"][1:] == (0.0, None)
    # Netto member: sector figures, energy 1000 − 800 = 200 over 100 t = 2.0.
    assert rows_of(
        warehouse,
        "select effect_ratio from mart.implementation_effect"
        " where report_year = 2024 and municipality_code = '161' and sector = 'energy'",
    ) == [(2.0,)]
    # A 1990 baseline has no sector rows: observed NULL.
    assert rows_of(
        warehouse,
        "select count(*) from mart.implementation_effect"
        " where municipality_code = '157' and observed_reduction_t is not null",
    ) == [(0,)]
    # One row per member, report year and the five sectors.
    assert rows_of(warehouse, "select count(*) from mart.implementation_effect") == [(11 * 2 * 5,)]


# --- whole layer ---------------------------------------------------------------------------


def test_every_mart_column_has_a_comment(warehouse: duckdb.DuckDBPyConnection) -> None:
    tables = {name.split("/")[1] for name in METRIC_SQL}
    missing = rows_of(
        warehouse,
        "select table_name, column_name from duckdb_columns()"
        " where schema_name = 'mart' and (comment is null or comment = '')",
    )
    assert [m for m in missing if m[0] in tables] == []


def test_two_runs_give_identical_tables(tmp_path: Path) -> None:
    dumps = []
    for run in range(2):
        con = duckdb.connect(str(tmp_path / f"run{run}.duckdb"))
        build_fixture(con, budget=(3000.0, 2022))
        build_metrics(con)
        build_metrics(con)  # rebuilding in place changes nothing either
        tables = [
            r[0]
            for r in rows_of(
                con, "select table_name from duckdb_tables() where schema_name = 'mart' order by 1"
            )
        ]
        dumps.append({t: rows_of(con, f"select * from mart.{t} order by all") for t in tables})
        con.close()
    assert dumps[0] == dumps[1]
    built = {
        table
        for name in (*MART_INPUTS, *METRIC_SQL)
        for schema, table in parse_model(name).creates
        if schema == "mart"
    }
    assert set(dumps[0]) == built


# --- status summary ------------------------------------------------------------------------


def test_status_summary_counts(warehouse: duckdb.DuckDBPyConnection) -> None:
    got = {
        (scope, code, projection): rest
        for scope, code, projection, *rest in rows_of(
            warehouse,
            "select scope, scope_code, projection, members, on_track, at_risk, off_track,"
            " insufficient_data from mart.status_summary where report_year = 2024",
        )
    }
    # Status 2024: on_track 101, 161, 165; at_risk 151, 159, 163; off_track 147, 167;
    # insufficient 153, 155, 157.
    assert got["cohort", None, "status"] == [11, 3, 3, 2, 3]
    # Exponential projection <= target: 101 (313.8 <= 500), 151 (313.8 <= 360),
    # 161 (451.1 <= 495), 165 (377.9 <= 500). No projection or no target: 153 (2 points),
    # 157 (no target), 159 (negative values) → 3; the other 4 miss.
    assert got["cohort", None, "exponential"] == [11, 4, None, 4, 3]
    # Region 1085 (159, 161, 163, 165, 167): statuses at_risk, on_track, at_risk,
    # on_track, off_track.
    assert got["region", "1085", "status"] == [5, 2, 2, 1, 0]
    # Every row adds up to its members.
    for (_scope, _code, _projection), (members, on, risk, off, insufficient) in got.items():
        assert on + (risk or 0) + off + insufficient == members


# --- indicators ---------------------------------------------------------------------------


def indicator(con: duckdb.DuckDBPyConnection, entity: str, code: str, name: str, year: int):
    return rows_of(
        con,
        "select value from mart.indicators where entity_type = ? and entity_code = ?"
        " and indicator = ? and year = ?",
        [entity, code, name, year],
    )


def test_national_share_from_summed_counts(warehouse: duckdb.DuckDBPyConnection) -> None:
    # 2024 electric cars: 101 has 500 of 1000, 147 has 20 of 100, ten others 10 of 100.
    # Summed: (500 + 20 + 100) / (1000 + 1100) = 29.52 %; the mean of the shares would be
    # (50 + 20 + 10 × 10) / 12 = 14.17 %; StatBank's own 000 row says 99.99 %.
    [(value,)] = indicator(warehouse, "national", "000", "ev_share_pct", 2024)
    assert value == approx(100 * 620 / 2100)
    assert value != approx(170 / 12)
    # Region 1084 (101, 147 and four at 10 of 100): 560 / 1500, not StatBank's 1084 row.
    assert indicator(warehouse, "region", "1084", "ev_share_pct", 2024) == [
        (approx(100 * 560 / 1500),)
    ]
    # Heating: known = all mapped dwellings but UOPLYST: 101 has 1000 known of 1100.
    assert indicator(warehouse, "municipality", "101", "district_heating_share_pct", 2024) == [
        (approx(80.0),)
    ]
    # Oil + gas: (50 + 11 × 20) / 2100.
    assert indicator(warehouse, "national", "000", "oil_gas_boiler_share_pct", 2024) == [
        (approx(100 * 270 / 2100),)
    ]
    # 2022: 169 has no car counts, so the national and its region's value are NULL.
    assert indicator(warehouse, "national", "000", "ev_share_pct", 2022) == [(None,)]
    assert indicator(warehouse, "region", "1085", "ev_share_pct", 2022) == [(None,)]
    assert indicator(warehouse, "region", "1084", "ev_share_pct", 2022) != [(None,)]


def test_missing_population_leaves_per_capita_empty(warehouse: duckdb.DuckDBPyConnection) -> None:
    # 169 has no population for 2023: no municipal value, and the region and nation are
    # NULL that year (rule 2); 2022 is complete: (6278 t) / 21000 inhabitants.
    assert indicator(warehouse, "municipality", "169", "gross_per_capita_t", 2023) == []
    assert indicator(warehouse, "region", "1085", "gross_per_capita_t", 2023) == [(None,)]
    assert indicator(warehouse, "national", "000", "gross_per_capita_t", 2022) == [
        (approx(6278 / 21000),)
    ]
    # Negative gross gives a negative per-capita value (rule 3): −120 / 1000.
    assert indicator(warehouse, "municipality", "159", "gross_per_capita_t", 2021) == [
        (approx(-0.12),)
    ]


def test_indicator_summary_ranks_changes_and_national(warehouse: duckdb.DuckDBPyConnection) -> None:
    got = {
        code: rest
        for code, *rest in rows_of(
            warehouse,
            "select entity_code, latest_year, value, change_1y, rank, rank_of, national_value"
            " from mart.indicator_summary where report_year = 2024"
            " and indicator = 'ev_share_pct' and entity_type = 'municipality'",
        )
    }
    # 101: 50 % (rank 1), 147: 20 % (rank 2), ten municipalities tie at 10 % → all rank 3.
    assert got["101"][3:5] == [1, 12]
    assert got["147"][3] == 2
    assert {got[c][3] for c in got if c not in ("101", "147")} == {3}
    # Change over one year in percentage points: 50 − 40 = 10.
    assert got["101"][2] == approx(10.0)
    assert got["101"][4 + 1] == approx(100 * 620 / 2100)
    # Lower is better: 101 has the fewest oil and gas boilers (5 %) → rank 1, the rest
    # tie at 20 % → rank 2.
    ranks = dict(
        rows_of(
            warehouse,
            "select entity_code, rank from mart.indicator_summary where report_year = 2024"
            " and indicator = 'oil_gas_boiler_share_pct' and entity_type = 'municipality'",
        )
    )
    assert ranks["101"] == 1 and set(ranks.values()) == {1, 2}
    # Delivered inventory indicator: latest 2023 ≤ R, change 1.4 − 1.5 and 1.4 − 2.0 (2018).
    [(latest, value, c1, c5, rank)] = rows_of(
        warehouse,
        "select latest_year, value, change_1y, change_5y, rank from mart.indicator_summary"
        " where report_year = 2024 and indicator = 'transport_per_capita_t'"
        " and entity_code = '101'",
    )
    assert (latest, value) == (2023, 1.4)
    assert c1 == approx(-0.1) and c5 == approx(-0.6)
    assert rank == 1  # tied with 147 at 1.4 t; 151 (2.5 t) is third
    # Regional indicators as delivered; report year 2023 does not see 2024's value.
    assert rows_of(
        warehouse,
        "select value, unit from mart.indicator_summary where report_year = 2023"
        " and indicator = 'skovrejsning_ha' and entity_code = '1084'",
    ) == [(120.0, "ha")]


# --- plan revision and tracks -------------------------------------------------------------


def test_plan_revision_overdue(warehouse: duckdb.DuckDBPyConnection) -> None:
    got = {
        (year, code): rest
        for year, code, *rest in rows_of(
            warehouse,
            "select report_year, municipality_code, revision_status, is_overdue"
            " from mart.plan_revision",
        )
    }
    # 147: next revision 2023, no recertification: overdue in 2024, not yet in 2023.
    assert got[2024, "147"] == ["in_progress", True]
    assert got[2023, "147"] == ["in_progress", False]
    # Recertified (next 2028) and members without revision data are not overdue.
    assert got[2024, "101"] == ["recertified", False]
    assert got[2024, "151"] == [None, False]


def test_tracks_and_participation(warehouse: duckdb.DuckDBPyConnection) -> None:
    # S1 lists 101 twice and the region as 1084 and 084: 101, 147, 1084 → 3 participants.
    assert dict(
        rows_of(warehouse, "select track_id, participants from mart.development_tracks")
    ) == {"S1": 3, "S2": 1, "S3": 1, "S4": 1}
    assert rows_of(
        warehouse,
        "select participant_type, participant_code from mart.track_participation"
        " where track_id = 'S3'",
    ) == [("region", "1085")]
    # 153 takes part in no track.
    assert rows_of(
        warehouse,
        "select count(*) from mart.track_participation where participant_code = '153'",
    ) == [(0,)]


def test_track_coverage(warehouse: duckdb.DuckDBPyConnection) -> None:
    got = {
        (year, code): rest
        for year, code, *rest in rows_of(
            warehouse,
            "select report_year, scope_code, members, members_in_track, share_pct,"
            " region_participates from mart.track_coverage",
        )
    }
    # 2024: 101, 147 (S1, running) and 151 (S4, started March 2024) of 11 members; S2 is
    # only planned, so 159 does not count.
    assert got[2024, None][:3] == [11, 3, approx(100 * 3 / 11)]
    # 2023: S4 had not started yet.
    assert got[2023, None][:2] == [11, 2]
    assert got[2024, "1084"][:3] == [6, 3, approx(50.0)]
    # Region 1085 takes part in S3 itself, which does not enrol its municipalities.
    assert got[2024, "1085"] == [5, 0, approx(0.0), True]


# --- carbon budget ------------------------------------------------------------------------


def test_no_budget_configured_gives_an_empty_table(warehouse: duckdb.DuckDBPyConnection) -> None:
    assert rows_of(warehouse, "select count(*) from ref.carbon_budget") == [(0,)]
    assert rows_of(warehouse, "select count(*) from mart.carbon_budget") == [(0,)]


def test_carbon_budget(tmp_path: Path) -> None:
    con = duckdb.connect(str(tmp_path / "budget.duckdb"))
    # G = 3000 t from S = 2022; Denmark 2022 = 10000 + 11 × 1000 = 21000 inhabitants.
    build_fixture(con, budget=(3000.0, 2022))
    build_metrics(con)
    got = {
        code: rest
        for code, *rest in rows_of(
            con,
            "select municipality_code, budget_share_t, cumulative_t, budget_runs_out_year"
            " from mart.carbon_budget where report_year = 2024",
        )
    }
    con.close()
    # 101: share 3000 × 10000 / 21000 = 1428.57; used 729 + 656.1 = 1385.1 by 2023;
    # 2024 projected 656.1 × 0.9 = 590.49 → 1975.59 > 1428.57: runs out in 2024.
    assert got["101"] == [approx(3000 * 10000 / 21000), approx(1385.1), 2024]
    # 147: share 142.86, already 1030 in 2022.
    assert got["147"][2] == 2022
    # 159 (negative gross): never runs out.
    assert got["159"][1:] == [approx(-270.0), None]
    assert len(got) == 11  # members only


# --- peer groups and comparison ------------------------------------------------------------


def test_peer_groups_from_population_and_density(warehouse: duckdb.DuckDBPyConnection) -> None:
    got = {
        code: rest
        for code, *rest in rows_of(
            warehouse,
            "select municipality_code, density_per_km2, size_class, density_class, peer_group,"
            " group_size from mart.peer_group where report_year = 2024",
        )
    }
    # 101: 10,000 residents (large from 5,000) on 20 km² = 500 per km² (urban from 100).
    assert got["101"] == [500.0, "large", "urban", "large/urban", 1]
    # 151: 1,000 on 8 km² = 125 per km²; 167: 1,000 on 20 km² = 50 per km².
    assert got["151"][3:] == ["small/urban", 5]
    assert got["167"][3:] == ["small/rural", 5]
    # 169 has no area: no density, no peer group (and it is no member: no comparison).
    assert got["169"][0] is None and got["169"][3] is None
    assert rows_of(
        warehouse, "select count(*) from mart.peer_comparison where municipality_code = '169'"
    ) == [(0,)]


def peer_row(con: duckdb.DuckDBPyConnection, code: str, measure: str) -> dict[str, Any]:
    cur = con.execute(
        "select * from mart.peer_comparison where report_year = 2024"
        " and municipality_code = ? and measure = ?",
        [code, measure],
    )
    names = [d[0] for d in cur.description]
    [row] = cur.fetchall()
    return dict(zip(names, row, strict=True))


def test_peer_median_of_per_capita_emissions(warehouse: duckdb.DuckDBPyConnection) -> None:
    r = peer_row(warehouse, "165", "gross_per_capita_t")
    # small/urban in 2023, gross / 1,000 residents: 147 1.04, 151 0.6561, 157 0.42,
    # 161 0.80 (gross, though 161 is netto), 165 0.44 → median 0.6561.
    assert r["peer_group"] == "small/urban" and r["year"] == 2023
    assert r["value"] == approx(0.44)
    assert r["peer_median"] == approx(0.6561) and r["peers_with_value"] == 5
    # Lower is better: only 157 (0.42) is better → second, better than the median.
    assert r["rank_in_group"] == 2 and r["position"] == "better"
    # 169 has no population in 2023, so the national value is NULL (rule 2).
    assert r["national_value"] is None
    # 151 is the median itself.
    assert peer_row(warehouse, "151", "gross_per_capita_t")["position"] == "median"


def test_peer_median_of_reduction_with_national_value(warehouse: duckdb.DuckDBPyConnection) -> None:
    r = peer_row(warehouse, "153", "reduction_pct")
    # small/rural members' reductions: 153 10 %, 155 100 × (1 − 760/700) = −8.57 %,
    # 159 100 × (1 − −140/−100) = −40 %, 163 0 %, 167 100 × (1 − 260/300) = 13.33 %.
    assert r["value"] == approx(10.0)
    assert r["peer_median"] == approx(0.0) and r["peers_with_value"] == 5
    assert r["rank_in_group"] == 2 and r["position"] == "better"
    # Denmark over the same years (b = 2022, L = 2023): 100 × (1 − 5962.2 / 6278).
    assert r["national_value"] == approx(100 * (1 - 5962.2 / 6278))
    # 157 has no baseline: no value, no position, but the group's median is still there.
    r157 = peer_row(warehouse, "157", "reduction_pct")
    assert r157["value"] is None and r157["position"] is None
    assert r157["peer_median"] == approx((-5.0 + 100 * (1 - 700 / 900)) / 2)


def test_peer_comparison_of_observed_rate(warehouse: duckdb.DuckDBPyConnection) -> None:
    # 101 is alone in large/urban: the median is its own r_obs of 10 %/year.
    r = peer_row(warehouse, "101", "r_obs")
    assert r["peer_median"] == approx(0.1) and r["peers_with_value"] == 1
    assert r["position"] == "median" and r["rank_in_group"] == 1
    # Denmark's gross is complete only in 2022 and 2023 (153 lacks earlier years): fewer
    # than 3 points, no national rate.
    assert r["national_value"] is None


# --- every indicator at every level --------------------------------------------------------


def test_inventory_indicators_summed_into_regions_and_nation(
    warehouse: duckdb.DuckDBPyConnection,
) -> None:
    # Per km² back to tonnes over area: region 1084 in 2022 =
    # (729 + 1030 + 729 + 500 + 770 + 440) t / (20 + 5 + 8 + 50 + 40 + 5) km² — not the
    # mean of the six per-km² values (57.5).
    assert indicator(warehouse, "region", "1084", "total_per_km2_t", 2022) == [
        (approx(4198 / 128),)
    ]
    # Region 1085 delivered none, so it and the nation are NULL, not a partial sum.
    assert indicator(warehouse, "region", "1085", "total_per_km2_t", 2022) == [(None,)]
    assert indicator(warehouse, "national", "000", "total_per_km2_t", 2022) == [(None,)]
    # Energy use is a count: 12 × 10 TJ.
    assert indicator(warehouse, "national", "000", "energy_use_tj", 2022) == [(120.0,)]
    # Renewable self-sufficiency needs electricity use the inventory does not deliver:
    # municipal values only.
    assert rows_of(
        warehouse,
        "select distinct entity_type from mart.indicators"
        " where indicator = 'renewable_electricity_pct'",
    ) == [("municipality",)]


# --- what changed since last year ----------------------------------------------------------


def change_row(con: duckdb.DuckDBPyConnection, code: str) -> dict[str, Any]:
    cur = con.execute(
        "select * from mart.status_change where current_report_year = 2024"
        " and municipality_code = ?",
        [code],
    )
    names = [d[0] for d in cur.description]
    [row] = cur.fetchall()
    return dict(zip(names, row, strict=True))


def test_status_change_caused_by_a_revised_inventory(warehouse: duckdb.DuckDBPyConnection) -> None:
    r = change_row(warehouse, "167")
    # Published for 2023 on the old inventory (2023: 240 t <= path 245.45, projected
    # above 150): at_risk. Today's version says 260 t: 2023 recomputed is off_track, and
    # so is 2024.
    assert (r["previous_status"], r["current_status"]) == ("at_risk", "off_track")
    assert r["previous_status_now"] == "off_track"
    assert r["status_changed"] and r["reason"] == "revised_inventory"
    # The one revised value (2023 energy, 240 → 260) is linked to the change.
    assert r["revised_values"] == 1


def test_status_change_caused_by_new_plan_data(warehouse: duckdb.DuckDBPyConnection) -> None:
    r = change_row(warehouse, "165")
    # Published under a 65 % target (350 t; projection 377.9 above it): at_risk. The
    # registry now says 50 % (500 t): on_track, on an unchanged inventory.
    assert (r["previous_status"], r["current_status"]) == ("at_risk", "on_track")
    assert r["reason"] == "new_plan_data" and r["revised_values"] == 0


def test_unchanged_members_have_no_reason(warehouse: duckdb.DuckDBPyConnection) -> None:
    # Without an earlier publication, both years come from this run; L is 2023 for both
    # except 147 (2024), whose status stays off_track.
    got = rows_of(
        warehouse,
        "select municipality_code, status_changed, reason from mart.status_change"
        " where municipality_code not in ('165', '167')",
    )
    assert len(got) == 9 and {(changed, reason) for _, changed, reason in got} == {(False, None)}
    # One row per member and pair of consecutive report years (2023 → 2024).
    assert rows_of(
        warehouse,
        "select distinct previous_report_year, current_report_year from mart.status_change",
    ) == [(2023, 2024)]


def test_status_history_keeps_what_was_published(warehouse: duckdb.DuckDBPyConnection) -> None:
    # The previous run's two rows stay; this run adds every row that differs from the
    # latest published version: all 22 (the two published ones changed).
    assert rows_of(warehouse, "select count(*) from mart.status_history") == [(24,)]
    assert rows_of(
        warehouse,
        "select status from mart.status_history where report_year = 2023"
        " and municipality_code = '167' order by loaded_at",
    ) == [("at_risk",), ("off_track",)]


# --- sector gaps --------------------------------------------------------------------------


def test_sector_gap(warehouse: duckdb.DuckDBPyConnection) -> None:
    got = {
        sector: rest
        for sector, *rest in rows_of(
            warehouse,
            "select sector, need_share, needed_t, expected_open_t, remaining_gap_t,"
            " open_coverage_pct, expected_completed_t from mart.sector_gaps"
            " where report_year = 2024 and municipality_code = '101'",
        )
    }
    # 101 still needs 656.1 − 500 = 156.1 t, all in energy (the other sectors are 0).
    # Open energy actions: a2 in progress, 30 t (a1's completed 50 t is not counted).
    assert got["energy"] == [
        1.0,
        approx(156.1),
        30.0,
        approx(126.1),
        approx(100 * 30 / 156.1),
        50.0,
    ]
    # Transport: a planned action with a blank reduction, no need: coverage NULL.
    assert got["transport"][1:5] == [0.0, 0.0, 0.0, None]
    # Cross-cutting actions have a row, with no need assigned.
    assert got["cross_cutting"][:2] == [None, None]
    # Already below the target (165: 440 < 500): nothing needed in any sector.
    assert rows_of(
        warehouse,
        "select distinct needed_t from mart.sector_gaps"
        " where report_year = 2024 and municipality_code = '165' and sector <> 'cross_cutting'",
    ) == [(0.0,)]
