"""Quality: the verdict of dbt's tests per model, kept in the warehouse for publication.

dbt's tests already gate the run (a failing ``error`` test fails the dbt step, so nothing
is published). Every dbt invocation records its tests as it ends (``pipelines/dbt_results.py``);
this asset, downstream of every dbt model, reports the table the releases read, so every
release can say how its data was checked.
"""

from typing import Any

import dagster as dg
from dagster_duckdb import DuckDBResource

from pipelines.defs.resources import OWNER
from pipelines.dbt_results import AUDIT_SCHEMA, RESULTS_TABLE, DbtTestOutcome
from pipelines.warehouse import replace_rows, table_metadata


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
        " The latest result of every dbt test, per model; feeds each release's quality field.",
    )
    def dbt_test_results(duckdb: DuckDBResource) -> dg.MaterializeResult:
        # every dbt invocation has recorded its own tests (pipelines/dbt_results.py)
        with duckdb.get_connection() as conn:
            conn.execute(f"CREATE SCHEMA IF NOT EXISTS {AUDIT_SCHEMA}")
            replace_rows(conn, AUDIT_SCHEMA, RESULTS_TABLE, DbtTestOutcome, [], key=("model", "test_name"))
            metadata = table_metadata(conn, f"{AUDIT_SCHEMA}.{RESULTS_TABLE}")
            tests, failed = conn.execute(
                f"SELECT count(*), count(*) FILTER (status IN ('fail', 'error')) FROM {AUDIT_SCHEMA}.{RESULTS_TABLE}"
            ).fetchone()
        metadata.update({"tests": int(tests), "failed": int(failed)})
        return dg.MaterializeResult(metadata=metadata)

    return dbt_test_results
