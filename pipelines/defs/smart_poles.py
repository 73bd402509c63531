"""Ingest: smart-pole register and sensor feeds (partitioned by JST day).

The readings asset is partitioned by the JST day a file covers; materialising a day replaces
exactly that day (one transaction), and a backfill of many days runs as one vectorised load.
"""

from datetime import date
from pathlib import Path

import dagster as dg
from dagster_duckdb import DuckDBResource

from pipelines.defs.failures import source_failure
from pipelines.fingerprints import INPUT_VERSION, code_version, day_versions, files_version
from pipelines.defs.resources import OWNER, TdpfHome
from pipelines.parsers.errors import SourceFormatError
from pipelines.paths import DataHome
from pipelines.smart_poles.ingest import load_days
from pipelines.smart_poles.register import Device, Pole, parse_devices, parse_poles
from pipelines.warehouse import columns_of, replace_table, table_metadata

LANDING_FOLDER = "smart_poles"
REGISTER_CODE_VERSION = code_version("pipelines/smart_poles/register.py", "pipelines/warehouse.py")
READINGS_CODE_VERSION = code_version("pipelines/smart_poles/ingest.py", "pipelines/smart_poles/formats.py",
                                     "pipelines/duckdb_extensions.py")
REGISTER_FILES = ("register/poles.csv", "register/devices.csv")
#: The embedded sample: three simulated days (Monday to Wednesday), deterministic.
EMBEDDED_START = date(2026, 11, 2)
EMBEDDED_DAYS = 3

smart_pole_days = dg.DailyPartitionsDefinition(
    start_date="2026-10-01", timezone="Asia/Tokyo", end_offset=1, fmt="%Y-%m-%d"
)


def smart_pole_landing(home: DataHome) -> Path:
    return home.landing / LANDING_FOLDER


def ensure_embedded_smart_poles(home: DataHome) -> Path:
    """Simulate the embedded sample into an empty landing folder (never over existing files)."""
    landing = smart_pole_landing(home)
    if not (landing / "register" / "poles.csv").exists():
        from pipelines.simulator.run import simulate

        simulate(EMBEDDED_START, EMBEDDED_DAYS, landing)
    return landing


@dg.asset(
    key=["raw", "smart_pole_register"],
    group_name="ingest",
    kinds={"python", "duckdb"},
    owners=[OWNER],
    code_version=REGISTER_CODE_VERSION,
    description="スマートポール台帳（29基、位置・型式・事業者・搭載センサー）と機器→ポール対応表。"
    " The smart-pole register and the device → pole register (with replacements).",
)
def smart_pole_register(tdpf: TdpfHome, duckdb: DuckDBResource) -> dg.MaterializeResult:
    home = tdpf.home
    landing = ensure_embedded_smart_poles(home)
    version = register_version(home)
    try:
        poles = parse_poles(landing / "register" / "poles.csv", "register/poles.csv")
        devices = parse_devices(landing / "register" / "devices.csv", "register/devices.csv",
                                {p.pole_id for p in poles})
    except SourceFormatError as exc:
        raise source_failure(exc) from None
    with duckdb.get_connection() as conn:
        replace_table(conn, "raw", "smart_pole_devices", Device, devices)
        replace_table(conn, "raw", "smart_pole_register", Pole, poles)
        metadata = table_metadata(conn, "raw.smart_pole_register", {n: d for n, _, _, d in columns_of(Pole)})
    metadata["devices"] = len(devices)
    metadata[INPUT_VERSION] = version
    return dg.MaterializeResult(metadata=metadata, data_version=dg.DataVersion(version))


def register_version(home: DataHome) -> str:
    """The input version of the register asset (its two files and its code)."""
    landing = smart_pole_landing(home)
    return files_version(REGISTER_CODE_VERSION, [landing / f for f in REGISTER_FILES], landing)


def readings_versions(home: DataHome, days: list[date]) -> dict[str, str]:
    """JST day → the input version of that day's feed files."""
    return day_versions(READINGS_CODE_VERSION, smart_pole_landing(home) / "feeds", days)


@dg.asset(
    key=["raw", "smart_pole_readings"],
    partitions_def=smart_pole_days,
    backfill_policy=dg.BackfillPolicy.single_run(),
    group_name="ingest",
    kinds={"duckdb"},
    owners=[OWNER],
    code_version=READINGS_CODE_VERSION,
    description="スマートポールの1分値（全事業者形式を1つの縦持ち表に）。使えない値は理由付きで raw.smart_pole_rejects へ。"
    " 1-minute readings of every vendor format in one long table (UTC times, units as delivered);"
    " unusable values go to raw.smart_pole_rejects with a reason code. Partitioned by JST day.",
)
def smart_pole_readings(
    context: dg.AssetExecutionContext, tdpf: TdpfHome, duckdb: DuckDBResource
) -> dg.MaterializeResult:
    days = [date.fromisoformat(k) for k in context.partition_keys]
    for day, version in readings_versions(tdpf.home, days).items():
        context.add_asset_metadata({INPUT_VERSION: version}, partition_key=day)
    with duckdb.get_connection() as conn:
        stats = load_days(conn, smart_pole_landing(tdpf.home), days, scratch=tdpf.home.tmp)
        described = table_metadata(conn, "raw.smart_pole_readings")
    context.log.info(
        f"{stats.readings} readings, {sum(stats.rejects.values())} rejects from "
        f"{sum(stats.files.values())} files for {len(days)} day(s)"
    )
    return dg.MaterializeResult(
        metadata={
            **described,
            "dagster/row_count": dg.MetadataValue.int(stats.readings),
            "files": dg.MetadataValue.json(stats.files),
            "rejects_by_reason": dg.MetadataValue.json(stats.rejects),
            "days": dg.MetadataValue.json(list(stats.days)),
        }
    )


SMART_POLE_ASSETS = [smart_pole_register, smart_pole_readings]
