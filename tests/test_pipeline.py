"""The whole pipeline on real Dagster runs: the warehouse a user gets, and what bad input does."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import duckdb
import pytest
from conftest import EMBEDDED_RAW, Run, file_digest, materialize

from klima_pipeline.definitions import defs
from klima_pipeline.warehouse_docs import DOC_PATH, documented_section, table_reference

# The public interface (interface.md, Warehouse): these tables and columns are promised.
PROMISED_COLUMNS = {
    "municipality": "municipality_code municipality_name region_code region_name is_member "
    "plan_approved",
    "emissions": "municipality_code year sector emissions_t",
    "municipality_year": "municipality_code year gross_t lulucf_t net_t population per_capita_t "
    "is_complete",
    "municipality_status": "report_year municipality_code baseline_year baseline_t target_year "
    "target_t net_zero_year latest_year latest_t path_t gap_t reduction_pct r_obs r_req proj_lin_t "
    "proj_exp_t proj_cons_t status implementation_pct plan_coverage_pct",
    "actions": "report_year municipality_code sector planned in_progress completed cancelled "
    "expected_t expected_completed_t",
    "implementation_effect": "report_year municipality_code sector observed_reduction_t "
    "expected_completed_t effect_ratio",
    "indicators": "entity_type entity_code indicator year value unit",
    "region_year": "region_code year gross_t net_t population per_capita_t municipalities_missing",
    "national_year": "year gross_t net_t population per_capita_t municipalities_missing",
    "plan_revision": "report_year municipality_code revision_status recertified_on "
    "next_revision_year is_overdue",
    "development_tracks": "track_id title theme status start_date end_date budget_dkk participants",
    "track_participation": "track_id participant_type participant_code",
    "data_quality": "source_file row_number column_name rule severity message",
    # Beyond interface.md's minimum, documented in docs/warehouse.md and kept as stable:
    "peer_group": "report_year municipality_code population area_km2 density_per_km2 "
    "size_class density_class peer_group group_size",
    "peer_comparison": "report_year municipality_code peer_group measure year value unit "
    "peer_median rank_in_group position national_value",
    "status_change": "municipality_code previous_report_year current_report_year "
    "previous_status current_status reason",
    "sector_gaps": "report_year municipality_code sector needed_t expected_open_t "
    "remaining_gap_t open_coverage_pct",
}


def mart_columns(run: Run) -> dict[str, list[str]]:
    rows = run.query(
        """
        select table_name, column_name from duckdb_columns()
        where schema_name = 'mart' order by table_name, column_index
        """
    )
    columns: dict[str, list[str]] = {}
    for table, column in rows:
        columns.setdefault(table, []).append(column)
    return columns


def mart_contents(run: Run) -> dict[str, list[tuple]]:
    """Every mart table's rows, except when each file was loaded (provenance, not data)."""
    return {
        table: run.query(f"select * exclude (loaded_at) from mart.{table} order by all")
        if "loaded_at" in columns
        else run.query(f"select * from mart.{table} order by all")
        for table, columns in mart_columns(run).items()
    }


def test_the_code_location_loads_and_validates() -> None:
    dg.Definitions.validate_loadable(defs)
    repository = defs.get_repository_def()
    keys = {key.to_user_string() for key in repository.asset_graph.get_all_asset_keys()}
    assert {"mart/municipality_status", "warehouse", "report/status_report"} <= keys
    assert defs.resolve_job_def("status_report_job") is not None


def test_every_promised_mart_table_and_column_exists(embedded_run: Run) -> None:
    columns = mart_columns(embedded_run)
    for table, promised in PROMISED_COLUMNS.items():
        assert table in columns, f"mart.{table} is missing"
        missing = set(promised.split()) - set(columns[table])
        assert not missing, f"mart.{table} lacks {sorted(missing)}"


def test_every_mart_column_has_a_comment(embedded_run: Run) -> None:
    uncommented = embedded_run.query(
        """
        select table_name || '.' || column_name from duckdb_columns()
        where schema_name = 'mart' and coalesce(comment, '') = ''
        """
    )
    assert uncommented == []


def test_denmark_2023_matches_energistyrelsen_and_covers_all_98(embedded_run: Run) -> None:
    [(gross, missing)] = embedded_run.query(
        "select gross_t, municipalities_missing from mart.national_year where year = 2023"
    )
    assert round(gross) == 34_039_454  # the national total the source states for 2023
    assert missing == 0
    [(municipalities, members, years)] = embedded_run.query(
        """
        select count(*), count(*) filter (where is_member),
               (select count(distinct year) from mart.municipality_year)
        from mart.municipality
        """
    )
    assert (municipalities, members, years) == (98, 95, 6)
    [(complete,)] = embedded_run.query(
        "select count(*) from mart.municipality_year where is_complete and year = 2023"
    )
    assert complete == 98


