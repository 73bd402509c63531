"""Smart-pole sensor feeds: vendor formats → one long table of readings (DuckDB readers only)."""
