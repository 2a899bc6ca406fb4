"""The report's charts, drawn as SVG (svg.py, axes.py) in the style of `style.py`; the
maps are in maps.py.

Each chart function takes the data it shows and the words it needs (already in the
report's language) and returns a `Drawing`: the SVG to be made from them, made only when
`save` must draw it, which writes it (for the PDF and the website) and its PNG (for the
Markdown). Sizes are in points unless a name says inches.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import wraps
from pathlib import Path

import numpy as np
import pandas as pd

from . import style
from .axes import (
    DOT_RADIUS,
    EDGE_PAD,
    GAP,
    Box,
    Entry,
    Legend,
    Scale,
    bottom_axis_room,
    decimals_for,
    grid,
    left_axis_room,
    nice_ticks,
    padded,
    tick_bins,
    tick_labels,
    x_axis,
    y_axis,
)
from .files import write_bytes
from .fmt import Formatter
from .reuse import Reuse, drawing_key, png_key
from .svg import POINTS_PER_INCH, Canvas, text_height, text_width, wrap

# Text sizes in points.
AXIS_TITLE_SIZE = 8.0
TICK_SIZE = 7.5
LEGEND_SIZE = 7.5
BAR_LABEL_SIZE = 7.0
PANEL_TITLE_SIZE = 7.5
PANEL_UNIT_SIZE = 7.0


@dataclass(frozen=True)
class Saved:
    svg: Path
    png: Path


@dataclass(frozen=True)
class Drawing:
    """A chart not drawn yet: its function and the arguments it is called with. A re-run of
    the report whose chart has the same ones keeps the previous file (reuse.drawing_key)
    without drawing it at all."""

    function: Callable[..., Canvas]
    args: tuple[object, ...]
    kwargs: dict[str, object]

    def canvas(self) -> Canvas:
        return self.function(*self.args, **self.kwargs)

    def svg(self) -> bytes:
        return self.canvas().svg()


def drawn_when_saved(function: Callable[..., Canvas]) -> Callable[..., Drawing]:
    @wraps(function)
    def drawing(*args: object, **kwargs: object) -> Drawing:
        return Drawing(function, args, kwargs)

    return drawing


def save(
    chart: Drawing,
    charts_dir: Path,
    name: str,
    reuse: Reuse | None = None,
    rasteriser: Rasteriser | None = None,
) -> Saved:
    """The chart as SVG and PNG (rendered from the SVG by `rasteriser`, at once when none
    is given); with `reuse`, the file of the previous build drawn from the same function
    and arguments is kept, and the chart is not even drawn (reuse.py)."""
    svg = charts_dir / f"{name}.svg"
    if reuse is None:
        write_bytes(svg, chart.svg())
    else:
        arguments = (chart.args, sorted(chart.kwargs.items()))
        key = drawing_key(chart.function, arguments, "svg")
        reuse.make(svg, f"{key}.svg", chart.svg, write_bytes)
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
    the same renderer that puts the SVG into the PDF, so the two look alike. Charts added
    are rendered together, one page each, in one compile (`run`)."""

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


# The parts the chart functions share ------------------------------------------------------


def inches(width: float = style.WIDTH, height: float = style.HEIGHT) -> Canvas:
    """A chart's canvas, its size in inches."""
    return Canvas(width * POINTS_PER_INCH, height * POINTS_PER_INCH)


def _legend_above(canvas: Canvas, entries: Sequence[Entry], columns: int) -> float:
    """A legend centred above the plot, in rows of `columns`; returns the plot's top."""
    legend = Legend(entries, LEGEND_SIZE, columns)
    room = canvas.width - 2 * EDGE_PAD
    legend.draw_rows(canvas, canvas.width / 2, EDGE_PAD, room)
    return EDGE_PAD + legend.height(room) + 1.5 * GAP


