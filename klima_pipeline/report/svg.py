"""The canvas of the report's charts (charts.py, maps.py): an SVG picture in points, text
set as paths in DejaVu Sans; the pieces every chart shares (ticks, axes, legends) are in
axes.py.

The charts used to be drawn with matplotlib. Its fixed cost per figure (artists, ticks,
transforms, the layout engine measuring every text twice) made a language's eight charts
1.3–1.9 CPU s, the largest part of the report step (docs/performance.md); the same charts
written directly take a few milliseconds each. The look is matplotlib's: its default
sizes (ticks 3.5 pt, spines 0.8 pt, legend spacing in font sizes), its tick choice
(axes.nice_ticks) and margins (axes.padded), and the same font, read from the file matplotlib
ships. Text is set as glyph outlines, each glyph defined once per file, so the SVG looks
the same in typst (PDF, PNG) and in every browser without any font installed.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Literal

Anchor = Literal["start", "middle", "end"]
VAlign = Literal["baseline", "middle", "top", "bottom"]

POINTS_PER_INCH = 72.0
TEXT_COLOUR = "#000000"
# Between the baselines of a text's lines, in font sizes (matplotlib's).
LINE_SPACING = 1.2


def font_file() -> Path:
    """DejaVu Sans as matplotlib ships it (the charts' font since the first report),
    found without importing matplotlib."""
    spec = importlib.util.find_spec("matplotlib")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the charts' font comes with matplotlib, which is not installed")
    return Path(spec.submodule_search_locations[0], "mpl-data", "fonts", "ttf", "DejaVuSans.ttf")


@dataclass(frozen=True)
class Font:
    """The metrics and outlines of one font, in font units (`units_per_em` to the em)."""

    units_per_em: int
    cap_height: int
    ascent: int
    descent: int  # below the baseline, positive
    glyph_of: dict[int, str]  # code point -> glyph name
    advance: dict[str, int]
    kerning: dict[tuple[str, str], int]
    glyphs: Any  # fontTools' glyph set: outlines drawn on demand
    outlines: dict[str, str]  # glyph name -> SVG path data, filled as glyphs are used

    def outline(self, glyph: str) -> str:
        path = self.outlines.get(glyph)
        if path is None:
            from fontTools.pens.svgPathPen import SVGPathPen

            pen = SVGPathPen(self.glyphs)
            self.glyphs[glyph].draw(pen)
            path = self.outlines[glyph] = pen.getCommands()
        return path

    def layout(self, text: str) -> tuple[list[tuple[str, int]], int]:
        """One line of `text` set: each glyph with where it starts, and the line's advance
        width, in font units, kerned."""
        placed: list[tuple[str, int]] = []
        advance, previous = 0, None
        for character in text:
            name = self.glyph_of.get(ord(character), ".notdef")
            if previous is not None:
                advance += self.kerning.get((previous, name), 0)
            placed.append((name, advance))
            advance += self.advance[name]
            previous = name
        return placed, advance

    def width(self, text: str, size: float) -> float:
        """The advance width of one line of `text` at `size` points, kerned."""
        return self.layout(text)[1] * size / self.units_per_em


@cache
def font() -> Font:
    """The charts' font, read once per process (a language's process reads it before its
    job arrives, language.warm_up)."""
    from fontTools.ttLib import TTFont

    tt = TTFont(str(font_file()), lazy=True)
    kerning: dict[tuple[str, str], int] = {}
    if "kern" in tt:
        for table in tt["kern"].kernTables:
            kerning.update(table.kernTable)
    hmtx = tt["hmtx"]
    return Font(
        units_per_em=tt["head"].unitsPerEm,
        # This file's OS/2 table is too old to give the capitals' height: H's top is it.
        cap_height=tt["glyf"]["H"].yMax,
        ascent=tt["hhea"].ascent,
        descent=-tt["hhea"].descent,
        glyph_of=dict(tt.getBestCmap()),
        advance={name: hmtx[name][0] for name in tt.getGlyphOrder()},
        kerning=kerning,
        glyphs=tt.getGlyphSet(),
        outlines={},
    )


def text_width(text: str, size: float) -> float:
    """The width in points of the widest line of `text`."""
    return max(font().width(line, size) for line in text.split("\n"))


def text_height(text: str, size: float) -> float:
    """The height in points of `text`, one line per line: ascent of the first to descent
    of the last."""
    f = font()
    lines = text.count("\n") + 1
    return ((f.ascent + f.descent) / f.units_per_em + (lines - 1) * LINE_SPACING) * size


def wrap(text: str, width: float, size: float) -> str:
    """`text` broken at spaces into lines no wider than `width` points (a word wider than
    that gets a line of its own)."""
    lines: list[str] = []
    for word in text.split():
        if lines and text_width(f"{lines[-1]} {word}", size) <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return "\n".join(lines)


def _n(value: float) -> str:
    """A coordinate: two decimals, no trailing zeros, never "-0"."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _points(points: Iterable[tuple[float, float]]) -> str:
    return " ".join(f"{_n(x)},{_n(y)}" for x, y in points)


