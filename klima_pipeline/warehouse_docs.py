"""docs/warehouse.md's table reference, written from the comments in the warehouse itself.

The SQL files' `comment on` statements are the one place a mart column is described;
this module renders them into the docs so the two cannot disagree (a test checks it).

    python -m klima_pipeline.warehouse_docs [WAREHOUSE]   # rewrite the reference section
"""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path

import duckdb

from klima_pipeline.config import PROJECT_ROOT, setting

DOC_PATH = PROJECT_ROOT / "docs" / "warehouse.md"
BEGIN = "<!-- BEGIN GENERATED TABLE REFERENCE: python -m klima_pipeline.warehouse_docs -->"
END = "<!-- END GENERATED TABLE REFERENCE -->"


def _cell(text: str | None) -> str:
    return (text or "").replace("|", "\\|")


def table_reference(con: duckdb.DuckDBPyConnection) -> str:
    tables = con.execute(
        """
        select table_name, comment
        from duckdb_tables()
        where database_name = current_database() and schema_name = 'mart'
        order by table_name
        """
    ).fetchall()
    columns = con.execute(
        """
        select table_name, column_name, data_type, comment
        from duckdb_columns()
        where database_name = current_database() and schema_name = 'mart'
        order by table_name, column_index
        """
    ).fetchall()
    parts: list[str] = []
    for table, comment in tables:
        parts.append(f"### `mart.{table}`\n\n{comment or ''}\n")
        parts.append("| column | type | meaning |\n|---|---|---|")
        parts.extend(
            f"| `{name}` | {data_type} | {_cell(text)} |"
            for t, name, data_type, text in columns
            if t == table
        )
        parts.append("")
    return "\n".join(parts).rstrip() + "\n"


def documented_section(doc: str) -> str:
    start, end = doc.index(BEGIN) + len(BEGIN), doc.index(END)
    return doc[start:end].strip("\n") + "\n"


def rewrite(doc_path: Path, warehouse: Path) -> None:
    with contextlib.closing(duckdb.connect(str(warehouse), read_only=True)) as con:
        reference = table_reference(con)
    doc = doc_path.read_text(encoding="utf-8")
    head, tail = doc[: doc.index(BEGIN) + len(BEGIN)], doc[doc.index(END) :]
    doc_path.write_text(f"{head}\n{reference}{tail}", encoding="utf-8")


if __name__ == "__main__":
    rewrite(DOC_PATH, Path(sys.argv[1]) if len(sys.argv) > 1 else setting("KLIMA_WAREHOUSE"))
