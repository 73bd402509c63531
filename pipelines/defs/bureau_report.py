"""Ingest: the bureau's annual report tables → typed raw tables in the warehouse.

The report lands as text under ``landing/bureau_report/``. One asset per raw table, so a
broken table fails alone, with a message naming the file, line, column and value.
"""


import shutil
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_duckdb import DuckDBResource

from pipelines.defs.failures import source_failure
from pipelines.fingerprints import INPUT_VERSION, code_version, files_version
from pipelines.defs.resources import OWNER, TdpfHome
from pipelines.parsers.bureau_report import (
    BudgetLine,
    ProgrammeFigure,
    StaffingCell,
    parse_budget,
    parse_programme_figures,
    parse_staffing_by_job_type,
    parse_staffing_by_rank,
)
from pipelines.parsers.errors import SourceFormatError
from pipelines.parsers.report_tables import read_report_lines
from pipelines.paths import SHIPPED_SOURCES_DIR, DataHome
from pipelines.warehouse import columns_of, replace_table, table_metadata

LANDING_FOLDER = "bureau_report"
#: What decides the rows of the report tables: the parsers and this module.
CODE_VERSION = code_version("pipelines/parsers", "pipelines/defs/bureau_report.py", "pipelines/warehouse.py")
REPORT_SUFFIXES = (".md", ".txt")


def report_landing_dir(home: DataHome) -> Path:
    return home.landing / LANDING_FOLDER


def ensure_embedded_report(home: DataHome) -> list[Path]:
    """Put the shipped report tables into an empty landing folder (the embedded default).

    Files already there are never overwritten: the landing area belongs to whoever drops
    files into it, and a corrected or broken file must be read as it is.
    """
    target = report_landing_dir(home)
    target.mkdir(parents=True, exist_ok=True)
    if not any(p.suffix in REPORT_SUFFIXES for p in target.iterdir()):
        for src in sorted((SHIPPED_SOURCES_DIR / LANDING_FOLDER).iterdir()):
            if src.suffix in REPORT_SUFFIXES:
                shutil.copyfile(src, target / src.name)
    return report_files(home)


def report_files(home: DataHome) -> list[Path]:
    """Report files in the landing folder, one per edition, in name order."""
    folder = report_landing_dir(home)
    return sorted(p for p in folder.iterdir() if p.suffix in REPORT_SUFFIXES) if folder.exists() else []


def _relative(path: Path, home: DataHome) -> str:
    try:
        return str(path.relative_to(home.root))
    except ValueError:
        return str(path)


def _report_asset(
    table: str, row_type: type, parse: Callable[[Sequence[str], str], list[Any]], description: str
) -> dg.AssetsDefinition:
    descriptions = {name: desc for name, _, _, desc in columns_of(row_type)}

    @dg.asset(
        key=["raw", table],
        group_name="ingest",
        kinds={"python", "duckdb"},
        owners=[OWNER],
        description=description,
        metadata={"landing_folder": f"landing/{LANDING_FOLDER}", "row_type": row_type.__name__},
        code_version=CODE_VERSION,
    )
    def _asset(context: dg.AssetExecutionContext, tdpf: TdpfHome, duckdb: DuckDBResource) -> dg.MaterializeResult:
        home = tdpf.home
        files = ensure_embedded_report(home)
        version = files_version(CODE_VERSION, files, home.root)
        rows: list[Any] = []
        for path in files:
            try:
                rows.extend(parse(read_report_lines(path), _relative(path, home)))
            except SourceFormatError as exc:
                raise source_failure(exc) from None
        context.log.info(f"{len(rows)} rows from {len(files)} file(s) → raw.{table}")
        with duckdb.get_connection() as conn:
            replace_table(conn, "raw", table, row_type, rows)
            metadata = table_metadata(conn, f"raw.{table}", descriptions)
        metadata["source_files"] = dg.MetadataValue.json([_relative(p, home) for p in files])
        metadata[INPUT_VERSION] = version
        return dg.MaterializeResult(metadata=metadata, data_version=dg.DataVersion(version))

    _asset.__name__ = table
    return _asset


bureau_budget_lines = _report_asset(
    "bureau_budget_lines", BudgetLine, parse_budget,
    "予算概要（総額・歳入・歳出）の表の各行。金額は表が示す単位（千円）のまま、円換算も保持。"
    " Budget tables of the bureau report, one row per printed row.",
)
bureau_staffing_by_rank = _report_asset(
    "bureau_staffing_by_rank", StaffingCell, parse_staffing_by_rank,
    "職員配置状況 (1) 職層別内訳 の各セル。括弧内の外書は別列。"
    " Staffing by unit and rank; staff counted outside (外書) in their own column.",
)
bureau_staffing_by_job_type = _report_asset(
    "bureau_staffing_by_job_type", StaffingCell, parse_staffing_by_job_type,
    "職員配置状況 (2) 職種別内訳 の各セル。 Staffing by job type.",
)
bureau_programme_figures = _report_asset(
    "bureau_programme_figures", ProgrammeFigure, parse_programme_figures,
    "事業内容の実績表の各数値（約・延べ・予定は列で保持）。"
    " Programme figures, with approximate / cumulative / planned flags.",
)

INGEST_ASSETS = [
    bureau_budget_lines, bureau_staffing_by_rank, bureau_staffing_by_job_type, bureau_programme_figures,
]
