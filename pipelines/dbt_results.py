"""dbt test outcomes, recorded in the warehouse after every dbt invocation.

A build runs dbt several times (the unpartitioned models before and after the partitioned
data, the daily models per range), each writing its own run_results.json over the last one.
Recording the tests of each invocation as it ends, keyed by (model, test), keeps every
model's latest verdict whichever invocation built it.

dbt runs every test as a warning (``dbt_project.yml``), so that one ``dbt build`` never skips a
model; what a failing test means for publication is the test's ``gate_severity`` (``meta``),
recorded here beside dbt's own status.
"""

import json
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import duckdb

from pipelines.dbt_manifest import gate_severity, models_tested_by
from pipelines.warehouse import replace_rows

AUDIT_SCHEMA = "audit"
RESULTS_TABLE = "dbt_test_results"


@dataclass(frozen=True)
class DbtTestOutcome:
    """One dbt test and how it ended in the latest build."""

    model: str = field(metadata={"description": "dbt model the test is attached to"})
    test_name: str = field(metadata={"description": "dbt test node name"})
    status: str = field(metadata={"description": "dbt's status: pass, warn, fail, error or skipped"})
    failures: int | None = field(metadata={"description": "rows returned by the test query"})
    message: str | None = field(metadata={"description": "dbt's message"})
    severity: str = field(default="error", metadata={
        "description": "what a failure means for publication: error (blocks) or warn (gate_severity)"})

    @property
    def failed(self) -> bool:
        """The test found rows (dbt reports them as ``warn``, see the module docstring) or could not run."""
        return self.status in ("warn", "fail", "error")


def read_test_results(target_dir: Path, manifest: Mapping[str, Any]) -> list[DbtTestOutcome]:
    """Test results of the last ``dbt build`` (its run_results.json), each attached to the models it tests."""
    run_results = json.loads((target_dir / "run_results.json").read_text(encoding="utf-8"))
    out: list[DbtTestOutcome] = []
    for result in run_results["results"]:
        node = manifest["nodes"].get(result["unique_id"])
        if not node or node["resource_type"] != "test":
            continue
        models = models_tested_by(manifest, node)
        severity = gate_severity(node)
        for model in models:
            out.append(
                DbtTestOutcome(model=model, test_name=node["name"], status=result["status"],
                               failures=result.get("failures"), message=result.get("message"), severity=severity)
            )
    return sorted(out, key=lambda r: (r.model, r.test_name))


def record_test_results(conn: duckdb.DuckDBPyConnection, target_dir: Path,
                        manifest: Mapping[str, Any]) -> list[DbtTestOutcome]:
    """Upsert the tests of the invocation whose artifacts are in ``target_dir``; return them."""
    if not (target_dir / "run_results.json").exists():
        return []
    results = read_test_results(target_dir, manifest)
    _drop_if_outdated(conn)
    replace_rows(conn, AUDIT_SCHEMA, RESULTS_TABLE, DbtTestOutcome, results, key=("model", "test_name"))
    return results


def _drop_if_outdated(conn: duckdb.DuckDBPyConnection) -> None:
    """A results table of an older layout is dropped; the next test run of each model refills it."""
    expected = [f.name for f in fields(DbtTestOutcome)]
    found = [r[0] for r in conn.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = ? AND table_name = ? "
        "ORDER BY ordinal_position", [AUDIT_SCHEMA, RESULTS_TABLE]).fetchall()]
    if found and found != expected:
        conn.execute(f"DROP TABLE {AUDIT_SCHEMA}.{RESULTS_TABLE}")
