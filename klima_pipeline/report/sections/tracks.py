"""Development tracks: the alliance's joint tracks, who takes part, and how much of the
membership they reach."""

from __future__ import annotations

import pandas as pd

from .. import maps, style
from ..context import MUNICIPALITIES_IN_DENMARK, Context, rows_of
from ..model import Block, ItemList, Paragraph, Table

TRACK_STATUS_ORDER = ("running", "planned", "finished")


def blocks(c: Context) -> list[Block]:
    t, f = c.t, c.f
    tracks = c.data["tracks"]
    if tracks.empty:
        return [Paragraph.of(t("tracks_none"))]
    by_status = tracks["status"].value_counts()
    coverage = c.data["track_coverage"]
    national = coverage[coverage["scope"] == "national"]
    out: list[Block] = [
        Paragraph.of(
            t(
                "tracks_text",
                n=f.integer(len(tracks)),
                **{k: f.integer(by_status.get(k, 0)) for k in TRACK_STATUS_ORDER},
            )
        )
    ]
    if not national.empty:
        row = national.iloc[0]
        out.append(
            Paragraph.of(
                t(
                    "tracks_coverage",
                    n=f.integer(row["members_in_track"]),
                    m=f.integer(row["members"]),
                    share=f.pct(row["share_pct"]),
                    year=c.year,
                )
            )
        )
        out.append(Paragraph.of(t("tracks_rule", year=c.year), note=True))
    out.append(by_theme(c, tracks))
    out += participation_map(c)
    if not coverage[coverage["scope"] == "region"].empty:
        out.append(coverage_table(c, coverage))
    # Running first, then planned, then finished; oldest first within each.
    order = {k: i for i, k in enumerate(TRACK_STATUS_ORDER)}
    listed = tracks.sort_values(
        ["status", "start_date", "track_id"],
        key=lambda col: col.map(order) if col.name == "status" else col,
    )
    out.append(track_table(c, listed))
    out += participants(c, listed)
    return out


def by_theme(c: Context, tracks: pd.DataFrame) -> Table:
    t, f = c.t, c.f
    counts = tracks.pivot_table(
        index="theme", columns="status", values="track_id", aggfunc="count", fill_value=0
    ).reindex(columns=list(TRACK_STATUS_ORDER), fill_value=0)
    order = {code: i for i, code in enumerate(c.sector_names)}
    counts = counts.sort_index(key=lambda col: col.map(order).fillna(len(order)))
    counts["total"] = counts.sum(axis=1)
    frame = counts.reset_index()
    rows = [
        (c.sector(r.theme), *(f.integer(getattr(r, k)) for k in (*TRACK_STATUS_ORDER, "total")))
        for r in rows_of(frame)
    ]
    totals = frame[[*TRACK_STATUS_ORDER, "total"]].sum()
    rows.append((t("col_total"), *(f.integer(totals[k]) for k in totals.index)))
    header = [t("col_theme"), *(t(f"track_{k}") for k in TRACK_STATUS_ORDER), t("col_total")]
    return c.table("tracks_by_theme", t("table_tracks_by_theme"), header, rows, "lrrrr", frame)


def participation_map(c: Context) -> list[Block]:
    t = c.t
    counts = c.data["track_count"]
    if counts.empty:
        return []
    frame = counts.copy()
    frame["is_member"] = frame["is_member"].astype(bool)
    frame["tracks"] = frame["tracks"].astype(int)
    top = len(style.PARTICIPATION_COLOURS) - 1
    # Members with no track are a colour of their own; a non-member only when it takes
    # part, otherwise it is grey as on the status map.
    shown = frame[frame["is_member"] | (frame["tracks"] > 0)]
    classes = shown["tracks"].clip(upper=top)
    colours = dict(
        zip(shown["municipality_code"], classes.map(style.PARTICIPATION_COLOURS.__getitem__),
            strict=True)
    )  # fmt: skip
    on_map = maps.map_codes()
    placed = classes[shown["municipality_code"].isin(on_map)].value_counts()
    labels = [t("participation_0"), t("participation_1")]
    labels += [t("participation_n", n=k) for k in range(2, top)]
    labels.append(t("participation_max", n=top))
    legend = [
        (style.PARTICIPATION_COLOURS[k], f"{label} ({int(placed.get(k, 0))})")
        for k, label in enumerate(labels)
    ]
    grey = ~frame["is_member"] & (frame["tracks"] == 0)
    grey_placed = int(frame.loc[grey, "municipality_code"].isin(on_map).sum())
    missing = MUNICIPALITIES_IN_DENMARK - int(frame["municipality_code"].isin(on_map).sum())
    legend.append(
        (style.STATUS_COLOURS["not_member"],
         f"{t('participation_not_member')} ({grey_placed + max(missing, 0)})")
    )  # fmt: skip
    fig = maps.municipality_map(
        colours, style.STATUS_COLOURS["not_member"], legend, t("credit_map")
    )
    frame.insert(1, "municipality_name", frame["municipality_code"].map(c.names))
    out: list[Block] = [
        c.figure(
            "track_participation_map",
            fig,
            t("participation_caption", year=c.year),
            t("participation_alt"),
            frame,
            t("credit_map"),
            width_pct=85,
        )
    ]
    unplaced = int((~shown["municipality_code"].isin(on_map)).sum())
    if unplaced:
        out.append(Paragraph.of(t("map_unplaced", n=unplaced), note=True))
    return out


