"""The dbt project, run from a folder of the data directory, with its manifest prepared on first use.

Why dbt does not run straight from ``dbt_project/``: dbt's partial parsing (a few seconds instead
of a full parse per invocation) is thrown away whenever the profile changes, and a profile that
names the warehouse by absolute path changes with every copied or moved data directory. So each
data directory has ``dbt/project/``: links to the files of ``dbt_project/`` and a profile whose
warehouse path is relative (``../../warehouse/tdpf.duckdb``; dbt runs in that folder). The profile
is then the same text in every data directory, and the warehouse is still decided by
``TDPF_HOME`` alone: the folder dbt runs in is inside it.

Why a parse cache beside the checkout (``.cache/dbt-parse/<digest>/``): parsing the project is
~12 s of a cold build, and what it produces depends on the project's files, the profile text and
the dbt version only, never on the data. So it is done once per version of the project (at
install, ``make`` runs ``tdpf prepare``; or by the first build that needs it) and a new data
directory starts from a copy. This is dagster-dbt's own "prepare at deploy time" practice, with
the digest deciding when the prepared manifest is out of date.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING

from pipelines.paths import DBT_PROJECT_DIR, DEFAULT_DUCKDB_MEMORY_LIMIT, DataHome

if TYPE_CHECKING:
    from dagster_dbt import DbtProject

#: Folders of dbt_project/ that are dbt's output, never linked (they stay in the data directory).
_NOT_LINKED = {"target", "logs", "dbt_packages", "profiles.yml"}
PROFILE_NAME = "tdpf"
PARSE_CACHE = DBT_PROJECT_DIR.parent / ".cache" / "dbt-parse"
PARSE_WORKDIR = PARSE_CACHE / "work"  # a data directory of its own, where the cache's parses run
#: What ``dbt parse`` leaves in target/ that a later dbt run or dagster-dbt reads.
PARSE_OUTPUTS = ("manifest.json", "partial_parse.msgpack")
DIGEST_FILE = "tdpf_project_digest"


def dbt_project_for(home: DataHome) -> DbtProject:
    """The dbt project, with target/ inside the data directory, its manifest current.

    The manifest is current when it was made from this version of the project (``project_digest``).
    Otherwise it comes from the parse cache, or ``dbt parse`` makes it (and fills the cache), so
    ``dagster dev``, ``dagster definitions validate`` and ``tdpf build`` all work on a fresh clone.
    """
    from dagster_dbt import DbtProject

    workdir = ensure_dbt_workdir(home)
    project = DbtProject(project_dir=workdir, profiles_dir=workdir, target_path=home.dbt_target)
    digest = project_digest(home)
    if _recorded_digest(home.dbt_target) != digest and not _restore_parse(home.dbt_target, digest):
        project.preparer.prepare(project)
        _record_digest(home.dbt_target, digest)
        _store_parse(home.dbt_target, digest)
    return project


def prepare_parse_cache() -> Path:
    """Parse the project into the cache if this version is not there yet (``tdpf prepare``, at install)."""
    home = DataHome(PARSE_WORKDIR).ensure()
    dbt_project_for(home)
    return PARSE_CACHE / project_digest(home)


def project_digest(home: DataHome) -> str:
    """What a parse depends on: every file of ``dbt_project/`` (by content), the profile, dbt's version."""
    h = hashlib.sha256()
    for path in sorted(_project_files()):
        h.update(str(path.relative_to(DBT_PROJECT_DIR)).encode() + b"\0" + path.read_bytes() + b"\0")
    h.update(profile_text(home).encode())
    h.update(version("dbt-core").encode() + version("dbt-duckdb").encode() + version("dagster-dbt").encode())
    return h.hexdigest()[:32]


def _project_files() -> list[Path]:
    return [p for p in DBT_PROJECT_DIR.rglob("*")
            if p.is_file() and not (_NOT_LINKED & set(p.relative_to(DBT_PROJECT_DIR).parts))]


def _recorded_digest(target: Path) -> str | None:
    stamp = target / DIGEST_FILE
    if not all((target / name).exists() for name in PARSE_OUTPUTS) or not stamp.exists():
        return None
    return stamp.read_text(encoding="utf-8").strip()


def _record_digest(target: Path, digest: str) -> None:
    (target / DIGEST_FILE).write_text(digest + "\n", encoding="utf-8")


def _restore_parse(target: Path, digest: str) -> bool:
    cached = PARSE_CACHE / digest
    if not all((cached / name).exists() for name in PARSE_OUTPUTS):
        return False
    target.mkdir(parents=True, exist_ok=True)
    for name in PARSE_OUTPUTS:
        shutil.copyfile(cached / name, target / name)
    _record_digest(target, digest)
    return True


def _store_parse(target: Path, digest: str) -> None:
    """Keep this parse for other data directories; written aside then renamed, so never half there."""
    cached = PARSE_CACHE / digest
    if cached.exists():
        return
    PARSE_CACHE.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{digest}-", dir=PARSE_CACHE))
    for name in PARSE_OUTPUTS:
        shutil.copyfile(target / name, staging / name)
    try:
        staging.rename(cached)
    except OSError:  # another process stored the same parse first
        shutil.rmtree(staging, ignore_errors=True)


def ensure_dbt_workdir(home: DataHome) -> Path:
    """Create or repair ``<home>/dbt/project`` (idempotent): links, and the relative-path profile.

    Links are re-pointed when the data directory came from another checkout.
    """
    workdir = home.dbt_project
    workdir.mkdir(parents=True, exist_ok=True)
    for source in sorted(DBT_PROJECT_DIR.iterdir()):
        if source.name in _NOT_LINKED or source.name.startswith("."):
            continue
        _link(workdir / source.name, source)
    profile = workdir / "profiles.yml"
    text = profile_text(home)
    if not profile.exists() or profile.read_text(encoding="utf-8") != text:
        profile.write_text(text, encoding="utf-8")
    return workdir


def profile_text(home: DataHome) -> str:
    """The profile dbt runs with: the same text for every data directory (see the module docstring)."""
    warehouse = os.path.relpath(home.warehouse, home.dbt_project)
    return (
        "# Written by tdpf (pipelines/defs/project.py); the path is relative to this folder, so the\n"
        "# profile does not change when the data directory is copied or moved.\n"
        f"{PROFILE_NAME}:\n  target: local\n  outputs:\n    local:\n      type: duckdb\n"
        f'      path: "{warehouse}"\n      threads: 1\n'
        "      settings:\n"
        f"        memory_limit: \"{{{{ env_var('TDPF_DUCKDB_MEMORY_LIMIT', '{DEFAULT_DUCKDB_MEMORY_LIMIT}') }}}}\"\n"
    )


def _link(link: Path, target: Path) -> None:
    if link.is_symlink() and os.readlink(link) == str(target):
        return
    if link.is_symlink() or link.is_file():
        link.unlink()
    link.symlink_to(target, target_is_directory=target.is_dir())
