"""Unit tests of the release store: the one contract between pipelines and the catalogue API."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from catalog_api import release_store
from catalog_api.release_store import INDEX_FORMAT, ReleaseStore, compute_content_hash

CSV_BYTES = "\ufeff名称,郵便番号\r\n新宿区役所,0010001\r\n".encode("utf-8")
METADATA = {"title": "テスト", "title_en": "Test", "publisher": "東京都", "row_count": 1}


def write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


@pytest.fixture
def store(tmp_path: Path) -> ReleaseStore:
    return ReleaseStore(tmp_path / "data" / "releases")


@pytest.fixture
def csv_file(tmp_path: Path) -> Path:
    return write(tmp_path / "staging" / "out.csv", CSV_BYTES)


def release_dirs(store: ReleaseStore, dataset_id: str) -> list[str]:
    return sorted(p.name for p in (store.root / dataset_id).iterdir())


def test_store_creates_nothing_until_first_publish(store: ReleaseStore) -> None:
    assert store.list_current() == []
    assert store.current("aed") is None
    assert store.versions("aed") == []
    assert not store.root.exists()


def test_first_publish_creates_version_1_with_copied_files_and_metadata(
    store: ReleaseStore, csv_file: Path
) -> None:
    result = store.publish("aed", {"data.csv": csv_file}, METADATA)

    assert result.created is True
    release = result.release
    assert release.version == 1
    assert release.path == store.root / "aed" / release.content_hash[:16]
    assert (release.path / "data.csv").read_bytes() == CSV_BYTES
    assert csv_file.read_bytes() == CSV_BYTES, "the caller's file must be copied, not moved"
    (resource,) = release.resources
    assert resource.name == "data.csv"
    assert resource.format == "CSV"
    assert resource.media_type == "text/csv; charset=utf-8"
    assert resource.bytes == len(CSV_BYTES)

    on_disk = json.loads((release.path / "metadata.json").read_text(encoding="utf-8"))
    assert on_disk["title"] == "テスト"
    assert on_disk["id"] == "aed"
    assert on_disk["version"] == 1
    assert on_disk["content_hash"] == release.content_hash
    assert on_disk["created_at"].endswith("Z") and len(on_disk["created_at"]) == 20
    assert on_disk["resources"] == [
        {"name": "data.csv", "format": "CSV", "media_type": "text/csv; charset=utf-8",
         "bytes": len(CSV_BYTES), "sha256": resource.sha256}
    ]
    # Japanese stays readable in the file (ensure_ascii=False).
    assert "テスト" in (release.path / "metadata.json").read_text(encoding="utf-8")


def test_identical_publish_is_a_noop(
    store: ReleaseStore, csv_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = store.publish("aed", {"data.csv": csv_file}, METADATA)
    index_before = store.index_path.read_bytes()
    dirs_before = release_dirs(store, "aed")

    def no_copy_expected(source: Path, target: Path) -> tuple[str, int]:
        raise AssertionError(f"identical content must write nothing, but {target.name} was copied")

    monkeypatch.setattr(release_store, "_copy_and_hash", no_copy_expected)

    # Same bytes from a different temporary file, same metadata in a different key order.
    copy = write(tmp_path / "other" / "again.csv", CSV_BYTES)
    second = store.publish("aed", {"data.csv": copy}, dict(reversed(list(METADATA.items()))))

    assert second.created is False
    assert second.release.content_hash == first.release.content_hash
    assert second.release.version == 1
    assert store.index_path.read_bytes() == index_before
    assert release_dirs(store, "aed") == dirs_before


def test_changed_file_bumps_version_and_keeps_old_version_readable(
    store: ReleaseStore, csv_file: Path, tmp_path: Path
) -> None:
    v1 = store.publish("aed", {"data.csv": csv_file}, METADATA).release
    changed = write(tmp_path / "v2.csv", CSV_BYTES + "都庁,1638001\r\n".encode("utf-8"))
    result = store.publish("aed", {"data.csv": changed}, METADATA)

    assert result.created is True
    assert result.release.version == 2
    assert result.release.content_hash != v1.content_hash
    assert store.current("aed") == result.release
    assert [r.version for r in store.versions("aed")] == [1, 2]
    old = store.get("aed", 1)
    assert old is not None
    assert store.file_path(old, "data.csv").read_bytes() == CSV_BYTES
    assert store.get("aed", 3) is None


def test_changed_metadata_alone_bumps_version(store: ReleaseStore, csv_file: Path) -> None:
    store.publish("aed", {"data.csv": csv_file}, METADATA)
    result = store.publish("aed", {"data.csv": csv_file}, {**METADATA, "row_count": 2})
    assert result.created is True
    assert result.release.version == 2


def test_content_hash_ignores_time_and_key_order() -> None:
    files = {"data.csv": "a" * 64, "data.parquet": "b" * 64}
    meta = {"title": "x", "columns": [{"name": "a", "type": "VARCHAR"}]}
    assert compute_content_hash(files, meta) == compute_content_hash(
        dict(reversed(list(files.items()))), dict(reversed(list(meta.items())))
    )
    assert compute_content_hash(files, meta) != compute_content_hash(files, {**meta, "title": "y"})


def test_returning_to_earlier_content_reuses_its_directory_as_a_new_version(
    store: ReleaseStore, csv_file: Path, tmp_path: Path
) -> None:
    v1 = store.publish("aed", {"data.csv": csv_file}, METADATA).release
    store.publish("aed", {"data.csv": write(tmp_path / "b.csv", b"changed\n")}, METADATA)
    v3 = store.publish("aed", {"data.csv": csv_file}, METADATA)

    assert v3.created is True
    assert v3.release.version == 3
    assert v3.release.path == v1.path
    assert v3.release.metadata["version"] == 3
    assert len(release_dirs(store, "aed")) == 2  # no temp dirs left behind
    assert [r.content_hash for r in store.versions("aed")] == [v1.content_hash, store.get("aed", 2).content_hash, v1.content_hash]


def test_index_file_has_documented_format(store: ReleaseStore, csv_file: Path) -> None:
    release = store.publish("aed", {"data.csv": csv_file}, METADATA).release
    index = json.loads(store.index_path.read_text(encoding="utf-8"))
    assert index["format"] == INDEX_FORMAT
    assert index["updated_at"] == release.created_at
    assert index["datasets"] == {
        "aed": {
            "current_version": 1,
            "versions": [
                {"version": 1, "content_hash": release.content_hash,
                 "path": f"aed/{release.content_hash[:16]}", "created_at": release.created_at}
            ],
        }
    }


def test_failed_copy_leaves_index_byte_identical_and_no_new_release(
    store: ReleaseStore, csv_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.publish("aed", {"data.csv": csv_file}, METADATA)
    index_before = store.index_path.read_bytes()
    dirs_before = release_dirs(store, "aed")

    real_copy = release_store._copy_and_hash
    calls = []

    def copy_then_fail(source: Path, target: Path) -> tuple[str, int]:
        calls.append(target.name)
        if len(calls) == 2:
            target.write_bytes(b"partial")
            raise OSError("No space left on device")
        return real_copy(source, target)

    monkeypatch.setattr(release_store, "_copy_and_hash", copy_then_fail)
    parquet = write(tmp_path / "x.parquet", b"PAR1 not really")
    with pytest.raises(OSError, match="No space left"):
        store.publish("aed", {"data.csv": csv_file, "data.parquet": parquet}, METADATA)

    assert calls == ["data.csv", "data.parquet"]
    assert store.index_path.read_bytes() == index_before
    assert release_dirs(store, "aed") == dirs_before
    assert store.current("aed").version == 1


def test_failed_index_write_removes_the_new_release_directory(
    store: ReleaseStore, csv_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.publish("aed", {"data.csv": csv_file}, METADATA)
    index_before = store.index_path.read_bytes()
    dirs_before = release_dirs(store, "aed")

    def broken_write(self: ReleaseStore, index: object) -> None:
        raise OSError("disk went away")

    monkeypatch.setattr(ReleaseStore, "_write_index", broken_write)
    with pytest.raises(OSError, match="disk went away"):
        store.publish("aed", {"data.csv": write(tmp_path / "new.csv", b"new\n")}, METADATA)

    assert store.index_path.read_bytes() == index_before
    assert release_dirs(store, "aed") == dirs_before


@pytest.mark.parametrize(
    "bad_id", ["", "AED", "../etc", "aed/../../x", ".hidden", "-lead", "a b", "ａｅｄ", "a" * 101, "aed\n"]
)
def test_invalid_dataset_id_is_rejected_everywhere(store: ReleaseStore, csv_file: Path, bad_id: str) -> None:
    with pytest.raises(ValueError, match="invalid dataset id"):
        store.publish(bad_id, {"data.csv": csv_file}, METADATA)
    for read in (store.current, store.versions, lambda i: store.get(i, 1)):
        with pytest.raises(ValueError, match="invalid dataset id"):
            read(bad_id)
    assert not store.root.exists()


def test_longest_valid_dataset_id_is_accepted(store: ReleaseStore, csv_file: Path) -> None:
    dataset_id = "a" + "_-9" * 33
    assert len(dataset_id) == 100
    assert store.publish(dataset_id, {"data.csv": csv_file}, METADATA).release.version == 1


@pytest.mark.parametrize("name", ["data.xlsx", "data", "../data.csv", "sub/data.csv", ".data.csv", "metadata.json"])
def test_unknown_extension_or_unsafe_file_name_is_rejected(store: ReleaseStore, csv_file: Path, name: str) -> None:
    with pytest.raises(ValueError):
        store.publish("aed", {name: csv_file}, METADATA)
    assert not store.root.exists()


@pytest.mark.parametrize(
    ("name", "fmt", "media_type"),
    [
        ("data.csv", "CSV", "text/csv; charset=utf-8"),
        ("data.parquet", "Parquet", "application/vnd.apache.parquet"),
        ("data.geojson", "GeoJSON", "application/geo+json"),
        ("data.json", "JSON", "application/json"),
        ("quality.html", "HTML", "text/html; charset=utf-8"),
    ],
)
def test_format_and_media_type_follow_the_extension(
    store: ReleaseStore, csv_file: Path, name: str, fmt: str, media_type: str
) -> None:
    (resource,) = store.publish("aed", {name: csv_file}, METADATA).release.resources
    assert (resource.format, resource.media_type) == (fmt, media_type)


def test_reserved_or_unserialisable_metadata_is_rejected(store: ReleaseStore, csv_file: Path) -> None:
    with pytest.raises(ValueError, match="version"):
        store.publish("aed", {"data.csv": csv_file}, {**METADATA, "version": "第2.0版"})
    with pytest.raises(ValueError, match="not JSON-serialisable"):
        store.publish("aed", {"data.csv": csv_file}, {**METADATA, "when": object()})
    # A matching id is harmless and accepted.
    assert store.publish("aed", {"data.csv": csv_file}, {**METADATA, "id": "aed"}).created


def test_missing_source_file_is_reported_and_nothing_written(store: ReleaseStore, tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="data.csv"):
        store.publish("aed", {"data.csv": tmp_path / "missing.csv"}, METADATA)
    assert not store.root.exists()


def test_file_path_raises_key_error_for_unknown_name(store: ReleaseStore, csv_file: Path) -> None:
    release = store.publish("aed", {"data.csv": csv_file}, METADATA).release
    assert store.file_path(release, "data.csv") == release.path / "data.csv"
    assert store.file_path(release, "metadata.json").is_file()
    with pytest.raises(KeyError):
        store.file_path(release, "data.parquet")
    with pytest.raises(KeyError):
        store.file_path(release, "../../index.json")


def test_reader_sees_release_published_by_another_store_instance(
    tmp_path: Path, csv_file: Path
) -> None:
    root = tmp_path / "releases"
    reader = ReleaseStore(root)
    assert reader.current("aed") is None  # primes the (empty) cache
    writer = ReleaseStore(root)
    writer.publish("aed", {"data.csv": csv_file}, METADATA)
    assert reader.current("aed").version == 1
    writer.publish("aed", {"data.csv": csv_file}, {**METADATA, "row_count": 5})
    assert reader.current("aed").version == 2
    assert reader.current("aed").metadata["row_count"] == 5


def test_list_current_is_sorted_by_dataset_id(store: ReleaseStore, csv_file: Path) -> None:
    for dataset_id in ("toilets", "aed", "wifi"):
        store.publish(dataset_id, {"data.csv": csv_file}, METADATA)
    assert [r.dataset_id for r in store.list_current()] == ["aed", "toilets", "wifi"]


def test_mutating_returned_metadata_does_not_change_the_store(store: ReleaseStore, csv_file: Path) -> None:
    store.publish("aed", {"data.csv": csv_file}, METADATA)
    store.current("aed").metadata["title"] = "changed"
    assert store.current("aed").metadata["title"] == "テスト"


def test_concurrent_publishes_get_distinct_consecutive_versions(tmp_path: Path) -> None:
    root = tmp_path / "releases"
    sources = [write(tmp_path / f"in{i}.csv", f"row,{i}\n".encode()) for i in range(8)]
    errors: list[BaseException] = []

    def publish(source: Path) -> None:
        try:
            ReleaseStore(root).publish("aed", {"data.csv": source}, METADATA)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=publish, args=(s,)) for s in sources]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    versions = ReleaseStore(root).versions("aed")
    assert [r.version for r in versions] == list(range(1, 9))
    assert len({r.content_hash for r in versions}) == 8
    assert not list((root / "aed").glob(".tmp-*"))


# ------------------------------------------------------------ attachments and attempts


def _report(tmp_path: Path, text: str) -> Path:
    return write(tmp_path / f"report-{abs(hash(text))}.html", text.encode("utf-8"))


def test_attachments_are_written_but_left_out_of_the_content_hash(
    store: ReleaseStore, csv_file: Path, tmp_path: Path
) -> None:
    first = store.publish("aed", {"data.csv": csv_file}, {"title": "AED"}, release_store.Attachments(
        {"quality": {"status": "passed", "checked_at": "2026-11-26T01:00:00Z"}}, {"quality.html": _report(tmp_path, "a")}))
    again = store.publish("aed", {"data.csv": csv_file}, {"title": "AED"}, release_store.Attachments(
        {"quality": {"status": "warned", "checked_at": "2026-11-26T02:00:00Z"}}, {"quality.html": _report(tmp_path, "b")}))
    assert first.created and not again.created  # re-checking unchanged data mints no version
    release = store.current("aed")
    assert release.metadata["quality"]["checked_at"] == "2026-11-26T01:00:00Z"  # the verdict it was published with
    assert release.resource("quality.html").media_type == "text/html; charset=utf-8"
    assert store.file_path(release, "quality.html").read_text(encoding="utf-8") == "a"
    assert first.release.content_hash == compute_content_hash(
        {"data.csv": release.resource("data.csv").sha256}, {"title": "AED"})


def test_attachments_may_not_shadow_the_release(store: ReleaseStore, csv_file: Path) -> None:
    with pytest.raises(ValueError, match="attachments repeat 'title'"):
        store.publish("aed", {"data.csv": csv_file}, {"title": "AED"},
                      release_store.Attachments({"title": "other"}, {}))
    assert not store.index_path.exists()


def test_attempts_are_kept_beside_releases_without_touching_the_index(
    store: ReleaseStore, csv_file: Path, tmp_path: Path
) -> None:
    store.publish("aed", {"data.csv": csv_file}, {"title": "AED"})
    index_before = store.index_path.read_bytes()
    assert store.latest_attempt("aed") is None
    attempt = store.record_attempt("aed", {"published": False, "quality": {"status": "failed"}},
                                   {"quality.html": _report(tmp_path, "failed")})
    assert store.index_path.read_bytes() == index_before
    latest = store.latest_attempt("aed")
    assert latest == attempt and latest.document["quality"]["status"] == "failed"
    assert latest.files == ("quality.html",) and (latest.path / "quality.html").read_text() == "failed"
    assert store.attempt("aed", "../../etc") is None and store.attempt("aed", "20990101T000000000000Z-deadbeef") is None


def test_old_attempts_are_pruned_and_the_latest_is_kept(store: ReleaseStore, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(release_store, "ATTEMPTS_KEPT", 3)
    ids = [store.record_attempt("aed", {"n": n}, {}).id for n in range(5)]
    kept = sorted(p.name for p in (store.root / "aed" / "attempts").iterdir() if p.name != "LATEST")
    assert len(kept) == 3 and ids[-1] in kept
    assert store.latest_attempt("aed").document["n"] == 4
