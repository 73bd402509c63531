"""The schema-derived half of every suite, written from the dbt project.

Why derive rules instead of writing them: the dbt schema already says which columns a dataset
has (their types are enforced by its contract), which are required, their allowed values, which codes carry check digits,
where coordinates are and which keys are unique per publisher. Writing that again by hand would
drift; ``tdpf quality generate`` rewrites the ``derived`` list of each suite from the manifest
and keeps the hand-written ``rules``, and a test fails when a checked-in suite is stale.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from pipelines.dbt_manifest import gate_severity, published_nodes
# The generator reads existing suites checked completely, GX included: `tdpf quality generate --check`
# fails on a suite whose arguments GX refuses, as a gate would.
from pipelines.quality.gx_runner import load_checked_suite as load_suite
from pipelines.quality.suites import ExpectationRule, Suite, dump_suite, suite_path

#: Japan's extent, as dbt's coordinates_in_japan test has it (沖ノ鳥島–択捉島, 与那国島–南鳥島).
LATITUDE = (20, 46)
LONGITUDE = (122, 154)
#: The partition a failing row belongs to, when the dataset has one.
PARTITION_COLUMNS = ("全国地方公共団体コード", "day")


def derive_rules(node: Mapping[str, Any], manifest: Mapping[str, Any]) -> list[ExpectationRule]:
    """Rules that follow from the model's columns, contract, tests and metadata."""
    columns = node.get("columns", {})
    ascii_names = {name: _ascii(name, spec) for name, spec in columns.items()}
    rules = [_columns_rule(node, columns)]
    for name, spec in columns.items():
        rules.extend(_column_rules(name, ascii_names[name], spec))
    tests = _tests_of(node, manifest)
    for test in tests:
        rules.extend(_test_rules(test, ascii_names))
    geometry = node.get("meta", {}).get("tdpf", {}).get("geometry")
    if geometry and not any(t["test_metadata"]["name"] == "coordinates_in_japan" for t in tests):
        rules.extend(_coordinate_rules(geometry["latitude"], geometry["longitude"], ascii_names, "error"))
    return _unique_names(rules)


def _columns_rule(node: Mapping[str, Any], columns: Mapping[str, Any]) -> ExpectationRule:
    names = list(columns)
    if node.get("config", {}).get("contract", {}).get("enforced"):
        return _rule("columns_in_order", "expect_table_columns_to_match_ordered_list", {"column_list": names},
                     notes="列名・列順は定義どおり (the contract's columns, in order)")
    return _rule("documented_columns", "expect_table_columns_to_match_set", {"column_set": names, "exact_match": False},
                 notes="文書化された列がある (every documented column is present)")


def _column_rules(name: str, ascii_name: str, spec: Mapping[str, Any]) -> list[ExpectationRule]:
    # Types are not repeated here: the dbt contract enforces them when the model is built, and
    # GX 1.x's type expectations misread pandas' nullable and string dtypes (Int32, str).
    out = []
    meta = spec.get("meta", {})
    if meta.get("requirement") == "必須":
        out.append(_rule(f"required__{ascii_name}", "expect_column_values_to_not_be_null", {"column": name},
                         severity="warn", notes="定義書の必須項目 (required by the standard; a gap is reported)"))
    return out


def _tests_of(node: Mapping[str, Any], manifest: Mapping[str, Any]) -> list[dict[str, Any]]:
    uid = node["unique_id"]
    tests = [n for n in manifest["nodes"].values()
             if n["resource_type"] == "test" and n.get("attached_node") == uid and n.get("test_metadata")]
    return sorted(tests, key=lambda n: n["unique_id"])


def _test_rules(test: Mapping[str, Any], ascii_names: Mapping[str, str]) -> list[ExpectationRule]:
    """The GX rules equivalent to one dbt generic test (none for tests that need a second table)."""
    kwargs = test["test_metadata"].get("kwargs", {})
    severity = gate_severity(test)  # dbt's own severity is warn for every test (dbt_project.yml)
    if test["test_metadata"]["name"] == "coordinates_in_japan":
        return _coordinate_rules(_unquote(kwargs["latitude"]), _unquote(kwargs["longitude"]), ascii_names, severity)
    rule = _test_rule(test["test_metadata"]["name"], kwargs, test.get("column_name"), severity, ascii_names)
    return [rule] if rule else []


