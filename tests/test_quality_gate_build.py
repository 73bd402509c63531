"""Acceptance: a corrupted source holds back its dataset only; users see why, over HTTP.

Real components throughout: the `tdpf build` console script (Dagster runs, dbt, Great
Expectations), the release store on disk and the catalogue API under uvicorn.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import duckdb
import httpx
import pytest

from tests.conftest import run_tdpf
from tests.helpers.api_server import run_api_server

pytestmark = pytest.mark.slow

POLES = Path("landing") / "smart_poles" / "register" / "poles.csv"
BUDGET = Path("landing") / "bureau_report" / "jigyo_gaiyo_r5_tables.md"


def _current(home: Path) -> dict[str, tuple[int, str]]:
    index = json.loads((home / "releases" / "index.json").read_text(encoding="utf-8"))
    out = {}
    for dataset, entry in index["datasets"].items():
        version = entry["current_version"]
        out[dataset] = (version, next(v["content_hash"] for v in entry["versions"] if v["version"] == version))
    return out


def _edit_poles(home: Path, edit) -> None:  # type: ignore[no-untyped-def]
    path = home / POLES
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    fields = list(rows[0])
    rows = edit(rows)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


def _swap_first_and_duplicate_second(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    rows[0]["latitude"], rows[0]["longitude"] = rows[0]["longitude"], rows[0]["latitude"]
    return [*rows[:2], dict(rows[1]), *rows[2:]]


def _failures(quality: dict, engine: str) -> dict[str, dict]:  # type: ignore[type-arg]
    return {f["check"]: f for f in quality["failures"] if f["engine"] == engine}


def test_corrupted_sources_are_held_back_and_the_previous_release_stays_served(home_copy: Path) -> None:
    """Three corruptions in three datasets, one full rebuild: each gate holds back its own dataset only,
    and every other dataset, rebuilt from unchanged data, keeps its version and content hash."""
    before = _current(home_copy)
    _edit_poles(home_copy, _swap_first_and_duplicate_second)  # swapped coordinates, a duplicated pole ID
    budget = home_copy / BUDGET
    text = budget.read_text(encoding="utf-8")
    text = text.replace("国庫支出金\t250,000", "国庫支出金\t△250,000")  # a negative revenue (△ is the report's minus)
    # 総務課 gains one staff member in its rank cells and total, so the 課 no longer sum to 総務部 (a dbt test)
    text = text.replace("総務課\t2\t2\t3\t1\t4\t5\t3\t20\t17", "総務課\t2\t2\t3\t1\t4\t5\t4\t21\t17")
    budget.write_text(text, encoding="utf-8")

    result = run_tdpf(home_copy, "build", "--full")  # --full: every dataset is rebuilt and re-checked
    out = result.stdout + result.stderr
    assert result.returncode == 1, out[-3000:]
    assert "quality gate failed" in out and "Traceback" not in out
    assert "held back bureau-staffing-by-rank" in out and "staffing_units_sum_to_parent_units" in out
    # the publish run failed, and the CKAN sync still ran after it (it mirrors what is published)
    plain = re.sub(r"\x1b\[[0-9;]*m", "", out)  # CI=true gives rich's colours
    assert "tdpf_ckan_sync: 1 assets" in plain and "✓ ckan_sync" in plain, plain[-3000:]

    after = _current(home_copy)
    for held_back in ("smart-pole-register", "bureau-revenue", "bureau-staffing-by-rank"):
        assert after[held_back] == before[held_back], held_back
    # every dataset not fed by the two edited files was rebuilt from the same data: same version, same hash
    # (public-facilities lists the smart poles too: 東京都 registers poles.csv as 公共施設一覧)
    untouched = {d for d in before if not d.startswith(("bureau-", "smart-pole-")) and d != "public-facilities"}
    assert len(untouched) >= 8 and {d: after[d] for d in untouched} == {d: before[d] for d in untouched}
    con = duckdb.connect(str(home_copy / "warehouse" / "tdpf.duckdb"), read_only=True)
    assert con.execute("SELECT count(*) FROM raw.bureau_budget_lines").fetchone()[0] == 3 + 6 + 17  # no row twice
    assert con.execute("SELECT count(*) FROM marts.bureau_expenditure").fetchone()[0] == 15
    con.close()

    again = run_tdpf(home_copy, "build")  # the same data again: the gates judged it already
    assert again.returncode == 0 and "Nothing changed" in again.stderr, again.stderr[-2000:]
    note = next(line for line in again.stderr.splitlines() if "held back by their quality gate" in line)
    assert all(d in note for d in ("smart-pole-register", "bureau-revenue", "bureau-staffing-by-rank"))

    with run_api_server(home_copy) as base:
        register = httpx.get(f"{base}/api/v1/datasets/smart-pole-register").json()
        assert (register["version"], register["content_hash"]) == before["smart-pole-register"]
        assert register["quality"]["status"] in ("passed", "warned")  # the served release's own verdict
        attempt = register["quality"]["latest_attempt"]
        assert (attempt["status"], attempt["published"]) == ("failed", False)
        gx = _failures(attempt, "great_expectations")
        assert gx["in_japan_latitude"]["unexpected_count"] == 1 and gx["in_japan_latitude"]["sample"][0] > 100
        assert gx["unique_pole_id"]["severity"] == "error"
        assert any("unique" in name for name in _failures(attempt, "dbt"))
        report = httpx.get(attempt["report"])
        assert report.status_code == 200 and "in_japan_latitude" in report.text and "不合格" in report.text

        revenue = httpx.get(f"{base}/api/v1/datasets/bureau-revenue/quality").json()
        assert revenue["served"]["status"] in ("passed", "warned")
        assert revenue["latest_attempt"]["status"] == "failed"
        negative = _failures(revenue["latest_attempt"], "great_expectations")["non_negative_amount_yen"]
        assert negative["sample"] == [-250000000]

        staffing = httpx.get(f"{base}/api/v1/datasets/bureau-staffing-by-rank/quality").json()["latest_attempt"]
        assert staffing["status"] == "failed" and "staffing_units_sum_to_parent_units" in _failures(staffing, "dbt")

        aed = httpx.get(f"{base}/api/v1/datasets/aed-locations").json()["quality"]["latest_attempt"]
        assert aed["published"] is True and aed["checked_at"] >= attempt["checked_at"]  # re-checked after it, published

        page = httpx.get(f"{base}/datasets/smart-pole-register").text
        assert "最新の更新は品質検査で保留されました" in page and "in_japan_latitude" in page


def test_a_warning_publishes_and_shows_in_the_metadata(home_copy: Path) -> None:
    before = _current(home_copy)

    def move_a_pole_to_shinagawa(rows: list[dict[str, str]]) -> list[dict[str, str]]:
        rows[0]["latitude"] = "35.5600"  # in Japan (no error), but far from 西新宿 (warn)
        return rows

    _edit_poles(home_copy, move_a_pole_to_shinagawa)
    result = run_tdpf(home_copy, "build")
    assert result.returncode == 0, (result.stdout + result.stderr)[-3000:]
    after = _current(home_copy)
    assert after["smart-pole-register"][0] == before["smart-pole-register"][0] + 1
    with run_api_server(home_copy) as base:
        quality = httpx.get(f"{base}/api/v1/datasets/smart-pole-register").json()["quality"]
    assert (quality["status"], quality["checks_failed"], quality["checks_warned"]) == ("warned", 0, 1)
    warning = _failures(quality, "great_expectations")["near_nishi_shinjuku"]
    assert (warning["severity"], warning["sample"]) == ("warn", [35.56])
    assert quality["latest_attempt"]["published"] is True and quality["latest_attempt"]["status"] == "warned"


def test_quality_run_validates_without_publishing(home_copy: Path, tmp_path: Path) -> None:
    index_before = (home_copy / "releases" / "index.json").read_bytes()
    result = run_tdpf(home_copy, "quality", "run")
    assert result.returncode == 0, result.stdout + result.stderr
    summary = result.stdout.split("Failing checks")[0]
    lines = {line.split("│")[1].strip(): line for line in summary.splitlines() if line.count("│") > 5}
    assert "passed" in lines["aed-locations"] and "warned" in lines["smart-pole-environment-hourly"]
    assert "hourly_coverage_80" in result.stdout  # a warning, listed with its values
    assert (home_copy / "releases" / "index.json").read_bytes() == index_before

    with duckdb.connect(str(home_copy / "warehouse" / "tdpf.duckdb")) as con:  # as a bad build would leave it
        con.execute("UPDATE marts.smart_pole_register SET latitude = longitude, longitude = latitude "
                    "WHERE pole_id = (SELECT min(pole_id) FROM marts.smart_pole_register)")
    reports = tmp_path / "reports"
    one = run_tdpf(home_copy, "quality", "run", "smart-pole-register", "--reports", str(reports))
    assert one.returncode == 1 and "in_japan_latitude" in one.stdout and "failed" in one.stdout
    assert "in_japan_longitude" in (reports / "smart-pole-register.html").read_text(encoding="utf-8")
    assert (home_copy / "releases" / "index.json").read_bytes() == index_before

    unknown = run_tdpf(home_copy, "quality", "run", "no-such-dataset")
    assert unknown.returncode == 2 and "published datasets: aed-locations" in unknown.stdout + unknown.stderr


def test_a_release_materialised_without_its_checks_runs_the_gate_itself(home_copy: Path) -> None:
    """Selecting only `release/…` (no model, so no gate checks in the run) never publishes unchecked."""
    index_before = (home_copy / "releases" / "index.json").read_bytes()
    with duckdb.connect(str(home_copy / "warehouse" / "tdpf.duckdb")) as con:
        con.execute("INSERT INTO marts.smart_pole_register SELECT * FROM marts.smart_pole_register LIMIT 1")
    result = run_tdpf(home_copy, "build", "--select", "release/smart_pole_register")
    out = result.stdout + result.stderr
    assert result.returncode == 1 and "quality gate failed (unique_pole_id" in out, out[-3000:]
    assert (home_copy / "releases" / "index.json").read_bytes() == index_before
    pointer = home_copy / "releases" / "smart-pole-register" / "attempts" / "LATEST"
    attempt = json.loads((pointer.parent / pointer.read_text().strip() / "attempt.json").read_text(encoding="utf-8"))
    assert attempt["published"] is False and attempt["quality"]["status"] == "failed"
