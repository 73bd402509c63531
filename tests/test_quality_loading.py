"""Loading the code location reads every suite without importing Great Expectations, quickly.

GX is imported when a gate runs (the runner checks its suite with GX first); what a suite file
can be checked for without GX is checked when it is read, against type names taken from the
installed GX's files, which must be exactly the expectations GX itself offers.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from pipelines import yaml_files
from pipelines.quality.custom_expectations import CUSTOM_EXPECTATIONS
from pipelines.quality.expectation_types import CUSTOM_EXPECTATION_TYPES, known_expectation_types
from pipelines.quality.gx_runner import expectation_classes
from pipelines.quality.suites import SUITES_DIR, SuiteError
from pipelines.standard.registry import DEFAULT_REGISTRY
from tests.conftest import REPO

SHIPPED_YAML = sorted(SUITES_DIR.glob("*.yaml")) + sorted(DEFAULT_REGISTRY.glob("*.yaml"))
LOADERS = [yaml.SafeLoader] + ([yaml.CSafeLoader] if getattr(yaml, "__with_libyaml__", False) else [])


def _python(code: str, home: Path) -> str:
    """Run ``code`` in a fresh interpreter (this one may have imported GX already); its stdout."""
    env = {**os.environ, "TDPF_HOME": str(home)}
    env.pop("DAGSTER_HOME", None)
    proc = subprocess.run([sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True,
                          timeout=600, check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc.stdout.strip().splitlines()[-1]


def test_loading_the_definitions_does_not_import_great_expectations(parsed_home_copy: Path, tmp_path: Path) -> None:
    code = ("import sys\n"
            "from pathlib import Path\n"
            "from pipelines.definitions import build_definitions\n"
            "from pipelines.paths import DataHome\n"
            f"defs = build_definitions(DataHome(Path({str(parsed_home_copy)!r})))\n"
            "assert len(list(defs.asset_checks)) >= 19  # one quality gate per published dataset\n"
            "print('great_expectations' in sys.modules)\n")
    assert _python(code, parsed_home_copy) == "False"


def test_reading_every_shipped_suite_does_not_import_great_expectations(tmp_path: Path) -> None:
    code = ("import sys\n"
            "from pipelines.quality.suites import SUITES_DIR, load_suite\n"
            "suites = [load_suite(p) for p in SUITES_DIR.glob('*.yaml')]\n"
            "print(len(suites), 'great_expectations' in sys.modules)\n")
    assert _python(code, tmp_path / "data") == f"{len(list(SUITES_DIR.glob('*.yaml')))} False"


def test_the_type_names_known_without_gx_are_exactly_the_expectations_gx_offers() -> None:
    assert known_expectation_types() == frozenset(expectation_classes())


def test_our_custom_type_names_are_those_of_the_custom_expectation_classes() -> None:
    assert sorted(c.expectation_type for c in CUSTOM_EXPECTATIONS) == sorted(CUSTOM_EXPECTATION_TYPES)


def test_yaml_is_parsed_with_libyaml_when_pyyaml_has_it() -> None:
    expected = yaml.CSafeLoader if getattr(yaml, "__with_libyaml__", False) else yaml.SafeLoader
    assert yaml_files.LOADER is expected


@pytest.mark.parametrize("loader", LOADERS, ids=lambda loader: loader.__name__)
def test_a_yaml_syntax_error_names_the_file_line_and_column(tmp_path: Path, loader: type,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(yaml_files, "LOADER", loader)
    path = tmp_path / "broken.yaml"
    path.write_text("dataset: x\nderived:\n  - name: a: b\n", encoding="utf-8")
    with pytest.raises(SuiteError, match=r"^broken\.yaml:3:12: not valid YAML \(mapping values are not allowed"):
        yaml_files.load_yaml(path, SuiteError)
    path.write_text("rules: [1, 2\nmodel: m\n", encoding="utf-8")
    with pytest.raises(SuiteError, match=r"^broken\.yaml:2:6: not valid YAML"):
        yaml_files.load_yaml(path, SuiteError)


def test_libyaml_reads_every_shipped_file_as_the_pure_python_parser_does() -> None:
    if len(LOADERS) < 2:
        pytest.skip("PyYAML was built without libyaml")
    for path in SHIPPED_YAML:
        text = path.read_text(encoding="utf-8")
        assert yaml.load(text, Loader=yaml.CSafeLoader) == yaml.safe_load(text), path
