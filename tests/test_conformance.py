"""Conformance: any raw folder that follows formats.md gives a warehouse whose numbers
follow metrics.md, and every fault that formats.md accepts with a warning is a finding.

The folders come from tests/conformance_exports.py, a generator written from the spec
alone. The property tests build each folder with the project's loaders, SQL and data
checks on one plain DuckDB connection (bench's floor: the same work as a run, without
Dagster's bookkeeping), so that many folders fit in the CI profile; a few go through a
real Dagster run with the report. Profiles (tests/conftest.py): `ci` (the default, a
fixed set of examples) and `long` (`python3 tasks.py conformance`, random and many).
"""

from __future__ import annotations

import math
import shutil
from dataclasses import replace
from pathlib import Path

import duckdb
import numpy as np
import pytest
from conformance_exports import (
    ACTION_STATUS,
    IN_TOTAL,
    MUNICIPALITIES,
    WARNING_FAULTS,
    ExpectedFinding,
    World,
    styles,
    worlds,
    write_folder,
)
from conftest import file_digest, materialize
from hypothesis import given, settings
from hypothesis import strategies as st

from bench.stage import floor
from klima_pipeline.errors import InputError
from klima_pipeline.runner import failure_message

REL = 1e-9


def close(actual: float | None, expected: float | None) -> bool:
    if actual is None or expected is None:
        return actual is None and expected is None
    return math.isclose(actual, expected, rel_tol=REL, abs_tol=1e-6)


def build(raw: Path, out: Path) -> duckdb.DuckDBPyConnection:
    path = out / "klima.duckdb"
    floor(path, raw)
    return duckdb.connect(str(path), read_only=True)


def fresh(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("conformance")


# --- the oracle: metrics.md computed from what the exports mean ----------------------------


def basis_series(world: World, code: str, net: bool) -> dict[int, float]:
    series = {}
    for year in world.years:
        if world.is_complete(code, year):
            sectors = world.sector_t(code, year)
            gross = sum(sectors[s] for s in IN_TOTAL)
            series[year] = gross + sectors.get("lulucf", 0.0) if net else gross
    return series


def expected_status_row(world: World, plan, report_year: int) -> dict[str, float | None]:
    net = plan.basis.strip().lower() == "netto"
    series = basis_series(world, plan.code, net)
    known = {y: v for y, v in series.items() if y <= report_year}
    latest_year = max(known) if known else None
    latest_t = known.get(latest_year) if latest_year else None
    b, T, Z, p = plan.baseline_year, plan.target_year, plan.net_zero_year, plan.reduction_pct
    baseline_t = plan.baseline_t
    if baseline_t is None and b is not None and b <= report_year:
        baseline_t = series.get(b)
    target_t = baseline_t * (1 - p / 100) if baseline_t is not None else None
    path_t = None
    if None not in (latest_year, baseline_t, b, T, target_t):
        if latest_year <= b:
            path_t = baseline_t
        elif latest_year <= T:
            path_t = baseline_t + (target_t - baseline_t) * (latest_year - b) / (T - b)
        elif latest_year >= Z:
            path_t = 0.0
        else:
            path_t = target_t * (Z - latest_year) / (Z - T)
    window = (
        {y: v for y, v in known.items() if latest_year - 4 <= y <= latest_year}
        if latest_year
        else {}
    )
    proj_lin = proj_exp = r_obs = None
    if len(window) >= 3:
        xs = np.array([y - latest_year for y in sorted(window)], dtype=float)
        ys = np.array([window[y] for y in sorted(window)])
        slope, intercept = np.polyfit(xs, ys, 1)
        proj_lin = max(0.0, intercept + slope * (T - latest_year))
        if all(v > 0 for v in ys):
            c = np.polyfit(xs, np.log(ys), 1)[0]
            r_obs = 1 - math.exp(c)
            proj_exp = latest_t * (1 - r_obs) ** (T - latest_year)
    proj_long = None
    if baseline_t is not None and latest_year is not None and latest_year != b:
        proj_long = max(0.0, baseline_t + (latest_t - baseline_t) * (T - b) / (latest_year - b))
    r_req = None
    defined = latest_year is not None and target_t is not None and latest_year < T
    if defined and target_t > 0 and latest_t > 0:
        r_req = 1 - (target_t / latest_t) ** (1 / (T - latest_year))
    return {
        "latest_year": latest_year,
        "latest_t": latest_t,
        "baseline_t": baseline_t,
        "target_t": target_t,
        "path_t": path_t,
        "gap_t": latest_t - path_t if path_t is not None and latest_t is not None else None,
        "reduction_pct": 100 * (1 - latest_t / baseline_t)
        if latest_t is not None and baseline_t
        else None,
        "window_points": len(window),
        "proj_lin_t": proj_lin,
        "proj_exp_t": proj_exp,
        "r_obs": r_obs,
        "proj_long_t": proj_long,
        "r_req": r_req,
    }


def status_from_own_columns(row: dict) -> str:
    """metrics.md's Status table, applied to the row's own stored values."""
    if (
        row["latest_year"] is None
        or row["baseline_t"] is None
        or row["latest_year"] < row["baseline_year"]
        or row["target_t"] is None
        or row["path_t"] is None
        or row["window_points"] < 3
    ):
        return "insufficient_data"
    projected = row["proj_exp_t"] if row["proj_exp_t"] is not None else row["proj_lin_t"]
    if row["latest_t"] <= row["path_t"] and projected <= row["target_t"]:
        return "on_track"
    if row["latest_t"] > row["path_t"] and projected > row["target_t"]:
        return "off_track"
    return "at_risk"


def rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[dict]:
    cursor = con.execute(sql)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, values, strict=True)) for values in cursor.fetchall()]


