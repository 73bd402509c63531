"""The dbt project, with its manifest prepared in the data directory on first use."""


from pathlib import Path

from dagster_dbt import DbtProject

from pipelines.paths import DBT_PROJECT_DIR, DataHome


def dbt_project_for(home: DataHome) -> DbtProject:
    """The dbt project, with target/ inside the data directory (nothing written elsewhere).

    A fresh clone has no manifest; it is prepared (``dbt parse``) when missing, so
    ``dagster dev``, ``dagster definitions validate`` and ``tdpf build`` all work at once.
    """
    project = DbtProject(
        project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR, target_path=home.dbt_target
    )
    project.prepare_if_dev()
    if manifest_is_stale(project.manifest_path):
        project.preparer.prepare(project)
    return project


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
