"""Reading a `;`-separated CSV export into a DuckDB table of trimmed text cells.

DuckDB parses CSV text; Python only does what DuckDB cannot: decoding cp1252, diagnosing
what DuckDB rejects (with the row and column), and numbering records as a spreadsheet
numbers its rows when blank lines or quoted newlines make DuckDB's record order differ
from that.

Row numbers in findings are the rows an analyst sees when the file is opened in Excel:
every record is one row (a quoted cell that runs over several lines is still one row), a
blank line is a row too, and the header on the first line is row 1 (docs/formats.md).
"""

from __future__ import annotations

import csv
import io
import re
import tempfile
from pathlib import Path

import duckdb

from klima_pipeline.ingest.reading import ReadResult, insert_columns, temp_name

SEPARATOR = ";"
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


def read_csv(con: duckdb.DuckDBPyConnection, result: ReadResult, path: Path, data: bytes) -> None:
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
        insert_columns(
            con,
            row_table,
            {
                "idx": ("bigint", range(1, len(rows) + 1)),
                "spreadsheet_row": ("integer", rows),
            },
            create_temp=True,
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
            con.execute(f"drop table if exists {row_table}")
    result.table = table
    result.raw.rows = con.execute(f"select count(*) from {table}").fetchall()[0][0]
