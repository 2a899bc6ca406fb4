"""The report's maps of the 98 municipalities (charts.py draws the other charts): one
projection, the Bornholm box, the legend beside the map and the credit under it."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from functools import cache
from importlib import resources

import numpy as np

from . import style
from .axes import EDGE_PAD, GAP, Box, Entry, Legend
from .charts import LEGEND_SIZE, Drawing, drawn_when_saved, inches
from .svg import Canvas, text_height

# Bornholm lies far east of the rest; like most maps of Denmark we draw it in a box in
# the empty Kattegat instead of leaving two thirds of the map as sea.
BORNHOLM = "400"
BORNHOLM_SHIFT = (-2.68, 2.21)
CREDIT_SIZE = 6.5


@cache
def _shapes() -> tuple[tuple[str, tuple[np.ndarray, ...]], ...]:
    """Outer rings of each municipality, largest first so enclaves (Frederiksberg in
    København) are drawn on top. Read once per process."""
    raw = resources.files("klima_pipeline").joinpath("reference", "municipalities.geojson")
    features = json.loads(raw.read_text("utf-8"))["features"]
    shapes = []
    for feature in features:
        geometry = feature["geometry"]
        polygons = geometry["coordinates"]
        if geometry["type"] == "Polygon":
            polygons = [polygons]
        rings = tuple(np.asarray(polygon[0], dtype=float) for polygon in polygons)
        code = str(feature["properties"]["municipality_code"])
        if code == BORNHOLM:
            rings = tuple(ring + np.asarray(BORNHOLM_SHIFT) for ring in rings)
        shapes.append((code, rings))
    shapes.sort(key=lambda s: -sum(np.ptp(r[:, 0]) * np.ptp(r[:, 1]) for r in s[1]))
    return tuple(shapes)


# The map's extent in degrees, and the height of a degree of latitude against one of
# longitude at Denmark's middle latitude (an equirectangular projection).
_LON = (8.0, 12.75)
_LAT = (54.5, 57.8)
_ASPECT = 1 / math.cos(math.radians(56))
_BORNHOLM_BOX = (11.9, 57.13, 0.66, 0.42)  # lon, lat of the lower-left corner, width, height


@cache
def _ring_paths(scale: float, left: float, top: float) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Every municipality's rings as SVG path data for a map of `scale` points per degree
    of longitude with its top-left corner at (left, top)."""
    factor = np.asarray([scale, -scale * _ASPECT])
    origin = np.asarray([_LON[0], _LAT[1]])
    shapes = []
    for code, rings in _shapes():
        paths = []
        for ring in rings:
            points = np.round((ring - origin) * factor + [left, top], 2)
            paths.append("M" + "L".join(f"{px:g} {py:g}" for px, py in points.tolist()) + "Z")
        shapes.append((code, tuple(paths)))
    return tuple(shapes)


@drawn_when_saved
def municipality_map(
    colour_by_code: Mapping[str, str],
    default_colour: str,
    legend: Sequence[tuple[str, str]],
    credit: str,
) -> Canvas:
    """The 98 municipalities, each in its colour (`default_colour` when not given), with a
    legend of (colour, label) beside the map. Every map of the report is drawn here, so
    they share projection, Bornholm box, legend place and credit."""
    canvas = inches(6.4, 5.0)
    key = Legend([Entry(label, colour, edge="#AAAAAA") for colour, label in legend], LEGEND_SIZE, 1)
    key_left = canvas.width - EDGE_PAD - key.width()
    room = Box(
        EDGE_PAD,
        EDGE_PAD,
        key_left - 2 * GAP,
        canvas.height - EDGE_PAD - text_height(credit, CREDIT_SIZE) - GAP,
    )
    span_lon, span_lat = _LON[1] - _LON[0], (_LAT[1] - _LAT[0]) * _ASPECT
    scale = min(room.width / span_lon, room.height / span_lat)
    width, height = span_lon * scale, span_lat * scale
    left = room.left + (room.width - width) / 2
    top = room.top + (room.height - height) / 2
    shapes = _ring_paths(round(scale, 3), round(left, 3), round(top, 3))
    canvas.polygons(
        [
            (path, colour_by_code.get(code, default_colour))
            for code, paths in shapes
            for path in paths
        ],
        "#ffffff",
        0.3,
        clip=(left, top, width, height),
    )
    lon, lat, box_w, box_h = _BORNHOLM_BOX
    canvas.rect(
        left + (lon - _LON[0]) * scale,
        top + (_LAT[1] - lat - box_h) * scale * _ASPECT,
        box_w * scale,
        box_h * scale * _ASPECT,
        "none",
        "#888888",
        0.6,
    )
    key.draw_column(canvas, key_left, canvas.height / 2)
    canvas.text(left, top + height + GAP / 2, credit, CREDIT_SIZE, valign="top", colour="#555555")
    return canvas


def status_map(
    status_by_code: Mapping[str, str],
    status_names: Mapping[str, str],
    counts: Mapping[str, int],
    credit: str,
) -> Drawing:
    """The 98 municipalities coloured by status; non-members light grey."""
    colours = {code: style.STATUS_COLOURS[s] for code, s in status_by_code.items()}
    legend = [
        (style.STATUS_COLOURS[s], f"{status_names[s]} ({counts.get(s, 0)})")
        for s in (*style.STATUS_ORDER, "not_member")
    ]
    return municipality_map(colours, style.STATUS_COLOURS["not_member"], legend, credit)


def map_codes() -> frozenset[str]:
    """The municipality codes the map can draw."""
    return frozenset(code for code, _ in _shapes())
