"""Assets made from the SQL files: one asset per file, one output per table it creates.

Each file names the tables it creates and the tables it reads, so the asset graph is
derived from the SQL itself and cannot drift from it: add a file under `sql/core`,
`sql/mart` or `sql/metrics` and it becomes an asset with the right upstream edges.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

import dagster as dg

from klima_pipeline.assets.metadata import table_metadata
from klima_pipeline.assets.working_file import working_connection
from klima_pipeline.resources import WarehouseResource
from klima_pipeline.sql import run_sql, sql_files, sql_path, sql_text

LAYER_GROUPS = {"core": "core", "mart": "marts", "metrics": "metrics"}
SCHEMAS = ("ref", "staging", "core", "mart")

_CREATED = re.compile(
    r"\bcreate\s+(?:or\s+replace\s+)?table\s+(?:if\s+not\s+exists\s+)?(\w+)\.(\w+)", re.I
)
_REFERENCED = re.compile(r"\b(" + "|".join(SCHEMAS) + r")\.(\w+)\b", re.I)
_COMMENT = re.compile(r"--[^\n]*")


@dataclass(frozen=True)
class SqlModel:
    name: str  # e.g. "core/emissions"
    creates: tuple[tuple[str, str], ...]
    reads: tuple[tuple[str, str], ...]
    description: str

    @property
    def layer(self) -> str:
        return self.name.split("/")[0]


def parse_model(name: str) -> SqlModel:
    text = sql_text(name)
    code = _COMMENT.sub("", text)
    creates = tuple(dict.fromkeys((s.lower(), t.lower()) for s, t in _CREATED.findall(code)))
    reads = tuple(
        dict.fromkeys(
            (s.lower(), t.lower())
            for s, t in _REFERENCED.findall(code)
            if (s.lower(), t.lower()) not in creates
        )
    )
    header = [line[2:].strip() for line in text.splitlines() if line.startswith("--")]
    return SqlModel(name, creates, reads, " ".join(header))


def discover_models(layers: Iterable[str] = LAYER_GROUPS) -> list[SqlModel]:
    return [parse_model(name) for layer in layers for name in sql_files(layer)]


def table_key(schema: str, table: str) -> dg.AssetKey:
    return dg.AssetKey([schema, table])


def build_sql_assets(
    models: list[SqlModel],
    upstream_for: Callable[[str, str], dg.AssetKey | list[dg.AssetKey] | None],
) -> list[dg.AssetsDefinition]:
    """One multi-asset per SQL file.

    `upstream_for(schema, table)` names the asset behind a table that no SQL file
    creates (reference and staging tables are written from Python).
    """
    created_by: Mapping[tuple[str, str], dg.AssetKey] = {
        table: table_key(*table) for model in models for table in model.creates
    }

    def deps_of(model: SqlModel) -> list[dg.AssetKey]:
        keys: list[dg.AssetKey] = []
        for table in model.reads:
            found = created_by.get(table) or upstream_for(*table)
            if found is None:
                raise ValueError(f"sql/{model.name}.sql reads {'.'.join(table)}, which nothing creates")
            keys.extend(found if isinstance(found, list) else [found])
        return list(dict.fromkeys(keys))

    return [_sql_asset(model, deps_of(model)) for model in models if model.creates]


def _sql_asset(model: SqlModel, deps: list[dg.AssetKey]) -> dg.AssetsDefinition:
    group = LAYER_GROUPS[model.layer]
    code_reference = dg.LocalFileCodeReference(file_path=str(sql_path(model.name)))
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
                "dagster/code_references": dg.CodeReferencesMetadataValue(
                    code_references=[code_reference]
                ),
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
        with working_connection(warehouse, context.run_id) as con:
            run_sql(con, model.name)
            for schema, table in model.creates:
                yield dg.MaterializeResult(
                    asset_key=table_key(schema, table),
                    metadata=table_metadata(con, schema, table),
                )

    return _build
