"""Effect of completed actions: the observed reduction by sector against what the
completed actions were expected to achieve."""

from __future__ import annotations

from .. import charts, style
from ..context import Context, rows_of
from ..model import Block, Paragraph


def blocks(c: Context) -> list[Block]:
    effect = c.data["effect"]
    if effect.empty:
        return [c.not_available()]
    # Sector totals: the ratio of sums, like the members' ratios (metrics.md).
    by_sector = effect.groupby("sector", as_index=False)[
        ["observed_reduction_t", "expected_completed_t"]
    ].sum(min_count=1)
    by_sector["effect_ratio"] = by_sector["observed_reduction_t"] / by_sector[
        "expected_completed_t"
    ].where(by_sector["expected_completed_t"] > 0)
    by_sector = c.sorted_by_sector(by_sector).reset_index(drop=True)
    by_sector.insert(1, "name", by_sector["sector"].map(c.sector))
    fig = charts.grouped_bars(
        by_sector,
        "name",
        [
            ("observed_reduction_t", c.t("observed"), style.ACCENT),
            ("expected_completed_t", c.t("expected_completed"), style.OKABE_ITO["green"]),
        ],
        {"unit": c.t("unit_kt")},
        c.f,
    )
    out: list[Block] = [
        Paragraph.of(c.t("effect_text")),
        c.figure("effect", fig, c.t("effect_caption"), c.t("effect_alt"), by_sector),
    ]
    header = [
        c.t("col_sector"),
        c.t("col_observed"),
        c.t("col_expected_completed"),
        c.t("col_effect_ratio"),
    ]
    rows = [
        (
            r.name,
            c.f.tonnes(r.observed_reduction_t),
            c.f.tonnes(r.expected_completed_t),
            c.f.ratio(r.effect_ratio),
        )
        for r in rows_of(by_sector)
    ]
    out.append(
        c.table(
            "effect_by_sector",
            c.t("effect_caption").split(" (")[0],
            header,
            rows,
            "lrrr",
            by_sector,
        )
    )
    return [*out, *sector_gaps(c)]


def sector_gaps(c: Context) -> list[Block]:
    """What each sector still needs against the planned and ongoing actions, summed over
    the members with a target (mart.sector_gaps: a member's remaining reduction shared
    out by its sectors' emissions)."""
    gaps = c.data["sector_gaps"]
    gaps = gaps[(gaps["sector"] != "cross_cutting") & gaps["needed_t"].notna()]
    if gaps.empty:
        return []
    by_sector = gaps.groupby("sector", as_index=False)[["needed_t", "expected_open_t"]].sum()
    by_sector["remaining_gap_t"] = by_sector["needed_t"] - by_sector["expected_open_t"]
    by_sector["open_coverage_pct"] = (
        100 * by_sector["expected_open_t"] / by_sector["needed_t"].where(by_sector["needed_t"] > 0)
    )
    by_sector = c.sorted_by_sector(by_sector).reset_index(drop=True)
    by_sector.insert(1, "name", by_sector["sector"].map(c.sector))
    header = [c.t(k) for k in ("col_sector", "col_needed", "col_open", "col_remaining",
                               "col_open_coverage")]  # fmt: skip
    rows = [
        (
            r.name,
            c.f.tonnes(r.needed_t),
            c.f.tonnes(r.expected_open_t),
            c.f.tonnes(r.remaining_gap_t),
            c.f.pct(r.open_coverage_pct),
        )
        for r in rows_of(by_sector)
    ]
    return [
        Paragraph.of(c.t("gaps_text")),
        c.table("sector_gaps", c.t("table_sector_gaps"), header, rows, "lrrrr", by_sector),
    ]
