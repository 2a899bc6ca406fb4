"""The Dagster instance's SQLite storage as `klima run` uses it: the same files, written faster.

Dagster's own SQLite event log creates a database engine, connects, commits with a full
`fsync` and disconnects for every event, twice for asset events (the run's file and the
index). A `klima run` at 98 municipalities records about 210 events and 130 index rows:
with a shared disk that was more time than the run's SQL (docs/performance.md). This
storage keeps one connection per database file and commits with `synchronous=NORMAL`
(the files are in WAL mode already): a commit is durable when the process is killed, and
only a crash of the operating system itself can lose the last commits before the WAL is
checkpointed, never corrupt the file.

The files, their schema and every event are the same, so the Dagster UI, reading the
instance with Dagster's own storage, shows a `klima run` as it shows any run, live.

Two of Dagster's schema checks are also done once per process instead of once per use:
whether a table or column of the index exists (asked again for every asset event; once
there, they stay), and the parsing of Dagster's ~180 migration scripts, which every
check and stamp of a database's schema version repeats (about 35 ms each, five times a
run: the run, schedule and index storages, and the run's own new file).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import dagster as dg
from alembic.config import Config
from alembic.script import ScriptDirectory
from dagster._core.storage.event_log.sqlite.sqlite_event_log import (
    SQLITE_BUSY_TIMEOUT_SECONDS,
    SqliteEventLogStorage,
)
from dagster._core.storage.sqlite_storage import DagsterSqliteStorage, _event_logs_directory
from dagster._serdes import ConfigurableClassData
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.pool import StaticPool

# Database files kept open: the index and the few runs being written at once.
OPEN_FILES = 4


def _synchronous_normal(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


class KeptConnectionEventLogStorage(SqliteEventLogStorage):
    """SqliteEventLogStorage with one kept connection per database file (see above)."""

    def __init__(self, base_dir: str, inst_data: ConfigurableClassData | None = None) -> None:
        self._engines: OrderedDict[str, Engine] = OrderedDict()
        self._engines_lock = threading.Lock()
        # Tables and asset-key columns the index was found to have (Dagster never drops them).
        self._tables_found: set[str] = set()
        self._columns_found: set[str] = set()
        super().__init__(base_dir, inst_data=inst_data)

    def has_table(self, table_name: str) -> bool:
        if table_name not in self._tables_found and super().has_table(table_name):
            self._tables_found.add(table_name)
        return table_name in self._tables_found

    def _has_asset_key_col_on_connection(self, conn: Connection, column_name: str) -> bool:
        if column_name not in self._columns_found and super()._has_asset_key_col_on_connection(
            conn, column_name
        ):
            self._columns_found.add(column_name)
        return column_name in self._columns_found

    def _engine(self, shard: str) -> Engine:
        with self._engines_lock:
            engine = self._engines.get(shard)
            if engine is None:
                # One connection per file, used by one thread at a time (the base class
                # holds its lock around every use).
                engine = create_engine(
                    self.conn_string_for_shard(shard),
                    poolclass=StaticPool,
                    connect_args={
                        "timeout": SQLITE_BUSY_TIMEOUT_SECONDS,
                        "check_same_thread": False,
                    },
                )
                event.listen(engine, "connect", _synchronous_normal)
                self._engines[shard] = engine
                while len(self._engines) > OPEN_FILES:
                    self._engines.popitem(last=False)[1].dispose()
            self._engines.move_to_end(shard)
            return engine

    @contextmanager
    def _connect(self, shard: str) -> Iterator[Connection]:
        with self._db_lock:
            engine = self._engine(shard)
            if shard not in self._initialized_dbs:
                self._initdb(engine)
                self._initialized_dbs.add(shard)
            with engine.connect() as conn, conn.begin():
                yield conn

    def dispose(self) -> None:
        super().dispose()
        with self._engines_lock:
            while self._engines:
                self._engines.popitem()[1].dispose()


class KeptConnectionSqliteStorage(DagsterSqliteStorage):
    """Dagster's default SQLite storage with the event log above; runs and schedules as is."""

    def __init__(self, base_dir: str, inst_data: ConfigurableClassData | None = None) -> None:
        super().__init__(base_dir, inst_data=inst_data)
        self._event_log_storage = KeptConnectionEventLogStorage(_event_logs_directory(base_dir))

    @classmethod
    def from_config_value(  # the base class names itself here
        cls, inst_data: ConfigurableClassData, config_value: Any
    ) -> KeptConnectionSqliteStorage:
        return cls.from_local(inst_data=inst_data, **config_value)


_DEFAULT_STORAGE = ("dagster._core.storage.sqlite_storage", "DagsterSqliteStorage")
_scripts: dict[tuple[bytes, str | None], ScriptDirectory] = {}
_parse_scripts = ScriptDirectory.from_config.__func__


def _parsed_once(cls: type[ScriptDirectory], config: Config) -> ScriptDirectory:
    """Alembic's `ScriptDirectory.from_config`, kept per migration folder and config text
    (Dagster's run, event and schedule storages give the same): the migration scripts of
    an installed Dagster do not change while a process runs."""
    ini = Path(config.config_file_name) if config.config_file_name else None
    text = ini.read_bytes() if ini is not None and ini.is_file() else b""
    key = (text, config.get_main_option("script_location"))
    if key not in _scripts:
        _scripts[key] = _parse_scripts(cls, config)
    return _scripts[key]


def faster_instance(home: str) -> dg.DagsterInstance:
    """The instance in `home` (its dagster.yaml), with the storage above where it is
    Dagster's default SQLite storage; any other configured storage is used as it is."""
    from dagster._core.instance.ref import InstanceRef

    ScriptDirectory.from_config = classmethod(_parsed_once)  # type: ignore[method-assign]
    ref = InstanceRef.from_dir(home)
    data = ref.storage_data
    if data is not None and (data.module_name, data.class_name) == _DEFAULT_STORAGE:
        ref = ref._replace(
            storage_data=ConfigurableClassData(
                __name__, KeptConnectionSqliteStorage.__name__, data.config_yaml
            )
        )
    return dg.DagsterInstance.from_ref(ref)
