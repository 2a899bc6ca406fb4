"""Jobs and schedules: the nightly draft, the yearly final report, re-running a past year,
and the opt-in live StatBank pull."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import dagster as dg

from klima_pipeline.assets.sources import (
    ROOT_SOURCE,
    SOURCE_FOLDERS,
    STATBANK_PULL_KEY,
    source_key,
)
from klima_pipeline.errors import KlimaError
from klima_pipeline.ingest import survey_years
from klima_pipeline.partitions import report_year_partitions
from klima_pipeline.resources import RawExportsResource

TIMEZONE = "Europe/Copenhagen"
ZONE = ZoneInfo(TIMEZONE)

# The raw exports are observed at the start of every warehouse run, so each staging
# materialisation records the data versions it was built from. The StatBank pull is in
# the same `sources` group but deliberately not here: live pulls are opt-in.
SOURCE_SELECTION = dg.AssetSelection.assets(
    *(source_key(s) for s in (*SOURCE_FOLDERS, ROOT_SOURCE))
)
# Groups select their assets' checks too: the blocking checks run inside these jobs.
WAREHOUSE_SELECTION = SOURCE_SELECTION | dg.AssetSelection.groups(
    "staging", "core", "marts", "metrics", "publish"
)
REPORT_SELECTION = dg.AssetSelection.groups("report")

status_report_job = dg.define_asset_job(
    "status_report_job",
    selection=WAREHOUSE_SELECTION | REPORT_SELECTION,
    description="Observe the raw exports, rebuild the warehouse, run the checks, publish, then "
    "write the status report of the partition's report year. The nightly draft, the yearly "
    "final report, the file sensor and `klima run` all run this job.",
)

report_only_job = dg.define_asset_job(
    "report_only_job",
    selection=REPORT_SELECTION,
    description="Write the status report of one or more report years from the published "
    "warehouse (re-running a past year, or a backfill), without rebuilding it.",
)

statbank_pull_job = dg.define_asset_job(
    "statbank_pull_job",
    selection=dg.AssetSelection.assets(STATBANK_PULL_KEY),
    description="Pull FOLK1A, BIL54 and BOL102 live from StatBank into the raw folder. Run by "
    "hand; the file sensor then starts the refresh that loads them.",
)

jobs = [status_report_job, report_only_job, statbank_pull_job]


def draft_report_year(raw_dir: Path, today: dt.date) -> int:
    """The report year a refresh drafts: this year once its action survey is in the raw
    folder, otherwise the latest year with a survey (the report people are working on).

    A raw folder whose surveys cannot be read gives this year: the run then fails on the
    surveys and says which file and row are wrong, which a skipped tick would hide.
    """
    try:
        years = [y for y in survey_years(raw_dir) if y <= today.year]
    except (KlimaError, OSError):
        years = []
    year = years[-1] if years else today.year
    first = int(report_year_partitions.get_first_partition_key() or today.year)
    return max(year, first)


def _today(context: dg.ScheduleEvaluationContext) -> dt.date:
    when = context.scheduled_execution_time
    if when is None:
        return dt.datetime.now(ZONE).date()
    return when.astimezone(ZONE).date()


@dg.schedule(
    job=status_report_job,
    cron_schedule="0 2 * * *",
    execution_timezone=TIMEZONE,
    default_status=dg.DefaultScheduleStatus.STOPPED,
    description="Every night at 02:00: rebuild the warehouse from the raw folder and redraft "
    "the current report year's report (this year once its survey is in, else the latest).",
)
def nightly_refresh(
    context: dg.ScheduleEvaluationContext, raw: RawExportsResource
) -> dg.RunRequest:
    today = _today(context)
    year = draft_report_year(raw.folder, today)
    return dg.RunRequest(
        run_key=f"nightly-{today.isoformat()}",
        partition_key=str(year),
        tags={"klima/trigger": "nightly_refresh", "klima/report": "draft"},
    )


@dg.schedule(
    job=status_report_job,
    cron_schedule="0 3 1 2 *",
    execution_timezone=TIMEZONE,
    default_status=dg.DefaultScheduleStatus.STOPPED,
    description="Every 1 February at 03:00: the final report of the year just ended, when the "
    "raw folder has its action survey.",
)
def yearly_final_report(
    context: dg.ScheduleEvaluationContext, raw: RawExportsResource
) -> dg.RunRequest | dg.SkipReason:
    year = _today(context).year - 1
    try:
        surveys = survey_years(raw.folder)
    except (KlimaError, OSError) as error:
        # Run anyway: the failed run names the file and row at fault.
        context.log.warning(f"Could not read the action surveys: {error}")
        surveys = [year]
    if year not in surveys:
        return dg.SkipReason(f"No action survey for {year} in {raw.folder}: no final report")
    return dg.RunRequest(
        run_key=f"final-{year}",
        partition_key=str(year),
        tags={"klima/trigger": "yearly_final_report", "klima/report": "final"},
    )


schedules = [nightly_refresh, yearly_final_report]
