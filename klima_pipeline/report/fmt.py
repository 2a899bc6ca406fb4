"""Numbers and dates written the way each language writes them (1.234,5 / 1,234.5)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

_SEPARATORS = {"da": (".", ","), "en": (",", ".")}
# Python's `,` and `.` of a formatted number to the language's marks.
_MARKS = {
    lang: str.maketrans({",": thousands, ".": point})
    for lang, (thousands, point) in _SEPARATORS.items()
}


def _missing(value: object) -> bool:
    """None, NaN, NaT and pandas.NA all print as the missing mark."""
    # Floats and ints first: they are nearly every value, and pandas' checks are slow.
    if isinstance(value, float):
        return value != value  # only NaN is not equal to itself
    if isinstance(value, int):
        return False
    return value is None or (pd.api.types.is_scalar(value) and bool(pd.isna(value)))


@dataclass(frozen=True)
class Formatter:
    lang: str
    months: tuple[str, ...]
    missing: str = "–"

    def number(self, value: object, decimals: int = 0, *, sign: bool = False) -> str:
        if _missing(value):
            return self.missing
        number = float(value)  # type: ignore[arg-type]
        text = f"{number:{'+' if sign else ''},.{decimals}f}"
        # A value that rounds to zero should not print as "-0".
        if text.lstrip("+-").strip("0.,") == "":
            text = text.lstrip("+-")
        return text.translate(_MARKS[self.lang])

    def tonnes(self, value: object) -> str:
        return self.number(value, 0)

    def pct(self, value: object, decimals: int = 1, *, sign: bool = False) -> str:
        text = self.number(value, decimals, sign=sign)
        if text == self.missing:
            return text
        # Danish puts a space before the percent sign, English does not.
        return f"{text} %" if self.lang == "da" else f"{text}%"

    def ratio(self, value: object) -> str:
        return self.number(value, 2)

    def integer(self, value: object) -> str:
        return self.number(value, 0)

    def year(self, value: object) -> str:
        return self.missing if _missing(value) else str(int(value))  # type: ignore[call-overload]

    def date(self, value: object) -> str:
        if _missing(value):
            return self.missing
        d = value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
        month = self.months[d.month - 1]
        return f"{d.day}. {month} {d.year}" if self.lang == "da" else f"{d.day} {month} {d.year}"
