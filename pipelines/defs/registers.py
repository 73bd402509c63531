"""Ingest: municipal registers → one raw table per standard open-data set, partitioned by publisher.

The partitions are the publishers of the source registry (全国地方公共団体コード), read when the
code location loads, so adding a registry file adds a partition and a new file of one
municipality re-runs that municipality only. One run can load many publishers (single-run
backfill), which is how `tdpf build` loads them all.
"""

import shutil
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
from dagster_duckdb import DuckDBResource

from pipelines.defs.resources import OWNER, TdpfHome
from pipelines.fingerprints import INPUT_VERSION, code_version, file_digest, parts_version, value_version
from pipelines.paths import DataHome
from pipelines.standard.catalogue import base_url, catalogue_rows, write_platform_catalogue
from pipelines.standard.dbt_models import OPEN_DATA_LIST
from pipelines.standard.ingest import IngestReport, map_publishers, write_publishers
from pipelines.standard.registered import registry_rows, write_registry
from pipelines.standard.registry import Registry, load_registry, realdata_dir
from pipelines.standard.spec import StandardSet, StandardSpec, load_spec
from pipelines.standard.tables import (
    ISSUES_TABLE,
    PLATFORM_CATALOGUE,
    REGISTRY_TABLE,
    REMOVED_TABLE,
    SCHEMA,
    SOURCES_TABLE,
    raw_table,
)
from pipelines.warehouse import table_metadata

LANDING_FOLDER = "municipal"
#: What decides a register's rows: the readers, the mapping and normalisation, the spec.
REGISTERS_CODE_VERSION = code_version("pipelines/standard/ingest.py", "pipelines/standard/mapping.py",
                                      "pipelines/standard/normalise.py", "pipelines/standard/readers.py",
                                      "pipelines/standard/registry.py", "pipelines/standard/sniff.py", "pipelines/standard/spec.py",
                                      "pipelines/standard/pivot.py", "pipelines/standard/spool.py",
                                      "pipelines/standard/tables.py", "pipelines/standard/standard_datasets.yaml",
                                      "pipelines/warehouse.py")
CATALOGUE_CODE_VERSION = code_version("pipelines/standard/catalogue.py")
REGISTRY_CODE_VERSION = code_version("pipelines/standard/registered.py", "pipelines/standard/tables.py")


def register_inputs(registry: Registry, spec: StandardSpec, landing: Path, realdata: Path,
                    codes: list[str] | None = None) -> dict[dg.AssetKey, dict[str, str]]:
    """Raw table (and the issues table) → publisher → input version of its registry entries and files.

    One set's file changing changes that set's table only; the issues table follows every set of
    the publisher. Each file is hashed once.
    """
    codes = list(codes if codes is not None else registry.publisher_codes)
    hashed = {
        code: [(s.dataset, (f"{s.publisher.model_dump_json()}|{s.licence}|{s.entry.model_dump_json()}",
                            file_digest(s.path(landing, realdata))))
               for s in registry.for_publisher(code)]
        for code in codes
    }
    out = {
        dg.AssetKey(["raw", raw_table(standard)]): {
            code: parts_version(REGISTERS_CODE_VERSION, [part for dataset, part in hashed[code] if dataset == standard.id])
            for code in codes
        }
        for standard in spec
    }
    every_part = {code: parts_version(REGISTERS_CODE_VERSION, [part for _, part in hashed[code]]) for code in codes}
    out[issues_key()] = every_part
    out[sources_key()] = dict(every_part)
    return out


def ensure_embedded_registers(home: DataHome) -> Path:
    """Generate the embedded sample registers into an empty landing folder (never over files)."""
    folder = home.landing / LANDING_FOLDER
    if not folder.is_dir() or not any(folder.iterdir()):
        from pipelines.standard.samples import write_embedded_samples

        write_embedded_samples(home.landing)
    return folder


def issues_key() -> dg.AssetKey:
    return dg.AssetKey(["raw", ISSUES_TABLE])


def sources_key() -> dg.AssetKey:
    return dg.AssetKey(["raw", SOURCES_TABLE])


SOURCES_CHECK = "every_source_readable"


