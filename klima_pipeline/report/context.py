"""What every section of the report shares: the data, the language's words and number
formats, names by code, and the writing of charts and tables with the data behind them.

A section (sections/) is a function of a `Context`; the fact sheets use one too.
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from . import charts, style
from .data import ReportData
from .files import write_table
from .fmt import Formatter
from .messages import Messages
from .model import FACT_SHEET_LIMIT, Block, Figure, Paragraph, Table

BASE_YEAR = 2018  # the first year of Energistyrelsen's current series (metrics.md)
MUNICIPALITIES_IN_DENMARK = 98
PROJECTIONS = ("linear", "exponential", "conservative")  # metrics.md, in the order shown

# One row of a frame as a named tuple of its columns (`DataFrame.itertuples`).
Row = Any


def rows_of(frame: pd.DataFrame) -> list[Row]:
    """The frame's rows as named tuples (as `itertuples` names them), the values as
    `Series.tolist` gives them: Python scalars, NaN, NA or NaT where missing. Column
    by column, ten times faster than `itertuples` on pandas' Arrow-backed text."""
    row = namedtuple("Row", [str(c) for c in frame.columns], rename=True)  # type: ignore[misc]
    columns = (frame.iloc[:, i].tolist() for i in range(frame.shape[1]))
    return [row._make(values) for values in zip(*columns, strict=True)]


def rows_by(frame: pd.DataFrame, key: str) -> dict[str, list[Row]]:
    """The frame's rows by their `key` as text, each group in the frame's order.

    Made once for all members: a filter or `.loc` per member costs pandas' overhead
    each time, a hundred members a hundred times. Rows without a key are left out, as
    `groupby` leaves them out."""
    grouped: dict[str, list[Row]] = {}
    for row in rows_of(frame):
        value = getattr(row, key)
        if not pd.isna(value):
            grouped.setdefault(str(value), []).append(row)
    return grouped


def row_by(frame: pd.DataFrame, key: str) -> dict[str, Row]:
    """The frame's rows by their `key` as text, where `key` is unique (a member's row)."""
    return {code: group[0] for code, group in rows_by(frame, key).items()}


@dataclass
class Assets:
    """Writes charts and data files under the report folder and remembers the paths."""

    root: Path
    # The data behind a chart or table is the same in every language: only the first
    # language's builder writes it (see build.py), the others refer to it.
    write_data: bool = True
    written: list[Path] = field(default_factory=list)
    data_done: set[str] = field(default_factory=set)

    def data(self, name: str, frame: pd.DataFrame) -> str:
        if name not in self.data_done:
            if self.write_data:
                self.written += write_table(self.root / "data", name, frame)
            self.data_done.add(name)
        return f"data/{name}.csv"

    def chart(self, name: str, fig: charts.Drawing) -> tuple[str, str]:
        saved = charts.save(fig, self.root / "charts", name)
        self.written += [saved.svg, saved.png]
        return f"charts/{saved.svg.name}", f"charts/{saved.png.name}"


@dataclass
class Context:
    """The report's data in one language, with what its sections need to word it."""

    data: ReportData
    lang: str
    assets: Assets
    commentary: Callable[[str], list[Block]] = lambda _section: []

    def __post_init__(self) -> None:
        self.t = Messages(self.lang)
        self.f = Formatter(self.lang, self.t.months())
        self.year = self.data.year
        name_col = "name_da" if self.lang == "da" else "name_en"
        sectors = self.data["sector"]
        self.sector_names = dict(zip(sectors["sector"], sectors[name_col], strict=True))
        regions = self.data["region"]
        region_col = "region_name" if self.lang == "da" else "region_name_en"
        self.region_names = dict(zip(regions["region_code"], regions[region_col], strict=True))
        self.status_names = {s: self.t(f"status_{s}") for s in (*style.STATUS_ORDER, "not_member")}
        munis = self.data["municipality"]
        self.names = dict(zip(munis["municipality_code"], munis["municipality_name"], strict=True))
        self.municipality_region = dict(
            zip(munis["municipality_code"], munis["region_code"], strict=True)
        )
        self.members = munis[munis["is_member"].astype(bool)]
        self.lists_members = len(self.members) <= FACT_SHEET_LIMIT
        catalogue = self.data["indicator_catalogue"]
        self.indicator_names = dict(zip(catalogue["indicator"], catalogue[name_col], strict=True))

    # -- names by code ---------------------------------------------------------------

    def sector(self, code: str) -> str:
        return self.sector_names.get(code, code)

    def region(self, code: object) -> str:
        return self.region_names.get(str(code), str(code))

    def region_of(self, municipality_code: object) -> str:
        return self.municipality_region.get(str(municipality_code), "")

    def short_region(self, code: object) -> str:
        # "Region Midtjylland" -> "Midtjylland" keeps the member table narrow; English
        # names ("Region of Southern Denmark") do not shorten that way.
        name = self.region(code)
        return name.removeprefix("Region ") if self.lang == "da" else name

    def revision_label(self, status: object) -> str:
        return (
            self.t(f"revision_{status}") if isinstance(status, str) else self.t("revision_unknown")
        )

    # -- blocks with the data behind them ----------------------------------------------

    def table(
        self,
        name: str,
        caption: str,
        header: Sequence[str],
        rows: Sequence[Sequence[str]],
        align: str,
        frame: pd.DataFrame,
        *,
        small: bool = False,
        note: str = "",
    ) -> Table:
        """`align` is one letter per column, l or r."""
        return Table(
            id=name,
            caption=caption,
            header=tuple(header),
            rows=tuple(tuple(r) for r in rows),
            align=tuple("right" if a == "r" else "left" for a in align),
            data=self.assets.data(name, frame),
            note=note,
            small=small,
        )

    def figure(
        self,
        name: str,
        fig: charts.Drawing,
        caption: str,
        alt: str,
        frame: pd.DataFrame,
        credit: str = "",
        width_pct: int = 100,
    ) -> Figure:
        svg, png = self.assets.chart(f"{name}-{self.lang}", fig)
        return Figure(
            id=name,
            caption=caption,
            alt=alt,
            svg=svg,
            png=png,
            data=self.assets.data(name, frame),
            credit=credit,
            width_pct=width_pct,
        )

    def in_data_only(self, name: str, caption: str, frame: pd.DataFrame) -> Paragraph:
        """Instead of a table too long to print: where its rows are (all of them)."""
        csv = self.assets.data(name, frame)
        return Paragraph.of(
            self.t(
                "table_in_data",
                table=caption,
                n=self.f.integer(len(frame)),
                csv=csv,
                parquet=csv.removesuffix(".csv") + ".parquet",
            )
        )

    def not_available(self) -> Paragraph:
        """What a section says when the warehouse has none of its data."""
        return Paragraph.of(self.t("not_available"))

    def sorted_by_sector(self, frame: pd.DataFrame, column: str = "sector") -> pd.DataFrame:
        """Rows in the report's sector order (ref.sector.sort_order)."""
        order = {code: i for i, code in enumerate(self.sector_names)}
        return frame.sort_values(column, key=lambda c: c.map(order))
