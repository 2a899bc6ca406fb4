"""What the process building one language is given (Language) and gives back (Built):
both are pickled between the run's process (build.py) and the language's (language.py)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .site.entry import Entry

REPORT_NAMES = {"da": "statusrapport", "en": "status-report"}


@dataclass(frozen=True)
class Language:
    """Everything building one language needs; pickled to the process that builds it."""

    warehouse: Path
    # The file the report reads (data.warehouse_version): every language reads the same.
    version: tuple[int, int, int, int]
    year: int
    lang: str
    root: Path
    commentary_dir: Path
    fact_sheets: bool
    # The data files behind charts and tables are the same in every language: the first
    # language writes them, the others only refer to them.
    write_data: bool
    website: bool = True
    all_pages: bool = False  # a site page for every municipality, also at scale
    built_now: tuple[str, ...] = ()  # every language of this build (the site links them)


@dataclass(frozen=True)
class Built:
    paths: list[Path]
    section_ids: list[str]
    data_names: frozenset[str]  # the data files the report refers to
    made: dict[str, list[str]]  # what each chart and PDF was made from (reuse.py)
    site: Entry | None = None  # for the site's entry page, written by the parent
