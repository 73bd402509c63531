"""Immutable dataset releases on disk: how ``pipelines`` hands releases to ``catalog_api``.

Why this module exists: DuckDB allows one writer per database file, so the API must never read the
pipeline's warehouse. Instead the pipeline *publishes* each dataset as a directory of finished
files (``data.csv``, ``data.parquet`` …) plus ``metadata.json``, and the API serves those files.
A release directory is never modified after it appears, so any number of readers can use it and
HTTP caches can keep it forever (the ETag is the file's sha256).

Layout under ``root`` (``<TDPF_HOME>/releases``)::

    index.json                       which versions exist, which one is current
    .index.lock                      flock taken by publishers while they update index.json
    <dataset_id>/<content_hash[:16]>/metadata.json, data.csv, data.parquet, …
    <dataset_id>/.tmp-<uuid>/        a release being written (never referenced by the index)
    <dataset_id>/attempts/<id>/      one quality-gate attempt: attempt.json and its report
    <dataset_id>/attempts/LATEST     the id of the latest attempt (replaced atomically)

A release becomes visible only when ``index.json`` is atomically replaced, so a reader sees either
the old catalogue or the new one, never a half-written release. This module imports nothing from
``pipelines`` (the import arrows follow the data flow: pipelines → releases → API).

This module decides how releases are *stored*; what their metadata.json and attempt.json *say* is
typed in :mod:`catalog_api.release_contract`: writers serialise those types, readers validate with
them. The store takes and returns plain JSON objects and checks only what storage needs (reserved
keys, JSON values), so any document it is given is kept as given. ``Resource`` lives in the
contract and is re-exported here, so existing imports keep working.
"""

from __future__ import annotations

import copy
import fcntl
import hashlib
import json
import os
import re
import shutil
import threading
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from catalog_api.release_contract import STORE_KEYS, Resource

__all__ = [
    "ATTEMPT_FILE",
    "Attachments",
    "Attempt",
    "INDEX_FORMAT",
    "METADATA_FILE",
    "MEDIA_TYPES",
    "PublishResult",
    "Release",
    "ReleaseStore",
    "Resource",
    "validate_dataset_id",
]

INDEX_FORMAT = "tdpf-release-index/1"
METADATA_FILE = "metadata.json"

#: Extension → (format label, media type). The media type is what the API sends as Content-Type,
#: so it is decided once, at publish time, and recorded in metadata.json.
MEDIA_TYPES: Mapping[str, tuple[str, str]] = {
    ".csv": ("CSV", "text/csv; charset=utf-8"),
    ".parquet": ("Parquet", "application/vnd.apache.parquet"),
    ".geojson": ("GeoJSON", "application/geo+json"),
    ".json": ("JSON", "application/json"),
    ".html": ("HTML", "text/html; charset=utf-8"),
}

#: Keys the store writes into metadata.json itself; a caller supplying them would be silently
#: overwritten, which hides bugs, so publish() rejects them (``id`` is allowed if it agrees).
RESERVED_METADATA_KEYS = STORE_KEYS

_DATASET_ID_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,99}$")
# File names become path components and URL segments: no separators, no leading dot, no "..".
_FILE_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*(\.[A-Za-z0-9_-]+)+$")
_RELEASE_PATH_RE = re.compile(r"^([a-z0-9][a-z0-9_-]{0,99})/([0-9a-f]{16})$")
_CHUNK = 1024 * 1024
ATTEMPT_FILE = "attempt.json"
ATTEMPTS_DIR = "attempts"
#: Attempts kept per dataset; older ones are removed when a new one is recorded.
ATTEMPTS_KEPT = 30
# UTC time to the microsecond, so ids sort in the order attempts were made.
_ATTEMPT_ID_RE = re.compile(r"^[0-9]{8}T[0-9]{12}Z-[0-9a-f]{8}$")


