"""The report's charts, drawn with matplotlib in the style of `style.py`.

Each chart function takes the data it shows and the words it needs (already in the
report's language) and returns a `Drawing`: the figure to be made from them, made only when
`save` must draw it, which writes it as SVG (for the PDF and the website) and PNG (for the
Markdown). Figures are created without pyplot, so no global state leaks between charts.
"""

from __future__ import annotations

import io
import json
import math
import textwrap
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache, wraps
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib import rc_context
from matplotlib.backends.backend_svg import FigureCanvasSVG
from matplotlib.collections import PatchCollection
from matplotlib.figure import Figure
from matplotlib.patches import Patch, Polygon, Rectangle
from matplotlib.ticker import Formatter as TickFormatter
from matplotlib.ticker import FuncFormatter, MaxNLocator

from . import style
from .files import write_bytes
from .fmt import Formatter
from .reuse import Reuse, drawing_key, png_key

# Bornholm lies far east of the rest; like most maps of Denmark we draw it in a box in
# the empty Kattegat instead of leaving two thirds of the map as sea.
BORNHOLM = "400"
BORNHOLM_SHIFT = (-2.68, 2.21)


@dataclass(frozen=True)
class Saved:
    svg: Path
    png: Path


@dataclass(frozen=True)
class Drawing:
    """A chart not made yet: its function and the arguments it is called with. A re-run of
    the report whose chart has the same ones keeps the previous file (reuse.drawing_key)
    without making the figure at all."""

    function: Callable[..., Figure]
    args: tuple[object, ...]
    kwargs: dict[str, object]

    def figure(self) -> Figure:
        return self.function(*self.args, **self.kwargs)


def _drawn_when_saved(function: Callable[..., Figure]) -> Callable[..., Drawing]:
    @wraps(function)
    def drawing(*args: object, **kwargs: object) -> Drawing:
        return Drawing(function, args, kwargs)

    return drawing


# The SVG writer reads its settings (the salt of its element ids, text as paths) when the
# file is written, not when the figure is made: the chart functions' rc_context has ended
# by then, so `save` applies them itself.
_SVG_RC = {key: value for key, value in style.RC.items() if key.startswith("svg.")}
# No date in the metadata: the same data gives the same file.
_SVG_METADATA = {"Date": None}


def save(
    chart: Drawing,
    charts_dir: Path,
    name: str,
    reuse: Reuse | None = None,
    rasteriser: Rasteriser | None = None,
) -> Saved:
    """The chart as SVG (drawn by matplotlib) and PNG (rendered from the SVG by
    `rasteriser`, at once when none is given); with `reuse`, the file of the previous
    build drawn from the same function and arguments is kept, and the figure is not even
    made (reuse.py)."""

    def draw() -> bytes:
        fig = chart.figure()
        buffer = io.BytesIO()
        with rc_context(_SVG_RC):
            # One draw, which runs the constrained layout first: `savefig` draws a figure
            # with a layout engine twice, once without output to place it and once to write
            # it, for the same file (docs/performance.md).
            FigureCanvasSVG(fig).print_svg(buffer, metadata=_SVG_METADATA)
        return buffer.getvalue()

    svg = charts_dir / f"{name}.svg"
    if reuse is None:
        write_bytes(svg, draw())
    else:
        arguments = (chart.args, sorted(chart.kwargs.items()))
        key = drawing_key(chart.function, arguments, (_SVG_RC, _SVG_METADATA))
        reuse.make(svg, f"{key}.svg", draw, write_bytes)
    png = charts_dir / f"{name}.png"
    if rasteriser is None:
        one = Rasteriser(reuse)
        one.add(svg, png)
        one.run()
    else:
        rasteriser.add(svg, png)
    return Saved(svg, png)


