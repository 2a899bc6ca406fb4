"""The project's SQL files: `sql/<layer>/<name>.sql`, one purpose per file.

Each file names the tables it creates (`create or replace table schema.name`) and the
tables it reads (`schema.name`), so the order to run them in, and the asset graph, are
derived from the SQL itself. `create table if not exists` declares a table that another
step fills (configuration), so it counts as read, not created.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from graphlib import TopologicalSorter
from pathlib import Path

import duckdb

from klima_pipeline.config import SQL_DIR

LAYERS = ("core", "mart", "metrics")
SCHEMAS = ("ref", "staging", "core", "mart")

_CREATED = re.compile(r"\bcreate\s+(?:or\s+replace\s+)?table\s+(\w+)\.(\w+)", re.I)
_REFERENCED = re.compile(r"\b(" + "|".join(SCHEMAS) + r")\.(\w+)\b", re.I)
# Comments and string literals (such as `comment on` texts) name tables without reading
# them. One left-to-right pass, so a quote inside a comment and `--` inside a string are
# each taken for what they are.
_NOT_CODE = re.compile(r"--[^\n]*|'(?:[^']|'')*'")
# `comment on column schema.table.column is '…'`, outside `--` comments (string literals
# are matched first, so `--` inside one is text).
_COLUMN_COMMENT = re.compile(
    r"'(?:[^']|'')*'|--[^\n]*|\bcomment\s+on\s+column\s+(\w+)\.(\w+)\.(\w+)\s+is\s+'((?:[^']|'')*)'",
    re.I,
)

Table = tuple[str, str]


@dataclass(frozen=True)
class SqlModel:
    name: str  # e.g. "core/emissions" for sql/core/emissions.sql
    creates: tuple[Table, ...]
    reads: tuple[Table, ...]
    description: str
    # (schema, table, column) → the text of its `comment on column`, the last one given
    column_comments: tuple[tuple[tuple[str, str, str], str], ...] = ()

    @property
    def layer(self) -> str:
        return self.name.split("/")[0]

    def comments_of(self, schema: str, table: str) -> dict[str, str]:
        """The comments this file gives the columns of one of its tables, by column."""
        return {c: text for (s, t, c), text in self.column_comments if (s, t) == (schema, table)}


@cache
def sql_text(name: str) -> str:
    """The text of `sql/<name>.sql`, e.g. `sql_text("core/emissions")`."""
    return sql_path(name).read_text(encoding="utf-8")


def sql_path(name: str) -> Path:
    return SQL_DIR / f"{name}.sql"


def run_sql(con: duckdb.DuckDBPyConnection, name: str) -> None:
    """Run every statement of one SQL file in a single transaction."""
    con.execute("begin transaction")
    try:
        con.execute(sql_text(name))
    except Exception:
        con.execute("rollback")
        raise
    con.execute("commit")


def parse_model(name: str) -> SqlModel:
    text = sql_text(name)
    code = _NOT_CODE.sub(" ", text)
    creates = tuple(dict.fromkeys((s.lower(), t.lower()) for s, t in _CREATED.findall(code)))
    reads = tuple(
        dict.fromkeys(
            (s.lower(), t.lower())
            for s, t in _REFERENCED.findall(code)
            if (s.lower(), t.lower()) not in creates
        )
    )
    header = [line[2:].strip() for line in text.splitlines() if line.startswith("--")]
    comments = {
        (m[1].lower(), m[2].lower(), m[3].lower()): m[4].replace("''", "'")
        for m in _COLUMN_COMMENT.finditer(text)
        if m[1]
    }
    return SqlModel(name, creates, reads, " ".join(header), tuple(comments.items()))


@cache
def discover_models(layers: tuple[str, ...] = LAYERS) -> tuple[SqlModel, ...]:
    """Every SQL file of the layers, in an order where each runs after what it reads."""
    models = {
        f"{layer}/{p.stem}": parse_model(f"{layer}/{p.stem}")
        for layer in layers
        for p in sorted((SQL_DIR / layer).glob("*.sql"))
    }
    creator = {table: m.name for m in models.values() for table in m.creates}
    graph = {
        m.name: {creator[t] for t in m.reads if t in creator and creator[t] != m.name}
        for m in models.values()
    }
    return tuple(models[name] for name in TopologicalSorter(graph).static_order())


def build_layers(con: duckdb.DuckDBPyConnection, layers: tuple[str, ...] = LAYERS) -> None:
    """Run every SQL file of the layers in dependency order: the assets' work, without Dagster."""
    for model in discover_models(layers):
        run_sql(con, model.name)


def table_exists(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> bool:
    # fetchall, not fetchone: DuckDB 2.0 keeps a partly fetched result open on the connection.
    ((count,),) = con.execute(
        "select count(*) from duckdb_tables() where schema_name = ? and table_name = ?",
        [schema, table],
    ).fetchall()
    return count > 0
