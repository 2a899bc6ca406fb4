"""Turning one raw file (CSV or xlsx) into a DuckDB table of trimmed text cells.

DuckDB parses CSV text; Python only does what DuckDB cannot: decoding cp1252, reading
xlsx, matching headers, and numbering records as a spreadsheet numbers its rows when blank
lines or quoted newlines make DuckDB's record order differ from that.

Row numbers in findings are the rows an analyst sees when the file is opened in Excel:
every record is one row (a quoted cell that runs over several lines is still one row), a
blank line is a row too, and the header on the first line is row 1 (docs/formats.md).
"""

from __future__ import annotations

import csv
import hashlib
import io
import itertools
import os
import re
import tempfile
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import duckdb
import pyarrow as pa

from klima_pipeline.errors import Finding

MAX_FILE_BYTES_ENV = "KLIMA_MAX_FILE_BYTES"
DEFAULT_MAX_FILE_BYTES = 500 * 1024 * 1024
SEPARATOR = ";"

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


def read_file(con: duckdb.DuckDBPyConnection, raw_dir: Path, path: Path, source: str) -> ReadResult:
    """Read a CSV or xlsx export into a temp table of text cells."""
    result, data = open_raw(raw_dir, path, source)
    if data is None:
        return result
    if path.suffix.lower() == ".xlsx":
        _read_xlsx(con, result, data)
    else:
        _read_csv(con, result, path, data)
    if result.table and not result.failed and result.raw.rows == 0:
        result.warning(
            "no_rows", "the file has a header but no data rows; nothing is loaded from it"
        )
    return result


# --- CSV -------------------------------------------------------------------------------

_CONTROL = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
# A UTF-8 encoded character beyond ASCII: lead byte, then continuation bytes.
_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xf4][\x80-\xbf]")
_NOT_BLANK = re.compile(rb"[^\s;]")
_BOM = b"\xef\xbb\xbf"


def _decode(result: ReadResult, data: bytes) -> str | None:
    """The whole file as text: UTF-8, or cp1252 with a warning."""
    try:
        text = data.decode("utf-8")
        result.raw.encoding = "utf-8-sig" if data.startswith(_BOM) else "utf-8"
    except UnicodeDecodeError as exc:
        if _UTF8_MULTIBYTE.search(data, 0, exc.start) or _UTF8_MULTIBYTE.search(data, exc.end):
            # Read as cp1252, the UTF-8 part would turn into garbage such as 'KÃ¸benhavn'.
            result.error(
                "mixed_encoding",
                f"byte {exc.start} is not UTF-8, but other characters of the file are UTF-8: "
                "the file mixes encodings (text pasted from another file?); save it as "
                "'CSV UTF-8' and check the characters of this row",
                data.count(b"\n", 0, exc.start) + 1,
                _column_at(result, data, exc.start),
            )
            return None
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError as not_cp1252:
            # The byte that fits neither encoding, not the first one that is not UTF-8.
            at = not_cp1252.start
            result.error(
                "encoding",
                f"byte {at} is neither UTF-8 nor cp1252; expected a UTF-8 text file",
                data.count(b"\n", 0, at) + 1,
                _column_at(result, data, at),
            )
            return None
        result.raw.encoding = "cp1252"
        result.warning(
            "encoding_cp1252",
            "file is not UTF-8; read as cp1252 (Windows, old Excel 'CSV (semikolonsepareret)'). "
            "Save it as 'CSV UTF-8' to silence this warning",
        )
    return text.removeprefix("\ufeff")


def _column_at(result: ReadResult, data: bytes, position: int) -> str | None:
    """The header name of the field a byte is in (quoted separators aside)."""
    line_start = data.rfind(b"\n", 0, position) + 1
    index = data.count(SEPARATOR.encode(), line_start, position)
    return result.header[index] if index < len(result.header) else None


def _record_rows(result: ReadResult, text: str, width: int) -> list[int] | None:
    """Spreadsheet row of every non-blank record (header included), in the order DuckDB
    will see them: the record's number in the file, blank records counted.

    Also diagnoses what DuckDB rejects: unterminated quotes and short or long records.
    """
    rows: list[int] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=SEPARATOR, strict=True)
    row = 0
    try:
        for row, record in enumerate(reader, start=1):
            if not record:
                continue
            rows.append(row)
            if len(record) != width:
                _wrong_width(result, row, len(record), width)
    except csv.Error:
        result.error(
            "truncated_file",
            "unterminated quote: a quoted value starts here but never ends (file truncated?)",
            row + 1,
        )
    return None if result.failed else rows


