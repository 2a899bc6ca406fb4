"""Writing the website: the pages of one language, from the content model, and the entry
page of all.

Pages are Jinja2 templates with autoescaping on, so a data value is always text, never
markup. Links are relative, so the site works from `file://` as well as from
`klima serve`; charts and data files are the report's own (`../charts`, `../data`).

    site/index.html                 the language choice
    site/<lang>/index.html          front page: key figures, status map, trend
    site/<lang>/<section>.html      one page per report section
    site/<lang>/kommuner/index.html the member index (the report's member table)
    site/<lang>/kommuner/<code>.html one page per municipality (its fact sheet)
    site/<lang>/regioner/<code>.html one page per region
    site/assets/                    style sheet and the small script
"""

from __future__ import annotations

import csv
import io
import shutil
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property, partial
from pathlib import Path
from typing import Any

import pandas as pd
from markupsafe import Markup

from ..content import Assets
from ..files import neutralise_formulas, write_text
from ..messages import Messages
from ..model import Figure, Section, Table
from .entry import LANGUAGE_NAMES, SITE, Entry, environment
from .pages import SiteLanguage

MEMBERS_DIR = "kommuner"
REGIONS_DIR = "regioner"
# The table under a chart shows at most this many rows of its data file: the file has
# them all, and a page with a 10,000-row table helps nobody.
DATA_ROWS_SHOWN = 200
FRONT_FIGURES = ("status_map", "trend")
# The escapes of the templates' autoescaping (markupsafe's), for the table cells written
# here: str.translate makes no Markup object per cell.
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "'": "&#39;", '"': "&#34;"})


def escape(text: str) -> str:
    return str(text).translate(_ESCAPES)


@dataclass(frozen=True)
class Page:
    path: str  # relative to the language folder
    title: str
    template: str
    context: dict[str, Any] = field(default_factory=dict)

    @property
    def to_lang(self) -> str:
        return "../" * self.path.count("/")


@dataclass(frozen=True)
class DataTable:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    total: int
    numeric: tuple[bool, ...]

    @cached_property
    def body(self) -> Markup:
        """The rows as HTML, escaped (see body_rows), made once for every page showing
        them."""
        align = ["right" if n else "left" for n in self.numeric]
        return Markup(
            "".join(
                "<tr>"
                + "".join(f'<td class="{align[i]}">{escape(c)}</td>' for i, c in enumerate(row))
                + "</tr>\n"
                for row in self.rows
            )
        )


@dataclass
class ChartAssets(Assets):
    """The report's Assets, keeping the first rows of every data file as the file has them,
    so a language shows its charts' data without waiting for the language that writes
    the files (build.py)."""

    tables: dict[str, DataTable] = field(default_factory=dict)

    def data(self, name: str, frame: pd.DataFrame) -> str:
        relative = super().data(name, frame)
        if relative not in self.tables:
            self.tables[relative] = _as_written(frame)
        return relative

    def exists(self, relative: str) -> bool:
        """Whether the report has (or, in the first language, writes) this data file."""
        name = relative.removeprefix("data/").removesuffix(".csv").removesuffix(".parquet")
        return relative.startswith("data/") and name in self.data_done

    def table(self, relative: str) -> DataTable | None:
        return self.tables.get(relative)


def _as_written(frame: pd.DataFrame) -> DataTable:
    """The first rows as the CSV file has them (files.write_table)."""
    head = neutralise_formulas(frame.head(DATA_ROWS_SHOWN))
    rows = list(csv.reader(io.StringIO(head.to_csv(index=False, lineterminator="\n"))))
    header, body = tuple(rows[0]), tuple(tuple(r) for r in rows[1:])
    numeric = tuple(
        bool(body) and all(_is_number(r[i]) for r in body if i < len(r) and r[i])
        for i in range(len(header))
    )
    return DataTable(header, body, len(frame), numeric)


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def write_language(
    root: Path, language: SiteLanguage, assets: ChartAssets, built_now: Sequence[str]
) -> tuple[list[Path], Entry]:
    """Write the pages of `language` under `root/site/<lang>/`.

    `built_now` are the languages this build writes (the same pages each, from the same
    data): the language switch links to the same page there, and to a language from an
    earlier run only where that page exists. The language's folder is replaced whole, so
    a member that left the cohort leaves no page behind."""
    site = root / SITE
    shutil.rmtree(site / language.lang, ignore_errors=True)
    written = []
    env = environment()
    nav = _navigation(language)
    # One linker per folder depth, not per page: at 10,000 members a page each.
    linkers = {depth: _linker(language, "../" * depth) for depth in (0, 1)}
    for page in _pages(language):
        switch = [
            _switch(site, page, other, other in built_now)
            for other in LANGUAGE_NAMES
            if other != language.lang
        ]
        # What the block macros need, in one argument.
        link = linkers[page.path.count("/")]
        ctx = {
            "ui": language.ui,
            "r": language.report,
            "data": assets,
            "rows": partial(body_rows, link=link, to_lang=page.to_lang),
            "to_lang": page.to_lang,
            "to_report": page.to_lang + "../../",
        }
        html = env.get_template(page.template).render(
            page=page,
            L=language,
            r=language.report,
            ui=language.ui,
            nav=nav,
            switch=[s for s in switch if s],
            to_lang=page.to_lang,
            to_site=page.to_lang + "../",
            ctx=ctx,
            **page.context,
        )
        written.append(write_text(site / language.lang / page.path, html))
    return written, Entry(language.lang, language.report, language.ui)