def build_register_assets(spec: StandardSpec, registry: Registry) -> tuple[dg.AssetsDefinition, dg.PartitionsDefinition]:
    """The publisher-partitioned ingest of every registry source."""
    publishers = dg.StaticPartitionsDefinition(list(registry.publisher_codes))
    specs = [
        dg.AssetSpec(
            key=["raw", raw_table(standard)], group_name="ingest", owners=[OWNER], kinds={"duckdb", "csv", "xlsx"},
            code_version=REGISTERS_CODE_VERSION,
            description=f"{standard.title_ja}の元データ（登録簿の各ファイルを標準の列名に対応付け・正規化済み、全列テキスト）。"
            f" Registers mapped to the columns of {standard.title_en} ({standard.id}), normalised, as text;"
            " one row per conformant source row, with publisher, source, file and line.",
        )
        for standard in spec
    ]
    specs.append(dg.AssetSpec(
        key=issues_key(), group_name="ingest", owners=[OWNER], kinds={"duckdb"}, code_version=REGISTERS_CODE_VERSION,
        description="登録簿の取込で見つかった問題（隔離した行・空にした値・修復した値）。"
        " Every quarantined row, blanked value and repair made while ingesting the registers, with"
        " file, line, column, value and reason.",
    ))
    specs.append(dg.AssetSpec(
        key=sources_key(), group_name="ingest", owners=[OWNER], kinds={"duckdb"}, code_version=REGISTERS_CODE_VERSION,
        description="登録簿の各ソース（登録エントリ×ファイル）の最新の取込結果（取込済み・失敗・不在）と理由。"
        " One row per registry source: how its latest read ended (loaded, failed, absent), the rows it"
        " has published and, for a failed source, the located error. A failed source keeps its earlier rows.",
    ))
    check = dg.AssetCheckSpec(
        SOURCES_CHECK, asset=sources_key(), blocking=False,
        description="Every source of the run's publishers was read (a failed source costs its own update only; "
                    "the metadata names each with its located error).")

    @dg.multi_asset(
        name="ingest_registers", specs=specs, check_specs=[check], partitions_def=publishers,
        backfill_policy=dg.BackfillPolicy.single_run(), can_subset=True,
    )
    def ingest_registers(
        context: dg.AssetExecutionContext, tdpf: TdpfHome, duckdb: DuckDBResource
    ):  # type: ignore[no-untyped-def]
        codes = list(context.partition_keys)
        ensure_embedded_registers(tdpf.home)
        selected = context.selected_asset_keys
        chosen = [standard for standard in spec if dg.AssetKey(["raw", raw_table(standard)]) in selected]
        datasets = {standard.id for standard in chosen}
        versions = register_inputs(registry, spec, tdpf.home.landing, realdata_dir(), codes)
        spool = tdpf.home.tmp / f"ingest-{context.run.run_id[:8]}"
        report = map_publishers(registry, spec, codes, tdpf.home.landing, realdata_dir(), datasets, spool)
        try:
            yield from _write(context, duckdb, spec, codes, report, chosen, versions, check)
        finally:
            report.discard()
            shutil.rmtree(spool, ignore_errors=True)

    return ingest_registers, publishers


def _write(context: dg.AssetExecutionContext, duckdb: DuckDBResource, spec: StandardSpec, codes: list[str],
           report: IngestReport, chosen: list[StandardSet], versions: dict[dg.AssetKey, dict[str, str]],
           check: dg.AssetCheckSpec) -> Iterator[dg.MaterializeResult | dg.AssetCheckResult]:
    """Write the mapped publishers and say what was written, asset by asset (the body of the ingest)."""
    selected = context.selected_asset_keys
    _log(context, report)
    for key in selected:
        for code in codes:
            context.add_asset_metadata({INPUT_VERSION: versions[key][code]}, asset_key=key, partition_key=code)
    failed = {s.source.id: s.reason for s in report.failed}
    with duckdb.get_connection() as conn:
        write_publishers(conn, spec, codes, report, {standard.id for standard in chosen})
        for standard in chosen:
            relation = f"raw.{raw_table(standard)}"
            metadata = table_metadata(conn, relation)
            metadata["rows_this_run"] = dg.MetadataValue.int(report.rows_for(standard.id))
            metadata["failed_sources"] = dg.MetadataValue.json(
                {s.source.id: s.reason for s in report.failed if s.source.dataset == standard.id})
            yield dg.MaterializeResult(asset_key=["raw", raw_table(standard)], metadata=metadata)
        issues_metadata = table_metadata(conn, f"raw.{ISSUES_TABLE}")
        sources_metadata = table_metadata(conn, f"raw.{SOURCES_TABLE}")
        counted = dict(conn.execute(  # counted in the table: a big file's issues are spooled, not in memory
            f"SELECT severity || ':' || reason, count(*) FROM {SCHEMA}.{ISSUES_TABLE} "
            "WHERE publisher_code IN (SELECT unnest(?::VARCHAR[])) AND reason <> 'source_skipped' "
            "AND dataset IN (SELECT unnest(?::VARCHAR[])) GROUP BY 1 ORDER BY 1",
            [codes, [standard.id for standard in chosen]]).fetchall())
    if issues_key() in selected:
        issues_metadata["issues_this_run"] = dg.MetadataValue.json(counted)
        issues_metadata["skipped_sources"] = dg.MetadataValue.json({s.source.id: s.reason for s in report.skipped})
        yield dg.MaterializeResult(asset_key=issues_key(), metadata=issues_metadata)
    if sources_key() in selected:
        sources_metadata["failed_sources"] = dg.MetadataValue.json(failed)
        yield dg.MaterializeResult(asset_key=sources_key(), metadata=sources_metadata)
    if check.key in context.selected_asset_check_keys:
        yield dg.AssetCheckResult(
            check_name=SOURCES_CHECK, asset_key=sources_key(), passed=not failed,
            severity=dg.AssetCheckSeverity.WARN,
            metadata={"failed": len(failed), "read": len(report.mapped),
                      "failed_sources": dg.MetadataValue.json(failed)})


