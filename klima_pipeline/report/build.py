"""build_report: the national report in each language, charts, data files, fact sheets and
the website."""

from __future__ import annotations

import logging
import os
import pickle
import signal
import sys
import traceback
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from matplotlib.figure import Figure as MplFigure

from . import charts, children, commentary, factsheets, site
from .content import FACT_SHEET_LIMIT, Builder
from .data import ReportData, read_warehouse
from .files import begin_folder, replace_folder, write_text
from .messages import LANGUAGES
from .render import environment, render, submit_pdf
from .reuse import Reuse

log = logging.getLogger(__name__)

REPORT_NAMES = {"da": "statusrapport", "en": "status-report"}
__all__ = ["FACT_SHEET_LIMIT", "REPORT_NAMES", "build_report"]


@dataclass(frozen=True)
class Language:
    """Everything building one language needs; pickled to the process that builds it."""

    data: ReportData
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
    site: site.Entry | None = None  # for the site's entry page, written by the parent


@dataclass
class ReusingAssets(site.ChartAssets):
    """Assets whose charts are kept from the previous build when drawn from the same
    figure, their PNGs rendered together at the end (`rasteriser.run`)."""

    reuse: Reuse | None = None
    rasteriser: charts.Rasteriser = field(default_factory=charts.Rasteriser)

    def chart(self, name: str, fig: MplFigure) -> tuple[str, str]:
        saved = charts.save(fig, self.root / "charts", name, self.reuse, self.rasteriser)
        self.written += [saved.svg, saved.png]
        return f"charts/{saved.svg.name}", f"charts/{saved.png.name}"


def build_report(
    warehouse: Path,
    reports_dir: Path,
    report_year: int,
    languages: Sequence[str] = ("da", "en"),
    commentary_dir: Path | None = None,
    fact_sheets: bool | None = None,
    website: bool = True,
    all_pages: bool = False,
) -> list[Path]:
    """Write the status report of `report_year` under `reports_dir/<year>/`.

    Returns every path written. Reads the warehouse read-only. Analyst commentary is read
    from `commentary_dir`, by default `reports_dir/commentary` (see commentary.py). With
    `website` the site is written too (`<year>/site/`, report/site/); `all_pages` gives
    every municipality a page even above the report's listing limit."""
    unknown = [lang for lang in languages if lang not in LANGUAGES]
    if unknown:
        raise ValueError(f"unknown report language(s) {unknown}; expected {LANGUAGES}")
    if commentary_dir is None:
        commentary_dir = Path(reports_dir) / "commentary"
    _return_freed_memory()
    data = read_warehouse(Path(warehouse), report_year)
    target = Path(reports_dir) / str(report_year)
    # The year's files are built aside and swapped in as one set (files.replace_folder).
    root = begin_folder(target)
    members = int(data["municipality"]["is_member"].astype(bool).sum())
    with_sheets = fact_sheets if fact_sheets is not None else members <= FACT_SHEET_LIMIT
    jobs = [
        Language(
            data,
            lang,
            root,
            Path(commentary_dir),
            with_sheets,
            write_data=i == 0,
            website=website,
            all_pages=all_pages,
            built_now=tuple(languages),
        )
        for i, lang in enumerate(languages)
    ]
    built: list[Built] = []
    if jobs and members > FACT_SHEET_LIMIT:
        # At scale a language needs most of a gigabyte (10,000 members' pages and the
        # data behind them), so the languages are built one after the other, each in a
        # process that ends with it: two at once would put the run's peak memory above
        # 1.5 GiB (docs/performance.md).
        built = [build_in_child(job) for job in jobs]
    elif jobs:
        # Charts are single-threaded Python (and matplotlib's rc settings are global), so
        # the languages after the first are built in processes of their own: on two cores
        # the report takes about the time of one language, not the sum.
        # With a process started ahead for every language (`klima run`), this one builds
        # none itself: the processes have imported the report's code meanwhile.
        in_children = jobs if children.waiting() >= len(jobs) else jobs[1:]
        with ThreadPoolExecutor(max_workers=len(jobs), thread_name_prefix="language") as pool:
            others = [pool.submit(build_in_child, job) for job in in_children]
            if len(in_children) < len(jobs):
                built.append(build_language(jobs[0]))
            built += [future.result() for future in others]
    for job, done in zip(jobs, built, strict=True):
        commentary.warn_unknown(commentary_dir, report_year, job.lang, done.section_ids)
    unwritten = set().union(*(done.data_names for done in built[1:])) - (
        built[0].data_names if built else set()
    )
    if unwritten:
        raise RuntimeError(f"report data files referred to but not written: {sorted(unwritten)}")
    Reuse(root).save(*(done.made for done in built))
    entries = [done.site for done in built if done.site]
    pages = site.write_entry(root, entries) if entries else []
    replace_folder(root, target)
    return [
        target / path.relative_to(root)
        for path in [*(p for done in built for p in done.paths), *pages]
    ]


