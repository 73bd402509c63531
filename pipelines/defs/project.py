"""The dbt project, run from a folder of the data directory, with its manifest prepared on first use.

Why dbt does not run straight from ``dbt_project/``: dbt's partial parsing (a few seconds instead
of a full parse per invocation) is thrown away whenever the profile changes, and a profile that
names the warehouse by absolute path changes with every copied or moved data directory. So each
data directory has ``dbt/project/``: links to the files of ``dbt_project/`` and a profile whose
warehouse path is relative (``../../warehouse/tdpf.duckdb``; dbt runs in that folder). The profile
is then the same text in every data directory, and the warehouse is still decided by
``TDPF_HOME`` alone: the folder dbt runs in is inside it.
"""


import os
from pathlib import Path

from dagster_dbt import DbtProject

from pipelines.paths import DBT_PROJECT_DIR, DataHome

#: Folders of dbt_project/ that are dbt's output, never linked (they stay in the data directory).
_NOT_LINKED = {"target", "logs", "dbt_packages", "profiles.yml"}
PROFILE_NAME = "tdpf"


def dbt_project_for(home: DataHome) -> DbtProject:
    """The dbt project, with target/ inside the data directory (nothing written elsewhere).

    A fresh clone has no manifest; it is prepared (``dbt parse``) when missing, so
    ``dagster dev``, ``dagster definitions validate`` and ``tdpf build`` all work at once.
    """
    workdir = ensure_dbt_workdir(home)
    project = DbtProject(project_dir=workdir, profiles_dir=workdir, target_path=home.dbt_target)
    project.prepare_if_dev()
    if manifest_is_stale(project.manifest_path):
        project.preparer.prepare(project)
    return project


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
    )


def _link(link: Path, target: Path) -> None:
    if link.is_symlink() and os.readlink(link) == str(target):
        return
    if link.is_symlink() or link.is_file():
        link.unlink()
    link.symlink_to(target, target_is_directory=target.is_dir())


def manifest_is_stale(manifest: Path) -> bool:
    """True when the manifest is missing or older than any file of the dbt project.

    The asset graph is built from the manifest, so an edited model or test must never run
    under an old graph; ``dbt parse`` with partial parsing is quick when little changed.
    """
    if not manifest.exists():
        return True
    built = manifest.stat().st_mtime
    return any(
        p.stat().st_mtime > built
        for p in DBT_PROJECT_DIR.rglob("*")
        if p.is_file() and not {"target", "logs", "dbt_packages"} & set(p.relative_to(DBT_PROJECT_DIR).parts)
    )
