"""Benchmark: the catalogue API against Datasette on the same 1 M-row point dataset, in one run.

What it answers: how our records API (filtered pages, deep keyset pages, facet counts), the
catalogue list and the CSV export compare with Datasette 0.65.5 serving the same rows from
SQLite, measured the same way on the same machine (``/work/shared/recipes/api-bench.md``).

* The release is published through the project's own code path, the functions ``tdpf build``'s
  publish step runs (``pipelines/defs/publish.py``: ``export_files``, ``dataset_metadata``, then
  ``ReleaseStore.publish`` and ``record_attempt``), from deterministic synthetic rows made in
  DuckDB; ``--catalogue N`` publishes N-1 small sets beside it, so the list is the size of a real
  build's (19 datasets). Datasette gets the same rows, read back from the release's Parquet file,
  in a SQLite file (``id INTEGER PRIMARY KEY``, indexes on the filtered and faceted columns).
* Load: Debian's ``wrk`` (closed loop, ``--latency`` percentiles from a Lua ``done`` hook), a Lua
  script rotating through a file of prepared paths and counting any response that is not a 200
  or lacks the expected body; a warm-up before each measured run. Every path is checked for the
  right answer first, against counts computed in DuckDB, so no error page is ever timed.
* Export: one full CSV download per server (curl, on the client's core) while the server's
  process-tree RSS is sampled every 10 ms (psutil).

Installs what it needs, idempotently: ``wrk`` (apt-get) and Datasette into
``bench/.venvs/datasette`` (psutil is a dev dependency of the project). Prints a table, then one JSON line.

    .venv/bin/python bench/api_bench.py [--rows 1000000] [--duration 10] [--home DIR]

Targets (issue, item 6; reported, not asserted): filtered and deep pages ≥ 4 × Datasette's req/s at
8 clients with p99 < 25 ms; facets ≥ 20 ×; catalogue list p99 < 25 ms at 8 clients; CSV export
≥ 100 MB/s with server RSS growth < 50 MB.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import AbstractContextManager, ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
BENCH = REPO / "bench"
sys.path.insert(0, str(REPO))

DATASETTE_VERSION = "0.65.5"
DATASETTE_VENV = BENCH / ".venvs" / "datasette"
DATASET_ID = "bench_points"
EXTRA_ID = "bench_points_extra_{:02d}"
EXTRA_ROWS = 1_000
TABLE = "points"
# Column names as our standard sets spell them; the text id is "施設ID", not "ID", because SQLite's
# names are case-insensitive and Datasette's table needs its own ``id INTEGER PRIMARY KEY``.
ID, CODE, NAME, CATEGORY, WARD, LAT, LON, CAPACITY, OPENED = (
    "施設ID", "施設コード", "名称", "種別", "区名", "緯度", "経度", "収容人数", "開設日")
CATEGORIES = ("避難所", "公園", "図書館", "公衆トイレ", "AED設置場所", "医療機関", "文化施設", "観光施設",
              "子育て施設", "介護サービス事業所", "公共施設", "消防水利")
WARDS = ("千代田区", "中央区", "港区", "新宿区", "文京区", "台東区", "墨田区", "江東区", "品川区", "目黒区", "大田区",
         "世田谷区", "渋谷区", "中野区", "杉並区", "豊島区", "北区", "荒川区", "板橋区", "練馬区", "足立区", "葛飾区",
         "江戸川区")
PAGE_SIZE = 100
DEEP_PAGES = 50  # the deep page is the one reached after this many pages
WORKLOADS = ("list", "page", "deep", "facet")
CONNECTIONS = (1, 8)
RSS_INTERVAL_S = 0.01

WRK_LUA = r"""
-- Rotate through a file of paths (one per line); count answers that are not 200 or lack a needle.
-- args: <paths file> [needle]. Globals, so the main state can read them from each thread.
paths = {}
bad = 0
counter = 0
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  for line in io.lines(args[1]) do
    if #line > 0 then paths[#paths + 1] = line end
  end
  needle = args[2]
  if needle == "" then needle = nil end
end

function request()
  counter = counter % #paths + 1
  return wrk.format("GET", paths[counter])
end

function response(status, headers, body)
  if status ~= 200 or (needle ~= nil and not string.find(body, needle, 1, true)) then
    bad = bad + 1
  end
end

function done(summary, latency, requests)
  local wrong = 0
  for _, thread in ipairs(threads) do wrong = wrong + thread:get("bad") end
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests":%d,"duration_us":%d,"bytes":%d,"bad":%d,"errors":%d,'
    .. '"p50_us":%d,"p90_us":%d,"p99_us":%d,"max_us":%d,"mean_us":%.1f}\n',
    summary.requests, summary.duration, summary.bytes, wrong,
    e.connect + e.read + e.write + e.status + e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean))
end
"""


class BenchError(RuntimeError):
    """A set-up step failed or a server gave a wrong answer: the benchmark would measure nonsense."""


# ----------------------------------------------------------------------------- tools


def _as_root(command: list[str]) -> list[str]:
    """``command`` as root: directly when we are root (this machine), else through sudo."""
    return command if os.geteuid() == 0 else ["sudo", *command]


def ensure_apt(binary: str, package: str) -> str:
    """The path of ``binary``, installed from Debian's ``package`` first when missing."""
    found = shutil.which(binary)
    if found:
        return found
    print(f"installing {package} (apt-get)", flush=True)
    install = _as_root(["apt-get", "install", "-y", package])
    if subprocess.run(install, capture_output=True).returncode != 0:
        subprocess.run(_as_root(["apt-get", "update"]), capture_output=True, check=True)
        subprocess.run(install, capture_output=True, check=True)
    found = shutil.which(binary)
    if not found:
        raise BenchError(f"{package} installed but {binary} is not on PATH")
    return found


