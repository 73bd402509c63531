"""Schemathesis against our OpenAPI document, over HTTP, on the live server over a built data directory.

Every operation gets generated requests, valid and invalid, and every response is checked: no
5xx, the documented status codes, content types, headers and bodies (each body against its
schema). Then Schemathesis's stateful run follows the links between operations (a dataset from
the list, its versions, its records…), so the requests reach real releases, not only 404s.

Two checks are relaxed where OpenAPI cannot say what is valid, and only there:
- a records or export request whose parameters depend on the dataset (filters, ``sort``,
  ``fields``, ``facet`` name its columns; ``bbox`` and ``near`` need a set of points, ``radius_m``
  needs ``near``) or carry an opaque ``cursor`` may be refused with 422 although the document
  allows it;
- the catalogue list's facet filters (``keyword=…``) take any text, so a "wrong type" Schemathesis
  generates for them (a number, ``null``) arrives as text like any other and is rightly accepted.
Every other check, 5xx and schema conformance included, still applies to those requests.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import hypothesis
import pytest
import schemathesis
from schemathesis.specs.openapi.checks import negative_data_rejection, positive_data_acceptance

from catalog_api.app import create_app
from catalog_api.settings import Settings

pytestmark = pytest.mark.slow  # a built data directory

#: Operations whose valid parameters depend on the dataset asked for.
BY_THE_DATASET = {"/api/v1/datasets/{dataset_id}/records", "/api/v1/datasets/{dataset_id}/data.{format}"}
#: Their parameters that OpenAPI can describe exactly.
DESCRIBED = {"limit", "q", "version"}
#: The catalogue list's filters whose values are any text.
FREE_TEXT = {"publisher", "keyword", "format", "license", "standard_sheet", "quality"}
SETTINGS = hypothesis.settings(max_examples=50, deadline=None, derandomize=True, database=None,
                               suppress_health_check=list(hypothesis.HealthCheck))




def openapi_document() -> dict[str, Any]:
    """The app's OpenAPI document, which does not depend on the data: the same the server serves
    (checked below), built here so that pytest can list the operations before any server runs."""
    app = create_app(Settings(home=Path("/nonexistent-tdpf-home")))
    try:
        return app.openapi()
    finally:
        app.state.records_engine.close()


schema = schemathesis.openapi.from_dict(openapi_document())


def test_the_live_server_serves_this_document(built_api: str) -> None:
    assert httpx.get(f"{built_api}/openapi.json", timeout=30).json() == schema.raw_schema


def relaxed_checks(case: Any) -> list[Any]:
    """The checks this case is excused from (see the module's docstring)."""
    query = set(case.query or {})
    if case.operation.path in BY_THE_DATASET and query - DESCRIBED:
        return [positive_data_acceptance]
    if case.operation.path == "/api/v1/datasets" and query & FREE_TEXT:
        return [negative_data_rejection]
    return []


@schema.parametrize()
@SETTINGS
def test_every_operation_answers_as_documented(case: Any, built_api: str) -> None:
    case.call_and_validate(base_url=built_api, excluded_checks=relaxed_checks(case))


def test_linked_operations_answer_as_documented(built_api: str) -> None:
    machine = schemathesis.openapi.from_dict(openapi_document()).as_state_machine()

    class Checked(machine):  # type: ignore[misc, valid-type]
        def get_call_kwargs(self, case: Any) -> dict[str, Any]:
            return {"base_url": built_api}

        def validate_response(self, response: Any, case: Any, **kwargs: Any) -> None:
            case.validate_response(response, excluded_checks=relaxed_checks(case))

    Checked.run(settings=hypothesis.settings(max_examples=50, stateful_step_count=6, deadline=None,
                                             derandomize=True, database=None,
                                             suppress_health_check=list(hypothesis.HealthCheck)))
