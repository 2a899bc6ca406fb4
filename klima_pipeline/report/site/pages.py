"""What the website shows in one language, as content-model blocks.

The site is the third consumer of the report's content model: its section pages are the
report's sections, its member pages are the members' fact sheets (factsheets.py). Only
what the printed report has no place for is made here, the same way and from the same
data: a sheet per region and one per non-member municipality. Built in the process of
its language (build.py) and handed to `render.write`, which writes every language.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..content import Builder
from ..context import row_by, rows_by, rows_of
from ..factsheets import FactSheet
from ..model import Block, KeyFigure, KeyFigures, Paragraph, Report, Table

PROJECTIONS = ("linear", "exponential", "conservative")
STATUSES = ("on_track", "at_risk", "off_track", "insufficient_data")
# The site's own words in the message catalogue; every key starts with "site_".
UI_KEYS = (
    "site_home",
    "site_read_in",
    "site_skip",
    "site_menu",
    "site_members",
    "site_regions",
    "site_search",
    "site_search_hint",
    "site_search_count",
    "site_sort",
    "site_show_data",
    "site_data_rows",
    "site_download",
    "site_col_code",
    "site_region_members",
    "site_region_others",
    "site_sample_parts",
    "site_region_of",
    "site_page_title",
)


@dataclass(frozen=True)
class SiteLanguage:
    """Everything the site's pages in one language show."""

    lang: str
    report: Report
    ui: dict[str, str]
    members: tuple[FactSheet, ...]  # one page each (the fact sheets)
    regions: tuple[FactSheet, ...]
    others: tuple[FactSheet, ...]  # non-members with a page of their own
    names: dict[str, str]  # municipality code -> name
    region_names: dict[str, str]
    member_region: dict[str, str]  # municipality code -> region code
    labels: dict[str, str]  # column headers (a municipality, a region, a status)


def language(
    b: Builder, report: Report, members: list[FactSheet], *, all_pages: bool = False
) -> SiteLanguage:
    """The site's content in the builder's language; `members` are the members' fact
    sheets (factsheets.sheets). Members always get a page; the other municipalities only
    while the members fit the report's lists (98 of them, not 10,000 synthetic ones), or
    with `all_pages`."""
    munis = b.data["municipality"]
    return SiteLanguage(
        lang=b.lang,
        report=report,
        ui={key: b.t.template(key) for key in UI_KEYS},
        members=tuple(members),
        regions=tuple(region_sheets(b)),
        others=tuple(other_sheets(b)) if all_pages or b.lists_members else (),
        names={str(k): str(v) for k, v in b.names.items()},
        region_names={str(k): str(v) for k, v in b.region_names.items()},
        member_region={
            str(c): str(r)
            for c, r in zip(munis["municipality_code"], munis["region_code"], strict=True)
        },
        labels={
            "municipality": b.t("col_municipality"),
            "region": b.t("col_region"),
            "status": b.t("col_status"),
        },
    )


