"""Regions: the regions' emissions per inhabitant and their own indicators."""

from __future__ import annotations

from ..context import Context, rows_of
from ..model import Block, Paragraph


def blocks(c: Context) -> list[Block]:
    region_year = c.data["region_year"]
    summary = c.data["indicator_summary"]
    regional = summary[summary["entity_type"] == "region"]
    if region_year.empty and regional.empty:
        return [Paragraph.of(c.t("regions_no_data"))]
    out: list[Block] = []
    complete = region_year[region_year["gross_t"].notna()]
    if not complete.empty:
        year = int(complete["year"].max())
        latest = complete[complete["year"] == year]
        out.append(Paragraph.of(c.t("regions_text", year=year)))
        rows = [
            (
                c.region(r.region_code),
                c.f.tonnes(r.gross_t),
                c.f.integer(r.population),
                c.f.number(r.per_capita_t, 2),
            )
            for r in rows_of(latest)
        ]
        header = [
            c.t("col_region"),
            c.t("col_gross"),
            c.t("col_population"),
            c.t("col_per_capita"),
        ]
        out.append(
            c.table(
                "region_year",
                c.t("table_region_year", year=year),
                header,
                rows,
                "lrrr",
                region_year,
            )
        )
    if regional.empty:
        out.append(Paragraph.of(c.t("regions_no_indicators")))
        return out
    rows = [
        (
            c.region(r.entity_code),
            c.indicator_names.get(r.indicator, r.indicator),
            str(int(r.latest_year)),
            f"{c.f.number(r.value, 1)} {c.t.unit(r.unit)}",
            c.f.number(r.change_1y, 1, sign=True),
        )
        for r in rows_of(regional.sort_values(["indicator", "entity_code"]))
    ]
    header = [
        c.t(k) for k in ("col_region", "col_indicator", "col_year", "col_value", "col_change_1y")
    ]
    out.append(
        c.table(
            "regional_indicators",
            c.t("table_region_ind"),
            header,
            rows,
            "llrrr",
            regional,
            small=True,
        )
    )
    return out
