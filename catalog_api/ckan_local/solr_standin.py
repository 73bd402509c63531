"""A test double for Apache Solr, just enough for CKAN 2.12 (through pysolr) to run against it.

This is **not** a search engine and not a Solr replacement.  It exists because Solr (a JVM
service) cannot be installed on this machine, while CKAN refuses to start, index or search
without one.  CKAN, PostgreSQL and Redis stay real; only the Solr HTTP API is imitated,
in-memory, with the Python standard library alone.

What it answers (under any core prefix, e.g. ``/solr/ckan/select`` or just ``/select``):

* ``GET|POST …/select`` -- ``q`` and repeated ``fq`` in a Lucene-like grammar: ``*:*``,
  ``field:value``, ``field:"phrase"``, ``field:(a OR b)``, wildcards (``field:*``,
  ``field:ab*``), ranges ``field:[A TO B]`` / ``{A TO B}`` with ``*`` and date math
  (``NOW``, ``NOW-1DAY``, ``NOW/DAY`` …; dates compared as ISO strings), ``AND``/``OR``/``NOT``,
  ``&&``/``||``/``!``, ``+``/``-`` prefixes and parentheses, with Lucene's clause rules and
  ``q.op``; a leading ``{!tag=… ex=…}`` local-params block is ignored.  Bare words are matched
  case-insensitively, word by word, in ``qf`` (dismax/edismax, boosts ignored) or else in
  ``df`` (default ``text``) plus ``name`` and ``title``; dismax's ``mm`` is honoured.
  ``fl`` (``*``, ``score``, globs, comma/space lists; schema ``stored="false"`` fields are
  hidden), ``rows``, ``start``, ``sort`` (``field asc|desc``, comma-separated; ``score`` keeps
  insertion order; missing values last), ``facet=true`` with repeated ``facet.field``
  (``{!ex=…}`` prefixes ignored), ``facet.query``, ``facet.limit`` (-1 = all),
  ``facet.mincount``, ``facet.offset``, ``facet.sort`` and their ``f.<field>.`` overrides.
  Multi-valued fields (lists) match when any value matches.
* ``POST …/update`` (also ``/update/json``, ``/update/json/docs``, ``/update/xml``) -- JSON
  (a list of docs, one doc, or command objects ``{"add": {"doc": …}}``, ``{"delete": {"id": …}}``,
  ``{"delete": {"query": …}}``, ``{"commit": {}}``, repeated keys allowed) and XML
  (``<add><doc><field name=…>``, ``<delete><id>``/``<query>``, ``<commit/>``, ``<optimize/>``);
  atomic updates (``set``/``add``/``remove``/``inc``) on existing docs.  Commit is a no-op:
  every change is visible at once.
* ``GET …/admin/ping`` -- ``{"status": "OK"}``.
* ``GET …/schema?wt=schema.xml`` and ``GET …/admin/file?file=schema.xml`` -- the text of the
  schema file given with ``--schema`` (CKAN's own ``ckan/config/solr/schema.xml``; found in the
  installed ``ckan`` package when not given), which CKAN reads at start to check the version.

Documents are keyed by ``id`` (CKAN's ``id`` and the schema's ``index_id`` are one-to-one per
site); re-adding an id replaces the document.  With ``--store PATH`` every change is written to
a JSON file (atomically) and read back at start, so a restart keeps the index.

The schema, when given, is also read for field types (string fields match exactly, text
fields word by word and case-insensitively, numbers numerically), multi-valued flags (XML
values become lists), ``stored`` flags and ``copyField`` rules (a query on ``text`` also looks
at the fields CKAN copies into it).  Without a schema a small built-in copy of CKAN's rules is
used.

What it does **not** do: no relevance ranking (``score`` is always 1.0 and ``score desc`` is
insertion order), no stemming, synonyms, stop words or n-grams (``water`` does not match
``waters``), no fuzzy/proximity/boost semantics (``~``/``^`` are accepted and ignored), no
spatial, join, function or ``{!knn}`` queries, no highlighting, grouping, stats, spellcheck,
cursors or ``wt`` other than JSON, no child documents, no authentication, no SolrCloud or
core admin API, and no attempt at performance beyond a few thousand documents.
"""

from __future__ import annotations

import argparse
import calendar
import datetime as dt
import fnmatch
import importlib.util
import json
import os
import re
import sys
import tempfile
import threading
import unicodedata
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

__all__ = [
    "QuerySyntaxError",
    "Schema",
    "SolrStandin",
    "find_ckan_schema",
    "main",
    "make_server",
    "serve_in_thread",
]

Doc = dict[str, Any]
Params = dict[str, list[str]]


class QuerySyntaxError(ValueError):
    """A query, sort or update the stand-in cannot parse; answered as HTTP 400 like Solr."""


# --------------------------------------------------------------------------- schema

# Kinds of field the matcher distinguishes.
TEXT, STRING, INT, FLOAT, DATE, BOOL = "text", "string", "int", "float", "date", "bool"

# Used only when no schema file is available: the parts of CKAN's schema that change matching.
_DEFAULT_TEXT_FIELDS = (
    "text title notes author author_email maintainer maintainer_email res_name "
    "res_description urls extras_* res_extras_*"
).split()
_DEFAULT_DATE_FIELDS = "metadata_created metadata_modified indexed_ts *_date".split()
_DEFAULT_INT_FIELDS = "views_total views_recent resources_accessed_total resources_accessed_recent".split()
_DEFAULT_MULTI_FIELDS = (
    "tags groups permission_labels res_name res_description res_format res_url res_type text "
    "urls res_extras_* vocab_*"
).split()
_DEFAULT_TEXT_SOURCES = (
    "extras_* res_extras_* vocab_* urls name title text license notes tags groups organization "
    "res_name res_description maintainer author"
).split()


