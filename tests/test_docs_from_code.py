"""docs/api.md "From code": every example runs, as written, against a live server over a built data directory.

Only the documented address (``http://127.0.0.1:8000``) is replaced by the test server's. curl runs
in bash, the Python examples in this environment's interpreter (pandas, DuckDB with ``httpfs``
loaded from its wheel), the JavaScript in Debian's headless Chromium, from a page of another
origin, so CORS is part of what is tested. What each prints is checked against the API's answers.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

from tests.conftest import REPO

pytestmark = pytest.mark.slow  # a built data directory

DOCUMENTED_BASE = "http://127.0.0.1:8000"
DATASET = "public-toilets"
CODE = "全国地方公共団体コード"
PUBLISHER = "092088"
TOWN = "小山市"  # the curl example narrows by text (see the docs: curl encodes values, not names)
EXAMPLE = re.compile(r"<!-- example: (?P<name>[a-z-]+) -->\n```(?P<lang>[a-z]+)\n(?P<code>.*?)\n```", re.S)
#: Chromium's flags for a closed network (no background connections) as root (no sandbox).
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def examples() -> dict[str, tuple[str, str]]:
    """The named examples of docs/api.md: name → (language, code)."""
    text = (REPO / "docs" / "api.md").read_text(encoding="utf-8")
    return {m["name"]: (m["lang"], m["code"]) for m in EXAMPLE.finditer(text)}


def example(name: str, base_url: str) -> str:
    language, code = examples()[name]
    assert DOCUMENTED_BASE in code, f"example {name!r} no longer names {DOCUMENTED_BASE}"
    return code.replace(DOCUMENTED_BASE, base_url)


def run(command: list[str], cwd: Path) -> str:
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


@pytest.fixture(scope="module")
def api(built_api: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=built_api, timeout=30) as client:
        yield client


@pytest.fixture(scope="module")
def publisher_rows(api: httpx.Client) -> int:
    """How many rows the example's publisher has, as the API counts them."""
    page = api.get(f"/api/v1/datasets/{DATASET}/records", params={CODE: PUBLISHER, "limit": 0}).json()
    assert page["total"] > 30  # more than one page of the paging examples
    return int(page["total"])


def test_the_section_has_every_kind_of_client() -> None:
    assert {name: lang for name, (lang, _) in examples().items()} == {
        "curl": "bash", "pandas": "python", "python-paging": "python", "duckdb": "python",
        "javascript": "javascript"}


def test_curl(built_api: str, api: httpx.Client, tmp_path: Path) -> None:
    out = run(["bash", "-euo", "pipefail", "-c", example("curl", built_api)], tmp_path)
    decoder = json.JSONDecoder()
    listing, end = decoder.raw_decode(out)
    page, end = decoder.raw_decode(out, len(out) - len(out[end:].lstrip()))
    assert DATASET in [d["id"] for d in listing["results"]]  # 「トイレ」 finds the toilets
    assert page["fields"] == ["ID", "名称", "緯度", "経度"] and len(page["records"]) == 2 and page["next"]
    assert out[end:].strip() == "304"  # the ETag revalidates
    version = api.get(f"/api/v1/datasets/{DATASET}").json()["version"]
    town_rows = api.get(f"/api/v1/datasets/{DATASET}/records", params={"q": TOWN, "limit": 0}).json()["total"]
    saved = tmp_path / f"{DATASET}-v{version}-filtered.csv"  # the name Content-Disposition gives
    raw = saved.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and raw.count(b"\r\n") == town_rows + 1 and town_rows > 2
    assert all(line.startswith(PUBLISHER.encode()) for line in raw.split(b"\r\n")[1:-1])


def test_pandas(built_api: str, api: httpx.Client, tmp_path: Path) -> None:
    out = run([sys.executable, "-c", example("pandas", built_api)], tmp_path).split()
    rows = api.get(f"/api/v1/datasets/{DATASET}/records", params={"limit": 0}).json()["total"]
    assert out == [str(rows), "float64", f"['{PUBLISHER}']"]


def test_python_paging(built_api: str, api: httpx.Client, publisher_rows: int, tmp_path: Path) -> None:
    out = run([sys.executable, "-c", example("python-paging", built_api)], tmp_path)
    version = api.get(f"/api/v1/datasets/{DATASET}").json()["version"]
    assert out.strip() == f"{publisher_rows} rows of version {version}"


def test_duckdb(built_api: str, api: httpx.Client, tmp_path: Path) -> None:
    out = run([sys.executable, "-c", example("duckdb", built_api)], tmp_path)
    cells = [[cell.strip() for cell in line.strip("│ ").split("│")] for line in out.splitlines() if "│" in line]
    counted = {row[0]: int(row[2]) for row in cells if re.fullmatch(r"\d{6}", row[0])}
    facets = api.get(f"/api/v1/datasets/{DATASET}/records", params={"facet": CODE, "limit": 0}).json()
    assert counted == {f["value"]: f["count"] for f in facets["facets"][CODE]}
    assert PUBLISHER in counted  # a code with its leading zero, read as text


@pytest.fixture()
def other_origin(tmp_path: Path) -> Iterator[str]:
    """A static server on another port than the API's: another origin, as a hackathon app would be."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_QuietHandler, directory=str(tmp_path)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


PAGE = """<!doctype html><meta charset="utf-8"><title>example</title><pre id="out"></pre>
<script type="module">
const out = document.getElementById("out");
console.log = (...args) => { out.textContent += JSON.stringify(args); };
try {
%s
  out.dataset.done = "yes";
} catch (error) {
  out.dataset.error = String(error);
}
</script>
"""


def test_javascript_in_a_browser_on_another_origin(built_api: str, publisher_rows: int, other_origin: str,
                                                   tmp_path: Path) -> None:
    chromium = shutil.which("chromium")
    assert chromium, "Debian's chromium is missing: `make test` installs it"
    (tmp_path / "index.html").write_text(PAGE % example("javascript", built_api), encoding="utf-8")
    assert other_origin.rsplit(":", 1)[1] != built_api.rsplit(":", 1)[1]
    dom = run([chromium, *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'profile'}", "--virtual-time-budget=30000",
               "--dump-dom", f"{other_origin}/index.html"], tmp_path)
    found = re.search(r'<pre id="out"([^>]*)>(.*?)</pre>', dom, re.S)
    assert found, dom[-2000:]
    assert 'data-done="yes"' in found[1], html.unescape(found[1])
    count, name, latitude_type = json.loads(html.unescape(found[2]))
    assert count == publisher_rows and name and latitude_type == "number"
