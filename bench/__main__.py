"""`python -m bench [--sizes 98,1000,10000] [--repeat N] [--quick]`: measure and print the table.

Raw folders are generated once per size and kept under bench/results/ (git-ignored),
regenerated when the sample-data generator changes. Every measurement runs in a fresh
process; its peak memory is the largest resident set of that process tree.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import hashlib
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

from bench.stage import DATA_STAGES, MARKER, STAGE_GROUPS

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
DEFAULT_SIZES = (98, 1000, 10_000)
MiB = 1024 * 1024

# Targets (issue 14; the refresh one from issue 7), 2 cores.
TARGET_RUN_WARM_S = 8.0
TARGET_RUN_COLD_S = 10.0
TARGET_REPORT_S = 3.0
TARGET_RERUN_S = 4.0
TARGET_COMMAND_S = 1.5
TARGET_RATIO = {98: 1.5, 10_000: 1.2}
TARGET_PEAK_10000 = 1.5 * 1024 * MiB
TARGET_REFRESH_S = 3.0
# The report step's progress line: "[48/48] report/status_report      done   2.31 s"
REPORT_LINE = re.compile(r"\] report/status_report\s+done\s+([0-9.]+) s")

STAGE_LABELS = {
    "ingest": "ingest (reference + staging)",
    "core": "core (core SQL + data checks)",
    "metrics": "metrics (metrics SQL)",
    "marts": "marts (mart SQL)",
    "publish": "publish",
    "report": "charts + report (da, en)",
}


@dataclass
class Measurement:
    wall_s: float  # the work itself, as the process reports it (no start-up)
    cpu_s: float
    peak_rss: int  # bytes, the whole process (start-up included)
    process_wall_s: float  # the process from start to exit
    extra: dict[str, Any] = field(default_factory=dict)


def _tree_rss(pid: int, page: int) -> int:
    """Resident bytes of a process and its descendants, from /proc."""
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        with contextlib.suppress(OSError, ValueError, IndexError):
            total += int(Path(f"/proc/{current}/statm").read_text().split()[1]) * page
            for task in Path(f"/proc/{current}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
    return total


def run_measured(command: list[str], env: dict[str, str], log: Path) -> Measurement:
    """Run a command, returning its time and the peak memory of its process tree.

    The peak is the larger of the kernel's own (wait4: the largest single process of the
    tree) and the sum over the tree polled every 50 ms (processes alive at once)."""
    started = time.perf_counter()
    with log.open("w") as out:
        process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=out, stderr=out)
        polled = [0]
        done = threading.Event()
        page = os.sysconf("SC_PAGE_SIZE")

        def poll() -> None:
            while not done.wait(0.05):
                polled[0] = max(polled[0], _tree_rss(process.pid, page))

        poller = threading.Thread(target=poll, daemon=True)
        poller.start()
        _, status, usage = os.wait4(process.pid, 0)
        done.set()
        poller.join()
        process.returncode = os.waitstatus_to_exitcode(status)
    process_wall = time.perf_counter() - started
    text = log.read_text(errors="replace")
    if process.returncode != 0:
        lines = text.strip().splitlines()
        cause = next((x.strip() for x in lines if "FAILED" in x), lines[-1] if lines else "")
        raise RuntimeError(f"{' '.join(command[2:4])}: {cause[:300]} (log: {log})")
    reported = [line for line in text.splitlines() if line.startswith(MARKER)]
    extra = json.loads(reported[-1][len(MARKER) :]) if reported else {}
    cpu = usage.ru_utime + usage.ru_stime
    return Measurement(
        wall_s=extra.get("wall_s", process_wall),
        cpu_s=extra.get("cpu_s", cpu),
        peak_rss=max(usage.ru_maxrss * 1024, polled[0]),
        process_wall_s=process_wall,
        extra=extra,
    )


def sample_data_fingerprint() -> str:
    digest = hashlib.sha256()
    for path in sorted((ROOT / "klima_pipeline" / "sample_data").rglob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def raw_folder(size: int) -> Path:
    """`klima sample-data --municipalities size`, generated once and kept."""
    folder = RESULTS / f"raw-{size}"
    stamp = folder / ".bench-fingerprint"
    fingerprint = sample_data_fingerprint()
    if stamp.exists() and stamp.read_text() == fingerprint:
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    print(f"  generating sample data for {size:,} municipalities …", flush=True)
    subprocess.run(
        [sys.executable, "-m", "klima_pipeline.cli", "sample-data", "--out", str(folder),
         "--municipalities", str(size)],
        cwd=ROOT, check=True, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    stamp.write_text(fingerprint)
    return folder


@dataclass
class Workspace:
    """One size's folders: warehouse, reports and Dagster instance, in a temporary folder."""

    root: Path
    raw: Path

    @property
    def warehouse(self) -> Path:
        return self.root / "warehouse" / "klima.duckdb"

    def env(self, build: Path | None = None) -> dict[str, str]:
        """The environment of a run; with `build`, a warehouse and reports folder of its
        own there (a whole build: nothing published or reported before)."""
        warehouse = build / "warehouse" / "klima.duckdb" if build else self.warehouse
        return os.environ | {
            "KLIMA_RAW_DIR": str(self.raw),
            "KLIMA_WAREHOUSE": str(warehouse),
            "KLIMA_REPORTS_DIR": str((build or self.root) / "reports"),
            "DAGSTER_HOME": str(self.root / "dagster"),
            "PYTHONUNBUFFERED": "1",
        }

    def working_file(self, run_id: str) -> Path:
        # The layout of WarehouseResource.working_path: <warehouse dir>/.build/<run id>.duckdb
        return self.warehouse.parent / ".build" / f"{run_id}.duckdb"

    def log(self, name: str) -> Path:
        return self.root / f"{name}.log"


