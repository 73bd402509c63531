"""Benchmark: `tdpf build` against its yardstick, `dbt build` alone on the same data, in one run.

What it answers: what a first build costs on top of dbt itself, and what the builds a data
engineer runs every day cost: one with nothing changed (it must beat dbt by not running it), one
after a municipality corrected one register file, one after a new smart-pole day arrived. The
machine is shared and noisy, so the ratios matter more than the seconds. Prints a table, then
one JSON line with the figures.

    .venv/bin/python bench/build.py

Targets (issue 11): first build ≤ 2 × dbt build alone; no-change rebuild ≤ 0.25 × dbt build alone;
one changed register ≤ 0.35 × the first build; one new day ≤ 0.35 × the first build.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
sys.path.insert(0, str(REPO))

_MEASURE = (
    "import resource, subprocess, sys, time\n"
    "t = time.perf_counter()\n"
    "rc = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode\n"
    "wall = time.perf_counter() - t\n"
    "print(rc, wall, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
)
NEW_DAY = "2026-11-05"  # the day after the embedded sample's three


def measure(cmd: list[str], env: dict[str, str], cwd: Path = REPO) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of the largest process the command started."""
    out = subprocess.run([sys.executable, "-c", _MEASURE, *cmd], env=env, cwd=cwd,
                         capture_output=True, text=True, check=True).stdout.split()
    rc, wall, rss_kib = int(out[0]), float(out[1]), int(out[2])
    if rc != 0:
        raise SystemExit(f"command failed ({rc}): {' '.join(cmd)}")
    return wall, rss_kib / 1024


def correct_one_register(home: Path) -> None:
    """新宿区 sends its AED file again without the row that was quarantined."""
    from pipelines.standard.samples import EMBEDDED_BAD_ROWS

    bad = next(b for b in EMBEDDED_BAD_ROWS if b.source_id.endswith("aed"))
    path = home / "landing" / bad.file
    lines = path.read_bytes().split(b"\r\n")
    path.write_bytes(b"\r\n".join(lines[: bad.line - 1] + lines[bad.line:]))


def add_one_day(home: Path, env: dict[str, str], scratch: Path) -> None:
    """The feeds of one more JST day arrive (simulated elsewhere, then moved into the landing folder)."""
    subprocess.run([str(BIN / "tdpf"), "simulate", "smart-poles", "--start", NEW_DAY, "--days", "1",
                    "--out", str(scratch)], env=env, cwd=REPO, check=True, capture_output=True)
    feeds = home / "landing" / "smart_poles" / "feeds"
    for day_dir in (scratch / "feeds").glob(f"*/{NEW_DAY}"):
        shutil.copytree(day_dir, feeds / day_dir.parent.name / NEW_DAY)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="tdpf-bench-") as tmp:
        home = Path(tmp) / "data"
        env = {**os.environ, "TDPF_HOME": str(home), "DAGSTER_HOME": str(home / "dagster"),
               "DBT_SEND_ANONYMOUS_USAGE_STATS": "false", "DO_NOT_TRACK": "1"}
        tdpf = [str(BIN / "tdpf"), "build"]
        first = measure(tdpf, env)  # cold: dbt parse, every asset, first publication
        # dbt as tdpf runs it: in <home>/dbt/project (its profile names the warehouse relative to that
        # folder), with the same target, so its partial parsing state is dbt's best case
        project = home / "dbt" / "project"
        dbt = measure([str(BIN / "dbt"), "build", "--target-path", str(home / "dbt" / "target"),
                       "--log-path", str(home / "dbt" / "logs")], env, cwd=project)
        rebuild = measure(tdpf, env)  # nothing changed since the last build
        correct_one_register(home)
        one_register = measure(tdpf, env)
        add_one_day(home, env, Path(tmp) / "new-day")
        one_day = measure(tdpf, env)
    rows = [("tdpf build (first, cold)", first), ("dbt build alone (same data)", dbt),
            ("tdpf build (nothing changed)", rebuild), ("tdpf build (one register changed)", one_register),
            ("tdpf build (one new day)", one_day)]
    figures = {
        "first_build_s": round(first[0], 2),
        "dbt_build_s": round(dbt[0], 2),
        "rebuild_s": round(rebuild[0], 2),
        "one_register_s": round(one_register[0], 2),
        "one_day_s": round(one_day[0], 2),
        "first_build_vs_dbt_build": round(first[0] / dbt[0], 2),
        "rebuild_vs_dbt_build": round(rebuild[0] / dbt[0], 3),
        "one_register_vs_first_build": round(one_register[0] / first[0], 3),
        "one_day_vs_first_build": round(one_day[0] / first[0], 3),
        "peak_rss_mb": round(max(r for _, (_, r) in rows), 1),
    }
    print(f"{'measurement':36} {'wall s':>8} {'peak RSS MiB':>13}")
    for name, (wall, rss) in rows:
        print(f"{name:36} {wall:8.2f} {rss:13.1f}")
    print(f"first build / dbt build alone: {figures['first_build_vs_dbt_build']} (target ≤ 2)")
    print(f"no-change rebuild / dbt build alone: {figures['rebuild_vs_dbt_build']} (target ≤ 0.25)")
    print(f"one changed register / first build: {figures['one_register_vs_first_build']} (target ≤ 0.35)")
    print(f"one new day / first build: {figures['one_day_vs_first_build']} (target ≤ 0.35)")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
