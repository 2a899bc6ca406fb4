"""Staging: the raw exports read, typed and validated (formats.md), one asset per source."""

from collections.abc import Iterable

import dagster as dg
import duckdb

from klima_pipeline.assets.made_from import build_started
from klima_pipeline.assets.metadata import materialized, table_metadata
from klima_pipeline.assets.sources import ROOT_SOURCE, source_key
from klima_pipeline.assets.working_file import working_connection
from klima_pipeline.config import CarbonBudget
from klima_pipeline.errors import Finding, InputError
from klima_pipeline.ingest import LOADERS, load_reference
from klima_pipeline.resources import RawExportsResource, WarehouseResource

REFERENCE_KEY = dg.AssetKey(["ref", "reference_data"])

# The staging tables each loader writes (docs/architecture.md).
SOURCE_TABLES = {
    "klimaregnskab": "inventory",
    "statbank": "statbank",
    "plans": "plans",
    "actions": "actions",
    "regions": "regional_indicators",
    "tracks": "tracks",
}
SOURCE_DESCRIPTIONS = {
    "klimaregnskab": "Energistyrelsen's municipal emission inventories (klimaregnskab/).",
    "statbank": "Statistics Denmark tables FOLK1A, BIL54, BOL102 (statbank/*.csv).",
    "plans": "The plan registry: one row per member of the alliance cohort (plans/).",
    "actions": "The yearly action status surveys (actions/).",
    "regions": "The regions' own indicators (regions/).",
    "tracks": "The development tracks, klimaudviklingsspor (tracks/).",
}
# Written by every loader: whoever reads them depends on all staging assets.
SHARED_STAGING_TABLES = {"findings", "raw_file"}


def staging_key(source: str) -> dg.AssetKey:
    return dg.AssetKey(["staging", SOURCE_TABLES[source]])


@dg.asset(
    key=REFERENCE_KEY,
    deps=[source_key(ROOT_SOURCE)],
    group_name="staging",
    kinds={"duckdb", "python"},
    owners=["team:monitoring"],
)
def reference_data(
    context: dg.AssetExecutionContext, warehouse: WarehouseResource, raw: RawExportsResource
) -> dg.MaterializeResult:
    """Reference tables (`ref.*`): municipalities and regions, sectors, label mappings, the
    indicator catalogue, the raw folder's manifest and the configured carbon budget.
    Starts the run's fresh build."""
    # What the build is made from, before anything is read (klima_pipeline/assets/made_from.py).
    build_started(context.run.run_id, raw.folder)
    with working_connection(warehouse, context.run.run_id, fresh=True) as con:
        findings = load_reference(con, raw.folder)
        write_carbon_budget(con, CarbonBudget.from_env())
        metadata = table_metadata(con, "ref", "municipality")
    for finding in findings:
        context.log.warning(str(finding))
    return materialized(context, REFERENCE_KEY, metadata)


def write_carbon_budget(con: duckdb.DuckDBPyConnection, budget: CarbonBudget | None) -> None:
    """`ref.carbon_budget`: one row when a budget is configured, none otherwise."""
    con.execute(
        "create or replace table ref.carbon_budget "
        "(budget_t double, start_year integer, source varchar)"
    )
    if budget is not None:
        con.execute(
            "insert into ref.carbon_budget values (?, ?, ?)",
            [budget.budget_t, budget.start_year, budget.source],
        )


@dg.multi_asset(
    name="staging",
    specs=[
        dg.AssetSpec(
            key=staging_key(source),
            deps=[REFERENCE_KEY, source_key(source)],
            group_name="staging",
            kinds={"duckdb", "python"},
            owners=["team:monitoring"],
            description=f"`staging.{table}` — {SOURCE_DESCRIPTIONS[source]}",
        )
        for source, table in SOURCE_TABLES.items()
    ],
    can_subset=False,
    required_resource_keys={"warehouse", "raw"},
)
def staging_tables(context: dg.AssetExecutionContext) -> Iterable[dg.MaterializeResult]:
    """Every source's loader in one step (a step costs more bookkeeping than most loaders
    take). Every source is read even when one fails, so a run names all the errors in the
    raw folder at once, as `klima validate` does; then the step fails."""
    warehouse: WarehouseResource = context.resources.warehouse
    raw: RawExportsResource = context.resources.raw
    errors: list[Finding] = []
    with working_connection(warehouse, context.run.run_id) as con:
        for source, table in SOURCE_TABLES.items():
            try:
                warnings = LOADERS[source](con, raw.folder)
            except InputError as error:
                errors.extend(error.findings)
                continue
            for finding in warnings[:50]:
                context.log.warning(str(finding))
            metadata = table_metadata(con, "staging", table)
            metadata["warnings"] = dg.MetadataValue.int(len(warnings))
            yield materialized(context, staging_key(source), metadata)
    if errors:
        raise InputError(errors)


staging_assets = [staging_tables]


def upstream_of_python_table(schema: str, table: str) -> dg.AssetKey | list[dg.AssetKey] | None:
    """The asset behind a table written from Python rather than by a SQL file."""
    if schema == "ref" or (schema, table) == ("staging", "manifest"):
        return REFERENCE_KEY
    if schema == "staging" and table in SHARED_STAGING_TABLES:
        return [staging_key(source) for source in SOURCE_TABLES]
    if schema == "staging":
        by_table = {t: s for s, t in SOURCE_TABLES.items()}
        return staging_key(by_table[table]) if table in by_table else None
    return None
