"""Benchmark: the whole `tdpf build` against its yardstick, `dbt build` alone on the same data.

What it answers: how much the platform (Dagster run, ingest, metadata, checks, publication) costs
on top of dbt itself, and what a no-change rebuild costs. The machine is shared and noisy, so
the ratio matters more than the seconds. Prints a table, then one JSON line with the figures.

    .venv/bin/python bench/build.py [--repeat N]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent

_MEASURE = (
    "import resource, subprocess, sys, time\n"
    "t = time.perf_counter()\n"
    "rc = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode\n"
    "wall = time.perf_counter() - t\n"
    "print(rc, wall, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
)


def measure(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of the largest process the command started."""
    out = subprocess.run([sys.executable, "-c", _MEASURE, *cmd], env=env, cwd=REPO,
                         capture_output=True, text=True, check=True).stdout.split()
    rc, wall, rss_kib = int(out[0]), float(out[1]), int(out[2])
    if rc != 0:
        raise SystemExit(f"command failed ({rc}): {' '.join(cmd)}")
    return wall, rss_kib / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement (median reported)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="tdpf-bench-") as tmp:
        home = Path(tmp) / "data"
        env = {**os.environ, "TDPF_HOME": str(home), "DAGSTER_HOME": str(home / "dagster"),
               "DBT_SEND_ANONYMOUS_USAGE_STATS": "false", "DO_NOT_TRACK": "1"}
        first, first_rss = measure([str(BIN / "tdpf"), "build"], env)  # cold: dbt parse, first publish
        dbt = [str(BIN / "dbt"), "build", "--project-dir", str(REPO / "dbt_project"),
               "--profiles-dir", str(REPO / "dbt_project"), "--target-path", str(home / "dbt" / "bench-target"),
               "--log-path", str(home / "dbt" / "logs")]
        runs: dict[str, list[tuple[float, float]]] = {"tdpf build (no change)": [], "dbt build alone": []}
        for _ in range(args.repeat):  # interleaved, so drift in machine load hits both alike
            runs["tdpf build (no change)"].append(measure([str(BIN / "tdpf"), "build"], env))
            runs["dbt build alone"].append(measure(dbt, env))
    med = {k: statistics.median(w for w, _ in v) for k, v in runs.items()}
    rss = {k: max(r for _, r in v) for k, v in runs.items()}
    figures = {
        "first_build_s": round(first, 2),
        "rebuild_s": round(med["tdpf build (no change)"], 2),
        "dbt_build_s": round(med["dbt build alone"], 2),
        "rebuild_vs_dbt_build": round(med["tdpf build (no change)"] / med["dbt build alone"], 2),
        "peak_rss_mb": round(max(first_rss, *rss.values()), 1),
        "repeat": args.repeat,
    }
    print(f"{'measurement':28} {'median s':>9} {'peak RSS MiB':>13}")
    print(f"{'tdpf build (first, cold)':28} {first:9.2f} {first_rss:13.1f}")
    for name in runs:
        print(f"{name:28} {med[name]:9.2f} {rss[name]:13.1f}")
    print(f"ratio tdpf rebuild / dbt build alone: {figures['rebuild_vs_dbt_build']}")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
