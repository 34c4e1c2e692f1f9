"""A CSV file of weekly returns: a good file stores every row as a version with its event, in one transaction; a file
with any fault stores nothing and names every fault by line and column; a file too large, or not CSV, is refused."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from scx_subcontracts.schemas.returns_upload import (
    MAX_REPORTED_FAULTS,
    MAX_UPLOAD_BYTES,
    MAX_UPLOAD_ROWS,
    ParsedUpload,
    parse_upload,
)
from scx_subcontracts.service import returns as returns_service

from .builders import PRIME, Service, assert_valid_events, problem, slug
from .returns_builders import (
    COLUMNS,
    SKILLS,
    WHOLE,
    WHOLE_ADVISER,
    Chain,
    chain,
    csv_file,
    figures,
    posted,
    row,
    upload,
    weeks_ago,
)


@pytest.fixture
async def supply(service: Service) -> Chain:
    return await chain(service)


async def test_a_good_file_stores_every_row_as_a_version_with_its_event(service: Service, supply: Chain) -> None:
    corrected = await posted(service.client, supply.whole, weeks_ago(4))
    content = csv_file([
        row(supply.whole, weeks_ago(1)),
        row(supply.whole, weeks_ago(2), starts=0),
        row(supply.whole, weeks_ago(4), exits=2, corrects_version=1, reason='"two exits, not one"'),
    ])

    response = await upload(service.client, content)

    assert response.status_code == 201, response.text
    answer = response.json()
    assert answer["rows"] == 3
    assert [(r["line"], r["iso_week"], r["version"], r["timeliness"]) for r in answer["stored"]] == [
        (2, weeks_ago(1), 1, "no_deadline_set"), (3, weeks_ago(2), 1, "no_deadline_set"),
        (4, weeks_ago(4), 2, "no_deadline_set"),
    ]
    assert answer["stored"][2]["return_id"] == corrected["return_id"]
    events = await service.events("weekly_stats.posted")
    assert_valid_events(events)
    assert [(e["data"]["iso_week"], e["data"]["version"], e["data"]["figures"]) for e in events[1:]] == [
        (weeks_ago(1), 1, figures()), (weeks_ago(2), 1, figures(starts=0)), (weeks_ago(4), 2, figures(exits=2)),
    ]
    read = (await service.client.get(f"/weekly-returns/{corrected['return_id']}", headers=PRIME)).json()
    assert [(v["version"], v["source"], v["reason"]) for v in read["versions"]] == [
        (1, "api", None), (2, "upload", "two exits, not one"),
    ]


async def test_a_file_with_faults_stores_nothing_and_names_every_one_by_line_and_column(
    service: Service, supply: Chain
) -> None:
    await posted(service.client, supply.whole, weeks_ago(5))
    await posted(service.client, supply.whole, weeks_ago(5), corrects_version=1, reason="first correction")
    content = csv_file([
        row(supply.whole, weeks_ago(1)),  # 2: good
        row(supply.whole, weeks_ago(2), starts="nine", exits=100_001),  # 3: two bad figures
        row(supply.whole, "2025-W53"),  # 4: no such week
        row(supply.whole, weeks_ago(0)),  # 5: not ended
        row(supply.skills, weeks_ago(1)),  # 6: another partner's subcontract
        row(supply.whole, weeks_ago(5), corrects_version=1, reason="stale"),  # 7: corrected since
        row(supply.whole, weeks_ago(1), starts=1),  # 8: line 2's week again
        row(supply.whole, weeks_ago(3), corrects_version=1),  # 9: nothing to correct, and no reason
        row(supply.library, weeks_ago(1)),  # 10: another partner's, signposting too
    ], columns=COLUMNS)

    async with service.writes_nothing():
        response = await upload(service.client, content)

    answer = problem(response, 422)
    assert slug(answer) == "invalid-upload"
    assert [(e["field"], e["code"]) for e in answer["errors"]] == [
        ("body.line[3].starts", "not_a_number"),
        ("body.line[3].exits", "less_than_equal"),
        ("body.line[4].iso_week", "no_week"),
        ("body.line[5].iso_week", "week_not_ended"),
        ("body.line[6].subcontract_id", "not_yours"),
        ("body.line[7].corrects_version", "not_latest_version"),
        ("body.line[8].iso_week", "duplicate_row"),
        ("body.line[9].corrects_version", "nothing_to_correct"),
        ("body.line[9].reason", "reason_required"),
        ("body.line[10].subcontract_id", "not_yours"),
    ]
    assert all(e["line"] == int(e["field"][10:].split("]")[0]) for e in answer["errors"])
    assert answer["errors"][6]["message"] == (
        f"line 8, iso_week: subcontract {supply.whole['subcontract_id']} week {weeks_ago(1)} is on line 2 too: "
        "one row per subcontract and week"
    )
    assert answer["detail"] == "10 fault(s) on line(s) 3, 4, 5, 6, 7, 8, 9, 10. Correct them and upload the whole " \
        "file again."


async def test_a_row_with_a_bad_figure_still_has_its_week_checked(service: Service, supply: Chain) -> None:
    content = csv_file([row(supply.whole, weeks_ago(0), starts="-1")])

    async with service.writes_nothing():
        response = await upload(service.client, content)

    assert [(e["line"], e["column"], e["code"]) for e in problem(response, 422)["errors"]] == [
        (2, "iso_week", "week_not_ended"), (2, "starts", "not_a_number"),
    ]


async def test_a_file_of_more_bytes_than_an_upload_takes_is_a_413_however_it_is_sent(
    service: Service, supply: Chain
) -> None:
    content = csv_file([row(supply.whole, weeks_ago(1))])
    at_bound = content + b"\n" * (MAX_UPLOAD_BYTES - len(content))  # blank lines, which are skipped
    too_large = at_bound + b"\n"

    async def chunks() -> AsyncIterator[bytes]:
        for start in range(0, len(too_large), 65_536):
            yield too_large[start:start + 65_536]

    async with service.writes_nothing():
        declared = await upload(service.client, too_large)
        streamed = await service.client.post(
            "/weekly-returns/uploads", content=chunks(), headers={"Content-Type": "text/csv", **WHOLE}
        )

    for response in (declared, streamed):
        assert slug(problem(response, 413, field="body")) == "upload-too-large"
    taken = await upload(service.client, at_bound)
    assert (len(at_bound), taken.status_code, taken.json()["rows"]) == (MAX_UPLOAD_BYTES, 201, 1)


async def test_a_file_of_more_rows_than_an_upload_takes_is_a_413(service: Service, supply: Chain) -> None:
    rows = [row(supply.whole, f"{2000 + n // 50:04d}-W{n % 50 + 1:02d}") for n in range(MAX_UPLOAD_ROWS + 1)]

    async with service.writes_nothing():
        too_many = await upload(service.client, csv_file(rows))
        at_bound = await upload(service.client, csv_file(rows[:-1]))

    assert problem(too_many, 413)["detail"].startswith(f"An upload holds at most {MAX_UPLOAD_ROWS} rows")
    # At the bound the rows are read and checked, each for a week outside the subcontract's dates: every one is
    # counted, the first MAX_REPORTED_FAULTS named.
    answer = problem(at_bound, 422)
    assert [e["line"] for e in answer["errors"]] == list(range(2, MAX_REPORTED_FAULTS + 2))
    assert {e["code"] for e in answer["errors"]} == {"week_not_live"}
    assert answer["detail"] == (
        "1000 faults on 1000 lines; the first 100 (to line 101) are named in errors. Correct them and upload the "
        "whole file again."
    )


async def test_a_header_of_thousands_of_columns_is_one_short_fault(service: Service, supply: Chain) -> None:
    header = ",".join(f"{n:x}" for n in range(150_000)).encode()  # every name different
    assert len(header) < MAX_UPLOAD_BYTES

    async with service.writes_nothing():
        response = await upload(service.client, header + b"\r\n" + csv_file([row(supply.whole, weeks_ago(1))]))

    answer = problem(response, 422)
    assert answer["errors"] == [{
        "field": "body.line[1]", "code": "too_many_columns", "line": 1, "column": None,
        "message": f"line 1: the header has 150000 cells, where a weekly return has 12 columns: {', '.join(COLUMNS)}",
    }]
    assert answer["detail"] == "1 fault(s) on line(s) 1. Correct them and upload the whole file again."
    assert len(response.content) < 1_000


async def test_a_file_of_a_thousand_bad_rows_names_the_first_hundred_faults_and_counts_them_all(
    service: Service, supply: Chain
) -> None:
    bad = {figure: "x" for figure in figures()}  # nine faults a row: its week (before the contract) and eight figures
    weeks = [f"{2000 + n // 50:04d}-W{n % 50 + 1:02d}" for n in range(MAX_UPLOAD_ROWS)]
    long_name = "n" * 5_000
    content = csv_file([row(supply.whole, week, **bad) for week in weeks])
    unknown = content.replace(b"reason", long_name.encode(), 1)

    async with service.writes_nothing():
        response = await upload(service.client, content)
        header_at_fault = await upload(service.client, unknown)

    answer = problem(response, 422)
    assert len(answer["errors"]) == MAX_REPORTED_FAULTS == 100
    assert [e["code"] for e in answer["errors"][:9]] == ["week_not_live"] + ["not_a_number"] * 8
    assert (answer["errors"][0]["field"], answer["errors"][-1]["field"]) == (
        "body.line[2].iso_week", "body.line[13].iso_week",
    )
    assert answer["detail"] == (
        "9000 faults on 1000 lines; the first 100 (to line 13) are named in errors. Correct them and upload the "
        "whole file again."
    )
    assert len(response.content) < 25_000
    [fault] = problem(header_at_fault, 422)["errors"]
    assert fault == {
        "field": f"body.line[1].{'n' * 39}\u2026", "code": "unknown_column", "line": 1, "column": f"{'n' * 39}\u2026",
        "message": f"line 1, {'n' * 39}\u2026: is not a column of a weekly return",
    }


async def test_a_file_is_read_off_the_event_loop(
    service: Service, supply: Chain, monkeypatch: pytest.MonkeyPatch
) -> None:
    loops: list[bool] = []

    def reading(data: bytes) -> ParsedUpload:
        try:
            asyncio.get_running_loop()
            loops.append(True)
        except RuntimeError:
            loops.append(False)
        return parse_upload(data)

    monkeypatch.setattr(returns_service, "parse_upload", reading)
    response = await upload(service.client, csv_file([row(supply.whole, weeks_ago(1))]))

    assert (response.status_code, loops) == (201, [False])


@pytest.mark.parametrize("content_type", [
    "application/json", "text/plain", "text/csv; charset=latin-1", "multipart/form-data; boundary=x", None,
])
async def test_anything_but_csv_in_utf_8_is_a_415(service: Service, supply: Chain, content_type: str | None) -> None:
    headers = {**WHOLE, **({"Content-Type": content_type} if content_type else {})}
    async with service.writes_nothing():
        response = await service.client.post(
            "/weekly-returns/uploads", content=csv_file([row(supply.whole, weeks_ago(1))]), headers=headers
        )

    assert slug(problem(response, 415, field="header.Content-Type")) == "unsupported-media-type"


async def test_csv_with_its_charset_named_is_taken(service: Service, supply: Chain) -> None:
    response = await upload(
        service.client, csv_file([row(supply.whole, weeks_ago(1))]), **{"Content-Type": "text/csv; charset=UTF-8"}
    )
    assert response.status_code == 201, response.text


@pytest.mark.parametrize(("content", "fault"), [
    (b"", {"field": "body.line[1]", "code": "no_header", "line": 1, "column": None}),
    (",".join(COLUMNS).encode() + b"\r\n", {"field": "body.line[2]", "code": "no_rows", "line": 2, "column": None}),
])
async def test_a_file_without_rows_is_refused(
    service: Service, supply: Chain, content: bytes, fault: dict[str, object]
) -> None:
    async with service.writes_nothing():
        response = await upload(service.client, content)

    [error] = problem(response, 422)["errors"]
    assert {k: v for k, v in error.items() if k != "message"} == fault


async def test_only_a_partners_manager_uploads(service: Service, supply: Chain) -> None:
    content = csv_file([row(supply.whole, weeks_ago(1))])
    async with service.writes_nothing():
        answers = [await upload(service.client, content, headers) for headers in (PRIME, WHOLE_ADVISER)]

    assert [slug(problem(a, 403)) for a in answers] == ["forbidden", "forbidden"]


async def test_an_upload_retried_with_its_key_is_answered_as_the_first(service: Service, supply: Chain) -> None:
    content = csv_file([row(supply.whole, weeks_ago(1)), row(supply.whole, weeks_ago(2))])
    keyed = {**WHOLE, "Idempotency-Key": "upload-november"}

    first = await upload(service.client, content, keyed)
    again = await upload(service.client, content, keyed)
    other = await upload(service.client, csv_file([row(supply.whole, weeks_ago(3))]), keyed)
    by_another = await upload(service.client, csv_file([row(supply.skills, weeks_ago(1))]),
                              {**SKILLS, "Idempotency-Key": "upload-november"})

    assert (first.status_code, again.status_code, by_another.status_code) == (201, 201, 201)
    assert again.json() == first.json() and again.headers["idempotent-replay"] == "true"
    problem(other, 422, field="header.Idempotency-Key")
    assert len(await service.events("weekly_stats.posted")) == 3
