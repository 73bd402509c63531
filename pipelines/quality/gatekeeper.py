"""Running a dataset's gate inside a build: where verdicts, reports and attempts go.

A passing verdict is staged for the run (``<home>/tmp/quality-gates/<dataset>-<run>/``) and the
release step publishes it with the data; a blocking verdict is recorded at once as a failed
attempt beside the releases, and the release step never runs. A release step that finds no
staged verdict for its run (its checks were not selected) runs the gate itself: nothing is
published unchecked.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from catalog_api.release_contract import AttemptRecord, QualitySummary
from catalog_api.release_store import Attempt, ReleaseStore
from pipelines.dbt_manifest import relation_of, upstream_models
from pipelines.fingerprints import file_digest
from pipelines.paths import DataHome
from pipelines.quality.gate import REPORT_FILE, Verdict, evaluate
from pipelines.quality.report import write_report
from pipelines.quality.suites import Suite, load_suite, suite_path

SUMMARY_FILE = "quality.json"


class MissingSuiteError(FileNotFoundError):
    """A published dataset has no suite: it must not be published unchecked."""


@dataclass(frozen=True)
class GateTarget:
    """A published dataset and what its gate needs."""

    dataset_id: str
    model: str
    relation: str
    models: tuple[str, ...]  # the model and every model it is built from (their dbt tests count)
    suite: Suite
    title: str
    title_en: str
    model_key: Any = None  # the dbt model's Dagster asset key (set by the definitions)

    @property
    def suite_file(self) -> str:
        return self.suite.path.name if self.suite.path else ""


def gate_version(dataset_id: str, suites: Path | None = None) -> str:
    """What a release records of the gate it passed: its suite file's digest (a changed suite re-checks)."""
    return file_digest(suite_path(dataset_id, suites))


def gate_target(manifest: Mapping[str, Any], node: Mapping[str, Any], suites: Path | None = None) -> GateTarget:
    tdpf = node["meta"]["tdpf"]
    path = suite_path(tdpf["dataset_id"], suites)
    if not path.exists():
        raise MissingSuiteError(
            f"{path}: no quality suite for published dataset {tdpf['dataset_id']!r} (dbt model {node['name']}); "
            "run `tdpf quality generate` and add the dataset's own rules")
    return GateTarget(
        dataset_id=tdpf["dataset_id"], model=node["name"], relation=relation_of(node),
        models=tuple(upstream_models(manifest, node)), suite=load_suite(path),
        title=tdpf.get("title", ""), title_en=tdpf.get("title_en", ""),
    )


def run_gate(conn: duckdb.DuckDBPyConnection, target: GateTarget, home: DataHome,
             context: Any | None = None) -> tuple[Verdict, Path]:
    """Evaluate the dataset and write its report into a scratch folder."""
    verdict = evaluate(conn, target.suite, target.relation, list(target.models), context)
    scratch = home.tmp / "quality-reports" / f"{target.dataset_id}-{verdict.checked_at.replace(':', '')}"
    report = write_report(verdict, scratch / REPORT_FILE, target.title, target.title_en,
                          published=False if verdict.blocked else None)
    return verdict, report


def quality_of(verdict: Verdict) -> QualitySummary:
    """The verdict as the release contract's quality summary (``Verdict.summary`` builds it typed)."""
    return QualitySummary.from_json(verdict.summary())


def record_blocked(home: DataHome, target: GateTarget, verdict: Verdict, report: Path, run_id: str) -> Attempt:
    """Keep a blocked attempt where the API shows it; the served release is not touched."""
    record = AttemptRecord(published=False, release_version=None, run_id=run_id, quality=quality_of(verdict))
    try:
        return ReleaseStore(home.releases).record_attempt(target.dataset_id, record.to_json(), {REPORT_FILE: report})
    finally:
        shutil.rmtree(report.parent, ignore_errors=True)


def _staged_dir(home: DataHome, run_id: str, dataset_id: str) -> Path:
    return home.tmp / "quality-gates" / f"{dataset_id}-{run_id}"


def stage_verdict(home: DataHome, target: GateTarget, verdict: Verdict, report: Path, run_id: str) -> Path:
    """Hand a passing verdict and its report to the same run's release step."""
    staged = _staged_dir(home, run_id, target.dataset_id)
    staged.mkdir(parents=True, exist_ok=True)
    (staged / SUMMARY_FILE).write_text(json.dumps(quality_of(verdict).to_json(), ensure_ascii=False), encoding="utf-8")
    shutil.move(str(report), staged / REPORT_FILE)
    shutil.rmtree(report.parent, ignore_errors=True)
    return staged


def take_staged(home: DataHome, run_id: str, dataset_id: str) -> tuple[QualitySummary, Path] | None:
    """The verdict this run's gate staged for ``dataset_id`` (summary, report path), if any."""
    staged = _staged_dir(home, run_id, dataset_id)
    if not (staged / SUMMARY_FILE).exists():
        return None
    summary = QualitySummary.from_json(json.loads((staged / SUMMARY_FILE).read_text(encoding="utf-8")))
    return summary, staged / REPORT_FILE


def discard_staged(home: DataHome, run_id: str, dataset_id: str) -> None:
    shutil.rmtree(_staged_dir(home, run_id, dataset_id), ignore_errors=True)
