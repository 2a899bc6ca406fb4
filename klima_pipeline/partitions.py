"""Report years as partitions: `2023`, `2024`, … up to the current year's draft."""

from __future__ import annotations

import dagster as dg

FIRST_REPORT_YEAR = "2020"  # the DK2020 programme's first plans

report_year_partitions = dg.TimeWindowPartitionsDefinition(
    cron_schedule="0 0 1 1 *",
    fmt="%Y",
    start=FIRST_REPORT_YEAR,
    # The current year is a partition too: the nightly run drafts its report.
    end_offset=1,
    timezone="Europe/Copenhagen",
)
