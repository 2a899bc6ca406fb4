"""Emission trend: the cohort's emissions by sector against its combined target path."""

from __future__ import annotations

import pandas as pd

from .. import charts
from ..context import Context, rows_of
from ..model import Block, Paragraph


def blocks(c: Context) -> list[Block]:
    cohort = c.data["cohort_year"]
    complete_years = set(cohort.loc[cohort["gross_t"].notna(), "year"])
    sector_year = c.data["sector_year"]
    sector_year = sector_year[sector_year["year"].isin(complete_years)]
    if sector_year.empty:
        return [c.not_available()]
    path, n = combined_path(c)
    # From the first inventory year to the last target year: the path before the
    # inventories (1990 baselines) shows nothing to compare with.
    first = int(sector_year["year"].min())
    last = max(int(c.data["status"]["target_year"].max()) if n else c.year, c.year)
    names = {k: v for k, v in c.sector_names.items() if k != "cross_cutting"}
    fig = charts.trend(
        sector_year,
        path,
        names,
        {"path": c.t("path"), "unit_kt": c.t("unit_kt")},
        c.f,
        (first, last),
    )
    chart_data = sector_year.pivot_table(
        index="year", columns="sector", values="emissions_t"
    ).reset_index()
    shown_path = path[(path["year"] >= first) & (path["year"] <= last)]
    chart_data = chart_data.merge(shown_path, on="year", how="outer").sort_values("year")
    out: list[Block] = [Paragraph.of(c.t("trend_text", n=n, first=first, last=last))]
    out.append(
        c.figure(
            "trend",
            fig,
            c.t("trend_caption"),
            c.t("trend_alt"),
            chart_data,
            c.t("credit_emissions"),
        )
    )
    table = cohort.merge(path, on="year", how="left")
    rows = [
        (
            str(int(r.year)),
            c.f.tonnes(r.gross_t),
            c.f.tonnes(r.path_t),
            c.f.integer(r.municipalities_missing),
            c.f.number(r.per_capita_t, 2),
        )
        for r in rows_of(table)
    ]
    header = [
        c.t(k) for k in ("col_year", "col_gross", "col_path", "col_missing", "col_per_capita")
    ]
    out.append(c.table("cohort_year", c.t("table_trend"), header, rows, "lrrrr", table))
    return out


def combined_path(c: Context) -> tuple[pd.DataFrame, int]:
    """The members' target paths summed by year, and how many members they are."""
    paths = c.data["member_path"]
    n = paths["municipality_code"].nunique()
    combined = paths.groupby("year", as_index=False)["path_t"].sum()
    return combined, n
