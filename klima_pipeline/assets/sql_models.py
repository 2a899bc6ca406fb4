"""Assets made from the SQL files: one asset per table a file creates, one step per layer.

Each file names the tables it creates and the tables it reads, so the asset graph is
derived from the SQL itself and cannot drift from it: add a file under `sql/core`,
`sql/mart` or `sql/metrics` and it becomes an asset with the right upstream edges.
"""

import warnings
from collections.abc import Callable, Iterable, Mapping

import dagster as dg

from klima_pipeline.assets.metadata import materialized, table_metadata
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
    """One multi-asset per SQL layer, with one asset per table a file of the layer creates.

    A layer runs as one step: its files in dependency order on one connection, each
    table's materialisation reported as soon as its file has run. One step per file cost
    about 0.15 s of Dagster bookkeeping each (docs/performance.md) — more than most files
    take to run. `upstream_for(schema, table)` names the asset behind a table that no SQL
    file creates (reference and staging tables are written from Python).
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

    layers: dict[str, list[SqlModel]] = {}
    for model in models:  # already in dependency order (sql.discover_models)
        if model.creates:
            layers.setdefault(model.layer, []).append(model)
    return [
        _layer_asset(layer, layer_models, {m.name: deps_of(m) for m in layer_models})
        for layer, layer_models in layers.items()
    ]


def _specs(model: SqlModel, deps: list[dg.AssetKey]) -> list[dg.AssetSpec]:
    with warnings.catch_warnings():  # code references are beta; they are worth it in the UI
        warnings.simplefilter("ignore", dg.BetaWarning)
        code_references = dg.CodeReferencesMetadataValue(
            code_references=[dg.LocalFileCodeReference(file_path=str(sql_path(model.name)))]
        )
    return [
        dg.AssetSpec(
            key=table_key(schema, table),
            deps=deps,
            group_name=LAYER_GROUPS[model.layer],
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


def _layer_asset(
    layer: str, models: list[SqlModel], deps: dict[str, list[dg.AssetKey]]
) -> dg.AssetsDefinition:
    @dg.multi_asset(
        name=f"{layer}_sql",
        specs=[spec for model in models for spec in _specs(model, deps[model.name])],
        can_subset=False,
        required_resource_keys={"warehouse"},
    )
    def _build(context: dg.AssetExecutionContext) -> Iterable[dg.MaterializeResult]:
        warehouse: WarehouseResource = context.resources.warehouse
        with working_connection(warehouse, context.run.run_id) as con:
            for model in models:
                run_sql(con, model.name)
                for schema, table in model.creates:
                    comments = model.comments_of(schema, table)
                    yield materialized(
                        context,
                        table_key(schema, table),
                        table_metadata(con, schema, table, comments),
                    )

    return _build
