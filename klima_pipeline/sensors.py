"""The file-drop sensor: a new, changed or removed export in the raw folder starts one refresh.

The cursor maps every export (path relative to the raw folder) to its SHA-256, so a file
that is only touched, or copied over with the same bytes, starts nothing.
"""

from __future__ import annotations

import datetime as dt
import json

import dagster as dg

from klima_pipeline.assets.sources import export_hashes
from klima_pipeline.jobs import ZONE, draft_report_year, status_report_job
from klima_pipeline.resources import RawExportsResource

SHOWN_CHANGES = 10


def changed_exports(previous: dict[str, str] | None, current: dict[str, str]) -> list[str]:
    """What differs between two folder states: `+ new`, `~ changed`, `- removed` paths."""
    before = previous or {}
    return sorted(
        [f"+ {p}" for p in current if p not in before]
        + [f"~ {p}" for p in current if p in before and before[p] != current[p]]
        + [f"- {p}" for p in before if p not in current]
    )


@dg.sensor(
    job=status_report_job,
    minimum_interval_seconds=60,
    default_status=dg.DefaultSensorStatus.STOPPED,
    description="Watches the raw folder (KLIMA_RAW_DIR): a new, changed or removed export (by "
    "content hash) starts one refresh of the warehouse and the draft report.",
)
def raw_folder_sensor(
    context: dg.SensorEvaluationContext, raw: RawExportsResource
) -> dg.SensorResult:
    # No cursor yet (a new sensor, or a reset one): the folder counts as new, because
    # nothing says the published warehouse was built from it.
    previous = json.loads(context.cursor) if context.cursor else None
    current = export_hashes(raw.folder)
    changes = changed_exports(previous, current)
    if previous is not None and not changes:
        return dg.SensorResult(skip_reason=f"No export in {raw.folder} changed")
    shown = "\n".join(changes[:SHOWN_CHANGES])
    more = f"\n… and {len(changes) - SHOWN_CHANGES} more" if len(changes) > SHOWN_CHANGES else ""
    context.log.info(f"{len(changes)} export(s) changed:\n{shown}{more}")
    year = draft_report_year(raw.folder, dt.datetime.now(ZONE).date())
    return dg.SensorResult(
        run_requests=[
            dg.RunRequest(
                partition_key=str(year),
                tags={
                    "klima/trigger": "raw_folder_sensor",
                    "klima/report": "draft",
                    "klima/changed_exports": str(len(changes)),
                },
            )
        ],
        cursor=json.dumps(current, sort_keys=True),
    )


sensors = [raw_folder_sensor]
