"""Status by region: the members of each region by status, and on track per projection."""

from __future__ import annotations

from .. import charts, style
from ..context import PROJECTIONS, Context, rows_of
from ..model import Block


def blocks(c: Context) -> list[Block]:
    summary = c.data["status_summary"]
    regions = summary[summary["scope"] == "region"]
    if regions.empty:
        return [c.not_available()]
    status_rows = regions[regions["projection"] == "status"].copy()
    status_rows["region"] = status_rows["scope_code"].map(c.region)
    status_rows = status_rows.sort_values("scope_code")
    fig = charts.status_bars(
        status_rows, "region", c.status_names, {"members": c.t("members_word")}
    )
    out: list[Block] = [
        c.figure(
            "status_by_region",
            fig,
            c.t("regions_status_caption"),
            c.t("regions_status_alt"),
            regions.drop(columns="scope"),
        )
    ]
    on_track = regions[regions["projection"] != "status"].pivot_table(
        index="scope_code", columns="projection", values="on_track", aggfunc="sum"
    )
    header = [c.t("col_region"), c.t("col_members")]
    header += [c.status_names[x] for x in style.STATUS_ORDER]
    header += [c.t("col_on_track_proj", projection=c.t(f"projection_{p}")) for p in PROJECTIONS]
    rows = []
    for r in rows_of(status_rows):
        proj = on_track.loc[r.scope_code] if r.scope_code in on_track.index else None
        rows.append(
            [r.region, c.f.integer(r.members)]
            + [c.f.integer(getattr(r, x)) for x in style.STATUS_ORDER]
            + [c.f.integer(proj.get(p) if proj is not None else None) for p in PROJECTIONS]
        )
    out.append(
        c.table(
            "status_summary",
            c.t("regions_status_caption"),
            header,
            rows,
            "lrrrrrrrr",
            summary,
            small=True,
        )
    )
    return out