@dataclass(frozen=True)
class Release:
    """One published version of a dataset.

    ``version`` and ``created_at`` come from the index (authoritative). ``metadata`` is the
    release's metadata.json with those two keys set to the index values: when a dataset returns to
    content it had before, the new version reuses the old directory, whose metadata.json still
    names the version that first published that content. ``release_contract.ReleaseDocument.from_json``
    reads it typed.

    The store hands out one ``Release`` per version to every caller (a release never changes), so
    what a caller may change is copied on access: ``metadata`` is a fresh copy each time, and the
    records and download routes, which never read it, copy nothing.
    """

    dataset_id: str
    version: int
    content_hash: str
    created_at: str
    path: Path
    _metadata: dict = field(repr=False)
    resources: tuple[Resource, ...]

    @property
    def metadata(self) -> dict:
        """metadata.json with the index's ``version`` and ``created_at``: a copy of the caller's own."""
        return copy.deepcopy(self._metadata)

    def resource(self, name: str) -> Resource:
        """Return the resource called ``name``; KeyError if the release has no such file."""
        for resource in self.resources:
            if resource.name == name:
                return resource
        raise KeyError(name)


@dataclass(frozen=True)
class Attachments:
    """What a release says *about* its content (its quality check and report), not content itself.

    Written into the release's metadata.json and directory like everything else, but left out of
    the content hash: re-checking unchanged data must not mint a new version, and the served
    release keeps the check it was published with.
    """

    metadata: Mapping[str, Any]
    files: Mapping[str, Path]


@dataclass(frozen=True)
class Attempt:
    """One run of a dataset's quality gate, published or not.

    ``document`` is attempt.json as stored; ``release_contract.AttemptRecord.from_json`` reads it typed.
    """

    dataset_id: str
    id: str
    path: Path
    document: dict
    files: tuple[str, ...]


@dataclass(frozen=True)
class PublishResult:
    """Outcome of :meth:`ReleaseStore.publish`; ``created`` is False when nothing changed."""

    release: Release
    created: bool


def validate_dataset_id(dataset_id: str) -> str:
    """Return ``dataset_id`` or raise ValueError.

    Dataset ids become directory names and URL segments; checking them against one strict
    pattern everywhere makes path traversal (``../``) impossible by construction.
    """
    if not isinstance(dataset_id, str) or not _DATASET_ID_RE.fullmatch(dataset_id):
        raise ValueError(
            f"invalid dataset id {dataset_id!r}: expected 1-100 characters of a-z, 0-9, '_' or '-', "
            "starting with a letter or digit"
        )
    return dataset_id


def media_type_for(name: str) -> tuple[str, str]:
    """Return (format, media type) for a file name, or raise ValueError for unknown extensions.

    Refusing unknown extensions keeps the API from ever serving a file with a guessed type.
    """
    suffix = Path(name).suffix.lower()
    try:
        return MEDIA_TYPES[suffix]
    except KeyError:
        known = ", ".join(sorted(MEDIA_TYPES))
        raise ValueError(f"unsupported file extension in {name!r}: expected one of {known}") from None


