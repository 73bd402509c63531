"""Publish: each documented mart becomes an immutable, content-addressed release.

A mart is published when its dbt ``meta.tdpf`` names a dataset id; titles, descriptions and
column documentation come from the dbt project, so the catalogue says what the docs say.
A release step runs only after its dataset's quality gate passed (``defs/quality.py``); the
verdict and report ride along as attachments, outside the content hash.
Files are written to a scratch folder and handed to the release store, which switches the
catalogue index atomically: readers see the old release or the new one, never a mix.
"""


import shutil
import uuid
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import dagster as dg
import duckdb as duckdb_lib
from dagster_duckdb import DuckDBResource

from catalog_api.release_contract import (
    AttemptRecord,
    Column,
    Licence,
    PublisherRows,
    QualitySummary,
    ReleaseDocument,
    ReleaseMetadata,
    RemovedSource,
)
from catalog_api.release_formats import CSV_DIALECT, write_csv, write_geojson, write_parquet
from catalog_api.release_store import Attachments, ReleaseStore
from catalog_api.sql import quote_ident
from pipelines.changes import GATE_VERSION
from pipelines.coverage import dataset_coverage
from pipelines.datapackage import write_datapackage
from pipelines.dbt_manifest import published_nodes, tests_of
from pipelines.defs.jobs import PUBLISH_GROUP
from pipelines.defs.resources import OWNER, TdpfHome
from pipelines.fingerprints import code_version
from pipelines.paths import DataHome
from pipelines.quality.gate import PUBLISHER_PARTITION, REPORT_FILE
from pipelines.standard.registered import removed_since
from pipelines.quality.gatekeeper import (
    GateTarget,
    discard_staged,
    gate_version,
    record_blocked,
    run_gate,
    stage_verdict,
    take_staged,
)

#: What decides a release's files and metadata: this module, the file formats and the release format.
#: The Frictionless description of the release's CSV, one more file of every release.
DATAPACKAGE = "datapackage.json"
CODE_VERSION = code_version("pipelines/defs/publish.py", "pipelines/coverage.py", "catalog_api/release_formats.py",
                            "catalog_api/release_store.py", "catalog_api/release_contract.py",
                            "pipelines/datapackage.py")

LICENSE = Licence(
    id="CC-BY-4.0",
    title="CC BY 4.0 (クリエイティブ・コモンズ 表示 4.0 国際)",
    url="https://creativecommons.org/licenses/by/4.0/deed.ja",
)

#: The publishing connection's temporary table of the rows in release order (see export_files).
SORTED_ROWS = "tdpf_export_rows"