# --- the invariants ------------------------------------------------------------------------


def assert_emissions(con: duckdb.DuckDBPyConnection, world: World) -> None:
    stored = {
        (r["municipality_code"], r["year"], r["sector"]): r["emissions_t"]
        for r in rows(con, "select * from mart.emissions")
    }
    expected = {
        (code, year, sector): value
        for code in world.codes
        for year in world.years
        for sector, value in world.sector_t(code, year).items()
    }
    assert stored.keys() == expected.keys()  # no invented rows (rule 1)
    for key, value in expected.items():
        assert close(stored[key], value), (key, stored[key], value)


def assert_municipality_years(con: duckdb.DuckDBPyConnection, world: World) -> None:
    for r in rows(con, "select * from mart.municipality_year"):
        code, year = r["municipality_code"], r["year"]
        sectors = world.sector_t(code, year)
        complete = world.is_complete(code, year)
        assert r["is_complete"] == complete, (code, year)
        gross = sum(sectors[s] for s in IN_TOTAL) if complete else None
        assert close(r["gross_t"], gross), (code, year)  # gross = the five sectors
        assert close(r["lulucf_t"], sectors.get("lulucf", 0.0)), (code, year)
        assert close(r["net_t"], gross + sectors.get("lulucf", 0.0) if complete else None)
        population = world.population[(code, year)]
        assert r["population"] == population
        per_capita = gross / population if complete and population else None
        assert close(r["per_capita_t"], per_capita), (code, year)


def assert_aggregates(con: duckdb.DuckDBPyConnection, world: World) -> None:
    scopes = {"000": list(MUNICIPALITIES)}
    for code, (_name, region) in MUNICIPALITIES.items():
        scopes.setdefault(region, []).append(code)
    stored = {
        (r["region_code"], r["year"]): r for r in rows(con, "select * from mart.region_year")
    } | {("000", r["year"]): r for r in rows(con, "select * from mart.national_year")}
    for scope, codes in scopes.items():
        for year in world.years:
            r = stored[(scope, year)]
            missing = [c for c in codes if c not in world.codes or not world.is_complete(c, year)]
            assert r["municipalities_missing"] == len(missing), (scope, year)
            gross = None
            if not missing:
                gross = sum(sum(world.sector_t(c, year)[s] for s in IN_TOTAL) for c in codes)
            assert close(r["gross_t"], gross), (scope, year)  # NULL iff one is missing
            populations = [world.population.get((c, year)) for c in codes]
            population = None if None in populations else sum(populations)
            assert r["population"] == population, (scope, year)


def assert_statuses(con: duckdb.DuckDBPyConnection, world: World) -> None:
    stored = {
        r["municipality_code"]: r
        for r in rows(
            con,
            f"select * from mart.municipality_status where report_year = {world.report_year}",
        )
    }
    assert stored.keys() == {p.code for p in world.plans}  # one row per member (rule 12)
    for plan in world.plans:
        row = stored[plan.code]
        assert row["status"] == status_from_own_columns(row), plan.code
        for column, value in expected_status_row(world, plan, world.report_year).items():
            assert close(row[column], value), (plan.code, column, row[column], value)