def _kind_of_class(class_name: str) -> str:
    """Map a Solr fieldType class to the matching behaviour it implies here."""
    c = class_name.lower()
    if "textfield" in c:
        return TEXT
    if "bool" in c:
        return BOOL
    if "date" in c:  # before the numbers: "DatePointField" contains "int"
        return DATE
    if "float" in c or "double" in c:
        return FLOAT
    if re.search(r"int(point|field)|long|trieint", c):
        return INT
    return STRING


@dataclass
class _FieldDef:
    kind: str = STRING
    multi: bool = False
    stored: bool = True


@dataclass
class Schema:
    """What the stand-in knows about fields: types, multi-valuedness, storage and copyFields.

    Kept deliberately small: only what changes how a query matches or what a response holds.
    """

    fields: dict[str, _FieldDef] = field(default_factory=dict)
    dynamic: list[tuple[str, _FieldDef]] = field(default_factory=list)
    copy_sources: dict[str, list[str]] = field(default_factory=dict)
    unique_key: str = "id"
    name: str = "ckan-standin"
    version: str = ""
    text: str | None = None

    @classmethod
    def default(cls) -> Schema:
        """A built-in approximation of CKAN's schema, for when no schema file is at hand."""
        s = cls()
        for pattern in _DEFAULT_TEXT_FIELDS + _DEFAULT_DATE_FIELDS + _DEFAULT_INT_FIELDS:
            kind = TEXT if pattern in _DEFAULT_TEXT_FIELDS else DATE if pattern in _DEFAULT_DATE_FIELDS else INT
            s._put(pattern, _FieldDef(kind=kind, multi=pattern in _DEFAULT_MULTI_FIELDS))
        for pattern in _DEFAULT_MULTI_FIELDS:
            if s._own(pattern) is None:
                s._put(pattern, _FieldDef(kind=STRING, multi=True))
        s.copy_sources["text"] = list(_DEFAULT_TEXT_SOURCES)
        return s

    @classmethod
    def from_file(cls, path: str | os.PathLike[str]) -> Schema:
        """Read a Solr ``schema.xml`` (CKAN's), keeping its text to serve on ``/schema``."""
        text = Path(path).read_text(encoding="utf-8")
        root = ET.fromstring(text)
        s = cls(text=text, name=root.get("name", ""), version=root.get("version", ""), unique_key="id")
        types: dict[str, _FieldDef] = {}
        for el in root.iter():
            if el.tag.lower() == "fieldtype":
                types[el.get("name", "")] = _FieldDef(
                    kind=_kind_of_class(el.get("class", "")),
                    multi=el.get("multiValued", "false") == "true",
                    stored=el.get("stored", "true") != "false",
                )
        for el in root.iter():
            if el.tag in ("field", "dynamicField"):
                base = types.get(el.get("type", ""), _FieldDef())
                fd = _FieldDef(
                    kind=base.kind,
                    multi=el.get("multiValued", "true" if base.multi else "false") == "true",
                    stored=el.get("stored", "true" if base.stored else "false") != "false",
                )
                s._put(el.get("name", ""), fd)
            elif el.tag == "copyField":
                s.copy_sources.setdefault(el.get("dest", ""), []).append(el.get("source", ""))
            elif el.tag == "uniqueKey" and el.text:
                s.unique_key = el.text.strip()
        return s

    def _put(self, name: str, fd: _FieldDef) -> None:
        if "*" in name:
            self.dynamic.append((name, fd))
        else:
            self.fields[name] = fd

    def _own(self, name: str) -> _FieldDef | None:
        if name in self.fields:
            return self.fields[name]
        for pattern, fd in self.dynamic:
            if pattern == name:
                return fd
        return None

    def field(self, name: str) -> _FieldDef:
        """The definition for ``name``: an explicit field, else the longest matching dynamic field."""
        fd = self.fields.get(name)
        if fd is not None:
            return fd
        best: tuple[int, _FieldDef] | None = None
        for pattern, dfd in self.dynamic:
            if fnmatch.fnmatchcase(name, pattern) and (best is None or len(pattern) > best[0]):
                best = (len(pattern), dfd)
        return best[1] if best else _FieldDef()


def find_ckan_schema() -> Path | None:
    """Locate ``ckan/config/solr/schema.xml`` in the installed CKAN package, if CKAN is installed.

    Lets the stand-in serve the exact schema CKAN checks at start without being told where it is.
    """
    try:
        spec = importlib.util.find_spec("ckan")
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    for location in spec.submodule_search_locations:
        candidate = Path(location) / "config" / "solr" / "schema.xml"
        if candidate.is_file():
            return candidate
    return None


# --------------------------------------------------------------------------- values


def _fold(s: str) -> str:
    """Lower-case and strip accents, as CKAN's text analysers (LowerCase, ASCIIFolding) do."""
    decomposed = unicodedata.normalize("NFKD", s.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


_WORD = re.compile(r"[^\W_]+")


def _tokens(s: str) -> list[str]:
    """Split text into folded words (no stemming): the unit text-field matching works on."""
    return _WORD.findall(_fold(s))


def _as_str(v: Any) -> str:
    """Solr's string form of a stored value (booleans as ``true``/``false``)."""
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)


def _values(v: Any) -> list[Any]:
    if v is None:
        return []
    if isinstance(v, list):
        return [x for x in v if x is not None]
    return [v]


def _as_number(s: Any) -> float | None:
    if isinstance(s, bool):
        return None
    try:
        return float(s)
    except (TypeError, ValueError):
        return None


def _norm_date(s: str) -> str:
    """Normalise an ISO timestamp so plain string comparison orders it correctly."""
    s = s.strip()
    if s.endswith("Z"):
        s = s[:-1]
    elif s.endswith("+00:00"):
        s = s[:-6]
    return s.replace(" ", "T")


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}(T|$)")
_DATE_MATH = re.compile(r"([+-])(\d+)([A-Za-z]+)|/([A-Za-z]+)")
_UNITS = {
    "YEAR": "year", "YEARS": "year", "MONTH": "month", "MONTHS": "month", "DAY": "day", "DAYS": "day",
    "DATE": "day", "HOUR": "hour", "HOURS": "hour", "MINUTE": "minute", "MINUTES": "minute",
    "SECOND": "second", "SECONDS": "second", "MILLI": "ms", "MILLIS": "ms", "MILLISECOND": "ms",
    "MILLISECONDS": "ms",
}


