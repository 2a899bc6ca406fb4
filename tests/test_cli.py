"""The `klima` command as a user runs it: a real process, real files, a real Dagster instance."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import dagster as dg
import duckdb
from conftest import EMBEDDED_RAW, materialize

KLIMA = [sys.executable, "-m", "klima_pipeline.cli"]


def klima(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*KLIMA, *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=600,
    )


def test_help_explains_every_command() -> None:
    out = klima("--help")
    assert out.returncode == 0
    for command in ("run", "validate", "sample-data", "serve", "rollback"):
        assert command in out.stdout
    run_help = klima("run", "--help").stdout
    for option in ("--year", "--lang", "--raw", "--warehouse", "--reports"):
        assert option in run_help


def test_run_builds_warehouse_and_report_through_dagster(tmp_path: Path) -> None:
    home = tmp_path / "dagster"
    env = {
        "KLIMA_RAW_DIR": str(EMBEDDED_RAW),
        "KLIMA_WAREHOUSE": str(tmp_path / "wh" / "klima.duckdb"),
        "KLIMA_REPORTS_DIR": str(tmp_path / "reports"),
        "DAGSTER_HOME": str(home),
    }
    out = klima("run", "--lang", "da", env=env)
    assert out.returncode == 0, out.stderr
    # Progress per asset, then the report files and the website's entry page.
    assert "staging/inventory" in out.stderr and "done" in out.stderr
    printed = [Path(line) for line in out.stdout.splitlines()]
    assert {p.name for p in printed} == {
        "statusrapport-2024.md",
        "statusrapport-2024.pdf",
        "index.html",
    }
    assert Path(env["KLIMA_REPORTS_DIR"]) / "2024" / "site" / "index.html" in printed
    assert all(p.exists() for p in printed)
    with duckdb.connect(env["KLIMA_WAREHOUSE"], read_only=True) as con:
        [(members,)] = con.execute(
            "select count(*) from mart.municipality_status where report_year = 2024"
        ).fetchall()
    assert members == 95
    # The run is in the Dagster instance, so it shows in the UI.
    os.environ["DAGSTER_HOME"] = str(home)
    try:
        with dg.DagsterInstance.get() as instance:
            runs = instance.get_runs()
            assert [r.job_name for r in runs] == ["status_report_job"]
            assert runs[0].status == dg.DagsterRunStatus.SUCCESS
            assert runs[0].tags.get("dagster/partition") == "2024"
    finally:
        del os.environ["DAGSTER_HOME"]


def test_run_with_bad_input_exits_non_zero_naming_file_row_and_column(
    raw_copy, tmp_path: Path
) -> None:
    raw = raw_copy()
    plans = raw / "plans" / "plans.csv"
    lines = plans.read_text(encoding="utf-8-sig").splitlines()
    lines[3] = lines[3].replace(";2030;", ";2O30;", 1)
    plans.write_text("\n".join(lines) + "\n", encoding="utf-8")
    env = {
        "KLIMA_WAREHOUSE": str(tmp_path / "wh" / "klima.duckdb"),
        "KLIMA_REPORTS_DIR": str(tmp_path / "reports"),
        "DAGSTER_HOME": str(tmp_path / "dagster"),
    }
    out = klima("run", "--raw", str(raw), "--year", "2024", env=env)
    assert out.returncode != 0
    assert "plans/plans.csv" in out.stderr and "row 4" in out.stderr and "Målår" in out.stderr
    assert not (tmp_path / "wh" / "klima.duckdb").exists()
    assert not list((tmp_path / "reports").glob("*/*.pdf"))

    validate = klima("validate", "--raw", str(raw))
    assert validate.returncode == 1
    assert "plans/plans.csv" in validate.stdout and "row 4" in validate.stdout


def test_validate_accepts_the_embedded_data() -> None:
    out = klima("validate", "--raw", str(EMBEDDED_RAW))
    assert out.returncode == 0, out.stdout
    assert "0 error(s)" in out.stdout


def test_sample_data_with_5000_municipalities_loads(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    out = klima("sample-data", "--out", str(raw), "--municipalities", "5000", "--seed", "3")
    assert out.returncode == 0, out.stderr
    run = materialize(raw, tmp_path / "out")
    assert run.result.success
    [(municipalities, synthetic, complete_years)] = run.query(
        """
        select count(*), count(*) filter (where is_synthetic),
               (select count(*) from mart.municipality_year where is_complete)
        from mart.municipality
        """
    )
    assert municipalities == 5000 and synthetic == 5000 - 98
    assert complete_years == 5000 * 6


def test_serve_without_a_website_says_what_to_run(tmp_path: Path) -> None:
    (tmp_path / "reports" / "2024").mkdir(parents=True)
    out = klima("serve", "--reports", str(tmp_path / "reports"), "--port", "0")
    assert out.returncode == 1
    assert "no report year with a website" in out.stderr and "klima run" in out.stderr
    out = klima("serve", "--reports", str(tmp_path / "reports"), "--year", "2024")
    assert out.returncode == 1 and "klima run --year 2024" in out.stderr


def test_imports_are_frozen_only_in_the_commands_own_process() -> None:
    # In a fresh interpreter: freezing this one would keep the suite's garbage forever.
    script = """
import gc, sys
from klima_pipeline.collector import frozen_after_imports
with frozen_after_imports(own_process=False):
    import json
print(gc.isenabled(), gc.get_freeze_count())
with frozen_after_imports(own_process=True):
    assert not gc.isenabled()
    import dagster
print(gc.isenabled(), gc.get_freeze_count() > 100_000)
"""
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    # Not the command's own process: the collector untouched, nothing frozen. Its own:
    # Dagster's objects frozen, and the collector on again for what the run makes.
    assert out.stdout.split() == ["True", "0", "True", "True"]
    assert "leaked" not in out.stderr  # frozen objects are unfrozen at exit
