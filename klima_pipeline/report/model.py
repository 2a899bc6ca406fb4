"""The content model: what a report says, independent of Markdown or Typst.

Every text in it is plain text (never markup); the templates escape it for their
format. Numbers arrive already formatted for the report's language.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar, Literal

Style = Literal["", "em", "strong"]

# Up to this many members the report lists them one by one: the member table, the plan
# revision lists and, by default, a fact sheet each. Above it (scale tests with thousands
# of synthetic members) those lists would fill hundreds of pages and gigabytes of typst
# memory; the report says where the full tables are (data/*.csv, *.parquet) instead.
FACT_SHEET_LIMIT = 200


@dataclass(frozen=True)
class Run:
    """A piece of inline text with one style."""

    text: str
    style: Style = ""


@dataclass(frozen=True)
class Paragraph:
    kind: ClassVar[str] = "paragraph"
    runs: tuple[Run, ...]
    note: bool = False  # set in smaller type: sources, caveats

    @classmethod
    def of(cls, text: str, *, note: bool = False) -> Paragraph:
        return cls((Run(text),), note=note)


@dataclass(frozen=True)
class ItemList:
    kind: ClassVar[str] = "list"
    items: tuple[tuple[Run, ...], ...]
    ordered: bool = False

    @classmethod
    def of(cls, texts: list[str], *, ordered: bool = False) -> ItemList:
        return cls(tuple((Run(t),) for t in texts), ordered=ordered)


@dataclass(frozen=True)
class KeyFigure:
    label: str
    value: str
    note: str = ""


@dataclass(frozen=True)
class KeyFigures:
    kind: ClassVar[str] = "key_figures"
    items: tuple[KeyFigure, ...]


@dataclass(frozen=True)
class Figure:
    """A chart. Paths are relative to the report's folder."""

    kind: ClassVar[str] = "figure"
    id: str
    caption: str
    alt: str
    svg: str
    png: str
    data: str  # the CSV behind it
    credit: str = ""
    width_pct: int = 100


@dataclass(frozen=True)
class Table:
    kind: ClassVar[str] = "table"
    id: str
    caption: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    align: tuple[Literal["left", "right"], ...]
    data: str = ""  # the CSV behind it, relative to the report's folder
    note: str = ""
    small: bool = False


Block = Paragraph | ItemList | KeyFigures | Figure | Table


@dataclass
class Section:
    id: str
    title: str
    blocks: list[Block] = field(default_factory=list)
    commentary: list[Block] = field(default_factory=list)
    level: int = 1

    def add(self, *blocks: Block) -> Section:
        self.blocks.extend(blocks)
        return self


@dataclass
class Report:
    lang: str
    title: str
    subtitle: str
    year: int
    cover_notes: list[str]  # the sample-data notice, when there is one
    cover_credits: list[str]
    labels: dict[str, str]  # template words: contents, page, data, alt
    sections: list[Section]
