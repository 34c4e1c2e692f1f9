"""Strict, bounded input; problems that name the field; the contract in the OpenAPI document; a 500 that keeps
its correlation id; a 405 that names every method the path allows; docs that load with no CDN."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from .builders import DWP, Service, problem

ORGANISATION = {"organisation_id": "partner-new", "name": "New Partner Ltd", "kind": "partner"}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"name": "Evil\u202eLtd"}, "body.name"),  # a bidi override
        ({"name": "Zero\u200bWidth"}, "body.name"),
        ({"name": "Hangul\u3164Filler"}, "body.name"),  # draws nothing, so "ab\u3164cd" shows as "ab cd"
        ({"name": "Braille\u2800Blank"}, "body.name"),
        ({"name": "Nul\x00Byte"}, "body.name"),
        ({"name": "C1\x85control"}, "body.name"),
        ({"name": "Tag\U000e0041s"}, "body.name"),
        ({"name": " padded"}, "body.name"),
        ({"name": "x" * 201}, "body.name"),  # the column holds 200
        ({"name": 5}, "body.name"),
        ({"organisation_id": "\uff30\uff32\uff29\uff2d\uff25-1"}, "body.organisation_id"),  # full-width
        ({"kind": "Prime"}, "body.kind"),
    ],
)
async def test_a_name_or_code_out_of_bounds_is_a_422_naming_it(
    service: Service, change: dict[str, Any], field: str
) -> None:
    async with service.writes_nothing():
        response = await service.client.post("/organisations", json={**ORGANISATION, **change}, headers=DWP)
    problem(response, 422, field=field)


async def test_a_name_at_its_bound_in_wide_characters_is_kept_whole(service: Service) -> None:
    name = "名" * 200
    response = await service.client.post("/organisations", json={**ORGANISATION, "name": name}, headers=DWP)
    assert response.status_code == 201, response.text
    assert (await service.client.get("/organisations/partner-new", headers=DWP)).json()["name"] == name


CONTRACT = {
    "prime_id": "dwp", "contract_package_area": "Tees Valley", "start_date": "2026-01-01",
    "end_date": "2027-01-01", "value_pence": 100, "payment_model": "pathways-30-50-20",
}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"value_pence": "100"}, "body.value_pence"),
        ({"value_pence": 100.0}, "body.value_pence"),
        ({"value_pence": True}, "body.value_pence"),
        ({"value_pence": 2**63}, "body.value_pence"),
        ({"start_date": 1767225600}, "body.start_date"),  # a timestamp is not a date
        ({"start_date": "20260101"}, "body.start_date"),
        ({"start_date": "2026-01-01T00:00:00"}, "body.start_date"),
        ({"contract_package_area": "x" * 101}, "body.contract_package_area"),  # the column holds 100
        ({"payment_model": "x" * 101}, "body.payment_model"),
        ({"profile": [{"month": "٢٠٢٦-01", "job_outcomes": 1, "sustained_job_outcomes": 1,
                       "work_focused_interviews": 1}]}, "body.profile.0.month"),
        ({"profile": [{"month": "2026-01", "job_outcomes": 2**63, "sustained_job_outcomes": 1,
                       "work_focused_interviews": 1}]}, "body.profile.0.job_outcomes"),
    ],
)
async def test_no_coercion_and_every_number_within_its_column(
    service: Service, change: dict[str, Any], field: str
) -> None:
    async with service.writes_nothing():
        response = await service.client.post("/contracts", json={**CONTRACT, **change}, headers=DWP)
    problem(response, 422, field=field)


@pytest.mark.parametrize(
    "body",
    [b'{"name": NaN}', b'{"kind": "prime", "kind": "partner"}', b'{"name": "\\ud800"}', b'{"name": Infinity}'],
)
async def test_json_that_is_not_strict_json_is_a_422(service: Service, body: bytes) -> None:
    response = await service.client.post(
        "/organisations", content=body, headers={**DWP, "Content-Type": "application/json"}
    )
    problem(response, 422, field="body.0")


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"revision": "1.0"}, "query.revision"),
        ({"revision": "\u0661"}, "query.revision"),
        ({"revision": str(2**31)}, "query.revision"),
        ({"revison": "1"}, "query.revison"),  # misspelt: refused, not ignored
        ({"revision": "1\x00"}, "query.revision"),
    ],
)
async def test_query_parameters_are_strict(service: Service, query: dict[str, str], field: str) -> None:
    response = await service.client.get("/contracts/c-1/profile", params=query, headers=DWP)
    problem(response, 422, field=field)


async def test_a_query_parameter_given_twice_is_refused_not_last_one_wins(service: Service) -> None:
    response = await service.client.get("/subcontracts?status=live&status=ended", headers=DWP)
    problem(response, 422, field="query.status")


async def test_a_nul_in_a_path_is_a_422_not_a_database_error(service: Service) -> None:
    problem(await service.client.get("/organisations/a%00b", headers=DWP), 422, field="path.organisation_id")


async def test_a_405_names_every_method_the_path_allows(service: Service) -> None:
    response = await service.client.delete("/organisations", headers=DWP)
    problem(response, 405)
    assert response.headers["allow"] == "GET, POST"


async def test_a_500_keeps_its_correlation_id_in_the_header_and_the_log(
    service: Service, caplog: pytest.LogCaptureFixture
) -> None:
    async def boom() -> None:
        raise RuntimeError("unexpected")

    service.app.add_api_route("/boom", boom)
    with caplog.at_level(logging.ERROR, logger="scx.problems"):
        response = await service.client.get("/boom", headers={"X-Correlation-ID": "trace-500"})
    assert problem(response, 500)["type"].endswith("/internal-error")
    assert response.headers["x-correlation-id"] == "trace-500"
    [record] = [r for r in caplog.records if r.name == "scx.problems"]
    assert getattr(record, "correlation_id", None) == "trace-500" or "trace-500" in str(record.__dict__)


async def test_every_problem_is_documented_with_its_schema(service: Service) -> None:
    document = (await service.client.get("/openapi.json")).json()
    assert set(document["components"]["schemas"]["ProblemDocument"]["properties"]) >= {
        "type", "title", "status", "detail", "instance", "errors"
    }
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            assert "500" in responses, (method, path)
            if operation.get("security"):
                assert {"401", "403"} <= set(responses), (method, path)
            for status, response in responses.items():
                if status.startswith(("4", "5")):
                    assert response["content"] == {
                        "application/problem+json": {"schema": {"$ref": "#/components/schemas/ProblemDocument"}}
                    }, (method, path, status)


async def test_the_docs_load_from_the_service_itself(service: Service) -> None:
    for page in ("/docs", "/redoc"):
        html = (await service.client.get(page)).text
        assert "cdn" not in html.lower() and "https://" not in html.replace("https://scx.example", "")
    for asset in ("swagger-ui-bundle.js", "swagger-ui.css", "redoc.standalone.js"):
        response = await service.client.get(f"/docs-assets/{asset}")
        assert response.status_code == 200 and len(response.content) > 10_000