def python(*args: str) -> list[str]:
    return [sys.executable, *args]


def report_year(ws: Workspace) -> int:
    command = python("-c", "import sys; from klima_pipeline.ingest import survey_years; "
                     "print(survey_years(__import__('pathlib').Path(sys.argv[1]))[-1])",
                     str(ws.raw))  # fmt: skip
    done = subprocess.run(command, cwd=ROOT, env=ws.env(), capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(done.stderr)
    return int(done.stdout.split()[-1])


def init_instance(ws: Workspace) -> None:
    """Create the Dagster instance first, as a user's `.dagster` already exists."""
    command = python("-c", "from klima_pipeline.runner import dagster_instance; "
                     "dagster_instance().dispose()")  # fmt: skip
    subprocess.run(command, cwd=ROOT, env=ws.env(), check=True)


def measure_stages(ws: Workspace, year: int) -> dict[str, Measurement]:
    """The job's stages, each a run of its part of the job in a fresh process. The
    working file is handed from one stage's run to the next, as one run would have it."""
    out: dict[str, Measurement] = {}
    previous: str | None = None
    for stage in STAGE_GROUPS:
        run_id = str(uuid.uuid4())
        if previous is not None and stage != "report":
            old = ws.working_file(previous)
            if old.exists():
                os.replace(old, ws.working_file(run_id))
        if stage == "report":
            # An empty reports folder: the previous round's charts and fact sheets would
            # be kept (report/reuse.py), and the row would measure a re-run.
            shutil.rmtree(ws.root / "reports", ignore_errors=True)
        out[stage] = run_measured(
            python("-m", "bench.stage", stage, "--run-id", run_id, "--year", str(year)),
            ws.env(),
            ws.log(f"stage-{stage}"),
        )
        previous = run_id
    return out


def measure_run(ws: Workspace) -> Measurement:
    return run_measured(python("-m", "klima_pipeline.cli", "run"), ws.env(), ws.log("klima-run"))


def measure_whole_build(ws: Workspace, name: str) -> Measurement:
    """`klima run` into a new warehouse and reports folder: everything built, nothing of
    an earlier report kept. The report step's own time is taken from the progress lines."""
    build = ws.root / name
    shutil.rmtree(build, ignore_errors=True)
    measured = run_measured(python("-m", "klima_pipeline.cli", "run"), ws.env(build), ws.log(name))
    found = REPORT_LINE.findall(ws.log(name).read_text(errors="replace"))
    measured.extra["report_s"] = float(found[-1]) if found else None
    return measured


def measure_commentary_rerun(ws: Workspace, name: str, year: int, attempt: int) -> Measurement:
    """After `measure_whole_build(ws, name)`: an analyst edits one commentary file and runs
    `klima run` again; the warehouse is up to date, so only the report is rebuilt."""
    build = ws.root / name
    commentary = build / "reports" / "commentary" / str(year) / "da" / "summary.md"
    commentary.parent.mkdir(parents=True, exist_ok=True)
    commentary.write_text(f"Kommentar, udgave {attempt + 1}: **foreløbig**.\n", encoding="utf-8")
    log = ws.log(f"{name}-rerun")
    measured = run_measured(python("-m", "klima_pipeline.cli", "run"), ws.env(build), log)
    text = log.read_text(errors="replace")
    measured.extra["report_only"] = "only the report is built" in text
    found = REPORT_LINE.findall(text)
    measured.extra["report_s"] = float(found[-1]) if found else None
    return measured


def measure_command(ws: Workspace, name: str, *args: str) -> Measurement:
    return run_measured(python("-m", "klima_pipeline.cli", *args), ws.env(), ws.log(name))


def measure_data_run(ws: Workspace, year: int) -> Measurement:
    """Ingest → marts as one Dagster run (the warehouse's steps of `klima run`, no publish)."""
    return run_measured(
        python("-m", "bench.stage", "data", "--run-id", str(uuid.uuid4()), "--year", str(year)),
        ws.env(),
        ws.log("stage-data"),
    )


def measure_floor(ws: Workspace) -> Measurement:
    path = ws.root / "floor" / "floor.duckdb"
    return run_measured(
        python("-m", "bench.stage", "floor", "--path", str(path)), ws.env(), ws.log("floor")
    )


def measure_refresh(ws: Workspace) -> Measurement | None:
    """A sensor evaluation on an unchanged raw folder, after one that saw it first; None
    when the code location has no sensor."""
    state = ws.root / "sensor-cursors.json"
    command = python("-m", "bench.stage", "refresh", "--path", str(state))
    first = run_measured(command, ws.env(), ws.log("refresh-first"))
    if not first.extra.get("sensors"):
        return None
    return run_measured(command, ws.env(), ws.log("refresh"))


def same_marts(ws: Workspace) -> tuple[int, list[str]]:
    """Compare every mart table of the floor's file with the published warehouse, row by
    row in one order of all columns. Doubles may differ by one part in 10^9: parallel sums
    add in a different order each time (rounding both to 9 digits is not enough, a value
    next to a rounding boundary falls on either side). Columns that record when a file was
    loaded (`…loaded_at`) differ by design and are left out."""
    import duckdb

    con = duckdb.connect()
    try:
        con.execute("attach ? as run (read_only)", [str(ws.warehouse)])
        con.execute("attach ? as floor (read_only)", [str(ws.root / "floor" / "floor.duckdb")])
        columns: dict[str, list[tuple[str, bool]]] = {}
        for table, column, data_type in con.execute(
            "select table_name, column_name, data_type from duckdb_columns() "
            "where database_name = 'floor' and schema_name = 'mart' "
            "and column_name not like '%loaded_at' order by table_name, column_index"
        ).fetchall():
            columns.setdefault(table, []).append((f'"{column}"', data_type == "DOUBLE"))
        differing = []
        for table, cols in columns.items():
            ((diff,),) = con.execute(_row_differences(table, cols)).fetchall()
            if diff:
                differing.append(f"{table} ({diff} rows)")
        return len(columns), differing
    finally:
        con.close()


def _row_differences(table: str, cols: list[tuple[str, bool]]) -> str:
    """SQL counting the rows of `table` that differ between the run and the floor."""
    order = ", ".join(
        f"round({c}, 8 - floor(log10(abs({c}) + 1e-300))::integer)" if double else c
        for c, double in cols
    )
    picked = ", ".join(c for c, _ in cols)

    def numbered(database: str) -> str:
        return (
            f"(select {picked}, row_number() over (order by {order}) as row_index "
            f"from {database}.mart.{table})"
        )

    unequal = [
        f"not (r.{c} is not distinct from f.{c} "
        f"or abs(r.{c} - f.{c}) <= 1e-9 * greatest(abs(r.{c}), abs(f.{c})))"
        if double
        else f"r.{c} is distinct from f.{c}"
        for c, double in cols
    ]
    return (
        f"select count(*) from {numbered('run')} as r full join {numbered('floor')} as f "
        f"on r.row_index = f.row_index where r.row_index is null or f.row_index is null or "
        + " or ".join(unequal)
    )


def median(values: list[Measurement]) -> Measurement:
    return Measurement(
        wall_s=statistics.median(m.wall_s for m in values),
        cpu_s=statistics.median(m.cpu_s for m in values),
        peak_rss=int(statistics.median(m.peak_rss for m in values)),
        process_wall_s=statistics.median(m.process_wall_s for m in values),
        extra=values[-1].extra
        | {
            key: statistics.median(found)
            for key in ("report_s",)
            if (found := [m.extra[key] for m in values if m.extra.get(key) is not None])
        },
    )


@dataclass
class SizeResult:
    size: int
    rows: dict[str, Measurement]
    refresh: Measurement | None
    startup_s: float
    marts: tuple[int, list[str]]

    # Each round's run and floor, measured one right after the other.
    pairs: list[tuple[Measurement, Measurement]]

    @property
    def run_to_floor(self) -> float:
        """Ingest → marts in one Dagster run against the floor: the median of the rounds'
        ratios, each of a run and the floor measured in turn, so that a drift of the
        machine's speed between rounds does not move it."""
        return statistics.median(run.wall_s / floor.wall_s for run, floor in self.pairs)

    @property
    def run_to_floor_cpu(self) -> float:
        return statistics.median(run.cpu_s / floor.cpu_s for run, floor in self.pairs)

    @property
    def stages_to_floor(self) -> float:
        """The four data stages, each its own run, against the floor (as measured before)."""
        run = sum(self.rows[s].wall_s for s in DATA_STAGES)
        return run / self.rows["floor"].wall_s


def bench_size(size: int, repeat: int) -> SizeResult:
    raw = raw_folder(size)
    samples: dict[str, list[Measurement]] = {}
    refresh: list[Measurement] = []
    # Kept when a measurement fails, for its logs.
    tmp = tempfile.mkdtemp(prefix=f"klima-bench-{size}-")
    ws = Workspace(Path(tmp), raw)
    init_instance(ws)
    year = report_year(ws)
    # At 98 the first whole build is the cold one (new instance, warehouse and reports);
    # the warm ones follow, one per round.
    if size == 98:
        print("  98 municipalities, cold klima run …", flush=True)
        samples["klima run, cold"] = [measure_whole_build(ws, "cold")]
    for attempt in range(repeat):
        print(f"  {size:,} municipalities, round {attempt + 1} of {repeat} …", flush=True)
        measured = measure_stages(ws, year)
        measured["data"] = measure_data_run(ws, year)
        measured["floor"] = measure_floor(ws)
        measured["klima run"] = measure_whole_build(ws, "whole")
        measured["commentary re-run"] = measure_commentary_rerun(ws, "whole", year, attempt)
        if size == 98:
            measured["klima --help"] = measure_command(ws, "help", "--help")
            measured["klima validate"] = measure_command(ws, "validate", "validate")
        for name, value in measured.items():
            samples.setdefault(name, []).append(value)
        once = measure_refresh(ws)
        if once is not None:
            refresh.append(once)
    marts = same_marts(ws)
    startup = statistics.median(m.extra.get("import_wall_s", 0.0) for m in samples["ingest"])
    shutil.rmtree(tmp, ignore_errors=True)
    rows = {name: median(values) for name, values in samples.items()}
    pairs = list(zip(samples["data"], samples["floor"], strict=True))
    return SizeResult(size, rows, median(refresh) if refresh else None, startup, marts, pairs)


def machine() -> dict[str, str]:
    cpu = "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    return {
        "date": dt.datetime.now().astimezone().isoformat(timespec="minutes"),
        "cpus": str(os.cpu_count()),
        "memory": f"{memory / 1024**3:.1f} GiB",
        "cpu": cpu,
        "python": platform.python_version(),
        "duckdb": metadata.version("duckdb"),
        "dagster": metadata.version("dagster"),
        "load": " ".join(f"{x:.1f}" for x in os.getloadavg()),
    }