def _add_months(t: dt.datetime, months: int) -> dt.datetime:
    total = t.year * 12 + (t.month - 1) + months
    year, month = divmod(total, 12)
    day = min(t.day, calendar.monthrange(year, month + 1)[1])
    return t.replace(year=year, month=month + 1, day=day)


def resolve_date_math(expr: str, now: dt.datetime | None = None) -> str:
    """Turn ``NOW-1DAY/DAY`` or ``2024-01-01T00:00:00Z+1MONTH`` into a normalised ISO string.

    Values that are neither ``NOW…`` nor a date followed by math are returned unchanged, so
    ranges over strings and numbers go through the same path.
    """
    if expr.startswith("NOW"):
        base = (now or dt.datetime.now(dt.timezone.utc)).replace(tzinfo=None)
        rest = expr[3:]
    else:
        m = re.match(r"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z)(.*)$", expr)
        if not m or not m.group(2):
            return expr
        base = dt.datetime.fromisoformat(m.group(1)[:-1])
        rest = m.group(2)
    pos = 0
    while pos < len(rest):
        m = _DATE_MATH.match(rest, pos)
        if not m:
            raise QuerySyntaxError(f"Invalid Date Math String: '{expr}'")
        pos = m.end()
        if m.group(4):
            unit = _UNITS.get(m.group(4).upper())
            if unit is None:
                raise QuerySyntaxError(f"Invalid Date Math String: '{expr}'")
            fields = ["year", "month", "day", "hour", "minute", "second", "ms"]
            keep = fields.index(unit)
            repl: dict[str, int] = {}
            if keep < 1:
                repl["month"] = 1
            if keep < 2:
                repl["day"] = 1
            if keep < 3:
                repl["hour"] = 0
            if keep < 4:
                repl["minute"] = 0
            if keep < 5:
                repl["second"] = 0
            if keep < 6:
                repl["microsecond"] = 0
            base = base.replace(**repl)
            continue
        sign = 1 if m.group(1) == "+" else -1
        n = sign * int(m.group(2))
        unit = _UNITS.get(m.group(3).upper())
        if unit is None:
            raise QuerySyntaxError(f"Invalid Date Math String: '{expr}'")
        if unit == "year":
            base = _add_months(base, 12 * n)
        elif unit == "month":
            base = _add_months(base, n)
        else:
            key = {"day": "days", "hour": "hours", "minute": "minutes", "second": "seconds", "ms": "milliseconds"}
            base = base + dt.timedelta(**{key[unit]: n})
    return base.strftime("%Y-%m-%dT%H:%M:%S") + (f".{base.microsecond // 1000:03d}" if base.microsecond else "")


# --------------------------------------------------------------------------- query tree

MUST, SHOULD, MUST_NOT = "MUST", "SHOULD", "MUST_NOT"


@dataclass
class _MatchAll:
    pass


@dataclass
class _Term:
    field: str | None  # None: the default fields (bare words)
    value: str
    phrase: bool = False
    wildcard: bool = False


@dataclass
class _Range:
    field: str | None
    low: str
    high: str
    include_low: bool
    include_high: bool


@dataclass
class _Bool:
    clauses: list[tuple[str, Any]] = field(default_factory=list)
    min_should: int = 0


_Node = _MatchAll | _Term | _Range | _Bool

_LOCAL_PARAMS = re.compile(r"\s*\{![^}]*\}")  # used with .match: only where it starts
_FIELD_PREFIX = re.compile(r"(\*|[A-Za-z_][\w.\-]*(?:\*[\w.\-]*)?):(?!\s)")
_SPECIAL_END = set(" \t\r\n()")


def strip_local_params(s: str) -> str:
    """Drop a leading ``{!tag=… ex=…}`` block: the stand-in has no tagged filters to exclude."""
    m = _LOCAL_PARAMS.match(s)
    return s[m.end() :] if m else s


