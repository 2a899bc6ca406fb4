"""Plan revision: where the members are in revising their plans, who was recertified in
the report year and whose revision is overdue."""

from __future__ import annotations

import pandas as pd

from ..context import Context, rows_of
from ..model import Block, Paragraph

REVISION_ORDER = ("not_started", "in_progress", "submitted", "recertified")
# The columns of the recertified and overdue lists' data files.
LISTED = ["municipality_code", "municipality_name", "region_code", "revision_status",
          "recertified_on", "next_revision_year"]  # fmt: skip


def blocks(c: Context) -> list[Block]:
    t, f = c.t, c.f
    revision = c.data["plan_revision"]
    if revision.empty:
        return [Paragraph.of(t("revision_none"))]
    frame = revision.copy()
    frame.insert(1, "municipality_name", frame["municipality_code"].map(c.names))
    frame.insert(2, "region_code", frame["municipality_code"].map(c.region_of))
    frame["recertified_on"] = pd.to_datetime(frame["recertified_on"])
    frame = frame.sort_values(["municipality_name", "municipality_code"])
    overdue = frame[frame["is_overdue"].fillna(False).astype(bool)]
    this_year = frame[frame["recertified_on"].dt.year == c.year]
    out: list[Block] = [
        Paragraph.of(
            t(
                "revision_text",
                members=f.integer(len(frame)),
                recertified=f.integer(len(this_year)),
                overdue=f.integer(len(overdue)),
                year=c.year,
            )
        )
    ]
    statuses = frame["revision_status"].fillna("unknown")
    counts = statuses.value_counts()
    order = [k for k in (*REVISION_ORDER, "unknown") if k in counts.index]
    count_frame = pd.DataFrame(
        {"revision_status": order, "members": [int(counts[k]) for k in order]}
    )
    out.append(
        c.table(
            "plan_revision_status",
            t("table_revision"),
            [t("col_revision_status"), t("col_members"), t("col_share")],
            [
                (t(f"revision_{k}"), f.integer(n), f.pct(100 * n / len(frame)))
                for k, n in zip(order, count_frame["members"], strict=True)
            ],
            "lrr",
            count_frame,
        )
    )
    out += recertified(c, this_year)
    out += overdue_list(c, overdue)
    return out


def recertified(c: Context, this_year: pd.DataFrame) -> list[Block]:
    t, f = c.t, c.f
    caption = t("table_recertified", year=c.year)
    if this_year.empty:
        return [Paragraph.of(t("revision_no_recertified", year=c.year))]
    if not c.lists_members:
        return [c.in_data_only("plan_revision_recertified", caption, this_year[LISTED])]
    rows = [
        (
            str(r.municipality_name),
            c.short_region(r.region_code),
            f.date(r.recertified_on),
            f.year(r.next_revision_year),
        )
        for r in rows_of(this_year.sort_values(["recertified_on", "municipality_name"]))
    ]
    header = [t(k) for k in ("col_municipality", "col_region", "col_recertified",
                             "col_next_revision")]  # fmt: skip
    return [c.table("plan_revision_recertified", caption, header, rows, "llrr", this_year[LISTED])]


def overdue_list(c: Context, overdue: pd.DataFrame) -> list[Block]:
    t, f = c.t, c.f
    caption = t("table_overdue", year=c.year)
    rule = t("revision_overdue_rule", year=c.year)
    if overdue.empty:
        return [Paragraph.of(t("revision_no_overdue"))]
    if not c.lists_members:
        return [
            c.in_data_only("plan_revision_overdue", caption, overdue[LISTED]),
            Paragraph.of(rule, note=True),
        ]
    rows = [
        (
            str(r.municipality_name),
            c.short_region(r.region_code),
            c.revision_label(r.revision_status),
            f.year(r.next_revision_year),
        )
        for r in rows_of(overdue)
    ]
    header = [t(k) for k in ("col_municipality", "col_region", "col_revision_status",
                             "col_revision_due")]  # fmt: skip
    return [
        c.table("plan_revision_overdue", caption, header, rows, "lllr", overdue[LISTED], note=rule)
    ]
