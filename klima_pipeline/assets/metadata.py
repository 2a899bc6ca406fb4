"""What every warehouse asset shows in the UI: row count, column schema, a preview."""

from __future__ import annotations

from collections.abc import Mapping

import dagster as dg
import duckdb

PREVIEW_ROWS = 8


def markdown_table(columns: list[str], rows: list[tuple]) -> str:
    def cell(value: object) -> str:
        text = "" if value is None else str(value)
        return text.replace("|", "\\|").replace("\n", " ")

    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def table_metadata(
    con: duckdb.DuckDBPyConnection,
    schema: str,
    table: str,
    comments: Mapping[str, str] | None = None,
) -> dict:
    """Row count, column schema (with the columns' comments) and a Markdown preview.

    Column names and types come from the table's relation, and the comments from the
    SQL file that creates the table (`SqlModel.comments_of`; tables written from Python
    have none): asking DuckDB's catalog (`duckdb_columns()`) lists every column of every
    table and view, several milliseconds for each of the ~55 tables of a run.
    """
    relation = con.table(f"{schema}.{table}")
    names = relation.columns
    types = [str(t) for t in relation.types]
    (row_count,) = con.execute(f'select count(*) from "{schema}"."{table}"').fetchall()[0]
    preview = relation.limit(PREVIEW_ROWS).fetchall()
    comments = comments or {}
    return {
        "dagster/row_count": dg.MetadataValue.int(row_count),
        "dagster/column_schema": dg.TableSchema(
            columns=[
                dg.TableColumn(name=name, type=data_type, description=comments.get(name))
                for name, data_type in zip(names, types, strict=True)
            ]
        ),
        "dagster/table_name": f"{schema}.{table}",
        "preview": dg.MetadataValue.md(markdown_table(names, preview)),
    }