class _Parser:
    """Recursive-descent parser for the Lucene/Solr standard query syntax subset CKAN uses."""

    def __init__(self, text: str, default_and: bool) -> None:
        self.s = strip_local_params(text)
        self.i = 0
        self.default_and = default_and

    def parse(self) -> _Bool:
        node = self._group(None, closing=False)
        self._ws()
        if self.i < len(self.s):
            raise QuerySyntaxError(f"org.apache.solr.search.SyntaxError: Cannot parse '{self.s}'")
        return node

    # -- helpers
    def _ws(self) -> None:
        while self.i < len(self.s) and self.s[self.i].isspace():
            self.i += 1

    def _keyword(self, *words: str) -> str | None:
        for w in words:
            end = self.i + len(w)
            if self.s.startswith(w, self.i) and (end >= len(self.s) or self.s[end] in _SPECIAL_END):
                self.i = end
                return w
        return None

    def _add(self, clauses: list[tuple[str, Any]], conj: str | None, mod: str | None, node: Any) -> None:
        # Lucene's QueryParserBase.addClause, so "a OR b", "+a b" and "a AND -b" mean what they do in Solr.
        if clauses and conj == "AND" and clauses[-1][0] != MUST_NOT:
            clauses[-1] = (MUST, clauses[-1][1])
        if clauses and self.default_and and conj == "OR" and clauses[-1][0] != MUST_NOT:
            clauses[-1] = (SHOULD, clauses[-1][1])
        if mod == "NOT":
            occur = MUST_NOT
        elif mod == "REQ":
            occur = MUST
        elif self.default_and:
            occur = SHOULD if conj == "OR" else MUST
        else:
            occur = MUST if conj == "AND" else SHOULD
        clauses.append((occur, node))

    # -- grammar
    def _group(self, fld: str | None, closing: bool) -> _Bool:
        clauses: list[tuple[str, Any]] = []
        conj: str | None = None
        while True:
            self._ws()
            if self.i >= len(self.s):
                if closing:
                    raise QuerySyntaxError(f"org.apache.solr.search.SyntaxError: missing ')' in '{self.s}'")
                break
            ch = self.s[self.i]
            if ch == ")":
                if not closing:
                    raise QuerySyntaxError(f"org.apache.solr.search.SyntaxError: unexpected ')' in '{self.s}'")
                self.i += 1
                break
            word = self._keyword("AND", "&&", "OR", "||")
            if word:
                conj = "AND" if word in ("AND", "&&") else "OR"
                continue
            mod: str | None = None
            if self._keyword("NOT"):
                mod = "NOT"
            elif ch in "+-!" and self.i + 1 < len(self.s) and not self.s[self.i + 1].isspace():
                mod = "REQ" if ch == "+" else "NOT"
                self.i += 1
            self._add(clauses, conj, mod, self._clause(fld))
            conj = None
        return _Bool(clauses)

    def _clause(self, fld: str | None) -> Any:
        self._ws()
        local = _LOCAL_PARAMS.match(self.s, self.i)
        if local:  # an inline {!tag=…} before a clause: nothing to tag here, so skip it
            self.i = local.end()
            self._ws()
        if self.i < len(self.s) and self.s[self.i] == "(":
            self.i += 1
            return self._boost(self._group(fld, closing=True))
        m = _FIELD_PREFIX.match(self.s, self.i)
        if m:
            self.i = m.end()
            fld = m.group(1)
            if self.i < len(self.s) and self.s[self.i] == "(":
                self.i += 1
                return self._boost(self._group(fld, closing=True))
        return self._value(fld)

    def _boost(self, node: Any) -> Any:
        m = re.compile(r"[\^~][\d.]*").match(self.s, self.i)
        if m:
            self.i = m.end()
        return node

    def _value(self, fld: str | None) -> Any:
        if self.i >= len(self.s):
            raise QuerySyntaxError(f"org.apache.solr.search.SyntaxError: Cannot parse '{self.s}'")
        ch = self.s[self.i]
        if ch == '"':
            self.i += 1
            out: list[str] = []
            while self.i < len(self.s) and self.s[self.i] != '"':
                if self.s[self.i] == "\\" and self.i + 1 < len(self.s):
                    self.i += 1
                out.append(self.s[self.i])
                self.i += 1
            if self.i >= len(self.s):
                raise QuerySyntaxError(f"org.apache.solr.search.SyntaxError: unterminated phrase in '{self.s}'")
            self.i += 1
            return self._boost(_Term(fld, "".join(out), phrase=True))
        if ch in "[{":
            end = min((j for j in (self.s.find("]", self.i), self.s.find("}", self.i)) if j != -1), default=-1)
            if end == -1:
                raise QuerySyntaxError(f"org.apache.solr.search.SyntaxError: unterminated range in '{self.s}'")
            body = self.s[self.i + 1 : end]
            parts = re.split(r"\s+TO\s+", body.strip())
            if len(parts) != 2:
                raise QuerySyntaxError(f"org.apache.solr.search.SyntaxError: bad range '{body}'")
            low, high = (p.strip().strip('"') for p in parts)
            include_low, include_high = ch == "[", self.s[end] == "]"
            self.i = end + 1
            return _Range(fld, low.replace("\\", ""), high.replace("\\", ""), include_low, include_high)
        out = []
        wildcard = False
        while self.i < len(self.s) and self.s[self.i] not in _SPECIAL_END:
            c = self.s[self.i]
            if c == "\\" and self.i + 1 < len(self.s):
                self.i += 1
                out.append(self.s[self.i])
            elif c in "^~" and out:
                self._boost(None)
                break
            else:
                wildcard = wildcard or c in "*?"
                out.append(c)
            self.i += 1
        value = "".join(out)
        if not value:
            raise QuerySyntaxError(f"org.apache.solr.search.SyntaxError: Cannot parse '{self.s}'")
        if value == "*" and fld in (None, "*"):
            return _MatchAll()
        return _Term(fld, value, wildcard=wildcard)


def parse_query(text: str, default_and: bool = False) -> _Bool:
    """Parse Solr standard-parser syntax into a tree (``default_and`` is ``q.op=AND``)."""
    return _Parser(text, default_and).parse()


_MM_PART = re.compile(r"(\d+)<(-?\d+%?)")


def min_should_match(spec: str, n: int) -> int:
    """How many of ``n`` optional clauses dismax's ``mm`` (e.g. ``2<-1 5<80%``) requires."""
    spec = spec.strip()

    def one(expr: str) -> int:
        pct = expr.endswith("%")
        num = int(expr.rstrip("%"))
        if pct:
            amount = (n * abs(num)) // 100
            return amount if num >= 0 else n - amount
        return num if num >= 0 else n + num

    if not spec:
        return n
    if "<" not in spec:
        result = one(spec)
    else:
        result = n
        for threshold, expr in _MM_PART.findall(spec):
            if n > int(threshold):
                result = one(expr)
    return max(0, min(n, result))


# --------------------------------------------------------------------------- matching


