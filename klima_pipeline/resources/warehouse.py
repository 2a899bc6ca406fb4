"""The DuckDB warehouse: built privately per run, published by atomic rename.

DuckDB allows one writer or many readers across processes, never both, and even a
read-only reader blocks a writer. Analysts keep the published file open, so a run
never writes it: each run builds `<dir>/.build/<run id>.duckdb` and, once the blocking
checks have passed, renames it over the published path. A reader that has the old file
open keeps reading the old version; new connections see the new one.

Crash safety: a run killed at any point (`kill -9`, power loss) leaves the published
name pointing at a complete file. The new file is flushed to disk before it is renamed,
the kept previous generation gets its name by rename too, after the new version is in
place, and the folder entry is flushed after each rename. Whatever a killed run leaves
behind (its working file and WAL, a half-made copy of the previous generation) is
removed when the next run starts.

`KLIMA_PAUSE_AT=publish-linked` makes a run stop in the middle of publishing until it is
killed (config.pause_point): the crash tests (tests/test_publish_safety.py) kill a run
exactly there.
"""

from __future__ import annotations

import atexit
import contextlib
import fcntl
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import duckdb

from klima_pipeline.config import DEFAULTS, pause_point, resolve
from klima_pipeline.errors import KlimaError

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

    The published name always points at a complete file, and nothing is renamed before
    the new file is on disk: the old version first gets a second, temporary name (a hard
    link, or a flushed copy where links are not possible); then the new file is renamed
    over the published name in one step, and only then does the temporary name replace
    the previous generation. A run killed before the first rename leaves both the
    published and the previous generation as they were.
    """
    published.parent.mkdir(parents=True, exist_ok=True)
    _fsync_file(new_file)
    staged = _staged_previous(published)
    staged.unlink(missing_ok=True)
    if published.exists():
        try:
            os.link(published, staged)
        except OSError:
            shutil.copy2(published, staged)
            _fsync_file(staged)
        pause_point("publish-linked")
    os.replace(new_file, published)
    _fsync_dir(published.parent)
    if staged.exists():
        os.replace(staged, previous_path(published))
        _fsync_dir(published.parent)


def _staged_previous(published: Path) -> Path:
    keep = previous_path(published)
    return keep.with_name(keep.name + ".tmp")


def _staged_rollback(published: Path) -> Path:
    return published.with_name(published.name + ".rollback")


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(directory: Path) -> None:
    # Not every platform can open a folder to flush it; there the rename is as durable
    # as the file system makes it.
    with contextlib.suppress(OSError):
        _fsync_file(directory)


# The open connection of each working file, kept from one step of a run to the next: a
# connection closed after each step checkpoints the whole file to disk and the next one
# reads it back (docs/performance.md). Closed when the run publishes, when a new build
# starts, and at the latest when the process ends.
_run_connections: dict[Path, duckdb.DuckDBPyConnection] = {}


def close_run_connections(folder: Path | None = None) -> None:
    """Close the kept connections to working files (in `folder`, or all), which flushes them."""
    for path in [p for p in _run_connections if folder is None or p.parent == folder]:
        _run_connections.pop(path).close()


atexit.register(close_run_connections)

WRITER_LOCK_NAME = "writer.lock"


class WarehouseBusy(KlimaError):
    """Another live process is building this warehouse."""


@dataclass
class _HeldLock:
    fd: int
    pinned: bool  # held for a whole `klima run`, not released when the run publishes


# The writer locks this process holds, by lock file. An flock belongs to the process: the
# kernel drops it when the process dies, so a run killed with SIGKILL never leaves the
# warehouse locked, and a live writer is never mistaken for a dead one.
_held_locks: dict[Path, _HeldLock] = {}


def acquire_writer_lock(build_dir: Path, *, pinned: bool = False) -> None:
    """Take the warehouse's writer lock for this process (again taking it is a no-op)."""
    path = build_dir / WRITER_LOCK_NAME
    held = _held_locks.get(path)
    if held is not None:
        held.pinned = held.pinned or pinned
        return
    build_dir.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        raise WarehouseBusy(
            f"Another process is building the warehouse in {build_dir}; the warehouse has "
            "one writer at a time. Try again when that run has finished."
        ) from None
    _held_locks[path] = _HeldLock(fd, pinned)


def release_writer_lock(build_dir: Path, *, unpin: bool = False) -> None:
    path = build_dir / WRITER_LOCK_NAME
    held = _held_locks.get(path)
    if held is None or (held.pinned and not unpin):
        return
    del _held_locks[path]
    os.close(held.fd)  # closing the only descriptor releases the flock


@contextlib.contextmanager
def writer_lock(build_dir: Path) -> Iterator[None]:
    """Hold the writer lock for a whole run in this process (`klima run`)."""
    acquire_writer_lock(build_dir, pinned=True)
    try:
        yield
    finally:
        release_writer_lock(build_dir, unpin=True)


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

    def run_connection(self, run_id: str) -> duckdb.DuckDBPyConnection:
        """The run's connection to its working file, opened once and kept for the run's
        later steps; `publish` (or the next `start_build`) closes it."""
        path = self.working_path(run_id)
        con = _run_connections.get(path)
        if con is None:
            con = _run_connections[path] = connect_for_build(path)
        return con

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

        The run takes the writer lock first (and fails if a live process holds it), so any
        other file in the build folder, and a half-made copy of the previous generation or
        of a rollback, belongs to a run that no longer exists.
        """
        acquire_writer_lock(self.build_dir)
        close_run_connections(self.build_dir)
        for leftover in self.build_dir.iterdir():
            if leftover.name != WRITER_LOCK_NAME:
                leftover.unlink(missing_ok=True)
        _staged_previous(self.published_path).unlink(missing_ok=True)
        _staged_rollback(self.published_path).unlink(missing_ok=True)
        path = self.working_path(run_id)
        connect_for_build(path).close()
        return path

    def publish(self, run_id: str) -> Path:
        """Swap the run's finished working file in as the published warehouse."""
        working = self.working_path(run_id)
        con = _run_connections.pop(working, None) or connect_for_build(working)
        with contextlib.closing(con):
            con.execute("checkpoint")
        _replace_keeping_previous(working, self.published_path)
        Path(f"{working}.wal").unlink(missing_ok=True)
        release_writer_lock(self.build_dir)
        return self.published_path

    def rollback(self) -> Path:
        """Make the previous generation the published one again; the current becomes previous."""
        published = self.published_path
        keep = previous_path(published)
        if not keep.exists():
            raise FileNotFoundError(f"No previous warehouse to roll back to: {keep} does not exist")
        staged = _staged_rollback(published)
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
