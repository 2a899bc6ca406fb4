"""The message catalogue: every sentence of the report, per language, in JSON files."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources

LANGUAGES = ("da", "en")


@cache
def _load(lang: str) -> dict[str, str]:
    if lang not in LANGUAGES:
        raise ValueError(f"unknown report language {lang!r}; expected one of {LANGUAGES}")
    text = resources.files(__package__).joinpath("messages", f"{lang}.json").read_text("utf-8")
    return json.loads(text)


@dataclass(frozen=True)
class Messages:
    lang: str

    def __call__(self, key: str, **values: object) -> str:
        return _load(self.lang)[key].format(**values)

    def template(self, key: str) -> str:
        """The message with its `{placeholders}` unfilled, for a page's script to fill."""
        return _load(self.lang)[key]

    def has(self, key: str) -> bool:
        return key in _load(self.lang)

    def unit(self, unit: object) -> str:
        """A unit as the sources write it (`t CO2e/indb.`), in this language: the
        catalogue's `unit:<unit>` entry, else the unit as given (`%`, `TJ`)."""
        text = "" if unit is None or unit != unit else str(unit)  # NaN from pandas
        return _load(self.lang).get(f"unit:{text}", text)

    def months(self) -> tuple[str, ...]:
        return tuple(_load(self.lang)["months"].split(","))
