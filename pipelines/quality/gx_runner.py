"""Run a suite on a table in memory with Great Expectations, offline and quietly.

Why GX's pandas datasource: GX 1.x's SQL datasource does not work on DuckDB (DuckDB is not a
GX dialect, and results are read after the connection closes), so the rows of a dataset are read
from DuckDB into a frame and validated there. Why an ephemeral context with in-memory stores:
nothing of GX's own (config, stores, data docs) is written to disk, its usage statistics are off
(no network here) and its progress bars are silenced, so a Dagster log stays readable.

The runner imports the suite format (``suites``), never the other way round. Reading a suite
checks it without GX; ``check_suite`` adds the check only GX can make (every rule becomes its
expectation, so wrong arguments fail with the file, the rule and the field), and ``validate``
runs it before any row is read into GX.
"""

from __future__ import annotations

import functools
import importlib
import os
import threading
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipelines.quality.suites import ExpectationRule, Suite, SuiteError, load_suite

SAMPLE_SIZE = 5
RULE_KEY = "tdpf_rule"  # each expectation's meta names its rule, so results map back by name
PARTITION_SAMPLE_SIZE = 3  # failing values kept per partition (publisher, day)
# imported before the warm-up thread starts (see ``warm_up_in_background``)
SHARED_WITH_RUNS = ("numpy", "pandas", "sqlalchemy.orm", "dateutil.easter", "zoneinfo")


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
    kwargs: dict[str, Any]
    observed: Any = None
    partitions: tuple[str, ...] = ()  # every partition (publisher, day) holding failing rows
    error: str = ""  # set when the expectation itself could not run
    #: True when every failing row was located in a partition: the failure is those partitions' own
    #: (a table-wide rule — a row count, a mean — or a row without a partition is nobody's in particular)
    attributed: bool = False
    partition_samples: dict[str, tuple[Any, ...]] = field(default_factory=dict)
    missing_count: int = 0  # rows a map rule did not judge (null): ``mostly`` is a share of the others

    @property
    def blocking(self) -> bool:
        return not self.success and self.severity == "error"


@functools.cache
def expectation_classes() -> dict[str, type]:
    """GX's expectation classes and ours, by snake_case type name.

    The truth the GX-free list (``expectation_types.known_expectation_types``) is tested against.
    """
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    import great_expectations as gx

    from pipelines.quality.custom_expectations import CUSTOM_EXPECTATIONS

    classes: dict[str, type] = {}
    for cls in [getattr(gx.expectations, name) for name in dir(gx.expectations)] + list(CUSTOM_EXPECTATIONS):
        expectation_type = getattr(cls, "expectation_type", None)
        if isinstance(cls, type) and isinstance(expectation_type, str) and expectation_type:
            classes[expectation_type] = cls  # abstract classes have the type "" and cannot run
    return classes


def import_shared_packages() -> None:
    """The packages both GX and a build's runs import, imported on the calling thread."""
    for shared in SHARED_WITH_RUNS:
        importlib.import_module(shared)


def warm_up_in_background() -> threading.Thread:
    """Import Great Expectations on a thread, while a build's first runs mostly wait on dbt.

    Importing GX and registering our expectations takes ~3.5 s of the first gate of every build;
    the runs before the gates spend most of their time waiting on the dbt subprocess, so the
    import costs nothing there. A gate that starts before the thread is done waits for the same
    import.

    Python's per-module import locks do not make two threads importing the same packages safe:
    when each holds a module the other needs, one is handed a half-initialised module (a build
    once failed in its dbt step with ``partially initialized module 'sqlalchemy.orm.exc'``). So
    the packages GX shares with the runs' own code (pandas and numpy, which the ingests import;
    SQLAlchemy's ORM, under Dagster's storage) are imported here, on the calling thread, first
    (~0.3 s, most of which the runs would spend anyway); the thread then imports only what GX
    alone uses.
    """
    import_shared_packages()
    thread = threading.Thread(target=expectation_classes, name="tdpf-gx-warm-up", daemon=True)
    thread.start()
    return thread


def gx_expectation(suite: Suite, rule: ExpectationRule, **extra: Any) -> Any:
    """``rule`` as its GX expectation; a ``SuiteError`` naming the file, rule and field if GX refuses it."""
    classes = expectation_classes()
    where = suite.location(rule)
    if rule.type not in classes:
        raise SuiteError(f"{where} field 'type': {rule.type!r} is not a Great Expectations expectation")
    try:
        return classes[rule.type](**rule.kwargs, **extra)
    except Exception as exc:  # noqa: BLE001 - GX raises pydantic and its own errors alike
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise SuiteError(f"{where} field 'kwargs': not valid arguments for {rule.type} ({first})") from exc


def check_suite(suite: Suite) -> Suite:
    """``suite`` once GX accepted every rule: the part of the check that needs GX imported."""
    for rule in suite.rules:
        gx_expectation(suite, rule)
    return suite