def test_aggregates_are_sums_of_their_municipalities(embedded_run: Run) -> None:
    mismatches = embedded_run.query(
        """
        select r.region_code, r.year
        from mart.region_year as r
        join (
            select m.region_code, y.year, sum(y.gross_t) as gross_t, sum(y.population) as population
            from mart.municipality_year as y join mart.municipality as m using (municipality_code)
            group by all
        ) as s using (region_code, year)
        where abs(r.gross_t - s.gross_t) > 1e-6 or r.population <> s.population
        """
    )
    assert mismatches == []


def test_the_published_warehouse_is_documented_column_by_column(embedded_run: Run) -> None:
    with duckdb.connect(str(embedded_run.warehouse), read_only=True) as con:
        generated = table_reference(con)
    assert documented_section(DOC_PATH.read_text(encoding="utf-8")) == generated, (
        "docs/warehouse.md is out of date: run `python -m klima_pipeline.warehouse_docs WAREHOUSE`"
    )


def test_two_runs_on_the_same_inputs_give_identical_tables_and_markdown(
    embedded_run: Run, tmp_path: Path
) -> None:
    again = materialize(EMBEDDED_RAW, tmp_path, report_year="2024")
    assert again.result.success
    assert mart_contents(again) == mart_contents(embedded_run)
    for name in ("statusrapport-2024.md", "status-report-2024.md"):
        first = (embedded_run.reports / "2024" / name).read_bytes()
        assert (again.reports / "2024" / name).read_bytes() == first


def break_file(raw: Path, relative: str, old: str, new: str) -> int:
    """Replace the first `old` in the file; returns the line it is on (the header is line 1)."""
    path = raw / relative
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture text {old!r} not in {relative}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return text[: text.index(old) + len(old) - len(old.lstrip("\n"))].count("\n") + 1


@pytest.mark.parametrize(
    ("relative", "old", "new", "expected"),
    [
        ("plans/plans.csv", ";2030;", ";20x0;", ("plans/plans.csv", "Målår")),
        ("plans/plans.csv", "\n147;", "\n9999;", ("plans/plans.csv", "Kommunekode")),
    ],
    ids=["non-numeric-target-year", "unknown-municipality"],
)
def test_bad_input_fails_naming_file_row_and_column_and_keeps_the_published_warehouse(
    raw_copy, tmp_path: Path, relative: str, old: str, new: str, expected: tuple[str, ...]
) -> None:
    raw = raw_copy()
    good = materialize(raw, tmp_path)
    assert good.result.success
    published = file_digest(good.warehouse)

    line = break_file(raw, relative, old, new)
    bad = materialize(raw, tmp_path)
    assert not bad.result.success
    failure = next(e for e in bad.result.all_events if e.event_type_value == "STEP_FAILURE")
    message = str(failure.step_failure_data.error.to_string())
    for part in (*expected, f"row {line}"):
        assert part in message, message
    assert file_digest(good.warehouse) == published


def test_the_report_asset_shows_its_files_and_a_preview_in_the_ui(embedded_run: Run) -> None:
    [materialization] = [
        event.event_specific_data.materialization
        for event in embedded_run.result.all_events
        if event.event_type_value == "ASSET_MATERIALIZATION"
        and event.asset_key == dg.AssetKey(["report", "status_report"])
    ]
    metadata = materialization.metadata
    for name in ("statusrapport-2024.pdf", "status-report-2024.pdf", "statusrapport-2024.md"):
        assert Path(metadata[name].value).is_file()
    assert metadata["status map"].value.startswith("![status map](data:image/png;base64,")
    assert "2024" in metadata["preview"].value


def test_every_table_asset_shows_its_rows_columns_and_comments_in_the_ui(
    embedded_run: Run,
) -> None:
    """The UI's row count, column schema (with each column's comment) and preview of every
    table asset are those of the published warehouse."""
    columns: dict[str, list[tuple]] = {}
    for schema, table, name, data_type, comment in embedded_run.query(
        "select schema_name, table_name, column_name, data_type, comment from duckdb_columns() "
        "where database_name = current_database() order by schema_name, table_name, column_index"
    ):
        columns.setdefault(f"{schema}.{table}", []).append((name, data_type, comment))
    shown = [
        event.event_specific_data.materialization.metadata
        for event in embedded_run.result.all_events
        if event.event_type_value == "ASSET_MATERIALIZATION"
        and "dagster/table_name" in event.event_specific_data.materialization.metadata
    ]
    assert len(shown) >= 50
    for metadata in shown:
        table = metadata["dagster/table_name"].value
        schema = metadata["dagster/column_schema"].schema
        assert [(c.name, c.type, c.description) for c in schema.columns] == columns[table]
        [(rows,)] = embedded_run.query(f"select count(*) from {table}")
        assert metadata["dagster/row_count"].value == rows
        preview = metadata["preview"].value.splitlines()
        assert preview[0] == "| " + " | ".join(c[0] for c in columns[table]) + " |"
        assert len(preview) == 2 + min(rows, 8)
    commented = [
        m for m in shown if any(c.description for c in m["dagster/column_schema"].schema.columns)
    ]
    assert len(commented) >= 20  # every mart table's columns are described