def _horizontal_bars(
    canvas: Canvas,
    top: float,
    labels: Sequence[str],
    extent: tuple[float, float],
    title: str,
    value_labels: Callable[[Sequence[float]], list[str]],
    integer: bool = False,
) -> tuple[Box, Scale, Scale, Callable[[], None]]:
    """The frame of a chart of horizontal bars, one row per label from the top, `extent`
    the values' range: draws the grid, and returns the plot's box, the value scale, the
    rows' scale (row index -> points) and what draws the axes over the bars."""
    left = EDGE_PAD + left_axis_room(labels, TICK_SIZE)
    bottom = canvas.height - EDGE_PAD - bottom_axis_room(TICK_SIZE, title, AXIS_TITLE_SIZE)
    box = Box(left, top, canvas.width - EDGE_PAD - 2 * GAP, bottom)
    low, high = extent
    ticks = nice_ticks(low, high, tick_bins(box.width, TICK_SIZE, across=False), integer)
    scale = Scale(low, high, box.left, box.right)
    rows = len(labels)
    # Padded around the bars of the first and last rows (0.6 of a row high), as
    # matplotlib pads them.
    row_low, row_high = padded([-0.3, rows - 1 + 0.3])
    row = Scale(row_low, row_high, box.top, box.bottom)
    grid(canvas, box, columns=[scale(t) for t in ticks])

    def axes() -> None:
        y_axis(canvas, box, [(row(i), label) for i, label in enumerate(labels)], TICK_SIZE)
        value_ticks = list(zip((scale(t) for t in ticks), value_labels(ticks), strict=True))
        x_axis(canvas, box, value_ticks, TICK_SIZE, title, AXIS_TITLE_SIZE)

    return box, scale, row, axes


# The charts -------------------------------------------------------------------------------


@drawn_when_saved
def trend(
    sector_year: pd.DataFrame,
    path: pd.DataFrame,
    sector_names: Mapping[str, str],
    words: Mapping[str, str],
    fmt: Formatter,
    years: tuple[int, int],
) -> Canvas:
    """Cohort emissions by sector (stacked bars, kt) against the combined target path.

    `years` is the x range (first inventory year, last year of the path shown): members
    with 1990 baselines would otherwise stretch the axis over decades without bars."""
    wide = sector_year.pivot_table(
        index="year", columns="sector", values="emissions_t", aggfunc="sum"
    ).fillna(0.0)
    sectors = [s for s in sector_names if s in wide.columns]
    bar_years = wide.index.to_numpy(dtype=float)
    values = {s: wide[s].to_numpy(dtype=float) / 1000 for s in sectors}
    positive = sum((np.clip(v, 0, None) for v in values.values()), np.zeros(len(wide)))
    negative = sum((np.clip(v, None, 0) for v in values.values()), np.zeros(len(wide)))
    first, last = years
    shown = path[(path["year"] >= first) & (path["year"] <= last)]
    path_years = shown["year"].to_numpy(dtype=float)
    path_kt = shown["path_t"].to_numpy(dtype=float) / 1000

    canvas = inches()
    entries = [Entry(words["path"], style.PATH_COLOUR, "line")] if len(shown) else []
    entries += [Entry(sector_names[s], style.SECTOR_COLOURS.get(s, style.MUTED)) for s in sectors]
    top = _legend_above(canvas, entries, 4)
    low, high = padded([*positive, *negative, *path_kt], zero=len(wide) > 0)
    bottom = canvas.height - EDGE_PAD - bottom_axis_room(TICK_SIZE)
    y_ticks = nice_ticks(low, high, tick_bins(bottom - top, TICK_SIZE, across=True))
    y_labels = [fmt.number(t, decimals_for(y_ticks)) for t in y_ticks]
    left = EDGE_PAD + left_axis_room(y_labels, TICK_SIZE, words["unit_kt"], AXIS_TITLE_SIZE)
    right = canvas.width - EDGE_PAD - text_width(str(last), TICK_SIZE) / 2
    box = Box(left, top, right, bottom)
    x = Scale(first - 0.6, last + 0.6, box.left, box.right)
    y = Scale(low, high, box.bottom, box.top)

    grid(canvas, box, rows=[y(t) for t in y_ticks])
    half = 0.35
    up, down = np.zeros(len(wide)), np.zeros(len(wide))
    for sector in sectors:
        colour = style.SECTOR_COLOURS.get(sector, style.MUTED)
        for i, (year, value) in enumerate(zip(bar_years, values[sector], strict=True)):
            if value == 0:
                continue
            base = up if value > 0 else down
            canvas.rect(
                x(year - half),
                y(base[i] + value),
                x(year + half) - x(year - half),
                y(base[i]) - y(base[i] + value),
                colour,
            )
            base[i] += value
    if len(shown):
        _dotted_line(canvas, path_years, path_kt, x, y, style.PATH_COLOUR, 1.6)
    x_ticks = nice_ticks(first - 0.6, last + 0.6, 12, integer=True)
    y_axis(
        canvas,
        box,
        list(zip((y(t) for t in y_ticks), y_labels, strict=True)),
        TICK_SIZE,
        words["unit_kt"],
        AXIS_TITLE_SIZE,
    )
    x_axis(canvas, box, [(x(t), str(int(t))) for t in x_ticks], TICK_SIZE)
    return canvas


