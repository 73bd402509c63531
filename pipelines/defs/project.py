"""The dbt project, with its manifest prepared in the data directory on first use."""


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
    if not project.manifest_path.exists():
        project.preparer.prepare(project)
    return project
