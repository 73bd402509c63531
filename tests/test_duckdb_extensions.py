"""DuckDB extensions load from their wheels, offline."""

from pathlib import Path

import duckdb
import pytest

from pipelines.duckdb_extensions import ExtensionMissing, extension_path, load_extensions


def test_shift_jis_csv_is_read_by_duckdb_itself_once_encodings_is_loaded(tmp_path: Path) -> None:
    path = tmp_path / "sjis.csv"
    path.write_bytes("名称,気温(℃)\r\n都庁前,12.5\r\n".encode("cp932"))
    con = duckdb.connect()
    load_extensions(con, "encodings")
    rows = con.execute(f"SELECT * FROM read_csv('{path}', encoding='shift_jis', header=true)").fetchall()
    assert rows == [("都庁前", 12.5)]
    assert [d[0] for d in con.description] == ["名称", "気温(℃)"]


@pytest.mark.parametrize("name", ["encodings", "spatial", "excel", "fts"])
def test_every_extension_the_platform_uses_is_installed_for_this_duckdb(name: str) -> None:
    assert extension_path(name).exists()


def test_a_missing_extension_is_a_clear_error() -> None:
    with pytest.raises(ExtensionMissing, match="duckdb-extension-nosuch"):
        extension_path("nosuch")
