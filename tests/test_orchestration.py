"""Orchestration as the operators meet it: schedules, the file sensor, blocking checks, a
backfill of several report years and the opt-in StatBank pull, on real Dagster runs."""

from __future__ import annotations

import datetime as dt
import json
import os
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import dagster as dg
import pytest
from conftest import EMBEDDED_RAW, WAREHOUSE_ASSETS, all_assets, materialize

from klima_pipeline.assets.report import status_report
from klima_pipeline.assets.sources import STATBANK_PULL_KEY, export_hashes, source_key
from klima_pipeline.checks import RULES, asset_checks
from klima_pipeline.definitions import defs
from klima_pipeline.ingest import survey_years
from klima_pipeline.jobs import ZONE
from klima_pipeline.resources import RawExportsResource, ReportsResource, WarehouseResource
from klima_pipeline.resources.statbank import StatBankResource
from klima_pipeline.runner import failure_message
from klima_pipeline.sample_data import write_sample_data

GROUPS_IN_FLOW_ORDER = ["sources", "staging", "core", "marts", "metrics", "publish", "report"]
WITH_CHECKS = [*all_assets, *asset_checks]


def evaluate_schedule(name: str, when: dt.datetime, raw: Path) -> dg.ScheduleExecutionData:
    repository = defs.get_repository_def()
    context = dg.build_schedule_context(
        scheduled_execution_time=when,
        resources={"raw": RawExportsResource(path=str(raw))},
        repository_def=repository,
    )
    schedule = repository.get_schedule_def(name)
    return schedule.evaluate_tick(context)


def sensor_tick(raw: Path, cursor: str | None) -> dg.SensorExecutionData:
    repository = defs.get_repository_def()
    context = dg.build_sensor_context(
        cursor=cursor,
        resources={"raw": RawExportsResource(path=str(raw))},
        repository_def=repository,
    )
    sensor = repository.get_sensor_def("raw_folder_sensor")
    return sensor.evaluate_tick(context)


def test_definitions_load_with_sources_checks_schedules_and_sensor() -> None:
    dg.Definitions.validate_loadable(defs)
    graph = defs.get_repository_def().asset_graph
    groups = {graph.get(key).group_name for key in graph.get_all_asset_keys()}
    assert groups == set(GROUPS_IN_FLOW_ORDER)
    # Every staging table is downstream of the raw exports it is loaded from.
    for table in ("inventory", "statbank", "plans", "actions", "regional_indicators", "tracks"):
        parents = graph.get(dg.AssetKey(["staging", table])).parent_keys
        assert any(key.path[0] == "raw" for key in parents), table
    assert (
        source_key("klimaregnskab") in graph.get(dg.AssetKey(["staging", "inventory"])).parent_keys
    )
    # One asset check per rule; ERROR rules block what depends on them.
    checks = {key.name: key for key in graph.asset_check_keys}
    assert set(checks) == {rule.name for rule in RULES}
    assert all(graph.get_check_spec(key).blocking for key in checks.values())
    # The nightly and yearly runs build the warehouse with its checks, but never pull live.
    job = defs.resolve_job_def("status_report_job")
    step_names = {node.name for node in job.graph.nodes}
    assert "data_checks" in step_names  # every rule, in one step
    assert "raw_exports" in step_names
    for name in ("status_report_job", "report_only_job"):
        assert STATBANK_PULL_KEY not in defs.resolve_job_def(name).asset_layer.executable_asset_keys
    assert {s.name for s in defs.schedules} == {"nightly_refresh", "yearly_final_report"}
    assert isinstance(defs.resources["statbank"], StatBankResource)