def fmt_row(size: str, name: str, m: Measurement | None, note: str = "") -> str:
    if m is None:
        return f"| {size} | {name} | | | | {note} |"
    peak = f"{m.peak_rss / MiB:,.0f}"
    return f"| {size} | {name} | {m.wall_s:.2f} | {m.cpu_s:.2f} | {peak} | {note} |"


def whole(m: Measurement) -> Measurement:
    """A command as a user waits for it: the whole process."""
    return Measurement(m.process_wall_s, m.cpu_s, m.peak_rss, m.process_wall_s, m.extra)


def table(results: list[SizeResult]) -> str:
    lines = [
        "| municipalities | measurement | wall s | CPU s | peak MiB | note |",
        "|---:|---|---:|---:|---:|---|",
    ]
    for r in results:
        size = f"{r.size:,}"
        lines.append(fmt_row(size, "start-up (imports, definitions)", None,
                             f"{r.startup_s:.2f} s per process"))  # fmt: skip
        for stage, label in STAGE_LABELS.items():
            m = r.rows[stage]
            lines.append(fmt_row(size, label, m, f"{m.extra.get('steps', '?')} steps, own run"))
        data = r.rows["data"]
        lines.append(fmt_row(size, "**ingest → marts, one run**", data,
                             f"{data.extra.get('steps', '?')} steps"))  # fmt: skip
        floor = r.rows["floor"]
        count, differing = r.marts
        same = (
            f"same {count} mart tables (load times aside)"
            if not differing
            else f"differs: {differing}"
        )
        lines.append(fmt_row(size, "floor: ingest → marts, plain DuckDB", floor, same))
        lines.append(
            f"| {size} | **run / floor** (ingest → marts in one run) | "
            f"{r.run_to_floor:.2f}× | {r.run_to_floor_cpu:.2f}× | | "
            f"the four stages as runs of their own: {r.stages_to_floor:.2f}× |"
        )
        for name, label in (
            ("klima run, cold", "**klima run**, cold: first run, new instance"),
            ("klima run", "**klima run**, warm: whole build"),
            ("commentary re-run", "**klima run** after editing a commentary file"),
            ("klima --help", "klima --help"),
            ("klima validate", "klima validate"),
        ):
            if name not in r.rows:
                continue
            m = r.rows[name]
            notes = []
            if m.extra.get("report_s") is not None:
                notes.append(f"report step {m.extra['report_s']:.2f} s")
            if name == "commentary re-run":
                notes.append("report only" if m.extra.get("report_only") else "NOT report only")
            lines.append(fmt_row(size, label, whole(m), ", ".join(notes)))
        if r.refresh is None:
            lines.append(fmt_row(size, "refresh, no raw file changed", None,
                                 "no sensor in the code location"))  # fmt: skip
        else:
            requests = r.refresh.extra.get("run_requests")
            lines.append(fmt_row(size, "refresh, no raw file changed (sensor tick)", r.refresh,
                                 f"{requests} run requests"))  # fmt: skip
    return "\n".join(lines)


