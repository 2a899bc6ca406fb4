"""A deployment's Dagster instance on a real PostgreSQL server: deploy/dagster.yaml with the
connection from the environment, `klima run` as a user runs it, and the run and its
materialisations found in PostgreSQL.

The server is started here, on loopback, in a temporary data directory, and stopped at the
end whatever happens. PostgreSQL refuses to run as root, so as root the server runs as the
`postgres` system user that the Debian package creates (.ci/run installs it)."""

from __future__ import annotations

import contextlib
import os
import pwd
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import psycopg2
import pytest
from conftest import EMBEDDED_RAW

from klima_pipeline.config import PROJECT_ROOT

DEPLOY_CONFIG = PROJECT_ROOT / "deploy" / "dagster.yaml"
DEBIAN_SERVERS = Path("/usr/lib/postgresql")
SERVER_TOOLS = ("initdb", "pg_ctl")
SERVER_USER = "postgres"
ROLE = "klima"
DATABASE = "klima_dagster"


def server_bin_dir() -> Path | None:
    """The newest installed server (Debian keeps one per major version), else one on PATH."""
    versions = [
        path.parent
        for path in DEBIAN_SERVERS.glob("*/bin/initdb")
        if re.fullmatch(r"\d+(\.\d+)?", path.parent.parent.name)
    ]
    if versions:
        return max(versions, key=lambda bin_dir: float(bin_dir.parent.name))
    on_path = [shutil.which(tool) for tool in SERVER_TOOLS]
    if all(on_path):
        return Path(on_path[0]).resolve().parent
    return None


def server_account() -> pwd.struct_passwd | None:
    """Whom the server runs as: the current user, or `postgres` when we are root."""
    if os.geteuid() != 0:
        return None
    try:
        return pwd.getpwnam(SERVER_USER)
    except KeyError:
        pytest.skip(
            f"running as root and there is no '{SERVER_USER}' system user to run PostgreSQL "
            "as (it refuses to run as root); install the postgresql package, which creates it"
        )


BIN_DIR = server_bin_dir()
pytestmark = pytest.mark.skipif(
    BIN_DIR is None,
    reason="no PostgreSQL server binaries (initdb, pg_ctl) under "
    f"{DEBIAN_SERVERS}/*/bin or on PATH; install the postgresql package "
    "(.ci/run does) to run the PostgreSQL integration test",
)


@dataclass(frozen=True)
class Server:
    port: int
    password: str

    @property
    def environment(self) -> dict[str, str]:
        """The variables deploy/dagster.yaml reads."""
        return {
            "DAGSTER_PG_HOST": "127.0.0.1",
            "DAGSTER_PG_PORT": str(self.port),
            "DAGSTER_PG_USER": ROLE,
            "DAGSTER_PG_PASSWORD": self.password,
            "DAGSTER_PG_DB": DATABASE,
        }

    def connect(self, database: str = DATABASE) -> psycopg2.extensions.connection:
        return psycopg2.connect(
            host="127.0.0.1", port=self.port, user=ROLE, password=self.password, dbname=database
        )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def run_server_tool(
    account: pwd.struct_passwd | None, cwd: Path, tool: str, *args: str | Path, check: bool = True
) -> None:
    assert BIN_DIR is not None
    command = [str(BIN_DIR / tool), *map(str, args)]
    as_user = {"user": account.pw_uid, "group": account.pw_gid, "extra_groups": []}
    done = subprocess.run(
        command,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        **(as_user if account else {}),
    )
    if check and done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{done.stdout}\n{done.stderr}")


