"""The registry table and its pruning (pipelines/standard/registered.py), on a real DuckDB file."""

from __future__ import annotations

import shutil
from datetime import datetime, timedelta, timezone
from pathlib import Path

import duckdb
import pytest

from pipelines.standard.ingest import ensure_tables
from pipelines.standard.registered import removals_after, removed_since, write_registry
from pipelines.standard.registry import DEFAULT_REGISTRY, load_registry
from pipelines.standard.spec import StandardSpec, load_spec


@pytest.fixture(scope="module")
def spec() -> StandardSpec:
    return load_spec()


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def _seed(conn: duckdb.DuckDBPyConnection, rows: list[tuple[str, str, int]]) -> None:
    """(publisher, source, line) rows in the AED raw table, with an issue and a status each."""
    for code, source_id, line in rows:
        conn.execute("INSERT INTO raw.register_aed_locations (publisher_code, source_id, source_file, source_line) "
                     "VALUES (?, ?, 'landing:x.csv', ?)", [code, source_id, line])
        conn.execute("INSERT INTO raw.register_issues (publisher_code, source_id, dataset, severity, reason) "
                     "VALUES (?, ?, 'aed-locations', 'warning', 'bad_value')", [code, source_id])
    for code, source_id in sorted({(c, s) for c, s, _ in rows}):
        conn.execute("INSERT INTO raw.register_sources (publisher_code, publisher_name, source_id, dataset, status) "
                     "VALUES (?, ?, ?, 'aed-locations', 'loaded')", [code, f"name of {code}", source_id])


def test_sources_no_longer_registered_are_pruned_and_recorded(spec: StandardSpec, tmp_path: Path) -> None:
    registry_dir = tmp_path / "registry"
    shutil.copytree(DEFAULT_REGISTRY, registry_dir)
    (registry_dir / "133035_mizuho.yaml").unlink()
    registry = load_registry(registry_dir, frozenset(spec.ids))
    before = _now() - timedelta(seconds=1)
    warehouse = tmp_path / "tdpf.duckdb"
    with duckdb.connect(str(warehouse)) as conn:
        ensure_tables(conn, spec)
        _seed(conn, [("131041", "shinjuku-aed", 2), ("133035", "mizuho-aed", 2), ("133035", "mizuho-aed", 3),
                     ("131041", "shinjuku-old-aed", 2)])
        removed = write_registry(conn, spec, registry)
        left = conn.execute("SELECT DISTINCT source_id FROM raw.register_aed_locations").fetchall()
        issues = conn.execute("SELECT DISTINCT source_id FROM raw.register_issues").fetchall()
        statuses = conn.execute("SELECT DISTINCT source_id FROM raw.register_sources").fetchall()
        listed = conn.execute("SELECT count(*) FROM raw.registry_sources WHERE source_id = 'shinjuku-aed'").fetchone()
        recorded = removed_since(conn, "aed-locations", before)
        assert removed_since(conn, "aed-locations", _now() + timedelta(seconds=5)) == []
        assert write_registry(conn, spec, registry) == []  # pruning twice removes nothing more
    assert [(r.source_id, r.rows_removed, r.publisher_name) for r in removed] == [
        ("shinjuku-old-aed", 1, "name of 131041"), ("mizuho-aed", 2, "name of 133035")]
    assert left == issues == statuses == [("shinjuku-aed",)]
    assert listed == (1,)
    assert [r.source_id for r in recorded] == ["shinjuku-old-aed", "mizuho-aed"]
    assert [r.source_id for r in removals_after(warehouse, before)] == ["shinjuku-old-aed", "mizuho-aed"]


def test_a_source_moved_to_another_set_leaves_the_first_set(spec: StandardSpec, tmp_path: Path) -> None:
    registry = load_registry(DEFAULT_REGISTRY, frozenset(spec.ids))
    with duckdb.connect(str(tmp_path / "tdpf.duckdb")) as conn:
        ensure_tables(conn, spec)
        conn.execute("INSERT INTO raw.register_public_toilets (publisher_code, source_id, source_line) "
                     "VALUES ('131041', 'shinjuku-aed', 2)")  # registered, but for aed-locations
        removed = write_registry(conn, spec, registry)
    assert [(r.source_id, r.dataset) for r in removed] == [("shinjuku-aed", "public-toilets")]
