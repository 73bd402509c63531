"""Settings of the catalogue API, read from ``TDPF_*`` environment variables.

One ``Settings`` object, passed explicitly to ``create_app``, so tests can build apps with their own
data directory without touching global state, and nothing reads the environment at import time.
"""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


def usable_cores() -> int:
    """The CPUs this process may run on (``taskset`` and container limits narrow them), at least 1."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


class Settings(BaseSettings):
    """Configuration shared by every part of the API.

    ``home`` is the same data directory the pipelines use (``TDPF_HOME``), so the API and the
    publisher can never disagree about where releases live.
    """

    model_config = SettingsConfigDict(env_prefix="TDPF_", extra="ignore")

    home: Path = Path("data")
    """Data directory (``TDPF_HOME``); releases are read from ``<home>/releases``."""

    base_url: str | None = None
    """Public base URL (``TDPF_BASE_URL``) used for absolute links, e.g. behind a proxy or CDN.
    When unset, links use the request's ``Host`` only if it is one of ``trusted_hosts``, else
    ``http://<host>:<port>`` of these settings: an arbitrary ``Host`` header never becomes a link."""

    trusted_hosts: str = "127.0.0.1,localhost,[::1]"
    """Host names (``TDPF_TRUSTED_HOSTS``, comma-separated, any port) whose ``Host`` header may build
    links when ``base_url`` is unset; ``*`` trusts every host (only behind a proxy that sets it)."""

    host: str = "127.0.0.1"
    """Interface to bind (``TDPF_HOST``) when the server is started by the project's tooling."""

    port: int = 8000
    """Port to bind (``TDPF_PORT``)."""

    api_max_page_size: int = Field(default=1000, ge=1, le=100_000)
    """The largest ``limit`` of a records page (``TDPF_API_MAX_PAGE_SIZE``); stated as ``max_limit``
    in every page. A larger ``limit`` is refused (422), never silently cut."""

    api_max_query_seconds: float = Field(default=10.0, gt=0, le=3600)
    """How long one query of rows may run (``TDPF_API_MAX_QUERY_SECONDS``): a page, a count, a facet
    or a filtered export. Past it the query is stopped and the request answers 503."""

    api_export_concurrency: int = Field(default=2, ge=1, le=64)
    """Filtered exports written at once (``TDPF_API_EXPORT_CONCURRENCY``); one more answers 503 with
    ``Retry-After``. Whole-release downloads are files on disk and are not counted."""

    api_memory_limit: str = "1GB"
    """DuckDB's memory ceiling for the rows the API holds and queries (``TDPF_API_MEMORY_LIMIT``)."""

    api_query_threads: int = Field(default_factory=lambda: min(2, usable_cores()), ge=1, le=256)
    """DuckDB threads of one server process (``TDPF_API_QUERY_THREADS``; default: 2, or 1 on one core).
    ``tdpf serve --workers N`` sets it to the cores divided among the workers unless it is set: a
    page's query is too short to gain from threads that only compete with the other workers."""

    @field_validator("home")
    @classmethod
    def _absolute_home(cls, value: Path) -> Path:
        # Resolve once, against the working directory at start-up, so a later chdir cannot move
        # the data directory under a running server.
        return value.expanduser().resolve()

    @field_validator("base_url")
    @classmethod
    def _clean_base_url(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        value = value.strip().rstrip("/")
        if not value.startswith(("http://", "https://")):
            raise ValueError("TDPF_BASE_URL must start with http:// or https://")
        return value

    def trusts(self, host_header: str) -> bool:
        """Whether a request's ``Host`` (with or without a port) may be used for links."""
        trusted = {h.strip().lower() for h in self.trusted_hosts.split(",") if h.strip()}
        name = host_header.strip().lower()
        if name.startswith("["):
            name = name[: name.find("]") + 1]
        else:
            name = name.split(":", 1)[0]
        return "*" in trusted or (bool(name) and name in trusted)

    @property
    def own_base_url(self) -> str:
        """Where this server listens, as a base URL (links when the request's host is not trusted)."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def releases_dir(self) -> Path:
        """Directory of published releases (``<home>/releases``), the API's only data source."""
        return self.home / "releases"
