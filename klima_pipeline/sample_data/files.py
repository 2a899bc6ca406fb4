"""Writing files the way the Danish sources do: semicolons, decimal commas, UTF-8."""

from __future__ import annotations

import csv
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

# Excel's "CSV UTF-8" saves start with a byte-order mark and end lines with CRLF;
# the plan registry and the surveys come from such spreadsheets, the rest from APIs.
EXCEL = {"bom": True, "crlf": True}
API = {"bom": False, "crlf": False}


def tenths(value: int) -> str:
    """Tonnes kept as whole tenths, so sums are exact in decimal: 78123 -> '7812,3'."""
    quotient, remainder = divmod(abs(value), 10)
    sign = "-" if value < 0 else ""
    return f"{sign}{quotient},{remainder}"


def decimal(value: float, places: int) -> str:
    """A number with a decimal comma and no thousands separators (never '-0,0')."""
    return f"{round(value, places) + 0.0:.{places}f}".replace(".", ",")


@contextmanager
def csv_writer(path: Path, header: Sequence[str], *, bom: bool, crlf: bool) -> Iterator[Any]:
    """A semicolon CSV writer on `path`, header written; rows are lists of strings."""
    path.parent.mkdir(parents=True, exist_ok=True)
    # newline="" so the csv module's own line terminator reaches the file untouched.
    with path.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";", lineterminator="\r\n" if crlf else "\n")
        writer.writerow(header)
        yield writer
