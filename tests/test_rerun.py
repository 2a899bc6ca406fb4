"""Re-running `klima run`: an up-to-date warehouse is not rebuilt, unchanged charts are kept."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from conftest import EMBEDDED_RAW

from klima_pipeline.assets.made_from import file_identity

REPORT_ONLY = "only the report is built"
# Progress lines name the assets built: "[2/48] staging/inventory      done   0.53 s"
INGEST_LINE = "] staging/inventory "
REPORT_LINE = "] report/status_report "


def klima_run(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [sys.executable, "-m", "klima_pipeline.cli", "run", "--lang", "da"],
        env=os.environ | env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done


def test_a_rerun_after_editing_commentary_rebuilds_only_the_report(tmp_path: Path) -> None:
    warehouse = tmp_path / "wh" / "klima.duckdb"
    reports = tmp_path / "reports"
    env = {
        "KLIMA_RAW_DIR": str(EMBEDDED_RAW),
        "KLIMA_WAREHOUSE": str(warehouse),
        "KLIMA_REPORTS_DIR": str(reports),
        "DAGSTER_HOME": str(tmp_path / "dagster"),
    }
    first = klima_run(env)
    assert REPORT_ONLY not in first.stderr and INGEST_LINE in first.stderr
    published = file_identity(warehouse)
    chart = reports / "2024" / "charts" / "trend-da.svg"
    chart_bytes, chart_mtime = chart.read_bytes(), chart.stat().st_mtime_ns
    sheets_pdf = reports / "2024" / "kommuner" / "faktaark-2024.pdf"
    sheets_mtime = sheets_pdf.stat().st_mtime_ns
    markdown = reports / "2024" / "statusrapport-2024.md"
    assert "Kommentar til testen" not in markdown.read_text("utf-8")

    commentary = reports / "commentary" / "2024" / "da" / "summary.md"
    commentary.parent.mkdir(parents=True)
    commentary.write_text("Kommentar til testen.\n", encoding="utf-8")
    again = klima_run(env)

    assert REPORT_ONLY in again.stderr
    assert INGEST_LINE not in again.stderr and REPORT_LINE in again.stderr
    assert file_identity(warehouse) == published, "the warehouse was rebuilt"
    assert "Kommentar til testen." in markdown.read_text("utf-8")
    # The chart is drawn from the same data, so the previous build's file is kept, not
    # redrawn; no fact sheet shows commentary, so their PDF is kept too.
    assert chart.read_bytes() == chart_bytes and chart.stat().st_mtime_ns == chart_mtime
    assert sheets_pdf.stat().st_mtime_ns == sheets_mtime

    # Other inputs of the warehouse (here: a carbon budget) make it build whole again.
    budget = {
        "KLIMA_CARBON_BUDGET_T": "500000000",
        "KLIMA_CARBON_BUDGET_START_YEAR": "2020",
    }
    rebuilt = klima_run(env | budget)
    assert REPORT_ONLY not in rebuilt.stderr and INGEST_LINE in rebuilt.stderr
    assert file_identity(warehouse) != published