def coverage_table(c: Context, coverage: pd.DataFrame) -> Table:
    t, f = c.t, c.f
    regions = coverage[coverage["scope"] == "region"]
    national = coverage[coverage["scope"] == "national"]
    rows = [
        (
            c.region(r.scope_code),
            f.integer(r.members),
            f.integer(r.members_in_track),
            f.pct(r.share_pct),
            t("yes") if pd.notna(r.region_participates) and r.region_participates else t("no"),
        )
        for r in rows_of(regions)
    ]
    for r in rows_of(national):
        rows.append((t("col_all_members"), f.integer(r.members),
                     f.integer(r.members_in_track), f.pct(r.share_pct), ""))  # fmt: skip
    header = [t(k) for k in ("col_region", "col_members", "col_in_track", "col_share",
                             "col_region_takes_part")]  # fmt: skip
    return c.table(
        "track_coverage",
        t("table_track_coverage", year=c.year),
        header,
        rows,
        "lrrrl",
        coverage,
    )


def track_table(c: Context, tracks: pd.DataFrame) -> Table:
    t, f = c.t, c.f
    part = c.data["track_participation"]
    regions = part[part["participant_type"] == "region"]
    region_names = regions.assign(name=regions["participant_code"].map(c.short_region))
    region_names = region_names.groupby("track_id")["name"].agg(", ".join).to_dict()
    rows = [
        (
            str(r.title),
            c.sector(r.theme),
            t(f"track_{r.status}"),
            period(c, r.start_date, r.end_date),
            f.number(r.budget_dkk / 1e6, 1) if pd.notna(r.budget_dkk) else f.missing,
            f.integer(r.participating_municipalities),
            region_names.get(r.track_id, ""),
        )
        for r in rows_of(tracks)
    ]
    header = [t(k) for k in ("col_title", "col_theme", "col_status", "col_period",
                             "col_budget_m", "col_municipalities", "col_regions")]  # fmt: skip
    return c.table(
        "development_tracks", t("table_tracks"), header, rows, "llllrrl", tracks, small=True
    )


def period(c: Context, start: object, end: object) -> str:
    """Years only: the table stays narrow, the CSV behind it has the dates."""
    first, last = c.f.year(_year(start)), c.f.year(_year(end))
    if last == c.f.missing:
        return c.t("period_open", start=first)
    return first if first == last else f"{first}–{last}"


def participants(c: Context, tracks: pd.DataFrame) -> list[Block]:
    """Who takes part: the municipalities of each track by name."""
    part = c.data["track_participation"]
    munis = part[part["participant_type"] == "municipality"]
    if munis.empty:
        return []
    names = munis.assign(
        name=munis["participant_code"].map(c.names).fillna(munis["participant_code"])
    )
    by_track = names.sort_values("name").groupby("track_id")["name"].agg(list).to_dict()
    items = [
        c.t("tracks_who_item", title=r.title, names=", ".join(by_track[r.track_id]))
        for r in rows_of(tracks)
        if r.track_id in by_track
    ]
    return [Paragraph.of(c.t("tracks_who")), ItemList.of(items)]


def _year(value: object) -> int | None:
    return None if value is None or pd.isna(value) else pd.Timestamp(value).year
