"""build_report: the national report in each language, charts, data files, fact sheets and
the website.

This is the run's side: it hands each language to a process of its own (language.py,
where everything that draws, compiles and renders is), then writes the site's entry page
and swaps the year's folder in. It imports neither pandas nor typst, so a `klima
run` whose languages are all built in processes started ahead never waits for them."""

from __future__ import annotations

import pickle
import sys
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from klima_pipeline.config import pause_point

from . import children, commentary
from .data import member_count, warehouse_version
from .files import begin_folder, replace_folder
from .job import REPORT_NAMES, Built, Language
from .messages import LANGUAGES
from .model import FACT_SHEET_LIMIT
from .reuse import Reuse
from .site.entry import write_entry

__all__ = ["FACT_SHEET_LIMIT", "REPORT_NAMES", "build_report"]


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
    warehouse = Path(warehouse)
    # Each language reads the warehouse in the process that builds it (language.py).
    version = warehouse_version(warehouse)
    members = member_count(warehouse)
    if members > FACT_SHEET_LIMIT:
        _return_freed_memory()  # at 98 there is little to give back, for a tenth of a second
    target = Path(reports_dir) / str(report_year)
    # The year's files are built aside and swapped in as one set (files.replace_folder).
    root = begin_folder(target)
    with_sheets = fact_sheets if fact_sheets is not None else members <= FACT_SHEET_LIMIT
    jobs = [
        Language(
            warehouse,
            version,
            report_year,
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
        # A language's Python work is single-threaded, so the languages after the first
        # are built in processes of their own: on two cores the report takes about the
        # time of one language, not the sum.
        # With a process started ahead for every language (`klima run`), this one builds
        # none itself: the processes have imported the report's code meanwhile.
        in_children = jobs if children.waiting() >= len(jobs) else jobs[1:]
        with ThreadPoolExecutor(max_workers=len(jobs), thread_name_prefix="language") as pool:
            others = [pool.submit(build_in_child, job) for job in in_children]
            if len(in_children) < len(jobs):
                from .language import build_language

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
    pages = write_entry(root, entries) if entries else []
    pause_point("report-built")
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


def build_in_child(job: Language) -> Built:
    """`build_language` in a child process; its exception is raised here."""
    process = children.language_process()
    assert process.stdin is not None and process.stdout is not None
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