def ensure_psutil() -> None:
    """psutil (a dev dependency of the project) in this interpreter's environment."""
    try:
        import psutil  # noqa: F401
    except ImportError:
        raise SystemExit("psutil is missing: run `make` (it installs the project's dev dependencies into .venv)") from None


def ensure_datasette() -> Path:
    """Datasette, pinned, in a venv of its own (``bench/.venvs/datasette``), so it shares no package with ours."""
    exe = DATASETTE_VENV / "bin" / "datasette"
    if exe.exists():
        version = subprocess.run([str(exe), "--version"], capture_output=True, text=True).stdout
        if DATASETTE_VERSION in version:
            return exe
    print(f"installing datasette {DATASETTE_VERSION} into {DATASETTE_VENV.relative_to(REPO)}", flush=True)
    DATASETTE_VENV.parent.mkdir(parents=True, exist_ok=True)
    base = getattr(sys, "_base_executable", sys.executable)
    _quiet([base, "-m", "venv", str(DATASETTE_VENV)])
    _quiet([str(DATASETTE_VENV / "bin" / "python"), "-m", "pip", "install", "--disable-pip-version-check",
            "-q", f"datasette=={DATASETTE_VERSION}"])
    return exe


def _quiet(command: list[str]) -> None:
    """Run an install step; its output only when it fails (pip warns about every index it skips)."""
    proc = subprocess.run(command, capture_output=True, text=True)
    if proc.returncode != 0:
        raise BenchError(f"{' '.join(command)} failed:\n{proc.stdout[-2000:]}{proc.stderr[-2000:]}")


# ----------------------------------------------------------------------------- data


def synthetic_rows_sql(rows: int, seed: int) -> str:
    """A query of ``rows`` deterministic point rows: no RNG, only integer hashing of the row number.

    Categories and wards are skewed (a power of a uniform hash), so facet counts differ and their
    order is stable; ~10 % of 施設コード have a leading zero, which must survive as text.
    """
    digits = max(7, len(str(rows)))
    categories = "[" + ", ".join(f"'{c}'" for c in CATEGORIES) + "]"
    wards = "[" + ", ".join(f"'{w}'" for w in WARDS) + "]"
    return f"""
        WITH n AS (SELECT range AS i,
                          ((range * 2654435761 + {seed}) % 4294967296) / 4294967296.0 AS h1,
                          ((range * 40503 + 12345 + {seed}) % 65536) / 65536.0 AS h2,
                          ((range * 69069 + 1 + {seed}) % 1048576) / 1048576.0 AS h3
                   FROM range({rows}))
        SELECT 'PT' || lpad(CAST(i + 1 AS VARCHAR), {digits}, '0') AS "{ID}",
               lpad(CAST((i * 7919 + {seed}) % 1000000 AS VARCHAR), 6, '0') AS "{CODE}",
               {wards}[1 + CAST(floor(23 * pow(h1, 1.4)) AS INTEGER)] || 'の'
                 || {categories}[1 + CAST(floor(12 * pow(h2, 1.7)) AS INTEGER)] || ' ' || CAST(i + 1 AS VARCHAR)
                 AS "{NAME}",
               {categories}[1 + CAST(floor(12 * pow(h2, 1.7)) AS INTEGER)] AS "{CATEGORY}",
               {wards}[1 + CAST(floor(23 * pow(h1, 1.4)) AS INTEGER)] AS "{WARD}",
               round(35.53 + 0.29 * h3, 6) AS "{LAT}",
               round(139.56 + 0.36 * h1, 6) AS "{LON}",
               CAST(10 + (i * 37) % 990 AS INTEGER) AS "{CAPACITY}",
               CAST(DATE '1990-01-01' + CAST((i * 13) % 12000 AS INTEGER) AS DATE) AS "{OPENED}"
        FROM n"""


def dbt_node(dataset_id: str, title: str) -> dict[str, Any]:
    """What the publish step reads from a dbt model's manifest node: meta.tdpf and column docs."""
    docs = {ID: "施設の識別子", CODE: "施設コード（6桁、先頭の0を含む文字列）", NAME: "名称", CATEGORY: "施設の種別",
            WARD: "所在する区", LAT: "緯度（世界測地系）", LON: "経度（世界測地系）", CAPACITY: "収容人数", OPENED: "開設日"}
    return {
        "name": dataset_id,
        "description": "合成データ（ベンチマーク用）: 東京23区の施設ポイント。",
        "columns": {name: {"description": text} for name, text in docs.items()},
        "meta": {
            "publisher": {"name": "ベンチマーク", "name_en": "Benchmark"},
            "source": {"kind": "synthetic", "generator": "bench/api_bench.py"},
            "area": [{"code": "130001", "name": "東京都"}],
            "tdpf": {"dataset_id": dataset_id, "title": title, "title_en": "Synthetic facility points (benchmark)",
                     "description_en": "Synthetic points in Tokyo's 23 wards, for benchmarking.",
                     "keywords": ["ベンチマーク", "施設"], "order_by": [ID],
                     "geometry": {"latitude": LAT, "longitude": LON},
                     "temporal": {"column": OPENED, "unit": "day"}},
        },
    }


