"""Rendering the content model: Jinja2 templates for Markdown and Typst, PDF via typst."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import typst
from jinja2 import Environment, PackageLoader, StrictUndefined

from .escape import md_escape, typst_escape, typst_string


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


def compile_pdf(source: str, root: Path) -> bytes:
    """Typst to PDF. Only the fonts built into typst are used, so the PDF looks the same
    on every machine and nothing is downloaded; image paths are relative to `root`."""
    return typst.compile(source.encode("utf-8"), root=str(root), ignore_system_fonts=True)
