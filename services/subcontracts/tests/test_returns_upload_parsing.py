"""Reading a CSV file of weekly returns: every fault named by its line (as an editor counts them) and column, the
header's faults before any row's, and a file too long refused whole."""

from __future__ import annotations

import pytest

from scx_contracts.weekly_stats import WEEKLY_FIGURES, WeeklyFigures
from scx_subcontracts.schemas.returns_upload import (
    MAX_HEADER_CELLS,
    MAX_UPLOAD_ROWS,
    RowError,
    TooManyRows,
    UploadRow,
    parse_upload,
)

HEADER = "subcontract_id,iso_week," + ",".join(WEEKLY_FIGURES) + ",corrects_version,reason"
FIGURES = WeeklyFigures(
    referrals_received=1, starts=2, wfis_delivered=3, fail_to_attends=4, activities_delivered=5, job_starts=6,
    job_outcomes=7, exits=8,
)


def faults(text: str) -> list[tuple[int, str | None, str]]:
    return [(e.line, e.column, e.code) for e in parse_upload(text.encode()).errors]


def test_a_good_file_gives_a_row_per_line_with_its_line_number() -> None:
    text = (
        f"\ufeff{HEADER}\r\n"
        "s-1,2026-W05,1,2,3,4,5,6,7,8,,\r\n"
        "\r\n"
        "s-1,2026-W06,1,2,3,4,5,6,7,8,2,\"two missed, one counted twice\"\r\n"
        ",,,,,,,,,,,\n"
        "s-2,2026-W05,1,2,3,4,5,6,7,8,,"
    )
    parsed = parse_upload(text.encode())

    assert parsed.errors == []
    assert parsed.rows == [
        UploadRow(2, "s-1", "2026-W05", None, None, FIGURES),
        UploadRow(4, "s-1", "2026-W06", 2, "two missed, one counted twice", FIGURES),
        UploadRow(6, "s-2", "2026-W05", None, None, FIGURES),
    ]


def test_columns_come_in_any_order_and_the_optional_ones_may_be_left_out() -> None:
    columns = ["exits", *reversed(WEEKLY_FIGURES[:-1]), "iso_week", "subcontract_id"]
    text = ",".join(columns) + "\n" + "8,7,6,5,4,3,2,1,2026-W05,s-1\n"

    assert parse_upload(text.encode()).rows == [UploadRow(2, "s-1", "2026-W05", None, None, FIGURES)]


def test_every_fault_of_every_row_is_named_with_its_line_and_column() -> None:
    text = (
        f"{HEADER}\n"
        "s-1,2026-W05,1,2,3,4,5,6,7,8,,\n"  # 2: good
        "s-1,2026-W5,x,2,3,4,5,6,7,100001,,\n"  # 3: three faults
        "s-1,2026-W06,1,-2,3,4,5,6,7,,0,\n"  # 4: a sign, an empty figure, version 0
        "s 3,2026-W06,1,2,3,4,5,6,7,8,, a reason\n"  # 5: a space in the id, a reason starting with one
        "s-1,2026-W07,1,2\n"  # 6: too few cells
        "\"s-4\n\",2026-W07,1,2,3,4,5,6,7,8,,\n"  # 7-8: a quoted line break inside the id
        "s-1,2026-W05,9,9,9,9,9,9,9,9,,\n"  # 9: the week of line 2 again
        "s-5,2026-W08,1,2,3,4,5,6,7,1.5,,\n"  # 10: a decimal
    )
    assert faults(text) == [
        (3, "iso_week", "string_pattern_mismatch"),
        (3, "referrals_received", "not_a_number"),
        (3, "exits", "less_than_equal"),
        (4, "starts", "not_a_number"),
        (4, "exits", "missing"),
        (4, "corrects_version", "greater_than_equal"),
        (5, "subcontract_id", "string_pattern_mismatch"),
        (5, "reason", "string_pattern_mismatch"),
        (6, None, "cell_count"),
        (7, "subcontract_id", "string_pattern_mismatch"),
        (9, "iso_week", "duplicate_row"),
        (10, "exits", "not_a_number"),
    ]


