"""The status report of a report year: Markdown, PDF and website in Danish and English."""
# No `from __future__ import annotations` here: Dagster reads the config type from the
# signature at definition time and cannot resolve it from a string.

import base64
from pathlib import Path

import dagster as dg

from klima_pipeline.assets.metadata import materialized
from klima_pipeline.assets.publish import WAREHOUSE_KEY
from klima_pipeline.partitions import report_year_partitions
from klima_pipeline.resources import ReportsResource, WarehouseResource


class ReportConfig(dg.Config):
    languages: list[str] = ["da", "en"]  # noqa: RUF012 - Dagster copies config defaults
    # "auto": fact sheets only when the members fit on pages people read (not at scale).
    fact_sheets: str = "auto"
    # The website gives members a page each; the other municipalities get one too while
    # the members fit the report's lists, or always with this.
    all_pages: bool = False


@dg.asset(
    key=dg.AssetKey(["report", "status_report"]),
    deps=[WAREHOUSE_KEY],
    partitions_def=report_year_partitions,
    group_name="report",
    kinds={"pdf", "markdown", "html"},
    owners=["team:monitoring"],
)
def status_report(
    context: dg.AssetExecutionContext,
    config: ReportConfig,
    warehouse: WarehouseResource,
    reports: ReportsResource,
) -> dg.MaterializeResult:
    """The yearly status report for the partition's report year, with charts, the map,
    the tables behind them (CSV, Parquet), the members' fact sheets and the website. Reads the
    published warehouse."""
    # Imported when the report is built: pandas and the report's code are not needed
    # to load the code location, and `klima run` builds the languages in processes of
    # their own (report/children.py).
    from klima_pipeline.report import build_report

    report_year = int(context.partition_key)
    paths = build_report(
        warehouse.published_path,
        reports.folder,
        report_year,
        languages=config.languages,
        fact_sheets=None if config.fact_sheets == "auto" else config.fact_sheets == "yes",
        all_pages=config.all_pages,
    )
    metadata = report_metadata(paths, reports.folder / str(report_year))
    return materialized(context, context.asset_key, metadata)


def report_metadata(paths: list[Path], folder: Path) -> dict[str, dg.MetadataValue]:
    """The output paths, the status map as a picture and the report's opening, for the UI."""
    metadata: dict[str, dg.MetadataValue] = {
        "files": dg.MetadataValue.int(len(paths)),
        "folder": dg.MetadataValue.path(str(folder)),
    }
    reports = sorted(p for p in paths if p.parent == folder and p.suffix in {".md", ".pdf"})
    for path in reports:
        metadata[path.name] = dg.MetadataValue.path(str(path))
    status_map = next(
        (p for p in sorted(paths) if p.name.startswith("status_map") and p.suffix == ".png"), None
    )
    if status_map is not None:
        # Embedded as a data URL: the UI shows Markdown images but cannot read the reports folder.
        encoded = base64.b64encode(status_map.read_bytes()).decode("ascii")
        metadata["status map"] = dg.MetadataValue.md(
            f"![status map](data:image/png;base64,{encoded})"
        )
    markdown = next((p for p in reports if p.suffix == ".md"), None)
    if markdown is not None:
        metadata["preview"] = dg.MetadataValue.md(markdown.read_text(encoding="utf-8")[:4000])
    return metadata
