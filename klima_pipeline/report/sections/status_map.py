"""Status on the map: every municipality coloured by its member status."""

from __future__ import annotations

from .. import maps
from ..context import MUNICIPALITIES_IN_DENMARK, Context
from ..model import Block, Paragraph


def blocks(c: Context) -> list[Block]:
    status = c.data["status"]
    if status.empty:
        return [c.not_available()]
    by_code = dict(zip(status["municipality_code"], status["status"], strict=True))
    counts = status["status"].value_counts().to_dict()
    counts["not_member"] = MUNICIPALITIES_IN_DENMARK - sum(
        1 for code in by_code if code in maps.map_codes()
    )
    fig = maps.status_map(by_code, c.status_names, counts, c.t("credit_map"))
    frame = status[["municipality_code", "status"]].copy()
    frame.insert(1, "municipality_name", frame["municipality_code"].map(c.names))
    out: list[Block] = [Paragraph.of(c.t("map_text"))]
    out.append(
        c.figure(
            "status_map",
            fig,
            c.t("map_caption", year=c.year),
            c.t("map_alt"),
            frame,
            c.t("credit_map"),
            width_pct=85,
        )
    )
    unplaced = sum(1 for code in by_code if code not in maps.map_codes())
    if unplaced:
        out.append(Paragraph.of(c.t("map_unplaced", n=unplaced), note=True))
    return out
