"""Benchmark: one very large register, ingested and published in bounded memory, beside DuckDB's read_csv.

Generates a valid AED register (正式版 layout, UTF-8) of about ``--mb`` megabytes for 新宿区:
a few thousand generated records repeated with unique IDs. Then, each in its own process so
each peak RSS is its own:
  * ``read_csv`` — DuckDB reads the same file into a table, every column text (the yardstick:
    reading only, no normalising);
  * ``ingest`` — our ingest of that one source (read, map, normalise, quarantine, write the raw
    table), through the same code ``tdpf build`` runs;
  * ``build`` — a whole ``tdpf build`` of a fresh data directory whose registry is that one
    source plus the embedded default's other inputs: ingest, dbt, quality gates, publication of
    CSV, Parquet and GeoJSON. Its peak is the largest process of the build (dbt runs as a child).
Targets (issue 12): build peak RSS ≤ 1.5 GB at 200 MB and growing ≤ 20 % from 200 MB to 1 GB;
ingest ≥ 0.1 × read_csv rows/s. Last line: one JSON object with the figures.

    .venv/bin/python bench/large_register.py [--mb 200] [--skip-build]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CODE = "131041"
SOURCE_ID = "shinjuku-aed-large"
LANDING_FILE = f"municipal/{CODE}/{CODE}_aed_large.csv"
BASE_RECORDS = 4_000


def write_register(path: Path, megabytes: int) -> int:
    """A valid register of about ``megabytes`` MB; returns its data rows."""
    from pipelines.standard.samples.current_csv import current_rows
    from pipelines.standard.samples.file_context import FileContext, file_rng
    from pipelines.standard.samples.records import set_records
    from pipelines.standard.samples.spec_columns import CURRENT_COLUMNS
    from pipelines.standard.tokyo import tokyo_municipalities

    publisher = next(m for m in tokyo_municipalities() if m.code == CODE)
    header = CURRENT_COLUMNS["aed-locations"]
    base = current_rows("aed-locations", set_records("aed-locations", FileContext(publisher, file_rng(7, publisher,
                                                                                              "aed-locations")),
                                                     BASE_RECORDS))
    id_at, name_at = header.index("ID"), header.index("名称")
    target = megabytes * 1_000_000
    path.parent.mkdir(parents=True, exist_ok=True)
    rows = 0
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(header)
        while out.tell() < target:
            for record in base:
                row = list(record)
                row[id_at] = f"FF{CODE}{rows + 1:08d}"
                row[name_at] = f"{record[name_at]}（{rows // len(base) + 1}）"
                writer.writerow(row)
                rows += 1
    return rows


def registry_entry(folder: Path) -> None:
    """A registry of the one large source (the embedded publisher's other files are not registered)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{CODE}_large.yaml").write_text(
        f"publisher:\n  code: '{CODE}'\n  name: 東京都新宿区\nsources:\n"
        f"- id: {SOURCE_ID}\n  dataset: aed-locations\n  file: {LANDING_FILE}\n  encoding: utf-8\n",
        encoding="utf-8")


