"""Docs stay honest: every dataset, endpoint, setting, command and make target is documented."""

from __future__ import annotations

import re

import pytest
import yaml

from catalog_api.app import create_app
from catalog_api.settings import Settings
from tests.conftest import REPO
from tests.test_cli import COMMANDS

DOCS = REPO / "docs"


def _text(name: str) -> str:
    return (DOCS / name).read_text(encoding="utf-8")


def _declared_dataset_ids() -> list[str]:
    ids = []
    for path in (REPO / "dbt_project" / "models").rglob("*.yml"):
        for model in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("models", []):
            dataset_id = (model.get("meta") or {}).get("tdpf", {}).get("dataset_id")
            if dataset_id:
                ids.append(dataset_id)
    return ids


def test_every_published_dataset_is_documented() -> None:
    ids = _declared_dataset_ids()
    assert len(ids) >= 5
    text = _text("datasets.md")
    assert [i for i in ids if f"`{i}`" not in text] == []


def test_every_api_path_is_documented() -> None:
    paths = create_app(Settings(home=REPO / "no-such-dir")).openapi()["paths"]
    text = _text("api.md")
    assert [p for p in paths if f"GET {p}`" not in text] == []


def test_every_setting_is_documented() -> None:
    text = _text("api.md")
    assert [f for f in Settings.model_fields if f"`TDPF_{f.upper()}`" not in text] == []


@pytest.mark.parametrize("command", COMMANDS)
def test_every_cli_command_is_documented(command: str) -> None:
    assert f"`tdpf {command}" in _text("cli.md")


def test_every_make_target_is_in_the_readme() -> None:
    targets = re.findall(r"^([a-z-]+):.*## ", (REPO / "Makefile").read_text(encoding="utf-8"), re.M)
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert [t for t in targets if t != "help" and f"make {t}" not in readme] == []
    assert readme.index("make run") < readme.index("## Data flow")


def test_every_smart_pole_reject_reason_is_documented() -> None:
    from pipelines.smart_poles.ingest import REJECT_REASONS

    text = _text("smart-poles.md")
    assert [r for r in REJECT_REASONS if f"`{r}`" not in text] == []


def test_every_register_issue_reason_is_documented() -> None:
    from pipelines.standard.mapping import ISSUE_REASONS

    text = _text("standard-sets.md")
    assert [r for r in ISSUE_REASONS if f"`{r}`" not in text] == []


def _architecture_modules() -> set[str]:
    """The first-column names of the module table in docs/architecture.md."""
    text = _text("architecture.md").split("## Dagster code location", 1)[1].split("\n## ", 1)[0]
    return {m.rstrip("/") for m in re.findall(r"^\| `([^`]+)` \|", text, flags=re.MULTILINE)}


def test_the_architecture_module_table_lists_every_module_and_nothing_else() -> None:
    root = REPO / "pipelines"
    modules = {p.name for p in root.iterdir() if (p.suffix == ".py" and p.name != "__init__.py")
               or (p.is_dir() and not p.name.startswith("__"))} - {"defs"}
    modules |= {f"defs/{p.name}" for p in (root / "defs").glob("*.py") if p.name != "__init__.py"}
    listed = _architecture_modules()
    assert sorted(modules - listed) == [], "modules missing from docs/architecture.md"
    assert sorted(listed - modules) == [], "docs/architecture.md lists modules that do not exist"