def test_the_messages_say_what_is_wrong_in_words() -> None:
    text = f"{HEADER}\ns-1,2026-W5,x,2,3,4,5,6,7,100001,,\ns-1,2026-W07,1,2\n"
    messages = {(e.line, e.column): e.message for e in parse_upload(text.encode()).errors}

    assert messages == {
        (2, "iso_week"): "must be an ISO week written YYYY-Www (2026-W05)",
        (2, "referrals_received"): "must be a whole number written in digits 0-9",
        (2, "exits"): "must be a whole number from 0 to 100000",
        (3, None): "has 4 cells where the header names 12 columns",
    }


def test_a_duplicate_row_names_both_lines() -> None:
    text = f"{HEADER}\ns-1,2026-W05,1,2,3,4,5,6,7,8,,\ns-2,2026-W05,1,2,3,4,5,6,7,8,,\ns-1,2026-W05,1,1,1,1,1,1,1,1,,\n"

    assert parse_upload(text.encode()).errors == [
        RowError(4, "iso_week", "subcontract s-1 week 2026-W05 is on line 2 too: one row per subcontract and week",
                 "duplicate_row"),
    ]


def test_a_row_whose_figures_are_at_fault_is_kept_so_its_week_and_version_are_checked_too() -> None:
    parsed = parse_upload(f"{HEADER}\ns-1,2026-W05,x,2,3,4,5,6,7,8,1,late figures\n".encode())

    assert parsed.rows == [UploadRow(2, "s-1", "2026-W05", 1, "late figures", None)]
    assert [(e.line, e.column) for e in parsed.errors] == [(2, "referrals_received")]


def test_the_header_names_every_required_column_once_and_nothing_else() -> None:
    header = HEADER.replace("exits", "exit").replace("iso_week,", "iso_week,starts,")
    assert faults(f"{header}\ns-1,2026-W05,1,2,3,4,5,6,7,8,9,,\n") == [
        (1, "exit", "unknown_column"),
        (1, "starts", "duplicate_column"),
        (1, "exits", "missing_column"),
    ]


def test_a_header_of_more_cells_than_twice_the_columns_is_one_fault_and_nothing_more_is_read() -> None:
    extra = [f"x{n}" for n in range(MAX_HEADER_CELLS - 12)]
    at_bound = ",".join([HEADER, *extra])
    names = ",".join(f"c{n}" for n in range(50_000))

    assert faults(f"{at_bound}\nnot,a,row\n") == [(1, name, "unknown_column") for name in extra]
    assert faults(f"{at_bound},one-more\nnot,a,row\n") == [(1, None, "too_many_columns")]
    assert parse_upload(f"{names}\n".encode()).errors == [RowError(
        1, None, "the header has 50000 cells, where a weekly return has 12 columns: " + HEADER.replace(",", ", "),
        "too_many_columns",
    )]


def test_a_name_from_the_header_is_shown_cut_short() -> None:
    long = "exits" * 100
    parsed = parse_upload(f"{HEADER},{long},{long}\n".encode())

    shown = long[:39] + "\u2026"
    assert parsed.errors == [
        RowError(1, shown, f"the header names {shown} more than once", "duplicate_column"),
        RowError(1, shown, "is not a column of a weekly return", "unknown_column"),
    ]


@pytest.mark.parametrize(("data", "expected"), [
    (b"", [(1, None, "no_header")]),
    (b"\r\n\r\n", [(1, None, "no_header")]),
    (f"{HEADER}\ns-1,2026-W05\xff".encode("latin-1"), [(2, None, "not_utf8")]),
    (f"{HEADER}\ns-1,2026-W05,1,2,3,4,5,6,7,8,,\n\"open".encode(), [(3, None, "not_csv")]),
])
def test_files_that_are_not_csv(data: bytes, expected: list[tuple[int, str | None, str]]) -> None:
    assert [(e.line, e.column, e.code) for e in parse_upload(data).errors] == expected


def test_the_rows_are_bounded_and_a_longer_file_is_refused_whole() -> None:
    line = "s-1,{week},1,2,3,4,5,6,7,8,,\n"
    weeks = [f"{2000 + n // 50:04d}-W{n % 50 + 1:02d}" for n in range(MAX_UPLOAD_ROWS + 1)]

    at_bound = parse_upload((HEADER + "\n" + "".join(line.format(week=w) for w in weeks[:-1])).encode())
    assert (len(at_bound.rows), at_bound.errors) == (MAX_UPLOAD_ROWS, [])
    with pytest.raises(TooManyRows):
        parse_upload((HEADER + "\n" + "".join(line.format(week=w) for w in weeks)).encode())
