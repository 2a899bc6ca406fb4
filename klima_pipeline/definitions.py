"""The code location: every asset, check, job, schedule and sensor of klima-pipeline, and one
policy — the in-process executor, because every step writes the same DuckDB file and
DuckDB has one writer at a time (and spawning a process per step would cost more than the
steps). Runs themselves are kept apart by the instance's run limit (docs/operations.md)."""

from __future__ import annotations

import warnings

import dagster as dg

from klima_pipeline.assets import all_assets
from klima_pipeline.assets.sources import statbank_pull
from klima_pipeline.checks import asset_checks
from klima_pipeline.config import Paths
from klima_pipeline.jobs import jobs, schedules
from klima_pipeline.progress import progress_logger
from klima_pipeline.resources import RawExportsResource, ReportsResource, WarehouseResource
from klima_pipeline.resources.statbank import StatBankResource
from klima_pipeline.sensors import sensors

paths = Paths.from_env()

with warnings.catch_warnings():  # code references are beta; "open in editor" is worth it
    warnings.simplefilter("ignore", dg.BetaWarning)
    # The live StatBank pull is added here, not in `all_assets`, so that no run of "all
    # assets" (a test, a full materialisation) reaches for the network.
    assets = dg.with_source_code_references([*all_assets, statbank_pull])

defs = dg.Definitions(
    assets=assets,
    asset_checks=asset_checks,
    jobs=jobs,
    schedules=schedules,
    sensors=sensors,
    resources={
        "warehouse": WarehouseResource(path=str(paths.warehouse)),
        "raw": RawExportsResource(path=str(paths.raw_dir)),
        "reports": ReportsResource(path=str(paths.reports_dir)),
        "statbank": StatBankResource.from_env(),
    },
    executor=dg.in_process_executor,
    # The console logger stays the default; `klima run` configures the progress logger.
    loggers={"console": dg.colored_console_logger, "progress": progress_logger},
)
