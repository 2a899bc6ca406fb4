"""Real `klima run` processes, killed with SIGKILL at several points, and an analyst's
session reading the warehouse throughout a full run.

A run killed at any step leaves the published warehouse and the reports as they were;
the next run removes what the killed one left and succeeds, while an open read-only
session keeps reading its version and never blocks the run.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import duckdb
import pytest
from conftest import materialize

from klima_pipeline.config import PAUSE_ENV
from klima_pipeline.resources.warehouse import BUILD_DIR_NAME, WRITER_LOCK_NAME, previous_path

KLIMA = Path(sys.executable).parent / "klima"
INVENTORY = "klimaregnskab/klimaregnskab_2018-2022.csv"
REVISED = ("101", 2019, "Energi", "energy")  # municipality, year, source sector, sector
VALUE_SQL = (
    "select emissions_t from mart.emissions where municipality_code = ? and year = ? and sector = ?"
)


@dataclass(frozen=True)
class Site:
    """One installation: raw exports, warehouse, reports and Dagster instance."""

    root: Path
    raw: Path

    @property
    def warehouse(self) -> Path:
        return self.root / "warehouse" / "klima.duckdb"

    @property
    def reports(self) -> Path:
        return self.root / "reports"

    def env(self, **extra: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k != PAUSE_ENV}
        env |= {
            "KLIMA_RAW_DIR": str(self.raw),
            "KLIMA_WAREHOUSE": str(self.warehouse),
            "KLIMA_REPORTS_DIR": str(self.reports),
            "DAGSTER_HOME": str(self.root / "dagster"),
        }
        return env | extra

    def start_run(self, **extra_env: str) -> subprocess.Popen:
        return subprocess.Popen(
            [str(KLIMA), "run", "--year", "2024", "--lang", "da"],
            env=self.env(**extra_env),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )


def digests(folder: Path) -> dict[str, str]:
    """Every file a reader can see (temporary files are hidden, their names start with .)."""
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(folder).parts)
    }


def mart_tables(warehouse: Path) -> dict[str, list[tuple]]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        names = [
            name
            for (name,) in con.execute(
                "select table_name from duckdb_tables() where schema_name = 'mart' order by 1"
            ).fetchall()
        ]
        return {name: con.execute(f"from mart.{name} order by all").fetchall() for name in names}


@pytest.fixture(scope="module")
def baseline(tmp_path_factory: pytest.TempPathFactory) -> Site:
    """A small raw folder, published once with its report (in-process, to save time)."""
    root = tmp_path_factory.mktemp("site")
    raw = root / "raw"
    subprocess.run(
        [str(KLIMA), "sample-data", "--out", str(raw), "--municipalities", "5"],
        check=True,
        capture_output=True,
    )
    site = Site(root / "baseline", raw)
    run = materialize(raw, site.root, report_year="2024", languages=["da"])
    assert run.result.success
    assert run.warehouse == site.warehouse and (site.reports / "2024").is_dir()
    return site


def copy_site(site: Site, name: str) -> Site:
    copy = Site(site.root.parent / name, site.raw)
    shutil.copytree(site.root, copy.root)
    return copy


@dataclass(frozen=True)
class KillPoint:
    name: str
    marker: str  # kill when a line on stderr contains it
    pause_at: str | None = None  # KLIMA_PAUSE_AT for the run


KILL_POINTS = [
    KillPoint("staging", "staging/inventory"),
    KillPoint("sql-layers", "core/emissions"),
    KillPoint("publish-linked", "paused at publish-linked", pause_at="publish-linked"),
    # Every language written into the year's folder built aside, not yet swapped in (a
    # second after the warehouse step, the report was sometimes done already).
    KillPoint("report", "paused at report-built", pause_at="report-built"),
]


def kill_at(site: Site, point: KillPoint) -> tuple[int, list[str]]:
    extra = {PAUSE_ENV: point.pause_at} if point.pause_at else {}
    process = site.start_run(**extra)
    seen: list[str] = []
    try:
        for line in process.stderr:
            seen.append(line.rstrip())
            if point.marker in line:
                process.send_signal(signal.SIGKILL)
                break
        return process.wait(timeout=120), seen
    finally:
        process.kill()
        process.stderr.close()


@pytest.fixture(scope="module")
def killed(baseline: Site) -> dict[str, tuple[Site, int, list[str]]]:
    """One copy of the baseline per kill point, each with a run killed there (in parallel)."""
    sites = {point.name: copy_site(baseline, point.name) for point in KILL_POINTS}
    with ThreadPoolExecutor(max_workers=len(KILL_POINTS)) as pool:
        results = {
            point.name: pool.submit(kill_at, sites[point.name], point) for point in KILL_POINTS
        }
        return {name: (sites[name], *future.result()) for name, future in results.items()}


@pytest.mark.parametrize("point", [p.name for p in KILL_POINTS])
def test_a_run_killed_leaves_the_published_warehouse_and_reports_as_they_were(
    baseline: Site, killed: dict, point: str
) -> None:
    site, returncode, stderr = killed[point]
    assert returncode == -signal.SIGKILL, f"the run was not killed at {point}: {stderr}"
    assert digests(site.reports) == digests(baseline.reports), "reports changed"
    if point == "report":
        # The warehouse step had finished: the new version is published, complete.
        assert mart_tables(site.warehouse).keys() == mart_tables(baseline.warehouse).keys()
        return
    assert site.warehouse.read_bytes() == baseline.warehouse.read_bytes()
    assert not previous_path(site.warehouse).exists(), "the previous generation is untouched"
    assert mart_tables(site.warehouse) == mart_tables(baseline.warehouse)
    left = [p.name for p in (site.warehouse.parent / BUILD_DIR_NAME).iterdir()]
    left += [p.name for p in site.warehouse.parent.glob("*.tmp")]
    assert left, "a run killed mid-build leaves its working file behind"


def runs_by_status(site: Site) -> dict[str, int]:
    with dg.DagsterInstance.from_config(str(site.root / "dagster")) as instance:
        statuses = [record.dagster_run.status.value for record in instance.get_run_records()]
    return {status: statuses.count(status) for status in set(statuses)}


# An analyst's session: one read-only connection, the same query in a loop, each answer
# logged with its time, until the stop file appears.
READER = textwrap.dedent(
    """
    import json, os, sys, time
    import duckdb
    warehouse, out, stop, sql, code, year, sector = sys.argv[1:]
    con = duckdb.connect(warehouse, read_only=True)
    with open(out, "w") as log:
        while not os.path.exists(stop):
            [(value,)] = con.execute(sql, [code, int(year), sector]).fetchall()
            log.write(json.dumps([time.time(), value]) + "\\n")
            log.flush()
            time.sleep(0.05)
    """
)


def test_the_next_run_cleans_up_and_succeeds_while_an_analyst_reads_the_old_version(
    killed: dict, tmp_path: Path
) -> None:
    site = killed["sql-layers"][0]
    code, year, source_sector, sector = REVISED
    with duckdb.connect(str(site.warehouse), read_only=True) as con:
        [(old,)] = con.execute(VALUE_SQL, [code, year, sector]).fetchall()
    # A revised inventory: the next version of the warehouse differs from the open one.
    revised_raw = tmp_path / "raw"
    shutil.copytree(site.raw, revised_raw)
    inventory = revised_raw / INVENTORY
    text = inventory.read_text(encoding="utf-8")
    line = next(
        li
        for li in text.splitlines()
        if li.startswith(f"{code};") and f";{year};{source_sector};Samlet CO2" in li
    )
    revised_line = f"{line.rsplit(';', 1)[0]};{old + 1000:.1f}"
    inventory.write_text(text.replace(line, revised_line), encoding="utf-8")
    site = Site(site.root, revised_raw)
    # The killed run is still recorded as in progress: nothing has told Dagster it died.
    assert runs_by_status(site).get("STARTED") == 1

    readings, stop = tmp_path / "readings.jsonl", tmp_path / "stop"
    reader = subprocess.Popen(
        [
            sys.executable,
            "-c",
            READER,
            str(site.warehouse),
            str(readings),
            str(stop),
            VALUE_SQL,
            code,
            str(year),
            sector,
        ]
    )
    try:
        while not readings.exists() or not readings.read_text():
            assert reader.poll() is None, "the reader could not open the warehouse"
            time.sleep(0.05)
        started = time.time()
        run = site.start_run()
        _, stderr = run.communicate(timeout=300)
        finished = time.time()
        stop.touch()
        assert reader.wait(timeout=30) == 0, "the reader failed during the run"
    finally:
        reader.kill()
    assert run.returncode == 0, stderr

    seen = [json.loads(line) for line in readings.read_text().splitlines()]
    during = [value for at, value in seen if started <= at <= finished]
    assert len(during) > 10, "the reader queried throughout the run"
    assert {value for _, value in seen} == {old}, "the open session kept its version"

    with duckdb.connect(str(site.warehouse), read_only=True) as con:
        [(new,)] = con.execute(VALUE_SQL, [code, year, sector]).fetchall()
        revisions = con.execute(
            "select municipality_code, year, old_t, new_t from mart.revisions"
        ).fetchall()
    assert new == pytest.approx(old + 1000), "a new session sees the new version"
    assert revisions == [(code, year, old, pytest.approx(old + 1000))]
    assert [p.name for p in (site.warehouse.parent / BUILD_DIR_NAME).iterdir()] == [
        WRITER_LOCK_NAME
    ]
    assert not list(site.warehouse.parent.glob("*.tmp"))
    # The next run found the killed one's process gone and ended it in the instance.
    assert "STARTED" not in runs_by_status(site)
    assert runs_by_status(site).get("FAILURE") == 1
    assert previous_path(site.warehouse).exists(), "the version it replaced is kept"
