"""Benchmark: smart-pole feed ingestion against DuckDB's own CSV reader (the ceiling).

Generates N days (default 30) of simulated feeds, then measures, in one process:
  * our ingest of the Shift_JIS CSV files (parse, unpivot to long form, classify, reject,
    replace the days) against plain ``read_csv`` of the same files into a table — rows/s of
    CSV rows (one row = one minute of one pole) for both, and their ratio;
  * one new day against the whole backfill (all formats), and their ratio;
  * peak RSS of the process.
The machine is shared and noisy: each figure is the median of --repeat runs, interleaved.
Last line: one JSON object with the figures.

    .venv/bin/python bench/smart_pole_ingest.py [--days 30] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pipelines.duckdb_extensions import load_extensions  # noqa: E402
from pipelines.simulator.run import simulate  # noqa: E402
from pipelines.smart_poles.ingest import days_with_files, feed_files, load_days  # noqa: E402

START = date(2026, 10, 1)


def timed(fn) -> float:  # type: ignore[no-untyped-def]
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def main() -> None:
    parser = argparse.ArgumentParser(description="smart-pole ingest benchmark")
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="tdpf-bench-sp-") as tmp:
        landing = Path(tmp) / "smart_poles"
        t_sim = timed(lambda: simulate(START, args.days, landing))
        days = days_with_files(landing / "feeds")
        csv_files = feed_files(landing / "feeds", "csv_sjis", days)
        # a landing folder holding only the CSV feeds, for the like-for-like comparison
        csv_only = Path(tmp) / "csv_only"
        (csv_only / "feeds").mkdir(parents=True)
        (csv_only / "feeds" / "csv_sjis").symlink_to(landing / "feeds" / "csv_sjis")
        file_list = "[" + ", ".join(f"'{p}'" for p in csv_files) + "]"

        probe = duckdb.connect()
        load_extensions(probe, "encodings")
        csv_rows = probe.execute(
            f"SELECT count(*) FROM read_csv({file_list}, encoding='shift_jis', header=true, union_by_name=true)"
        ).fetchone()[0]
        probe.close()

        ours, ceiling, backfill, one_day = [], [], [], []
        for i in range(args.repeat):
            con = duckdb.connect(str(Path(tmp) / f"w{i}.duckdb"))
            load_extensions(con, "encodings")
            ceiling.append(timed(lambda: con.execute(
                f"CREATE OR REPLACE TABLE ceiling AS SELECT * FROM read_csv({file_list}, encoding='shift_jis', "
                "header=true, union_by_name=true)")))
            ours.append(timed(lambda: load_days(con, csv_only, days)))
            con.close()
            con = duckdb.connect(str(Path(tmp) / f"b{i}.duckdb"))
            backfill.append(timed(lambda: load_days(con, landing, days[:-1])))
            one_day.append(timed(lambda: load_days(con, landing, days[-1:])))
            con.close()
            for suffix in ("w", "b"):
                (Path(tmp) / f"{suffix}{i}.duckdb").unlink(missing_ok=True)
        full_backfill_estimate = statistics.median(backfill) * len(days) / max(len(days) - 1, 1)

    med = statistics.median
    ours_rps, ceiling_rps = csv_rows / med(ours), csv_rows / med(ceiling)
    figures = {
        "days": len(days),
        "csv_rows": csv_rows,
        "ingest_rows_per_s": round(ours_rps),
        "read_csv_rows_per_s": round(ceiling_rps),
        "ingest_vs_read_csv": round(ours_rps / ceiling_rps, 3),
        "backfill_s": round(full_backfill_estimate, 2),
        "one_day_s": round(med(one_day), 2),
        "one_day_vs_backfill": round(med(one_day) / full_backfill_estimate, 4),
        "simulate_s": round(t_sim, 2),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "repeat": args.repeat,
    }
    print(f"{'measurement':42} {'value':>14}")
    print(f"{'CSV rows (pole-minutes)':42} {csv_rows:14,}")
    print(f"{'our ingest, CSV only (rows/s)':42} {ours_rps:14,.0f}")
    print(f"{'DuckDB read_csv into a table (rows/s)':42} {ceiling_rps:14,.0f}")
    print(f"{'ratio ours / read_csv':42} {figures['ingest_vs_read_csv']:14}")
    print(f"{f'backfill, {len(days)} days, all formats (s)':42} {full_backfill_estimate:14.2f}")
    print(f"{'one new day, all formats (s)':42} {med(one_day):14.2f}")
    print(f"{'ratio one day / backfill':42} {figures['one_day_vs_backfill']:14}")
    print(f"{'peak RSS (MiB)':42} {figures['peak_rss_mb']:14}")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
