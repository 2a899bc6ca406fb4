"""Publishing: the finished build replaces the published warehouse in one rename."""

import dagster as dg

from klima_pipeline.assets.made_from import FILE_TAG, file_identity, version_of_run
from klima_pipeline.assets.metadata import markdown_table, materialized
from klima_pipeline.assets.working_file import working_connection
from klima_pipeline.resources import WarehouseResource

WAREHOUSE_KEY = dg.AssetKey(["warehouse"])


def publish_asset(mart_keys: list[dg.AssetKey]) -> dg.AssetsDefinition:
    @dg.asset(
        key=WAREHOUSE_KEY,
        deps=mart_keys,
        group_name="publish",
        kinds={"duckdb"},
        owners=["team:monitoring"],
    )
    def warehouse(
        context: dg.AssetExecutionContext, warehouse: WarehouseResource
    ) -> dg.MaterializeResult:
        """The published warehouse (`KLIMA_WAREHOUSE`) that analysts query: this run's build,
        swapped in atomically once every table is built and the blocking checks passed. The
        version it replaces is kept for `klima rollback`."""
        with working_connection(warehouse, context.run.run_id) as con:
            tables = con.execute(
                """
                select table_name, estimated_size
                from duckdb_tables()
                where database_name = current_database() and schema_name = 'mart'
                order by table_name
                """
            ).fetchall()
        path = warehouse.publish(context.run.run_id)
        context.log.info(f"Published the warehouse at {path}")
        metadata: dict[str, dg.MetadataValue] = {
            "path": dg.MetadataValue.path(str(path)),
            "mart tables": dg.MetadataValue.md(markdown_table(["table", "rows"], tables)),
        }
        # A data version only for a whole build, from its first asset on (made_from.py).
        version = version_of_run(context.run.run_id)
        selection = context.run.asset_selection
        graph = context.job_def.asset_layer.asset_graph
        built = graph.get_ancestor_asset_keys(WAREHOUSE_KEY) & graph.materializable_asset_keys
        whole = not selection or built <= selection  # no selection: the whole job
        if version is None or not whole:
            return materialized(context, WAREHOUSE_KEY, metadata)
        metadata[FILE_TAG] = dg.MetadataValue.text(file_identity(path))
        return materialized(context, WAREHOUSE_KEY, metadata, dg.DataVersion(version))

    return warehouse
