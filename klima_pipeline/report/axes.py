"""Ticks, scales, axes and legends: what the report's charts share (charts.py, maps.py),
in matplotlib's sizes and with its choice of ticks, drawn on a `svg.Canvas`."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from .fmt import Formatter
from .svg import TEXT_COLOUR, Canvas, text_height, text_width

# matplotlib's defaults, in points: tick length and width, the gap between a tick and its
# label, the axis line's width, the room kept at the figure's edge and between elements.
TICK_LENGTH = 3.5
TICK_WIDTH = 0.8
TICK_PAD = 3.5
SPINE_WIDTH = 0.8
EDGE_PAD = 3.0
GAP = 4.0
# Legends (matplotlib's, in font sizes): the handle's length and height, the space between
# handle and label, between columns and between rows.
HANDLE_LENGTH = 2.0
HANDLE_HEIGHT = 0.7
HANDLE_TEXT_PAD = 0.8
COLUMN_SPACING = 2.0
ROW_SPACING = 0.5
GRID_COLOUR = "#DDDDDD"
GRID_WIDTH = 0.6
# A line's dots: matplotlib's marker of 2.5 pt with its edge of 1 pt.
DOT_RADIUS = 1.75


# Ticks and limits -------------------------------------------------------------------------


def padded(
    values: Iterable[float], margin: float = 0.05, zero: bool = False
) -> tuple[float, float]:
    """The axis range of `values`: their span and `margin` of it on each side, as
    matplotlib's autoscaling. With `zero` (bars from a baseline) the range takes in 0 and
    never pads past it."""
    data = [float(v) for v in values if v is not None and math.isfinite(float(v))]
    if zero:
        data.append(0.0)
    if not data:
        return (0.0, 1.0)
    low, high = min(data), max(data)
    if low == high:
        spread = abs(low) * 0.05 or 0.5
        low, high = low - spread, high + spread
    pad = (high - low) * margin
    new_low, new_high = low - pad, high + pad
    if zero:
        new_low = 0.0 if low == 0 else new_low
        new_high = 0.0 if high == 0 else new_high
    return new_low, new_high


_STEPS = (1.0, 2.0, 2.5, 5.0, 10.0)


def nice_ticks(low: float, high: float, bins: int, integer: bool = False) -> list[float]:
    """Tick values inside [low, high]: multiples of the smallest step of 1, 2, 2.5 or 5
    times a power of ten that makes at most `bins` intervals (matplotlib's MaxNLocator);
    with `integer`, whole steps only."""
    if not high > low:
        return [low]
    raw = (high - low) / max(1, bins)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = raw
    for candidate in (m * magnitude for m in (*_STEPS, 20.0)):
        if integer and (candidate < 1 or candidate != int(candidate)):
            continue
        if candidate >= raw * (1 - 1e-9):
            step = candidate
            break
    if integer:
        step = max(1.0, float(math.ceil(step)))
    first = math.ceil(low / step - 1e-9)
    last = math.floor(high / step + 1e-9)
    # Rounded to the step's own decimals, so 0.1 × 3 reads 0.3, not 0.30000000000000004.
    decimals = max(0, -math.floor(math.log10(step)) + 2)
    return [round(k * step, decimals) + 0.0 for k in range(first, last + 1)]


def tick_bins(length: float, size: float, across: bool) -> int:
    """How many intervals an axis of `length` points has room for (matplotlib's 'auto'):
    a label's size twice along a vertical axis, three times along a horizontal one."""
    return max(1, min(9, int(length // (size * (2 if across else 3)))))


@dataclass(frozen=True)
class Scale:
    """Data values to points: `low` maps to `start`, `high` to `end`."""

    low: float
    high: float
    start: float
    end: float

    def __call__(self, value: float) -> float:
        return self.start + (value - self.low) * (self.end - self.start) / (self.high - self.low)


# Axes and legends --------------------------------------------------------------------------


@dataclass(frozen=True)
class Box:
    left: float
    top: float
    right: float
    bottom: float

    @property
    def width(self) -> float:
        return self.right - self.left

    @property
    def height(self) -> float:
        return self.bottom - self.top


def left_axis_room(
    labels: Sequence[str], size: float, title: str = "", title_size: float = 0
) -> float:
    """The room left of a plot for its tick labels and the axis title beside them."""
    room = TICK_LENGTH + TICK_PAD + max((text_width(t, size) for t in labels), default=0.0)
    if title:
        room += GAP + text_height(title, title_size)
    return room


def bottom_axis_room(size: float, title: str = "", title_size: float = 0) -> float:
    """The room below a plot for its tick labels and the axis title under them."""
    room = TICK_LENGTH + TICK_PAD + text_height("0", size)
    if title:
        room += GAP + text_height(title, title_size)
    return room


def grid(
    canvas: Canvas, box: Box, rows: Iterable[float] = (), columns: Iterable[float] = ()
) -> None:
    """Grid lines across the plot at the points given (drawn first, under the data)."""
    segments = [(box.left, y, box.right, y) for y in rows]
    segments += [(x, box.top, x, box.bottom) for x in columns]
    canvas.lines(segments, GRID_COLOUR, GRID_WIDTH)


def y_axis(
    canvas: Canvas,
    box: Box,
    ticks: Sequence[tuple[float, str]],
    size: float,
    title: str = "",
    title_size: float = 0,
) -> None:
    """The left axis: its line, ticks at the points given, their labels, and the title
    turned along the axis, beside the widest label."""
    canvas.lines([(box.left, box.top, box.left, box.bottom)], TEXT_COLOUR, SPINE_WIDTH)
    canvas.lines(
        ((box.left - TICK_LENGTH, y, box.left, y) for y, _ in ticks), TEXT_COLOUR, TICK_WIDTH
    )
    label_x = box.left - TICK_LENGTH - TICK_PAD
    for y, label in ticks:
        canvas.text(label_x, y, label, size, anchor="end", valign="middle")
    if title:
        widest = max((text_width(t, size) for _, t in ticks), default=0.0)
        canvas.text(
            label_x - widest - GAP,
            (box.top + box.bottom) / 2,
            title,
            title_size,
            anchor="middle",
            valign="bottom",
            vertical=True,
        )


def x_axis(
    canvas: Canvas,
    box: Box,
    ticks: Sequence[tuple[float, str]],
    size: float,
    title: str = "",
    title_size: float = 0,
) -> None:
    """The bottom axis, as `y_axis`: its line, ticks, labels, and the title under them."""
    canvas.lines([(box.left, box.bottom, box.right, box.bottom)], TEXT_COLOUR, SPINE_WIDTH)
    canvas.lines(
        ((x, box.bottom, x, box.bottom + TICK_LENGTH) for x, _ in ticks), TEXT_COLOUR, TICK_WIDTH
    )
    label_y = box.bottom + TICK_LENGTH + TICK_PAD
    for x, label in ticks:
        canvas.text(x, label_y, label, size, anchor="middle", valign="top")
    if title:
        canvas.text(
            (box.left + box.right) / 2,
            label_y + text_height("0", size) + GAP,
            title,
            title_size,
            anchor="middle",
            valign="top",
        )


@dataclass(frozen=True)
class Entry:
    """A legend entry: a filled box (`kind` "patch", with an optional edge) or a line
    with a dot (`kind` "line")."""

    label: str
    colour: str
    kind: Literal["patch", "line"] = "patch"
    edge: str | None = None
    line_width: float = 1.6
    dot_radius: float = DOT_RADIUS


@dataclass(frozen=True)
class Legend:
    """Entries laid out in rows of at most `columns`, each row centred (`draw_rows`), or
    one under the other (`draw_column`)."""

    entries: Sequence[Entry]
    size: float
    columns: int

    def _entry_width(self, entry: Entry) -> float:
        return (HANDLE_LENGTH + HANDLE_TEXT_PAD) * self.size + text_width(entry.label, self.size)

    def rows(self, max_width: float) -> list[list[Entry]]:
        """Entries in reading order, a row full at `columns` entries or at `max_width`."""
        rows: list[list[Entry]] = [[]]
        width = 0.0
        for entry in self.entries:
            needed = self._entry_width(entry) + (COLUMN_SPACING * self.size if rows[-1] else 0)
            if rows[-1] and (len(rows[-1]) >= self.columns or width + needed > max_width):
                rows.append([])
                width, needed = 0.0, self._entry_width(entry)
            rows[-1].append(entry)
            width += needed
        return [row for row in rows if row]

    def row_height(self) -> float:
        return text_height("Ag", self.size)

    def height(self, max_width: float) -> float:
        count = len(self.rows(max_width))
        return count * self.row_height() + (count - 1) * ROW_SPACING * self.size

    def width(self) -> float:
        """The width of the legend as one column."""
        return max((self._entry_width(e) for e in self.entries), default=0.0)

    def _draw_entry(self, canvas: Canvas, x: float, middle: float, entry: Entry) -> None:
        length = HANDLE_LENGTH * self.size
        if entry.kind == "line":
            canvas.line([(x, middle), (x + length, middle)], entry.colour, entry.line_width)
            canvas.dots([(x + length / 2, middle)], entry.dot_radius, entry.colour)
        else:
            height = HANDLE_HEIGHT * self.size
            canvas.rect(
                x,
                middle - height / 2,
                length,
                height,
                entry.colour,
                entry.edge,
                0.5 if entry.edge else 0.0,
            )
        canvas.text(
            x + (HANDLE_LENGTH + HANDLE_TEXT_PAD) * self.size,
            middle,
            entry.label,
            self.size,
            valign="middle",
        )

    def draw_rows(self, canvas: Canvas, centre: float, top: float, max_width: float) -> None:
        """The rows centred on `centre`, the first at `top`."""
        y = top
        for row in self.rows(max_width):
            widths = [self._entry_width(e) for e in row]
            total = sum(widths) + COLUMN_SPACING * self.size * (len(row) - 1)
            x = centre - total / 2
            middle = y + self.row_height() / 2
            for entry, width in zip(row, widths, strict=True):
                self._draw_entry(canvas, x, middle, entry)
                x += width + COLUMN_SPACING * self.size
            y += self.row_height() + ROW_SPACING * self.size

    def draw_column(self, canvas: Canvas, left: float, middle: float) -> None:
        """The entries one under the other, left-aligned at `left`, centred on `middle`."""
        step = self.row_height() + ROW_SPACING * self.size
        total = len(self.entries) * step - ROW_SPACING * self.size
        y = middle - total / 2 + self.row_height() / 2
        for entry in self.entries:
            self._draw_entry(canvas, left, y, entry)
            y += step


def tick_labels(ticks: Sequence[float], fmt: Formatter) -> list[str]:
    """Tick labels in the report's number format, as many decimals as the step needs."""
    decimals = decimals_for(ticks)
    return [fmt.number(t, decimals) for t in ticks]


def decimals_for(values: Sequence[float]) -> int:
    steps = np.diff(np.asarray(values, dtype=float))
    step = float(np.min(np.abs(steps))) if len(steps) else 1.0
    if step <= 0 or not math.isfinite(step):
        return 0
    decimals = 0
    while decimals < 6 and abs(round(step, decimals) - step) > step * 1e-6:
        decimals += 1
    return decimals
