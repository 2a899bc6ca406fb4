"""Where things live. One place reads the environment, so the CLI, the UI and the
schedules all see the same configuration (interface.md, Configuration)."""

from __future__ import annotations

import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
PACKAGE_DIR = Path(__file__).resolve().parent
REFERENCE_DIR = PACKAGE_DIR / "reference"
SQL_DIR = PROJECT_ROOT / "sql"

DEFAULTS = {
    "KLIMA_RAW_DIR": "data/raw",
    "KLIMA_WAREHOUSE": "data/warehouse/klima.duckdb",
    "KLIMA_REPORTS_DIR": "reports",
    "DAGSTER_HOME": ".dagster",
}


def resolve(value: str | os.PathLike[str]) -> Path:
    """A configured path; relative paths are relative to the project root."""
    path = Path(value).expanduser()
    return path if path.is_absolute() else PROJECT_ROOT / path


def setting(name: str) -> Path:
    return resolve(os.environ.get(name) or DEFAULTS[name])


@dataclass(frozen=True)
class Paths:
    raw_dir: Path
    warehouse: Path
    reports_dir: Path

    @classmethod
    def from_env(cls) -> Paths:
        return cls(
            raw_dir=setting("KLIMA_RAW_DIR"),
            warehouse=setting("KLIMA_WAREHOUSE"),
            reports_dir=setting("KLIMA_REPORTS_DIR"),
        )


@dataclass(frozen=True)
class CarbonBudget:
    """A national remaining carbon budget (metrics.md, Carbon budget); none by default."""

    budget_t: float
    start_year: int
    source: str

    @classmethod
    def from_env(cls) -> CarbonBudget | None:
        """KLIMA_CARBON_BUDGET_T, _START_YEAR and _SOURCE, or None when no budget is set."""
        amount = os.environ.get("KLIMA_CARBON_BUDGET_T", "").strip()
        if not amount:
            return None
        try:
            return cls(
                budget_t=float(amount),
                start_year=int(os.environ["KLIMA_CARBON_BUDGET_START_YEAR"]),
                source=os.environ.get("KLIMA_CARBON_BUDGET_SOURCE", "").strip() or "not stated",
            )
        except (KeyError, ValueError) as error:
            raise ValueError(
                "KLIMA_CARBON_BUDGET_T needs a number and KLIMA_CARBON_BUDGET_START_YEAR a year"
            ) from error


# `KLIMA_PAUSE_AT=<point>` makes a run stop at a named point until it is killed: the crash
# tests (tests/test_publish_safety.py) kill a run exactly there. Unset, it costs one
# environment lookup at each point.
PAUSE_ENV = "KLIMA_PAUSE_AT"
PAUSE_POINTS = (
    # Publishing (resources/warehouse.py): the old version's second name made and the new
    # file on disk, before any rename.
    "publish-linked",
    # The report (report/build.py): every language written into the year's folder built
    # aside, before it is swapped in.
    "report-built",
)


def pause_point(name: str) -> None:
    """Stop here until killed when KLIMA_PAUSE_AT names this point (a test hook)."""
    if os.environ.get(PAUSE_ENV) == name:
        print(f"{PAUSE_ENV}: paused at {name}", file=sys.stderr, flush=True)
        while True:
            time.sleep(60)
