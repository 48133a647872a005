"""The API fuzzed from its own description: schemathesis reads /api/v1/openapi.json from the
app (WSGI, no network), generates requests for every operation from the declared parameters
and bodies, sends them with a demo official's bearer token, and checks every answer: never a
5xx, always a status, content type and body the document declares.

Examples are bounded and derandomized, so a run is quick and the same each time; a failure
prints the request that reproduces it. Each operation is its own test, on a fresh seeded app;
the cases of one operation share it, as requests to one server do.
"""

from __future__ import annotations

import pytest
import schemathesis
from fixtures_services import AGENCY, HO_KINH_DOANH
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from isobpmn.web.api.document import build_document

#: Examples per operation and pass: one pass with everything generated, one with the path
#: pinned to a real dossier or task (and a real procedure and agency in a new dossier), so
#: that the bodies reach the services, not only the 404 of an unknown code.
EXAMPLES = 15
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]
#: The official whose token the requests carry: the desk of Hòa An, who can receive dossiers
#: and sees its tasks.
USER = "motcua"
OPERATIONS = [(method.upper(), path) for path, item in build_document()["paths"].items()
              for method in item]


@pytest.fixture
def api_token(web_services):
    """A token for :data:`USER`, and the path parameters of a real dossier and task."""
    codes = [web_services.receive_dossier(HO_KINH_DOANH, AGENCY, name, actor=USER).case_code
             for name in ("Nguyễn Văn An", "Trần Thị Bích")]
    task = web_services.case_view(codes[0]).tasks[0].id
    return web_services.create_api_token(USER, "fuzz").token, {"code": codes[1],
                                                                 "task_id": task}


def _real_dossier(case):
    """A generated new dossier, for a procedure and an agency that exist."""
    if isinstance(case.body, dict):
        case.body = {**case.body, "procedure": HO_KINH_DOANH, "agency": AGENCY}
    return case


def test_every_operation_is_fuzzed():
    assert len(OPERATIONS) >= 12
    assert ("GET", "/openapi.json") in OPERATIONS and ("POST", "/cases") in OPERATIONS


@pytest.mark.parametrize("method, path", OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_every_operation_answers_as_documented(method, path, app, api_token):
    token, real = api_token
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operation = schema[path][method]
    headers = {"Authorization": f"Bearer {token}"}
    pinned = {name: value for name, value in real.items() if f"{{{name}}}" in path}
    real_ones = operation.as_strategy(path_parameters=pinned)
    strategies = [operation.as_strategy(),
                  real_ones.map(_real_dossier) if (method, path) == ("POST", "/cases")
                  else real_ones]
    statuses: dict[int, int] = {}
    for strategy in strategies:

        @given(case=strategy)
        @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                  phases=[Phase.explicit, Phase.generate],
                  suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much,
                                         HealthCheck.data_too_large])
        def fuzz(case):
            response = case.call_and_validate(headers=headers, checks=CHECKS)
            statuses[response.status_code] = statuses.get(response.status_code, 0) + 1

        fuzz()
    print(f"\n{method} {path}: {sum(statuses.values())} cases, statuses "
          f"{dict(sorted(statuses.items()))}")
    assert set(statuses) - {404}, "every request missed"
