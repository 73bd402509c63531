"""A CKAN portal's Action API as the sync uses it: ckanapi calls sorted into what to retry and what to report.

Three outcomes matter to an operator, so every failure becomes one of them:
- :class:`Unavailable` — the portal did not answer properly (connection refused or reset, a
  timeout, a 5xx, a search-index error): worth retrying with backoff, and when it persists the
  sync stops, since the packages after it would fail the same way;
- :class:`Rejected` — the portal answered and said no (a validation error, not authorised, not
  found): retrying cannot help; the sync names the dataset and CKAN's message and goes on;
- success.

The API token travels in a request header only (ckanapi sets it); nothing here puts it into a
message, an exception or a log line, and calls are recorded by action name alone.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import backoff
import ckanapi
import requests

#: Actions that only read; every other action the sync calls writes.
READS = frozenset({"status_show", "license_list", "package_show", "package_search", "organization_show",
                   "organization_list"})


class PortalError(Exception):
    """A call to the portal failed; ``action`` says which."""

    def __init__(self, action: str, message: str) -> None:
        super().__init__(f"{action}: {message}")
        self.action = action
        self.message = message


class Unavailable(PortalError):
    """The portal did not answer properly (transient: retried, then the sync stops)."""


class Rejected(PortalError):
    """The portal refused the call (validation, authorisation, not found): reported, not retried."""


@dataclass(frozen=True)
class RetryPolicy:
    """How long to keep trying while the portal is unavailable: ``attempts`` tries, exponential waits."""

    attempts: int = 5
    first_wait: float = 0.5
    longest_wait: float = 8.0


@dataclass
class CallLog:
    """Every action called, in order, by name: what a test reads to see that a sync wrote nothing."""

    calls: list[str] = field(default_factory=list)

    @property
    def writes(self) -> list[str]:
        return [c for c in self.calls if c not in READS]


class Portal:
    """One CKAN, through ``ckanapi.RemoteCKAN``, with retries and failures sorted (see the module doc)."""

    def __init__(self, url: str, token: str | None, *, retry: RetryPolicy = RetryPolicy(),
                 timeout: tuple[float, float] = (5.0, 60.0), user_agent: str = "tdpf-ckan-sync",
                 on_wait: Callable[[str, float, PortalError], None] | None = None) -> None:
        self.url = url.rstrip("/")
        self.retry = retry
        self.log = CallLog()
        self._timeout = timeout
        self._status: list[int] = []
        session = requests.Session()
        session.hooks["response"].append(lambda response, *args, **kwargs: self._status.append(response.status_code))
        self._ckan = ckanapi.RemoteCKAN(self.url, apikey=token, user_agent=user_agent, session=session)
        self._on_wait = on_wait

    def close(self) -> None:
        self._ckan.close()

    def call(self, action: str, **data: Any) -> Any:
        """Call an action once; raise :class:`Unavailable` or :class:`Rejected` on failure."""
        self.log.calls.append(action)
        self._status.clear()
        try:
            return self._ckan.call_action(action, data, requests_kwargs={"timeout": self._timeout})
        except (requests.ConnectionError, requests.Timeout) as exc:
            raise Unavailable(action, f"no answer from {self.url} ({type(exc).__name__})") from None
        except ckanapi.ValidationError as exc:
            raise Rejected(action, "validation error: " + _validation_message(exc)) from None
        except ckanapi.NotAuthorized as exc:
            raise Rejected(action, f"not authorised ({_message(exc)}); is CKAN_API_TOKEN a sysadmin's "
                                   "or an editor's of the organizations?") from None
        except ckanapi.NotFound as exc:
            raise Rejected(action, f"not found ({_message(exc)})") from None
        except (ckanapi.SearchIndexError, ckanapi.SearchError) as exc:
            raise Unavailable(action, f"the portal's search index failed ({_message(exc)})") from None
        except (ckanapi.CKANAPIError, ckanapi.ServerIncompatibleError) as exc:
            status = self._status[-1] if self._status else None
            if status is not None and 400 <= status < 500 and status not in (408, 429):
                raise Rejected(action, f"HTTP {status}: {_short(exc)}") from None
            raise Unavailable(action, f"HTTP {status}: {_short(exc)}" if status else _short(exc)) from None

    def read(self, action: str, **data: Any) -> Any:
        """A read, retried while the portal is unavailable (reads are safe to repeat)."""
        return self.retrying(lambda: self.call(action, **data))

    def find(self, action: str, name: str) -> dict[str, Any] | None:
        """``package_show``/``organization_show`` of a name, tried once; None when the portal has none of that name."""
        try:
            return self.call(action, id=name)
        except Rejected as exc:
            if exc.message.startswith("not found"):
                return None
            raise

    def show(self, action: str, name: str) -> dict[str, Any] | None:
        """:meth:`find`, retried while the portal is unavailable."""
        return self.retrying(lambda: self.find(action, name))

    def retrying(self, attempt: Callable[[], Any]) -> Any:
        """Run ``attempt`` until it succeeds, raises :class:`Rejected`, or the retry policy is spent."""
        policy = self.retry

        def waited(details: Mapping[str, Any]) -> None:
            if self._on_wait is not None:
                error = details.get("exception")
                self._on_wait(getattr(error, "action", "?"), float(details.get("wait") or 0.0), error)

        run = backoff.on_exception(backoff.expo, Unavailable, max_tries=policy.attempts, factor=policy.first_wait,
                                   max_value=policy.longest_wait, jitter=None, logger=None,
                                   on_backoff=waited)(attempt)
        return run()


def _message(exc: Exception) -> str:
    value = exc.args[0] if exc.args else exc
    if isinstance(value, Mapping):
        return str(value.get("message") or value)
    return str(value)


def _validation_message(exc: ckanapi.ValidationError) -> str:
    """CKAN's field errors as one line: ``name: That URL is already in use.; extras[5].key: …``."""
    errors = exc.error_dict if isinstance(getattr(exc, "error_dict", None), Mapping) else {}
    parts = [part for key, value in errors.items() if key != "__type" for part in _field_errors(str(key), value)]
    return "; ".join(parts) or _message(exc)


def _field_errors(where: str, value: Any) -> list[str]:
    """CKAN nests errors like its data: a list per field, a dict per item of a list (empty when that item is fine)."""
    if isinstance(value, Mapping):
        return [part for key, inner in value.items() for part in _field_errors(f"{where}.{key}", inner)]
    if isinstance(value, list) and any(isinstance(v, Mapping) for v in value):
        return [part for i, inner in enumerate(value) for part in _field_errors(f"{where}[{i}]", inner)]
    if isinstance(value, list):
        return [f"{where}: {' '.join(map(str, value))}"] if value else []
    return [f"{where}: {value}"]


def _short(exc: Exception) -> str:
    """ckanapi's unrecognised error (``[url, status, body]``), cut to the body's first line."""
    text = str(exc.args[0] if exc.args else exc)
    try:
        parsed = json.loads(text)
        text = str(parsed.get("error", {}).get("message", text)) if isinstance(parsed, dict) else text
    except ValueError:
        pass
    return " ".join(text.split())[:300]
