"""Reading dbt's manifest: the one place that knows its layout.

The manifest (``<TDPF_HOME>/dbt/target/manifest.json``) is what the asset graph, the quality
gates, the publish step and the open-data list are all built from; each used to walk it on its
own. Here are the few questions they ask of it: which models are published datasets, which
relation a node is in the warehouse, which models a model is built from, which tests a node has,
and what a model's column documentation says.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

Manifest = Mapping[str, Any]
Node = Mapping[str, Any]


def load_manifest(path: Path) -> dict[str, Any]:
    """The parsed manifest.json."""
    return json.loads(Path(path).read_text(encoding="utf-8"))


def published_nodes(manifest: Manifest) -> list[dict[str, Any]]:
    """dbt models that declare a dataset (``meta.tdpf.dataset_id``), by dataset id."""
    nodes = [n for n in manifest["nodes"].values()
             if n["resource_type"] == "model" and n.get("meta", {}).get("tdpf", {}).get("dataset_id")]
    return sorted(nodes, key=lambda n: n["meta"]["tdpf"]["dataset_id"])


def relation_of(node: Node) -> str:
    """The node's table or view in the warehouse, quoted: ``"schema"."alias"``."""
    return f'"{node["schema"]}"."{node["alias"]}"'


def built_nodes(manifest: Manifest) -> Iterator[dict[str, Any]]:
    """Every model and seed: the nodes that become relations (and Dagster assets)."""
    for node in manifest["nodes"].values():
        if node["resource_type"] in ("model", "seed"):
            yield node


def column_descriptions(node: Node) -> dict[str, str]:
    """Column name → its documented (Japanese) description."""
    return {name: spec.get("description", "") for name, spec in node.get("columns", {}).items()}


def is_view(node: Node) -> bool:
    return node.get("config", {}).get("materialized") == "view"


def upstream_models(manifest: Manifest, node: Node) -> list[str]:
    """The model and every model it is built from: their tests all vouch for the dataset."""
    seen: set[str] = set()
    stack = [node["unique_id"]]
    while stack:
        uid = stack.pop()
        if uid in seen or not uid.startswith("model."):
            continue
        seen.add(uid)
        stack.extend(manifest["nodes"][uid]["depends_on"]["nodes"])
    return sorted(manifest["nodes"][uid]["name"] for uid in seen)


def tests_of(manifest: Manifest, node: Node) -> list[dict[str, Any]]:
    """The generic and singular tests attached to ``node``, in a stable order."""
    tests = [n for n in manifest["nodes"].values()
             if n["resource_type"] == "test" and node["unique_id"] in n["depends_on"]["nodes"]]
    return sorted(tests, key=lambda t: t["unique_id"])


def models_tested_by(manifest: Manifest, test: Node) -> list[str]:
    """Names of the models a test reads (a relationship test reads two)."""
    return [manifest["nodes"][d]["name"] for d in test["depends_on"]["nodes"] if d.startswith("model.")]


def gate_severity(test: Node) -> str:
    """What a failing test means for publication: ``error`` unless ``meta: {gate_severity: warn}``.

    dbt's own severity is ``warn`` for every test of the project (see ``dbt_project.yml``).
    """
    meta = {**test.get("meta", {}), **test.get("config", {}).get("meta", {})}
    return "warn" if meta.get("gate_severity") == "warn" else "error"