def assert_actions(con: duckdb.DuckDBPyConnection, world: World) -> None:
    stored = {
        r["municipality_code"]: r
        for r in rows(
            con,
            "select municipality_code, implementation_pct, plan_coverage_pct, latest_t, "
            f"target_t from mart.municipality_status where report_year = {world.report_year}",
        )
    }
    for plan in world.plans:
        own = [a for a in world.actions if a.code == plan.code]
        statuses = [ACTION_STATUS[a.status] for a in own]
        remaining = len(statuses) - statuses.count("cancelled")
        started = statuses.count("in_progress") + statuses.count("completed")
        implementation = 100 * started / remaining if remaining else None
        r = stored[plan.code]
        assert close(r["implementation_pct"], implementation), plan.code
        expected = sum(a.expected_t or 0.0 for a in own if ACTION_STATUS[a.status] != "cancelled")
        coverage = None
        if r["latest_t"] is not None and r["target_t"] is not None:
            remaining_t = r["latest_t"] - r["target_t"]
            coverage = 100 * expected / remaining_t if remaining_t > 0 else None
        assert close(r["plan_coverage_pct"], coverage), plan.code


def assert_findings(con: duckdb.DuckDBPyConnection, expected: list[ExpectedFinding]) -> None:
    found = {
        ExpectedFinding(r["source_file"], r["row_number"], r["column_name"], r["rule"])
        for r in rows(con, "select * from mart.data_quality")
    }
    missing = [f for f in expected if f not in found]
    assert not missing, f"not in mart.data_quality: {missing}"
    severities = {r[0] for r in con.execute("select severity from mart.data_quality").fetchall()}
    assert severities <= {"warning"}


# --- the properties ---------------------------------------------------------------------


@given(world=worlds(), style=styles())
def test_any_conforming_folder_builds_and_follows_the_method(
    tmp_path_factory: pytest.TempPathFactory, world: World, style
) -> None:
    out = fresh(tmp_path_factory)
    expected = write_folder(out / "raw", world, style)
    with build(out / "raw", out) as con:
        assert_findings(con, expected)
        assert_emissions(con, world)
        assert_municipality_years(con, world)
        assert_aggregates(con, world)
        assert_statuses(con, world)
        assert_actions(con, world)
    shutil.rmtree(out)


@given(world=worlds(all_municipalities=False), style=styles(with_error=True))
def test_a_folder_with_an_error_is_rejected_naming_file_row_and_column(
    tmp_path_factory: pytest.TempPathFactory, world: World, style
) -> None:
    out = fresh(tmp_path_factory)
    error, *_ = write_folder(out / "raw", world, style)
    with pytest.raises(InputError) as raised:
        build(out / "raw", out)
    found = {
        ExpectedFinding(f.source_file, f.row_number, f.column_name, f.rule)
        for f in raised.value.findings
    }
    assert error in found
    shutil.rmtree(out)


every_warning = styles().map(lambda s: replace(s, faults=list(WARNING_FAULTS)))


# A real run takes seconds, not a fraction: one folder in the ci profile, ten in long.
@settings(max_examples=1 if settings().max_examples <= 8 else 10)
@given(
    world=worlds(all_municipalities=False),
    style=every_warning,
    error=st.sampled_from(("unknown_municipality", "unit_mismatch", "baseline_after_target")),
)
def test_a_real_run_publishes_with_every_warning_and_a_bad_folder_changes_nothing(
    tmp_path_factory: pytest.TempPathFactory, world: World, style, error: str
) -> None:
    """Through Dagster with the report: a folder with every accept-with-warning fault
    publishes, its report's appendix counts each; the same folder with one error fails,
    and the published warehouse and report stay byte-identical."""
    out = fresh(tmp_path_factory)
    expected = write_folder(out / "raw", world, style)
    year = str(world.report_year)
    run = materialize(out / "raw", out, report_year=year, languages=["da"])
    assert run.result.success
    with duckdb.connect(str(run.warehouse), read_only=True) as con:
        assert_findings(con, expected)
    report = run.reports / year / f"statusrapport-{year}.md"
    appendix = report.read_text(encoding="utf-8").split('<a id="data_quality"></a>')[-1]
    for finding in expected:
        assert finding.rule.replace("_", "\\_") in appendix, finding.rule
    published, report_digest = file_digest(run.warehouse), file_digest(report)

    bad = fresh(tmp_path_factory) / "raw"
    failing = write_folder(bad, world, replace(style, error=error))
    assert failing[0].rule in {error, "unknown_label"}
    failed = materialize(bad, out, report_year=year, languages=["da"])
    assert not failed.result.success
    message = failure_message(failed.result)
    where = failing[0]
    assert where.source_file in message and f"row {where.row_number}" in message, message
    assert f"column '{where.column_name}'" in message, message
    assert file_digest(run.warehouse) == published
    assert file_digest(report) == report_digest
