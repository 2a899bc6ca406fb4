"""Shared fixtures: real Dagster runs of the project's assets into temporary folders."""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import duckdb
import pytest
from hypothesis import HealthCheck, Phase, settings

from klima_pipeline.assets import all_assets
from klima_pipeline.config import PROJECT_ROOT
from klima_pipeline.resources import RawExportsResource, ReportsResource, WarehouseResource

EMBEDDED_RAW = PROJECT_ROOT / "data" / "raw"
WAREHOUSE_ASSETS = [a for a in all_assets if a.partitions_def is None]


@dataclass(frozen=True)
class Run:
    result: dg.ExecuteInProcessResult
    warehouse: Path
    reports: Path

    def query(self, sql: str, params: list | None = None) -> list[tuple]:
        with duckdb.connect(str(self.warehouse), read_only=True) as con:
            return con.execute(sql, params or []).fetchall()


def materialize(
    raw: Path, out: Path, *, report_year: str | None = None, assets=None, **config
) -> Run:
    """Materialise the project's assets as a run would; the report only with a year."""
    selection = assets or (all_assets if report_year else WAREHOUSE_ASSETS)
    warehouse = out / "warehouse" / "klima.duckdb"
    reports = out / "reports"
    run_config = None
    if report_year and config:
        run_config = {"ops": {"report__status_report": {"config": config}}}
    result = dg.materialize(
        selection,
        partition_key=report_year,
        resources={
            "warehouse": WarehouseResource(path=str(warehouse)),
            "raw": RawExportsResource(path=str(raw)),
            "reports": ReportsResource(path=str(reports)),
        },
        run_config=run_config,
        raise_on_error=False,
    )
    return Run(result, warehouse, reports)


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="session")
def embedded_run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    """One full run (warehouse and the 2024 report, both languages) on the embedded data."""
    run = materialize(EMBEDDED_RAW, tmp_path_factory.mktemp("embedded"), report_year="2024")
    assert run.result.success
    return run


@pytest.fixture
def raw_copy(tmp_path: Path) -> Callable[[], Path]:
    """A private copy of the embedded raw folder that a test may break."""

    def make() -> Path:
        target = tmp_path / "raw"
        shutil.copytree(EMBEDDED_RAW, target)
        return target

    return make


# Hypothesis profiles of the conformance suite: `ci` runs a fixed set of examples (the
# same on every run, so a red CI is reproducible) and does not shrink a failing folder
# (minutes on a folder of 98 municipalities); `long` draws new ones each time and shrinks
# (KLIMA_CONFORMANCE_EXAMPLES sets how many, 300 by default).
settings.register_profile(
    "ci",
    max_examples=8,
    deadline=None,
    derandomize=True,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "long",
    max_examples=int(os.environ.get("KLIMA_CONFORMANCE_EXAMPLES", "300")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.load_profile(os.environ.get("KLIMA_CONFORMANCE_PROFILE", "ci"))