class _Matcher:
    """Evaluates a parsed query against one document, using the schema's field semantics."""

    def __init__(self, schema: Schema, default_fields: Sequence[str], now: dt.datetime) -> None:
        self.schema = schema
        self.default_fields = list(default_fields)
        self.now = now

    def values(self, doc: Doc, name: str) -> list[Any]:
        """The values of ``name`` in ``doc`` plus those copyField rules send into it."""
        if "*" in name:
            out: list[Any] = []
            for key in doc:
                if fnmatch.fnmatchcase(key, name):
                    out.extend(_values(doc[key]))
            return out
        out = list(_values(doc.get(name)))
        for source in self.schema.copy_sources.get(name, ()):
            for key in doc:
                if key != name and fnmatch.fnmatchcase(key, source):
                    out.extend(_values(doc[key]))
        return out

    def match(self, node: Any, doc: Doc) -> bool:
        if isinstance(node, _MatchAll):
            return True
        if isinstance(node, _Bool):
            return self._match_bool(node, doc)
        if isinstance(node, _Range):
            return any(self._match_range(node, f, doc) for f in self._fields(node.field))
        return any(self._match_term(node, f, doc, bare=node.field is None) for f in self._fields(node.field))

    def _fields(self, name: str | None) -> list[str]:
        return self.default_fields if name is None else [name]

    def _match_bool(self, node: _Bool, doc: Doc) -> bool:
        musts = [n for o, n in node.clauses if o == MUST]
        shoulds = [n for o, n in node.clauses if o == SHOULD]
        nots = [n for o, n in node.clauses if o == MUST_NOT]
        if any(self.match(n, doc) for n in nots):
            return False
        if not all(self.match(n, doc) for n in musts):
            return False
        if shoulds:
            need = node.min_should if node.min_should else (0 if musts else 1)
            if need:
                return sum(1 for n in shoulds if self.match(n, doc)) >= need
        return True  # pure-negative or empty groups match everything not excluded

    def _match_term(self, node: _Term, name: str, doc: Doc, bare: bool) -> bool:
        values = self.values(doc, name)
        if not values:
            return False
        if node.wildcard and node.value == "*":
            return True
        kind = TEXT if bare else self.schema.field(name).kind
        if kind == TEXT:
            if node.wildcard:
                pattern = _fold(node.value)
                return any(fnmatch.fnmatchcase(tok, pattern) for v in values for tok in _tokens(_as_str(v)))
            wanted = _tokens(node.value)
            if not wanted:
                return False
            if node.phrase:
                for v in values:
                    toks = _tokens(_as_str(v))
                    k = len(wanted)
                    if any(toks[j : j + k] == wanted for j in range(len(toks) - k + 1)):
                        return True
                return False
            have = {tok for v in values for tok in _tokens(_as_str(v))}
            return all(w in have for w in wanted)
        if node.wildcard:
            return any(fnmatch.fnmatchcase(_as_str(v), node.value) for v in values)
        if kind in (INT, FLOAT):
            target = _as_number(node.value)
            return target is not None and any(_as_number(v) == target for v in values)
        if kind == DATE:
            target = _norm_date(resolve_date_math(node.value, self.now))
            return any(_norm_date(_as_str(v)) == target for v in values)
        if kind == BOOL:
            return any(_as_str(v).lower() == node.value.lower() for v in values)
        return any(_as_str(v) == node.value for v in values)

    def _match_range(self, node: _Range, name: str, doc: Doc) -> bool:
        kind = self.schema.field(name).kind
        raw = [b for b in (node.low, node.high) if b != "*"]
        numeric = kind in (INT, FLOAT) or (kind != DATE and all(_as_number(b) is not None for b in raw))
        datey = kind == DATE or any(b.startswith("NOW") or _ISO_DATE.match(b) for b in raw)
        low: Any
        high: Any
        if numeric:
            low, high = (None if b == "*" else _as_number(b) for b in (node.low, node.high))
        elif datey:
            low, high = (None if b == "*" else _norm_date(resolve_date_math(b, self.now)) for b in (node.low, node.high))
        else:
            low, high = (None if b == "*" else b for b in (node.low, node.high))
        for v in self.values(doc, name):
            cur: Any = _as_number(v) if numeric else _norm_date(_as_str(v)) if datey else _as_str(v)
            if cur is None:
                continue
            if low is not None and (cur < low or (cur == low and not node.include_low)):
                continue
            if high is not None and (cur > high or (cur == high and not node.include_high)):
                continue
            return True
        return False


# --------------------------------------------------------------------------- the index


class _Pairs(list):  # type: ignore[type-arg]
    """A JSON object kept as its (key, value) pairs, so repeated command keys survive."""


_JSON_COMMANDS = ("add", "delete", "commit", "optimize", "rollback")


def _plain(obj: Any) -> Any:
    """Turn ``_Pairs`` back into dicts (last key wins, as in a plain JSON object)."""
    if isinstance(obj, _Pairs):
        return {k: _plain(v) for k, v in obj}
    if isinstance(obj, list):
        return [_plain(x) for x in obj]
    return obj


def _first(params: Params, key: str, default: str | None = None) -> str | None:
    vals = params.get(key)
    return vals[0] if vals else default


def _int_param(params: Params, key: str, default: int) -> int:
    raw = _first(params, key)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise QuerySyntaxError(f"Invalid integer for '{key}': '{raw}'") from exc


def _is_true(raw: str | None) -> bool:
    return (raw or "").lower() in ("true", "on", "yes", "1")


