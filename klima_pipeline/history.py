"""The history of the raw files, carried from one warehouse version to the next.

Every run rebuilds the warehouse whole from the raw folder, but the raw folder only
holds the files of today: a revised inventory replaces last year's file. So that every
version of a raw file stays known by its hash, a new build starts by copying the history
tables of the published warehouse (`core.file_version`, `core.inventory_vintage`,
`mart.status_history`) into `ref.published_*`; `sql/core/history.sql` then adds the
versions this run loads for the first time, and `sql/mart/revisions.sql` compares the
versions. `sql/metrics/status_history.sql` likewise adds the statuses this run computes
where they differ from what was published, so `mart.status_change` can tell what last
year's report said.

The published file is attached read-only only for the copy and detached straight after,
so the run never holds it open (an analyst's read-only session and this one coexist).
"""

from __future__ import annotations

from pathlib import Path

import duckdb

# Carried table in the published warehouse → where the new build keeps the copy, and
# its columns (the copy starts empty, with these columns, when there is nothing to carry).
CARRIED = {
    "core.file_version": (
        "ref.published_file_version",
        "sha256 varchar, source varchar, source_file varchar, size_bytes bigint, "
        "first_loaded_at timestamp",
    ),
    "core.inventory_vintage": (
        "ref.published_inventory_vintage",
        "sha256 varchar, source_file varchar, first_loaded_at timestamp, "
        "municipality_code varchar, year integer, source_sector varchar, sector varchar, "
        "value double",
    ),
    # What each report said about each member (sql/metrics/status_history.sql), so a
    # revision shows as the status change it caused (mart.status_change).
    "mart.status_history": (
        "ref.published_status_history",
        "report_year integer, municipality_code varchar, status varchar, "
        "latest_year integer, latest_t double, baseline_year integer, baseline_t double, "
        "baseline_source varchar, target_year integer, target_reduction_pct double, "
        "target_t double, net_zero_year integer, target_basis varchar, "
        "loaded_at timestamp",
    ),
}
_ALIAS = "klima_published"


def carry_forward(con: duckdb.DuckDBPyConnection, published: Path) -> None:
    """Copy the published warehouse's history into `ref.published_*` of the build on `con`."""
    con.execute("create schema if not exists ref")
    for target, columns in CARRIED.values():
        con.execute(f"create or replace table {target} ({columns})")
    if not published.exists():
        return
    con.execute(f"attach ? as {_ALIAS} (read_only)", [str(published)])
    try:
        present = {
            f"{schema}.{table}"
            for schema, table in con.execute(
                "select schema_name, table_name from duckdb_tables() where database_name = ?",
                [_ALIAS],
            ).fetchall()
        }
        for source, (target, columns) in CARRIED.items():
            # A warehouse written before the history existed has nothing to carry.
            if source in present:
                names = ", ".join(column.split()[0] for column in columns.split(", "))
                con.execute(f"insert into {target} select {names} from {_ALIAS}.{source}")
    finally:
        con.execute(f"detach {_ALIAS}")
