"""Suite files: one per published dataset, ``expectations/<dataset-id>.yaml``.

A suite has two lists. ``derived`` is written by ``tdpf quality generate`` from the dataset's
dbt schema (columns, types, tests, standard-set kinds) and rewritten whenever the schema changes;
``rules`` is written by people and kept as it is. Every expectation has a stable ASCII ``name``
(it becomes a Dagster asset check), a Great Expectations type, its arguments and a ``severity``:
``error`` blocks publication, ``warn`` is reported.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from pipelines.yaml_files import load_yaml

SEVERITIES = ("error", "warn")
SUITES_DIR = Path(__file__).resolve().parents[2] / "expectations"
_NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_]{0,63}$")
_RULE_FIELDS = ("name", "type", "kwargs", "severity", "notes")
_SUITE_FIELDS = ("dataset", "model", "partition_column", "derived", "rules")


class SuiteError(ValueError):
    """A suite file is malformed; the message names the file, the expectation and the field."""


@dataclass(frozen=True)
class ExpectationRule:
    """One expectation of a suite file."""

    name: str
    type: str
    kwargs: dict[str, Any]
    severity: str
    notes: str = ""
    derived: bool = False

    def to_yaml(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name, "type": self.type, "kwargs": self.kwargs,
                               "severity": self.severity}
        if self.notes:
            out["notes"] = self.notes
        return out


@dataclass(frozen=True)
class Suite:
    """A dataset's expectations, as read from its file."""

    dataset: str
    rules: tuple[ExpectationRule, ...]
    model: str = ""
    partition_column: str | None = None
    path: Path | None = field(default=None, compare=False)

    @property
    def hand_written(self) -> tuple[ExpectationRule, ...]:
        return tuple(r for r in self.rules if not r.derived)


def suites_dir() -> Path:
    """Where the suites live: ``TDPF_EXPECTATIONS`` or the repository's ``expectations/``."""
    return Path(os.environ.get("TDPF_EXPECTATIONS") or SUITES_DIR)


def suite_path(dataset_id: str, directory: Path | None = None) -> Path:
    return (directory or suites_dir()) / f"{dataset_id}.yaml"


def load_suite(path: Path) -> Suite:
    """Read and check a suite file (every type must be a GX expectation, names unique)."""
    from pipelines.quality.gx_runner import expectation_classes

    raw = load_yaml(path, SuiteError)
    if not isinstance(raw, dict) or not isinstance(raw.get("dataset"), str):
        raise SuiteError(f"{path.name}: expected a mapping with 'dataset', 'derived' and 'rules'")
    unknown = set(raw) - set(_SUITE_FIELDS)
    if unknown:
        raise SuiteError(f"{path.name} field {sorted(unknown)[0]!r}: not a suite field ({', '.join(_SUITE_FIELDS)})")
    classes = expectation_classes()
    rules: list[ExpectationRule] = []
    for section in ("derived", "rules"):
        for index, item in enumerate(raw.get(section) or [], start=1):
            rules.append(_rule(path, f"{section} #{index}", item, classes, derived=section == "derived"))
    seen: set[str] = set()
    for rule in rules:
        if rule.name in seen:
            raise SuiteError(f"{path.name} field 'name': {rule.name!r} is used twice; names must be unique")
        seen.add(rule.name)
    return Suite(raw["dataset"], tuple(rules), str(raw.get("model") or ""), raw.get("partition_column"), path)


def _rule(path: Path, where_in_file: str, item: Any, classes: dict[str, type], derived: bool) -> ExpectationRule:
    where = f"{path.name}: {where_in_file}"
    if not isinstance(item, dict):
        raise SuiteError(f"{where}: expected a mapping with name, type, kwargs and severity")
    unknown = set(item) - set(_RULE_FIELDS)
    if unknown:
        raise SuiteError(f"{where} field {sorted(unknown)[0]!r}: not an expectation field ({', '.join(_RULE_FIELDS)})")
    name = item.get("name")
    if not isinstance(name, str) or not _NAME_RE.fullmatch(name):
        raise SuiteError(f"{where} field 'name': expected lower-case ASCII letters, digits and '_' "
                         f"(it names a Dagster asset check); found {name!r}")
    kind = item.get("type")
    if kind not in classes:
        raise SuiteError(f"{where} field 'type': {kind!r} is not a Great Expectations expectation")
    severity = item.get("severity", "error")
    if severity not in SEVERITIES:
        raise SuiteError(f"{where} field 'severity': expected one of {', '.join(SEVERITIES)}; found {severity!r}")
    kwargs = item.get("kwargs") or {}
    if not isinstance(kwargs, dict):
        raise SuiteError(f"{where} field 'kwargs': expected a mapping of the expectation's arguments")
    try:
        classes[kind](**kwargs)
    except Exception as exc:  # noqa: BLE001 - GX raises pydantic and its own errors alike
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise SuiteError(f"{where} field 'kwargs': not valid arguments for {kind} ({first})") from exc
    return ExpectationRule(name, kind, dict(kwargs), severity, str(item.get("notes", "")), derived)


def dump_suite(suite: Suite) -> str:
    """The file text of a suite: derived rules first (generated), then the hand-written ones."""
    header = ("# Great Expectations suite (see expectations/README.md). `derived` is rewritten by\n"
              "# `tdpf quality generate` from the dbt schema; edit `rules`, which it keeps.\n")
    document: dict[str, Any] = {"dataset": suite.dataset, "model": suite.model}
    if suite.partition_column:
        document["partition_column"] = suite.partition_column
    document["derived"] = [r.to_yaml() for r in suite.rules if r.derived]
    document["rules"] = [r.to_yaml() for r in suite.rules if not r.derived]
    return header + yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=110)