class SolrStandin:
    """The in-memory index and the Solr request semantics, independent of HTTP.

    Split from the server so the behaviour can be reasoned about (and reused) without sockets.
    """

    def __init__(self, schema: Schema | None = None, store: str | os.PathLike[str] | None = None) -> None:
        self.schema = schema or Schema.default()
        self.store = Path(store) if store else None
        self.docs: dict[str, Doc] = {}
        self.lock = threading.RLock()
        if self.store and self.store.is_file():
            data = json.loads(self.store.read_text(encoding="utf-8") or "{}")
            for doc in data.get("docs", []):
                self.docs[self._key(doc)] = doc

    # -- storage
    def _key(self, doc: Doc) -> str:
        for name in ("id", self.schema.unique_key, "index_id"):
            if doc.get(name) not in (None, ""):
                return _as_str(doc[name])
        raise QuerySyntaxError("Document is missing mandatory uniqueKey field: id")

    def _save(self) -> None:
        """Write all documents to the store atomically, so a crash never leaves half a file."""
        if not self.store:
            return
        self.store.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".solr-standin-", dir=self.store.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump({"docs": list(self.docs.values())}, fh, ensure_ascii=False, default=str)
            os.replace(tmp, self.store)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise

    # -- updates
    def add(self, doc: Doc) -> None:
        """Add or replace one document (atomic-update values are applied to the stored one)."""
        with self.lock:
            key = self._key(doc)
            old = self.docs.pop(key, None)
            if any(isinstance(v, dict) for v in doc.values()):
                doc = self._atomic(old or {}, doc)
            self.docs[key] = doc  # popped first: a replaced doc moves to the end, as in Lucene

    @staticmethod
    def _atomic(old: Doc, update: Doc) -> Doc:
        new = dict(old)
        for name, value in update.items():
            if not isinstance(value, dict):
                new[name] = value
                continue
            for op, arg in value.items():
                if op == "set":
                    if arg is None:
                        new.pop(name, None)
                    else:
                        new[name] = arg
                elif op == "add":
                    new[name] = _values(new.get(name)) + _values(arg)
                elif op == "remove":
                    drop = [_as_str(a) for a in _values(arg)]
                    new[name] = [v for v in _values(new.get(name)) if _as_str(v) not in drop]
                elif op == "inc":
                    new[name] = (_as_number(new.get(name)) or 0) + (_as_number(arg) or 0)
                    if float(new[name]).is_integer():
                        new[name] = int(new[name])
                else:
                    raise QuerySyntaxError(f"Unknown atomic update operation: {op}")
        return new

    def delete_ids(self, ids: Iterable[str]) -> int:
        """Delete by unique key (``id``, or CKAN's ``index_id``); returns how many went."""
        wanted = {_as_str(i) for i in ids}
        with self.lock:
            gone = [k for k, d in self.docs.items() if k in wanted or _as_str(d.get("index_id")) in wanted]
            for k in gone:
                del self.docs[k]
            return len(gone)

    def delete_query(self, query: str, default_and: bool = False) -> int:
        """Delete every document the query matches (CKAN's ``delete_package``/``clear_index``)."""
        tree = parse_query(query, default_and)
        matcher = self._matcher(Params())
        with self.lock:
            gone = [k for k, d in self.docs.items() if matcher.match(tree, d)]
            for k in gone:
                del self.docs[k]
            return len(gone)

    def update_json(self, body: str, params: Params) -> None:
        """Apply a JSON update body: a list of docs, one doc, or Solr's command object.

        Command objects may repeat keys (``{"add": …, "add": …}``), so objects are read as pairs.
        """
        default_and = (_first(params, "q.op", "OR") or "OR").upper() == "AND"
        try:
            data = json.loads(body, object_pairs_hook=_Pairs)
        except json.JSONDecodeError as exc:
            raise QuerySyntaxError(f"Cannot parse provided JSON: {exc}") from exc
        with self.lock:
            if isinstance(data, _Pairs) and data and all(k in _JSON_COMMANDS for k, _ in data):
                for cmd, arg in data:
                    arg = _plain(arg)
                    if cmd == "add":
                        for item in arg if isinstance(arg, list) else [arg]:
                            self.add(item["doc"] if isinstance(item.get("doc"), dict) else item)
                    elif cmd == "delete":
                        for item in arg if isinstance(arg, list) else [arg]:
                            if isinstance(item, dict) and "query" in item:
                                self.delete_query(item["query"], default_and)
                            elif isinstance(item, dict):
                                self.delete_ids(_values(item.get("id")))
                            else:
                                self.delete_ids([item])
            elif isinstance(data, _Pairs):
                self.add(_plain(data))
            elif isinstance(data, list):
                for doc in data:
                    self.add(_plain(doc))
            else:
                raise QuerySyntaxError("JSON update must be a document, a list of documents or commands")
            self._save()

    def update_xml(self, body: str, params: Params) -> None:
        """Apply an XML update body as pysolr sends it (``<add>``, ``<delete>``, ``<commit/>``)."""
        default_and = (_first(params, "q.op", "OR") or "OR").upper() == "AND"
        try:
            root = ET.fromstring(body)
        except ET.ParseError as exc:
            raise QuerySyntaxError(f"Unexpected XML in update: {exc}") from exc
        elements = [root] if root.tag in ("add", "delete", "commit", "optimize", "rollback") else list(root)
        with self.lock:
            for el in elements:
                if el.tag == "add":
                    for doc_el in el.findall("doc"):
                        self.add(self._xml_doc(doc_el))
                elif el.tag == "delete":
                    ids = [(c.text or "").strip() for c in el.findall("id")]
                    if ids:
                        self.delete_ids(ids)
                    for q in el.findall("query"):
                        self.delete_query((q.text or "").strip(), default_and)
            self._save()

    def _xml_doc(self, doc_el: ET.Element) -> Doc:
        doc: Doc = {}
        updates: dict[str, dict[str, list[Any]]] = {}
        for f in doc_el.findall("field"):
            name = f.get("name", "")
            if f.get("null") == "true":
                if f.get("update"):
                    updates.setdefault(name, {}).setdefault(f.get("update", "set"), [])
                continue
            fd = self.schema.field(name)
            value = self._coerce(f.text or "", fd.kind)
            op = f.get("update")
            if op:
                updates.setdefault(name, {}).setdefault(op, []).append(value)
            elif name in doc:
                doc[name] = _values(doc[name]) + [value]
            else:
                doc[name] = [value] if fd.multi else value
        for name, ops in updates.items():
            doc[name] = {
                op: (None if not vals else vals if self.schema.field(name).multi or len(vals) > 1 else vals[0])
                for op, vals in ops.items()
            }
        return doc

    @staticmethod
    def _coerce(text: str, kind: str) -> Any:
        """XML carries strings; give back what Solr's JSON would (numbers, booleans)."""
        if kind == INT:
            try:
                return int(text)
            except ValueError:
                return text
        if kind == FLOAT:
            try:
                return float(text)
            except ValueError:
                return text
        if kind == BOOL:
            return text.strip().lower() == "true"
        return text

    # -- search
    def _matcher(self, params: Params) -> _Matcher:
        def_type = (_first(params, "defType", "lucene") or "lucene").lower()
        qf = _first(params, "qf")
        if def_type in ("dismax", "edismax") and qf:
            fields = [f.split("^")[0] for f in qf.split() if f]
        else:
            fields = [_first(params, "df", "text") or "text", "name", "title"]
        return _Matcher(self.schema, list(dict.fromkeys(fields)), dt.datetime.now(dt.timezone.utc))

    def _main_query(self, params: Params) -> Any:
        q = (_first(params, "q") or "").strip()
        if not q or q in ('""', "''"):
            q = _first(params, "q.alt") or "*:*"
        def_type = (_first(params, "defType", "lucene") or "lucene").lower()
        q_op_and = (_first(params, "q.op", "OR") or "OR").upper() == "AND"
        if def_type in ("dismax", "edismax"):
            # Words are optional clauses; mm (or q.op) says how many must match, as in dismax.
            tree = parse_query(q, default_and=False)
            shoulds = sum(1 for occur, _ in tree.clauses if occur == SHOULD)
            mm = _first(params, "mm")
            if mm is not None:
                tree.min_should = min_should_match(mm, shoulds)
            elif q_op_and:
                tree.min_should = shoulds
            return tree
        return parse_query(q, default_and=q_op_and)

    def select(self, params: Params) -> dict[str, Any]:
        """Answer a ``/select`` request with Solr's JSON response shape."""
        q_op_and = (_first(params, "q.op", "OR") or "OR").upper() == "AND"
        trees = [self._main_query(params)]
        trees += [parse_query(fq, q_op_and) for fq in params.get("fq", []) if fq.strip()]
        start = max(0, _int_param(params, "start", 0))
        rows = max(0, _int_param(params, "rows", 10))
        sort_keys = self._parse_sort(_first(params, "sort") or "")
        matcher = self._matcher(params)
        with self.lock:
            matched = [d for d in self.docs.values() if all(matcher.match(t, d) for t in trees)]
            everything = list(self.docs.values())
        for name, desc in reversed(sort_keys):
            matched = self._sorted(matched, name, desc)
        page = [self._project(d, params) for d in matched[start : start + rows]]
        body: dict[str, Any] = {
            "responseHeader": {"status": 0, "QTime": 0, "params": self._echo(params)},
            "response": {"numFound": len(matched), "start": start, "numFoundExact": True, "docs": page},
        }
        if _is_true(_first(params, "facet")):
            body["facet_counts"] = self._facets(params, matched, everything, matcher, q_op_and)
        return body

    @staticmethod
    def _echo(params: Params) -> dict[str, Any]:
        return {k: v[0] if len(v) == 1 else list(v) for k, v in params.items()}

    @staticmethod
    def _parse_sort(spec: str) -> list[tuple[str, bool]]:
        keys: list[tuple[str, bool]] = []
        for part in (p.strip() for p in spec.split(",")):
            if not part:
                continue
            bits = part.split()
            if len(bits) != 2 or bits[1].lower() not in ("asc", "desc"):
                raise QuerySyntaxError(f"Can't determine a Sort Order (asc or desc) in sort spec '{part}'")
            keys.append((bits[0], bits[1].lower() == "desc"))
        return keys

    def _sorted(self, docs: list[Doc], name: str, desc: bool) -> list[Doc]:
        if name in ("score", "_docid_"):
            return list(reversed(docs)) if name == "_docid_" and desc else docs
        present, missing = [], []
        for d in docs:
            vals = _values(d.get(name))
            (present if vals else missing).append(d)
        kind = self.schema.field(name).kind

        def key(d: Doc) -> tuple[int, Any]:
            v = _values(d.get(name))[0]
            num = _as_number(v)
            if kind in (INT, FLOAT) and num is not None:
                return (0, num)
            if kind == DATE:
                return (1, _norm_date(_as_str(v)))
            return (1, _as_str(v))

        return sorted(present, key=key, reverse=desc) + missing  # sortMissingLast either way

    def _project(self, doc: Doc, params: Params) -> Doc:
        """Apply ``fl``.  Text fields with ``stored="false"`` are never returned (they have no
        docValues in Solr either); other non-stored fields come back, as docValues do in Solr 9."""
        raw = " ".join(params.get("fl", [])).strip()
        wanted = [f for f in re.split(r"[,\s]+", raw) if f] or ["*"]
        out: Doc = {}
        for name, value in doc.items():
            fd = self.schema.field(name)
            if not fd.stored and fd.kind == TEXT:
                continue
            if any(w == "*" or (w != "score" and fnmatch.fnmatchcase(name, w)) for w in wanted):
                out[name] = value
        if "score" in wanted:
            out["score"] = 1.0
        return out

    def _facets(
        self, params: Params, matched: list[Doc], everything: list[Doc], matcher: _Matcher, q_op_and: bool
    ) -> dict[str, Any]:
        fields: dict[str, list[Any]] = {}
        for raw in params.get("facet.field", []):
            name = strip_local_params(raw).strip()
            if not name:
                continue

            def per_field(key: str, default: str, name: str = name) -> str:
                return _first(params, f"f.{name}.{key}") or _first(params, key) or default

            limit = int(per_field("facet.limit", "100"))
            mincount = int(per_field("facet.mincount", "0"))
            offset = int(per_field("facet.offset", "0"))
            order = per_field("facet.sort", "count" if limit > 0 else "index")
            counts: dict[str, int] = {}
            if mincount <= 0:
                for d in everything:
                    for v in _values(d.get(name)):
                        counts.setdefault(_as_str(v), 0)
            for d in matched:
                for v in {_as_str(v) for v in _values(d.get(name))}:
                    counts[v] = counts.get(v, 0) + 1
            items = [(v, c) for v, c in counts.items() if c >= mincount]
            if order == "index":
                items.sort(key=lambda vc: vc[0])
            else:
                items.sort(key=lambda vc: (-vc[1], vc[0]))
            items = items[offset:]
            if limit >= 0:
                items = items[:limit]
            fields[name] = [x for vc in items for x in vc]
        queries: dict[str, int] = {}
        for raw in params.get("facet.query", []):
            tree = parse_query(raw, q_op_and)
            queries[raw] = sum(1 for d in matched if matcher.match(tree, d))
        return {
            "facet_queries": queries,
            "facet_fields": fields,
            "facet_ranges": {},
            "facet_intervals": {},
            "facet_heatmaps": {},
        }