def canonical_json(value: Any) -> str:
    """Serialise ``value`` the one way used for hashing, so equal content gives an equal hash."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def compute_content_hash(file_hashes: Mapping[str, str], metadata: Mapping[str, Any]) -> str:
    """Hash of what a release *contains* (file digests + caller metadata), never of when it was made.

    Leaving time out is what makes re-publishing identical content a detectable no-op.
    """
    document = {"files": dict(file_hashes), "metadata": dict(metadata)}
    return hashlib.sha256(canonical_json(document).encode("utf-8")).hexdigest()


def _sha256_file(path: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def _copy_and_hash(source: Path, target: Path) -> tuple[str, int]:
    """Copy ``source`` to ``target``, fsync it, and return the sha256 and size of what was written.

    Hashing the bytes as they are copied proves the release holds exactly the bytes that were hashed
    for the content hash, even if the caller's file changed in between.
    """
    digest = hashlib.sha256()
    size = 0
    with source.open("rb") as src, target.open("xb") as dst:
        while chunk := src.read(_CHUNK):
            digest.update(chunk)
            dst.write(chunk)
            size += len(chunk)
        dst.flush()
        os.fsync(dst.fileno())
    return digest.hexdigest(), size


def _write_json_durably(path: Path, document: Any) -> None:
    data = json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    with path.open("w", encoding="utf-8") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def _fsync_dir(path: Path) -> None:
    # A rename is only durable once the directory holding it is synced.
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _utc_now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _empty_index() -> dict[str, Any]:
    return {"format": INDEX_FORMAT, "updated_at": None, "datasets": {}}


class ReleaseStore:
    """Publish and read immutable dataset releases under one directory.

    One instance is safe to share between threads (the API's thread pool); several processes may
    publish at once because index updates are serialised with ``flock``. Reads never lock: the
    index is replaced atomically and release directories never change.
    """

    def __init__(self, root: Path) -> None:
        # Nothing is created here: a read-only API pointed at an empty data directory must not
        # write to it. The directory appears on the first publish.
        self.root = Path(root)
        self._cache_lock = threading.Lock()
        self._index_key: tuple[int, int, int] | None = None
        self._index: dict[str, Any] = _empty_index()
        self._metadata_cache: dict[Path, dict[str, Any]] = {}
        self._releases: dict[tuple[str, ...], Release] = {}  # by everything of its index entry

    # ------------------------------------------------------------------ paths

    @property
    def index_path(self) -> Path:
        """Where the catalogue index lives (useful to tests and operators)."""
        return self.root / "index.json"

    @property
    def _lock_path(self) -> Path:
        return self.root / ".index.lock"

    # ---------------------------------------------------------------- reading

    def current(self, dataset_id: str) -> Release | None:
        """The release the catalogue currently serves for ``dataset_id``, or None if unpublished."""
        validate_dataset_id(dataset_id)
        entry = self._load_index()["datasets"].get(dataset_id)
        if not entry:
            return None
        return self._release_for_version(dataset_id, entry, int(entry["current_version"]))

    def get(self, dataset_id: str, version: int) -> Release | None:
        """A specific version (current or older), or None if that version was never published."""
        validate_dataset_id(dataset_id)
        entry = self._load_index()["datasets"].get(dataset_id)
        if not entry:
            return None
        return self._release_for_version(dataset_id, entry, int(version))

    def versions(self, dataset_id: str) -> list[Release]:
        """Every published version of ``dataset_id``, oldest first; empty if unpublished."""
        validate_dataset_id(dataset_id)
        entry = self._load_index()["datasets"].get(dataset_id)
        if not entry:
            return []
        ordered = sorted(entry["versions"], key=lambda item: int(item["version"]))
        return [self._release_from_entry(dataset_id, item) for item in ordered]

    def catalogue_state(self) -> tuple[Any, ...]:
        """A key that changes whenever what the catalogue shows may change: a release or a gate run.

        The index file's identity (replaced atomically on every publish) and each dataset's latest
        attempt id. Cheap (one ``fstat`` and a small read per dataset), so a reader can keep
        answers built from releases for as long as the key holds.
        """
        datasets = self._load_index()["datasets"]
        with self._cache_lock:
            index_key = self._index_key
        return (index_key, *(self._latest_attempt_id(d) for d in sorted(datasets)))

    def list_current(self) -> list[Release]:
        """The current release of every dataset, sorted by dataset id."""
        datasets = self._load_index()["datasets"]
        releases = []
        for dataset_id in sorted(datasets):
            entry = datasets[dataset_id]
            release = self._release_for_version(dataset_id, entry, int(entry["current_version"]))
            if release is not None:
                releases.append(release)
        return releases

    def file_path(self, release: Release, name: str) -> Path:
        """Absolute path of file ``name`` in ``release``; KeyError if the release has no such file.

        ``metadata.json`` counts as a file of every release. Only names recorded in the release are
        accepted, so a request path can never escape the release directory.
        """
        if name != METADATA_FILE:
            release.resource(name)
        return release.path / name

    def _load_index(self) -> dict[str, Any]:
        """Return the parsed index, re-reading it only when the file on disk was replaced.

        The key is taken from ``fstat`` of the very descriptor that is read, so the cached content
        always matches its key; (inode, mtime, size) changes on every atomic replace.
        """
        try:
            handle = self.index_path.open("rb")
        except FileNotFoundError:
            return _empty_index()
        with handle:
            info = os.fstat(handle.fileno())
            key = (info.st_ino, info.st_mtime_ns, info.st_size)
            with self._cache_lock:
                if key == self._index_key:
                    return self._index
            index = json.loads(handle.read().decode("utf-8"))
        if index.get("format") != INDEX_FORMAT:
            raise ValueError(f"{self.index_path}: unsupported index format {index.get('format')!r}")
        with self._cache_lock:
            self._index_key, self._index = key, index
        return index

    def _read_index_fresh(self) -> dict[str, Any]:
        """Read the index bypassing the cache (publishers must see the latest state under the lock)."""
        try:
            raw = self.index_path.read_bytes()
        except FileNotFoundError:
            return _empty_index()
        index = json.loads(raw.decode("utf-8"))
        if index.get("format") != INDEX_FORMAT:
            raise ValueError(f"{self.index_path}: unsupported index format {index.get('format')!r}")
        return index

    def _release_for_version(self, dataset_id: str, entry: Mapping[str, Any], version: int) -> Release | None:
        for item in entry.get("versions", []):
            if int(item["version"]) == version:
                return self._release_from_entry(dataset_id, item)
        return None

    def _release_from_entry(self, dataset_id: str, item: Mapping[str, Any]) -> Release:
        key = (dataset_id, str(item["path"]), str(item["version"]), str(item["created_at"]), str(item["content_hash"]))
        with self._cache_lock:
            release = self._releases.get(key)
        if release is None:
            release = self._new_release(dataset_id, item)
            with self._cache_lock:
                self._releases[key] = release
        return release

    def _new_release(self, dataset_id: str, item: Mapping[str, Any]) -> Release:
        match = _RELEASE_PATH_RE.fullmatch(str(item["path"]))
        if not match or match.group(1) != dataset_id:
            # The index is ours, but a hand-edited one must still not point outside the store.
            raise ValueError(f"{self.index_path}: bad release path {item['path']!r} for {dataset_id!r}")
        path = self.root / item["path"]
        metadata = self._read_metadata(path)
        metadata["version"] = int(item["version"])
        metadata["created_at"] = item["created_at"]
        resources = tuple(Resource.from_json(r) for r in metadata.get("resources", []))
        return Release(
            dataset_id=dataset_id,
            version=int(item["version"]),
            content_hash=str(item["content_hash"]),
            created_at=str(item["created_at"]),
            path=path,
            _metadata=metadata,
            resources=resources,
        )

    def _read_metadata(self, release_dir: Path) -> dict[str, Any]:
        """metadata.json of a release, parsed once per directory (directories are immutable).

        Callers get a deep copy so that mutating a Release's metadata cannot corrupt the cache.
        """
        with self._cache_lock:
            cached = self._metadata_cache.get(release_dir)
        if cached is None:
            cached = json.loads((release_dir / METADATA_FILE).read_text(encoding="utf-8"))
            with self._cache_lock:
                self._metadata_cache[release_dir] = cached
        return copy.deepcopy(cached)

    # -------------------------------------------------------------- publishing

    def publish(
        self, dataset_id: str, files: Mapping[str, Path], metadata: Mapping[str, Any],
        attachments: Attachments | None = None,
    ) -> PublishResult:
        """Publish ``files`` + ``metadata`` as the next version of ``dataset_id``.

        Identical content (same file bytes, same metadata) is a no-op returning the current release
        with ``created=False``, so re-running a pipeline does not mint empty versions. Otherwise the
        files are copied (the caller's files are left alone) into a temporary directory that is
        renamed into place, and only then does the index switch to the new version. Any failure
        before the switch leaves index.json and every existing release untouched. ``attachments``
        are written into a new release but never hashed (see :class:`Attachments`).
        """
        validate_dataset_id(dataset_id)
        caller_metadata = self._checked_metadata(dataset_id, metadata)
        plan = self._checked_files(files)
        attached_metadata = self._checked_metadata(dataset_id, attachments.metadata) if attachments else {}
        attached_plan = self._checked_files(attachments.files, allow_empty=True) if attachments else []
        clash = (set(attached_metadata) & set(caller_metadata)) | ({p[0] for p in attached_plan} & {p[0] for p in plan})
        if clash:
            raise ValueError(f"attachments repeat {sorted(clash)[0]!r}, which the release already has")

        file_hashes = {name: _sha256_file(source)[0] for name, source, _, _ in plan}
        content_hash = compute_content_hash(file_hashes, caller_metadata)

        current = self.current(dataset_id)
        if current is not None and current.content_hash == content_hash:
            return PublishResult(release=current, created=False)

        dataset_dir = self.root / dataset_id
        dataset_dir.mkdir(parents=True, exist_ok=True)
        tmp_dir = dataset_dir / f".tmp-{uuid.uuid4().hex}"
        tmp_dir.mkdir()
        renamed_into: Path | None = None
        try:
            resources = []
            for name, source, fmt, media_type in plan:
                sha256, size = _copy_and_hash(source, tmp_dir / name)
                if sha256 != file_hashes[name]:
                    raise RuntimeError(f"{source} changed while it was being published; publish again")
                resources.append(Resource(name=name, format=fmt, media_type=media_type, bytes=size, sha256=sha256))
            for name, source, fmt, media_type in attached_plan:
                sha256, size = _copy_and_hash(source, tmp_dir / name)
                resources.append(Resource(name=name, format=fmt, media_type=media_type, bytes=size, sha256=sha256))

            with self._index_lock():
                index = self._read_index_fresh()
                entry = index["datasets"].get(dataset_id)
                if entry:
                    # Another publisher may have released the same content since we checked.
                    latest = next(
                        (v for v in entry["versions"] if int(v["version"]) == int(entry["current_version"])),
                        None,
                    )
                    if latest is not None and latest["content_hash"] == content_hash:
                        return PublishResult(release=self._release_from_entry(dataset_id, latest), created=False)
                    version = max(int(v["version"]) for v in entry["versions"]) + 1
                else:
                    version = 1
                created_at = _utc_now()

                document = {**caller_metadata, **attached_metadata}
                document.update(
                    id=dataset_id,
                    version=version,
                    content_hash=content_hash,
                    created_at=created_at,
                    resources=[r.to_json() for r in resources],
                )
                _write_json_durably(tmp_dir / METADATA_FILE, document)
                _fsync_dir(tmp_dir)

                final_dir = dataset_dir / content_hash[:16]
                if final_dir.exists():
                    # An older version had exactly this content: its directory is immutable and
                    # holds the same bytes, so point the new version at it.
                    existing = json.loads((final_dir / METADATA_FILE).read_text(encoding="utf-8"))
                    if existing.get("content_hash") != content_hash:
                        raise RuntimeError(f"{final_dir} holds different content (hash prefix collision)")
                else:
                    os.rename(tmp_dir, final_dir)
                    renamed_into = final_dir
                    _fsync_dir(dataset_dir)

                entry = index["datasets"].setdefault(dataset_id, {"current_version": None, "versions": []})
                entry["versions"].append(
                    {
                        "version": version,
                        "content_hash": content_hash,
                        "path": f"{dataset_id}/{content_hash[:16]}",
                        "created_at": created_at,
                    }
                )
                entry["current_version"] = version
                index["updated_at"] = created_at
                self._write_index(index)
                renamed_into = None  # the index now points at it: it is a release from here on
                _fsync_dir(self.root)
            release = self._release_from_entry(dataset_id, entry["versions"][-1])
        except BaseException:
            if renamed_into is not None:
                # The index never pointed at it; remove it so a retry starts clean.
                shutil.rmtree(renamed_into, ignore_errors=True)
            raise
        finally:
            if tmp_dir.exists():
                shutil.rmtree(tmp_dir, ignore_errors=True)
        return PublishResult(release=release, created=True)

    def _checked_metadata(self, dataset_id: str, metadata: Mapping[str, Any]) -> dict[str, Any]:
        caller_metadata = dict(metadata)
        for key in RESERVED_METADATA_KEYS & caller_metadata.keys():
            if key == "id" and caller_metadata["id"] == dataset_id:
                continue
            raise ValueError(f"metadata key {key!r} is set by the release store; do not pass it")
        caller_metadata.pop("id", None)
        try:
            # Round-trip so the hash and metadata.json see exactly the same JSON values.
            return json.loads(canonical_json(caller_metadata))
        except (TypeError, ValueError) as exc:
            raise ValueError(f"metadata for {dataset_id!r} is not JSON-serialisable: {exc}") from exc

    def _checked_files(self, files: Mapping[str, Path], allow_empty: bool = False) -> list[tuple[str, Path, str, str]]:
        if not files and not allow_empty:
            raise ValueError("a release needs at least one file")
        plan = []
        for name in sorted(files):
            if not isinstance(name, str) or not _FILE_NAME_RE.fullmatch(name):
                raise ValueError(f"invalid release file name {name!r}: use a plain name like 'data.csv'")
            if name == METADATA_FILE:
                raise ValueError(f"{METADATA_FILE!r} is written by the release store; do not pass it")
            fmt, media_type = media_type_for(name)
            source = Path(files[name])
            if not source.is_file():
                raise FileNotFoundError(f"file for {name!r} does not exist or is not a regular file: {source}")
            plan.append((name, source, fmt, media_type))
        return plan

    # ---------------------------------------------------------------- attempts

    def record_attempt(self, dataset_id: str, document: Mapping[str, Any], files: Mapping[str, Path]) -> Attempt:
        """Keep one quality-gate attempt (its verdict and report) and make it the latest.

        Attempts sit beside the releases and never touch the index: a failed attempt is visible
        to users while the catalogue goes on serving the last good release.
        """
        validate_dataset_id(dataset_id)
        plan = self._checked_files(files, allow_empty=True)
        attempts = self.root / dataset_id / ATTEMPTS_DIR
        attempts.mkdir(parents=True, exist_ok=True)
        attempt_id = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ") + "-" + uuid.uuid4().hex[:8]
        tmp_dir = attempts / f".tmp-{attempt_id}"
        tmp_dir.mkdir()
        try:
            for name, source, _, _ in plan:
                _copy_and_hash(source, tmp_dir / name)
            body = json.loads(canonical_json({**dict(document), "id": attempt_id, "dataset_id": dataset_id}))
            _write_json_durably(tmp_dir / ATTEMPT_FILE, body)
            os.rename(tmp_dir, attempts / attempt_id)
        finally:
            shutil.rmtree(tmp_dir, ignore_errors=True)
        pointer = attempts / ".LATEST.tmp"
        pointer.write_text(attempt_id + "\n", encoding="ascii")
        os.replace(pointer, attempts / "LATEST")
        self._prune_attempts(attempts, keep=attempt_id)
        found = self.attempt(dataset_id, attempt_id)
        assert found is not None
        return found

    def latest_attempt(self, dataset_id: str) -> Attempt | None:
        """The newest recorded attempt of ``dataset_id``, or None when it was never checked."""
        validate_dataset_id(dataset_id)
        attempt_id = self._latest_attempt_id(dataset_id)
        return self.attempt(dataset_id, attempt_id) if attempt_id is not None else None

    def _latest_attempt_id(self, dataset_id: str) -> str | None:
        try:
            return (self.root / dataset_id / ATTEMPTS_DIR / "LATEST").read_text(encoding="ascii").strip()
        except FileNotFoundError:
            return None

    def attempt(self, dataset_id: str, attempt_id: str) -> Attempt | None:
        """One attempt by id (ids are checked, so a request path cannot leave the store)."""
        validate_dataset_id(dataset_id)
        if not _ATTEMPT_ID_RE.fullmatch(attempt_id):
            return None
        path = self.root / dataset_id / ATTEMPTS_DIR / attempt_id
        try:
            document = json.loads((path / ATTEMPT_FILE).read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        files = tuple(sorted(p.name for p in path.iterdir() if p.name != ATTEMPT_FILE))
        return Attempt(dataset_id, attempt_id, path, document, files)

    def _prune_attempts(self, attempts: Path, keep: str) -> None:
        ids = sorted(p.name for p in attempts.iterdir() if _ATTEMPT_ID_RE.fullmatch(p.name))
        for old in ids[:-ATTEMPTS_KEPT]:
            if old != keep:
                shutil.rmtree(attempts / old, ignore_errors=True)

    @contextmanager
    def _index_lock(self) -> Iterator[None]:
        """Exclusive lock serialising index updates across threads and processes."""
        self.root.mkdir(parents=True, exist_ok=True)
        fd = os.open(self._lock_path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)

    def _write_index(self, index: Mapping[str, Any]) -> None:
        """Atomically replace index.json: write a temp file, fsync it, ``os.replace`` it into place.

        Readers open index.json without locking; ``os.replace`` guarantees they get the old or the
        new file, never a partial one. The caller syncs the directory afterwards.
        """
        tmp_path = self.root / "index.json.tmp"
        _write_json_durably(tmp_path, index)
        os.replace(tmp_path, self.index_path)