def test_nightly_schedule_drafts_this_year_only_once_its_survey_is_in() -> None:
    surveys = survey_years(EMBEDDED_RAW)
    first, latest = surveys[0], surveys[-1]
    # In a year with a survey, the draft is that year's report.
    [request] = evaluate_schedule(
        "nightly_refresh", dt.datetime(first, 6, 1, 2, tzinfo=ZONE), EMBEDDED_RAW
    ).run_requests
    assert request.partition_key == str(first)
    assert request.tags["klima/report"] == "draft"
    # Two years after the last survey there is none for the year yet: the latest survey.
    [request] = evaluate_schedule(
        "nightly_refresh", dt.datetime(latest + 2, 3, 1, 2, tzinfo=ZONE), EMBEDDED_RAW
    ).run_requests
    assert request.partition_key == str(latest)


def test_yearly_schedule_writes_the_final_report_of_the_year_just_ended() -> None:
    latest = survey_years(EMBEDDED_RAW)[-1]
    [request] = evaluate_schedule(
        "yearly_final_report", dt.datetime(latest + 1, 2, 1, 3, tzinfo=ZONE), EMBEDDED_RAW
    ).run_requests
    assert request.partition_key == str(latest)
    assert request.tags["klima/report"] == "final"
    skipped = evaluate_schedule(
        "yearly_final_report", dt.datetime(latest + 2, 2, 1, 3, tzinfo=ZONE), EMBEDDED_RAW
    )
    assert not skipped.run_requests
    assert str(latest + 1) in (skipped.skip_message or "")


def test_sensor_starts_one_run_per_real_change_and_none_for_an_unchanged_folder(
    raw_copy,
) -> None:
    raw = raw_copy()
    first = sensor_tick(raw, None)
    assert len(first.run_requests) == 1  # a new sensor has seen nothing yet
    cursor = first.cursor
    assert json.loads(cursor) == export_hashes(raw)

    assert sensor_tick(raw, cursor).run_requests == []
    # Touched, or copied over with the same bytes: not a change.
    plans = raw / "plans" / "plans.csv"
    plans.write_bytes(plans.read_bytes())
    os.utime(plans, (1_000_000_000, 1_000_000_000))
    unchanged = sensor_tick(raw, cursor)
    assert unchanged.run_requests == [] and unchanged.skip_message

    # A changed export starts exactly one run of the refresh, for the draft year.
    plans.write_bytes(plans.read_bytes().replace(b";2030;", b";2031;", 1))
    changed = sensor_tick(raw, cursor)
    [request] = changed.run_requests
    assert request.job_name in (None, "status_report_job")
    assert request.partition_key == str(survey_years(raw)[-1])
    assert json.loads(changed.cursor)["plans/plans.csv"] != json.loads(cursor)["plans/plans.csv"]
    # ...and once its cursor is stored, the same state starts nothing more.
    assert sensor_tick(raw, changed.cursor).run_requests == []


def test_a_failing_blocking_check_stops_metrics_publish_and_report(
    raw_copy, tmp_path: Path
) -> None:
    raw = raw_copy()
    inventory = raw / "klimaregnskab" / "klimaregnskab_2018-2022.csv"
    lines = inventory.read_text(encoding="utf-8").splitlines(keepends=True)
    # 60 Mt of energy emissions for one municipality-year: a well-formed number, so the
    # parser passes it, but out of range (the whole country emits about 34 Mt). An
    # incomplete year would not do: it is a state the method defines (a warning).
    inventory.write_text(
        "".join(
            line.rsplit(";", 1)[0] + ";60000000\n"
            if line.startswith("101;") and ";2020;Energi;Samlet CO2-udledning;" in line
            else line
            for line in lines
        ),
        encoding="utf-8",
    )

    run = materialize(raw, tmp_path, report_year="2024", assets=WITH_CHECKS, languages=["en"])

    assert not run.result.success
    materialized = {
        e.asset_key.to_user_string()
        for e in run.result.all_events
        if e.event_type_value == "ASSET_MATERIALIZATION"
    }
    assert "staging/inventory" in materialized  # ingest passed; the check stopped it
    assert {"mart/municipality_status", "warehouse", "report/status_report"}.isdisjoint(
        materialized
    )
    [failed] = [
        e.asset_check_evaluation_data
        for e in run.result.all_events
        if e.event_type_value == "ASSET_CHECK_EVALUATION"
        and not e.asset_check_evaluation_data.passed
        and e.asset_check_evaluation_data.severity == dg.AssetCheckSeverity.ERROR
    ]  # the 60 Mt jump also trips the gross_change warning, which does not block
    assert failed.check_name == "values_in_range"
    assert failed.severity == dg.AssetCheckSeverity.ERROR
    assert "101" in (failed.description or "") and "2020" in (failed.description or "")
    assert not run.warehouse.exists()
    assert not (run.reports / "2024").exists()
    # What `klima run` prints names the check and the municipality-year at fault.
    message = failure_message(run.result)
    assert "values_in_range" in message and "101" in message and "2020" in message
    assert "no publish" in message


