"""Quality: the verdict of dbt's tests per model, kept in the warehouse for publication.

dbt's tests already gate the run (a failing ``error`` test fails the dbt step, so nothing
is published). This asset records which checks ran on each model and how they ended, so
every release can say how its data was checked.
"""


import json
from dataclasses import dataclass, field
from typing import Any

import dagster as dg
from dagster_duckdb import DuckDBResource

from pipelines.defs.resources import OWNER, TdpfHome
from pipelines.defs.transform import DBT_BUILD_TARGET, DBT_DAILY_TARGET
from pipelines.warehouse import replace_rows, table_metadata


@dataclass(frozen=True)
class DbtTestOutcome:
    """One dbt test and how it ended in the latest build."""

    model: str = field(metadata={"description": "dbt model the test is attached to"})
    test_name: str = field(metadata={"description": "dbt test node name"})
    status: str = field(metadata={"description": "pass, warn, fail, error or skipped"})
    failures: int | None = field(metadata={"description": "rows returned by the test query"})
    message: str | None = field(metadata={"description": "dbt's message"})


def read_test_results(target_dir: Any) -> list[DbtTestOutcome]:
    """Test results of the last ``dbt build``, each attached to the models it tests."""
    run_results = json.loads((target_dir / "run_results.json").read_text(encoding="utf-8"))
    manifest = json.loads((target_dir / "manifest.json").read_text(encoding="utf-8"))
    out: list[DbtTestOutcome] = []
    for result in run_results["results"]:
        node = manifest["nodes"].get(result["unique_id"])
        if not node or node["resource_type"] != "test":
            continue
        models = [manifest["nodes"][d]["name"] for d in node["depends_on"]["nodes"] if d.startswith("model.")]
        for model in models:
            out.append(
                DbtTestOutcome(model=model, test_name=node["name"], status=result["status"],
                           failures=result.get("failures"), message=result.get("message"))
            )
    return sorted(out, key=lambda r: (r.model, r.test_name))


def verdict(outcomes: list[DbtTestOutcome]) -> dict[str, Any]:
    """Status and counts for a set of test outcomes.

    Deterministic (no timestamps), so it can sit in a release's metadata without making an
    unchanged dataset look new; the release's own ``created_at`` says when it was checked.
    """
    failed = [r.test_name for r in outcomes if r.status in ("fail", "error")]
    warned = [r.test_name for r in outcomes if r.status == "warn"]
    return {
        "status": "failed" if failed else ("warned" if warned else "passed"),
        "checks_passed": sum(r.status == "pass" for r in outcomes),
        "checks_failed": len(failed),
        "checks_warned": len(warned),
        "checks": sorted({r.test_name for r in outcomes}),
        "engine": "dbt tests",
    }


def build_quality_asset(dbt_assets_defs: list[dg.AssetsDefinition]) -> dg.AssetsDefinition:
    """The ``quality/dbt_test_results`` asset, downstream of every dbt model."""

    @dg.asset(
        key=["quality", "dbt_test_results"],
        deps=[key for d in dbt_assets_defs for key in d.keys],
        group_name="quality",
        kinds={"dbt", "duckdb"},
        owners=[OWNER],
        description="dbt の検査結果（モデルごと）。公開メタデータの品質欄の元。"
        " Result of every dbt test of the latest build, per model; feeds each release's quality field.",
    )
    def dbt_test_results(tdpf: TdpfHome, duckdb: DuckDBResource) -> dg.MaterializeResult:
        results = [
            outcome
            for folder in (DBT_BUILD_TARGET, DBT_DAILY_TARGET)
            if (tdpf.home.dbt_target / folder / "run_results.json").exists()
            for outcome in read_test_results(tdpf.home.dbt_target / folder)
        ]
        with duckdb.get_connection() as conn:
            # a partial build reports only the tests it ran: keep the others' last verdict
            replace_rows(conn, "audit", "dbt_test_results", DbtTestOutcome, results, key=("model", "test_name"))
            metadata = table_metadata(conn, "audit.dbt_test_results")
        failed = sum(r.status in ("fail", "error") for r in results)
        metadata.update({"tests": len(results), "failed": failed})
        return dg.MaterializeResult(metadata=metadata)

    return dbt_test_results
