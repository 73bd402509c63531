"""`tdpf build` for real: Dagster run, dbt build, releases; reruns and failures."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import duckdb
import pytest

from catalog_api.release_store import ReleaseStore
from tests.conftest import run_tdpf

pytestmark = pytest.mark.slow

BUREAU_DATASETS = {
    "bureau-budget-summary", "bureau-revenue", "bureau-expenditure", "bureau-staffing-by-rank",
    "bureau-headcount-by-unit", "bureau-staffing-by-job-type", "bureau-programme-figures",
}


def _csv_rows(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_bytes().decode("utf-8-sig"), newline="")))


def _current_hashes(home: Path) -> dict[str, tuple[int, str]]:
    return {r.dataset_id: (r.version, r.content_hash) for r in ReleaseStore(home / "releases").list_current()}


def test_build_publishes_every_bureau_dataset_with_its_files(built_home: Path) -> None:
    releases = {r.dataset_id: r for r in ReleaseStore(built_home / "releases").list_current()}
    assert BUREAU_DATASETS <= set(releases)
    for release in releases.values():
        names = {res.name for res in release.resources}
        assert {"data.csv", "data.parquet", "quality.html"} <= names
        meta = release.metadata
        assert meta["title"] and meta["title_en"] and meta["license"]["id"] == "CC-BY-4.0"
        assert meta["row_count"] > 0 and all(c["description"] for c in meta["columns"])
        assert meta["quality"]["status"] in ("passed", "warned") and meta["quality"]["checks_failed"] == 0
        assert meta["quality"]["checks_passed"] > 0 and meta["quality"]["report"] == "quality.html"
    assert {releases[d].metadata["quality"]["status"] for d in BUREAU_DATASETS} == {"passed"}


def test_expenditure_csv_adds_up_to_the_budget_total(built_home: Path) -> None:
    release = ReleaseStore(built_home / "releases").current("bureau-expenditure")
    assert release is not None
    rows = _csv_rows(release.path / "data.csv")
    assert sum(int(r["amount_yen"]) for r in rows) == 44_684_000_000
    assert {(r["section"], r["subsection"]) for r in rows} == {("デジタルサービス費", "管理費")}
    assert {r["unit_stated"] for r in rows} == {"千円"}


def test_csv_is_utf8_with_bom_crlf_and_the_same_rows_as_parquet(built_home: Path) -> None:
    release = ReleaseStore(built_home / "releases").current("bureau-programme-figures")
    assert release is not None
    raw = (release.path / "data.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfprogramme_id,programme,")
    assert raw.count(b"\r\n") == release.metadata["row_count"] + 1 and b"\n" not in raw.replace(b"\r\n", b"")
    con = duckdb.connect()
    from_parquet = con.execute(
        f"SELECT count(*), sum(value) FROM read_parquet('{release.path / 'data.parquet'}')"
    ).fetchone()
    rows = _csv_rows(release.path / "data.csv")
    assert from_parquet == (len(rows), sum(int(r["value"]) for r in rows))


def test_staffing_release_keeps_outside_counts_apart(built_home: Path) -> None:
    release = ReleaseStore(built_home / "releases").current("bureau-staffing-by-rank")
    assert release is not None
    rows = _csv_rows(release.path / "data.csv")
    cell = next(r for r in rows if r["org_unit"] == "デジタルサービス局" and r["rank"] == "課長代理")
    assert (cell["staff_count"], cell["outside_count"]) == ("70", "16")
    bureau = [r for r in rows if r["org_level"] == "局"]
    assert sum(int(r["staff_count"]) for r in bureau) == 343
    assert sum(int(r["outside_count"]) for r in bureau) == 29


def _break_landing(home: Path, old: str, new: str) -> tuple[Path, int]:
    landing = home / "landing" / "bureau_report" / "jigyo_gaiyo_r5_tables.md"
    lines = landing.read_text(encoding="utf-8").split("\n")
    number = next(i for i, line in enumerate(lines) if line == old) + 1
    lines[number - 1] = new
    landing.write_text("\n".join(lines), encoding="utf-8")
    return landing, number


def test_letter_in_an_amount_fails_with_its_location_and_keeps_releases(home_copy: Path) -> None:
    index_before = (home_copy / "releases" / "index.json").read_bytes()
    _, line = _break_landing(home_copy, "職員費\t3,266,761", "職員費\t3,2A6,761")
    result = run_tdpf(home_copy, "build")
    out = result.stdout + result.stderr
    assert result.returncode == 1
    assert f"landing/bureau_report/jigyo_gaiyo_r5_tables.md:{line}:2" in out
    assert "歳出" in out and "'3,2A6,761'" in out
    assert "Traceback" not in out
    assert (home_copy / "releases" / "index.json").read_bytes() == index_before


def test_build_writes_nothing_outside_the_data_directory(built_home: Path, built_user_home: Path) -> None:
    assert sorted(p.name for p in built_user_home.rglob("*")) == []
    assert sorted(p.name for p in built_home.iterdir()) == [
        ".build.lock", "dagster", "dbt", "landing", "logs", "releases", "tmp", "warehouse"]


def test_dagster_run_and_dbt_artifacts_stay_in_the_data_directory(built_home: Path) -> None:
    import dagster as dg

    instance = dg.DagsterInstance.from_config(str(built_home / "dagster"))
    runs = instance.get_runs()
    assert runs and runs[0].status == dg.DagsterRunStatus.SUCCESS
    assert (built_home / "dbt" / "target" / "run_results.json").exists()
    assert (built_home / "warehouse" / "tdpf.duckdb").exists()
    index = json.loads((built_home / "releases" / "index.json").read_text(encoding="utf-8"))
    assert BUREAU_DATASETS <= set(index["datasets"])
