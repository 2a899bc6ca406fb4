"""The code location: every asset, job and schedule of klima-pipeline, and one policy —
the in-process executor, because every step writes the same DuckDB file and DuckDB has
one writer at a time (and spawning a process per step would cost more than the steps)."""

from __future__ import annotations

import dagster as dg

from klima_pipeline.assets import all_assets
from klima_pipeline.config import Paths
from klima_pipeline.jobs import jobs, schedules
from klima_pipeline.progress import progress_logger
from klima_pipeline.resources import RawExportsResource, ReportsResource, WarehouseResource

paths = Paths.from_env()

defs = dg.Definitions(
    assets=all_assets,
    jobs=jobs,
    schedules=schedules,
    resources={
        "warehouse": WarehouseResource(path=str(paths.warehouse)),
        "raw": RawExportsResource(path=str(paths.raw_dir)),
        "reports": ReportsResource(path=str(paths.reports_dir)),
    },
    executor=dg.in_process_executor,
    # The console logger stays the default; `klima run` configures the progress logger.
    loggers={"console": dg.colored_console_logger, "progress": progress_logger},
)
