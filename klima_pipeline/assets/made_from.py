"""What a warehouse is built from, as one Dagster data version.

The published warehouse is a function of the raw exports (their SHA-256, as the source
assets observe them), the code and SQL that build it, the configured carbon budget and
DuckDB's version. The `warehouse` asset records this version as its data version when a
run builds the whole warehouse. `klima run` computes it again before it starts: when it
equals the published warehouse's and the file is the one that run published, only the
report is out of date (new commentary, a report template), so it runs `report_only_job`
instead of rebuilding tables that would come out the same (docs/performance.md).
"""

from __future__ import annotations

import hashlib
import os
from importlib import metadata
from pathlib import Path

from klima_pipeline.config import PACKAGE_DIR, SQL_DIR

# The warehouse's code: everything in the package but the report, which reads the
# warehouse and is rebuilt on every run anyway, and the sample-data generator.
_NOT_WAREHOUSE_CODE = ("report", "sample_data")
_CONFIG = ("KLIMA_CARBON_BUDGET_T", "KLIMA_CARBON_BUDGET_START_YEAR", "KLIMA_CARBON_BUDGET_SOURCE")
FILE_TAG = "published file"  # metadata: size and modification time of the published file


def _code_files() -> list[Path]:
    package = [
        p
        for p in PACKAGE_DIR.rglob("*")
        if p.is_file()
        and p.suffix != ".pyc"
        and p.relative_to(PACKAGE_DIR).parts[0] not in _NOT_WAREHOUSE_CODE
    ]
    return sorted(package) + sorted(SQL_DIR.rglob("*.sql"))


def warehouse_version(export_hashes: dict[str, str]) -> str:
    """The data version of a warehouse built now from exports with these hashes."""
    digest = hashlib.sha256(f"duckdb {metadata.version('duckdb')}\n".encode())
    for name in _CONFIG:
        digest.update(f"{name}={os.environ.get(name, '')}\n".encode())
    for path, sha in sorted(export_hashes.items()):
        digest.update(f"raw/{path}\0{sha}\n".encode())
    for path in _code_files():
        code = hashlib.sha256(path.read_bytes()).hexdigest()
        digest.update(f"{path.relative_to(PACKAGE_DIR.parent).as_posix()}\0{code}\n".encode())
    return digest.hexdigest()


# Run id → the version of the build that run started (in-process executor: one process
# per run). Computed when the build starts, so an export changed during the run does not
# count as built.
_started: dict[str, str] = {}


def build_started(run_id: str, raw_dir: Path) -> None:
    from klima_pipeline.assets.sources import export_hashes, taken_hashes

    # The hashes the run's observation of the raw folder took, when it observed them.
    hashes = taken_hashes(run_id, keep=False) or export_hashes(raw_dir)
    _started[run_id] = warehouse_version(hashes)


def version_of_run(run_id: str) -> str | None:
    """The version of the build this run started in this process, if it did."""
    return _started.get(run_id)


def file_identity(path: Path) -> str:
    """Size and modification time: changes when the file is replaced (a rollback, a copy)."""
    stat = path.stat()
    return f"{stat.st_size} bytes, modified {stat.st_mtime_ns} ns"
