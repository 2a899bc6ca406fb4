"""Fact sheets: one page per member, as Markdown files and one combined PDF.

All members' data is grouped once up front (no query or chart per member); a sheet is a
handful of small tables, so the combined PDF is one Typst compile however many members
there are.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Executor, Future
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from . import style
from .content import Builder
from .context import Row, row_by, rows_by, rows_of
from .files import write_bytes
from .fmt import Formatter
from .model import Block, KeyFigure, KeyFigures, Paragraph, Table
from .render import compile_pdf, render
from .reuse import Reuse, sheets_key

ACTION_COLS = ["planned", "in_progress", "completed", "cancelled"]
COMBINED = {"da": "faktaark", "en": "fact-sheets"}


@dataclass(frozen=True)
class FactSheet:
    code: str
    title: str
    subtitle: str
    blocks: tuple[Block, ...]


def sheets(b: Builder) -> list[FactSheet]:
    t, f = b.t, b.f
    status = b.data["status"]
    if status.empty:
        return []
    # Every member's rows, grouped once (context.rows_by): no filter or lookup per member.
    path = {(str(p.municipality_code), p.year): p.path_t for p in rows_of(b.data["member_path"])}
    trends = rows_by(b.data["member_year"][["municipality_code", "year", "gross_t"]],
                     "municipality_code")  # fmt: skip
    sector_table = _sector_table(b)
    summary = b.data["indicator_summary"]
    indicators = rows_by(summary[summary["entity_type"] == "municipality"], "entity_code")
    participation = b.data["track_participation"]
    participation = participation[participation["participant_type"] == "municipality"]
    track_by_code = rows_by(participation, "participant_code")
    tracks = row_by(b.data["tracks"], "track_id")
    revision = row_by(b.data["plan_revision"], "municipality_code")
    peers = rows_by(b.data["peer_comparison"], "municipality_code")
    peer_groups = row_by(b.data["peer_group"], "municipality_code")
    changes = row_by(b.data["status_change"], "municipality_code")

    out = []
    for r in rows_of(status.sort_values("municipality_code")):
        code = str(r.municipality_code)
        name = str(b.names[code]) if code in b.names else code
        region = b.region(b.municipality_region[code]) if code in b.names else ""
        blocks: list[Block] = [
            KeyFigures((
                KeyFigure(t("fs_latest", year=f.year(r.latest_year)),
                          t("value_t", value=f.tonnes(r.latest_t))),
                KeyFigure(t("fs_reduction", year=f.year(r.baseline_year)),
                          f.pct(r.reduction_pct)),
                KeyFigure(t("fs_gap"), t("value_t", value=f.tonnes(r.gap_t))),
                KeyFigure(t("fs_target", year=f.year(r.target_year)),
                          t("value_t", value=f.tonnes(r.target_t))),
                KeyFigure(t("fs_rates"),
                          f"{f.pct(_pct(r.r_obs))} / {f.pct(_pct(r.r_req))}"),
                KeyFigure(t("fs_implementation") + " / " + t("fs_coverage"),
                          f"{f.pct(r.implementation_pct)} / {f.pct(r.plan_coverage_pct)}"),
            )),
            Paragraph.of(t("fs_projections", year=f.year(r.target_year),
                           lin=f.tonnes(r.proj_lin_t), exp=f.tonnes(r.proj_exp_t),
                           cons=f.tonnes(r.proj_cons_t), target=f.tonnes(r.target_t))),
        ]  # fmt: skip
        change = changes.get(code)
        if change is not None and bool(change.status_changed):
            blocks.append(Paragraph.of(t(
                "fs_status_change", previous=f.year(change.previous_report_year),
                status=b.status_names.get(change.previous_status, change.previous_status),
                reason=t(f"reason_{change.reason}"))))  # fmt: skip
        # Emissions and path by year, years as columns: the trend at a glance.
        trend = trends.get(code, [])
        if trend:
            blocks.append(Table(
                id="trend", caption=t("fs_trend"),
                header=(t("col_year"), *(str(int(y.year)) for y in trend)),
                rows=((t("col_gross"), *(f.tonnes(y.gross_t) for y in trend)),
                      (t("col_path"), *(f.tonnes(path.get((code, y.year))) for y in trend))),
                align=("left", *("right" for _ in trend)), small=True,
            ))  # fmt: skip
        # The sector gap (mart.sector_gaps): what the sector still needs against its
        # planned and ongoing actions; completed ones are in the effect ratio instead.
        blocks.append(Table(
            id="sectors", caption=t("fs_sectors"),
            header=(t("col_sector"), t("col_baseline"), t("col_latest"), t("col_actions"),
                    t("col_expected"), t("col_effect_ratio"), t("col_needed"), t("col_open")),
            rows=tuple(
                (b.sector(s.sector), f.tonnes(s.baseline_t), f.tonnes(s.latest_t),
                 f.integer(sum(getattr(s, c) for c in ACTION_COLS)
                           if pd.notna(s.planned) else None),
                 f.tonnes(s.expected_t), f.ratio(s.effect_ratio), f.tonnes(s.needed_t),
                 f.tonnes(s.expected_open_t))
                for s in sector_table.get(code, [])
            ),
            align=("left", *("right" for _ in range(7))), small=True,
        ))  # fmt: skip
        own_peers = peers.get(code, [])
        blocks.extend(_peer_table(b, own_peers, peer_groups.get(code)))
        ind = indicators.get(code)
        if ind is not None:
            peer_median = {p.measure: p.peer_median for p in own_peers}
            blocks.append(Table(
                id="indicators", caption=t("fs_indicators"),
                header=(t("col_indicator"), t("col_value"), t("col_rank"),
                        t("col_peer_median"), t("col_national")),
                rows=tuple(
                    (b.indicator_names.get(i.indicator, i.indicator),
                     _with_unit(f, i.value, t.unit(i.unit), f.missing),
                     t("of", n=f.integer(i.rank), m=f.integer(i.rank_of)),
                     _with_unit(f, peer_median.get(i.indicator), t.unit(i.unit), f.missing),
                     _with_unit(f, i.national_value, t.unit(i.unit), t("not_computed")))
                    for i in ind
                ),
                align=("left", "right", "right", "right", "right"), small=True,
            ))  # fmt: skip
        items = [
            t("fs_track_item", title=tracks[x.track_id].title,
              status=t(f"track_{tracks[x.track_id].status}"))
            for x in track_by_code.get(code, []) if x.track_id in tracks
        ]  # fmt: skip
        blocks.append(Paragraph.of(t("fs_tracks", tracks="; ".join(items) or t("fs_none"))))
        if code in revision:
            blocks.append(Paragraph.of(t("fs_revision", status=_revision(b, revision[code]))))
        status_name = b.status_names.get(r.status, str(r.status))
        out.append(FactSheet(code, name, t("fs_region_status", region=region, status=status_name),
                             tuple(blocks)))  # fmt: skip
    return out


# The status measures of mart.peer_comparison a sheet shows first, in this order; the
# indicators' peer medians go into the indicator table.
PEER_MEASURES = ("gross_per_capita_t", "reduction_pct", "r_obs")


def _peer_table(b: Builder, peers: list[Row], group: Row | None) -> list[Block]:
    """Compared with similar municipalities: the member, its peer group's median,
    Denmark and its place in the group, for per-capita emissions, reduction and rate."""
    t, f = b.t, b.f
    if group is None or pd.isna(group.peer_group):
        return [] if "peer_group" in b.data.missing else [Paragraph.of(t("fs_peers_none"))]
    words = " · ".join(str(getattr(group, f"{d}_name_{b.lang}")) for d in ("size", "density"))
    first: dict[str, Row] = {}
    for p in peers:
        first.setdefault(p.measure, p)
    lines = []
    for measure in PEER_MEASURES:
        p = first.get(measure)
        if p is None:
            continue
        show = _peer_formatter(f, measure)
        place = (
            t("of", n=f.integer(p.rank_in_group), m=f.integer(p.peers_with_value))
            if pd.notna(p.rank_in_group)
            else f.missing
        )
        lines.append((t(f"peer_{measure}"), show(p.value), show(p.peer_median),
                     show(p.national_value), place))  # fmt: skip
    if not lines:
        return []
    caption = t("fs_peers", group=words, n=f.integer(group.group_size))
    return [Table(id="peers", caption=caption,
                  header=(t("col_measure"), t("col_value"), t("col_peer_median"),
                          t("col_denmark"), t("col_place")),
                  rows=tuple(lines), align=("left", "right", "right", "right", "right"),
                  small=True)]  # fmt: skip


def _peer_formatter(f: Formatter, measure: str) -> Callable[[object], str]:
    if measure == "r_obs":
        return lambda v: f.pct(_pct(v))
    if measure == "reduction_pct":
        return lambda v: f.pct(v)
    return lambda v: f.number(v, 2)


def _sector_table(b: Builder) -> dict[str, list[Row]]:
    """Per member: emissions at baseline and latest year, actions, effect and the sector
    gap by sector, joined once for all members (not per sheet)."""
    keys = ["municipality_code", "sector"]
    actions = b.data["actions"][[*keys, *ACTION_COLS, "expected_t"]]
    effect = b.data["effect"][[*keys, "effect_ratio"]]
    gaps = b.data["sector_gaps"][[*keys, "needed_t", "expected_open_t"]]
    joined = (
        b.data["member_sector"][[*keys, "baseline_t", "latest_t"]]
        .merge(actions, on=keys, how="outer")
        .merge(effect, on=keys, how="left")
        .merge(gaps, on=keys, how="left")
    )
    order = {code: i for i, code in enumerate(b.sector_names)}
    joined = joined.sort_values(
        keys, key=lambda c: c.map(order).fillna(len(order)) if c.name == "sector" else c
    )
    return rows_by(joined, "municipality_code")


def _revision(b: Builder, row: Row) -> str:
    """Status, recertification date, next revision year and whether it is overdue."""
    parts = [b.revision_label(row.revision_status)]
    if pd.notna(row.recertified_on):
        parts.append(b.t("fs_recertified", date=b.f.date(row.recertified_on)))
    if pd.notna(row.next_revision_year):
        parts.append(b.t("fs_next_revision", year=b.f.year(row.next_revision_year)))
    if pd.notna(row.is_overdue) and bool(row.is_overdue):
        parts.append(b.t("fs_overdue"))
    return "; ".join(parts)


def _with_unit(f: Formatter, value: object, unit: object, missing: str) -> str:
    """`1,5 %`; a missing value gets `missing` instead of a dash with a unit."""
    number = f.number(value, 1)
    return missing if number == f.missing else f"{number} {unit}"


def _pct(rate: object) -> object:
    """Rates are fractions per year in the mart; sheets show them as percentages."""
    return None if rate is None or pd.isna(rate) else 100 * float(rate)  # type: ignore[arg-type]


def write(
    b: Builder,
    root: Path,
    pdfs: Executor | None = None,
    reuse: Reuse | None = None,
    made: list[FactSheet] | None = None,
) -> list[Path | Future[Path]]:
    """The sheets as Markdown files and one combined PDF (compiled on `pdfs` when given);
    `made`: the sheets when the caller has made them already (the website shows them too).

    With `reuse`, the files of the previous build are kept, without rendering a page,
    when the sheets are the same and so is the code that sets them (reuse.sheets_key):
    a commentary edit changes no sheet."""
    folder = root / "kommuner"
    all_sheets = sheets(b) if made is None else made
    if not all_sheets:
        return []
    prefix = b.t("fs_file")
    title = b.t("fs_title", year=b.year)
    labels = {"data": b.t("label_data"), "page": b.t("label_page")}
    markdown = [folder / f"{prefix}-{b.year}-{sheet.code}.md" for sheet in all_sheets]
    pdf = folder / f"{COMBINED[b.lang]}-{b.year}.pdf"
    key = sheets_key((all_sheets, title, labels, b.lang, style.STATUS_COLOURS))
    if reuse is not None and all(reuse.kept(path, key) for path in [*markdown, pdf]):
        return [*markdown, pdf]
    written: list[Path | Future[Path]] = []
    for sheet, path in zip(all_sheets, markdown, strict=True):
        text = render("factsheet.md.j2", s=sheet, title=title, labels=labels)
        written.append(_write_recorded(path, text.encode("utf-8"), reuse, key))
    source = render("factsheets.typ.j2", sheets=all_sheets, title=title, lang=b.lang,
                    labels=labels, status_colours=style.STATUS_COLOURS)  # fmt: skip

    def pdf_made() -> Path:
        return _write_recorded(pdf, compile_pdf(source, root), reuse, key)

    written.append(pdfs.submit(pdf_made) if pdfs is not None else pdf_made())
    return written


def _write_recorded(path: Path, data: bytes, reuse: Reuse | None, key: str) -> Path:
    write_bytes(path, data)
    if reuse is not None:
        reuse.record(path, key, data)
    return path
