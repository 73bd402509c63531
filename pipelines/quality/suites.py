"""Suite files: one per published dataset, ``expectations/<dataset-id>.yaml``.

A suite has two lists. ``derived`` is written by ``tdpf quality generate`` from the dataset's
dbt schema (columns, types, tests, standard-set kinds) and rewritten whenever the schema changes;
``rules`` is written by people and kept as it is. Every expectation has a stable ASCII ``name``
(it becomes a Dagster asset check), a Great Expectations type, its arguments and a ``severity``:
``error`` blocks publication, ``warn`` is reported.

This module is the file format only, pure data: ``load_suite`` checks everything that can be
checked without Great Expectations (fields, names, severities, the shape of ``kwargs``, that
``type`` names an existing expectation), so loading the Dagster code location never imports GX.
Whether the ``kwargs`` are valid arguments of that expectation only GX can say:
``gx_runner.check_suite`` does that, and the runner runs it before every validation.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from pipelines.quality.expectation_types import known_expectation_types
from pipelines.yaml_files import load_yaml

SEVERITIES = ("error", "warn")
SUITES_DIR = Path(__file__).resolve().parents[2] / "expectations"
_NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_]{0,63}$")
_RULE_FIELDS = ("name", "type", "kwargs", "severity", "notes")
_SUITE_FIELDS = ("dataset", "model", "partition_column", "derived", "rules")
_SECTIONS = ("derived", "rules")
#: The runner puts the rule's name in each expectation's ``meta``; a suite cannot set it.
RESERVED_KWARGS = frozenset({"meta"})


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

    @property
    def file_name(self) -> str:
        return self.path.name if self.path else f"{self.dataset}.yaml"

    def location(self, rule: ExpectationRule) -> str:
        """Where ``rule`` sits in the file, as errors name it (``aed-locations.yaml: rules #2``).

        Why here: checks made later (GX's, in the runner) must point at the same place in the
        file as the checks made when it is read.
        """
        section = [r for r in self.rules if r.derived == rule.derived]
        index = next(i for i, r in enumerate(section, start=1) if r.name == rule.name)
        return f"{self.file_name}: {'derived' if rule.derived else 'rules'} #{index}"


def suites_dir() -> Path:
    """Where the suites live: ``TDPF_EXPECTATIONS`` or the repository's ``expectations/``."""
    return Path(os.environ.get("TDPF_EXPECTATIONS") or SUITES_DIR)


def suite_path(dataset_id: str, directory: Path | None = None) -> Path:
    return (directory or suites_dir()) / f"{dataset_id}.yaml"


def load_suite(path: Path) -> Suite:
    """Read a suite file and check it without Great Expectations (see the module docstring).

    Cheap enough for every load of the code location; ``gx_runner.check_suite`` adds GX's own
    check of each expectation's arguments.
    """
    raw = load_yaml(path, SuiteError)
    if not isinstance(raw, dict) or not isinstance(raw.get("dataset"), str):
        raise SuiteError(f"{path.name}: expected a mapping with 'dataset', 'derived' and 'rules'")
    _check_suite_fields(path, raw)
    types = known_expectation_types()
    rules: list[ExpectationRule] = []
    for section in _SECTIONS:
        for index, item in enumerate(raw.get(section) or [], start=1):
            rules.append(_rule(path, f"{section} #{index}", item, types, derived=section == "derived"))
    seen: set[str] = set()
    for rule in rules:
        if rule.name in seen:
            raise SuiteError(f"{path.name} field 'name': {rule.name!r} is used twice; names must be unique")
        seen.add(rule.name)
    return Suite(raw["dataset"], tuple(rules), str(raw.get("model") or ""), raw.get("partition_column"), path)


def _check_suite_fields(path: Path, raw: dict[str, Any]) -> None:
    unknown = set(raw) - set(_SUITE_FIELDS)
    if unknown:
        raise SuiteError(f"{path.name} field {sorted(unknown)[0]!r}: not a suite field ({', '.join(_SUITE_FIELDS)})")
    for section in _SECTIONS:
        if not isinstance(raw.get(section) or [], list):
            raise SuiteError(f"{path.name} field {section!r}: expected a list of expectations")
    partition = raw.get("partition_column")
    if partition is not None and not (isinstance(partition, str) and partition):
        raise SuiteError(f"{path.name} field 'partition_column': expected a column name; found {partition!r}")


def _rule(path: Path, where_in_file: str, item: Any, types: frozenset[str], derived: bool) -> ExpectationRule:
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
    if kind not in types:
        raise SuiteError(f"{where} field 'type': {kind!r} is not a Great Expectations expectation")
    severity = item.get("severity", "error")
    if severity not in SEVERITIES:
        raise SuiteError(f"{where} field 'severity': expected one of {', '.join(SEVERITIES)}; found {severity!r}")
    kwargs = item.get("kwargs") or {}
    _check_kwargs_shape(where, kwargs)
    return ExpectationRule(name, kind, dict(kwargs), severity, str(item.get("notes", "")), derived)


def _check_kwargs_shape(where: str, kwargs: Any) -> None:
    """Arguments are passed as keywords: a mapping of identifiers, none the runner sets itself."""
    if not isinstance(kwargs, dict):
        raise SuiteError(f"{where} field 'kwargs': expected a mapping of the expectation's arguments")
    for key in kwargs:
        if not isinstance(key, str) or not key.isidentifier():
            raise SuiteError(f"{where} field 'kwargs': argument names are identifiers; found {key!r}")
        if key in RESERVED_KWARGS:
            raise SuiteError(f"{where} field 'kwargs': {key!r} is set by the runner (it maps results to rules)")


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