def test_a_backfill_of_three_report_years_completes_against_one_warehouse(
    tmp_path: Path,
) -> None:
    report_years = (2022, 2023, 2024)
    raw = write_sample_data(tmp_path / "raw", municipalities=12, report_years=report_years)
    built = materialize(raw, tmp_path, assets=[*WAREHOUSE_ASSETS, *asset_checks])
    assert built.result.success
    resources = {
        "warehouse": WarehouseResource(path=str(built.warehouse)),
        "reports": ReportsResource(path=str(built.reports)),
    }
    run_config = {
        "ops": {"report__status_report": {"config": {"languages": ["en"], "fact_sheets": "no"}}}
    }
    with dg.instance_for_test() as instance:
        for year in report_years:
            result = dg.materialize(
                [status_report],
                partition_key=str(year),
                resources=resources,
                run_config=run_config,
                instance=instance,
                raise_on_error=False,
            )
            assert result.success, year
        done = instance.get_materialized_partitions(status_report.key)
    assert done == {str(year) for year in report_years}
    for year in report_years:
        assert (built.reports / str(year) / f"status-report-{year}.md").is_file()


@pytest.fixture
def fake_statbank(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, dict[str, bytes]]]:
    """A local StatBank that answers each table with the bytes in `answers`."""
    for name in ("http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
    answers: dict[str, bytes] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            request = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            body = answers[request["table"]]
            self.send_response(200)
            self.send_header("Content-Type", "text/csv; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1", answers
    finally:
        server.shutdown()
        server.server_close()


def test_statbank_pull_saves_into_the_raw_folder_where_the_sensor_finds_it(
    raw_copy, fake_statbank: tuple[str, dict[str, bytes]]
) -> None:
    url, answers = fake_statbank
    raw = raw_copy()
    before = sensor_tick(raw, None).cursor
    for table in ("FOLK1A", "BIL54", "BOL102"):
        answers[table] = (raw / "statbank" / f"{table}.csv").read_bytes()
    # StatBank revised one population figure since the last pull; the rest is as before.
    answers["FOLK1A"] = answers["FOLK1A"].replace(
        b"101;TOT;2018K1;613291", b"101;TOT;2018K1;613292"
    )
    assert answers["FOLK1A"] != (raw / "statbank" / "FOLK1A.csv").read_bytes()

    pull = defs.get_assets_def(STATBANK_PULL_KEY)
    result = dg.materialize(
        [pull],
        resources={
            "statbank": StatBankResource(base_url=url, max_retries=0),
            "raw": RawExportsResource(path=str(raw)),
        },
    )

    assert result.success
    assert (raw / "statbank" / "FOLK1A.csv").read_bytes() == answers["FOLK1A"]
    tick = sensor_tick(raw, before)
    assert len(tick.run_requests) == 1
    changed = {p for p, h in json.loads(tick.cursor).items() if json.loads(before)[p] != h}
    assert changed == {"statbank/FOLK1A.csv"}  # rewritten with the same bytes: no change