def export_files(conn: duckdb_lib.DuckDBPyConnection, relation: str, order_by: list[str], out_dir: Path,
                 geometry: dict[str, str] | None = None) -> dict[str, Path]:
    """Write Parquet, CSV and, for a set of points, GeoJSON (``catalog_api/release_formats.py``) in one stable row order.

    A stable order makes identical data give identical bytes, hence identical content
    hashes: rebuilding publishes nothing new. The rows are sorted once, into a temporary table
    that spills under the memory limit, and each file is written from it in that order
    (DuckDB keeps a table's insertion order): three sorts took three times the time, and a
    sort feeding the Parquet writer held more memory than the sort alone.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    order = ", ".join(quote_ident(c) for c in order_by) if order_by else "ALL"
    conn.execute(f"CREATE OR REPLACE TEMP TABLE {SORTED_ROWS} AS SELECT * FROM {relation} ORDER BY {order}")
    try:
        files = {"data.csv": write_csv(conn, SORTED_ROWS, out_dir / "data.csv"),
                 "data.parquet": write_parquet(conn, SORTED_ROWS, out_dir / "data.parquet")}
        if geometry:
            files["data.geojson"] = write_geojson(conn, SORTED_ROWS, geometry, out_dir / "data.geojson")
        return files
    finally:
        conn.execute(f"DROP TABLE IF EXISTS {SORTED_ROWS}")


def dataset_metadata(node: dict[str, Any], conn: duckdb_lib.DuckDBPyConnection, relation: str,
                     quality: QualitySummary, removed: tuple[RemovedSource, ...] = ()) -> ReleaseMetadata:
    """The release's metadata: bilingual titles, licence, source, typed and described columns, its check.

    Every field is given explicitly, so metadata.json holds exactly these keys: the content hash
    covers them, and a key appearing or vanishing would mint a new version of every dataset.
    """
    tdpf = node["meta"]["tdpf"]
    meta = node.get("meta", {})
    types = {r[0]: str(r[1]) for r in conn.execute(f"DESCRIBE {relation}").fetchall()}
    docs = node.get("columns", {})
    columns = tuple(
        Column(
            name=name,
            type=sql_type,
            description=docs.get(name, {}).get("description", ""),
            description_en=docs.get(name, {}).get("meta", {}).get("en", ""),
        )
        for name, sql_type in types.items()
    )
    row_count = conn.execute(f"SELECT count(*) FROM {relation}").fetchone()[0]
    publisher = meta.get("publisher", {})
    return ReleaseMetadata(
        title=tdpf["title"],
        title_en=tdpf["title_en"],
        description=node.get("description", ""),
        description_en=tdpf.get("description_en", ""),
        publisher=publisher.get("name", ""),
        publisher_en=publisher.get("name_en", ""),
        **({"publisher_code": str(publisher["code"])} if publisher.get("code") else {}),
        license=LICENSE,
        keywords=tuple(tdpf.get("keywords", [])),
        source=meta.get("source", {}),
        columns=columns,
        row_count=int(row_count),
        csv=CSV_DIALECT,
        dbt_model=node["name"],
        coverage=dataset_coverage(conn, relation, node, types),
        quality=quality,
        **_standard_metadata(tdpf, conn, relation, types),
        **({"removed_sources": removed} if removed else {}),
    )


def _standard_metadata(tdpf: dict[str, Any], conn: duckdb_lib.DuckDBPyConnection, relation: str,
                       types: dict[str, str]) -> dict[str, Any]:
    """For a standard set: which spec edition and completeness it follows, and whose rows it holds.

    Returned as keyword arguments of ``ReleaseMetadata``: a set that is not standard passes none,
    so its metadata.json has no ``standard`` key at all (not a null one).
    """
    if "standard" not in tdpf:
        return {}
    out: dict[str, Any] = {"standard": tdpf["standard"]}
    if {"全国地方公共団体コード", "地方公共団体名"} <= set(types):
        out["publishers"] = tuple(
            PublisherRows(code=code, name=name, rows=int(rows))
            for code, name, rows in conn.execute(
                f'SELECT "全国地方公共団体コード", min("地方公共団体名"), count(*) FROM {relation} '
                f'GROUP BY 1 ORDER BY 1').fetchall()
        )
    return out


def removed_since_previous(conn: duckdb_lib.DuckDBPyConnection, store: ReleaseStore,
                           dataset_id: str) -> tuple[RemovedSource, ...]:
    """Sources taken out of the registry after the set's current release: what the next one must say.

    A first release has no predecessor to differ from, so it reports none. ``created_at`` is kept
    to the second; a removal must come after the whole second to count as after that release.
    """
    previous = store.current(dataset_id)
    if previous is None:
        return ()
    since = datetime.strptime(previous.created_at, "%Y-%m-%dT%H:%M:%SZ") + timedelta(seconds=1)
    return tuple(
        RemovedSource(publisher_code=r.publisher_code, publisher_name=r.publisher_name, source_id=r.source_id,
                      rows_removed=r.rows_removed, removed_at=r.removed_at.strftime("%Y-%m-%dT%H:%M:%SZ"))
        for r in removed_since(conn, dataset_id, since))


def release_key(node: dict[str, Any]) -> dg.AssetKey:
    """The release asset of a published dbt model (``release/<model>``)."""
    return dg.AssetKey(["release", node["name"]])


def build_publish_assets(manifest: dict[str, Any], targets: dict[str, GateTarget]) -> list[dg.AssetsDefinition]:
    """One publish asset per dataset declared in the dbt project (keys as the dbt assets name them)."""
    return [
        _publish_asset(node, targets[node["meta"]["tdpf"]["dataset_id"]], tests_of(manifest, node))
        for node in published_nodes(manifest)
    ]


def _publish_asset(node: dict[str, Any], target: GateTarget, tests: list[dict[str, Any]]) -> dg.AssetsDefinition:
    dataset_id = target.dataset_id
    order_by = node["meta"]["tdpf"].get("order_by", [])
    geometry = node["meta"]["tdpf"].get("geometry")

    @dg.asset(
        key=release_key(node),
        code_version=CODE_VERSION,
        # Only its own model: the model's blocking gate checks then hold back this release alone.
        deps=[target.model_key],
        group_name=PUBLISH_GROUP,
        kinds={"parquet", "csv"},
        owners=[OWNER],
        description=f"公開リリース「{node['meta']['tdpf']['title']}」 ({dataset_id}). "
        "Immutable, content-addressed release: Parquet, CSV (UTF-8 with BOM), metadata.json and its "
        "quality report; runs only when the dataset's quality gate passed.",
        metadata={"dataset_id": dataset_id, "dbt_model": node["name"]},
    )
    def _asset(context: dg.AssetExecutionContext, tdpf: TdpfHome, duckdb: DuckDBResource) -> dg.MaterializeResult:
        home = tdpf.home
        run_id = context.run.run_id
        scratch = home.tmp / f"publish-{dataset_id}-{uuid.uuid4().hex[:8]}"
        try:
            store = ReleaseStore(home.releases)
            with duckdb.get_connection() as conn:
                quality, report = _cleared_verdict(context, conn, home, target)
                relation = target.relation
                if quality.held_back_publishers:
                    relation, quality = with_last_good_rows(conn, store, dataset_id, relation, quality)
                    context.log.warning(f"{dataset_id}: held back " + "; ".join(
                        f"{p.code} ({', '.join(p.checks)}; " + (f"{p.rows_kept} rows kept from version "
                                                               f"{p.kept_from_version})" if p.kept_from_version
                                                               else "left out: never passed)")
                        for p in quality.held_back_publishers))
                # one thread: each thread of a sort keeps its own buffers; single-threaded the sort stays
                # near the memory limit (a 500k-row set: ~0.7 GB at 1 thread, ~1.05 GB at 2, 512MB limit)
                conn.execute("SET threads = 1")
                files = export_files(conn, relation, order_by, scratch, geometry)
                removed = removed_since_previous(conn, store, dataset_id) if "standard" in node["meta"]["tdpf"] else ()
                metadata = dataset_metadata(node, conn, relation, quality, removed)
                files[DATAPACKAGE] = write_datapackage(scratch / DATAPACKAGE, node, tests, conn, relation,
                                                       metadata.content_json())
            result = store.publish(dataset_id, files, metadata.content_json(),
                                   Attachments(metadata=metadata.attachment_json(), files={REPORT_FILE: report}))
            record = AttemptRecord(published=True, new_release=result.created, release_version=result.release.version,
                                   run_id=run_id, quality=quality)
            attempt = store.record_attempt(dataset_id, record.to_json(), {REPORT_FILE: report})
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
            discard_staged(home, run_id, dataset_id)
        release = result.release
        verb = "published" if result.created else "unchanged"
        context.log.info(f"{dataset_id}: {verb} version {release.version} ({release.content_hash[:12]}); "
                         f"quality {quality.status} (attempt {attempt.id})")
        return dg.MaterializeResult(
            metadata={
                "dataset_id": dataset_id,
                "version": release.version,
                "content_hash": release.content_hash,
                "new_release": result.created,
                "dagster/row_count": dg.MetadataValue.int(metadata.row_count or 0),
                "release_path": dg.MetadataValue.path(str(release.path)),
                "quality_status": quality.status,
                "quality_warnings": quality.checks_warned,
                GATE_VERSION: gate_version(dataset_id),
            }
        )

    _asset.__name__ = f"release_{node['name']}"
    return _asset


HELD_BACK_ROWS = "tdpf_release_rows"  # a temporary table of the publishing connection


def with_last_good_rows(conn: duckdb_lib.DuckDBPyConnection, store: ReleaseStore, dataset_id: str, relation: str,
                        quality: QualitySummary) -> tuple[str, QualitySummary]:
    """The rows a partial release holds: every other publisher's update, the held-back ones' last good rows.

    Last good rows are those of the served release (which may itself carry them from an older one:
    ``kept_from_version`` says which). A publisher that has no rows there never passed: it is left
    out. Returns the relation to publish from and the quality summary with what was kept.
    """
    held = [p.code for p in quality.held_back_publishers]
    column = f'"{PUBLISHER_PARTITION}"'
    conn.execute(f"CREATE OR REPLACE TEMP TABLE {HELD_BACK_ROWS} AS SELECT * FROM {relation} "
                 f"WHERE {column} IS NULL OR {column} NOT IN (SELECT unnest(?::VARCHAR[]))", [held])
    served = store.current(dataset_id)
    kept: dict[str, int] = {}
    origin: dict[str, int] = {}
    if served is not None and (served.path / "data.parquet").is_file():
        parquet = str(served.path / "data.parquet")
        conn.execute(f"INSERT INTO {HELD_BACK_ROWS} BY NAME SELECT * FROM read_parquet(?) "
                     f"WHERE {column} IN (SELECT unnest(?::VARCHAR[]))", [parquet, held])
        kept = dict(conn.execute(f"SELECT {column}, count(*) FROM read_parquet(?) "
                                 f"WHERE {column} IN (SELECT unnest(?::VARCHAR[])) GROUP BY 1", [parquet, held]).fetchall())
        before = ReleaseDocument.from_json(served.metadata).quality.held_back_publishers
        origin = {p.code: p.kept_from_version for p in before if p.kept_from_version}
    updated = tuple(
        p.model_copy(update={"rows_kept": kept.get(p.code, 0),
                             "kept_from_version": origin.get(p.code, served.version) if kept.get(p.code) else None})
        for p in quality.held_back_publishers)
    return HELD_BACK_ROWS, quality.model_copy(update={"held_back_publishers": updated})


def _cleared_verdict(context: dg.AssetExecutionContext, conn: duckdb_lib.DuckDBPyConnection, home: DataHome,
                     target: GateTarget) -> tuple[QualitySummary, Path]:
    """This run's passing verdict (summary, report); the gate runs here when its checks were not in the run."""
    staged = take_staged(home, context.run.run_id, target.dataset_id)
    if staged is not None:
        return staged
    context.log.info(f"{target.dataset_id}: no gate result in this run; running the quality gate now")
    verdict, report = run_gate(conn, target, home)
    if verdict.blocked:
        attempt = record_blocked(home, target, verdict, report, context.run.run_id)
        failing = ", ".join(c.check for c in verdict.checks if c.blocking)
        raise dg.Failure(description=f"{target.dataset_id}: quality gate failed ({failing}); not published. "
                                     f"Report: {attempt.path / REPORT_FILE}", allow_retries=False)
    stage_verdict(home, target, verdict, report, context.run.run_id)
    staged = take_staged(home, context.run.run_id, target.dataset_id)
    assert staged is not None
    return staged
