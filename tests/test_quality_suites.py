"""Every published dataset has a suite, combining derived and hand-written rules, kept current."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from pipelines.paths import DataHome
from pipelines.dbt_manifest import published_nodes
from pipelines.quality.gatekeeper import MissingSuiteError, gate_target
from pipelines.quality.gx_runner import check_suite
from pipelines.quality.suites import SUITES_DIR, load_suite
from tests.conftest import run_tdpf


@pytest.fixture(scope="module")
def manifest(parsed_home: Path) -> dict:  # type: ignore[type-arg]
    """The dbt manifest of the shared parsed data directory."""
    return json.loads(DataHome(parsed_home).dbt_target.joinpath("manifest.json").read_text(encoding="utf-8"))


def test_checked_in_suites_match_the_dbt_schema(parsed_home_copy: Path) -> None:
    result = run_tdpf(parsed_home_copy, "quality", "generate", "--check")
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_published_dataset_has_a_suite_with_derived_and_hand_written_rules(manifest: dict) -> None:  # type: ignore[type-arg]
    datasets = [n["meta"]["tdpf"]["dataset_id"] for n in published_nodes(manifest)]
    assert len(datasets) >= 19
    for node in published_nodes(manifest):
        target = gate_target(manifest, node)  # raises when the suite file is missing
        suite = target.suite
        assert suite.dataset == target.dataset_id and suite.model == node["name"], suite.path
        assert any(r.derived for r in suite.rules) and suite.hand_written, f"{suite.path}: needs both kinds"
    assert sorted(p.stem for p in SUITES_DIR.glob("*.yaml")) == sorted(datasets)  # and no orphans


def test_a_dataset_without_a_suite_cannot_be_gated(manifest: dict, tmp_path: Path) -> None:  # type: ignore[type-arg]
    suites = tmp_path / "expectations"
    shutil.copytree(SUITES_DIR, suites)
    (suites / "aed-locations.yaml").unlink()
    node = next(n for n in published_nodes(manifest) if n["meta"]["tdpf"]["dataset_id"] == "aed-locations")
    with pytest.raises(MissingSuiteError, match=r"aed-locations.yaml: no quality suite for published dataset"):
        gate_target(manifest, node, suites)


def test_the_derived_rules_cover_the_schema(manifest: dict) -> None:  # type: ignore[type-arg]
    rules = {r.name: r for r in load_suite(SUITES_DIR / "public-toilets.yaml").rules}
    assert rules["columns_in_order"].kwargs["column_list"][:2] == ["全国地方公共団体コード", "ID"]
    assert rules["lg_code_local_government_code"].type == "expect_column_values_to_be_valid_lg_code"
    assert rules["in_japan_latitude"].kwargs == {"column": "緯度", "min_value": 20, "max_value": 46}
    assert rules["unique_local_government_code_identifier"].kwargs["column_list"] == ["全国地方公共団体コード", "ID"]
    assert rules["required_name"].severity == "warn"  # 必須 gaps are reported, not blocking
    assert any(r.type == "expect_column_values_to_be_in_set" for r in rules.values())


@pytest.mark.parametrize("path", sorted(SUITES_DIR.glob("*.yaml")), ids=lambda p: p.stem)
def test_every_shipped_suite_passes_the_full_gx_check(path: Path) -> None:
    """Loading the code location checks suites without GX; GX's own check of the arguments is here."""
    suite = check_suite(load_suite(path))
    assert suite.rules, path
