"""The warehouse is built privately and published by rename: readers are never blocked."""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import pytest

from klima_pipeline.resources import WarehouseResource
from klima_pipeline.resources.warehouse import (
    WRITER_LOCK_NAME,
    WarehouseBusy,
    previous_path,
)


def build_version(warehouse: WarehouseResource, run_id: str, version: int) -> None:
    warehouse.start_build(run_id)
    with warehouse.build(run_id) as con:
        con.execute("create schema mart")
        con.execute("create table mart.version as select ? as version", [version])


def published_version(path: Path) -> int:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute("select version from mart.version").fetchone()[0]


def test_publish_replaces_the_warehouse_and_keeps_the_previous_generation(tmp_path: Path) -> None:
    warehouse = WarehouseResource(path=str(tmp_path / "klima.duckdb"))
    build_version(warehouse, "run-1", 1)
    warehouse.publish("run-1")
    build_version(warehouse, "run-2", 2)
    warehouse.publish("run-2")

    assert published_version(warehouse.published_path) == 2
    assert published_version(previous_path(warehouse.published_path)) == 1
    assert [p.name for p in warehouse.build_dir.iterdir()] == [WRITER_LOCK_NAME]

    warehouse.rollback()
    assert published_version(warehouse.published_path) == 1
    assert published_version(previous_path(warehouse.published_path)) == 2


def test_rollback_without_a_previous_generation_says_so(tmp_path: Path) -> None:
    warehouse = WarehouseResource(path=str(tmp_path / "klima.duckdb"))
    with pytest.raises(FileNotFoundError, match="No previous warehouse"):
        warehouse.rollback()


def test_a_new_build_removes_what_a_crashed_run_left_behind(tmp_path: Path) -> None:
    warehouse = WarehouseResource(path=str(tmp_path / "klima.duckdb"))
    build_version(warehouse, "crashed-run", 1)
    Path(f"{warehouse.working_path('crashed-run')}.wal").write_bytes(b"partial")
    # A copy of the previous generation that a killed publish or rollback did not finish.
    half_copies = [tmp_path / "klima.previous.duckdb.tmp", tmp_path / "klima.duckdb.rollback"]
    for half_copy in half_copies:
        half_copy.write_bytes(b"partial")
    build_version(warehouse, "next-run", 2)
    assert sorted(p.name for p in warehouse.build_dir.iterdir()) == [
        "next-run.duckdb",
        WRITER_LOCK_NAME,
    ]
    assert not any(p.exists() for p in half_copies)
    warehouse.publish("next-run")
    assert sorted(p.name for p in tmp_path.iterdir()) == [".build", "klima.duckdb"]


def test_an_open_reader_neither_blocks_publishing_nor_sees_a_half_built_state(
    tmp_path: Path,
) -> None:
    warehouse = WarehouseResource(path=str(tmp_path / "klima.duckdb"))
    build_version(warehouse, "run-1", 1)
    warehouse.publish("run-1")
    # An analyst's session in another process, holding the published file open read-only.
    reader = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(
                f"""
                import duckdb, sys
                con = duckdb.connect({str(warehouse.published_path)!r}, read_only=True)
                print(con.execute("select version from mart.version").fetchone()[0], flush=True)
                sys.stdin.readline()
                print(con.execute("select version from mart.version").fetchone()[0], flush=True)
                """
            ),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert reader.stdout.readline().strip() == "1"
        build_version(warehouse, "run-2", 2)
        warehouse.publish("run-2")
        reader.stdin.write("\n")
        reader.stdin.flush()
        assert reader.stdout.readline().strip() == "1", "the open session keeps its version"
    finally:
        reader.communicate(timeout=30)
    assert published_version(warehouse.published_path) == 2, "new sessions see the new version"


# The duckdb-cli package (a dev dependency) installs its binary beside this Python.
DUCKDB_CLI = shutil.which("duckdb", path=str(Path(sys.executable).parent)) or shutil.which("duckdb")


@pytest.mark.skipif(DUCKDB_CLI is None, reason="the duckdb-cli 1.5 dev dependency is not installed")
def test_the_published_file_opens_in_the_duckdb_1_5_cli(tmp_path: Path) -> None:
    warehouse = WarehouseResource(path=str(tmp_path / "klima.duckdb"))
    build_version(warehouse, "run-1", 7)
    warehouse.publish("run-1")
    cli = str(DUCKDB_CLI)
    version = subprocess.run([cli, "--version"], capture_output=True, text=True, check=True).stdout
    assert version.startswith("v1."), version
    out = subprocess.run(
        [
            cli,
            "-readonly",
            "-csv",
            str(warehouse.published_path),
            "-c",
            "select version from mart.version",
        ],
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "7"


HOLD_THE_WRITER_LOCK = """
import sys
from klima_pipeline.resources import WarehouseResource
WarehouseResource(path=sys.argv[1]).start_build("other-run")
print("building", flush=True)
sys.stdin.readline()
"""


def test_one_live_writer_at_a_time_and_a_killed_one_leaves_no_lock(tmp_path: Path) -> None:
    warehouse = WarehouseResource(path=str(tmp_path / "klima.duckdb"))
    other = subprocess.Popen(
        [sys.executable, "-c", HOLD_THE_WRITER_LOCK, warehouse.path],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert other.stdout.readline().strip() == "building"
        with pytest.raises(WarehouseBusy, match="one writer at a time"):
            warehouse.start_build("this-run")
        assert warehouse.working_path("other-run").exists(), "the live run's file is kept"
    finally:
        other.kill()  # SIGKILL: no clean-up code runs
        other.wait(timeout=30)
    build_version(warehouse, "this-run", 1)
    warehouse.publish("this-run")
    assert published_version(warehouse.published_path) == 1
