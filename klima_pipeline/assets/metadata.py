"""What every warehouse asset shows in the UI: row count, column schema, a preview."""

from __future__ import annotations

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


def table_metadata(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> dict:
    """Row count, column schema (with the columns' comments) and a Markdown preview."""
    columns = con.execute(
        """
        select column_name, data_type, comment
        from duckdb_columns()
        where database_name = current_database() and schema_name = ? and table_name = ?
        order by column_index
        """,
        [schema, table],
    ).fetchall()
    relation = con.table(f"{schema}.{table}")
    (row_count,) = con.execute(f'select count(*) from "{schema}"."{table}"').fetchall()[0]
    preview = relation.limit(PREVIEW_ROWS).fetchall()
    return {
        "dagster/row_count": dg.MetadataValue.int(row_count),
        "dagster/column_schema": dg.TableSchema(
            columns=[
                dg.TableColumn(name=name, type=data_type, description=comment)
                for name, data_type, comment in columns
            ]
        ),
        "dagster/table_name": f"{schema}.{table}",
        "preview": dg.MetadataValue.md(markdown_table([c[0] for c in columns], preview)),
    }
