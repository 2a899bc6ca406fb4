"""Appendix: data quality: the findings of the checks by source file and rule, each
finding with its file, row and column, the inventory values that the latest data
version revised, and the status changes those revisions caused."""

from __future__ import annotations

import pandas as pd

from ..context import Context, rows_of
from ..model import Block, Paragraph

# A revision of an inventory value is significant when it moves the municipality's gross
# emissions of that year by at least this much (percent); the table shows the largest.
REVISION_THRESHOLD_PCT = 1.0
REVISIONS_SHOWN = 25
# Findings listed one by one; the data file beside the table holds every one of them.
FINDINGS_SHOWN = 100


def blocks(c: Context) -> list[Block]:
    return [*findings(c), *finding_list(c), *revisions(c), *revision_status_changes(c)]


def findings(c: Context) -> list[Block]:
    table = c.data["data_quality"]
    if "data_quality" in c.data.missing:
        return [c.not_available()]
    if table.empty:
        return [Paragraph.of(c.t("dq_none"))]
    rows = [
        (
            r.source_file,
            r.rule,
            c.t(f"severity_{r.severity}") if c.t.has(f"severity_{r.severity}") else str(r.severity),
            c.f.integer(r.findings),
        )
        for r in rows_of(table)
    ]
    header = [c.t(k) for k in ("col_source", "col_rule", "col_severity", "col_findings")]
    return [
        Paragraph.of(c.t("dq_text")),
        c.table("data_quality", c.t("table_dq"), header, rows, "lllr", table, small=True),
    ]


def finding_list(c: Context) -> list[Block]:
    """Every finding where an analyst finds it in the export: file, row and column."""
    if "data_quality_findings" in c.data.missing:
        return []
    table = c.data["data_quality_findings"]
    if table.empty:
        return []
    shown = table.head(FINDINGS_SHOWN)
    rows = [
        (
            r.source_file,
            "" if pd.isna(r.row_number) else str(int(r.row_number)),
            "" if pd.isna(r.column_name) else r.column_name,
            r.rule,
            r.message,
        )
        for r in rows_of(shown)
    ]
    header = [
        c.t(k) for k in ("col_source", "dq_col_row", "dq_col_column", "col_rule", "dq_col_message")
    ]
    text = c.t("dq_list_text", shown=c.f.integer(len(shown)), n=c.f.integer(len(table)))
    return [
        Paragraph.of(text),
        c.table(
            "data_quality_findings", c.t("table_dq_list"), header, rows, "lrlll", table, small=True
        ),
    ]


def revisions(c: Context) -> list[Block]:
    """Inventory values the latest data version changed. Nothing without the table
    (warehouses before it existed), one line when nothing changed."""
    t, f = c.t, c.f
    if "revisions" in c.data.missing:
        return []
    revised = c.data["revisions"]
    if revised.empty:
        return [Paragraph.of(t("revisions_none"))]
    threshold = f.pct(REVISION_THRESHOLD_PCT, 0)
    significant = revised[revised["share_of_gross_pct"].abs() >= REVISION_THRESHOLD_PCT]
    out: list[Block] = [
        Paragraph.of(
            t(
                "revisions_text",
                n=f.integer(len(revised)),
                m=f.integer(len(significant)),
                threshold=threshold,
            )
        )
    ]
    if significant.empty:
        return out
    shown = significant.head(REVISIONS_SHOWN)
    rows = [
        (
            c.names.get(r.municipality_code, str(r.municipality_code)),
            str(int(r.year)),
            str(r.source_sector),
            f.tonnes(r.old_t),
            f.tonnes(r.new_t),
            f.number(r.change_t, sign=True),
            f.pct(r.share_of_gross_pct, sign=True),
        )
        for r in rows_of(shown)
    ]
    header = [t(k) for k in ("col_municipality", "col_year", "col_sector", "col_before",
                             "col_after", "col_change_t", "col_share_of_gross")]  # fmt: skip
    note = t("revisions_rule", threshold=threshold)
    if len(significant) > len(shown):
        note += " " + t("revisions_more", shown=len(shown), m=f.integer(len(significant)))
    frame = revised.copy()
    frame.insert(1, "municipality_name", frame["municipality_code"].map(c.names))
    out.append(
        c.table(
            "revisions", t("table_revisions"), header, rows, "lrlrrrr", frame, small=True,
            note=note,
        )
    )  # fmt: skip
    return out


def revision_status_changes(c: Context) -> list[Block]:
    """The members whose status a revised inventory changed since the previous report
    (mart.status_change, reason revised_inventory), with how many of their values the
    revision changed. Nothing without a previous report year."""
    t, f = c.t, c.f
    changes = c.data["status_change"]
    if changes.empty:
        return []
    previous = f.year(changes["previous_report_year"].iloc[0])
    caused = changes[
        changes["status_changed"].astype(bool) & (changes["reason"] == "revised_inventory")
    ]
    if caused.empty:
        return [Paragraph.of(t("revision_status_none", previous=previous))]
    key = "revision_status_one" if len(caused) == 1 else "revision_status_text"
    rows = [
        (
            c.names.get(r.municipality_code, str(r.municipality_code)),
            c.status_names.get(r.previous_status, str(r.previous_status)),
            c.status_names.get(r.current_status, str(r.current_status)),
            f.integer(r.revised_values),
        )
        for r in rows_of(caused)
    ]
    header = [t("col_municipality"), t("col_status_then", year=previous), t("col_status_now"),
              t("col_revised_values")]  # fmt: skip
    frame = caused.copy()
    frame.insert(1, "municipality_name", frame["municipality_code"].map(c.names))
    return [
        Paragraph.of(t(key, n=f.integer(len(caused)), previous=previous)),
        c.table("revision_status_changes", t("table_revision_status"), header, rows, "lllr",
                frame, small=True),
    ]  # fmt: skip
