"""Carbon budget: each member's share of the budget and the year it runs out."""

from __future__ import annotations

from ..context import Context, rows_of
from ..model import Block, Paragraph


def blocks(c: Context) -> list[Block]:
    budget = c.data["carbon_budget"]
    if budget.empty:
        return [Paragraph.of(c.t("budget_none"))]
    runs_out = int(budget["budget_runs_out_year"].notna().sum())
    out: list[Block] = [
        Paragraph.of(c.t("budget_text", n=c.f.integer(runs_out), m=c.f.integer(len(budget))))
    ]
    frame = budget.copy()
    frame.insert(1, "municipality_name", frame["municipality_code"].map(c.names))
    frame = frame.sort_values(["budget_runs_out_year", "municipality_name"], na_position="last")
    rows = [
        (
            str(r.municipality_name),
            c.f.tonnes(r.budget_share_t),
            c.f.tonnes(r.cumulative_t),
            c.f.year(r.budget_runs_out_year),
        )
        for r in rows_of(frame)
    ]
    header = [
        c.t(k) for k in ("col_municipality", "col_budget_share", "col_cumulative", "col_runs_out")
    ]
    out.append(
        c.table("carbon_budget", c.t("table_budget"), header, rows, "lrrr", frame, small=True)
    )
    return out