def verdicts(results: list[SizeResult]) -> list[str]:
    by_size = {r.size: r for r in results}
    out = []

    def verdict(ok: bool, text: str) -> None:
        out.append(f"- {'met   ' if ok else 'MISSED'}: {text}")

    if 98 in by_size:
        rows = by_size[98].rows
        warm = rows["klima run"]
        verdict(warm.process_wall_s <= TARGET_RUN_WARM_S,
                f"98: klima run, warm (whole build) {warm.process_wall_s:.2f} s "
                f"(target ≤ {TARGET_RUN_WARM_S:g} s)")  # fmt: skip
        if "klima run, cold" in rows:
            cold = rows["klima run, cold"]
            verdict(cold.process_wall_s <= TARGET_RUN_COLD_S,
                    f"98: klima run, cold {cold.process_wall_s:.2f} s "
                    f"(target ≤ {TARGET_RUN_COLD_S:g} s)")  # fmt: skip
        report = warm.extra.get("report_s")
        verdict(report is not None and report <= TARGET_REPORT_S,
                f"98: report step (charts, map, Markdown, both PDFs, fact sheets) "
                f"{report if report is not None else float('nan'):.2f} s in the warm whole "
                f"build (target ≤ {TARGET_REPORT_S:g} s)")  # fmt: skip
        rerun = rows["commentary re-run"]
        only = rerun.extra.get("report_only", False)
        verdict(only and rerun.process_wall_s <= TARGET_RERUN_S,
                f"98: klima run after editing one commentary file {rerun.process_wall_s:.2f} s, "
                f"{'only the report rebuilt' if only else 'NOT only the report rebuilt'} "
                f"(target ≤ {TARGET_RERUN_S:g} s, report only)")  # fmt: skip
        for name in ("klima --help", "klima validate"):
            m = rows[name]
            text = f"{name} {m.process_wall_s:.2f} s (target ≤ {TARGET_COMMAND_S:g} s)"
            verdict(m.process_wall_s <= TARGET_COMMAND_S, text)
    for size, limit in TARGET_RATIO.items():
        if size in by_size:
            ratio = by_size[size].run_to_floor
            text = f"{size:,}: ingest → marts / floor {ratio:.2f}× (target ≤ {limit:g}×)"
            verdict(ratio <= limit, text)
    if 10_000 in by_size:
        r = by_size[10_000]
        peak = max(m.peak_rss for m in r.rows.values())
        verdict(peak <= TARGET_PEAK_10000,
                f"10,000: peak memory {peak / MiB:,.0f} MiB (target ≤ 1,536 MiB)")  # fmt: skip
        if 1000 in by_size:
            for name in ("klima run", "floor"):
                growth = r.rows[name].process_wall_s / by_size[1000].rows[name].process_wall_s
                verdict(growth <= 10.0, f"1,000 → 10,000: {name} time × {growth:.1f} "
                        "(target ≤ × 10, linear)")  # fmt: skip
    for r in results:
        if r.refresh is not None:
            requests = r.refresh.extra.get("run_requests", 0)
            ok = r.refresh.wall_s <= TARGET_REFRESH_S and requests == 0
            verdict(ok, f"{r.size:,}: unchanged refresh {r.refresh.wall_s:.2f} s, "
                    f"{requests} run requests (target ≤ 3 s, none)")  # fmt: skip
    return out


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--sizes", help="municipalities per raw folder, e.g. 98,1000")
    parser.add_argument("--repeat", type=int, help="rounds per size; the table shows medians")
    parser.add_argument("--quick", action="store_true", help="98 municipalities, one round")
    args = parser.parse_args(argv)
    sizes = args.sizes or ("98" if args.quick else ",".join(map(str, DEFAULT_SIZES)))
    args.sizes = [int(s.replace("_", "")) for s in sizes.split(",") if s.strip()]
    args.repeat = args.repeat or 1
    return args