@pytest.fixture(scope="module")
def postgres() -> Iterator[Server]:
    account = server_account()
    # Not under pytest's tmp folder: as root that is private to root, and the server's
    # account must reach its data directory and socket folder.
    base = Path(tempfile.mkdtemp(prefix="klima-pg-"))

    def tool(name: str, *args: str | Path, check: bool = True) -> None:
        run_server_tool(account, base, name, *args, check=check)

    try:
        data, sockets, log = base / "data", base / "sockets", base / "server.log"
        sockets.mkdir()
        server = Server(port=free_port(), password=secrets.token_urlsafe(16))
        password_file = base / "password"
        password_file.write_text(server.password + "\n", encoding="utf-8")
        if account:
            for path in [base, sockets, password_file]:
                os.chown(path, account.pw_uid, account.pw_gid)
        # Connections over TCP must give the password, as a deployment's would.
        settings = ["--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8", "--no-locale"]
        tool("initdb", "-D", data, "-U", ROLE, "--pwfile", password_file, *settings)
        # -F: no fsync; a throwaway server need not survive a power cut.
        options = f"-h 127.0.0.1 -p {server.port} -k {sockets} -F"
        try:
            tool("pg_ctl", "-D", data, "-l", log, "-o", options, "-w", "start")
            with contextlib.closing(server.connect("postgres")) as con:
                con.autocommit = True
                with con.cursor() as cur:
                    cur.execute(f"create database {DATABASE}")
            yield server
        finally:
            # Also after a start that timed out; a server that never started just says so.
            tool("pg_ctl", "-D", data, "-m", "immediate", "-w", "stop", check=False)
    finally:
        shutil.rmtree(base, ignore_errors=True)


def materialisable_keys(job_name: str) -> set[dg.AssetKey]:
    from klima_pipeline.definitions import defs

    layer = defs.resolve_job_def(job_name).asset_layer
    graph = layer.asset_graph
    return {key for key in layer.executable_asset_keys if graph.get(key).is_materializable}


def test_klima_run_is_recorded_in_postgres(
    postgres: Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copy(DEPLOY_CONFIG, home / "dagster.yaml")
    env = {
        **os.environ,
        **postgres.environment,
        "DAGSTER_HOME": str(home),
        "KLIMA_RAW_DIR": str(EMBEDDED_RAW),
        "KLIMA_WAREHOUSE": str(tmp_path / "warehouse" / "klima.duckdb"),
        "KLIMA_REPORTS_DIR": str(tmp_path / "reports"),
    }
    out = subprocess.run(
        [sys.executable, "-m", "klima_pipeline.cli", "run", "--lang", "da"],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )
    assert out.returncode == 0, out.stderr
    report_year = Path(out.stdout.splitlines()[0]).parent.name

    # In PostgreSQL, as any tool reading the shared instance sees it.
    with contextlib.closing(postgres.connect()) as con, con.cursor() as cur:
        cur.execute("select run_id, pipeline_name, status, partition from runs")
        [(run_id, job_name, status, partition)] = cur.fetchall()
        cur.execute(
            "select asset_key, partition from event_logs "
            "where run_id = %s and dagster_event_type = 'ASSET_MATERIALIZATION'",
            [run_id],
        )
        materialised = {
            dg.AssetKey.from_db_string(key): partition for key, partition in cur.fetchall()
        }
    assert (job_name, status, partition) == ("status_report_job", "SUCCESS", report_year)
    assert set(materialised) == materialisable_keys(job_name)
    assert materialised[dg.AssetKey(["report", "status_report"])] == report_year
    assert materialised[dg.AssetKey("warehouse")] is None
    # Nothing went to the SQLite files a local instance keeps under DAGSTER_HOME.
    assert not list(home.rglob("*.db"))

    # And through Dagster, as the UI and the daemon on another machine load it.
    for name, value in {**postgres.environment, "DAGSTER_HOME": str(home)}.items():
        monkeypatch.setenv(name, value)
    with dg.DagsterInstance.get() as instance:
        [record] = instance.get_run_records()
        assert record.dagster_run.run_id == run_id
        latest = instance.get_latest_materialization_event(dg.AssetKey("warehouse"))
        assert latest is not None and latest.run_id == run_id
        # One run at a time writes the warehouse when runs come through the queue.
        queue = instance.get_concurrency_config().run_queue_config
        assert queue is not None and queue.max_concurrent_runs == 1