# --------------------------------------------------------------------------- HTTP


def _error_body(status: int, msg: str) -> dict[str, Any]:
    return {
        "responseHeader": {"status": status, "QTime": 0},
        "error": {
            "metadata": ["error-class", "org.apache.solr.common.SolrException"],
            "msg": msg,
            "code": status,
        },
    }


class _Handler(BaseHTTPRequestHandler):
    """Routes Solr's endpoints by the tail of the path, so any core prefix works."""

    server: _StandinServer
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out in two writes; no 40 ms stall
    server_version = "solr-standin/1"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        if self.server.verbose:
            super().log_message(format, *args)

    def do_GET(self) -> None:
        self._dispatch(b"")

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self._dispatch(self.rfile.read(length) if length else b"")

    def _send(self, status: int, payload: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)

    def _json(self, status: int, obj: Any) -> None:
        self._send(status, json.dumps(obj, ensure_ascii=False, default=str).encode("utf-8"), "application/json; charset=utf-8")

    def _dispatch(self, body: bytes) -> None:
        url = urlsplit(self.path)
        params: Params = {}
        pairs = parse_qsl(url.query, keep_blank_values=True)
        ctype = (self.headers.get("Content-Type") or "").lower()
        text = body.decode("utf-8", errors="replace")
        if body and "application/x-www-form-urlencoded" in ctype:
            pairs += parse_qsl(text, keep_blank_values=True)  # pysolr POSTs long queries as a form
            text = ""
        for k, v in pairs:
            params.setdefault(k, []).append(v)
        parts = [p for p in url.path.split("/") if p]
        standin = self.server.standin
        try:
            if parts[-1:] == ["select"] or parts[-1:] == ["query"]:
                self._json(200, standin.select(params))
            elif "update" in parts and parts[parts.index("update") + 1 :] in ([], ["json"], ["json", "docs"], ["xml"]):
                stripped = text.strip()
                if stripped.startswith("<"):
                    standin.update_xml(stripped, params)
                elif stripped:
                    standin.update_json(stripped, params)
                self._json(200, {"responseHeader": {"status": 0, "QTime": 0}})
            elif parts[-2:] == ["admin", "ping"]:
                self._json(200, {"responseHeader": {"status": 0, "QTime": 0, "params": standin._echo(params)}, "status": "OK"})
            elif parts[-1:] == ["schema"] or (parts[-2:] == ["admin", "file"] and _first(params, "file") == "schema.xml"):
                self._schema(params, is_file=parts[-1] == "file")
            else:
                self._json(404, _error_body(404, f"Not Found: {url.path}"))
        except QuerySyntaxError as exc:
            self._json(400, _error_body(400, str(exc)))
        except Exception as exc:  # a stand-in must answer, never hang up on CKAN
            self._json(500, _error_body(500, f"{type(exc).__name__}: {exc}"))

    def _schema(self, params: Params, is_file: bool) -> None:
        schema = self.server.standin.schema
        if is_file or _first(params, "wt") == "schema.xml":
            if schema.text is None:
                self._json(404, _error_body(404, "No schema file configured (start with --schema PATH)"))
            else:
                self._send(200, schema.text.encode("utf-8"), "application/xml; charset=utf-8")
            return
        self._json(
            200,
            {
                "responseHeader": {"status": 0, "QTime": 0},
                "schema": {"name": schema.name, "version": schema.version, "uniqueKey": schema.unique_key},
            },
        )