@contextlib.contextmanager
def saved(name: str) -> Iterator[Path]:
    RESULTS.mkdir(parents=True, exist_ok=True)
    yield RESULTS / name


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    info = machine()
    print(f"klima-pipeline benchmark: sizes {args.sizes}, {args.repeat} round(s)", flush=True)
    results: list[SizeResult] = []
    failures: list[str] = []
    for size in args.sizes:
        try:
            results.append(bench_size(size, args.repeat))
        except RuntimeError as error:
            # The pipeline itself failed at this size: say so and go on with the others.
            failures.append(f"- FAILED at {size:,} municipalities: {error}")
            print(failures[-1], flush=True)
            continue
        print(table(results[-1:]), flush=True)
    info["load after"] = " ".join(f"{x:.1f}" for x in os.getloadavg())
    header = (
        f"{info['date']} · {info['cpus']} CPUs ({info['cpu']}) · {info['memory']} · "
        f"Python {info['python']} · DuckDB {info['duckdb']} · Dagster {info['dagster']} · "
        f"load average {info['load']} before, {info['load after']} after"
    )
    text = "\n".join([header, "", table(results), "", "Targets:", *verdicts(results), *failures])
    print("\n" + text)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    with saved(f"bench-{stamp}.md") as path:
        path.write_text(text + "\n", encoding="utf-8")
    with saved(f"bench-{stamp}.json") as path:
        data = {
            "machine": info,
            "repeat": args.repeat,
            "sizes": {
                str(r.size): {name: m.__dict__ for name, m in r.rows.items()}
                | {"refresh": r.refresh.__dict__ if r.refresh else None}
                for r in results
            },
        }
        path.write_text(json.dumps(data, indent=2), encoding="utf-8")
    print(f"\nSaved in {path.with_suffix('.md').relative_to(ROOT)} and .json")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
