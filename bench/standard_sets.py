"""Benchmark: municipal registers → standard sets, against DuckDB's own CSV reader (the ceiling).

Generates the 8 sets' registers for the 62 municipalities of Tokyo (and ``--publishers N``
made-up ones more, up to Japan's 1,788 bodies) in the three legacy shapes (CP932 legacy CSV,
XLSX with merged headers, English-header UTF-8 CSV), plus a registry for them. Then, in one
process:
  * our ingest + mapping (read as text, map, normalise, quarantine, replace the publishers'
    rows) of every file, and the dbt build of the standard sets' staging and marts;
  * DuckDB's ``read_csv`` of the same CSV files into tables (all text: the like-for-like read);
  * one publisher re-run alone (its ingest + the same dbt build), as a share of the whole;
  * peak RSS of the process (dbt runs as a child; its peak is reported separately).
Last line: one JSON object with the figures.

    .venv/bin/python bench/standard_sets.py [--publishers N] [--rows-per-set 40]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipelines.paths import DataHome, export_environment  # noqa: E402
from pipelines.standard.catalogue import write_platform_catalogue  # noqa: E402
from pipelines.standard.ingest import map_publishers, write_publishers  # noqa: E402
from pipelines.standard.registry import load_registry  # noqa: E402
from pipelines.standard.samples import write_benchmark_registers, write_registry_files  # noqa: E402
from pipelines.standard.spec import load_spec  # noqa: E402
from pipelines.standard.tokyo import synthetic_publishers, tokyo_municipalities  # noqa: E402

SEED = 20231001
JAPAN_BODIES = 1788


def timed(fn):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    value = fn()
    return time.perf_counter() - start, value


def dbt_build(home: DataHome) -> float:
    """The standard sets' dbt models and tests, as `tdpf build` runs them (a child process)."""
    command = [str(Path(sys.executable).parent / "dbt"), "build", "--select",
               "path:models/staging/registers", "path:models/marts/standard",
               "--target-path", str(home.dbt_target / "bench"), "--log-path", str(home.dbt_logs), "--quiet"]
    seconds, proc = timed(lambda: subprocess.run(command, cwd=ROOT / "dbt_project", capture_output=True, text=True,
                                                 env={**os.environ, "DBT_PROFILES_DIR": str(ROOT / "dbt_project")}))
    if proc.returncode != 0:
        raise SystemExit(f"dbt build failed:\n{proc.stdout[-3000:]}{proc.stderr[-3000:]}")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description="standard-set ingest benchmark")
    parser.add_argument("--publishers", type=int, default=0, help="made-up publishers beyond Tokyo's 62")
    parser.add_argument("--rows-per-set", type=int, default=40)
    args = parser.parse_args()
    if 62 + args.publishers > JAPAN_BODIES:
        parser.error(f"at most {JAPAN_BODIES - 62} more publishers (Japan has {JAPAN_BODIES} local bodies)")
    spec = load_spec()
    with tempfile.TemporaryDirectory(prefix="tdpf-bench-std-") as tmp:
        home = DataHome(Path(tmp) / "data").ensure()
        export_environment(home)
        publishers = (*tokyo_municipalities(), *synthetic_publishers(args.publishers, SEED))
        t_generate, entries = timed(lambda: write_benchmark_registers(home.landing, publishers, SEED, args.rows_per_set))
        registry_dir = Path(tmp) / "registry"
        write_registry_files(registry_dir, publishers, entries)
        registry = load_registry(registry_dir, frozenset(spec.ids))
        codes = list(registry.publisher_codes)

        def ingest(selected: list[str]) -> int:
            report = map_publishers(registry, spec, selected, home.landing, Path(tmp) / "no-realdata")
            conn = duckdb.connect(str(home.warehouse))
            try:
                write_publishers(conn, spec, selected, report)
            finally:
                conn.close()
            return sum(len(m.rows) + len(m.quarantined_lines) for m in report.mapped)

        conn = duckdb.connect(str(home.warehouse))
        write_platform_catalogue(conn, spec.get("open-data-list"), [])  # the platform's own list: not measured
        conn.close()
        t_ingest, rows = timed(lambda: ingest(codes))
        t_dbt = dbt_build(home)
        t_one_ingest, one_rows = timed(lambda: ingest([codes[0]]))
        t_one_dbt = dbt_build(home)

        csv_files = sorted(p for p in home.landing.rglob("*.csv"))
        csv_sources = {s.entry.file: s for s in registry.sources if s.entry.format == "csv"}
        t_ours_csv, csv_rows = timed(lambda: sum(
            len(m.rows) + len(m.quarantined_lines)
            for m in map_publishers(registry, spec, codes, home.landing, Path(tmp) / "no-realdata").mapped
            if m.source.entry.format == "csv"))
        probe = duckdb.connect()

        def read_all() -> int:
            total = 0
            for i, path in enumerate(csv_files):
                source = csv_sources[str(path.relative_to(home.landing))]
                encoding = {"cp932": "shift_jis", "auto": "utf-8"}.get(source.entry.encoding, "utf-8")
                probe.execute(f"CREATE OR REPLACE TABLE t{i} AS SELECT * FROM read_csv('{path}', all_varchar=true, "
                              f"header=true, encoding='{encoding}')")
                total += probe.execute(f"SELECT count(*) FROM t{i}").fetchone()[0]
            return total

        from pipelines.duckdb_extensions import load_extensions

        load_extensions(probe, "encodings")
        t_read_csv, read_rows = timed(read_all)

    whole = t_ingest + t_dbt
    one = t_one_ingest + t_one_dbt
    ours_csv_rate = csv_rows / t_ours_csv
    read_csv_rate = read_rows / t_read_csv
    peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    dbt_peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    figures = {
        "publishers": len(codes), "files": len(entries), "rows": rows,
        "generate_s": round(t_generate, 2), "ingest_s": round(t_ingest, 2), "dbt_s": round(t_dbt, 2),
        "rows_per_s": round(rows / t_ingest), "csv_rows_per_s_ours": round(ours_csv_rate),
        "csv_rows_per_s_read_csv": round(read_csv_rate), "vs_read_csv": round(ours_csv_rate / read_csv_rate, 3),
        "one_publisher_s": round(one, 2), "whole_s": round(whole, 2),
        "one_publisher_share": round(one / whole, 3), "one_publisher_ingest_share": round(t_one_ingest / t_ingest, 4),
        "peak_rss_mb": round(peak_rss_mb), "dbt_peak_rss_mb": round(dbt_peak_mb),
    }
    print(f"{'measure':44} {'value':>12}")
    for label, key in [
        ("publishers / register files / rows", None),
        ("our ingest + mapping, all files (s)", "ingest_s"), ("dbt build of the standard sets (s)", "dbt_s"),
        ("our ingest rows/s (all files)", "rows_per_s"), ("our ingest rows/s (CSV files only)", "csv_rows_per_s_ours"),
        ("DuckDB read_csv rows/s (same CSV files)", "csv_rows_per_s_read_csv"), ("ours / read_csv", "vs_read_csv"),
        ("one publisher re-run: ingest + dbt (s)", "one_publisher_s"), ("whole: ingest + dbt (s)", "whole_s"),
        ("one publisher / whole", "one_publisher_share"), ("one publisher / whole, ingest only", "one_publisher_ingest_share"),
        ("peak RSS of this process (MB)", "peak_rss_mb"), ("peak RSS of dbt (MB)", "dbt_peak_rss_mb"),
    ]:
        value = f"{figures['publishers']} / {figures['files']} / {figures['rows']}" if key is None else figures[key]
        print(f"{label:44} {value!s:>12}")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