def registry_key() -> dg.AssetKey:
    return dg.AssetKey(["raw", REGISTRY_TABLE])


def registry_version(registry: Registry) -> str:
    """The input version of ``raw.registry_sources``: which sources are registered, not their files."""
    return value_version(REGISTRY_CODE_VERSION, registry_rows(registry))


def build_registry_asset(spec: StandardSpec, registry: Registry) -> dg.AssetsDefinition:
    """The registry as a table; writing it prunes the sources taken out (see standard/registered.py)."""

    @dg.asset(
        key=registry_key(), group_name="ingest", owners=[OWNER], kinds={"yaml", "duckdb"},
        code_version=REGISTRY_CODE_VERSION,
        description="登録簿に現在載っているソースの一覧。登録簿から外したソースの行は元データから削除し、次のリリースから外れる。"
        " The sources the registry lists now. A source or publisher taken out of the registry has its rows,"
        " issues and status deleted from the raw tables here (recorded in raw.removed_sources), and the"
        " standard sets' staging models keep only sources listed here.",
    )
    def registry_sources(context: dg.AssetExecutionContext, duckdb: DuckDBResource) -> dg.MaterializeResult:
        with duckdb.get_connection() as conn:
            removed = write_registry(conn, spec, registry)
            metadata = table_metadata(conn, f"{SCHEMA}.{REGISTRY_TABLE}")
            metadata["removed_sources_total"] = dg.MetadataValue.int(
                int(conn.execute(f"SELECT count(*) FROM {SCHEMA}.{REMOVED_TABLE}").fetchone()[0]))
        for r in removed:
            context.log.warning(f"{r.source_id} ({r.publisher_code} {r.publisher_name or ''}) is no longer in the "
                                f"registry: {r.rows_removed} rows removed from {r.dataset}")
        metadata["removed_this_run"] = dg.MetadataValue.json(
            [{"publisher_code": r.publisher_code, "source_id": r.source_id, "dataset": r.dataset,
              "rows_removed": r.rows_removed} for r in removed])
        metadata[INPUT_VERSION] = registry_version(registry)
        return dg.MaterializeResult(metadata=metadata)

    return registry_sources


def build_catalogue_asset(spec: StandardSpec, manifest_path: Path) -> dg.AssetsDefinition:
    """The platform's own published datasets as rows of オープンデータ一覧 (see catalogue.py)."""
    standard = spec.get(OPEN_DATA_LIST)

    @dg.asset(
        key=["raw", PLATFORM_CATALOGUE], group_name="ingest", owners=[OWNER], kinds={"python", "duckdb"},
        code_version=CATALOGUE_CODE_VERSION,
        description="このプラットフォームが公開するデータセットとファイルの一覧（オープンデータ一覧の行として）。"
        " Every dataset and file this platform publishes, as rows of the open-data list, from the same"
        " dbt declarations the publish step reads. URLs use TDPF_BASE_URL.",
    )
    def platform_catalogue(duckdb: DuckDBResource) -> dg.MaterializeResult:
        rows = platform_catalogue_rows(spec, manifest_path)
        version = value_version(CATALOGUE_CODE_VERSION, rows)
        with duckdb.get_connection() as conn:
            write_platform_catalogue(conn, standard, rows)
            metadata = table_metadata(conn, f"{SCHEMA}.{PLATFORM_CATALOGUE}")
        metadata[INPUT_VERSION] = version
        return dg.MaterializeResult(metadata=metadata, data_version=dg.DataVersion(version))

    return platform_catalogue


def platform_catalogue_rows(spec: StandardSpec, manifest_path: Path) -> list[dict[str, str]]:
    """The open-data list's rows for what the dbt project publishes (see catalogue.py)."""
    from pipelines.dbt_manifest import load_manifest, published_nodes

    return catalogue_rows(published_nodes(load_manifest(manifest_path)), spec.get(OPEN_DATA_LIST), base_url())


def platform_catalogue_version(spec: StandardSpec, manifest_path: Path) -> str:
    """The input version of ``raw.platform_catalogue``: its rows as they would be written now."""
    return value_version(CATALOGUE_CODE_VERSION, platform_catalogue_rows(spec, manifest_path))


def _log(context: dg.AssetExecutionContext, report: IngestReport) -> None:
    for mapped in report.mapped:
        quarantined = len(mapped.quarantined_lines)
        context.log.info(f"{mapped.source.id}: {len(mapped.rows)} rows into {mapped.source.dataset}"
                         + (f", {quarantined} quarantined" if quarantined else ""))
    for skipped in report.skipped:
        context.log.warning(f"{skipped.source.id}: skipped — {skipped.reason}")


def load_standard_inputs() -> tuple[StandardSpec, Registry]:
    """The spec and the registry, checked against each other (a typo in ``dataset:`` fails here)."""
    spec = load_spec()
    return spec, load_registry(known_datasets=frozenset(spec.ids))
