"""The standard open-data sets after a real `tdpf build` (Dagster + dbt + publish), with ../shared/realdata."""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from catalog_api.release_store import ReleaseStore
from pipelines.defs.jobs import REGISTERS_JOB
from pipelines.definitions import build_definitions
from pipelines.paths import DataHome
from pipelines.standard.normalise import check_digit
from pipelines.standard.registry import DEFAULT_REGISTRY, load_registry
from pipelines.standard.samples import EMBEDDED_BAD_ROWS
from pipelines.standard.spec import load_spec
from tests.conftest import REPO

pytestmark = pytest.mark.slow  # the shared build

SPEC = load_spec()
REGISTRY = load_registry(DEFAULT_REGISTRY, frozenset(SPEC.ids))


def _current(home: Path, dataset: str) -> tuple[Path, dict]:
    """The folder and metadata of the release the catalogue serves for ``dataset``."""
    store = ReleaseStore(home / "releases")
    release = store.current(dataset)
    assert release is not None, f"{dataset} is not published"
    return store.file_path(release, "data.parquet").parent, release.metadata


def _rows(folder: Path) -> list[dict]:
    con = duckdb.connect()
    cur = con.execute(f"SELECT * FROM read_parquet('{folder / 'data.parquet'}')")
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row)) for row in cur.fetchall()]