def publish_release(home: Path, dataset_id: str, rows: int, seed: int) -> None:
    """Publish one release exactly as ``tdpf build``'s publish asset does, minus Dagster and the gate.

    Same functions, same order: ``export_files`` (sorted Parquet, CSV with BOM, GeoJSON),
    ``dataset_metadata``, ``ReleaseStore.publish`` with the quality attachment, ``record_attempt``.
    No quality gate runs on synthetic data; the attachment says so (no checks counted).
    """
    import duckdb

    from catalog_api.release_contract import AttemptRecord, QualitySummary
    from catalog_api.release_store import Attachments, ReleaseStore
    from pipelines.defs.publish import dataset_metadata, export_files
    from pipelines.paths import DataHome
    from pipelines.quality.gate import REPORT_FILE

    data = DataHome(home)
    scratch = Path(tempfile.mkdtemp(prefix=f"publish-{dataset_id}-", dir=data.tmp))
    try:
        report = scratch / REPORT_FILE
        report.write_text("<!doctype html><title>bench</title><p>Synthetic benchmark data: no checks run.</p>",
                          encoding="utf-8")
        quality = QualitySummary(status="passed", checked_at=datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
                                 checks_passed=0, checks_failed=0, checks_warned=0, engines=(), report=REPORT_FILE)
        node = dbt_node(dataset_id, "施設ポイント（合成・ベンチマーク用）")
        store = ReleaseStore(data.releases)
        with duckdb.connect(str(scratch / "rows.duckdb"), config=data.duckdb_settings()) as conn:
            conn.execute(f"CREATE TABLE {TABLE} AS {synthetic_rows_sql(rows, seed)}")
            conn.execute("SET threads = 1")  # as the publish asset does (bounded sort memory)
            tdpf = node["meta"]["tdpf"]
            files = export_files(conn, TABLE, tdpf["order_by"], scratch / "files", tdpf["geometry"])
            metadata = dataset_metadata(node, conn, TABLE, quality)
        result = store.publish(dataset_id, files, metadata.content_json(),
                               Attachments(metadata=metadata.attachment_json(), files={REPORT_FILE: report}))
        record = AttemptRecord(published=True, new_release=result.created, release_version=result.release.version,
                               run_id="bench-api", quality=quality)
        store.record_attempt(dataset_id, record.to_json(), {REPORT_FILE: report})
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def release_parquet(home: Path, dataset_id: str) -> tuple[Path, int] | None:
    """The current release's data.parquet and row count, or None when unpublished."""
    from catalog_api.release_store import ReleaseStore

    release = ReleaseStore(home / "releases").current(dataset_id)
    if release is None:
        return None
    return release.path / "data.parquet", int(release.metadata.get("row_count") or 0)


def ensure_releases(home: Path, rows: int, catalogue: int) -> Path:
    """The main release (``rows`` rows) and ``catalogue - 1`` small ones; reused when already there."""
    (home / "tmp").mkdir(parents=True, exist_ok=True)
    wanted = [(DATASET_ID, rows)] + [(EXTRA_ID.format(n), EXTRA_ROWS) for n in range(1, catalogue)]
    for seed, (dataset_id, count) in enumerate(wanted):
        found = release_parquet(home, dataset_id)
        if found is not None and found[1] == count:
            continue
        started = time.perf_counter()
        publish_release(home, dataset_id, count, seed)
        if dataset_id == DATASET_ID or seed == len(wanted) - 1:
            print(f"published {dataset_id} ({count:,} rows) in {time.perf_counter() - started:.1f} s", flush=True)
    return home / "releases"


def write_sqlite(home: Path, db: Path, catalogue: int) -> None:
    """The same rows for Datasette, read back from each release's Parquet file in release order.

    ``id`` is the row's position + 1 (so Datasette's pk order is our release order), indexes on the
    filtered and faceted columns, then VACUUM: the set-up the recipe calls fair.
    """
    import duckdb

    tables = [(TABLE, DATASET_ID)] + [(f"{TABLE}_extra_{n:02d}", EXTRA_ID.format(n)) for n in range(1, catalogue)]
    tmp = db.with_suffix(".tmp")
    tmp.unlink(missing_ok=True)
    sqlite = sqlite3.connect(tmp)
    sqlite.execute("PRAGMA journal_mode = OFF")
    sqlite.execute("PRAGMA synchronous = OFF")
    names = [ID, CODE, NAME, CATEGORY, WARD, LAT, LON, CAPACITY, OPENED]
    types = ["TEXT", "TEXT", "TEXT", "TEXT", "TEXT", "REAL", "REAL", "INTEGER", "TEXT"]
    columns = ", ".join(f'"{n}" {t}' for n, t in zip(names, types))
    with duckdb.connect() as conn:
        for table, dataset_id in tables:
            parquet, _ = release_parquet(home, dataset_id) or (None, 0)
            if parquet is None:
                raise BenchError(f"no release of {dataset_id} to copy")
            sqlite.execute(f"CREATE TABLE {table} (id INTEGER PRIMARY KEY, {columns})")
            selected = ", ".join(f'"{n}"' for n in names[:-1]) + f", strftime(\"{OPENED}\", '%Y-%m-%d')"
            result = conn.execute(f"SELECT file_row_number + 1, {selected} FROM read_parquet(?, file_row_number = true) "
                                  "ORDER BY file_row_number", [str(parquet)])
            insert = f"INSERT INTO {table} VALUES ({', '.join('?' * (len(names) + 1))})"
            while batch := result.fetchmany(50_000):
                sqlite.executemany(insert, batch)
            for column in (CATEGORY, WARD):
                sqlite.execute(f'CREATE INDEX "{table}_{column}" ON {table} ("{column}")')
            sqlite.commit()
    sqlite.execute("VACUUM")
    sqlite.close()
    os.replace(tmp, db)