class _StandinServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], standin: SolrStandin, verbose: bool = False) -> None:
        self.standin = standin
        self.verbose = verbose
        super().__init__(address, _Handler)


def make_server(
    host: str = "127.0.0.1",
    port: int = 8983,
    schema_path: str | os.PathLike[str] | None = None,
    store_path: str | os.PathLike[str] | None = None,
    verbose: bool = False,
) -> ThreadingHTTPServer:
    """Build (bind, not start) a stand-in server; ``port=0`` picks a free port.

    The schema defaults to the one in the installed CKAN package, so CKAN's start-up schema
    check passes without configuration when CKAN is installed alongside.
    """
    path = schema_path or find_ckan_schema()
    schema = Schema.from_file(path) if path else Schema.default()
    return _StandinServer((host, port), SolrStandin(schema, store_path), verbose)


def serve_in_thread(server: ThreadingHTTPServer) -> threading.Thread:
    """Run ``server`` in a daemon thread (for tests); stop with ``shutdown()`` then ``server_close()``."""
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="solr-standin", daemon=True
    )
    thread.start()
    return thread


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: ``python -m catalog_api.ckan_local.solr_standin --port 8983 --store x.json``."""
    parser = argparse.ArgumentParser(description="In-memory test double for the Solr HTTP API CKAN uses.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8983)
    parser.add_argument("--schema", default=None, help="CKAN's schema.xml (default: the installed ckan package's)")
    parser.add_argument("--store", default=None, help="JSON file that keeps the documents across restarts")
    parser.add_argument("--verbose", action="store_true", help="log every request to stderr")
    args = parser.parse_args(argv)
    server = make_server(args.host, args.port, args.schema, args.store, args.verbose)
    host, port = server.server_address[:2]
    standin: SolrStandin = server.standin  # type: ignore[attr-defined]
    print(
        f"solr stand-in listening on http://{host}:{port}/solr/<core> "
        f"({len(standin.docs)} docs, store={args.store or 'memory'})",
        flush=True,
    )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
