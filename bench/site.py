"""`python -m bench.site [--sizes 98,10000] [--repeat N]`: what the website adds to the report.

Per size: a warehouse from the sample data (bench/results/raw-N, built once with
`klima run`), then in fresh processes the report without the site and with it (both
languages, fact sheets as `klima run` makes them). Printed: the wall time of each, the
site's share measured inside the process (its content in the first language, the pages
of both languages), the pages written and the peak memory of the process tree.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.__main__ import MARKER, ROOT, MiB, Workspace, raw_folder, report_year, run_measured

TARGET_SITE_98_S = 2.0  # issue 15: the site of 98 members on top of the report
TARGET_PEAK_10000 = 2 * 1024 * MiB

# Run in a fresh process: build_report with or without the site. The site's two parts are
# timed where they run for the first language (the second language's run in its own
# process at the same time): its content (regions, non-members) and its pages.
_BUILD = """
import json, sys, time
from pathlib import Path
from klima_pipeline.report import build, site

timings = {"content_s": 0.0, "pages_s": 0.0}

def timed(name, function):
    def wrapper(*args, **kwargs):
        started = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            timings[name] += time.perf_counter() - started
    return wrapper

site.language = timed("content_s", site.language)
site.write_language = timed("pages_s", site.write_language)
warehouse, reports, year, website, all_pages = sys.argv[1:6]
started = time.perf_counter()
paths = build.build_report(Path(warehouse), Path(reports), int(year),
                           website=website == "1", all_pages=all_pages == "1")
wall = time.perf_counter() - started
pages = sum(1 for p in paths if p.suffix == ".html")
print("BENCH " + json.dumps({"wall_s": wall, "pages": pages, **timings}), flush=True)
"""


def build_warehouse(ws: Workspace) -> None:
    if ws.warehouse.exists():
        return
    print(f"  building the warehouse of {ws.raw.name} …", flush=True)
    command = [sys.executable, "-m", "klima_pipeline.cli", "run", "--lang", "da"]
    subprocess.run(command, cwd=ROOT, env=ws.env(), check=True, stdout=subprocess.DEVNULL)


def measure(ws: Workspace, year: int, website: bool, all_pages: bool, name: str) -> dict:
    reports = ws.root / f"reports-{name}"
    command = [sys.executable, "-c", _BUILD, str(ws.warehouse), str(reports), str(year),
               "1" if website else "0", "1" if all_pages else "0"]  # fmt: skip
    m = run_measured(command, ws.env(), ws.log(name))
    return {"wall_s": m.wall_s, "peak_rss": m.peak_rss, **m.extra}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.site", description=__doc__)
    parser.add_argument("--sizes", default="98", help="municipalities, comma-separated")
    parser.add_argument("--repeat", type=int, default=3, help="measurements per variant")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    print(f"bench.site on {time.strftime('%Y-%m-%d %H:%M')}, {args.repeat} repeat(s)")
    results = {}
    for size in sizes:
        with tempfile.TemporaryDirectory(prefix=f"bench-site-{size}-") as tmp:
            ws = Workspace(Path(tmp), raw_folder(size))
            build_warehouse(ws)
            year = report_year(ws)
            variants = {"report": (False, False), "report + site": (True, False)}
            if size > 98:
                variants["report + site --all-pages"] = (True, True)
            rows = {}
            for label, (website, all_pages) in variants.items():
                runs = [
                    measure(ws, year, website, all_pages, f"{label.replace(' ', '')}-{i}")
                    for i in range(args.repeat)
                ]
                rows[label] = {
                    "wall_s": statistics.median(r["wall_s"] for r in runs),
                    "peak_mib": max(r["peak_rss"] for r in runs) / MiB,
                    "content_s": statistics.median(r["content_s"] for r in runs),
                    "pages_s": statistics.median(r["pages_s"] for r in runs),
                    "pages": runs[0]["pages"],
                }
            results[size] = rows
            base = rows["report"]["wall_s"]
            print(f"\n{size:,} municipalities (report year {year})")
            print(f"  {'variant':28} {'wall s':>7} {'+ s':>6} {'content s':>9} "
                  f"{'pages s':>8} {'pages':>6} {'peak MiB':>9}")  # fmt: skip
            for label, r in rows.items():
                print(f"  {label:28} {r['wall_s']:7.2f} {r['wall_s'] - base:6.2f} "
                      f"{r['content_s']:9.2f} {r['pages_s']:8.2f} {r['pages']:6d} "
                      f"{r['peak_mib']:9.0f}")  # fmt: skip
            if size == 98:
                added = rows["report + site"]["wall_s"] - base
                verdict = "met" if added <= TARGET_SITE_98_S else "missed"
                print(f"  target: the site adds ≤ {TARGET_SITE_98_S:.0f} s: {verdict}")
            if size >= 10_000:
                peak = max(r["peak_mib"] for r in rows.values()) * MiB
                verdict = "met" if peak <= TARGET_PEAK_10000 else "missed"
                print(f"  target: peak ≤ {TARGET_PEAK_10000 / MiB / 1024:.0f} GiB: {verdict}")
    print(MARKER + json.dumps(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