def sqlite_ready(db: Path, rows: int, catalogue: int) -> bool:
    """Whether ``db`` already holds this run's tables (``--home`` reuse)."""
    if not db.exists():
        return False
    with sqlite3.connect(db) as conn:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        return len(tables) == catalogue and conn.execute(f"SELECT count(*) FROM {TABLE}").fetchone()[0] == rows


@dataclass(frozen=True)
class Truth:
    """What the answers must be, computed in DuckDB from the release's Parquet file."""

    rows: int
    category_counts: dict[str, int]
    ward_counts: dict[str, int]
    first_ids: dict[str, list[str]]  # per category: its first page of 施設ID
    deep_pages: int  # pages to follow before the deep page (DEEP_PAGES, fewer on a small --rows)
    deep_first_id: dict[str, str]  # per category deep enough: the first 施設ID of the page after deep_pages


def truth_of(parquet: Path) -> Truth:
    """The expected counts and ids, from the file the API serves (not from the generator)."""
    import duckdb

    with duckdb.connect() as conn:
        conn.execute(f"CREATE TABLE t AS SELECT file_row_number AS r, \"{ID}\" AS id, \"{CATEGORY}\" AS c, "
                     f"\"{WARD}\" AS w FROM read_parquet(?, file_row_number = true)", [str(parquet)])
        rows = conn.execute("SELECT count(*) FROM t").fetchone()[0]
        categories = dict(conn.execute("SELECT c, count(*) FROM t GROUP BY 1").fetchall())
        wards = dict(conn.execute("SELECT w, count(*) FROM t GROUP BY 1").fetchall())
        # a full page must follow the deep page's start, in the largest category at least
        deep_pages = max(1, min(DEEP_PAGES, max(categories.values()) // PAGE_SIZE - 1))
        ranked = conn.execute("SELECT c, id, n FROM (SELECT c, id, row_number() OVER (PARTITION BY c ORDER BY r) - 1 AS n "
                              "FROM t) WHERE n < ? OR n = ?", [PAGE_SIZE, PAGE_SIZE * deep_pages]).fetchall()
    first: dict[str, list[tuple[int, str]]] = {}
    deep: dict[str, str] = {}
    for category, row_id, n in ranked:
        if n == PAGE_SIZE * deep_pages:
            if categories[category] >= PAGE_SIZE * (deep_pages + 1):
                deep[category] = row_id
        else:
            first.setdefault(category, []).append((n, row_id))
    return Truth(rows, categories, wards, {c: [i for _, i in sorted(v)] for c, v in first.items()}, deep_pages, deep)


# ----------------------------------------------------------------------------- servers


def free_port() -> int:
    """A TCP port that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    """A server started in a process group of its own, so every worker it forks is stopped with it."""

    name: str
    base_url: str
    process: subprocess.Popen[bytes]
    log: Path
    cpus: str

    @property
    def pid(self) -> int:
        return self.process.pid


def _stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM to the whole group, SIGKILL after 10 s: no worker may outlive the benchmark."""
    if process.poll() is None:
        try:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=10)
        except ProcessLookupError:
            pass
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
    try:  # the leader is gone; stragglers of its group are not
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


@contextmanager
def serve(name: str, command: list[str], env: dict[str, str], cpus: str, ready_path: str, logs: Path,
          timeout: float = 120.0) -> Iterator[Server]:
    """Start ``command`` pinned to ``cpus`` (taskset), wait for ``ready_path`` to answer 200, stop it after."""
    import httpx

    port = free_port()
    log = logs / f"{name}.log"
    argv = ["taskset", "-c", cpus, *[part.replace("{port}", str(port)) for part in command]]
    with log.open("wb") as out:
        process = subprocess.Popen(argv, cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    server = Server(name, f"http://127.0.0.1:{port}", process, log, cpus)
    try:
        deadline = time.monotonic() + timeout
        while True:
            if process.poll() is not None:
                raise BenchError(f"{name} exited ({process.returncode}):\n{log.read_text(errors='replace')[-3000:]}")
            try:
                if httpx.get(server.base_url + ready_path, timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise BenchError(f"{name} did not answer {ready_path} in {timeout:.0f} s")
            time.sleep(0.2)
        yield server
    finally:
        _stop(process)


def our_server(home: Path, workers: int, cpus: str, logs: Path) -> AbstractContextManager[Server]:
    """``tdpf serve --workers N`` as a deployment runs it (each worker its own socket), access log off."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TDPF_")}
    env.update(TDPF_HOME=str(home), PYTHONPATH=str(REPO), PYTHONUNBUFFERED="1")
    command = [str(Path(sys.executable).with_name("tdpf")), "serve", "--host", "127.0.0.1", "--port", "{port}",
               "--workers", str(workers), "--no-access-log"]
    return serve("ours", command, env, cpus, "/healthz", logs)


#: Datasette's limits that would otherwise cut its work short (a timed-out facet answers fast and
#: wrong): raised so it does the same work we do. suggest_facets off: see the recipe.
DATASETTE_SETTINGS = {"suggest_facets": "off", "max_returned_rows": "1000", "sql_time_limit_ms": "10000",
                      "facet_time_limit_ms": "10000", "max_csv_mb": "0"}


def datasette_server(exe: Path, db: Path, cpus: str, logs: Path) -> AbstractContextManager[Server]:
    """``datasette serve -i points.db`` (immutable) with :data:`DATASETTE_SETTINGS`."""
    settings = [part for key, value in DATASETTE_SETTINGS.items() for part in ("--setting", key, value)]
    command = [str(exe), "serve", "-i", str(db), "--host", "127.0.0.1", "--port", "{port}", *settings]
    return serve("datasette", command, dict(os.environ), cpus, "/-/versions.json", logs)


def tree_rss_mb(pid: int) -> float:
    """Resident memory of a process and all its descendants (uvicorn's master and workers)."""
    import psutil

    try:
        root = psutil.Process(pid)
        processes = [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0.0
    total = 0
    for process in processes:
        try:
            total += process.memory_info().rss
        except psutil.NoSuchProcess:
            pass
    return total / 2**20


def tree_cpu_seconds(pid: int) -> dict[int, float]:
    """CPU seconds (user + system) so far of each process of a server's tree, by pid.

    Why per process: the kernel spreads connections over the workers' sockets by a hash of their
    addresses, so a few keep-alive connections can land unevenly; the split shows how unevenly.
    """
    import psutil

    seconds: dict[int, float] = {}
    try:
        root = psutil.Process(pid)
        processes = [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return seconds
    for process in processes:
        try:
            times = process.cpu_times()
            seconds[process.pid] = times.user + times.system
        except psutil.NoSuchProcess:
            pass
    return seconds


# ----------------------------------------------------------------------------- workloads


@dataclass
class Workload:
    """The prepared paths of one workload on one server, and the text each right answer contains."""

    paths: list[str]
    needle: str = ""


@dataclass
class Plan:
    """Every workload of one server, checked, plus its CSV export path."""

    server: Server
    workloads: dict[str, Workload] = field(default_factory=dict)
    csv_path: str = ""
    list_path_note: str = ""


def _get_json(base: str, path: str) -> dict[str, Any]:
    import httpx

    response = httpx.get(base + path, timeout=60)
    if response.status_code != 200:
        raise BenchError(f"GET {path}: {response.status_code} {response.text[:500]}")
    return response.json()


def _check(condition: bool, message: str) -> None:
    if not condition:
        raise BenchError(message)


def _records_path(**params: str | int) -> str:
    return f"/api/v1/datasets/{DATASET_ID}/records?" + urllib.parse.urlencode(params)


def _datasette_path(**params: str | int) -> str:
    return f"/points/{TABLE}.json?" + urllib.parse.urlencode(params)


def plan_ours(server: Server, truth: Truth, catalogue: int) -> Plan:
    """Our paths, each answer checked against :class:`Truth`; deep pages by following real ``next`` links."""
    base = server.base_url
    plan = Plan(server, csv_path=f"/api/v1/datasets/{DATASET_ID}/data.csv")
    listing = _get_json(base, "/api/v1/datasets")
    _check(listing["count"] == catalogue and any(d["id"] == DATASET_ID for d in listing["results"]),
           f"ours: the list has {listing['count']} datasets, expected {catalogue}")
    plan.workloads["list"] = Workload(["/api/v1/datasets"], f'"id":"{DATASET_ID}"')
    pages, deep = [], []
    for category in CATEGORIES:
        path = _records_path(**{CATEGORY: category, "limit": PAGE_SIZE})
        body = _get_json(base, path)
        _check([r[ID] for r in body["records"]] == truth.first_ids[category] and body["total"] ==
               truth.category_counts[category], f"ours: wrong first page or total for {CATEGORY}={category}")
        pages.append(path)
        if category not in truth.deep_first_id:
            continue
        for _ in range(truth.deep_pages):
            _check(body["next"] is not None, f"ours: paging {category} ended early")
            path = urllib.parse.urlsplit(body["next"])._replace(scheme="", netloc="").geturl()
            body = _get_json(base, path)
        _check(body["records"][0][ID] == truth.deep_first_id[category] and len(body["records"]) == PAGE_SIZE,
               f"ours: page {truth.deep_pages + 1} of {category} starts at {body['records'][0][ID]}, "
               f"expected {truth.deep_first_id[category]}")
        deep.append(path)
    plan.workloads["page"] = Workload(pages, '"records":[{')
    plan.workloads["deep"] = Workload(deep, '"records":[{')
    facet = _records_path(facet=WARD, limit=0)
    body = _get_json(base, facet)
    _check({f["value"]: f["count"] for f in body["facets"][WARD]} == truth.ward_counts,
           "ours: facet counts differ from the data")
    plan.workloads["facet"] = Workload([facet], f'"facets":{{"{WARD}":[{{')
    return plan


def plan_datasette(server: Server, truth: Truth, catalogue: int) -> Plan:
    """Datasette's equivalents, checked the same way; deep pages by following its ``_next`` tokens."""
    base = server.base_url
    plan = Plan(server, csv_path=f"/points/{TABLE}.csv?_stream=on&_size=max")
    database = _get_json(base, "/points.json")
    tables = {t["name"]: t for t in database["tables"]}
    _check(len(tables) == catalogue and tables.get(TABLE, {}).get("count") == truth.rows,
           f"datasette: /points.json lists {len(tables)} tables, expected {catalogue}")
    plan.workloads["list"] = Workload(["/points.json"], f'"name": "{TABLE}"')
    plan.list_path_note = "/points.json (the database page: its tables, columns and row counts)"
    pages, deep = [], []
    for category in CATEGORIES:
        path = _datasette_path(**{CATEGORY: category, "_size": PAGE_SIZE, "_shape": "objects"})
        body = _get_json(base, path)
        _check([r[ID] for r in body["rows"]] == truth.first_ids[category]
               and body["filtered_table_rows_count"] == truth.category_counts[category],
               f"datasette: wrong first page or count for {CATEGORY}={category}")
        pages.append(path)
        if category not in truth.deep_first_id:
            continue
        for _ in range(truth.deep_pages):
            _check(body.get("next") is not None, f"datasette: paging {category} ended early")
            path = _datasette_path(**{CATEGORY: category, "_size": PAGE_SIZE, "_shape": "objects",
                                      "_next": body["next"]})
            body = _get_json(base, path)
        _check(body["rows"][0][ID] == truth.deep_first_id[category] and len(body["rows"]) == PAGE_SIZE,
               f"datasette: page {truth.deep_pages + 1} of {category} starts at {body['rows'][0][ID]}")
        deep.append(path)
    plan.workloads["page"] = Workload(pages, '"rows": [{')
    plan.workloads["deep"] = Workload(deep, '"rows": [{')
    facet = _datasette_path(_facet=WARD, _size=0)
    body = _get_json(base, facet)
    results = body["facet_results"]
    # a facet past facet_time_limit_ms is left out of facet_results (0.65 says so only in its HTML)
    _check(WARD in results, "datasette: the facet timed out or was not computed")
    _check({r["value"]: r["count"] for r in results[WARD]["results"]} == truth.ward_counts,
           "datasette: facet counts differ from the data")
    plan.workloads["facet"] = Workload([facet], '"facet_results": {' + json.dumps(WARD) + ': {')  # ASCII-escaped
    return plan


def _bytes_of(needle: str, plan: Plan, name: str) -> None:
    """The needle must be in the checked answer exactly as sent (wrk compares bytes, not JSON)."""
    import httpx

    body = httpx.get(plan.server.base_url + plan.workloads[name].paths[0], timeout=60).content
    _check(plan.workloads[name].needle.encode() in body,
           f"{plan.server.name} {name}: the body check {needle!r} does not match a right answer")


def run_wrk(wrk: str, lua: Path, server: Server, workload: Workload, work: Path, connections: int,
            seconds: float, cpus: str) -> dict[str, Any]:
    """One closed-loop wrk run (1 thread, ``connections`` connections) over the workload's paths."""
    paths = work / f"paths-{server.name}-{abs(hash(tuple(workload.paths)))}.txt"
    paths.write_text("\n".join(workload.paths) + "\n", encoding="utf-8")
    command = ["taskset", "-c", cpus, wrk, "-t1", f"-c{connections}", f"-d{max(1, round(seconds))}s",
               "--timeout", "10s", "--latency", "-s", str(lua), server.base_url, "--", str(paths), workload.needle]
    proc = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60)
    line = next((ln for ln in proc.stdout.splitlines() if ln.startswith("WRK_JSON ")), None)
    if proc.returncode != 0 or line is None:
        raise BenchError(f"wrk failed ({proc.returncode}):\n{proc.stdout[-2000:]}{proc.stderr[-2000:]}")
    raw = json.loads(line.removeprefix("WRK_JSON "))
    seconds_run = raw["duration_us"] / 1e6
    return {"rps": round(raw["requests"] / seconds_run, 1), "p50_ms": round(raw["p50_us"] / 1000, 2),
            "p90_ms": round(raw["p90_us"] / 1000, 2), "p99_ms": round(raw["p99_us"] / 1000, 2),
            "max_ms": round(raw["max_us"] / 1000, 2), "requests": raw["requests"],
            "bad": raw["bad"], "errors": raw["errors"]}


class RssSampler:
    """Samples a process tree's RSS every 10 ms in a thread; ``peak`` is the largest sample."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.samples: list[float] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.samples.append(tree_rss_mb(self.pid))
            self._stop.wait(RSS_INTERVAL_S)

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    @property
    def peak(self) -> float:
        return max(self.samples, default=0.0)


def idle_rss_mb(pid: int, seconds: float = 0.5) -> float:
    """The median of a short series of samples while nothing is asked of the server."""
    samples = []
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        samples.append(tree_rss_mb(pid))
        time.sleep(RSS_INTERVAL_S)
    return statistics.median(samples)


def measure_export(plan: Plan, truth: Truth, work: Path, cpus: str) -> dict[str, Any]:
    """One full CSV download by curl (on the client's core) while the server's RSS is sampled.

    The file is kept long enough to prove it is the whole table (a header plus one line per row).
    """
    curl = ensure_apt("curl", "curl")
    target = work / f"export-{plan.server.name}.csv"
    idle = idle_rss_mb(plan.server.pid)
    with RssSampler(plan.server.pid) as sampler:
        proc = subprocess.run(["taskset", "-c", cpus, curl, "-sS", "-o", str(target), "-w",
                               "%{http_code} %{size_download} %{time_total}", plan.server.base_url + plan.csv_path],
                              capture_output=True, text=True, timeout=900)
    if proc.returncode != 0:
        raise BenchError(f"{plan.server.name}: CSV download failed: {proc.stderr[-1000:]}")
    status, size, seconds = proc.stdout.split()
    lines = _count_lines(target)
    target.unlink()
    _check(status == "200" and lines == truth.rows + 1,
           f"{plan.server.name}: CSV answered {status} with {lines:,} lines, expected {truth.rows + 1:,}")
    mb = int(size) / 1e6
    return {"mb": round(mb, 1), "seconds": round(float(seconds), 2), "mb_s": round(mb / float(seconds), 1),
            "rss_idle_mb": round(idle, 1), "rss_peak_mb": round(sampler.peak, 1),
            "rss_growth_mb": round(sampler.peak - idle, 1), "samples": len(sampler.samples)}


def warm_page_cache(*paths: Path) -> None:
    """Read files once so both exports start from the page cache (a cold first read ran at 40 MB/s here)."""
    for path in paths:
        with path.open("rb") as handle:
            while handle.read(1 << 22):
                pass


def code_state() -> dict[str, Any]:
    """Which code was measured: the commit, and whether catalog_api had uncommitted changes."""
    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True).stdout.rstrip("\n")
    changed = [line[3:] for line in git("status", "--porcelain", "--", "catalog_api").splitlines() if line]
    return {"commit": git("rev-parse", "--short", "HEAD"), "catalog_api_uncommitted": changed}


def _count_lines(path: Path) -> int:
    lines = 0
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            lines += chunk.count(b"\n")
    return lines


# ----------------------------------------------------------------------------- report


def _ratio(ours: float, theirs: float) -> float | None:
    return round(ours / theirs, 2) if theirs else None


def figures_of(results: dict[str, dict[str, dict[int, dict[str, Any]]]], exports: dict[str, dict[str, Any]],
               setup: dict[str, Any]) -> dict[str, Any]:
    """The JSON line: the headline figures first, then every raw number."""
    ours, theirs = results["ours"], results["datasette"]
    figures: dict[str, Any] = {}
    for workload in WORKLOADS:
        for c in CONNECTIONS:
            figures[f"{workload}_rps_ratio_{c}"] = _ratio(ours[workload][c]["rps"], theirs[workload][c]["rps"])
            figures[f"{workload}_p99_ms_{c}"] = ours[workload][c]["p99_ms"]
    figures.update(
        csv_export_mb_s=exports["ours"]["mb_s"], csv_export_rss_growth_mb=exports["ours"]["rss_growth_mb"],
        csv_export_mb_s_ratio=_ratio(exports["ours"]["mb_s"], exports["datasette"]["mb_s"]),
        raw={name: {w: {str(c): r for c, r in by_c.items()} for w, by_c in server.items()}
             for name, server in results.items()},
        export=exports, setup=setup)
    return figures


def print_table(results: dict[str, dict[str, dict[int, dict[str, Any]]]], exports: dict[str, dict[str, Any]],
                setup: dict[str, Any]) -> None:
    """The human table: one row per workload × connections, both servers side by side."""
    print()
    print(f"rows {setup['rows']:,}; catalogue {setup['catalogue']} datasets; {setup['duration_s']} s per run after a "
          f"{setup['warmup_s']} s warm-up; load average before/after {setup['loadavg_before']} / {setup['loadavg_after']}")
    print(f"ours: {setup['ours_workers']} tdpf serve workers on CPUs {setup['ours_cpus']}; datasette {DATASETTE_VERSION} "
          f"on CPU {setup['datasette_cpus']}; wrk and curl on CPU {setup['client_cpus']}"
          + (" (shared with our server)" if set(setup['client_cpus'].split(",")) & set(setup['ours_cpus'].split(","))
             else ""))
    print(f"list = ours /api/v1/datasets vs datasette {setup['datasette_list']}")
    head = f"{'workload':<8} {'conns':>5} | {'ours req/s':>10} {'p50 ms':>7} {'p99 ms':>7} {'CPU ms/req':>10} " \
           f"{'CPU s by process':>16} | {'ds req/s':>9} {'p50 ms':>7} {'p99 ms':>8} {'CPU ms/req':>10} | {'ratio':>6}"
    print(head)
    print("-" * len(head))
    for workload in WORKLOADS:
        for c in CONNECTIONS:
            o, d = results["ours"][workload][c], results["datasette"][workload][c]
            split = "/".join(f"{u:.1f}" for u in o["cpu_s_per_process"]) or "-"
            print(f"{workload:<8} {c:>5} | {o['rps']:>10.1f} {o['p50_ms']:>7.2f} {o['p99_ms']:>7.2f} "
                  f"{o['cpu_ms_per_request']:>10.1f} {split:>16} | {d['rps']:>9.1f} {d['p50_ms']:>7.2f} "
                  f"{d['p99_ms']:>8.2f} {d['cpu_ms_per_request']:>10.1f} | {_ratio(o['rps'], d['rps']) or 0:>5.2f}×")
    print("CPU s by process: CPU seconds of each of our processes during the run; an uneven split means the "
          "kernel hashed more connections to one worker")
    print()
    print(f"{'CSV export':<10} {'MB':>6} {'s':>7} {'MB/s':>7} {'RSS idle':>9} {'peak':>7} {'growth':>7}")
    for name, e in exports.items():
        print(f"{name:<10} {e['mb']:>6.1f} {e['seconds']:>7.2f} {e['mb_s']:>7.1f} {e['rss_idle_mb']:>7.1f}MB "
              f"{e['rss_peak_mb']:>7.1f} {e['rss_growth_mb']:>7.1f}")
    bad = [(n, w, c) for n, s in results.items() for w, by_c in s.items() for c, r in by_c.items()
           if r["bad"] or r["errors"]]
    if bad:
        print(f"WARNING: wrong answers or socket errors during runs: {bad}")
    print()
    print("targets (reported, not asserted): page/deep ≥ 4× at 8 conns with p99 < 25 ms; facet ≥ 20×; "
          "list p99 < 25 ms at 8; CSV ≥ 100 MB/s with RSS growth < 50 MB")


# ----------------------------------------------------------------------------- main


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000, help="rows of the point dataset (default 1000000)")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds of each measured run (default 10)")
    parser.add_argument("--warmup", type=float, default=3.0, help="seconds of warm-up before each run (default 3)")
    parser.add_argument("--catalogue", type=int, default=20,
                        help="datasets in the catalogue: the big one plus N-1 small ones (default 20; a real "
                             "`tdpf build` publishes 19)")
    parser.add_argument("--home", type=Path, help="data directory to (re)use; default: a temporary one")
    parser.add_argument("--workers", type=int, default=2, help="worker processes of our server (tdpf serve --workers, default 2)")
    parser.add_argument("--ours-cpus", default="0,1", help="CPUs of our server (default 0,1)")
    parser.add_argument("--datasette-cpus", default="0", help="CPUs of Datasette (default 0)")
    parser.add_argument("--client-cpus", default="1", help="CPUs of wrk and curl (default 1)")
    return parser.parse_args()


def run(options: argparse.Namespace, home: Path) -> dict[str, Any]:
    """Set up, check, measure; returns the figures."""
    wrk = ensure_apt("wrk", "wrk")
    ensure_apt("taskset", "util-linux")
    ensure_psutil()
    datasette = ensure_datasette()
    home = home.resolve()
    started = time.perf_counter()
    ensure_releases(home, options.rows, options.catalogue)
    db = home / "bench" / "points.db"
    db.parent.mkdir(parents=True, exist_ok=True)
    if not sqlite_ready(db, options.rows, options.catalogue):
        t = time.perf_counter()
        write_sqlite(home, db, options.catalogue)
        print(f"wrote {db.name} ({db.stat().st_size / 1e6:.0f} MB) in {time.perf_counter() - t:.1f} s", flush=True)
    parquet, _ = release_parquet(home, DATASET_ID) or (None, 0)
    assert parquet is not None
    truth = truth_of(parquet)
    print(f"data ready in {time.perf_counter() - started:.0f} s", flush=True)

    work = Path(tempfile.mkdtemp(prefix="run-", dir=home / "bench"))
    lua = work / "rotate.lua"
    lua.write_text(WRK_LUA, encoding="utf-8")
    results: dict[str, dict[str, dict[int, dict[str, Any]]]] = {"ours": {}, "datasette": {}}
    exports: dict[str, dict[str, Any]] = {}
    load_before = [round(x, 2) for x in os.getloadavg()]
    try:
        with ExitStack() as stack:
            ours = stack.enter_context(our_server(home, options.workers, options.ours_cpus, work))
            theirs = stack.enter_context(datasette_server(datasette, db, options.datasette_cpus, work))
            plans = {"ours": plan_ours(ours, truth, options.catalogue),
                     "datasette": plan_datasette(theirs, truth, options.catalogue)}
            for plan in plans.values():
                for name, workload in plan.workloads.items():
                    _bytes_of(workload.needle, plan, name)
            print("answers checked on both servers; measuring", flush=True)
            # interleaved, so noise from other work on the machine falls on both sides alike
            for workload in WORKLOADS:
                for c in CONNECTIONS:
                    for name, plan in plans.items():
                        run_wrk(wrk, lua, plan.server, plan.workloads[workload], work, c, options.warmup,
                                options.client_cpus)
                        before = tree_cpu_seconds(plan.server.pid)
                        result = run_wrk(wrk, lua, plan.server, plan.workloads[workload], work, c,
                                         options.duration, options.client_cpus)
                        after = tree_cpu_seconds(plan.server.pid)
                        used = sorted((after[p] - before.get(p, 0.0) for p in after), reverse=True)
                        result["cpu_s_per_process"] = [round(u, 2) for u in used if u >= 0.01]
                        result["cpu_ms_per_request"] = round(1000 * sum(used) / max(1, result["requests"]), 1)
                        results[name].setdefault(workload, {})[c] = result
                        print(f"  {name:<9} {workload:<6} c={c}: {result['rps']:8.1f} req/s, "
                              f"p99 {result['p99_ms']:7.2f} ms", flush=True)
            csv_file = parquet.parent / "data.csv"  # the current release's
            for name, plan in plans.items():
                warm_page_cache(csv_file if name == "ours" else db)
                exports[name] = measure_export(plan, truth, work, options.client_cpus)
                print(f"  {name:<9} csv: {exports[name]['mb_s']} MB/s", flush=True)
            list_note = plans["datasette"].list_path_note
    finally:
        shutil.rmtree(work, ignore_errors=True)
    setup = {"rows": options.rows, "catalogue": options.catalogue, "duration_s": options.duration,
             "deep_page": truth.deep_pages + 1, "deep_categories": len(truth.deep_first_id),
             "warmup_s": options.warmup, "ours_workers": options.workers, "ours_cpus": options.ours_cpus,
             "datasette_cpus": options.datasette_cpus, "client_cpus": options.client_cpus,
             "datasette_version": DATASETTE_VERSION, "datasette_settings": DATASETTE_SETTINGS,
             "datasette_list": list_note, "loadavg_before": load_before, "code": code_state(),
             "loadavg_after": [round(x, 2) for x in os.getloadavg()]}
    print_table(results, exports, setup)
    return figures_of(results, exports, setup)


def main() -> None:
    options = parse_args()
    if options.home is not None:
        options.home.mkdir(parents=True, exist_ok=True)
        figures = run(options, options.home)
    else:
        with tempfile.TemporaryDirectory(prefix="tdpf-api-bench-") as tmp:
            figures = run(options, Path(tmp))
    print(json.dumps(figures, ensure_ascii=False))


if __name__ == "__main__":
    main()
