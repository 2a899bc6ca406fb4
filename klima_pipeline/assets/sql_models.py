"""Assets made from the SQL files: one asset per file, one output per table it creates.

Each file names the tables it creates and the tables it reads, so the asset graph is
derived from the SQL itself and cannot drift from it: add a file under `sql/core`,
`sql/mart` or `sql/metrics` and it becomes an asset with the right upstream edges.
"""

import warnings
from collections.abc import Callable, Iterable, Mapping

import dagster as dg

from klima_pipeline.assets.metadata import table_metadata
from klima_pipeline.assets.working_file import working_connection
from klima_pipeline.resources import WarehouseResource
from klima_pipeline.sql import SqlModel, run_sql, sql_path

LAYER_GROUPS = {"core": "core", "mart": "marts", "metrics": "metrics"}


def table_key(schema: str, table: str) -> dg.AssetKey:
    return dg.AssetKey([schema, table])


def build_sql_assets(
    models: Iterable[SqlModel],
    upstream_for: Callable[[str, str], dg.AssetKey | list[dg.AssetKey] | None],
) -> list[dg.AssetsDefinition]:
    """One multi-asset per SQL file.

    `upstream_for(schema, table)` names the asset behind a table that no SQL file
    creates (reference and staging tables are written from Python).
    """
    models = list(models)
    created_by: Mapping[tuple[str, str], dg.AssetKey] = {
        table: table_key(*table) for model in models for table in model.creates
    }

    def deps_of(model: SqlModel) -> list[dg.AssetKey]:
        keys: list[dg.AssetKey] = []
        for table in model.reads:
            found = created_by.get(table) or upstream_for(*table)
            if found is None:
                raise ValueError(
                    f"sql/{model.name}.sql reads {'.'.join(table)}, which nothing creates"
                )
            keys.extend(found if isinstance(found, list) else [found])
        return list(dict.fromkeys(keys))

    return [_sql_asset(model, deps_of(model)) for model in models if model.creates]


def _sql_asset(model: SqlModel, deps: list[dg.AssetKey]) -> dg.AssetsDefinition:
    group = LAYER_GROUPS[model.layer]
    with warnings.catch_warnings():  # code references are beta; they are worth it in the UI
        warnings.simplefilter("ignore", dg.BetaWarning)
        code_references = dg.CodeReferencesMetadataValue(
            code_references=[dg.LocalFileCodeReference(file_path=str(sql_path(model.name)))]
        )
    specs = [
        dg.AssetSpec(
            key=table_key(schema, table),
            deps=deps,
            group_name=group,
            kinds={"duckdb", "sql"},
            owners=["team:monitoring"],
            description=f"`{schema}.{table}` — {model.description}",
            metadata={
                "sql_file": f"sql/{model.name}.sql",
                "dagster/code_references": code_references,
            },
        )
        for schema, table in model.creates
    ]

    @dg.multi_asset(
        name=model.name.replace("/", "__"),
        specs=specs,
        can_subset=False,
        required_resource_keys={"warehouse"},
    )
    def _build(context: dg.AssetExecutionContext) -> Iterable[dg.MaterializeResult]:
        warehouse: WarehouseResource = context.resources.warehouse
        with working_connection(warehouse, context.run.run_id) as con:
            run_sql(con, model.name)
            for schema, table in model.creates:
                yield dg.MaterializeResult(
                    asset_key=table_key(schema, table),
                    metadata=table_metadata(con, schema, table),
                )

    return _build
