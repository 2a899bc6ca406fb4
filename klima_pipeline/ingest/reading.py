"""One raw file as the loaders see it: its provenance, the findings on it, the columns an
export has, and what reading every format shares (the size limit, hashing, cell text,
matching the header).

The formats themselves are read in csv_file.py and xlsx_file.py; `framework.read_file`
picks the one a file needs. Row numbers in findings are the rows an analyst sees when the
file is opened in Excel: the header on the first line is row 1 (docs/formats.md).
"""

from __future__ import annotations

import hashlib
import itertools
import os
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from klima_pipeline.errors import Finding

if TYPE_CHECKING:
    import duckdb

MAX_FILE_BYTES_ENV = "KLIMA_MAX_FILE_BYTES"
DEFAULT_MAX_FILE_BYTES = 500 * 1024 * 1024

_table_counter = itertools.count()


def max_file_bytes() -> int:
    value = os.environ.get(MAX_FILE_BYTES_ENV, "").strip()
    if not value:
        return DEFAULT_MAX_FILE_BYTES
    try:
        return int(value)
    except ValueError as exc:
        raise ValueError(
            f"{MAX_FILE_BYTES_ENV} must be a whole number of bytes, not {value!r}"
        ) from exc


def temp_name(prefix: str) -> str:
    return f"_ingest_{prefix}_{next(_table_counter)}"


def insert_columns(
    con: duckdb.DuckDBPyConnection,
    target: str,
    columns: dict[str, tuple[str, list]],
    *,
    create_temp: bool = False,
) -> None:
    """Append Python columns (name → (SQL type, values), all of one length) to `target`
    by name, or create it as a temp table from them.

    The lists go to DuckDB as list parameters, unnested side by side in their order.
    Handing DuckDB an Arrow table instead would import pandas (DuckDB looks for data
    frames first), which costs more than `klima validate` takes otherwise.
    """
    values = ", ".join(
        f"unnest(?::{sql_type}[]) as {name}" for name, (sql_type, _) in columns.items()
    )
    head = f"create temp table {target} as" if create_temp else f"insert into {target} by name"
    con.execute(f"{head} select {values}", [list(v) for _, v in columns.values()])


@dataclass(frozen=True)
class Column:
    """A column of an export as formats.md names it, and the name used in SQL."""

    label: str
    key: str
    required: bool = True


@dataclass
class RawFile:
    """Provenance of one raw file (a row of staging.raw_file)."""

    source: str
    source_file: str
    sha256: str | None
    size_bytes: int
    modified_at: datetime
    encoding: str | None = None
    rows: int = 0


@dataclass
class ReadResult:
    """One file read into `table` (source_file, row_number, c0…cN as VARCHAR)."""

    raw: RawFile
    findings: list[Finding] = field(default_factory=list)
    table: str | None = None
    header: list[str] = field(default_factory=list)
    header_row: int = 1

    def error(self, rule: str, message: str, row: int | None = None, column: str | None = None):
        self.findings.append(Finding(self.raw.source_file, row, column, rule, "error", message))

    def warning(self, rule: str, message: str, row: int | None = None, column: str | None = None):
        self.findings.append(Finding(self.raw.source_file, row, column, rule, "warning", message))

    @property
    def failed(self) -> bool:
        return any(f.severity == "error" for f in self.findings)


def relative(raw_dir: Path, path: Path) -> str:
    return path.relative_to(raw_dir).as_posix()


def open_raw(raw_dir: Path, path: Path, source: str) -> tuple[ReadResult, bytes | None]:
    """Stat, size-check and hash a file; its bytes unless it is too large to read."""
    stat = path.stat()
    raw = RawFile(
        source=source,
        source_file=relative(raw_dir, path),
        sha256=None,
        size_bytes=stat.st_size,
        modified_at=datetime.fromtimestamp(stat.st_mtime),
    )
    result = ReadResult(raw)
    limit = max_file_bytes()
    if stat.st_size > limit:
        result.error(
            "file_too_large",
            f"file is {stat.st_size:,} bytes; the limit is {limit:,} bytes "
            f"(raise it with the environment variable {MAX_FILE_BYTES_ENV})",
        )
        return result, None
    data = path.read_bytes()
    raw.sha256 = hashlib.sha256(data).hexdigest()
    return result, data


def cell_text(value: object) -> str | None:
    """A cell from xlsx or JSON as the text a CSV export would carry."""
    if value is None:
        return None
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        text = repr(value)
        # Exponent notation is not a format of the exports; write the plain decimal.
        return format(Decimal(text), "f") if "e" in text or "E" in text else text
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    text = str(value).strip()
    return text or None


def match_header(
    result: ReadResult, header: list[str], columns: list[Column]
) -> dict[str, int] | None:
    """Position of each known column in `header`; findings for missing and extra ones."""
    wanted = {c.label.strip().casefold(): c for c in columns}
    positions: dict[str, int] = {}
    for index, name in enumerate(header):
        cleaned = (name or "").strip().lstrip("\ufeff").strip()
        column = wanted.get(cleaned.casefold())
        if column is None:
            if cleaned:
                result.warning(
                    "unknown_column",
                    f"unknown column '{cleaned}' is ignored; known columns: "
                    + ", ".join(c.label for c in columns),
                    result.header_row,
                    cleaned,
                )
            continue
        if column.key in positions:
            result.error(
                "duplicate_column",
                f"column '{column.label}' appears twice in the header",
                result.header_row,
                column.label,
            )
        positions[column.key] = index
    for column in columns:
        if column.required and column.key not in positions:
            result.error(
                "missing_column",
                f"required column '{column.label}' is missing from the header; "
                f"found: {', '.join(h.strip() for h in header if h and h.strip()) or 'nothing'}",
                result.header_row,
                column.label,
            )
    return None if result.failed else positions
