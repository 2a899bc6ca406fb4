"""Indicators: the national series of each indicator, and its best and worst member."""

from __future__ import annotations

import pandas as pd

from .. import charts
from ..context import Context
from ..model import Block, Paragraph


def blocks(c: Context) -> list[Block]:
    summary = c.data["indicator_summary"]
    munis = summary[summary["entity_type"] == "municipality"]
    if munis.empty:
        return [c.not_available()]
    catalogue = c.data["indicator_catalogue"].set_index("indicator")
    series = c.data["indicator_series"]
    national = series[series["entity_type"] == "national"]
    out: list[Block] = [Paragraph.of(c.t("indicators_text"))]
    if not national.empty:
        shown = [i for i in catalogue.index if i in set(national["indicator"])]
        titles = {i: c.indicator_names.get(i, i) for i in shown}
        units = {i: c.t.unit(catalogue.loc[i, "unit"]) for i in shown}
        fig = charts.small_multiples(national, titles, units, c.f)
        out.append(
            c.figure(
                "indicators",
                fig,
                c.t("indicators_caption"),
                c.t("indicators_alt"),
                national,
            )
        )
    # Best and worst by rank (1 = best in the indicator's better direction).
    ranked = munis.dropna(subset=["rank"]).sort_values(["indicator", "rank", "entity_code"])
    best = ranked.groupby("indicator").head(1).set_index("indicator")
    worst = ranked.groupby("indicator").tail(1).set_index("indicator")
    rows, records = [], []
    not_computed = False
    for indicator in [i for i in catalogue.index if i in best.index]:
        b, w = best.loc[indicator], worst.loc[indicator]
        unit = c.t.unit(b["unit"])
        # The metrics layer computes national values only from summed counts
        # (methodology.md); for the others the cell says so instead of a dash.
        if pd.isna(b["national_value"]):
            national_text = c.t("not_computed")
            not_computed = True
        else:
            national_text = f"{c.f.number(b['national_value'], 1)} {unit}"
        rows.append(
            (
                c.indicator_names.get(indicator, indicator),
                national_text,
                with_value(c, b),
                with_value(c, w),
            )
        )
        records.append(
            {
                "indicator": indicator,
                "national_value": b["national_value"],
                "unit": b["unit"],
                "best_code": b["entity_code"],
                "best_value": b["value"],
                "worst_code": w["entity_code"],
                "worst_value": w["value"],
            }
        )
    header = [c.t(k) for k in ("col_indicator", "col_national", "col_best", "col_worst")]
    out.append(
        c.table(
            "indicators_best_worst",
            c.t("sec_indicators"),
            header,
            rows,
            "lrll",
            pd.DataFrame(records),
            small=True,
            note=c.t("indicators_national_note") if not_computed else "",
        )
    )
    return out


def with_value(c: Context, row: pd.Series) -> str:
    """`Aarhus (12,3)`: a member by name, with its value of the indicator."""
    return f"{c.names.get(row['entity_code'], row['entity_code'])} ({c.f.number(row['value'], 1)})"