@pytest.mark.parametrize("standard", list(SPEC), ids=lambda s: s.id)
def test_the_published_csv_header_is_the_spec_column_list(built_home: Path, standard) -> None:  # type: ignore[no-untyped-def]
    folder, metadata = _current(built_home, standard.id)
    raw = (folder / "data.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    header = next(csv.reader(io.StringIO(raw[3:].decode("utf-8").split("\r\n", 1)[0])))
    assert standard.completeness == "COMPLETE"
    assert tuple(header) == standard.column_names
    assert metadata["standard"]["completeness"] == "COMPLETE"
    assert metadata["standard"]["edition"] == SPEC.edition
    assert metadata["row_count"] > 0
    assert (folder / "data.geojson").exists() == (standard.geometry is not None)


@pytest.mark.parametrize("standard", list(SPEC), ids=lambda s: s.id)
def test_codes_pass_their_check_digit_and_points_lie_in_japan(built_home: Path, standard) -> None:  # type: ignore[no-untyped-def]
    rows = _rows(_current(built_home, standard.id)[0])
    codes = [c.name for c in standard.columns if c.kind == "lg_code"]
    for row in rows:
        for name in codes:
            value = row[name]
            assert value is None or (len(value) == 6 and value[5] == check_digit(value[:5])), (name, value)
        if standard.geometry and row[standard.geometry.latitude] is not None:
            assert 20 <= float(row[standard.geometry.latitude]) <= 46
            assert 122 <= float(row[standard.geometry.longitude]) <= 154


@pytest.mark.parametrize("standard", [s for s in SPEC if s.id != "open-data-list"], ids=lambda s: s.id)
def test_every_set_has_two_publishers_one_of_them_a_real_municipality(built_home: Path, standard) -> None:  # type: ignore[no-untyped-def]
    _, metadata = _current(built_home, standard.id)
    publishers = {p["code"] for p in metadata["publishers"]}
    assert len(publishers) >= 2
    real = {s.publisher.code for s in REGISTRY.sources if s.dataset == standard.id and s.entry.root == "realdata"}
    assert publishers & real


def test_a_real_legacy_file_is_published_in_the_current_format_from_its_entry_alone(built_home: Path) -> None:
    (entry,) = [s.entry for s in REGISTRY.sources if s.id == "komae-aed"]
    assert entry.layout == "legacy" and not entry.columns and not entry.fixed  # no mapping of its own
    rows = [r for r in _rows(_current(built_home, "aed-locations")[0]) if r["全国地方公共団体コード"] == "132195"]
    assert len(rows) == 57
    city_hall = next(r for r in rows if r["名称"] == "狛江市役所")
    assert city_hall["地方公共団体名"] == "東京都狛江市"
    assert city_hall["所在地_連結表記"].startswith("狛江市和泉本町1丁目")
    assert city_hall["名称_カナ"] == "コマエシヤクシヨ" or city_hall["名称_カナ"].startswith("コマエ")
    assert city_hall["開始時間"] == "08:30"


def test_quarantined_rows_are_reported_and_the_rest_of_their_file_published(built_home: Path) -> None:
    con = duckdb.connect(str(built_home / "warehouse" / "tdpf.duckdb"), read_only=True)
    for bad in EMBEDDED_BAD_ROWS:
        issues = con.execute(
            "SELECT source_file, source_line, source_column, column_name, reason, message FROM raw.register_issues "
            "WHERE source_id = ? AND severity = 'error'", [bad.source_id]).fetchall()
        assert {(i[0], i[1]) for i in issues} == {(f"landing:{bad.file}", bad.line)}, issues  # that row only
        assert all(i[2] is not None and i[3] and i[4] for i in issues)  # column, column name, reason
        assert any(bad.value.split(",")[0] in i[5] for i in issues)
        (source,) = [s for s in REGISTRY.sources if s.id == bad.source_id]
        published = con.execute(f"SELECT count(*) FROM raw.register_{source.dataset.replace('-', '_')} "
                                "WHERE source_id = ?", [bad.source_id]).fetchone()[0]
        lines = (built_home / "landing" / bad.file).read_bytes().count(b"\n")
        assert published == lines - 2  # all data rows but the bad one (header + bad row)


def test_the_open_data_list_lists_every_published_dataset(built_home: Path) -> None:
    rows = _rows(_current(built_home, "open-data-list")[0])
    published = {r.dataset_id for r in ReleaseStore(built_home / "releases").list_current()}
    assert {r["データセット_ID"] for r in rows} == published
    csv_row = next(r for r in rows if r["ファイル_タイトル"] == "aed-locations/data.csv")
    assert csv_row["ファイル_ダウンロードURL"].endswith("/api/v1/datasets/aed-locations/data.csv")
    assert csv_row["全国地方公共団体コード"] == "130001" and csv_row["ファイル_API対応有無"] == "有"


SHIBUYA = """\
# 渋谷区: added by a test, as a data engineer would — one file and this entry, no code.
publisher: {code: "131130", name: 東京都渋谷区, name_en: Shibuya City}
sources:
  - {id: shibuya-aed, dataset: aed-locations, file: municipal/131130/131130_aed.csv, encoding: cp932, layout: legacy}
"""
SHIBUYA_CSV = (
    "都道府県コード又は市区町村コード,NO,都道府県名,市区町村名,名称,名称_カナ,住所,方書,緯度,経度,設置位置\r\n"
    "131130,1,東京都,渋谷区,渋谷区役所,シブヤクヤクショ,渋谷区宇田川町１－１,,35.663613,139.697802,１階\r\n"
    "131130,2,東京都,渋谷区,渋谷区立中央図書館,シブヤクリツチュウオウトショカン,渋谷区神宮前１－１－１,,35.671,139.709,入口\r\n"
)


def test_a_new_municipality_is_published_after_make_build_with_no_code_change(home_copy: Path, tmp_path: Path) -> None:
    registry = tmp_path / "registry"
    shutil.copytree(DEFAULT_REGISTRY, registry)
    (registry / "131130_shibuya.yaml").write_text(SHIBUYA, encoding="utf-8")
    target = home_copy / "landing" / "municipal" / "131130" / "131130_aed.csv"
    target.parent.mkdir(parents=True)
    target.write_bytes(SHIBUYA_CSV.encode("cp932"))
    env = {**os.environ, "TDPF_HOME": str(home_copy), "TDPF_REGISTRY": str(registry)}
    env.pop("DAGSTER_HOME", None)
    proc = subprocess.run(["make", "build"], cwd=REPO, env=env, capture_output=True, text=True, timeout=1800, check=False)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    _, metadata = _current(home_copy, "aed-locations")
    assert {"code": "131130", "name": "東京都渋谷区", "rows": 2} in metadata["publishers"]


def test_rerunning_one_publisher_partition_leaves_the_other_publishers_untouched(home_copy: Path) -> None:
    tables = [f"raw.register_{s.id.replace('-', '_')}" for s in SPEC] + ["raw.register_issues"]

    def snapshot() -> dict[str, list[tuple]]:
        con = duckdb.connect(str(home_copy / "warehouse" / "tdpf.duckdb"), read_only=True)
        try:
            return {t: con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in tables}
        finally:
            con.close()

    before = snapshot()
    bad = EMBEDDED_BAD_ROWS[0]  # 新宿区's AED file: drop its bad row, as a corrected file would
    path = home_copy / "landing" / bad.file
    lines = path.read_bytes().split(b"\r\n")
    path.write_bytes(b"\r\n".join(lines[: bad.line - 1] + lines[bad.line:]))
    saved = dict(os.environ)
    try:
        defs = build_definitions(DataHome(home_copy))
        result = defs.resolve_job_def(REGISTERS_JOB).execute_in_process(
            instance=dg.DagsterInstance.ephemeral(), partition_key="131041", raise_on_error=False)
    finally:
        os.environ.clear()
        os.environ.update(saved)
    assert result.success
    after = snapshot()
    for table in tables:
        others = lambda rows: [r for r in rows if r[0] != "131041"]  # noqa: E731 — publisher_code is column 1
        assert others(after[table]) == others(before[table]), table
    shinjuku_issues = [r for r in after["raw.register_issues"] if r[0] == "131041" and r[8] == "error"]
    assert shinjuku_issues == []
