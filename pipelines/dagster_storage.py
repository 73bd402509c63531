"""Dagster's SQLite event log, with each database's engine kept open instead of made per write.

Why: the stock ``SqliteEventLogStorage`` creates a SQLAlchemy engine, connects, commits with a
full fsync and disposes the engine for every write, and an event takes two or three writes (the
run's database, the cross-run index, the asset-check table). A cold build stores about 3,000
events, ~750 of them asset-check evaluations, so that churn cost more than dbt's own SQL: on this
machine a run with 300 checks took 2.8 × as long with the stock storage as with this one. The
tables, files and layout are Dagster's own (``<DAGSTER_HOME>/history/runs/*.db``), so the
webserver, the daemon and ``dagster`` commands read the same history, and a data directory made
before this storage keeps its runs.

WAL journal with ``synchronous=NORMAL`` (SQLite's recommendation for WAL): a commit survives the
process dying; only a power cut can lose the last commits, which a rebuild redoes.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import yaml
from dagster import DagsterInstance
from dagster._core.instance.ref import InstanceRef
from dagster._core.storage.event_log.sqlite.sqlite_event_log import SqliteEventLogStorage
from dagster._core.storage.sql import create_engine
from dagster._core.storage.sqlite_storage import DagsterSqliteStorage
from dagster._serdes import ConfigurableClassData
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine

BUSY_TIMEOUT_S = 30  # a webserver reading while a build writes waits instead of failing
OPEN_DATABASES = 16  # the index and the runs being written; older runs' engines are closed


class TdpfInstance(DagsterInstance):
    """Dagster's instance for a data directory, with the pooled event log as its default storage."""

    @classmethod
    def config_schema(cls) -> dict[str, Any]:
        return {}

    @staticmethod
    def config_defaults(base_dir: str) -> Mapping[str, ConfigurableClassData | None]:
        defaults = dict(InstanceRef.config_defaults(base_dir))
        defaults["storage"] = ConfigurableClassData(
            __name__, PooledSqliteStorage.__name__, yaml.dump({"base_dir": base_dir}))
        defaults["event_log_storage"] = ConfigurableClassData(
            __name__, PooledSqliteEventLogStorage.__name__, yaml.dump({"base_dir": _event_log_dir(base_dir)}))
        return defaults


class PooledSqliteStorage(DagsterSqliteStorage):
    """Dagster's SQLite storage (runs, events, schedules) with the pooled event log."""

    def __init__(self, base_dir: str, inst_data: ConfigurableClassData | None = None) -> None:
        super().__init__(base_dir, inst_data)
        self._event_log_storage = PooledSqliteEventLogStorage(_event_log_dir(base_dir))

    @classmethod
    def from_config_value(cls, inst_data: ConfigurableClassData | None,  # type: ignore[override]
                          config_value: Mapping[str, Any]) -> "PooledSqliteStorage":
        return cls.from_local(inst_data=inst_data, base_dir=str(config_value["base_dir"]))

    @property
    def event_storage_data(self) -> ConfigurableClassData | None:
        return ConfigurableClassData(__name__, PooledSqliteEventLogStorage.__name__,
                                     yaml.dump({"base_dir": _event_log_dir(self.base_dir)}))


class PooledSqliteEventLogStorage(SqliteEventLogStorage):
    """``SqliteEventLogStorage`` keeping one pooled engine per database file (see the module doc)."""

    def __init__(self, base_dir: str, inst_data: ConfigurableClassData | None = None) -> None:
        self._engines: OrderedDict[str, Engine] = OrderedDict()
        self._engines_lock = threading.Lock()
        super().__init__(base_dir, inst_data)

    @classmethod
    def from_config_value(cls, inst_data: ConfigurableClassData | None,  # type: ignore[override]
                          config_value: Mapping[str, Any]) -> "PooledSqliteEventLogStorage":
        return cls(inst_data=inst_data, base_dir=str(config_value["base_dir"]))

    def _engine(self, shard: str) -> Engine:
        with self._engines_lock:
            engine = self._engines.get(shard)
            if engine is not None:
                self._engines.move_to_end(shard)
                return engine
            engine = create_engine(self.conn_string_for_shard(shard),
                                   connect_args={"timeout": BUSY_TIMEOUT_S, "check_same_thread": False})
            event.listen(engine, "connect", _wal_normal_sync)
            self._engines[shard] = engine
            while len(self._engines) > OPEN_DATABASES:
                self._engines.popitem(last=False)[1].dispose()
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
        with self._engines_lock:
            for engine in self._engines.values():
                engine.dispose()
            self._engines.clear()
        super().dispose()


def _event_log_dir(base_dir: str) -> str:
    return os.path.join(base_dir, "history", "runs", "")


def _wal_normal_sync(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.execute("PRAGMA synchronous=NORMAL")
