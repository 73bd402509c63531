"""Benchmark: the time a build spends in its checks, against the whole build (the yardstick).

What it answers: what the quality gate costs. One fresh `tdpf build` (what `make build` runs) is
timed whole; Dagster's event log of that build gives the time of every quality-gate step (Great
Expectations suites + the dbt verdict) and of the dbt steps; the dbt tests are timed on their own
(`dbt test` over the built warehouse), as is `tdpf quality run` (every gate, nothing published).
The machine is shared and noisy, so the shares matter more than the seconds. Prints a table,
then one JSON line with the figures.

    .venv/bin/python bench/quality.py
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build import BIN, REPO, measure  # noqa: E402  (bench/build.py: wall time and peak RSS)


def step_seconds(dagster_home: Path) -> dict[str, float]:
    """Seconds per step key over every run of the instance (start → success or failure)."""
    os.environ["DAGSTER_HOME"] = str(dagster_home)
    import dagster as dg

    instance = dg.DagsterInstance.get()
    started: dict[tuple[str, str], float] = {}
    out: dict[str, float] = {}
    kinds = {dg.DagsterEventType.STEP_START, dg.DagsterEventType.STEP_SUCCESS, dg.DagsterEventType.STEP_FAILURE}
    for run in instance.get_runs():
        for record in instance.all_logs(run.run_id, of_type=kinds):
            key = (run.run_id, record.step_key or "")
            if record.dagster_event.event_type == dg.DagsterEventType.STEP_START:
                started[key] = record.timestamp
            elif key in started:
                out[record.step_key or ""] = out.get(record.step_key or "", 0.0) + record.timestamp - started.pop(key)
    return out


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="tdpf-bench-quality-") as tmp:
        home = Path(tmp) / "data"
        env = {**os.environ, "TDPF_HOME": str(home), "DAGSTER_HOME": str(home / "dagster"),
               "DBT_SEND_ANONYMOUS_USAGE_STATS": "false", "DO_NOT_TRACK": "1"}
        build_s, build_rss = measure([str(BIN / "tdpf"), "build"], env)
        steps = step_seconds(home / "dagster")
        dbt_test = [str(BIN / "dbt"), "test", "--project-dir", str(REPO / "dbt_project"),
                    "--profiles-dir", str(REPO / "dbt_project"), "--target-path", str(home / "dbt" / "bench-target"),
                    "--log-path", str(home / "dbt" / "logs")]
        dbt_test_s, _ = measure(dbt_test, env)
        quality_run_s, quality_rss = measure([str(BIN / "tdpf"), "quality", "run"], env)
    gates = {k: v for k, v in steps.items() if k.startswith("quality_gate_")}
    gate_s = sum(gates.values())
    dbt_steps_s = sum(v for k, v in steps.items() if "dbt_models" in k)
    figures = {
        "build_s": round(build_s, 2),
        "gate_steps_s": round(gate_s, 2),
        "gate_share_of_build": round(gate_s / build_s, 3),
        "slowest_gate": max(gates, key=gates.get) if gates else None,
        "slowest_gate_s": round(max(gates.values()), 2) if gates else 0.0,
        "dbt_steps_s": round(dbt_steps_s, 2),
        "dbt_test_alone_s": round(dbt_test_s, 2),
        "dbt_test_share_of_build": round(dbt_test_s / build_s, 3),
        "checks_share_of_build": round((gate_s + dbt_test_s) / build_s, 3),
        "quality_run_s": round(quality_run_s, 2),
        "peak_rss_mb": round(max(build_rss, quality_rss), 1),
        "gates": len(gates),
    }
    print(f"{'measurement':44} {'seconds':>9} {'share of build':>15}")
    print(f"{'tdpf build (fresh; what make build runs)':44} {build_s:9.2f} {1:15.3f}")
    print(f"{'  quality-gate steps in it (' + str(len(gates)) + ' datasets)':44} {gate_s:9.2f} "
          f"{figures['gate_share_of_build']:15.3f}")
    print(f"{'  dbt steps in it (build + test)':44} {dbt_steps_s:9.2f} {dbt_steps_s / build_s:15.3f}")
    print(f"{'dbt test alone, every test':44} {dbt_test_s:9.2f} {figures['dbt_test_share_of_build']:15.3f}")
    print(f"{'tdpf quality run (every gate, no publish)':44} {quality_run_s:9.2f} {quality_run_s / build_s:15.3f}")
    print(f"checks (gates + dbt tests) as a share of the build: {figures['checks_share_of_build']}; "
          f"slowest gate {figures['slowest_gate']} {figures['slowest_gate_s']} s; peak RSS {figures['peak_rss_mb']} MiB")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