class Rasteriser:
    """The PNG of each SVG chart (the Markdown shows PNGs), rendered from the SVG by typst,
    the same renderer that puts the SVG into the PDF: the two look alike, and drawing the
    PNG again with matplotlib took longer than drawing the SVG (docs/performance.md).
    Charts added are rendered together, one page each, in one compile (`run`)."""

    def __init__(self, reuse: Reuse | None = None) -> None:
        self.reuse = reuse
        self.pending: list[tuple[Path, Path, str]] = []

    def add(self, svg: Path, png: Path) -> None:
        # Without a record to keep files by, there is nothing to key.
        key = png_key(svg.read_bytes()) if self.reuse is not None else ""
        if self.reuse is None or not self.reuse.kept(png, key):
            self.pending.append((svg, png, key))

    def run(self) -> list[Path]:
        """Render and write every PNG added since the last run; returns their paths."""
        pending, self.pending = self.pending, []
        if not pending:
            return []
        import typst

        # Every SVG's folder is the compile's root, so its path is a plain name.
        root = pending[0][0].parent
        if any(svg.parent != root for svg, _, _ in pending):
            raise ValueError("the charts rendered together must share a folder")
        source = "#set page(width: auto, height: auto, margin: 0pt)\n" + "#pagebreak()\n".join(
            f'#image("{svg.name}")\n' for svg, _, _ in pending
        )
        pages = typst.compile(
            source.encode("utf-8"),
            root=str(root),
            format="png",
            ppi=float(style.PNG_DPI),
            ignore_system_fonts=True,
        )
        images = pages if isinstance(pages, list) else [pages]
        if len(images) != len(pending):
            raise RuntimeError(f"typst rendered {len(images)} PNGs for {len(pending)} charts")
        for (_, png, key), image in zip(pending, images, strict=True):
            write_bytes(png, image)
            if self.reuse is not None:
                self.reuse.record(png, key, image)
        return [png for _, png, _ in pending]


def _figure(width: float = style.WIDTH, height: float = style.HEIGHT) -> Figure:
    return Figure(figsize=(width, height), layout="constrained")


def _axis_formatter(fmt: Formatter, scale: float = 1.0, decimals: int = 0) -> FuncFormatter:
    return FuncFormatter(lambda v, _pos: fmt.number(v / scale, decimals))


@_drawn_when_saved
def trend(
    sector_year: pd.DataFrame,
    path: pd.DataFrame,
    sector_names: Mapping[str, str],
    words: Mapping[str, str],
    fmt: Formatter,
    years: tuple[int, int],
) -> Figure:
    """Cohort emissions by sector (stacked bars, kt) against the combined target path.

    `years` is the x range (first inventory year, last year of the path shown): members
    with 1990 baselines would otherwise stretch the axis over decades without bars."""
    with rc_context(style.RC):
        fig = _figure()
        ax = fig.add_subplot()
        wide = sector_year.pivot_table(
            index="year", columns="sector", values="emissions_t", aggfunc="sum"
        ).fillna(0.0)
        positive = np.zeros(len(wide))
        negative = np.zeros(len(wide))
        bar_years = wide.index.to_numpy()
        for sector in [s for s in sector_names if s in wide.columns]:
            values = wide[sector].to_numpy() / 1000
            base = np.where(values >= 0, positive, negative)
            ax.bar(
                bar_years,
                values,
                bottom=base,
                width=0.7,
                label=sector_names[sector],
                color=style.SECTOR_COLOURS.get(sector, style.MUTED),
            )
            positive += np.clip(values, 0, None)
            negative += np.clip(values, None, 0)
        first, last = years
        shown = path[(path["year"] >= first) & (path["year"] <= last)]
        if not shown.empty:
            ax.plot(
                shown["year"],
                shown["path_t"] / 1000,
                color=style.PATH_COLOUR,
                linewidth=1.6,
                label=words["path"],
                marker="o",
                markersize=2.5,
            )
        ax.set_xlim(first - 0.6, last + 0.6)
        ax.set_ylabel(words["unit_kt"])
        ax.yaxis.set_major_formatter(_axis_formatter(fmt))
        ax.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=12))
        # Above the plot, like the other charts: never on the bars or the path.
        ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncols=4)
        return fig


@_drawn_when_saved
def status_bars(
    rows: pd.DataFrame, label_col: str, status_names: Mapping[str, str], words: Mapping[str, str]
) -> Figure:
    """Horizontal stacked bars: members per status for each row (region, projection)."""
    with rc_context(style.RC | {"axes.grid.axis": "x"}):
        fig = _figure(height=0.45 * len(rows) + 0.9)
        ax = fig.add_subplot()
        left = np.zeros(len(rows))
        labels = rows[label_col].tolist()
        for status in style.STATUS_ORDER:
            values = rows[status].fillna(0).to_numpy(dtype=float)
            bars = ax.barh(
                labels,
                values,
                left=left,
                color=style.STATUS_COLOURS[status],
                label=status_names[status],
                height=0.6,
            )
            ax.bar_label(
                bars,
                labels=[str(int(v)) if v else "" for v in values],
                label_type="center",
                fontsize=7,
            )
            left += values
        ax.invert_yaxis()
        ax.set_xlabel(words["members"])
        ax.xaxis.get_major_locator().set_params(integer=True)
        ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncols=4)
        return fig


