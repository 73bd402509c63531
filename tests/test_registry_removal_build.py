"""Removed means removed: a publisher or a source taken out of the registry leaves the raw tables
and the next release, and that release says so.

Real `tdpf build` on a copy of the shared built data directory, with a registry folder that no
longer has 瑞穂町's file and no longer lists 新宿区's preschool register; then the real API and
the dataset page.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import duckdb
import httpx
import pytest

from pipelines.standard.registry import DEFAULT_REGISTRY
from tests.conftest import run_tdpf
from tests.helpers.api_server import run_api_server

pytestmark = pytest.mark.slow

MIZUHO = "133035"
SHINJUKU = "131041"


def _release(home: Path, dataset: str) -> tuple[int, Path]:
    index = json.loads((home / "releases" / "index.json").read_text(encoding="utf-8"))
    entry = index["datasets"][dataset]
    version = next(v for v in entry["versions"] if v["version"] == entry["current_version"])
    return entry["current_version"], home / "releases" / dataset / version["content_hash"][:16]


def _codes(release: Path) -> set[str]:
    with duckdb.connect() as conn:
        return {code for (code,) in conn.execute('SELECT DISTINCT "全国地方公共団体コード" FROM read_parquet(?)',
                                                 [str(release / "data.parquet")]).fetchall()}


def _without_source(registry_file: Path, source_id: str) -> None:
    """Drop one entry of a registry file (entries start with ``- id:``), keeping the rest byte for byte."""
    text = registry_file.read_text(encoding="utf-8")
    head, *entries = re.split(r"(?m)^(?=- id: )", text)
    kept = [e for e in entries if not e.startswith(f"- id: {source_id}\n")]
    assert len(kept) == len(entries) - 1, f"{source_id} not in {registry_file.name}"
    registry_file.write_text(head + "".join(kept), encoding="utf-8")


def test_a_removed_publisher_and_a_removed_source_leave_the_warehouse_and_the_next_release(
        home_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    registry = tmp_path / "registry"
    shutil.copytree(DEFAULT_REGISTRY, registry)
    (registry / f"{MIZUHO}_mizuho.yaml").unlink()
    _without_source(registry / f"{SHINJUKU}_shinjuku.yaml", "shinjuku-preschool")
    monkeypatch.setenv("TDPF_REGISTRY", str(registry))
    aed_before, aed_release_before = _release(home_copy, "aed-locations")
    assert MIZUHO in _codes(aed_release_before)
    with duckdb.connect(str(home_copy / "warehouse" / "tdpf.duckdb"), read_only=True) as conn:
        mizuho_aed_rows = conn.execute("SELECT count(*) FROM raw.register_aed_locations WHERE publisher_code = ?",
                                       [MIZUHO]).fetchone()[0]
    assert mizuho_aed_rows > 0

    result = run_tdpf(home_copy, "build")
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    assert re.search(rf"source removed {MIZUHO} .*mizuho-aed \(aed-locations\).*its {mizuho_aed_rows} rows",
                     result.stderr), result.stderr[-3000:]
    assert "shinjuku-preschool (childcare-facilities)" in result.stderr

    with duckdb.connect(str(home_copy / "warehouse" / "tdpf.duckdb"), read_only=True) as conn:
        for table in ("register_aed_locations", "register_childcare_facilities", "register_public_toilets",
                      "register_issues", "register_sources"):
            left = conn.execute(f"SELECT count(*) FROM raw.{table} WHERE publisher_code = ? OR source_id = ?",
                                [MIZUHO, "shinjuku-preschool"]).fetchone()[0]
            assert left == 0, table
        shinjuku_kept = conn.execute("SELECT count(*) FROM raw.register_aed_locations WHERE publisher_code = ?",
                                     [SHINJUKU]).fetchone()[0]
        assert shinjuku_kept > 0  # only what was taken out left
        recorded = conn.execute("SELECT source_id, dataset, rows_removed FROM raw.removed_sources "
                                "WHERE source_id = 'mizuho-aed'").fetchall()
    assert recorded == [("mizuho-aed", "aed-locations", mizuho_aed_rows)]

    aed_version, aed_release = _release(home_copy, "aed-locations")
    assert aed_version == aed_before + 1
    assert _codes(aed_release) == _codes(aed_release_before) - {MIZUHO}
    metadata = json.loads((aed_release / "metadata.json").read_text(encoding="utf-8"))
    (removed,) = metadata["removed_sources"]
    assert (removed["publisher_code"], removed["source_id"], removed["rows_removed"]) == (
        MIZUHO, "mizuho-aed", mizuho_aed_rows)
    _, childcare = _release(home_copy, "childcare-facilities")
    childcare_removed = json.loads((childcare / "metadata.json").read_text(encoding="utf-8"))["removed_sources"]
    assert {r["source_id"] for r in childcare_removed} == {"mizuho-preschool", "shinjuku-preschool"}
    _, evacuation = _release(home_copy, "emergency-evacuation-sites")  # untouched by the removal
    assert "removed_sources" not in json.loads((evacuation / "metadata.json").read_text(encoding="utf-8"))

    with run_api_server(home_copy) as url:
        dataset = httpx.get(f"{url}/api/v1/datasets/aed-locations", timeout=30).json()
        page = httpx.get(f"{url}/datasets/aed-locations", timeout=30).text
    assert [r["source_id"] for r in dataset["removed_sources"]] == ["mizuho-aed"]
    assert "登録簿から外したソース" in page and "mizuho-aed" in page

    again = run_tdpf(home_copy, "build")
    assert again.returncode == 0 and "Nothing changed" in again.stderr, again.stderr[-3000:]