@drawn_when_saved
def status_bars(
    rows: pd.DataFrame, label_col: str, status_names: Mapping[str, str], words: Mapping[str, str]
) -> Canvas:
    """Horizontal stacked bars: members per status for each row (region, projection), the
    count written in each part."""
    parts = [(rows[s], status_names[s], style.STATUS_COLOURS[s]) for s in style.STATUS_ORDER]
    return _stacked_counts(rows[label_col], parts, words["members"], 0.45, 0.9, counted=True)


@drawn_when_saved
def stacked_actions(
    frame: pd.DataFrame, label_col: str, status_names: Mapping[str, str], words: Mapping[str, str]
) -> Canvas:
    """Actions per sector, stacked by action status."""
    parts = [
        (frame[s], status_names[s], style.ACTION_STATUS_COLOURS[s])
        for s in style.ACTION_STATUS_ORDER
    ]
    return _stacked_counts(frame[label_col], parts, words["actions"], 0.4, 1.0, counted=False)


def _stacked_counts(
    row_labels: pd.Series,
    parts: Sequence[tuple[pd.Series, str, str]],
    title: str,
    row_in: float,
    frame_in: float,
    counted: bool,
) -> Canvas:
    """Counts per row as horizontal bars of stacked parts, each (counts, name, colour), a
    legend of the parts above; with `counted` each part's count written in it. The chart
    is `row_in` inches a row and `frame_in` more."""
    labels = [str(v) for v in row_labels]
    counts = [(values.fillna(0).to_numpy(dtype=float), colour) for values, _, colour in parts]
    totals = sum((values for values, _ in counts), np.zeros(len(labels)))
    canvas = inches(height=row_in * len(labels) + frame_in)
    top = _legend_above(canvas, [Entry(name, colour) for _, name, colour in parts], 4)
    _box, x, row, axes = _horizontal_bars(
        canvas, top, labels, padded(totals, zero=True), title,
        lambda ticks: [str(int(t)) for t in ticks], integer=True,
    )  # fmt: skip
    left = np.zeros(len(labels))
    half = _half(row, 0.3)
    for values, colour in counts:
        for i, value in enumerate(values):
            if not value:
                continue
            width = x(left[i] + value) - x(left[i])
            canvas.rect(x(left[i]), row(i) - half, width, 2 * half, colour)
            if counted:
                canvas.text(x(left[i] + value / 2), row(i), str(int(value)), BAR_LABEL_SIZE,
                            anchor="middle", valign="middle")  # fmt: skip
            left[i] += value
    axes()
    return canvas


def _dotted_line(
    canvas: Canvas,
    xs: Sequence[float],
    ys: Sequence[float],
    x: Scale,
    y: Scale,
    colour: str,
    width: float,
) -> None:
    """A line through the points with a dot on each; a missing value breaks the line
    there, as matplotlib drew it."""
    run: list[tuple[float, float]] = []
    for a, b in [*zip(xs, ys, strict=True), (math.nan, math.nan)]:
        if math.isfinite(a) and math.isfinite(b):
            run.append((x(a), y(b)))
        elif run:
            canvas.line(run, colour, width)
            canvas.dots(run, DOT_RADIUS, colour)
            run = []


def _half(row: Scale, rows: float) -> float:
    """`rows` row heights in points."""
    return abs(row(rows) - row(0))


