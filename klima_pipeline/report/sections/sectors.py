"""Sectors: the cohort's emissions by sector, the base year against the latest year."""

from __future__ import annotations

import pandas as pd

from .. import charts, style
from ..context import BASE_YEAR, Context, rows_of
from ..model import Block, Paragraph


def blocks(c: Context) -> list[Block]:
    cohort = c.data["cohort_year"]
    complete = sorted(cohort.loc[cohort["gross_t"].notna(), "year"])
    sector_year = c.data["sector_year"]
    if not complete or sector_year.empty:
        return [c.not_available()]
    first = BASE_YEAR if BASE_YEAR in complete else complete[0]
    last = complete[-1]
    wide = sector_year[sector_year["year"].isin([first, last])].pivot_table(
        index="sector", columns="year", values="emissions_t"
    )
    order = [x for x in c.sector_names if x in wide.index]
    wide = wide.reindex(order)
    frame = pd.DataFrame(
        {
            "sector": order,
            "name": [c.sector(x) for x in order],
            f"emissions_{first}_t": wide.get(first),
            f"emissions_{last}_t": wide.get(last),
        }
    ).reset_index(drop=True)
    frame["change_pct"] = 100 * (frame[f"emissions_{last}_t"] / frame[f"emissions_{first}_t"] - 1)
    fig = charts.grouped_bars(
        frame,
        "name",
        [
            (f"emissions_{first}_t", str(first), style.MUTED),
            (f"emissions_{last}_t", str(last), style.ACCENT),
        ],
        {"unit": c.t("unit_kt")},
        c.f,
    )
    out: list[Block] = [Paragraph.of(c.t("sectors_text", first=first, last=last))]
    out.append(
        c.figure(
            "sectors",
            fig,
            c.t("sectors_caption", first=first, last=last),
            c.t("sectors_alt"),
            frame,
            c.t("credit_emissions"),
        )
    )
    rows = [
        (
            r.name,
            c.f.tonnes(getattr(r, f"emissions_{first}_t")),
            c.f.tonnes(getattr(r, f"emissions_{last}_t")),
            c.f.pct(r.change_pct, sign=True),
        )
        for r in rows_of(frame)
    ]
    header = [c.t("col_sector"), str(first), str(last), c.t("col_change")]
    # The table is in tonnes, the chart in thousands: the caption drops the chart's unit.
    caption = (
        c.t("sectors_caption", first=first, last=last)
        .replace(" (1.000 t CO2e)", "")
        .replace(" (1,000 t CO2e)", "")
    )
    out.append(c.table("sectors_table", caption, header, rows, "lrrr", frame))
    return out
