"""Runs the status report job through Dagster for the command line, recorded in DAGSTER_HOME."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import duckdb

from klima_pipeline.config import setting
from klima_pipeline.errors import KlimaError
from klima_pipeline.ingest import LOADERS, load_reference
from klima_pipeline.partitions import report_year_partitions

JOB_NAME = "status_report_job"


@dataclass(frozen=True)
class RunResult:
    run_id: str
    report_year: int
    report_files: list[Path]


def survey_years(raw_dir: Path) -> list[int]:
    """The report years the raw folder has an action survey for (reads only the surveys)."""
    with contextlib.closing(duckdb.connect()) as con:
        load_reference(con, raw_dir)
        LOADERS["actions"](con, raw_dir)
        return [
            row[0]
            for row in con.execute(
                "select distinct report_year from staging.actions order by 1"
            ).fetchall()
        ]


# Runs happen on machines without internet access, so telemetry is off by default; the
# file also tells Dagster the folder is meant to be its instance.
INSTANCE_CONFIG = "telemetry:\n  enabled: false\n"


def dagster_instance() -> dg.DagsterInstance:
    home = setting("DAGSTER_HOME")
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    if not config.exists():
        config.write_text(INSTANCE_CONFIG, encoding="utf-8")
    os.environ["DAGSTER_HOME"] = str(home)
    return dg.DagsterInstance.get()


def run_status_report(
    report_year: int | None = None, languages: Sequence[str] = ("da", "en")
) -> RunResult:
    raw_dir = setting("KLIMA_RAW_DIR")
    if not raw_dir.is_dir():
        raise KlimaError(f"The raw folder {raw_dir} does not exist (set KLIMA_RAW_DIR or --raw)")
    if report_year is None:
        years = survey_years(raw_dir)
        if not years:
            raise KlimaError(
                f"{raw_dir / 'actions'}: no action survey, so no default report year; give --year"
            )
        report_year = years[-1]
    partition_key = str(report_year)
    if partition_key not in report_year_partitions.get_partition_keys():
        first, *_, last = report_year_partitions.get_partition_keys()
        raise KlimaError(f"Report year {report_year} is outside the report years {first}–{last}")

    # Imported here: the definitions read the paths from the environment when loaded.
    from klima_pipeline.definitions import defs

    job = defs.resolve_job_def(JOB_NAME)
    total_steps = len(job.asset_layer.executable_asset_keys) if job.asset_layer else None
    run_config = {
        "loggers": {"progress": {"config": {"total_steps": total_steps}}},
        "ops": {"report__status_report": {"config": {"languages": list(languages)}}},
    }
    with dagster_instance() as instance:
        result = job.execute_in_process(
            instance=instance,
            partition_key=partition_key,
            run_config=run_config,
            raise_on_error=False,
        )
    if not result.success:
        raise KlimaError(_failure_message(result))
    reports = setting("KLIMA_REPORTS_DIR") / partition_key
    files = sorted(p for p in reports.glob("*") if p.suffix in {".md", ".pdf"})
    return RunResult(result.run_id, report_year, files)


def _failure_message(result: dg.ExecuteInProcessResult) -> str:
    failures = [e for e in result.all_events if e.event_type_value == "STEP_FAILURE"]
    if not failures:
        return f"Run {result.run_id} failed; see the run in the Dagster UI"
    lines = []
    for event in failures:
        error = event.step_failure_data.error
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
