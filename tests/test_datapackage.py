"""Every release carries a Frictionless ``datapackage.json`` that ``frictionless validate`` accepts.

On the built catalogue: each current release's package is validated (the library, and the CLI on
one), and a corrupted copy fails with the row and field at fault. The package describes the CSV
as published: field names are its headers, types those of the release's Parquet.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import frictionless
import pytest

from catalog_api.release_store import ReleaseStore

pytestmark = pytest.mark.slow  # a built data directory

FRICTIONLESS_CLI = str(Path(sys.executable).with_name("frictionless"))
NUMBER_TYPES = {"DOUBLE": "number", "INTEGER": "integer", "BIGINT": "integer", "VARCHAR": "string", "DATE": "date"}


@pytest.fixture(scope="module")
def releases(built_home: Path) -> dict[str, Path]:
    store = ReleaseStore(built_home / "releases")
    return {r.dataset_id: r.path for r in store.list_current()}


def test_every_release_has_a_valid_package(releases: dict[str, Path]) -> None:
    assert len(releases) >= 19
    for dataset_id, path in releases.items():
        report = frictionless.validate(path / "datapackage.json")
        assert report.valid, (dataset_id, report.flatten(["rowNumber", "fieldName", "type", "note"])[:5])


def test_the_package_describes_the_published_files(releases: dict[str, Path]) -> None:
    for dataset_id, path in releases.items():
        package = json.loads((path / "datapackage.json").read_text(encoding="utf-8"))
        assert package["name"] == dataset_id and package["name"].isascii() and package["name"].islower()
        (resource,) = package["resources"]
        assert resource["name"] == "data" and resource["path"] == "data.csv" and not package["title"].isascii()
        fields = resource["schema"]["fields"]
        header = (path / "data.csv").read_bytes().split(b"\r\n", 1)[0].decode("utf-8-sig")
        assert [f["name"] for f in fields] == header.split(","), dataset_id  # no header here needs quoting
        parquet_types = {name: str(kind) for name, kind, *_ in
                         duckdb.sql(f"DESCRIBE SELECT * FROM '{path / 'data.parquet'}'").fetchall()}
        for field in fields:
            expected = NUMBER_TYPES.get(parquet_types[field["name"]])
            assert expected is None or field["type"] == expected, (dataset_id, field)
    toilets = json.loads((releases["public-toilets"] / "datapackage.json").read_text(encoding="utf-8"))
    assert toilets["resources"][0]["schema"]["primaryKey"] == ["全国地方公共団体コード", "ID"]
    # AED rows of one publisher leave ID blank: no primary key is claimed where it does not hold
    aed = json.loads((releases["aed-locations"] / "datapackage.json").read_text(encoding="utf-8"))
    assert "primaryKey" not in aed["resources"][0]["schema"]


def test_the_cli_validates_a_release_and_fails_a_corrupted_copy(releases: dict[str, Path], tmp_path: Path) -> None:
    source = releases["public-toilets"]
    good = subprocess.run([FRICTIONLESS_CLI, "validate", "datapackage.json"], cwd=source, capture_output=True,
                          text=True, timeout=120, check=False)
    assert good.returncode == 0, good.stdout[-2000:]
    copy = tmp_path / "release"
    shutil.copytree(source, copy)
    csv = copy / "data.csv"
    lines = csv.read_bytes().split(b"\r\n")
    lines[3] = b"ABCDEF" + lines[3][6:]  # the publisher's code of the third row: not six digits
    csv.write_bytes(b"\r\n".join(lines))
    bad = subprocess.run([FRICTIONLESS_CLI, "validate", "--json", "datapackage.json"], cwd=copy,
                         capture_output=True, text=True, timeout=120, check=False)
    assert bad.returncode != 0
    errors = [e for task in json.loads(bad.stdout)["tasks"] for e in task["errors"]]
    assert any(e.get("rowNumber") == 4 and e.get("fieldName") == "全国地方公共団体コード" for e in errors), errors[:3]