def _test_rule(kind: str, kwargs: Mapping[str, Any], column_name: str | None, severity: str,
               ascii_names: Mapping[str, str]) -> ExpectationRule | None:
    column = _unquote(kwargs.get("column_name") or column_name or "")
    short = ascii_names.get(column, _slug(column))
    if kind == "not_null":
        return _rule(f"not_null__{short}", "expect_column_values_to_not_be_null", {"column": column}, severity)
    if kind == "unique":
        return _rule(f"unique__{short}", "expect_column_values_to_be_unique", {"column": column}, severity)
    if kind == "accepted_values":
        return _rule(f"in_set__{short}", "expect_column_values_to_be_in_set",
                     {"column": column, "value_set": list(kwargs["values"])}, severity)
    if kind == "non_negative":
        return _rule(f"non_negative__{short}", "expect_column_values_to_be_number_between",
                     {"column": column, "min_value": 0}, severity, "0 以上 (counts and amounts are never negative)")
    if kind == "valid_lg_code":
        return _rule(f"lg_code__{short}", "expect_column_values_to_be_valid_lg_code", {"column": column}, severity,
                     "全国地方公共団体コード: 6桁、検査数字が正しい (check digit)")
    if kind == "unique_combination":
        names = [_unquote(c) for c in kwargs["columns"]]
        return _rule("unique__" + "__".join(ascii_names.get(c, _slug(c)) for c in names),
                     "expect_compound_columns_to_be_unique",
                     {"column_list": names, "ignore_row_if": "any_value_is_missing"}, severity,
                     "ID は公開者ごとに一意 (unique per publisher)" if "ID" in names else "")
    return None  # e.g. relationships: it needs a second table, and dbt's test covers it


def _coordinate_rules(latitude: str, longitude: str, ascii_names: Mapping[str, str], severity: str) -> list[ExpectationRule]:
    note = "日本の範囲内 (inside Japan; swapped coordinates fall outside)"
    return [
        _rule(f"in_japan__{ascii_names.get(latitude, 'latitude')}", "expect_column_values_to_be_number_between",
              {"column": latitude, "min_value": LATITUDE[0], "max_value": LATITUDE[1]}, severity, note),
        _rule(f"in_japan__{ascii_names.get(longitude, 'longitude')}", "expect_column_values_to_be_number_between",
              {"column": longitude, "min_value": LONGITUDE[0], "max_value": LONGITUDE[1]}, severity, note),
    ]


def _rule(name: str, kind: str, kwargs: dict[str, Any], severity: str = "error", notes: str = "") -> ExpectationRule:
    return ExpectationRule(_slug(name), kind, kwargs, severity, notes, derived=True)


def _unique_names(rules: Iterable[ExpectationRule]) -> list[ExpectationRule]:
    seen: dict[str, int] = {}
    out = []
    for rule in rules:
        count = seen.get(rule.name, 0)
        seen[rule.name] = count + 1
        out.append(rule if count == 0 else replace(rule, name=f"{rule.name}_{count + 1}"))
    return out


def _unquote(name: str) -> str:
    return name[1:-1].replace('""', '"') if len(name) >= 2 and name[0] == name[-1] == '"' else name


def _ascii(name: str, spec: Mapping[str, Any]) -> str:
    return _slug(spec.get("meta", {}).get("name_en") or name)


def _slug(text: str) -> str:
    """snake_case ASCII (check names in Dagster are ASCII words)."""
    text = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", text)
    slug = re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")
    return slug[:64] or "column"


def suite_for(node: Mapping[str, Any], manifest: Mapping[str, Any], existing: Suite | None) -> Suite:
    """The suite for a dataset: freshly derived rules, then the hand-written ones kept from the file."""
    derived = derive_rules(node, manifest)
    partition = next((c for c in PARTITION_COLUMNS if c in node.get("columns", {})), None)
    return Suite(
        dataset=node["meta"]["tdpf"]["dataset_id"], model=node["name"], partition_column=partition,
        rules=tuple(derived) + (existing.hand_written if existing else ()),
    )


def generate_suites(manifest: Mapping[str, Any], directory: Path | None = None, check: bool = False) -> list[Path]:
    """Write (or, with ``check``, only list) the suite files whose text would change."""
    changed = []
    for node in published_nodes(manifest):
        path = suite_path(node["meta"]["tdpf"]["dataset_id"], directory)
        existing = load_suite(path) if path.exists() else None
        text = dump_suite(suite_for(node, manifest, existing))
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            changed.append(path)
            if not check:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text, encoding="utf-8")
    return changed
