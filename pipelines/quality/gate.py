"""One dataset's quality gate: its dbt tests and its Great Expectations suite, as one verdict.

The verdict is what the Dagster checks report, what an attempt records, what a release's
metadata carries and what the HTML report shows; ``tdpf quality run`` prints it. ``error``
failures block publication; ``warn`` failures are published and shown.

A publisher is the unit of quality for the standard sets (suites partitioned by
全国地方公共団体コード): when every blocking failure is located in some publishers' rows, those
publishers are held back at their last good rows and everyone else's update is published
(status ``partial``). A failure nobody's rows own — a dbt test, a table-wide expectation, a
failing row without a publisher — or one that every publisher shares holds back the dataset.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from datetime import datetime, timezone
from typing import Any

import duckdb

from catalog_api.release_contract import HeldBackPublisher, QualityFailure, QualitySummary
from pipelines.dbt_results import AUDIT_SCHEMA, RESULTS_TABLE, DbtTestOutcome
from pipelines.memory import release_memory
from pipelines.quality.frames import merge_outcomes, plan_frames, read_frames, rules_for_pieces
from pipelines.quality.gx_runner import RuleOutcome, validate
from pipelines.quality.suites import Suite

DBT_CHECK = "dbt_tests"
REPORT_FILE = "quality.html"
#: The partition column whose values are publishers: gates hold back publishers, not datasets.
PUBLISHER_PARTITION = "全国地方公共団体コード"


@dataclass(frozen=True)
class CheckOutcome:
    """One check of either engine, in the shape users read (metadata, report, CLI table)."""

    check: str
    engine: str  # "great_expectations" or "dbt"
    severity: str  # "error" or "warn"
    success: bool
    column: str = ""
    expectation: str = ""
    unexpected_count: int = 0
    element_count: int = 0
    sample: tuple[Any, ...] = ()
    partitions: tuple[str, ...] = ()
    notes: str = ""
    attributed: bool = False  # every failing row is located in a partition (see gx_runner.RuleOutcome)
    partition_samples: dict[str, tuple[Any, ...]] = field(default_factory=dict, compare=False)

    @property
    def blocking(self) -> bool:
        return not self.success and self.severity == "error"

    def to_json(self) -> dict[str, Any]:
        """This check as a failure entry of the release contract (typed, so a bad value fails here)."""
        return QualityFailure(
            check=self.check, engine=self.engine, severity=self.severity, column=self.column,  # type: ignore[arg-type]
            expectation=self.expectation, unexpected_count=self.unexpected_count, sample=self.sample,
            partitions=self.partitions, notes=self.notes,
        ).to_json()


@dataclass(frozen=True)
class Verdict:
    """How a dataset fared in its gate at ``checked_at``."""

    dataset_id: str
    checked_at: str
    row_count: int
    checks: tuple[CheckOutcome, ...]
    partition_column: str | None = None
    suite_file: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
    partitions_seen: tuple[str, ...] = ()  # every partition value of the checked rows

    @property
    def held_back(self) -> dict[str, list[CheckOutcome]]:
        """Publisher → the blocking checks its rows fail; empty unless the failures are publishers' own."""
        blocking = [c for c in self.checks if c.blocking]
        if self.partition_column != PUBLISHER_PARTITION or not blocking or not all(c.attributed for c in blocking):
            return {}
        publishers: dict[str, list[CheckOutcome]] = {}
        for check in blocking:
            for code in check.partitions:
                publishers.setdefault(code, []).append(check)
        if set(self.partitions_seen) <= set(publishers):
            return {}  # every publisher fails: there is no one's update to publish
        return publishers

    @property
    def status(self) -> str:
        if self.held_back:
            return "partial"
        if any(c.blocking for c in self.checks):
            return "failed"
        return "warned" if any(not c.success for c in self.checks) else "passed"

    @property
    def blocked(self) -> bool:
        return self.status == "failed"

    def summary(self, report: str | None = REPORT_FILE) -> dict[str, Any]:
        """The ``quality`` object of release metadata and attempts, built as a typed ``QualitySummary``.

        Built through the release contract so a verdict that breaks it fails here, in the gate,
        not later in the API; returned as JSON because that is what the report template, the CLI
        and the staged verdict read (``QualitySummary.from_json`` gives the typed value back).
        """
        failed = [c for c in self.checks if c.blocking]
        warned = [c for c in self.checks if not c.success and not c.blocking]
        return QualitySummary(
            status=self.status,  # type: ignore[arg-type]
            checked_at=self.checked_at,
            checks_passed=sum(c.success for c in self.checks),
            checks_failed=len(failed),
            checks_warned=len(warned),
            engines=tuple(sorted({c.engine for c in self.checks})),  # type: ignore[arg-type]
            report=report,
            failures=tuple(QualityFailure.from_json(c.to_json()) for c in failed + warned),
            **self._held_back_field(),
        ).to_json()

    def _held_back_field(self) -> dict[str, Any]:
        """``held_back_publishers`` only when someone is held back: a summary without any keeps its shape."""
        held = tuple(
            HeldBackPublisher(code=code, checks=tuple(c.check for c in checks),
                              sample=tuple(v for c in checks for v in c.partition_samples.get(code, ()))[:5])
            for code, checks in sorted(self.held_back.items()))
        return {"held_back_publishers": held} if held else {}


