"""All members: one row per member with its emissions, gap, status and implementation."""

from __future__ import annotations

from ..context import Context, rows_of
from ..model import Block, Paragraph

COLUMNS = ("col_municipality", "col_region", "col_latest_year", "col_latest_t",
           "col_reduction", "col_gap", "col_status", "col_implementation",
           "col_coverage")  # fmt: skip


def blocks(c: Context) -> list[Block]:
    status = c.data["status"]
    if status.empty:
        return [c.not_available()]
    frame = status.merge(
        c.data["municipality"][["municipality_code", "municipality_name", "region_code"]],
        on="municipality_code",
        how="left",
    ).sort_values(["municipality_name", "municipality_code"])
    caption = c.t("table_members", year=c.year)
    if not c.lists_members:
        return [c.in_data_only("members", caption, frame)]
    f = c.f
    rows = [
        (
            str(r.municipality_name),
            c.short_region(r.region_code),
            f.year(r.latest_year),
            f.tonnes(r.latest_t),
            f.pct(r.reduction_pct),
            f.tonnes(r.gap_t),
            c.status_names.get(r.status, str(r.status)),
            f.pct(r.implementation_pct),
            f.pct(r.plan_coverage_pct),
        )
        for r in rows_of(frame)
    ]
    header = [c.t(k) for k in COLUMNS]
    return [
        Paragraph.of(c.t("members_text")),
        c.table("members", caption, header, rows, "llrrrrlrr", frame, small=True),
    ]
