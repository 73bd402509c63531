"""The dbt CLI resource the dbt assets run with (the one module of the resources that imports dbt)."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property

from dagster_dbt import DbtCliResource
from packaging import version


class TdpfDbtCliResource(DbtCliResource):
    """dagster-dbt's dbt CLI resource without two costs paid before every dbt command.

    Before starting dbt, dagster-dbt loads the project, the profile and every macro in process to
    build an adapter (about 3 s), used only by ``fetch_row_counts``/``fetch_column_metadata``;
    this project describes its relations from the warehouse itself (``defs/transform.py``). And
    each run asks ``dbt --version`` in a subprocess (about 1.5 s); the dbt it runs is the dbt-core
    installed beside this interpreter (``paths.export_environment`` puts it first on PATH).
    """

    def _initialize_dbt_core_adapter(self, args: Sequence[str]) -> None:  # type: ignore[override]
        return None

    @cached_property
    def _cli_version(self) -> version.Version:
        from dbt.version import __version__

        return version.parse(__version__)