def load_checked_suite(path: Path) -> Suite:
    """Read a suite file and check it completely, GX included (commands and tests that edit suites)."""
    return check_suite(load_suite(path))


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
    """Run every expectation of ``suite`` on ``frame`` (a pandas DataFrame); one outcome each.

    Every rule is made into its GX expectation first (a ``SuiteError`` if GX refuses one), so a
    suite with wrong arguments fails before any work. The suite runs with GX's ``BASIC`` results
    (counts and a sample). With a ``partition_column``, the rules that failed run once more with
    ``COMPLETE`` results, whose failing row positions name the partitions (publishers, days) that
    broke them: asking that of every rule cost half the validation time for rules that pass.
    """
    context = context or quiet_context()
    source = context.data_sources.add_or_update_pandas(f"tdpf_{suite.dataset}")
    asset = f"{suite.dataset}_{uuid.uuid4().hex[:12]}"  # a gate may validate several frames of one set
    batch = (source.add_dataframe_asset(asset).add_batch_definition_whole_dataframe("whole")
             .get_batch(batch_parameters={"dataframe": frame}))
    try:
        results = _run(batch, suite, list(suite.rules), "BASIC")
        if suite.partition_column in frame.columns:
            failed = [rule for rule in suite.rules if not results[rule.name].success]
            results.update(_run(batch, suite, failed, "COMPLETE") if failed else {})
        return [_outcome(results[rule.name], rule, frame, suite.partition_column) for rule in suite.rules]
    finally:
        source.delete_asset(asset)  # the context outlives the frame: keep no reference to it
        _forget_batches(batch)


def _forget_batches(batch: Any) -> None:
    """Drop the frames GX's execution engine keeps of every batch it validated.

    The pandas engine caches each batch's data for the life of the data source, and the data source
    lives as long as the context — a whole build: every frame a gate validated stayed in memory
    (~235 MB per 250,000-row piece of a large set), whatever the caller let go of.
    """
    manager = batch.data.execution_engine.batch_manager
    manager.batch_data_cache.clear()
    manager.reset_batch_cache()


def _run(batch: Any, suite: Suite, rules: list[ExpectationRule], result_format: str) -> dict[str, Any]:
    """GX's result for each of ``rules``, by rule name (matched through each expectation's meta)."""
    import great_expectations as gx

    # the suite is built in one go: ``add_expectation`` compares each new rule with every earlier one
    gx_suite = gx.ExpectationSuite(name=suite.dataset, expectations=[
        gx_expectation(suite, rule, meta={RULE_KEY: rule.name}) for rule in rules])
    result = batch.validate(gx_suite, result_format={"result_format": result_format,
                                                     "partial_unexpected_count": SAMPLE_SIZE})
    by_name = {(item.expectation_config.meta or {}).get(RULE_KEY): item for item in result.results}
    missing = [rule.name for rule in rules if rule.name not in by_name]
    if missing:
        raise RuntimeError(f"Great Expectations returned no result for {', '.join(missing)}")
    return by_name


def _outcome(item: Any, rule: ExpectationRule, frame: Any, partition_column: str | None) -> RuleOutcome:
    detail = item.result or {}
    error = ""
    info = getattr(item, "exception_info", None) or {}
    if info.get("raised_exception"):
        error = str(info.get("exception_message") or "the expectation raised an error").strip().splitlines()[0]
    unexpected = detail.get("unexpected_count")
    partitions, attributed, samples = _failing_partitions(detail, frame, partition_column, rule.kwargs.get("column"))
    return RuleOutcome(
        name=rule.name, type=rule.type, severity=rule.severity, success=bool(item.success) and not error,
        element_count=int(detail.get("element_count", len(frame))),
        unexpected_count=int(unexpected) if unexpected is not None else (0 if item.success else 1),
        unexpected_sample=tuple(v for v in (_plain(v) for v in (detail.get("partial_unexpected_list") or []))
                                if not _missing(v))[:SAMPLE_SIZE],
        notes=rule.notes, kwargs=rule.kwargs, observed=_plain(detail.get("observed_value")),
        partitions=partitions, error=error, attributed=attributed and not error and not item.success,
        partition_samples=samples, missing_count=int(detail.get("missing_count") or 0),
    )


def _failing_partitions(detail: dict[str, Any], frame: Any, column: str | None,
                        checked: str | None) -> tuple[tuple[str, ...], bool, dict[str, tuple[Any, ...]]]:
    """The partitions of the failing rows, whether every failing row has one, and a few values each."""
    positions = detail.get("unexpected_index_list")
    if not column or column not in frame.columns or not positions or not isinstance(positions[0], int):
        return (), False, {}
    rows = frame.loc[sorted(set(positions))]
    owners = rows[column]
    values = sorted(owners.dropna().astype(str).unique().tolist())
    samples: dict[str, tuple[Any, ...]] = {}
    if checked in frame.columns:
        for owner in values:
            cells = rows.loc[owners.astype(str) == owner, checked].head(PARTITION_SAMPLE_SIZE).tolist()
            samples[owner] = tuple(None if _missing(v) else _plain(v) for v in cells)
    return tuple(values), bool(owners.notna().all()), samples


def _missing(value: Any) -> bool:
    """Null-like samples (a not-null failure's NaN, <NA>) say nothing; partitions locate them."""
    if value is None:
        return True
    try:
        return bool(value != value) or str(value) in ("<NA>", "NaT", "nan")
    except TypeError:  # pandas.NA refuses to be a truth value: it is missing
        return True


def _plain(value: Any) -> Any:
    """A JSON-friendly value (numpy scalars and timestamps become Python values or text)."""
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if hasattr(value, "item"):
        try:
            return value.item()
        except (ValueError, AttributeError):
            return str(value)
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)
