"""States the spec defines reach the report: a real `klima run` on a hand-made folder.

The folder is the embedded data with an incomplete municipality-year, a `..` in the
regional export, a baseline after the latest inventory year and each fault formats.md
accepts with a warning. The run publishes, prints each finding with its file, row and
column, records each in mart.data_quality and lists each in the report's appendix, and
the numbers follow metrics.md rules 1, 2 and 10.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import pytest
from conftest import EMBEDDED_RAW
from test_cli import klima

INVENTORY = "klimaregnskab/klimaregnskab_2018-2022.csv"


def edit_lines(path: Path, edit, encoding: str = "utf-8") -> None:
    text = path.read_text(encoding="utf-8-sig")
    lines = edit(text.splitlines())
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))


def spreadsheet_row(path: Path, startswith: str) -> int:
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    return next(i for i, line in enumerate(lines, start=1) if line.startswith(startswith))


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> dict:
    out = tmp_path_factory.mktemp("spec-rules")
    raw = out / "raw"
    shutil.copytree(EMBEDDED_RAW, raw)
    # Rule 1: København 2021 without Kemiske processer is an incomplete year.
    edit_lines(
        raw / INVENTORY,
        lambda lines: (
            [
                line
                for line in lines
                if not line.startswith("101;København;2021;Kemiske processer;Samlet CO2")
            ]
            # Accept-with-warning: an unknown sector, a name that is not the code's.
            + [
                "147;Frederiksberg;2020;Rumfart;Samlet CO2-udledning;Ton CO2e;5",
                "147;Odense;2020;Energi;Samlet energiforbrug;TJ;7",
            ]
        ),
    )
    # A source total that differs from the sum of its sectors.
    answer = raw / "klimaregnskab" / "151_2023.json"
    document = json.loads(answer.read_text(encoding="utf-8"))
    total = next(
        e for e in document["data"] if e["sektor"] == "Samlet" and e["enhed"] == "Ton CO2e"
    )
    total["værdi"] += 1000
    answer.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    # A regional value not available.
    edit_lines(
        raw / "regions/regionale_indikatorer.csv",
        lambda lines: (
            [lines[0], "1081;kollektiv_trafik_passagerer;2018;..;mio. passagerer", *lines[2:]]
        ),
    )
    # Frederiksberg's baseline after the latest inventory year (2023); an unknown column
    # and a late net-zero year; the plan registry saved as cp1252 by old Excel.
    edit_lines(
        raw / "plans/plans.csv",
        lambda lines: (
            [lines[0] + ";Kommentar"]
            + [
                (
                    line.replace(
                        "147;2020-06-07;1990;434600;2030;70;2050",
                        "147;2020-06-07;2024;434600;2030;70;2055",
                    )
                )
                + ";x"
                for line in lines[1:]
            ]
        ),
        encoding="cp1252",
    )
    # StatBank area code that is neither the country, a region nor a municipality.
    with (raw / "statbank/FOLK1A.csv").open("a", encoding="utf-8") as folk:
        folk.write("970;TOT;2020K1;1000\n")
    env = {
        "KLIMA_RAW_DIR": str(raw),
        "KLIMA_WAREHOUSE": str(out / "wh" / "klima.duckdb"),
        "KLIMA_REPORTS_DIR": str(out / "reports"),
        "DAGSTER_HOME": str(out / "dagster"),
    }
    result = klima("run", "--lang", "da", "--year", "2024", env=env)
    inventory_rows = (raw / INVENTORY).read_text(encoding="utf-8").count("\n")
    return {
        "result": result,
        "raw": raw,
        "warehouse": out / "wh" / "klima.duckdb",
        "report": out / "reports" / "2024" / "statusrapport-2024.md",
        "expected": [
            (INVENTORY, inventory_rows - 1, "Sektor", "unknown_sector"),
            (INVENTORY, inventory_rows, "Kommune", "name_mismatch"),
            ("klimaregnskab/151_2023.json", 7, "Værdi", "total_differs_from_sectors"),
            (INVENTORY, None, "Sektor", "complete_sectors"),
            ("regions/regionale_indikatorer.csv", 2, "Værdi", "missing_value"),
            ("plans/plans.csv", None, None, "encoding_cp1252"),
            ("plans/plans.csv", 1, "Kommentar", "unknown_column"),
            ("plans/plans.csv", 3, "Klimaneutral år", "net_zero_after_2050"),
            (
                "statbank/FOLK1A.csv",
                spreadsheet_row(raw / "statbank/FOLK1A.csv", "970;"),
                "OMRÅDE",
                "unknown_area",
            ),
        ],
    }


def query(run: dict, sql: str) -> list[tuple]:
    with duckdb.connect(str(run["warehouse"]), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_the_run_publishes_and_prints_each_finding_with_file_row_and_column(run: dict) -> None:
    result = run["result"]
    assert result.returncode == 0, result.stderr
    assert [Path(p).name for p in result.stdout.split()] == [
        "statusrapport-2024.md",
        "statusrapport-2024.pdf",
        "index.html",  # the website's entry page
    ]  # stdout stays the report paths; the summary is on stderr
    assert "Findings: " in result.stderr
    for source_file, row, column, rule in run["expected"]:
        where = source_file + (f", row {row}" if row else "")
        where += f", column '{column}'" if column else ""
        lines = [line for line in result.stderr.splitlines() if f"[{rule}]" in line]
        assert any(where in line for line in lines), (where, rule, lines)


def test_mart_data_quality_and_the_appendix_hold_each_finding(run: dict) -> None:
    found = set(
        query(run, "select source_file, row_number, column_name, rule from mart.data_quality")
    )
    for finding in run["expected"]:
        assert finding in found
    assert {s for (s,) in query(run, "select distinct severity from mart.data_quality")} == {
        "warning"
    }
    appendix = run["report"].read_text(encoding="utf-8").split('<a id="data_quality"></a>')[-1]
    for _file, _row, _column, rule in run["expected"]:
        assert rule.replace("_", "\\_") in appendix, rule


def test_an_incomplete_year_is_empty_in_its_totals_and_counted_missing(run: dict) -> None:
    """Rule 1, and LULUCF 0 also on the incomplete row (metrics.md, Sectors)."""
    assert query(
        run,
        "select gross_t, net_t, per_capita_t, lulucf_t, is_complete from mart.municipality_year "
        "where municipality_code = '101' and year = 2021",
    ) == [(None, None, None, 0.0, False)]
    gross, missing, population = query(
        run,
        "select gross_t, municipalities_missing, population from mart.national_year "
        "where year = 2021",
    )[0]
    assert gross is None and missing == 1
    # Rule 2: the population still sums every municipality's StatBank population.
    (expected_population,) = query(
        run, "select sum(population) from core.population where year = 2021"
    )[0]
    assert population == expected_population
    status = query(
        run,
        "select window_points from mart.municipality_status "
        "where report_year = 2024 and municipality_code = '101'",
    )
    assert status == [(4,)]  # 2019–2023 without 2021


def test_a_baseline_after_the_latest_year_keeps_the_long_run_line(run: dict) -> None:
    """Rule 10: proj_long_T is undefined only for L = b; for L < b the member has no
    status (insufficient_data) but the line from (b, B) through (L, gross(L)) exists."""
    status, latest_year, latest_t, proj_long = query(
        run,
        "select status, latest_year, latest_t, proj_long_t from mart.municipality_status "
        "where report_year = 2024 and municipality_code = '147'",
    )[0]
    assert status == "insufficient_data" and latest_year == 2023
    b, baseline = 2024, 434600.0
    expected = max(0.0, baseline + (latest_t - baseline) * (2030 - b) / (latest_year - b))
    assert proj_long == pytest.approx(expected, rel=1e-12)


def test_validate_quiet_prints_only_the_count(run: dict) -> None:
    quiet = klima("validate", "--quiet", "--raw", str(run["raw"]))
    assert quiet.returncode == 0, quiet.stdout
    assert quiet.stdout.strip().splitlines() == [f"{run['raw']}: 0 error(s), 7 warning(s)"]
    loud = klima("validate", "--raw", str(run["raw"]))
    assert "Findings: 7 warnings" in loud.stdout and "[name_mismatch]" in loud.stdout