def _pages(language: SiteLanguage) -> Iterator[Page]:
    r = language.report
    by_id = {s.id: s for s in r.sections}
    figures = {
        b.id: b for s in r.sections for b in s.blocks if isinstance(b, Figure)
    }  # the front page shows two of the sections' charts
    yield Page(
        "index.html",
        r.title,
        "front.html.j2",
        {
            "summary": by_id.get("summary"),
            "figures": [figures[i] for i in FRONT_FIGURES if i in figures],
        },
    )
    for section in r.sections:
        if section.id == "members":
            yield Page(
                f"{MEMBERS_DIR}/index.html",
                section.title,
                "members.html.j2",
                {"section": section, "index": _member_index(language, section)},
            )
        else:
            yield Page(f"{section.id}.html", section.title, "section.html.j2", {"section": section})
    for sheet in language.members + language.others:
        region = language.member_region.get(sheet.code, "")
        yield Page(
            f"{MEMBERS_DIR}/{sheet.code}.html",
            sheet.title,
            "sheet.html.j2",
            {"sheet": sheet, "region": region, "region_members": (), "region_others": ()},
        )
    members = {s.code for s in language.members}
    others = {s.code for s in language.others}
    for sheet in language.regions:

        def in_region(codes: set[str], region: str = sheet.code) -> list[tuple[str, str]]:
            return sorted(
                ((c, language.names.get(c, c)) for c in codes
                 if language.member_region.get(c) == region),
                key=lambda x: x[1],
            )  # fmt: skip

        yield Page(
            f"{REGIONS_DIR}/{sheet.code}.html",
            sheet.title,
            "sheet.html.j2",
            {
                "sheet": sheet,
                "region": "",
                "region_members": in_region(members),
                "region_others": in_region(others),
            },
        )


def section_href(section: Section) -> str:
    return f"{MEMBERS_DIR}/index.html" if section.id == "members" else f"{section.id}.html"


def _navigation(language: SiteLanguage) -> dict[str, Any]:
    return {
        "sections": [(s.title, section_href(s)) for s in language.report.sections],
        "regions": [(s.title, f"{REGIONS_DIR}/{s.code}.html") for s in language.regions],
    }


@dataclass(frozen=True)
class MemberIndex:
    """The member table of the report with a link and a code per row; above the report's
    listing limit (no member table) a plain table of the member pages instead."""

    table: Table
    codes: tuple[str, ...]


def _member_index(language: SiteLanguage, section: Section) -> MemberIndex | None:
    by_name = {sheet.title: sheet.code for sheet in language.members + language.others}
    table = next((b for b in section.blocks if isinstance(b, Table) and b.id == "members"), None)
    if table is not None:
        return MemberIndex(table, tuple(by_name.get(row[0], "") for row in table.rows))
    if not language.members:
        return None
    sheets = sorted(language.members, key=lambda s: (s.title, s.code))
    listing = Table(
        id="member_pages",
        caption=section.title,
        header=(
            language.labels["municipality"],
            f"{language.labels['region']} · {language.labels['status']}",
        ),
        rows=tuple((s.title, s.subtitle) for s in sheets),
        align=("left", "left"),
    )
    return MemberIndex(listing, tuple(s.code for s in sheets))


def body_rows(
    table: Table, codes: Sequence[str] | None, link: Callable[[str, str], str], to_lang: str
) -> Markup:
    """The body rows of `table` as HTML, escaped, for blocks.html.j2: the heading cell,
    the member's code (with `codes`, the member index) and the other cells, each with its
    link; a member with a page links to it from the heading cell. Written here rather
    than by the template: a Jinja loop over every cell, escaping each value through the
    template's runtime, was most of the site's time (docs/performance.md)."""
    header, align = table.header, table.align
    out: list[str] = []
    for i, row in enumerate(table.rows):
        if not row:
            out.append("<tr>\n</tr>\n")
            continue
        code = None if codes is None else codes[i]
        if code:
            head_href = f"{to_lang}{MEMBERS_DIR}/{code}.html"
        else:
            head_href = link(header[0], row[0]) if header else ""
        parts = ["<tr>\n", _cell("th", row[0], align[0], head_href, ' scope="row"')]
        if code is not None:
            parts.append(f'<td class="left code">{escape(code)}</td>')
        parts.extend(
            _cell("td", text, align[j], link(header[j], text) if j < len(header) else "")
            for j, text in enumerate(row[1:], start=1)
        )
        parts.append("</tr>\n")
        out.append("".join(parts))
    return Markup("".join(out))


def _cell(tag: str, text: str, align: str, href: str, scope: str = "") -> str:
    content = f'<a href="{escape(href)}">{escape(text)}</a>' if href else escape(text)
    return f'<{tag}{scope} class="{escape(align)}">{content}</{tag}>'


def _linker(language: SiteLanguage, to_lang: str) -> Callable[[str, str], str]:
    """A table cell that names a municipality with a page, or a region, links to it."""
    pages = {s.code for s in language.members + language.others}
    municipalities = {name: code for code, name in language.names.items() if code in pages}
    regions = {name: code for code, name in language.region_names.items()}

    def link(column: str, text: str) -> str:
        if column == language.labels["municipality"] and text in municipalities:
            return f"{to_lang}{MEMBERS_DIR}/{municipalities[text]}.html"
        if column == language.labels["region"] and text in regions:
            return f"{to_lang}{REGIONS_DIR}/{regions[text]}.html"
        return ""

    return link


def _switch(site: Path, page: Page, other: str, built_now: bool) -> dict | None:
    """The same page in the other language; its front page when it has no such page."""
    if not built_now and not (site / other / "index.html").is_file():
        return None
    has = built_now or (site / other / page.path).is_file()
    return {
        "lang": other,
        "href": f"{page.to_lang}../{other}/{page.path if has else 'index.html'}",
        "text": Messages(other)("site_read_in"),
    }