@_drawn_when_saved
def grouped_bars(
    frame: pd.DataFrame,
    label_col: str,
    series: Sequence[tuple[str, str, str]],
    words: Mapping[str, str],
    fmt: Formatter,
    scale: float = 1000.0,
) -> Figure:
    """Horizontal bars, one group per row, one bar per (column, label, colour)."""
    with rc_context(style.RC | {"axes.grid.axis": "x"}):
        fig = _figure(height=0.5 * len(frame) * max(1, len(series)) / 2 + 1.0)
        ax = fig.add_subplot()
        y = np.arange(len(frame))
        height = 0.8 / len(series)
        for i, (column, label, colour) in enumerate(series):
            ax.barh(
                y + (i - (len(series) - 1) / 2) * height,
                frame[column].fillna(0).to_numpy(dtype=float) / scale,
                height=height,
                color=colour,
                label=label,
            )
        ax.set_yticks(y, frame[label_col].tolist())
        ax.invert_yaxis()
        ax.axvline(0, color="#555555", linewidth=0.6)
        ax.set_xlabel(words["unit"])
        ax.xaxis.set_major_formatter(_axis_formatter(fmt))
        ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncols=len(series))
        return fig


@_drawn_when_saved
def stacked_actions(
    frame: pd.DataFrame, label_col: str, status_names: Mapping[str, str], words: Mapping[str, str]
) -> Figure:
    """Actions per sector, stacked by action status."""
    with rc_context(style.RC | {"axes.grid.axis": "x"}):
        fig = _figure(height=0.4 * len(frame) + 1.0)
        ax = fig.add_subplot()
        left = np.zeros(len(frame))
        for status in style.ACTION_STATUS_ORDER:
            values = frame[status].fillna(0).to_numpy(dtype=float)
            ax.barh(
                frame[label_col].tolist(),
                values,
                left=left,
                height=0.6,
                color=style.ACTION_STATUS_COLOURS[status],
                label=status_names[status],
            )
            left += values
        ax.invert_yaxis()
        ax.set_xlabel(words["actions"])
        ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncols=4)
        return fig


class _StepFormatter(TickFormatter):
    """Tick labels in the report's number format with as many decimals as the step
    between ticks needs (0,25 0,50 … but 2.000 4.000 …), so no two ticks read alike."""

    def __init__(self, fmt: Formatter) -> None:
        self.fmt = fmt
        self.decimals = 0

    def format_ticks(self, values: Sequence[float]) -> list[str]:
        self.decimals = _decimals_for(values)
        return [self(v) for v in values]

    def __call__(self, x: float, pos: int | None = None) -> str:
        return self.fmt.number(x, self.decimals)


def _decimals_for(values: Sequence[float]) -> int:
    steps = np.diff(np.asarray(values, dtype=float))
    step = float(np.min(np.abs(steps))) if len(steps) else 1.0
    if step <= 0 or not math.isfinite(step):
        return 0
    decimals = 0
    while decimals < 6 and abs(round(step, decimals) - step) > step * 1e-6:
        decimals += 1
    return decimals


# The small multiples' layout, in inches: computed from the longest tick label and
# title instead of by constrained layout, which measured every text of the 15 panels
# twice and took 60 % of the chart's time (docs/performance.md). Character widths are
# DejaVu Sans's at 7.5 pt, rounded up (digits) and on average (titles).
_DIGIT_IN = 0.6 * 7.5 / 72
_TITLE_CHAR_IN = 0.56 * 7.5 / 72
_LINE_IN = 1.25 * 7.5 / 72
_UNIT_IN = 0.2  # the unit beside the axis
_PANEL_HEIGHT_IN = 1.9


