"""The report's charts (charts.py, drawn with the kit of svg.py): readable axes, text that
stays on the chart and off other text, and SVG files that need no font to be shown."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from report_fixture import INJECTION, REPORT_YEAR, FixtureOptions, build_fixture

from klima_pipeline.report import charts
from klima_pipeline.report.axes import nice_ticks, padded, tick_labels
from klima_pipeline.report.data import warehouse_version
from klima_pipeline.report.fmt import Formatter
from klima_pipeline.report.job import Language
from klima_pipeline.report.language import build_language
from klima_pipeline.report.messages import Messages


@pytest.fixture(scope="module")
def drawings(tmp_path_factory: pytest.TempPathFactory) -> dict[str, charts.Drawing]:
    """Every chart of both languages of the fixture report, by file name."""
    root = tmp_path_factory.mktemp("charts")
    warehouse = build_fixture(
        root / "klima.duckdb",
        FixtureOptions(injection_name=INJECTION, injection_title=INJECTION),
    )
    drawn: dict[str, charts.Drawing] = {}
    save = charts.save

    def recording_save(chart: charts.Drawing, charts_dir: Path, name: str, *args, **kwargs):
        drawn[name] = chart
        return save(chart, charts_dir, name, *args, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(charts, "save", recording_save)
        for lang in ("da", "en"):
            out = root / lang
            job = Language(
                warehouse, warehouse_version(warehouse), REPORT_YEAR, lang, out,
                out / "commentary", fact_sheets=False, write_data=False, website=False,
            )  # fmt: skip
            build_language(job)
    return drawn


def test_every_chart_of_both_languages_is_drawn(drawings):
    kinds = {"trend", "status_map", "status_by_region", "sectors", "actions", "effect"}
    for lang in ("da", "en"):
        assert {f"{kind}-{lang}" for kind in kinds} <= drawings.keys()


def _overlap(a: tuple[float, ...], b: tuple[float, ...], tolerance: float = 0.5) -> bool:
    return (
        min(a[2], b[2]) - max(a[0], b[0]) > tolerance
        and min(a[3], b[3]) - max(a[1], b[1]) > tolerance
    )


def test_no_text_runs_off_a_chart_or_into_other_text(drawings):
    """Titles, legends, tick labels and bar labels are measured in the font they are set
    in: each stays inside its chart, and no two lines of text cover each other (long
    Danish names and the fixture's long member name included)."""
    for name, drawing in drawings.items():
        canvas = drawing.canvas()
        assert canvas.text_boxes, f"{name}: no text"
        for line, (left, top, right, bottom) in canvas.text_boxes:
            assert left >= 0 and top >= 0, f"{name}: {line!r} runs off the top or left"
            assert right <= canvas.width and bottom <= canvas.height, (
                f"{name}: {line!r} runs off the right or bottom"
            )
        boxes = canvas.text_boxes
        for i, (line, box) in enumerate(boxes):
            for other, other_box in boxes[i + 1 :]:
                assert not _overlap(box, other_box), f"{name}: {line!r} covers {other!r}"


def test_charts_set_their_text_as_outlines_they_define(drawings, tmp_path):
    """The SVG shows the same in typst and in any browser without a font installed: no
    text element, and every glyph used is defined in the file."""
    for name, drawing in drawings.items():
        svg = drawing.svg().decode("utf-8")
        assert "<text" not in svg, name
        defined = set(re.findall(r'<path id="([^"]+)"', svg))
        used = set(re.findall(r'xlink:href="#([^"]+)"', svg))
        assert used and used <= defined, f"{name}: glyphs used but not defined: {used - defined}"


@given(
    low=st.floats(-1e7, 1e7, allow_nan=False),
    span=st.floats(1e-3, 1e7),
    bins=st.integers(4, 9),
    lang=st.sampled_from(["da", "en"]),
)
def test_axis_ticks_are_few_even_and_never_read_alike(low, span, bins, lang):
    """An axis's ticks lie inside its range, at least two of them, at most `bins` + 1,
    evenly spaced; and their labels, in the report's number format, are all different."""
    high = low + span
    ticks = nice_ticks(low, high, bins)
    assert 2 <= len(ticks) <= bins + 1
    assert all(low - span * 1e-9 <= t <= high + span * 1e-9 for t in ticks)
    steps = [b - a for a, b in itertools.pairwise(ticks)]
    assert max(steps) - min(steps) <= max(steps) * 1e-6
    labels = tick_labels(ticks, Formatter(lang, Messages(lang).months()))
    assert len(set(labels)) == len(labels), labels


def test_counts_get_whole_ticks_and_bars_start_at_zero():
    assert padded([3.0, 28.0], zero=True) == pytest.approx((0.0, 29.4))
    assert nice_ticks(0.0, 2.1, 9, integer=True) == [0.0, 1.0, 2.0]


def test_a_missing_value_breaks_a_line_instead_of_spoiling_the_chart():
    """An indicator without a value for one year: its line stops before that year and goes
    on after it, and the SVG holds no invalid coordinate."""
    import pandas as pd

    series = pd.DataFrame(
        {
            "indicator": ["share"] * 5,
            "year": [2019, 2020, 2021, 2022, 2023],
            "value": [1.0, 2.0, float("nan"), 4.0, 5.0],
        }
    )
    lang = "en"
    drawing = charts.small_multiples(
        series, {"share": "Share"}, {"share": "%"}, Formatter(lang, Messages(lang).months())
    )
    svg = drawing.svg().decode("utf-8")
    assert "nan" not in svg.lower()
    assert svg.count("<polyline") == 2
    assert svg.count("<circle") == 4