def region_sheets(b: Builder) -> list[FactSheet]:
    """Per region: its members' status, its emissions by year, its indicators and how
    many of its members take part in development tracks."""
    t, f = b.t, b.f
    summary = b.data["status_summary"]
    by_projection = {
        code: {r.projection: r for r in own}
        for code, own in rows_by(summary[summary["scope"] == "region"], "scope_code").items()
    }
    region_year = rows_by(b.data["region_year"], "region_code")
    indicators = b.data["indicator_summary"]
    indicators = rows_by(indicators[indicators["entity_type"] == "region"], "entity_code")
    coverage = b.data["track_coverage"]
    coverage = row_by(coverage[coverage["scope"] == "region"], "scope_code")
    sheets = []
    for code in b.data["region"]["region_code"].astype(str):
        blocks: list[Block] = []
        own = by_projection.get(code, {})
        figures: list[KeyFigure] = []
        if "status" in own:
            row = own["status"]
            figures.append(KeyFigure(t("col_members"), f.integer(row.members)))
            figures += [
                KeyFigure(
                    t("kf_status", status=b.status_names[s]),
                    t("of", n=f.integer(getattr(row, s)), m=f.integer(row.members)),
                )
                for s in STATUSES
            ]
        figures += [
            KeyFigure(
                t("kf_on_track", projection=t(f"projection_{p}")),
                t("of", n=f.integer(own[p].on_track), m=f.integer(own[p].members)),
            )
            for p in PROJECTIONS
            if p in own
        ]
        years = [r for r in region_year.get(code, []) if pd.notna(r.gross_t)]
        if years:
            latest = years[-1]
            figures.append(
                KeyFigure(
                    t("site_region_gross", year=int(latest.year)),
                    t("value_t", value=f.tonnes(latest.gross_t)),
                    t("site_region_per_capita", value=f.number(latest.per_capita_t, 2)),
                )
            )
        if figures:
            blocks.append(KeyFigures(tuple(figures)))
        if years:
            blocks.append(
                Table(
                    id="region_year",
                    caption=t("site_region_trend"),
                    header=(t("col_year"), t("col_gross"), t("col_population"),
                            t("col_per_capita")),
                    rows=tuple(
                        (str(int(r.year)), f.tonnes(r.gross_t), f.integer(r.population),
                         f.number(r.per_capita_t, 2))
                        for r in years
                    ),
                    align=("left", "right", "right", "right"),
                    data="data/region_year.csv",
                )
            )  # fmt: skip
        own_indicators = indicators.get(code, [])
        if own_indicators:
            blocks.append(
                Table(
                    id="regional_indicators",
                    caption=t("table_region_ind"),
                    header=(t("col_indicator"), t("col_year"), t("col_value"),
                            t("col_change_1y")),
                    rows=tuple(
                        (b.indicator_names.get(r.indicator, r.indicator),
                         f.year(r.latest_year), f"{f.number(r.value, 1)} {r.unit}",
                         f.number(r.change_1y, 1, sign=True))
                        for r in own_indicators
                    ),
                    align=("left", "right", "right", "right"),
                    data="data/regional_indicators.csv",
                )
            )  # fmt: skip
        row = coverage.get(code)
        if row is not None:
            takes_part = pd.notna(row.region_participates) and bool(row.region_participates)
            blocks.append(
                Paragraph.of(
                    t(
                        "site_region_tracks",
                        n=f.integer(row.members_in_track),
                        m=f.integer(row.members),
                        share=f.pct(row.share_pct),
                        year=b.year,
                        region=t("yes") if takes_part else t("no"),
                    )
                )
            )
        if not blocks:
            blocks.append(Paragraph.of(t("not_available")))
        sheets.append(FactSheet(code, b.region(code), t("site_region_subtitle"), tuple(blocks)))
    return sheets


def other_sheets(b: Builder) -> list[FactSheet]:
    """A municipality outside the cohort: that it is not a member, and the development
    tracks it takes part in all the same."""
    t = b.t
    munis = b.data["municipality"]
    others = munis[~munis["is_member"].astype(bool)]
    part = b.data["track_participation"]
    by_code = rows_by(part[part["participant_type"] == "municipality"], "participant_code")
    tracks = row_by(b.data["tracks"], "track_id")
    sheets = []
    for r in rows_of(others.sort_values("municipality_code")):
        code = str(r.municipality_code)
        items = [
            t("fs_track_item", title=tracks[x.track_id].title,
              status=t(f"track_{tracks[x.track_id].status}"))
            for x in by_code.get(code, []) if x.track_id in tracks
        ]  # fmt: skip
        blocks: tuple[Block, ...] = (
            Paragraph.of(t("site_not_member", name=r.municipality_name)),
            Paragraph.of(t("fs_tracks", tracks="; ".join(items) or t("fs_none"))),
        )
        sheets.append(FactSheet(code, str(r.municipality_name), b.region(r.region_code), blocks))
    return sheets
