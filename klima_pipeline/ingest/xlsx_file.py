"""Reading the first sheet of an xlsx export into a DuckDB table of trimmed text cells."""

from __future__ import annotations

import io
import re
import zipfile

import duckdb

from klima_pipeline.ingest.reading import ReadResult, cell_text, insert_columns, temp_name

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


def read_xlsx(con: duckdb.DuckDBPyConnection, result: ReadResult, data: bytes) -> None:
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
    table = temp_name("file")
    insert_columns(
        con,
        table,
        {"source_file": ("varchar", [result.raw.source_file] * len(numbers))}
        | {"row_number": ("integer", numbers)}
        | {f"c{i}": ("varchar", col) for i, col in enumerate(columns)},
        create_temp=True,
    )
    result.table = table
    result.raw.rows = len(numbers)