@drawn_when_saved
def grouped_bars(
    frame: pd.DataFrame,
    label_col: str,
    series: Sequence[tuple[str, str, str]],
    words: Mapping[str, str],
    fmt: Formatter,
    scale: float = 1000.0,
) -> Canvas:
    """Horizontal bars, one group per row, one bar per (column, label, colour)."""
    labels = [str(v) for v in frame[label_col]]
    values = [frame[column].fillna(0).to_numpy(dtype=float) / scale for column, _, _ in series]
    canvas = inches(height=0.5 * len(frame) * max(1, len(series)) / 2 + 1.0)
    entries = [Entry(label, colour) for _, label, colour in series]
    top = _legend_above(canvas, entries, len(series))
    extent = padded([v for column in values for v in column], zero=True)
    box, x, row, axes = _horizontal_bars(
        canvas, top, labels, extent, words["unit"], lambda ticks: tick_labels(ticks, fmt)
    )
    height = 0.8 / len(series)
    for k, ((_, _, colour), column) in enumerate(zip(series, values, strict=True)):
        offset = (k - (len(series) - 1) / 2) * height
        for i, value in enumerate(column):
            if value:
                canvas.rect(
                    x(0), row(i + offset - height / 2), x(value) - x(0), _half(row, height), colour
                )
    canvas.lines([(x(0), box.top, x(0), box.bottom)], "#555555", 0.6)
    axes()
    return canvas


_PANEL_HEIGHT_IN = 1.9
_PANEL_RIGHT = 0.15 * POINTS_PER_INCH  # room right of the last column


@drawn_when_saved
def small_multiples(
    series: pd.DataFrame, titles: Mapping[str, str], units: Mapping[str, str], fmt: Formatter
) -> Canvas:
    """One small line chart per indicator (national values by year), three to a row."""
    present = set(series["indicator"])
    indicators = [i for i in titles if i in present]
    cols = 3
    rows = max(1, math.ceil(len(indicators) / cols))
    panel = _PANEL_HEIGHT_IN * POINTS_PER_INCH
    canvas = inches(height=_PANEL_HEIGHT_IN * rows)
    bottom_room = bottom_axis_room(TICK_SIZE) + EDGE_PAD
    # Ticks first, for the room their labels take: at most four intervals, which keeps
    # the labels of a panel this small short.
    bins = 4
    by_indicator = {key: part for key, part in series.groupby("indicator", sort=False)}
    panels = []
    for indicator in indicators:
        part = by_indicator[indicator]
        years = part["year"].to_numpy(dtype=float)
        values = part["value"].to_numpy(dtype=float)
        low, high = padded(values)
        ticks = nice_ticks(low, high, bins)
        panels.append((indicator, years, values, (low, high), ticks, tick_labels(ticks, fmt)))
    left_room = (
        max(
            (
                left_axis_room(labels, TICK_SIZE, units.get(ind, "") or "", PANEL_UNIT_SIZE)
                for ind, _, _, _, _, labels in panels
            ),
            default=0.0,
        )
        + EDGE_PAD
    )
    plot_width = (canvas.width - _PANEL_RIGHT - cols * left_room) / cols
    # A title runs from its panel's left edge to the next panel's labels (or the
    # figure's edge): wrapped to that, long names never run into the next title.
    wrapped = {
        ind: wrap(titles[ind], plot_width + _PANEL_RIGHT - GAP, PANEL_TITLE_SIZE)
        for ind, *_ in panels
    }
    lines = max((t.count("\n") + 1 for t in wrapped.values()), default=1)
    top_room = EDGE_PAD + text_height("\n".join("A" * lines), PANEL_TITLE_SIZE) + GAP
    for k, (indicator, years, values, (low, high), ticks, labels) in enumerate(panels):
        r, c = divmod(k, cols)
        left = c * (left_room + plot_width) + left_room
        box = Box(left, r * panel + top_room, left + plot_width, (r + 1) * panel - bottom_room)
        x_low, x_high = padded(years)
        x = Scale(x_low, x_high, box.left, box.right)
        y = Scale(low, high, box.bottom, box.top)
        grid(canvas, box, rows=[y(t) for t in ticks])
        _dotted_line(canvas, years, values, x, y, style.ACCENT, 1.5)
        x_ticks = nice_ticks(x_low, x_high, 4, integer=True)
        y_axis(
            canvas,
            box,
            list(zip((y(t) for t in ticks), labels, strict=True)),
            TICK_SIZE,
            units.get(indicator, "") or "",
            PANEL_UNIT_SIZE,
        )
        x_axis(canvas, box, [(x(t), str(int(t))) for t in x_ticks], TICK_SIZE)
        canvas.text(box.left, box.top - GAP, wrapped[indicator], PANEL_TITLE_SIZE, valign="bottom")
    return canvas