def child(phase: str, *args: str) -> dict:
    """Run one phase in a fresh interpreter; it prints one JSON line (seconds, rows, its own peak RSS)."""
    proc = subprocess.run([sys.executable, __file__, "--phase", phase, *args], capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"{phase} failed:\n{proc.stdout[-3000:]}{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _peak_mb(who: int = resource.RUSAGE_SELF) -> float:
    return resource.getrusage(who).ru_maxrss / 1024  # kB on Linux


def phase_read_csv(path: str, db: str) -> dict:
    import duckdb

    from pipelines.paths import DataHome

    start = time.perf_counter()
    with duckdb.connect(db, config=DataHome(Path(db).parent).duckdb_settings()) as conn:
        conn.execute("CREATE TABLE t AS SELECT * FROM read_csv(?, all_varchar = true, header = true)", [path])
        rows = conn.execute("SELECT count(*) FROM t").fetchone()[0]
    return {"seconds": time.perf_counter() - start, "rows": rows, "peak_mb": _peak_mb()}


def phase_ingest(home: str) -> dict:
    import duckdb

    from pipelines.paths import DataHome
    from pipelines.standard.ingest import map_publishers, write_publishers
    from pipelines.standard.registry import load_registry, realdata_dir
    from pipelines.standard.spec import load_spec

    data = DataHome(Path(home))
    spec = load_spec()
    registry = load_registry(known_datasets=frozenset(spec.ids))
    start = time.perf_counter()
    report = map_publishers(registry, spec, [CODE], data.landing, realdata_dir(), spool_dir=data.tmp)
    try:
        data.warehouse.parent.mkdir(parents=True, exist_ok=True)
        with duckdb.connect(str(data.warehouse), config=data.duckdb_settings()) as conn:
            write_publishers(conn, spec, [CODE], report)
            rows = conn.execute("SELECT count(*) FROM raw.register_aed_locations").fetchone()[0]
    finally:
        report.discard()
    if report.skipped:
        raise SystemExit(f"the large source was not read: {report.skipped[0].reason}")
    return {"seconds": time.perf_counter() - start, "rows": rows, "peak_mb": _peak_mb()}


def phase_build(home: str) -> dict:
    start = time.perf_counter()
    proc = subprocess.run([str(Path(sys.executable).parent / "tdpf"), "build"], capture_output=True, text=True,
                          env={**os.environ, "TDPF_HOME": home})
    if proc.returncode != 0:
        raise SystemExit(f"tdpf build failed:\n{proc.stdout[-3000:]}{proc.stderr[-3000:]}")
    index = json.loads((Path(home) / "releases" / "index.json").read_text(encoding="utf-8"))
    entry = index["datasets"]["aed-locations"]
    version = next(v for v in entry["versions"] if v["version"] == entry["current_version"])
    release = Path(home) / "releases" / "aed-locations" / version["content_hash"][:16]
    rows = json.loads((release / "metadata.json").read_text(encoding="utf-8"))["row_count"]
    files = {p.name: p.stat().st_size for p in release.iterdir() if p.name.startswith("data.")}
    return {"seconds": time.perf_counter() - start, "rows": rows, "peak_mb": _peak_mb(resource.RUSAGE_CHILDREN),
            "files_mb": {k: round(v / 1e6, 1) for k, v in sorted(files.items())}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mb", type=int, default=200, help="size of the generated register in MB (default 200)")
    parser.add_argument("--skip-build", action="store_true", help="time read_csv and ingest only")
    parser.add_argument("--phase", help=argparse.SUPPRESS)
    parser.add_argument("args", nargs="*", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.phase:
        print(json.dumps({"read_csv": phase_read_csv, "ingest": phase_ingest, "build": phase_build}[options.phase](
            *options.args)))
        return

    with tempfile.TemporaryDirectory(prefix="tdpf-large-") as work:
        work_dir = Path(work)
        registry = work_dir / "registry"
        registry_entry(registry)
        os.environ["TDPF_REGISTRY"] = str(registry)
        homes = {name: work_dir / name for name in ("ingest", "build")}
        started = time.perf_counter()
        register = homes["ingest"] / "landing" / LANDING_FILE
        rows = write_register(register, options.mb)
        size_mb = register.stat().st_size / 1e6
        print(f"generated {rows:,} rows, {size_mb:.0f} MB in {time.perf_counter() - started:.0f} s", flush=True)
        (homes["build"] / "landing" / LANDING_FILE).parent.mkdir(parents=True)
        os.link(register, homes["build"] / "landing" / LANDING_FILE)

        read = child("read_csv", str(register), str(work_dir / "read_csv.duckdb"))
        ours = child("ingest", str(homes["ingest"]))
        build = None if options.skip_build else child("build", str(homes["build"]))

    figures = {
        "mb": round(size_mb, 1), "rows": rows,
        "read_csv": {"seconds": round(read["seconds"], 2), "rows_per_s": round(read["rows"] / read["seconds"]),
                     "peak_rss_mb": round(read["peak_mb"])},
        "ingest": {"seconds": round(ours["seconds"], 2), "rows_per_s": round(ours["rows"] / ours["seconds"]),
                   "peak_rss_mb": round(ours["peak_mb"])},
        "ingest_vs_read_csv": round((ours["rows"] / ours["seconds"]) / (read["rows"] / read["seconds"]), 3),
    }
    if build is not None:
        figures["build"] = {"seconds": round(build["seconds"], 1), "rows_published": build["rows"],
                            "peak_rss_mb": round(build["peak_mb"]), "files_mb": build["files_mb"]}
    print()
    print(f"{'':<10} {'seconds':>9} {'rows/s':>10} {'peak RSS':>10}")
    for name in ("read_csv", "ingest"):
        f = figures[name]
        print(f"{name:<10} {f['seconds']:>9.1f} {f['rows_per_s']:>10,} {f['peak_rss_mb']:>7,} MB")
    if build is not None:
        f = figures["build"]
        print(f"{'build':<10} {f['seconds']:>9.1f} {'':>10} {f['peak_rss_mb']:>7,} MB  "
              f"({f['rows_published']:,} rows published; files {f['files_mb']})")
    print(f"ingest / read_csv rows/s: {figures['ingest_vs_read_csv']:.3f} (target ≥ 0.1)")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