def _wrong_width(result: ReadResult, line: int, found: int, width: int) -> None:
    if found < width:
        missing = result.header[found] if found < len(result.header) else None
        result.error(
            "short_record",
            f"record has {found} field(s), expected {width} like the header "
            "(file truncated, or a ';' missing?)",
            line,
            missing or None,
        )
    else:
        result.error(
            "long_record",
            f"record has {found} fields, expected {width} like the header "
            "(an unquoted ';' inside a value?)",
            line,
        )


def _header(result: ReadResult, data: bytes) -> bool:
    """Find and split the header line; False (with a finding) when it is unusable."""
    lines = data[: 1 << 20].split(b"\n", 100)
    first = next((i for i, line in enumerate(lines) if _NOT_BLANK.search(line)), 0)
    raw_line = lines[first].rstrip(b"\r").removeprefix(_BOM)
    try:
        header_line = raw_line.decode("utf-8")
    except UnicodeDecodeError:
        header_line = raw_line.decode("cp1252", errors="replace")
    result.header_row = first + 1
    header = next(csv.reader([header_line], delimiter=SEPARATOR), [])
    result.header = [h.strip() for h in header]
    if len(header) == 1:
        found = next((s for s in (",", "\t", "|") if s in header_line), None)
        if found is not None:
            shown = "tab" if found == "\t" else f"'{found}'"
            result.error(
                "wrong_separator",
                f"the header is separated by {shown}; expected ';' as the separator",
                result.header_row,
            )
            return False
    return True


def _is_utf16(data: bytes) -> bool:
    """Excel's 'Unicode text' is UTF-16: a byte-order mark, or every other byte zero."""
    sample = data[:4096]
    return sample.startswith(_UTF16_BOMS) or (
        len(sample) >= 8
        and min(sample[0::2].count(0), sample[1::2].count(0)) == 0
        and max(sample[0::2].count(0), sample[1::2].count(0)) > len(sample) // 4
    )


def _read_csv(con: duckdb.DuckDBPyConnection, result: ReadResult, path: Path, data: bytes) -> None:
    if _is_utf16(data):
        result.error(
            "encoding",
            "file is UTF-16 (Excel's 'Unicode text'); expected ';'-separated text in UTF-8: "
            "save it as 'CSV UTF-8'",
        )
        return
    if b"\r" in data and b"\n" not in data:
        result.error(
            "line_endings",
            "lines end with a carriage return only (classic Mac); expected Windows or Unix "
            "line ends: save it as 'CSV UTF-8'",
        )
        return
    if b"\x00" in data[:65536] or _CONTROL.search(data[:65536]):
        result.error("binary_file", "file is binary or garbage, expected a ';'-separated text file")
        return
    if not _NOT_BLANK.search(data):
        result.error("empty_file", "file is empty; expected a header row and data rows")
        return
    if not _header(result, data):
        return
    width = len(result.header)
    # Blank lines and quoted newlines make DuckDB's record order differ from the spreadsheet
    # row; only then does Python walk the records. Otherwise DuckDB also checks the UTF-8.
    needs_map = b'"' in data or b"\n\n" in data or b"\n\r\n" in data or result.header_row > 1
    text: str | None = None
    rows: list[int] | None = None
    if needs_map:
        text = _decode(result, data)
        if text is None:
            return
        rows = _record_rows(result, text, width)
        if rows is None:
            return
    else:
        result.raw.encoding = "utf-8-sig" if data.startswith(_BOM) else "utf-8"
    with tempfile.TemporaryDirectory(prefix="klima-ingest-") as tmp:
        for attempt in range(2):
            source = path
            if result.raw.encoding == "cp1252":
                # DuckDB knows latin-1 but not cp1252; it gets a UTF-8 copy outside the raw dir.
                source = Path(tmp) / "recoded.csv"
                source.write_text(text or "", encoding="utf-8", newline="")
            try:
                _duckdb_read(con, result, source, width, rows)
                return
            except duckdb.Error as exc:
                if attempt == 0 and text is None:
                    text = _decode(result, data)
                    if text is None:
                        return
                    if result.raw.encoding == "cp1252":
                        continue
                _record_rows(result, text or "", width)
                if not result.failed:
                    message = str(exc).split("\n")[0]
                    result.error(
                        "unreadable_csv", f"cannot read the file as ';'-separated CSV: {message}"
                    )
                return


