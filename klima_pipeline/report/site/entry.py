"""The site's entry page (site/index.html, the choice of language) and its static files.

Apart from the language pages (render.py) because the run's own process writes it, once
every language is built in a process of its own (report/build.py): this module needs
neither pandas nor the charts, which that process never imports.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from ..files import write_bytes, write_text
from ..model import Report

SITE = "site"
STATIC = ("site.css", "site.js", "favicon.svg")
LANGUAGE_NAMES = {"da": "Dansk", "en": "English"}


@cache
def environment() -> Environment:
    return Environment(
        loader=PackageLoader("klima_pipeline.report.site", "templates"),
        undefined=StrictUndefined,
        autoescape=select_autoescape(["html", "html.j2"], default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )


@dataclass(frozen=True)
class Entry:
    """What the entry page (site/index.html) says of one language."""

    lang: str
    report: Report
    ui: dict[str, str]


def write_entry(root: Path, entries: Sequence[Entry]) -> list[Path]:
    """site/index.html, the choice of language (once all languages are built), and the
    style sheet and script every page uses."""
    site = root / SITE
    written = [_copy_static(site, name) for name in STATIC]
    return [*written, write_text(site / "index.html", _root_page(environment(), site, entries))]


def _root_page(env: Environment, site: Path, languages: Sequence[Entry]) -> str:
    built = {entry.lang: entry for entry in languages}
    entries = [built[lang] for lang in LANGUAGE_NAMES if lang in built]
    others = [
        lang
        for lang in LANGUAGE_NAMES
        if lang not in built and (site / lang / "index.html").is_file()
    ]
    return env.get_template("root.html.j2").render(
        entries=entries, others=[(lang, LANGUAGE_NAMES[lang]) for lang in others]
    )


def _copy_static(site: Path, name: str) -> Path:
    source = resources.files(__package__).joinpath("static", name)
    return write_bytes(site / "assets" / name, source.read_bytes())
