"""Runs the status report job through Dagster for the command line, recorded in DAGSTER_HOME."""

from __future__ import annotations

import contextlib
import os
import socket
import sys
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import duckdb
from dagster._core.definitions.data_version import DATA_VERSION_TAG

from klima_pipeline.assets.made_from import FILE_TAG, file_identity, warehouse_version
from klima_pipeline.config import setting
from klima_pipeline.errors import Finding, KlimaError
from klima_pipeline.ingest import survey_years
from klima_pipeline.partitions import report_year_partitions
from klima_pipeline.progress import check_failure_line
from klima_pipeline.resources import WarehouseResource
from klima_pipeline.resources.warehouse import close_run_connections, writer_lock

JOB_NAME = "status_report_job"
REPORT_JOB_NAME = "report_only_job"


@dataclass(frozen=True)
class RunResult:
    run_id: str
    report_year: int
    report_files: list[Path]
    findings: list[Finding]


def published_findings(warehouse: Path) -> list[Finding]:
    """The findings of the published warehouse (mart.data_quality), in its order."""
    with contextlib.closing(duckdb.connect(str(warehouse), read_only=True)) as con:
        rows = con.execute(
            "select source_file, row_number, column_name, rule, severity, message "
            "from mart.data_quality"
        ).fetchall()
    return [Finding(*row) for row in rows]


def published_survey_years(warehouse: WarehouseResource) -> list[int]:
    """The report years of the action surveys the published warehouse was built from."""
    with warehouse.read() as con:
        rows = con.execute("select distinct report_year from staging.actions order by 1")
        return [row[0] for row in rows.fetchall()]


# Runs happen on machines without internet access, so telemetry is off by default; the
# file also tells Dagster the folder is meant to be its instance. One run at a time: every
# warehouse run builds in the same build folder, clears what it finds there and publishes
# over the same file, and DuckDB has one writer per file. A limit on a run tag would miss
# the runs the UI launches from the asset graph, which carry no job tags; this one cannot.
INSTANCE_CONFIG = """\
telemetry:
  enabled: false
concurrency:
  runs:
    max_concurrent_runs: 1
"""
# Longer than a run takes from starting to its first build step (observing the raw files).
STARTUP_GRACE_S = 120
_IN_PROGRESS = [
    dg.DagsterRunStatus.STARTING,
    dg.DagsterRunStatus.STARTED,
    dg.DagsterRunStatus.CANCELING,
]


def dagster_instance() -> dg.DagsterInstance:
    home = setting("DAGSTER_HOME")
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    if not config.exists():
        config.write_text(INSTANCE_CONFIG, encoding="utf-8")
    os.environ["DAGSTER_HOME"] = str(home)
    from klima_pipeline.resources.event_log import faster_instance

    return faster_instance(str(home))


PID_TAG, HOST_TAG = "klima/pid", "klima/host"