def _duckdb_read(
    con: duckdb.DuckDBPyConnection,
    result: ReadResult,
    source: Path,
    width: int,
    rows: list[int] | None,
) -> None:
    columns = "{" + ", ".join(f"'c{i}': 'VARCHAR'" for i in range(width)) + "}"
    options = (
        "delim=';', quote='\"', escape='\"', header=false, all_varchar=true, "
        f"auto_detect=false, strict_mode=true, null_padding=false, columns={columns}"
    )
    cells = ", ".join(f"nullif(trim(c{i}), '') as c{i}" for i in range(width))
    not_blank = " or ".join(f"nullif(trim(c{i}), '') is not null" for i in range(width))
    table = temp_name("file")
    row_table = temp_name("rows")
    if rows is None:
        row_number, join = "s.ordinality::integer", ""
    else:
        con.register(
            row_table,
            pa.table(
                {
                    "idx": pa.array(range(1, len(rows) + 1), pa.int64()),
                    "spreadsheet_row": pa.array(rows, pa.int32()),
                }
            ),
        )
        row_number, join = "r.spreadsheet_row", f"join {row_table} r on r.idx = s.ordinality"
    try:
        con.execute(
            f"""
            create temp table {table} as
            select ?::varchar as source_file, {row_number} as row_number, {cells}
            from read_csv(?, {options}) with ordinality s {join}
            where s.ordinality > 1 and ({not_blank})
            """,
            [result.raw.source_file, str(source)],
        )
    finally:
        if rows is not None:
            con.unregister(row_table)
    result.table = table
    result.raw.rows = con.execute(f"select count(*) from {table}").fetchall()[0][0]


# --- xlsx ------------------------------------------------------------------------------

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]+)(\d+):([A-Z]+)(\d+)"')


def _merged_header(data: bytes, sheet_path: str | None) -> list[str]:
    """Merged ranges that cover row 1 of the sheet, e.g. ['A1:B1'].

    openpyxl's read-only mode does not report merged cells; they are listed at the end of
    the sheet's XML, which is scanned in chunks so a large sheet is never held whole.
    """
    if not sheet_path:
        return []
    found: list[str] = []
    tail = b""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        try:
            member = archive.open(sheet_path.lstrip("/"))
        except KeyError:
            return []
        with member:
            while chunk := member.read(1 << 20):
                block = tail + chunk
                for match in _MERGE.finditer(block):
                    first_col, first_row, last_col, last_row = (g.decode() for g in match.groups())
                    if int(first_row) <= 1 <= int(last_row):
                        found.append(f"{first_col}{first_row}:{last_col}{last_row}")
                # A tag cut at the chunk's end is searched again with the next chunk.
                tail = block[-200:] if not block.endswith(b">") else b""
    return list(dict.fromkeys(found))


def _read_xlsx(con: duckdb.DuckDBPyConnection, result: ReadResult, data: bytes) -> None:
    import openpyxl

    result.raw.encoding = "xlsx"
    if not data:
        result.error("empty_file", "file is empty; expected an Excel workbook (.xlsx)")
        return
    if data.startswith(_OLE2):
        result.error(
            "not_xlsx",
            "file is an old Excel workbook (.xls) or another Office file, not .xlsx; "
            "save it as 'Excel Workbook (.xlsx)'",
        )
        return
    if not data.startswith(b"PK\x03\x04"):
        result.error("not_xlsx", "file is not an Excel workbook (.xlsx); expected a workbook")
        return
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a broken archive
        result.error("not_xlsx", f"file is not a readable Excel workbook (.xlsx): {exc}")
        return
    try:
        sheet = book.worksheets[0]
        merged = _merged_header(data, getattr(sheet, "_worksheet_path", None))
        if merged:
            result.error(
                "merged_header",
                f"header cells {', '.join(merged)} are merged; expected one column name per "
                "cell on row 1 (unmerge them, and put any title row elsewhere)",
                1,
            )
            return
        rows = sheet.iter_rows(values_only=True)
        header_cells = next(rows, None)
        header = [cell_text(v) or "" for v in (header_cells or ())]
        while header and not header[-1]:
            header.pop()
        if not header:
            result.error(
                "empty_file",
                "the first sheet has no header on row 1; expected the column names there",
            )
            return
        result.header = header
        width = len(header)
        numbers: list[int] = []
        columns: list[list[str | None]] = [[] for _ in range(width)]
        for number, values in enumerate(rows, start=2):
            texts = [cell_text(v) for v in values[:width]]
            if not any(texts):
                continue
            texts += [None] * (width - len(texts))
            numbers.append(number)
            for column, text in zip(columns, texts, strict=True):
                column.append(text)
    finally:
        book.close()
    arrow = pa.table(
        {"row_number": pa.array(numbers, pa.int32())}
        | {f"c{i}": pa.array(col, pa.string()) for i, col in enumerate(columns)}
    )
    view = temp_name("arrow")
    table = temp_name("file")
    con.register(view, arrow)
    cells = ", ".join(f"c{i}" for i in range(width))
    con.execute(
        f"create temp table {table} as select ?::varchar as source_file, row_number, {cells} "
        f"from {view} order by row_number",
        [result.raw.source_file],
    )
    con.unregister(view)
    result.table = table
    result.raw.rows = len(numbers)
