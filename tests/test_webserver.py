"""The UI: `dagster-webserver` started on loopback as a user would, answering over GraphQL."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from klima_pipeline.checks import RULES
from klima_pipeline.config import PROJECT_ROOT

STARTUP_TIMEOUT_S = 120

ASSETS_QUERY = """
{
  assetNodes {
    assetKey { path }
    groupName
    kinds
    assetChecksOrError { ... on AssetChecks { checks { name blocking } } }
  }
}
"""
REPOSITORY_QUERY = """
{
  repositoriesOrError {
    ... on RepositoryConnection {
      nodes { name schedules { name } sensors { name } jobs { name } }
    }
  }
}
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def graphql(url: str, query: str) -> dict:
    request = urllib.request.Request(
        f"{url}/graphql",
        data=json.dumps({"query": query}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        answer = json.load(response)
    assert "errors" not in answer, answer
    return answer["data"]


def stop(process: subprocess.Popen) -> None:
    """The webserver and the code server it spawned share the process group we started."""
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        pass
    except ProcessLookupError:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=15)


@pytest.fixture
def webserver(tmp_path: Path) -> Iterator[str]:
    port = free_port()
    home = tmp_path / "dagster_home"
    home.mkdir()
    env = {
        **os.environ,
        "DAGSTER_HOME": str(home),
        "KLIMA_WAREHOUSE": str(tmp_path / "warehouse" / "klima.duckdb"),
        "KLIMA_REPORTS_DIR": str(tmp_path / "reports"),
    }
    for name in ("http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY"):
        env.pop(name, None)
    log = (tmp_path / "webserver.log").open("wb")
    command = [sys.executable, "-m", "dagster_webserver", "-w", "workspace.yaml"]
    process = subprocess.Popen(
        [*command, "-h", "127.0.0.1", "-p", str(port)],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while True:
            assert process.poll() is None, (tmp_path / "webserver.log").read_text()[-3000:]
            try:
                with urllib.request.urlopen(f"{url}/server_info", timeout=5):
                    break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                if time.monotonic() > deadline:
                    pytest.fail(f"webserver did not answer within {STARTUP_TIMEOUT_S} s")
                time.sleep(0.5)
        yield url
    finally:
        stop(process)
        log.close()


def test_the_ui_lists_the_assets_in_their_groups_and_the_checks(webserver: str) -> None:
    nodes = graphql(webserver, ASSETS_QUERY)["assetNodes"]
    by_key = {"/".join(n["assetKey"]["path"]): n for n in nodes}
    for key, group in {
        "raw/klimaregnskab": "sources",
        "raw/statbank_pull": "sources",
        "staging/inventory": "staging",
        "core/municipality_year": "core",
        "mart/municipality_status": "metrics",
        "warehouse": "publish",
        "report/status_report": "report",
    }.items():
        assert by_key[key]["groupName"] == group, key
    assert "duckdb" in by_key["core/municipality_year"]["kinds"]
    checks = {
        check["name"]: check["blocking"]
        for n in nodes
        for check in n["assetChecksOrError"].get("checks", [])
    }
    assert set(checks) == {rule.name for rule in RULES}
    assert all(checks.values())

    [repository] = graphql(webserver, REPOSITORY_QUERY)["repositoriesOrError"]["nodes"]
    assert {s["name"] for s in repository["schedules"]} == {
        "nightly_refresh",
        "yearly_final_report",
    }
    assert {s["name"] for s in repository["sensors"]} == {"raw_folder_sensor"}
    assert {"status_report_job", "report_only_job", "statbank_pull_job"} <= {
        j["name"] for j in repository["jobs"]
    }
