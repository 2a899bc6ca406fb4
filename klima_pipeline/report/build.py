"""build_report: the national report in each language, charts, data files, fact sheets."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from . import commentary, factsheets
from .content import Assets, Builder
from .data import read_warehouse
from .files import begin_folder, replace_folder, write_text
from .messages import LANGUAGES
from .render import render, submit_pdf

log = logging.getLogger(__name__)

REPORT_NAMES = {"da": "statusrapport", "en": "status-report"}
# Fact sheets are one page per member: on by default for the real alliance, off for
# scale tests with thousands of synthetic members unless asked for.
FACT_SHEET_LIMIT = 200


def build_report(
    warehouse: Path,
    reports_dir: Path,
    report_year: int,
    languages: Sequence[str] = ("da", "en"),
    commentary_dir: Path | None = None,
    fact_sheets: bool | None = None,
) -> list[Path]:
    """Write the status report of `report_year` under `reports_dir/<year>/`.

    Returns every path written. Reads the warehouse read-only. Analyst commentary is read
    from `commentary_dir`, by default `reports_dir/commentary` (see commentary.py)."""
    unknown = [lang for lang in languages if lang not in LANGUAGES]
    if unknown:
        raise ValueError(f"unknown report language(s) {unknown}; expected {LANGUAGES}")
    if commentary_dir is None:
        commentary_dir = Path(reports_dir) / "commentary"
    data = read_warehouse(Path(warehouse), report_year)
    target = Path(reports_dir) / str(report_year)
    # The year's files are built aside and swapped in as one set (files.replace_folder).
    root = begin_folder(target)
    assets = Assets(root)
    members = int(data["municipality"]["is_member"].astype(bool).sum())
    with_sheets = fact_sheets if fact_sheets is not None else members <= FACT_SHEET_LIMIT
    written: list[Path | Future[Path]] = []
    # PDFs compile in child processes one at a time, while this thread goes on with the
    # next language's charts: on two cores the report takes the longer of the two, not
    # their sum, and at most one typst process holds memory at a time.
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="pdf") as pdfs:
        for lang in languages:
            start = len(assets.written)
            builder = Builder(
                data, lang, assets, commentary.loader(commentary_dir, report_year, lang)
            )
            report = builder.build()
            commentary.warn_unknown(
                commentary_dir, report_year, lang, (x.id for x in report.sections)
            )
            written += assets.written[start:]
            stem = f"{REPORT_NAMES[lang]}-{report_year}"
            written.append(write_text(root / f"{stem}.md", render("report.md.j2", r=report)))
            source = render("report.typ.j2", r=report)
            written.append(submit_pdf(pdfs, root / f"{stem}.pdf", source, root))
            if with_sheets:
                written += factsheets.write(builder, root, pdfs)
        paths = [p.result() if isinstance(p, Future) else p for p in written]
    replace_folder(root, target)
    return [target / path.relative_to(root) for path in paths]
