"""One measurement, run in its own process: `python -m bench.stage STAGE …`.

The configuration comes from the environment like `klima run` (KLIMA_RAW_DIR,
KLIMA_WAREHOUSE, KLIMA_REPORTS_DIR, DAGSTER_HOME). The last line on stdout is
`BENCH {json}` with the wall and CPU seconds of the work itself, without interpreter
start and imports, which are reported separately.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import time
from collections.abc import Callable, Iterable, Iterator
from functools import partial
from pathlib import Path
from typing import Any

from klima_pipeline.collector import frozen_after_imports

MARKER = "BENCH "

# Stage → the asset groups of the status report job it materialises, in the order the
# job runs them (the metrics read only core tables; some mart tables read metrics). "sources"
# holds the observed raw folders, where the code location has them.
STAGE_GROUPS: dict[str, tuple[str, ...]] = {
    "ingest": ("sources", "staging"),
    "core": ("core",),
    "metrics": ("metrics",),
    "marts": ("marts",),
    "publish": ("publish",),
    "report": ("report",),
}
# The stages a plain DuckDB session does as well (the floor).
DATA_STAGES = ("ingest", "core", "metrics", "marts")

# The floor writes the same kind of file as the run: attached in the warehouse's portable
# storage format (resources/warehouse.py), whose writer differs from the default one.
FLOOR_STORAGE_VERSION = "v1.0.0"


def stage_keys(graph: Any, in_job: Iterable[Any]) -> dict[str, set[Any]]:
    """The job's assets by stage: by group, except that an asset runs no earlier than the
    stage of what it reads, and a step that cannot be split (a multi-asset without
    subsetting, such as one SQL layer) runs whole, in the stage of its latest asset."""
    order = list(STAGE_GROUPS)
    stage_of_group = {
        group: i for i, groups in enumerate(STAGE_GROUPS.values()) for group in groups
    }
    in_job = set(in_job)
    index: dict[Any, int] = {}
    changed = True
    while changed:  # until no step is split and no asset runs before what it reads
        changed = False
        for key in graph.toposorted_asset_keys:
            node = graph.get(key)
            parents = [index[p] for p in node.parent_keys if p in index]
            stage = max([stage_of_group.get(node.group_name or "", 0), *parents])
            assets_def = node.assets_def
            if not assets_def.can_subset:
                stage = max([stage, *(index.get(k, 0) for k in assets_def.keys)])
            if index.get(key) != stage:
                index[key], changed = stage, True
    out: dict[str, set[Any]] = {stage: set() for stage in order}
    for key, i in index.items():
        if key in in_job:
            out[order[i]].add(key)
    return out


def _cpu() -> float:
    # Every thread of the process (DuckDB's workers too) and its finished children (the
    # report's typst processes).
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


@contextlib.contextmanager
def timed(out: dict[str, Any], prefix: str = "") -> Iterator[None]:
    wall, cpu = time.perf_counter(), _cpu()
    try:
        yield
    finally:
        out[f"{prefix}wall_s"] = time.perf_counter() - wall
        out[f"{prefix}cpu_s"] = _cpu() - cpu


def run_stage(stage: str, run_id: str, report_year: int, languages: list[str]) -> dict[str, Any]:
    """Materialise the stage's assets as a run of the status report job, with the run
    configuration `klima run` uses."""
    out: dict[str, Any] = {}
    # Imported and frozen as `klima run` does (klima_pipeline/collector.py).
    with timed(out, "import_"), frozen_after_imports(own_process=True):
        import klima_pipeline.resources.event_log  # noqa: F401
        from klima_pipeline.definitions import defs
        from klima_pipeline.runner import JOB_NAME, dagster_instance

        job = defs.resolve_job_def(JOB_NAME)
        by_stage = stage_keys(defs.resolve_asset_graph(), job.asset_layer.executable_asset_keys)
        # "data": ingest → marts in one run, as `klima run` builds them.
        keys = (
            set().union(*(by_stage[s] for s in DATA_STAGES)) if stage == "data" else by_stage[stage]
        )
    run_config: dict[str, Any] = {
        "loggers": {"progress": {"config": {"total_assets": len(keys)}}},
    }
    if stage == "report":
        run_config["ops"] = {"report__status_report": {"config": {"languages": languages}}}
    with dagster_instance() as instance, timed(out):
        result = job.execute_in_process(
            instance=instance,
            partition_key=str(report_year),
            run_config=run_config,
            asset_selection=sorted(keys, key=lambda k: k.to_user_string()),
            run_id=run_id,
            raise_on_error=True,
        )
        # The next stage's process takes the working file over: flush it now, as the
        # run's publish step would.
        from klima_pipeline.resources.warehouse import close_run_connections

        close_run_connections()
    out["steps"] = len({e.step_key for e in result.all_events if e.step_key})
    return out


def floor(path: Path, raw_dir: Path) -> dict[str, Any]:
    """The same work as the ingest, warehouse and metrics stages in one plain DuckDB
    session: the project's loaders, SQL files and data-check queries, no Dagster runs,
    no metadata, one connection."""
    out: dict[str, Any] = {}
    # Frozen like the run's imports, so the floor's collections are as cheap as the run's.
    with timed(out, "import_"), frozen_after_imports(own_process=True):
        import duckdb

        # The rules live beside their asset checks, so this imports Dagster too: its
        # memory counts in the floor's peak, its time in the start-up only.
        from klima_pipeline.checks import RULES, record_findings, rule_findings
        from klima_pipeline.ingest import LOADERS, load_reference
        from klima_pipeline.sql import build_layers
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    with timed(out):
        con = duckdb.connect()
        con.execute("attach ? as warehouse (storage_version ?)", [str(path), FLOOR_STORAGE_VERSION])
        con.execute("use warehouse")
        load_reference(con, raw_dir)
        # ref.carbon_budget as the reference asset writes it when no budget is configured.
        con.execute(
            "create or replace table ref.carbon_budget "
            "(budget_t double, start_year integer, source varchar)"
        )
        for loader in LOADERS.values():
            loader(con, raw_dir)
        # The data checks run on the core tables and mart.data_quality reports their
        # findings, so they are part of the same work (without their blocking).
        build_layers(con, ("core",))
        for rule in RULES:
            record_findings(con, rule, rule_findings(con, rule))
        build_layers(con, ("mart", "metrics"))
        con.execute("checkpoint")
        con.close()
    return out


def refresh(state: Path) -> dict[str, Any]:
    """A refresh when no raw file changed: one evaluation of the code location's sensors
    with the cursor their previous evaluation left (kept in `state`)."""
    out: dict[str, Any] = {}
    with timed(out, "import_"):
        import dagster as dg

        from klima_pipeline.definitions import defs
        from klima_pipeline.runner import dagster_instance

        sensors = list(defs.sensors or [])
    if not sensors:
        out["sensors"] = []
        return out
    cursors: dict[str, str | None] = json.loads(state.read_text()) if state.exists() else {}
    requests = 0
    with dagster_instance() as instance, timed(out):
        for sensor in sensors:
            with dg.build_sensor_context(
                instance=instance,
                cursor=cursors.get(sensor.name),
                definitions=defs,
                resources=defs.resources,
            ) as context:
                data = sensor.evaluate_tick(context)
            requests += len(data.run_requests or [])
            cursors[sensor.name] = data.cursor
    state.write_text(json.dumps(cursors))
    out["sensors"] = [s.name for s in sensors]
    out["run_requests"] = requests
    return out


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.stage")
    parser.add_argument("stage", choices=[*STAGE_GROUPS, "data", "floor", "refresh"])
    parser.add_argument("--run-id")
    parser.add_argument("--year", type=int)
    parser.add_argument("--languages", default="da,en")
    parser.add_argument("--path", type=Path, help="floor: the file to build; refresh: state")
    args = parser.parse_args()
    work: Callable[[], dict[str, Any]]
    if args.stage == "floor":
        work = partial(floor, args.path, Path(os.environ["KLIMA_RAW_DIR"]))
    elif args.stage == "refresh":
        work = partial(refresh, args.path)
    else:
        work = partial(run_stage, args.stage, args.run_id, args.year, args.languages.split(","))
    print(MARKER + json.dumps(work()), flush=True)


if __name__ == "__main__":
    main()
