"""The DuckDB warehouse: built privately per run, published by atomic rename.

DuckDB allows one writer or many readers across processes, never both, and even a
read-only reader blocks a writer. Analysts keep the published file open, so a run
never writes it: each run builds `<dir>/.build/<run id>.duckdb` and, once the blocking
checks have passed, renames it over the published path. A reader that has the old file
open keeps reading the old version; new connections see the new one.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import duckdb

from klima_pipeline.config import DEFAULTS, resolve

# Older clients (the DuckDB CLI 1.5, R and DBeaver drivers) cannot read the default
# storage format of DuckDB 2.0; this one they can (interface.md, Warehouse).
STORAGE_VERSION = "v1.0.0"
BUILD_DIR_NAME = ".build"


def previous_path(published: Path) -> Path:
    """Where the generation before the published one is kept, for `klima rollback`."""
    return published.with_name(f"{published.stem}.previous{published.suffix}")


def connect_for_build(path: Path) -> duckdb.DuckDBPyConnection:
    """A read-write connection to a working file, created in the portable storage format."""
    path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()
    con.execute("attach ? as warehouse (storage_version ?)", [str(path), STORAGE_VERSION])
    con.execute("use warehouse")
    return con


def _replace_keeping_previous(new_file: Path, published: Path) -> None:
    """Rename `new_file` over `published`; the file it replaces becomes the previous one.

    The published name always points at a complete file: the old version is first given
    a second name (a hard link, or a copy where links are not possible), then the new
    file is renamed over the published name in one step.
    """
    published.parent.mkdir(parents=True, exist_ok=True)
    if published.exists():
        keep = previous_path(published)
        staged = keep.with_name(keep.name + ".tmp")
        staged.unlink(missing_ok=True)
        try:
            os.link(published, staged)
        except OSError:
            shutil.copy2(published, staged)
        os.replace(staged, keep)
    os.replace(new_file, published)
    _fsync_dir(published.parent)


def _fsync_dir(directory: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


class WarehouseResource(dg.ConfigurableResource):
    """The published DuckDB warehouse (`KLIMA_WAREHOUSE`) and the run's private build of it."""

    path: str = DEFAULTS["KLIMA_WAREHOUSE"]

    @property
    def published_path(self) -> Path:
        return resolve(self.path)

    @property
    def build_dir(self) -> Path:
        return self.published_path.parent / BUILD_DIR_NAME

    def working_path(self, run_id: str) -> Path:
        return self.build_dir / f"{run_id}.duckdb"

    @contextlib.contextmanager
    def build(self, run_id: str) -> Iterator[duckdb.DuckDBPyConnection]:
        """A connection to this run's working file, closed (and so flushed) at the end."""
        con = connect_for_build(self.working_path(run_id))
        try:
            yield con
        finally:
            con.close()

    def start_build(self, run_id: str) -> Path:
        """Begin a fresh working file for the run, removing what crashed runs left behind.

        Runs that write the warehouse are serialised (one writer), so any other file in
        the build folder belongs to a run that no longer exists.
        """
        self.build_dir.mkdir(parents=True, exist_ok=True)
        for leftover in self.build_dir.iterdir():
            leftover.unlink(missing_ok=True)
        path = self.working_path(run_id)
        connect_for_build(path).close()
        return path

    def publish(self, run_id: str) -> Path:
        """Swap the run's finished working file in as the published warehouse."""
        working = self.working_path(run_id)
        with contextlib.closing(connect_for_build(working)) as con:
            con.execute("checkpoint")
        _replace_keeping_previous(working, self.published_path)
        Path(f"{working}.wal").unlink(missing_ok=True)
        return self.published_path

    def rollback(self) -> Path:
        """Make the previous generation the published one again; the current becomes previous."""
        published = self.published_path
        keep = previous_path(published)
        if not keep.exists():
            raise FileNotFoundError(f"No previous warehouse to roll back to: {keep} does not exist")
        staged = published.with_name(published.name + ".rollback")
        staged.unlink(missing_ok=True)
        shutil.copy2(keep, staged)
        _replace_keeping_previous(staged, published)
        return published

    @contextlib.contextmanager
    def read(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A read-only connection to the published warehouse."""
        if not self.published_path.exists():
            raise FileNotFoundError(
                f"No published warehouse at {self.published_path}: run `klima run` first"
            )
        con = duckdb.connect(str(self.published_path), read_only=True)
        try:
            yield con
        finally:
            con.close()
