"""Rendering the content model: Jinja2 templates for Markdown and Typst, PDF via typst."""

from __future__ import annotations

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
    return env


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