def _return_freed_memory() -> None:
    """Give the memory the warehouse's build freed back to the system before the report
    needs its own: glibc keeps freed memory for the process (at 10,000 municipalities
    about 400 MiB after the ingest), and the report's processes run beside this one."""
    import gc

    gc.collect()
    if sys.platform.startswith("linux"):
        import contextlib
        import ctypes

        # Another C library than glibc: nothing to give back this way.
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL("libc.so.6").malloc_trim(0)


def build_language(job: Language) -> Built:
    """Charts, data files, Markdown and PDF of one language, and its fact sheets."""
    reuse = Reuse(job.root)
    assets = ReusingAssets(
        job.root, write_data=job.write_data, reuse=reuse, rasteriser=charts.Rasteriser(reuse)
    )
    report_year = job.data.year
    written: list[Path | Future[Path]] = []
    # PDFs compile in child processes (typst keeps its memory for the life of the
    # process), waited for on worker threads: the Python work goes on meanwhile. The
    # fact sheets' PDF, the longest compile, starts first; it needs no chart.
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="pdf") as pdfs:
        builder = Builder(
            job.data, job.lang, assets, commentary.loader(job.commentary_dir, report_year, job.lang)
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
            content = site.language(builder, report, sheets, all_pages=job.all_pages)
            pages, entry = site.write_language(job.root, content, assets, job.built_now)
            written += pages
        pngs.result()
        paths = [p.result() if isinstance(p, Future) else p for p in written]
    sections = [s.id for s in report.sections]
    return Built(paths, sections, frozenset(assets.data_done), reuse.made, entry)


def build_in_child(job: Language) -> Built:
    """`build_language` in a child process; its exception is raised here."""
    process = children.language_process()
    assert process.stdin is not None and process.stdout is not None
    # Pickled straight into the pipe: the job's data is not held twice in this process
    # (as objects and as bytes) while the child builds.
    try:
        pickle.dump(job, process.stdin, protocol=pickle.HIGHEST_PROTOCOL)
        process.stdin.close()
    except BrokenPipeError:  # the child ended early; its return code says how
        pass
    stdout = process.stdout.read()
    process.wait()
    try:
        result = pickle.loads(stdout)
    except Exception:
        result = None
    if isinstance(result, tuple) and result[0] == "ok":
        return result[1]
    if isinstance(result, tuple) and result[0] == "error":
        error: BaseException = result[1]
        error.add_note(f"in the process building the {job.lang!r} report:\n{result[2]}")
        raise error
    raise RuntimeError(
        f"the process building the {job.lang!r} report ended with {process.returncode} "
        "and no result (its output is above in the log)"
    )


def child_main() -> None:
    result_out = sys.stdout.buffer
    sys.stdout = sys.stderr  # a stray print must not end up in the pickled result
    _end_with_parent(int(sys.argv[1]))
    # Before the job arrives: what every language needs first (map shapes, templates).
    charts.map_codes()
    for template in ("report.md.j2", "report.typ.j2", "factsheet.md.j2", "factsheets.typ.j2"):
        environment().get_template(template)
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


def _end_with_parent(parent: int) -> None:
    """A child that outlived a killed run would go on writing into a folder that the next
    run deletes (files.recover_folder); on Linux the kernel ends it with its parent."""
    if sys.platform.startswith("linux"):
        import ctypes

        pr_set_pdeathsig = 1
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGKILL)
    if os.getppid() != parent:  # the parent was gone before the line above
        os._exit(1)
