"""Reading and validating the raw exports (formats.md) into `staging.*`.

Public API: `load_reference`, `LOADERS` (one per source), `validate_raw_dir` and
`survey_years`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from functools import partial
from pathlib import Path

import duckdb

from klima_pipeline.errors import Finding, InputError
from klima_pipeline.ingest.actions import load_actions
from klima_pipeline.ingest.framework import Load, run_loader
from klima_pipeline.ingest.inventory import load_inventory
from klima_pipeline.ingest.plans import load_plans
from klima_pipeline.ingest.reference import load_reference
from klima_pipeline.ingest.regions import load_regions
from klima_pipeline.ingest.statbank import load_statbank
from klima_pipeline.ingest.tracks import load_tracks

Loader = Callable[[duckdb.DuckDBPyConnection, Path], list[Finding]]

# source name → (folder in the raw dir, body). Required: klimaregnskab, statbank (FOLK1A),
# plans and actions; regions and tracks may be absent.
_SOURCES: dict[str, tuple[str, Callable[[Load], None]]] = {
    "klimaregnskab": ("klimaregnskab", load_inventory),
    "statbank": ("statbank", load_statbank),
    "plans": ("plans", load_plans),
    "actions": ("actions", load_actions),
    "regions": ("regions", load_regions),
    "tracks": ("tracks", load_tracks),
}


def _loader(source: str, con: duckdb.DuckDBPyConnection, raw_dir: Path) -> list[Finding]:
    folder, body = _SOURCES[source]
    return run_loader(con, Path(raw_dir), source, folder, body)


LOADERS: dict[str, Loader] = {source: partial(_loader, source) for source in _SOURCES}


def validate_raw_dir(raw_dir: Path) -> list[Finding]:
    """Every finding of every source, without touching a warehouse."""
    findings: list[Finding] = []
    con = duckdb.connect(":memory:")
    try:
        try:
            findings.extend(load_reference(con, Path(raw_dir)))
        except InputError as exc:
            findings.extend(exc.findings)
        for loader in LOADERS.values():
            try:
                findings.extend(loader(con, Path(raw_dir)))
            except InputError as exc:
                findings.extend(exc.findings + exc.warnings)
    finally:
        con.close()
    return findings


def survey_years(raw_dir: Path) -> list[int]:
    """The report years the raw folder has an action survey for (reads only the surveys)."""
    with contextlib.closing(duckdb.connect()) as con:
        load_reference(con, raw_dir)
        LOADERS["actions"](con, raw_dir)
        return [
            row[0]
            for row in con.execute(
                "select distinct report_year from staging.actions order by 1"
            ).fetchall()
        ]


__all__ = ["LOADERS", "load_reference", "survey_years", "validate_raw_dir"]
