"""Summary: the cohort's and Denmark's latest emissions, how many members are on track,
implementation and plan coverage, as key figures, and how many members moved between
statuses since the previous report."""

from __future__ import annotations

import pandas as pd

from .. import style
from ..context import BASE_YEAR, MUNICIPALITIES_IN_DENMARK, PROJECTIONS, Context
from ..model import Block, KeyFigure, KeyFigures, Paragraph


def blocks(c: Context) -> list[Block]:
    t, f = c.t, c.f
    out: list[Block] = []
    cohort = c.data["cohort_year"]
    latest = latest_complete(cohort)
    intro = (
        t(
            "summary_intro",
            members=f.integer(len(c.members)),
            municipalities=MUNICIPALITIES_IN_DENMARK,
            year=int(latest["year"]),
        )
        if latest is not None
        else t("summary_no_latest")
    )
    out.append(Paragraph.of(intro))
    out.extend(status_moves(c))
    figures: list[KeyFigure] = []
    if latest is not None:
        figures.append(
            KeyFigure(
                t("kf_cohort", year=int(latest["year"])),
                t("value_t", value=f.tonnes(latest["gross_t"])),
                change_since_base(c, cohort, latest),
            )
        )
    national = c.data["national_year"]
    nat_latest = latest_complete(national)
    if nat_latest is not None:
        figures.append(
            KeyFigure(
                t("kf_national", year=int(nat_latest["year"])),
                t("value_t", value=f.tonnes(nat_latest["gross_t"])),
                change_since_base(c, national, nat_latest),
            )
        )
    summary = c.data["status_summary"]
    cohort_rows = summary[summary["scope"] == "cohort"].set_index("projection")
    for projection in PROJECTIONS:
        if projection in cohort_rows.index:
            row = cohort_rows.loc[projection]
            figures.append(
                KeyFigure(
                    t("kf_on_track", projection=t(f"projection_{projection}")),
                    t("of", n=f.integer(row["on_track"]), m=f.integer(row["members"])),
                )
            )
    if "status" in cohort_rows.index:
        row = cohort_rows.loc["status"]
        for status in style.STATUS_ORDER:
            figures.append(
                KeyFigure(
                    t("kf_status", status=c.status_names[status]),
                    t("of", n=f.integer(row[status]), m=f.integer(row["members"])),
                )
            )
    actions = c.data["actions"]
    if not actions.empty:
        done = int(actions["in_progress"].sum() + actions["completed"].sum())
        active = int(actions[["planned", "in_progress", "completed"]].to_numpy().sum())
        figures.append(
            KeyFigure(
                t("kf_implementation"),
                f.pct(100 * done / active if active else None),
                t("kf_implementation_note", done=f.integer(done), active=f.integer(active)),
            )
        )
    status = c.data["status"]
    if not status.empty:
        covered = int((status["plan_coverage_pct"] >= 100).sum())
        figures.append(
            KeyFigure(
                t("kf_coverage"),
                t("of", n=f.integer(covered), m=f.integer(len(status))),
                t("kf_coverage_note"),
            )
        )
    if figures:
        out.append(KeyFigures(tuple(figures)))
        out.append(Paragraph.of(t("summary_projection_note"), note=True))
    else:
        out.append(c.not_available())
    out.append(Paragraph.of(t("credit_emissions"), note=True))
    return out


# The reasons of mart.status_change, in the order the summary names them.
MOVE_REASONS = ("revised_inventory", "new_inventory_year", "new_plan_data")


def status_moves(c: Context) -> list[Block]:
    """How many members moved between statuses since the report for the previous report
    year, and why (mart.status_change). Nothing without a previous report year."""
    t, f = c.t, c.f
    changes = c.data["status_change"]
    if changes.empty:
        return []
    previous = f.year(changes["previous_report_year"].iloc[0])
    moved = changes[changes["status_changed"].astype(bool)]
    if moved.empty:
        return [Paragraph.of(t("summary_moved_none", previous=previous))]
    counts = moved["reason"].value_counts()
    parts = [t(f"moved_{r}", n=f.integer(counts[r])) for r in MOVE_REASONS if r in counts]
    reasons = (
        parts[-1] if len(parts) == 1 else (", ".join(parts[:-1]) + f" {t('word_and')} {parts[-1]}")
    )
    key = "summary_moved_one" if len(moved) == 1 else "summary_moved"
    return [Paragraph.of(t(key, previous=previous, n=f.integer(len(moved)), reasons=reasons))]


def latest_complete(frame: pd.DataFrame) -> pd.Series | None:
    complete = frame[frame["gross_t"].notna()]
    return None if complete.empty else complete.iloc[-1]


def change_since_base(c: Context, frame: pd.DataFrame, latest: pd.Series) -> str:
    base = frame[(frame["year"] == BASE_YEAR) & frame["gross_t"].notna()]
    if base.empty or not base.iloc[0]["gross_t"]:
        return ""
    change = 100 * (latest["gross_t"] / base.iloc[0]["gross_t"] - 1)
    return c.t("change_since", change=c.f.pct(change, sign=True), year=BASE_YEAR)
