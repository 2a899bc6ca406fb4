"""Runs the project's SQL files. SQL lives in `sql/<layer>/<name>.sql`, one purpose per file."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import duckdb

from klima_pipeline.config import SQL_DIR


@cache
def sql_text(name: str) -> str:
    """The text of `sql/<name>.sql`, e.g. `sql_text("core/emissions")`."""
    return (SQL_DIR / f"{name}.sql").read_text(encoding="utf-8")


def run_sql(con: duckdb.DuckDBPyConnection, name: str) -> None:
    """Run every statement of one SQL file in a single transaction."""
    con.execute("begin transaction")
    try:
        con.execute(sql_text(name))
    except Exception:
        con.execute("rollback")
        raise
    con.execute("commit")


def sql_files(layer: str) -> list[str]:
    return sorted(f"{layer}/{p.stem}" for p in (SQL_DIR / layer).glob("*.sql"))


def table_exists(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> bool:
    row = con.execute(
        "select count(*) from duckdb_tables() where schema_name = ? and table_name = ?",
        [schema, table],
    ).fetchone()
    return bool(row and row[0])


def sql_path(name: str) -> Path:
    return SQL_DIR / f"{name}.sql"
