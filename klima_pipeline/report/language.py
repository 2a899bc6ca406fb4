"""One language of the report: its charts, data files, Markdown, PDF, fact sheets and
website pages, built in a process of its own (`child_main`) or in the run's process.

The run's process (build.py) only hands out the languages and moves the folders: this
module holds everything that needs matplotlib, pandas and typst.
"""

from __future__ import annotations

import pickle
import sys
import traceback
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from . import charts, commentary, factsheets
from .content import Builder
from .data import read_warehouse
from .files import write_text
from .job import REPORT_NAMES, Built, Language
from .maps import map_codes
from .render import environment, measure_common_characters, render, submit_pdf
from .reuse import Reuse
from .site.entry import environment as site_environment
from .site.pages import language as site_language
from .site.render import ChartAssets, write_language
from .svg import font


@dataclass
class ReusingAssets(ChartAssets):
    """Assets whose charts are kept from the previous build when drawn by the same function
    from the same arguments (charts.Drawing), their PNGs rendered together at the end
    (`rasteriser.run`)."""

    reuse: Reuse | None = None
    rasteriser: charts.Rasteriser = field(default_factory=charts.Rasteriser)

    def chart(self, name: str, fig: charts.Drawing) -> tuple[str, str]:
        saved = charts.save(fig, self.root / "charts", name, self.reuse, self.rasteriser)
        self.written += [saved.svg, saved.png]
        return f"charts/{saved.svg.name}", f"charts/{saved.png.name}"


def build_language(job: Language) -> Built:
    """Charts, data files, Markdown and PDF of one language, and its fact sheets."""
    data = read_warehouse(job.warehouse, job.year, job.version)
    reuse = Reuse(job.root)
    assets = ReusingAssets(
        job.root, write_data=job.write_data, reuse=reuse, rasteriser=charts.Rasteriser(reuse)
    )
    report_year = job.year
    written: list[Path | Future[Path]] = []
    # PDFs compile in child processes (typst keeps its memory for the life of the
    # process), waited for on worker threads: the Python work goes on meanwhile. The
    # fact sheets' PDF, the longest compile, starts first; it needs no chart.
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="pdf") as pdfs:
        builder = Builder(
            data, job.lang, assets, commentary.loader(job.commentary_dir, report_year, job.lang)
        )
        # The members' sheets are made once for the PDF fact sheets and the site.
        sheets = factsheets.sheets(builder) if job.fact_sheets or job.website else []
        if job.fact_sheets:
            written += factsheets.write(builder, job.root, pdfs, reuse, sheets)
        report = builder.build()
        # Every chart is drawn now; typst renders their PNGs beside the Python work below.
        pngs = pdfs.submit(assets.rasteriser.run)
        written += assets.written
        stem = f"{REPORT_NAMES[job.lang]}-{report_year}"
        written.append(write_text(job.root / f"{stem}.md", render("report.md.j2", r=report)))
        source = render("report.typ.j2", r=report)
        written.append(submit_pdf(pdfs, job.root / f"{stem}.pdf", source, job.root, reuse))
        entry = None
        if job.website:
            content = site_language(builder, report, sheets, all_pages=job.all_pages)
            pages, entry = write_language(job.root, content, assets, job.built_now)
            written += pages
        pngs.result()
        paths = [p.result() if isinstance(p, Future) else p for p in written]
    sections = [s.id for s in report.sections]
    return Built(paths, sections, frozenset(assets.data_done), reuse.made, entry)


def warm_up() -> None:
    """What every language needs first (the charts' font and map shapes, the templates
    compiled, the widths of the fact sheets' characters), made before the job arrives."""
    font()
    map_codes()
    measure_common_characters()
    # Every template of the report and of the website, compiled now: compiling them took
    # a fifth of a second of the language's own time.
    for templates in (environment(), site_environment()):
        for name in templates.list_templates():
            templates.get_template(name)


def child_main() -> None:
    """A language's process (children.py): builds the language it reads from stdin."""
    result_out = sys.stdout.buffer
    sys.stdout = sys.stderr  # a stray print must not end up in the pickled result
    try:
        job = pickle.load(sys.stdin.buffer)
    except EOFError:  # started ahead and not needed (stop_language_processes)
        return
    try:
        result: tuple[object, ...] = ("ok", build_language(job))
    except Exception as error:
        result = ("error", error, traceback.format_exc())
    try:
        payload = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:  # an exception that does not pickle: its text still gets through
        text = "".join(traceback.format_exception(result[1]))  # type: ignore[arg-type]
        payload = pickle.dumps(("error", RuntimeError(text), text))
    result_out.write(payload)
    result_out.flush()
