"""Rendering the content model: Jinja2 templates for Markdown and Typst, PDF via typst."""

from __future__ import annotations

import string
import subprocess
import sys
from concurrent.futures import Executor, Future
from functools import cache
from pathlib import Path
from typing import Any

import typst
from jinja2 import Environment, PackageLoader, StrictUndefined

from .escape import md_escape, typst_escape, typst_string
from .files import write_bytes
from .reuse import Reuse, pdf_key


@cache
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("klima_pipeline.report", "templates"),
        undefined=StrictUndefined,
        autoescape=False,  # escaping is per format, by the filters below
        keep_trailing_newline=True,
        trim_blocks=False,
    )
    env.filters["md"] = md_escape
    env.filters["typst"] = typst_escape
    env.filters["typst_str"] = typst_string
    env.filters["column_widths"] = column_widths
    env.filters["md_rows"] = md_rows
    env.filters["typst_rows"] = typst_rows
    return env


# A table's body rows, written here rather than by a Jinja loop over every cell: the
# fact sheets have 19,000 cells a language, and the loop's per-cell work was most of
# rendering them (docs/performance.md). The templates call them for every table.
def md_rows(rows: Any) -> str:
    """Markdown table rows, each cell escaped (blocks.md.j2)."""
    return "".join("| " + "".join(f"{md_escape(c)} | " for c in row)[:-1] + "\n" for row in rows)


def typst_rows(rows: Any) -> str:
    """The cells of typst's `datatable`, each a string literal (blocks.typ.j2)."""
    return "".join("    " + "".join(f'"{typst_string(c)}", ' for c in row) + "\n" for row in rows)


# The fact sheets' tables (factsheets.typ.j2) are laid out with column widths computed
# here: a table's typst layout measures every cell, which made it most of the sheets'
# compile time. A cell's width is the sum of its characters' advance widths in the
# sheets' font, as typst measures them; kerning is left out, so a little is added.
SHEET_TEXT_WIDTH_PT = 493.0  # A4 less factsheets.typ.j2's margins (2 × 1.8 cm)
CELL_INSET_PT = 8.0  # 4 pt on each side, as the report's tables
_KERNING_ALLOWANCE = 1.02
_FONT = "Libertinus Serif"
_advances: dict[str, tuple[float, float]] = {}  # character -> (regular, bold) width in em


def _measure_characters(characters: set[str]) -> None:
    """Add each character's advance width (regular and bold, in em) to `_advances`: one
    typst query for all of them, in the font the sheets' tables are set in."""
    import json

    chars = sorted(characters)
    literals = ", ".join(f'"{typst_string(c)}"' for c in chars)
    source = (
        f'#set text(font: "{_FONT}", size: 10pt)\n#let chars = ({literals},)\n'
        "#context [#metadata(chars.map(c => (measure(text(c)).width / 10pt, "
        "measure(strong(text(c))).width / 10pt))) <widths>]"
    )
    [widths] = json.loads(
        typst.query(source.encode("utf-8"), "<widths>", field="value", ignore_system_fonts=True)
    )
    _advances.update(zip(chars, (tuple(w) for w in widths), strict=True))


# The characters of nearly every fact sheet table, in both languages.
COMMON_CHARACTERS = frozenset(
    string.ascii_letters + string.digits + string.punctuation + " æøåÆØÅéü–—…’“”·×²"
)


def measure_common_characters() -> None:
    """Measure `COMMON_CHARACTERS` now (a language's process does it before its job
    arrives), so that the sheets' tables rarely need a typst query of their own."""
    missing = COMMON_CHARACTERS - _advances.keys()
    if missing:
        _measure_characters(set(missing))


def column_widths(table: Any) -> str:
    """The widths of a fact sheet table's columns, as a typst array of lengths (each the
    widest of its cells and its bold header, plus the inset), or `none` when the table
    would be wider than the sheet's text so: typst's own table wraps its cells then."""
    texts = [[str(h) for h in table.header], *([str(c) for c in row] for row in table.rows)]
    missing = {c for row in texts for text in row for c in text} - _advances.keys()
    if missing:
        _measure_characters(missing)

    def em(text: str, bold: bool) -> float:
        return _KERNING_ALLOWANCE * sum(_advances[c][bold] for c in text)

    widths = [
        max(em(texts[0][i], True), *(em(row[i], False) for row in texts[1:]))
        for i in range(len(table.header))
    ]
    size_pt = 7.5 if table.small else 8.5
    if sum(widths) * size_pt + CELL_INSET_PT * len(widths) > SHEET_TEXT_WIDTH_PT:
        return "none"
    return "(" + "".join(f"{w:.2f}em + {CELL_INSET_PT:g}pt, " for w in widths) + ")"


def render(template: str, **context: Any) -> str:
    return environment().get_template(template).render(**context)


# Run by a child process: typst keeps its memoisation caches for the life of the process
# (2.5 GB after a 10,000-row table, kept after the PDF is made), so each PDF is compiled
# in a process of its own that gives the memory back when it ends.
_COMPILE = """
import sys, typst
try:
    pdf = typst.compile(sys.stdin.buffer.read(), root=sys.argv[1], ignore_system_fonts=True)
except typst.TypstError as error:
    sys.stderr.write(error.message)
    sys.exit(1)
sys.stdout.buffer.write(pdf)
"""


def compile_pdf(source: str, root: Path) -> bytes:
    """Typst to PDF. Only the fonts built into typst are used, so the PDF looks the same
    on every machine and nothing is downloaded; image paths are relative to `root`."""
    done = subprocess.run(
        [sys.executable, "-c", _COMPILE, str(root)],
        input=source.encode("utf-8"),
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip()
        raise typst.TypstError(message or f"typst failed ({done.returncode})", message)
    if not done.stdout.rstrip().endswith(b"%%EOF"):
        # Seen when a profiler attached to the compiling process (py-spy --subprocesses):
        # it ended well, but the PDF reached this process cut at a pipe's 64 KiB.
        message = f"the PDF compiled from {root} came back incomplete ({len(done.stdout)} bytes)"
        raise typst.TypstError(message, message)
    return done.stdout


def write_pdf(path: Path, source: str, root: Path, reuse: Reuse | None = None) -> Path:
    """The PDF of `source` at `path`; with `reuse`, the previous build's PDF of the same
    source and images is kept (reuse.py)."""
    if reuse is None:
        return write_bytes(path, compile_pdf(source, root))
    return reuse.make(path, pdf_key(source, root), lambda: compile_pdf(source, root), write_bytes)


def submit_pdf(
    pdfs: Executor | None, path: Path, source: str, root: Path, reuse: Reuse | None = None
) -> Path | Future[Path]:
    """Write the PDF of `source` at `path`: in the background when given an executor (the
    compile runs in a child process, so the caller's Python work goes on meanwhile)."""
    if pdfs is None:
        return write_pdf(path, source, root, reuse)
    return pdfs.submit(write_pdf, path, source, root, reuse)
