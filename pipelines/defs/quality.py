"""Quality: the gate every dataset passes before it is published.

Per published dataset, one Dagster multi-asset check on its dbt model runs the dataset's Great
Expectations suite (``expectations/<dataset>.yaml``) and reads the dataset's dbt test results:
one check per expectation plus ``dbt_tests``, all blocking. A failing ``error`` fails that check
step only, so Dagster does not run that dataset's release and every other dataset goes on; the
failed attempt, its failing checks and its report are recorded beside the releases, where the
API shows them while the previous release stays served.

dbt's tests still run as dagster-dbt asset checks on every model, but not blocking there: a
blocking failure inside the dbt step would fail the whole step and hold back every dataset it
builds. The gate enforces them per dataset instead (``dbt_tests``).
"""

from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import dagster as dg
from dagster_duckdb import DuckDBResource

from pipelines.defs.resources import TdpfHome
from pipelines.quality.gate import DBT_CHECK, CheckOutcome, Verdict
from pipelines.defs.transform import TRANSLATOR
from pipelines.dbt_manifest import published_nodes
from pipelines.quality.gatekeeper import (
    GateTarget,
    gate_target,
    gate_version,
    record_blocked,
    run_gate,
    stage_verdict,
)

GATE_TAG = "quality_gate"


def release_gates(manifest: dict[str, Any]) -> dict[dg.AssetKey, tuple[dg.AssetCheckKey, str]]:
    """Release → (its gate's ``dbt_tests`` check on the model, the gate version = the suite's digest).

    The build planner reads these: a gate that already judged the model's data is not rerun, and a
    changed suite re-checks its dataset.
    """
    from pipelines.defs.publish import release_key

    return {
        release_key(node): (dg.AssetCheckKey(TRANSLATOR.get_asset_key(node), DBT_CHECK),
                            gate_version(node["meta"]["tdpf"]["dataset_id"]))
        for node in published_nodes(manifest)
    }


def gate_targets(manifest: dict[str, Any]) -> dict[str, GateTarget]:
    """Every published dataset's gate target, by dataset id (a dataset without a suite fails here)."""
    return {
        node["meta"]["tdpf"]["dataset_id"]: replace(gate_target(manifest, node), model_key=TRANSLATOR.get_asset_key(node))
        for node in published_nodes(manifest)
    }


def build_quality_gates(targets: dict[str, GateTarget]) -> list[dg.AssetChecksDefinition]:
    return [build_quality_gate(t) for t in targets.values()]


def build_quality_gate(target: GateTarget) -> dg.AssetChecksDefinition:
    """The blocking checks of one dataset: one per expectation of its suite, and ``dbt_tests``."""
    specs = [
        dg.AssetCheckSpec(
            rule.name, asset=target.model_key, blocking=True,
            description=f"[{rule.severity}] {rule.type}({_kwargs_text(rule.kwargs)}) {rule.notes}".strip(),
            metadata={"engine": "great_expectations", "severity": rule.severity, "suite": target.suite_file},
        )
        for rule in target.suite.rules
    ]
    specs.append(dg.AssetCheckSpec(
        DBT_CHECK, asset=target.model_key, blocking=True,
        description=f"dbt's tests on {', '.join(target.models)} (failing error tests block publication)",
        metadata={"engine": "dbt"},
    ))

    @dg.multi_asset_check(specs=specs, name=f"quality_gate_{target.model}", can_subset=False,
                          description=f"品質ゲート {target.dataset_id}: Great Expectations suite + dbt tests")
    def _gate(context: dg.AssetCheckExecutionContext, tdpf: TdpfHome,
              duckdb: DuckDBResource) -> Iterator[dg.AssetCheckResult]:
        with duckdb.get_connection() as conn:
            verdict, report = run_gate(conn, target, tdpf.home)
        if verdict.blocked:
            attempt = record_blocked(tdpf.home, target, verdict, report, context.run.run_id)
            context.log.error(f"{target.dataset_id}: quality gate failed — not published "
                              f"(attempt {attempt.id}; report {attempt.path / report.name})")
        else:
            stage_verdict(tdpf.home, target, verdict, report, context.run.run_id)
        yield from _check_results(target, verdict)

    return _gate


def _check_results(target: GateTarget, verdict: Verdict) -> Iterator[dg.AssetCheckResult]:
    by_name = {c.check: c for c in verdict.checks if c.engine == "great_expectations"}
    held_back = verdict.held_back  # publishers' own failures: the others publish, so they warn
    for rule in target.suite.rules:
        outcome = by_name[rule.name]
        blocks = rule.severity == "error" and not held_back
        metadata = _outcome_metadata([outcome])
        if held_back and not outcome.success and outcome.blocking:
            metadata["held_back_publishers"] = ", ".join(outcome.partitions)
        yield dg.AssetCheckResult(
            check_name=rule.name, asset_key=target.model_key, passed=outcome.success,
            severity=dg.AssetCheckSeverity.ERROR if blocks else dg.AssetCheckSeverity.WARN,
            metadata=metadata,
        )
    dbt = [c for c in verdict.checks if c.engine == "dbt"]
    failing = [c for c in dbt if not c.success]
    yield dg.AssetCheckResult(
        check_name=DBT_CHECK, asset_key=target.model_key, passed=not any(c.blocking for c in dbt),
        severity=dg.AssetCheckSeverity.ERROR,
        metadata={"tests": len(dbt), "failing": len(failing), **_outcome_metadata(failing)},
    )


def _outcome_metadata(outcomes: list[CheckOutcome]) -> dict[str, Any]:
    if len(outcomes) == 1 and outcomes[0].engine == "great_expectations":
        o = outcomes[0]
        return {"unexpected_count": o.unexpected_count, "element_count": o.element_count,
                "sample": dg.MetadataValue.json(list(o.sample)), "partitions": ", ".join(o.partitions),
                "notes": o.notes}
    return {"failing_tests": dg.MetadataValue.json([c.to_json() for c in outcomes])} if outcomes else {}


def _kwargs_text(kwargs: dict[str, Any]) -> str:
    text = ", ".join(f"{k}={v!r}" for k, v in kwargs.items())
    return text if len(text) < 200 else text[:197] + "…"
