"""Great Expectations suites kept as files, run on a table in memory, offline and quietly.

Why GX's pandas datasource: GX 1.x's SQL datasource does not work on DuckDB (DuckDB is not a
GX dialect, and results are read after the connection closes), so the rows of a dataset — or
of one partition — are read from DuckDB into a frame and validated there. Why an ephemeral
context with in-memory stores: nothing of GX's own (config, stores, data docs) is written to
disk, its usage statistics are off (no network here) and its progress bars are silenced, so a
Dagster log stays readable.

A suite file (``expectations/<dataset-id>.yaml``) lists expectations by their GX type name
with their arguments and a ``severity``: ``error`` blocks publication, ``warn`` is reported.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

SEVERITIES = ("error", "warn")
SAMPLE_SIZE = 5


class SuiteError(ValueError):
    """A suite file is malformed; the message names the file, the expectation and the field."""


@dataclass(frozen=True)
class ExpectationRule:
    """One expectation of a suite file."""

    type: str
    kwargs: dict[str, Any]
    severity: str
    notes: str = ""

    @property
    def name(self) -> str:
        """A stable, readable name: the type without its prefix, and the column(s) it checks."""
        target = self.kwargs.get("column") or ",".join(self.kwargs.get("column_list", []))
        short = self.type.removeprefix("expect_")
        return f"{short}[{target}]" if target else short


@dataclass(frozen=True)
class Suite:
    """A dataset's expectations, as read from its file."""

    dataset: str
    rules: tuple[ExpectationRule, ...]
    path: Path | None = None


@dataclass(frozen=True)
class RuleOutcome:
    """How one expectation ended on one table: the facts a quality report and metadata need."""

    name: str
    type: str
    severity: str
    success: bool
    element_count: int
    unexpected_count: int
    unexpected_sample: tuple[Any, ...]
    notes: str


def load_suite(path: Path) -> Suite:
    """Read and check a suite file (every type must be a GX expectation)."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise SuiteError(f"{path.name}: not valid YAML ({exc})") from exc
    if not isinstance(raw, dict) or not isinstance(raw.get("dataset"), str):
        raise SuiteError(f"{path.name}: expected a mapping with 'dataset' and 'expectations'")
    rules = []
    for index, item in enumerate(raw.get("expectations") or [], start=1):
        rules.append(_rule(path, index, item))
    return Suite(raw["dataset"], tuple(rules), path)


def _rule(path: Path, index: int, item: Any) -> ExpectationRule:
    where = f"{path.name}: expectation #{index}"
    if not isinstance(item, dict):
        raise SuiteError(f"{where}: expected a mapping with type, kwargs and severity")
    unknown = set(item) - {"type", "kwargs", "severity", "notes"}
    if unknown:
        raise SuiteError(f"{where} field {sorted(unknown)[0]!r}: not a suite field (type, kwargs, severity, notes)")
    kind = item.get("type")
    if kind not in _expectation_classes():
        raise SuiteError(f"{where} field 'type': {kind!r} is not a Great Expectations expectation")
    severity = item.get("severity", "error")
    if severity not in SEVERITIES:
        raise SuiteError(f"{where} field 'severity': expected one of {', '.join(SEVERITIES)}; found {severity!r}")
    kwargs = item.get("kwargs") or {}
    if not isinstance(kwargs, dict):
        raise SuiteError(f"{where} field 'kwargs': expected a mapping of the expectation's arguments")
    return ExpectationRule(kind, dict(kwargs), severity, str(item.get("notes", "")))


@functools.cache
def _expectation_classes() -> dict[str, type]:
    """GX's expectation classes by their snake_case type name (``expect_column_values_to_be_unique``)."""
    import great_expectations as gx

    classes = {}
    for name in dir(gx.expectations):
        cls = getattr(gx.expectations, name)
        expectation_type = getattr(cls, "expectation_type", None)
        if isinstance(cls, type) and isinstance(expectation_type, str):
            classes[expectation_type] = cls
    return classes


def quiet_context() -> Any:
    """An ephemeral GX context: in-memory stores, no usage statistics, no progress bars."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    import great_expectations as gx
    from great_expectations.data_context.types.base import (
        DataContextConfig,
        InMemoryStoreBackendDefaults,
        ProgressBarsConfig,
    )

    config = DataContextConfig(
        store_backend_defaults=InMemoryStoreBackendDefaults(),
        progress_bars=ProgressBarsConfig(globally=False),
        analytics_enabled=False,
    )
    return gx.get_context(project_config=config, mode="ephemeral")


def validate(frame: Any, suite: Suite, context: Any | None = None) -> list[RuleOutcome]:
    """Run every expectation of ``suite`` on ``frame`` (a pandas DataFrame); one outcome each."""
    import great_expectations as gx

    context = context or quiet_context()
    classes = _expectation_classes()
    batch = (context.data_sources.add_or_update_pandas(f"tdpf_{suite.dataset}")
             .add_dataframe_asset(f"{suite.dataset}_{id(frame)}")
             .add_batch_definition_whole_dataframe("whole")
             .get_batch(batch_parameters={"dataframe": frame}))
    gx_suite = gx.ExpectationSuite(name=suite.dataset)
    for rule in suite.rules:
        gx_suite.add_expectation(classes[rule.type](**rule.kwargs))
    result = batch.validate(gx_suite, result_format={"result_format": "SUMMARY",
                                                     "partial_unexpected_count": SAMPLE_SIZE})
    pending = list(result.results)
    outcomes = []
    for rule in suite.rules:
        item = _take_result(pending, rule)
        detail = item.result or {}
        outcomes.append(RuleOutcome(
            name=rule.name, type=rule.type, severity=rule.severity, success=bool(item.success),
            element_count=int(detail.get("element_count", len(frame))),
            unexpected_count=int(detail.get("unexpected_count") or (0 if item.success else 1)),
            unexpected_sample=tuple(_plain(v) for v in (detail.get("partial_unexpected_list") or [])[:SAMPLE_SIZE]),
            notes=rule.notes,
        ))
    return outcomes


def _take_result(pending: list[Any], rule: ExpectationRule) -> Any:
    """The result GX gave for ``rule`` (matched by type and arguments, not by position)."""
    for index, item in enumerate(pending):
        config = item.expectation_config
        if config.type == rule.type and all(config.kwargs.get(k) == v for k, v in rule.kwargs.items()):
            return pending.pop(index)
    raise RuntimeError(f"Great Expectations returned no result for {rule.name}")


def _plain(value: Any) -> Any:
    """A JSON-friendly sample value (numpy scalars and timestamps become Python values or text)."""
    if hasattr(value, "item"):
        return value.item()
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)
