"""Names of the warehouse tables the register ingest writes — shared by the ingest and dbt's sources."""

from __future__ import annotations

from pipelines.standard.spec import StandardSet

SCHEMA = "raw"
ISSUES_TABLE = "register_issues"
#: オープンデータ一覧 rows of what the platform itself publishes (pipelines/standard/catalogue.py).
PLATFORM_CATALOGUE = "platform_catalogue"
LINEAGE_COLUMNS = (("publisher_code", "VARCHAR"), ("source_id", "VARCHAR"), ("source_file", "VARCHAR"),
                   ("source_line", "INTEGER"))
ISSUE_COLUMNS = (
    ("publisher_code", "VARCHAR"), ("source_id", "VARCHAR"), ("dataset", "VARCHAR"), ("source_file", "VARCHAR"),
    ("source_line", "INTEGER"), ("source_column", "INTEGER"), ("column_name", "VARCHAR"), ("value", "VARCHAR"),
    ("severity", "VARCHAR"), ("reason", "VARCHAR"), ("message", "VARCHAR"),
)


def raw_table(standard: StandardSet) -> str:
    """The raw table of a set: ``register_`` + the set id with underscores."""
    return "register_" + standard.id.replace("-", "_")
