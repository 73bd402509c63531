"""The whole corpus of bad files registered at once, built by the real `tdpf build`: only they pay."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import pytest

from pipelines.standard.registry import DEFAULT_REGISTRY
from tests.conftest import run_tdpf
from tests.helpers.bad_files import CASES, write_corpus

pytestmark = pytest.mark.slow


def _versions(home: Path) -> dict[str, int]:
    index = json.loads((home / "releases" / "index.json").read_text(encoding="utf-8"))
    return {d: e["current_version"] for d, e in index["datasets"].items()}


def test_every_bad_file_registered_at_once_costs_only_its_own_source(
        home_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    registry, _, good = write_corpus(home_copy)  # landing files into the data directory's landing folder
    for shipped in DEFAULT_REGISTRY.glob("*.yaml"):
        shutil.copy(shipped, registry / shipped.name)
    monkeypatch.setenv("TDPF_REGISTRY", str(registry))
    before = _versions(home_copy)

    result = run_tdpf(home_copy, "build")

    assert result.returncode == 3, result.stderr[-4000:]  # finished, but some sources failed
    refused = [c for c in CASES if c.expect[0] == "source"]
    lines = [line for line in result.stderr.splitlines() if line.startswith("source failed")]
    assert sorted(line.split(" · ")[1].split(" ")[0] for line in lines) == sorted(c.source_id for c in refused)
    assert all(f"landing:{c.file}:" in result.stderr for c in refused)
    after = _versions(home_copy)
    assert after["aed-locations"] == before["aed-locations"] + 1  # the loaded corpus files are published
    assert {d: v for d, v in after.items() if d != "aed-locations"} == \
           {d: v for d, v in before.items() if d != "aed-locations"}  # nothing else changed
    with duckdb.connect(str(home_copy / "warehouse" / "tdpf.duckdb"), read_only=True) as conn:
        published = conn.execute("SELECT count(*) FROM raw.register_aed_locations WHERE source_id = ?",
                                 [good.source_id]).fetchone()[0]
        statuses = dict(conn.execute("SELECT status, count(*) FROM raw.register_sources "
                                     "WHERE source_id LIKE 'corpus-%' GROUP BY status").fetchall())
    assert published == 3  # the good neighbour of the corpus loaded whole
    assert statuses == {"failed": len(refused), "loaded": len(CASES) - len(refused) + 1}