@_drawn_when_saved
def small_multiples(
    series: pd.DataFrame, titles: Mapping[str, str], units: Mapping[str, str], fmt: Formatter
) -> Figure:
    """One small line chart per indicator (national values by year)."""
    indicators = [i for i in titles if i in set(series["indicator"])]
    cols = 3
    rows = max(1, math.ceil(len(indicators) / cols))
    height = _PANEL_HEIGHT_IN * rows
    with rc_context(style.RC):
        fig = Figure(figsize=(style.WIDTH, height))
        axes = fig.subplots(rows, cols, squeeze=False)
        label_chars = 1
        for ax, indicator in zip(axes.flat, indicators, strict=False):
            part = series[series["indicator"] == indicator]
            ax.plot(part["year"], part["value"], color=style.ACCENT, marker="o", markersize=2.5)
            ax.set_ylabel(units.get(indicator, ""), fontsize=7)
            formatter = _StepFormatter(fmt)
            ax.yaxis.set_major_formatter(formatter)
            ax.xaxis.get_major_locator().set_params(integer=True, nbins=4)
            low, high = ax.get_ylim()
            ticks = [t for t in ax.get_yticks() if low <= t <= high]
            label_chars = max(label_chars, *(len(s) for s in formatter.format_ticks(ticks)))
        for ax in list(axes.flat)[len(indicators) :]:
            ax.set_visible(False)
        # Each panel has room for its tick labels and unit on the left, its title above
        # and the years below; the figure's edges are the outer panels' room.
        left = label_chars * _DIGIT_IN + _UNIT_IN + 0.1
        bottom, right = 0.25, 0.15
        axes_width = (style.WIDTH - right - cols * left) / cols
        # A title runs from its panel's left edge to the next panel's labels (or the
        # figure's edge): wrapped to that, long names (Danish ones above all) never run
        # into the next title.
        title_chars = max(10, int((axes_width + right) / _TITLE_CHAR_IN))
        title_lines = 1
        for ax, indicator in zip(axes.flat, indicators, strict=False):
            title = textwrap.fill(titles[indicator], title_chars, break_on_hyphens=False)
            ax.set_title(title, fontsize=7.5, loc="left")
            title_lines = max(title_lines, title.count("\n") + 1)
        top = title_lines * _LINE_IN + 0.1
        axes_height = height / rows - top - bottom
        fig.subplots_adjust(
            left=left / style.WIDTH,
            right=1 - right / style.WIDTH,
            bottom=bottom / height,
            top=1 - top / height,
            wspace=left / axes_width,
            hspace=(top + bottom) / axes_height,
        )
        return fig


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


@_drawn_when_saved
def municipality_map(
    colour_by_code: Mapping[str, str],
    default_colour: str,
    legend: Sequence[tuple[str, str]],
    credit: str,
) -> Figure:
    """The 98 municipalities, each in its colour (`default_colour` when not given), with a
    legend of (colour, label) beside the map. Every map of the report is drawn here, so
    they share projection, Bornholm box, legend place and credit."""
    with rc_context(style.RC | {"axes.grid": False}):
        fig = _figure(width=6.4, height=5.0)
        ax = fig.add_subplot()
        patches, colours = [], []
        for code, rings in _shapes():
            colour = colour_by_code.get(code, default_colour)
            for ring in rings:
                patches.append(Polygon(ring, closed=True))
                colours.append(colour)
        ax.add_collection(
            PatchCollection(patches, facecolors=colours, edgecolors="white", linewidths=0.3)
        )
        # The Bornholm box, see BORNHOLM_SHIFT.
        ax.add_patch(
            Rectangle((11.9, 57.13), 0.66, 0.42, fill=False, edgecolor="#888888", linewidth=0.6)
        )
        ax.set_xlim(8.0, 12.75)
        ax.set_ylim(54.5, 57.8)
        ax.set_aspect(1 / math.cos(math.radians(56)))
        ax.set_axis_off()
        handles = [
            Patch(facecolor=colour, edgecolor="#AAAAAA", linewidth=0.5, label=label)
            for colour, label in legend
        ]
        # A figure legend "outside" gets its own room in the constrained layout, so long
        # labels are never cut at the figure's edge; the credit sits under the map.
        fig.legend(handles=handles, loc="outside right center")
        ax.text(0.0, -0.01, credit, transform=ax.transAxes, fontsize=6.5, color="#555555",
                ha="left", va="top")  # fmt: skip
        return fig


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
