"""Names of the warehouse tables the register ingest writes — shared by the ingest and dbt's sources."""

from __future__ import annotations

from pipelines.standard.spec import StandardSet

SCHEMA = "raw"
ISSUES_TABLE = "register_issues"
#: One row per registry source: how its latest read ended (loaded / failed / absent) and why.
SOURCES_TABLE = "register_sources"
#: オープンデータ一覧 rows of what the platform itself publishes (pipelines/standard/catalogue.py).
PLATFORM_CATALOGUE = "platform_catalogue"
LINEAGE_COLUMNS = (("publisher_code", "VARCHAR"), ("source_id", "VARCHAR"), ("source_file", "VARCHAR"),
                   ("source_line", "INTEGER"))
ISSUE_COLUMNS = (
    ("publisher_code", "VARCHAR"), ("source_id", "VARCHAR"), ("dataset", "VARCHAR"), ("source_file", "VARCHAR"),
    ("source_line", "INTEGER"), ("source_column", "INTEGER"), ("column_name", "VARCHAR"), ("value", "VARCHAR"),
    ("severity", "VARCHAR"), ("reason", "VARCHAR"), ("message", "VARCHAR"),
)

SOURCE_COLUMNS = (
    ("publisher_code", "VARCHAR"), ("publisher_name", "VARCHAR"), ("source_id", "VARCHAR"), ("dataset", "VARCHAR"),
    ("source_file", "VARCHAR"), ("status", "VARCHAR"), ("rows_published", "INTEGER"), ("rows_quarantined", "INTEGER"),
    ("message", "VARCHAR"), ("checked_at", "TIMESTAMP"),
)
SOURCE_STATUSES = ("loaded", "failed", "absent")  # absent: a real-data folder not on this machine
#: The registry as of the last build (pipelines/standard/registered.py): staging keeps only its sources.
REGISTRY_TABLE = "registry_sources"
REGISTRY_COLUMNS = (
    ("publisher_code", "VARCHAR"), ("publisher_name", "VARCHAR"), ("source_id", "VARCHAR"), ("dataset", "VARCHAR"),
    ("source_file", "VARCHAR"), ("licence", "VARCHAR"),
)
#: Every source taken out of the registry whose rows were deleted, and when (what releases report).
REMOVED_TABLE = "removed_sources"
REMOVED_COLUMNS = (
    ("publisher_code", "VARCHAR"), ("publisher_name", "VARCHAR"), ("source_id", "VARCHAR"), ("dataset", "VARCHAR"),
    ("rows_removed", "INTEGER"), ("removed_at", "TIMESTAMP"),
)


def raw_table(standard: StandardSet) -> str:
    """The raw table of a set: ``register_`` + the set id with underscores."""
    return "register_" + standard.id.replace("-", "_")
