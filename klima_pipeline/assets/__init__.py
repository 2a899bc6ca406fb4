"""The asset graph, in the order of the report: sources → staging → core → marts →
metrics → publish → report."""

from __future__ import annotations

import dagster as dg

from klima_pipeline.assets.publish import publish_asset
from klima_pipeline.assets.report import status_report
from klima_pipeline.assets.sources import raw_exports
from klima_pipeline.assets.sql_models import build_sql_assets, table_key
from klima_pipeline.assets.staging import reference_data, staging_assets, upstream_of_python_table
from klima_pipeline.sql import discover_models

sql_models = discover_models()
sql_assets = build_sql_assets(sql_models, upstream_of_python_table)
mart_keys = [table_key(*t) for m in sql_models for t in m.creates if t[0] == "mart"]
warehouse = publish_asset(mart_keys)

all_assets: list[dg.AssetsDefinition] = [
    raw_exports,
    reference_data,
    *staging_assets,
    *sql_assets,
    warehouse,
    status_report,
]
