"""Jobs and schedules: the yearly report, and the nightly refresh with the current year's draft."""

from __future__ import annotations

import datetime as dt

import dagster as dg

from klima_pipeline.partitions import report_year_partitions

WAREHOUSE_SELECTION = dg.AssetSelection.groups("staging", "core", "marts", "metrics", "publish")
REPORT_SELECTION = dg.AssetSelection.groups("report")

status_report_job = dg.define_asset_job(
    "status_report_job",
    selection=WAREHOUSE_SELECTION | REPORT_SELECTION,
    partitions_def=report_year_partitions,
    description="Rebuild and publish the warehouse, then write the status report of the "
    "partition's report year (the yearly run; `klima run` runs this job).",
)

report_only_job = dg.define_asset_job(
    "report_only_job",
    selection=REPORT_SELECTION,
    partitions_def=report_year_partitions,
    description="Write the status report of one or more report years from the published "
    "warehouse (re-running a past year, or a backfill).",
)

jobs = [status_report_job, report_only_job]


@dg.schedule(
    job=status_report_job,
    cron_schedule="0 2 * * *",
    execution_timezone="Europe/Copenhagen",
    default_status=dg.DefaultScheduleStatus.STOPPED,
)
def nightly_refresh(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
    """Every night at 02:00: refresh the warehouse and redraft the current year's report."""
    when = context.scheduled_execution_time or dt.datetime.now()
    year = str(when.year)
    return dg.RunRequest(run_key=f"nightly-{when:%Y-%m-%d}", partition_key=year)


schedules = [nightly_refresh]
