"""The metrics layer: the method of metrics.md as SQL files in `sql/metrics/`.

Each file builds one `mart` table from `core.*` and `ref.*` tables (and the earlier
metrics tables it names), so the list below is in dependency order. The last two files
also read `mart.national_year` and `mart.revisions`, which must exist first.
"""

from __future__ import annotations

import duckdb

from klima_pipeline.sql import run_sql

METRIC_SQL: list[str] = [
    "metrics/municipality_status",
    "metrics/actions",
    "metrics/implementation_effect",
    "metrics/status_summary",
    "metrics/indicators",
    "metrics/indicator_summary",
    "metrics/plan_revision",
    "metrics/development_tracks",
    "metrics/track_participation",
    "metrics/track_coverage",
    "metrics/carbon_budget",
    "metrics/peer_group",
    "metrics/status_history",
    "metrics/sector_gaps",
    # These two compare the metrics with the national sums and the inventory revisions
    # (mart.national_year, mart.revisions), so they live in sql/mart, whose layer runs
    # after the metrics layer.
    "mart/peer_comparison",
    "mart/status_change",
]


def build_metrics(con: duckdb.DuckDBPyConnection) -> None:
    """Build every metrics table, each file in its own transaction, in dependency order."""
    for name in METRIC_SQL:
        run_sql(con, name)