def gx_checks(outcomes: list[RuleOutcome]) -> list[CheckOutcome]:
    return [
        CheckOutcome(
            check=o.name, engine="great_expectations", severity=o.severity, success=o.success,
            column=_columns_of(o.kwargs),
            expectation=o.type, unexpected_count=o.unexpected_count, element_count=o.element_count,
            sample=o.unexpected_sample, partitions=o.partitions,
            notes=(o.error and f"could not run: {o.error}") or o.notes,
            attributed=o.attributed, partition_samples=o.partition_samples,
        )
        for o in outcomes
    ]


def _columns_of(kwargs: dict[str, Any]) -> str:
    if kwargs.get("column"):
        return str(kwargs["column"])
    pair = [kwargs[k] for k in ("column_A", "column_B") if kwargs.get(k)]
    return ", ".join(map(str, pair or kwargs.get("column_list", [])))


def dbt_checks(outcomes: list[DbtTestOutcome]) -> list[CheckOutcome]:
    """dbt's tests on the dataset's model and the models it is built from (latest result of each).

    A failure blocks when the test's gate severity is ``error``; dbt's own status is ``warn`` for
    every failing test (see ``pipelines/dbt_results.py``), so it says nothing about severity.
    """
    return [
        CheckOutcome(
            check=o.test_name, engine="dbt", severity=o.severity,
            success=not o.failed, column=o.model, expectation="dbt test",
            unexpected_count=int(o.failures or 0), notes=(o.message or "").strip()[:300],
        )
        for o in outcomes
    ]


def read_dbt_outcomes(conn: duckdb.DuckDBPyConnection, models: list[str]) -> list[DbtTestOutcome]:
    exists = conn.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_schema = ? AND table_name = ?",
        [AUDIT_SCHEMA, RESULTS_TABLE]).fetchone()[0]
    if not exists:
        return []
    names = ", ".join(f.name for f in fields(DbtTestOutcome))
    rows = conn.execute(
        f"SELECT {names} FROM {AUDIT_SCHEMA}.{RESULTS_TABLE} "
        "WHERE list_contains(?, model) ORDER BY model, test_name", [models]).fetchall()
    return [DbtTestOutcome(*r) for r in rows]


def evaluate(conn: duckdb.DuckDBPyConnection, suite: Suite, relation: str, models: list[str],
             context: Any | None = None) -> Verdict:
    """Run the dataset's gate: GX on the table's rows, plus dbt's recorded test results.

    GX sees the table as one frame, or in bounded pieces when it is large (``quality/frames.py``);
    each rule's outcome is the same either way.
    """
    columns = [row[0] for row in conn.execute(f"DESCRIBE {relation}").fetchall()]
    row_count = int(conn.execute(f"SELECT count(*) FROM {relation}").fetchone()[0])
    outcomes: dict[str, RuleOutcome] = {}
    for plan in plan_frames(suite.rules, columns, row_count, suite.partition_column):
        pieces = replace(suite, rules=rules_for_pieces(plan))
        parts: dict[str, list[RuleOutcome]] = {}
        for frame in read_frames(conn, relation, plan, row_count):
            for outcome in validate(frame, pieces, context):
                parts.setdefault(outcome.name, []).append(outcome)
            del frame  # before the next frame is read: one frame at a time
            release_memory()
        for rule in plan.rules:
            outcome = merge_outcomes(rule, parts[rule.name]) if plan.pieces else parts[rule.name][0]
            # a schema rule saw the column names only; it speaks for every row, as on the whole table
            outcomes[rule.name] = outcome if plan.rows else replace(outcome, element_count=row_count)
    checks = gx_checks([outcomes[r.name] for r in suite.rules]) + dbt_checks(read_dbt_outcomes(conn, models))
    seen: tuple[str, ...] = ()
    if suite.partition_column in columns:
        quoted = '"' + suite.partition_column.replace('"', '""') + '"'
        seen = tuple(sorted(str(v) for (v,) in conn.execute(
            f"SELECT DISTINCT {quoted} FROM {relation} WHERE {quoted} IS NOT NULL").fetchall()))
    return Verdict(
        dataset_id=suite.dataset, checked_at=utc_now(), row_count=row_count, checks=tuple(checks),
        partition_column=suite.partition_column, suite_file=suite.path.name if suite.path else "",
        partitions_seen=seen,
    )


def utc_now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
