"""The landing area as a build sees it: the embedded default put in place, and the input version of
every ingest asset now (what ``pipelines/changes.py`` compares with what each asset last read)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import dagster as dg

from pipelines.changes import Inputs
from pipelines.defs.bureau_report import CODE_VERSION as REPORT_CODE_VERSION
from pipelines.defs.bureau_report import INGEST_ASSETS, ensure_embedded_report, report_files
from pipelines.defs.smart_poles import (
    ensure_embedded_smart_poles,
    readings_versions,
    register_version,
    smart_pole_landing,
)
from pipelines.defs.registers import (
    ensure_embedded_registers,
    platform_catalogue_version,
    register_inputs,
    registry_key,
    registry_version,
)
from pipelines.fingerprints import files_version
from pipelines.paths import DataHome
from pipelines.smart_poles.ingest import days_with_files
from pipelines.standard.registry import Registry, realdata_dir
from pipelines.standard.spec import StandardSpec
from pipelines.standard.tables import PLATFORM_CATALOGUE

READINGS_KEY = dg.AssetKey(["raw", "smart_pole_readings"])
REGISTER_KEY = dg.AssetKey(["raw", "smart_pole_register"])
CATALOGUE_KEY = dg.AssetKey(["raw", PLATFORM_CATALOGUE])


def ensure_embedded(home: DataHome) -> list[date]:
    """Put the embedded default into empty landing folders (never over files); the days with feeds."""
    ensure_embedded_report(home)
    ensure_embedded_registers(home)
    landing = ensure_embedded_smart_poles(home)
    return days_with_files(landing / "feeds")


def current_inputs(home: DataHome, spec: StandardSpec, registry: Registry, manifest_path: Path,
                   embed: bool = True) -> Inputs:
    """The input version of every ingest asset (and partition) as the landing files are now."""
    days = ensure_embedded(home) if embed else days_with_files(smart_pole_landing(home) / "feeds")
    report = files_version(REPORT_CODE_VERSION, report_files(home), home.root)
    versions: dict[dg.AssetKey, dict[str | None, str]] = {
        key: {None: report} for asset in INGEST_ASSETS for key in asset.keys
    }
    versions[REGISTER_KEY] = {None: register_version(home)}
    versions[CATALOGUE_KEY] = {None: platform_catalogue_version(spec, manifest_path)}
    versions[registry_key()] = {None: registry_version(registry)}
    versions[READINGS_KEY] = dict(readings_versions(home, days))
    for key, by_publisher in register_inputs(registry, spec, home.landing, realdata_dir()).items():
        versions[key] = dict(by_publisher)
    return Inputs(versions=versions, days=days)