class Canvas:
    """An SVG picture `width` × `height` points, y downwards; shapes in drawing order."""

    def __init__(self, width: float, height: float) -> None:
        self.width = width
        self.height = height
        self._body: list[str] = []
        self._glyphs: dict[str, str] = {}  # element id -> path data, in order of first use
        self._clips = 0
        # Each line of text drawn, with the box (left, top, right, bottom) it takes.
        self.text_boxes: list[tuple[str, tuple[float, float, float, float]]] = []

    def rect(
        self,
        x: float,
        y: float,
        width: float,
        height: float,
        fill: str,
        stroke: str | None = None,
        stroke_width: float = 0.0,
    ) -> None:
        """A rectangle from its top-left corner; a negative size extends the other way."""
        if width < 0:
            x, width = x + width, -width
        if height < 0:
            y, height = y + height, -height
        edge = f' stroke="{stroke}" stroke-width="{_n(stroke_width)}"' if stroke else ""
        self._body.append(
            f'<rect x="{_n(x)}" y="{_n(y)}" width="{_n(width)}" height="{_n(height)}" '
            f'fill="{fill}"{edge}/>'
        )

    def line(
        self,
        points: Sequence[tuple[float, float]],
        colour: str,
        width: float,
    ) -> None:
        self._body.append(
            f'<polyline points="{_points(points)}" fill="none" stroke="{colour}" '
            f'stroke-width="{_n(width)}" stroke-linejoin="round"/>'
        )

    def lines(
        self, segments: Iterable[tuple[float, float, float, float]], colour: str, width: float
    ) -> None:
        """Straight segments (x1, y1, x2, y2) in one path: grids and tick marks."""
        data = "".join(f"M{_n(a)} {_n(b)}L{_n(c)} {_n(d)}" for a, b, c, d in segments)
        if data:
            self._body.append(
                f'<path d="{data}" fill="none" stroke="{colour}" stroke-width="{_n(width)}"/>'
            )

    def dots(self, points: Iterable[tuple[float, float]], radius: float, colour: str) -> None:
        """Filled circles: the markers of a line."""
        r = _n(radius)
        self._body.extend(
            f'<circle cx="{_n(x)}" cy="{_n(y)}" r="{r}" fill="{colour}"/>' for x, y in points
        )

    def polygons(
        self,
        rings: Iterable[tuple[str, str]],
        stroke: str,
        stroke_width: float,
        clip: tuple[float, float, float, float] | None = None,
    ) -> None:
        """Closed shapes, each as (path data, fill colour), drawn in order with a common
        edge; with `clip` (x, y, width, height) nothing is drawn outside that box."""
        attributes = f'stroke="{stroke}" stroke-width="{_n(stroke_width)}" stroke-linejoin="round"'
        if clip is not None:
            self._clips += 1
            clip_id = f"clip{self._clips}"
            x, y, w, h = clip
            self._body.append(
                f'<clipPath id="{clip_id}"><rect x="{_n(x)}" y="{_n(y)}" width="{_n(w)}" '
                f'height="{_n(h)}"/></clipPath>'
            )
            attributes += f' clip-path="url(#{clip_id})"'
        self._body.append(f"<g {attributes}>")
        self._body.extend(f'<path d="{data}" fill="{fill}"/>' for data, fill in rings)
        self._body.append("</g>")

    def text(
        self,
        x: float,
        y: float,
        text: str,
        size: float,
        anchor: Anchor = "start",
        valign: VAlign = "baseline",
        colour: str = TEXT_COLOUR,
        vertical: bool = False,
    ) -> None:
        """`text` at (x, y), one line per line: `anchor` places it along its direction,
        `valign` across it (the middle is half the capitals' height above the baseline, so
        digits sit centred on a tick). `vertical` turns it a quarter anticlockwise."""
        f = font()
        scale = size / f.units_per_em
        lines = text.split("\n")
        step = LINE_SPACING * size
        first = {
            "baseline": 0.0,
            "top": f.ascent * scale,
            "middle": f.cap_height * scale / 2 - (len(lines) - 1) * step / 2,
            "bottom": -f.descent * scale - (len(lines) - 1) * step,
        }[valign]
        for i, line in enumerate(lines):
            placed, units = f.layout(line)
            width = units * scale
            along = {"start": 0.0, "middle": -width / 2, "end": -width}[anchor]
            across = first + i * step
            # The line's origin (the start of its baseline) and the box its glyphs can fill.
            if vertical:
                ox, oy = x + across, y - along
                box = (ox - f.ascent * scale, oy - width, ox + f.descent * scale, oy)
            else:
                ox, oy = x + along, y + across
                box = (ox, oy - f.ascent * scale, ox + width, oy + f.descent * scale)
            uses = []
            for name, start in placed:
                outline = f.outline(name)
                if outline:  # a space has none
                    glyph_id = f"glyph-{name}"
                    self._glyphs.setdefault(glyph_id, outline)
                    uses.append(f'<use xlink:href="#{glyph_id}" x="{start}"/>')
            if not uses:
                continue
            self.text_boxes.append((line, box))
            turn = " rotate(-90)" if vertical else ""
            self._body.append(
                f'<g fill="{colour}" transform="translate({_n(ox)} {_n(oy)}){turn} '
                f'scale({scale:.6g} {-scale:.6g})">' + "".join(uses) + "</g>"
            )

    def svg(self) -> bytes:
        width, height = _n(self.width), _n(self.height)
        defs = "".join(f'<path id="{i}" d="{d}"/>' for i, d in self._glyphs.items())
        parts = [
            '<?xml version="1.0" encoding="utf-8" standalone="no"?>',
            '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
            f'width="{width}pt" height="{height}pt" viewBox="0 0 {width} {height}" version="1.1">',
            f"<defs>{defs}</defs>",
            f'<rect width="{width}" height="{height}" fill="#ffffff"/>',
            *self._body,
            "</svg>",
            "",
        ]
        return "\n".join(parts).encode("utf-8")
