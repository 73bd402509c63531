"""Input versions: what each ingest asset reads, as one content fingerprint, plus its code version.

A build redoes only what changed (``pipelines/changes.py``). For that every ingest asset records,
with each materialisation (per partition), the version of the inputs it read: the SHA-256 of
every landing file (content, not modification time, so a copied or touched file is not a change),
of the registry entries that say how to read them, and of the code that reads them. The planner
computes the same fingerprints from the files on disk and compares them with what Dagster's event
log says each asset last consumed.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from functools import cache
from pathlib import Path

#: Metadata key under which an ingest materialisation records the input version it read.
INPUT_VERSION = "tdpf/input_version"
PROJECT = Path(__file__).resolve().parent.parent


def file_digest(path: Path) -> str:
    """SHA-256 of a file's bytes ("missing" when it is not there: a removed file is a change too)."""
    try:
        with path.open("rb") as handle:
            return hashlib.file_digest(handle, "sha256").hexdigest()
    except FileNotFoundError:
        return "missing"


def combine(parts: Iterable[tuple[str, str]]) -> str:
    """One fingerprint for named parts, independent of the order they come in."""
    return hashlib.sha256(json.dumps(sorted(parts), ensure_ascii=False).encode("utf-8")).hexdigest()[:32]


@cache
def code_version(*paths: str) -> str:
    """A version of the code an asset runs: the hash of these files or folders (relative to the repository).

    Written out per asset rather than derived from imports: an asset's version should change when
    the code that decides its rows changes, not when an unrelated helper is edited.
    """
    files: list[Path] = []
    for rel in paths:
        target = PROJECT / rel
        files.extend(sorted(p for p in target.rglob("*") if p.suffix in (".py", ".yaml"))
                     if target.is_dir() else [target])
    return combine((str(p.relative_to(PROJECT)), file_digest(p)) for p in files)


def files_version(code: str, files: Sequence[Path], root: Path) -> str:
    """The input version of an asset that reads ``files`` (paths named relative to ``root``)."""
    return combine([("code", code), *((_relative(p, root), file_digest(p)) for p in files)])


def day_versions(code: str, feeds_root: Path, days: Sequence[date]) -> dict[str, str]:
    """JST day → the input version of that day's feed files (every vendor format)."""
    from pipelines.smart_poles.formats import FILE_SUFFIX, FORMATS

    out: dict[str, str] = {}
    for day in days:
        files = [
            p for fmt in FORMATS
            for p in sorted((feeds_root / fmt / day.isoformat()).glob(f"*{FILE_SUFFIX[fmt]}"))
        ]
        out[day.isoformat()] = files_version(code, files, feeds_root)
    return out


#: The input version of an asset partition with nothing to read (a publisher with no file for a set).
NOTHING = ""


def parts_version(code: str, parts: Sequence[tuple[str, str]]) -> str:
    """The input version of named parts already hashed (``NOTHING`` when there are none)."""
    return combine([("code", code), *parts]) if parts else NOTHING


def value_version(code: str, value: object) -> str:
    """The input version of an asset whose input is a value rather than files (e.g. catalogue rows)."""
    return combine([("code", code), ("value", json.dumps(value, sort_keys=True, ensure_ascii=False, default=str))])


def _relative(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)
