"""Actions: the members' actions of the report year by sector and status."""

from __future__ import annotations

from .. import charts
from ..context import Context, rows_of
from ..model import Block, Paragraph

COUNTS = ("planned", "in_progress", "completed", "cancelled")


def blocks(c: Context) -> list[Block]:
    actions = c.data["actions"]
    if actions.empty:
        return [c.not_available()]
    counts = list(COUNTS)
    by_sector = actions.groupby("sector", as_index=False)[
        [*counts, "expected_t", "expected_completed_t"]
    ].sum()
    by_sector = c.sorted_by_sector(by_sector).reset_index(drop=True)
    by_sector.insert(1, "name", by_sector["sector"].map(c.sector))
    by_sector["total"] = by_sector[counts].sum(axis=1)
    total = int(by_sector["total"].sum())
    names = {x: c.t(f"action_{x}") for x in counts}
    fig = charts.stacked_actions(by_sector, "name", names, {"actions": c.t("actions_word")})
    out: list[Block] = [
        Paragraph.of(c.t("actions_text", total=c.f.integer(total), year=c.year)),
        c.figure("actions", fig, c.t("actions_caption"), c.t("actions_alt"), by_sector),
    ]
    header = [
        c.t("col_sector"),
        *names.values(),
        c.t("col_total"),
        c.t("col_expected"),
        c.t("col_expected_completed"),
    ]
    rows = [
        [
            r.name,
            *(c.f.integer(getattr(r, x)) for x in counts),
            c.f.integer(r.total),
            c.f.tonnes(r.expected_t),
            c.f.tonnes(r.expected_completed_t),
        ]
        for r in rows_of(by_sector)
    ]
    out.append(
        c.table(
            "actions_by_sector",
            c.t("actions_caption"),
            header,
            rows,
            "lrrrrrrr",
            by_sector,
            small=True,
        )
    )
    return out
