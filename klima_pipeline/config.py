"""Where things live. One place reads the environment, so the CLI, the UI and the
schedules all see the same configuration (interface.md, Configuration)."""

from __future__ import annotations

import os
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