def _process_is_gone(tags: dict[str, str]) -> bool:
    """For a run `klima run` started on this machine: is its process gone?"""
    if tags.get(HOST_TAG) != socket.gethostname() or not tags.get(PID_TAG, "").isdigit():
        return False
    try:
        os.kill(int(tags[PID_TAG]), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def end_dead_runs(instance: dg.DagsterInstance) -> list[str]:
    """Mark as failed the runs the instance records as in progress whose process is gone.

    Called while this process holds the warehouse's writer lock: a live run holds that lock
    from its first build step, so an in-progress run older than a start-up grace period
    without it died (killed, machine restarted). Nothing else would ever end it, and the UI
    would show it running forever. A younger run is left alone; if it is alive it will find
    the lock taken and fail with a clear message.
    """
    ended = []
    cutoff = time.time() - STARTUP_GRACE_S
    for record in instance.get_run_records(dg.RunsFilter(statuses=_IN_PROGRESS)):
        started = record.start_time or record.create_timestamp.timestamp()
        if _process_is_gone(record.dagster_run.tags) or started < cutoff:
            instance.report_run_failed(
                record.dagster_run,
                "Ended by klima run: the run's process no longer held the warehouse writer "
                "lock, so it had died.",
            )
            ended.append(record.dagster_run.run_id)
    return ended


def run_status_report(
    report_year: int | None = None,
    languages: Sequence[str] = ("da", "en"),
    all_pages: bool = False,
) -> RunResult:
    # The languages are built in processes of their own: started now (by `klima run`
    # before it imported this module), they import the report's code on the other core
    # while this one builds the warehouse (report/children.py).
    from klima_pipeline.report.children import start_for_run, stop_language_processes

    start_for_run(len(languages), setting("KLIMA_RAW_DIR"))
    try:
        return _run_status_report(report_year, languages, all_pages)
    finally:
        stop_language_processes()


def _run_status_report(
    report_year: int | None, languages: Sequence[str], all_pages: bool = False
) -> RunResult:
    raw_dir = setting("KLIMA_RAW_DIR")
    if not raw_dir.is_dir():
        raise KlimaError(f"The raw folder {raw_dir} does not exist (set KLIMA_RAW_DIR or --raw)")
    warehouse = WarehouseResource(path=str(setting("KLIMA_WAREHOUSE")))
    with dagster_instance() as instance, writer_lock(warehouse.build_dir):
        end_dead_runs(instance)
        current, hashes = warehouse_is_current(instance, warehouse, raw_dir)
        if report_year is None:
            # An up-to-date warehouse holds the same surveys as the raw folder.
            years = published_survey_years(warehouse) if current else survey_years(raw_dir)
            if not years:
                raise KlimaError(
                    f"{raw_dir / 'actions'}: no action survey, so no default report year; "
                    "give --year"
                )
            report_year = years[-1]
        partition_key = str(report_year)
        if partition_key not in report_year_partitions.get_partition_keys():
            first, *_, last = report_year_partitions.get_partition_keys()
            raise KlimaError(
                f"Report year {report_year} is outside the report years {first}–{last}"
            )
        # Imported here: the definitions read the paths from the environment when loaded.
        from klima_pipeline.definitions import defs

        if current:
            print(
                f"klima: the warehouse is up to date (data version {current[:12]}): "
                "only the report is built",
                file=sys.stderr,
                flush=True,
            )
        job = defs.resolve_job_def(REPORT_JOB_NAME if current else JOB_NAME)
        # Progress counts materialised assets (observing the raw files materialises nothing).
        selected = job.asset_layer.executable_asset_keys
        total_assets = len(selected & job.asset_layer.asset_graph.materializable_asset_keys)
        run_config = {
            "loggers": {"progress": {"config": {"total_assets": total_assets}}},
            "ops": {
                "report__status_report": {
                    "config": {"languages": list(languages), "all_pages": all_pages}
                }
            },
        }
        run_id = str(uuid.uuid4())
        if hashes is not None and not current:
            from klima_pipeline.assets.sources import hashes_taken

            hashes_taken(run_id, hashes)  # the run's observation of the raw folder uses them
        result = job.execute_in_process(
            instance=instance,
            partition_key=partition_key,
            run_config=run_config,
            tags={PID_TAG: str(os.getpid()), HOST_TAG: socket.gethostname()},
            run_id=run_id,
            raise_on_error=False,
        )
        # A failed run never publishes, which would have closed its working connection.
        close_run_connections(warehouse.build_dir)
    if not result.success:
        raise KlimaError(failure_message(result))
    reports = setting("KLIMA_REPORTS_DIR") / partition_key
    files = sorted(p for p in reports.glob("*") if p.suffix in {".md", ".pdf"})
    files += [p for p in [reports / "site" / "index.html"] if p.is_file()]
    findings = published_findings(setting("KLIMA_WAREHOUSE"))
    return RunResult(result.run_id, report_year, files, findings)


def warehouse_is_current(
    instance: dg.DagsterInstance, warehouse: WarehouseResource, raw_dir: Path
) -> tuple[str | None, dict[str, str] | None]:
    """The published warehouse's data version when a build now would give the same one
    (same exports, code and configuration; klima_pipeline/assets/made_from.py) and the file is
    still the one that build published; None when the warehouse must be built. Beside it,
    the hashes of the raw exports when they had to be read to tell."""
    from klima_pipeline.assets.publish import WAREHOUSE_KEY
    from klima_pipeline.assets.sources import export_hashes

    published = warehouse.published_path
    if not published.is_file():
        return None, None
    event = instance.get_latest_materialization_event(WAREHOUSE_KEY)
    materialization = event.asset_materialization if event else None
    if materialization is None:
        return None, None
    recorded = materialization.tags.get(DATA_VERSION_TAG) if materialization.tags else None
    metadata = materialization.metadata
    same_file = (
        FILE_TAG in metadata
        and metadata[FILE_TAG].value == file_identity(published)
        and "path" in metadata
        and metadata["path"].value == str(published)
    )
    if recorded is None or not same_file:
        return None, None
    hashes = export_hashes(raw_dir)
    return (recorded if recorded == warehouse_version(hashes) else None), hashes


def failure_message(result: dg.ExecuteInProcessResult) -> str:
    failed_checks = [
        e.asset_check_evaluation_data
        for e in result.all_events
        if e.event_type_value == "ASSET_CHECK_EVALUATION"
        and not e.asset_check_evaluation_data.passed
        and e.asset_check_evaluation_data.severity == dg.AssetCheckSeverity.ERROR
    ]
    failures = [e for e in result.all_events if e.event_type_value == "STEP_FAILURE"]
    if not failures and not failed_checks:
        return f"Run {result.run_id} failed; see the run in the Dagster UI"
    lines = [check_failure_line(evaluation) for evaluation in failed_checks]
    if failed_checks:
        lines.append(
            "A failed blocking check stops what depends on it: no metrics from the checked "
            "table, no publish, no report. The check in the Dagster UI lists its findings."
        )
    for event in failures:
        error = event.step_failure_data.error
        # The check evaluations above already say why a check step failed.
        if failed_checks and error is not None and error.cls_name == "DagsterAssetCheckFailedError":
            continue
        # The user's own exception is the cause of Dagster's wrapper; its text names the file.
        while (
            error is not None
            and error.cause is not None
            and "Error occurred while executing" in error.message
        ):
            error = error.cause
        message = error.message.strip() if error else "unknown error"
        lines.append(f"step {event.step_key} failed: {message}")
    return "\n".join(lines) + "\nThe published warehouse and earlier reports are unchanged."
