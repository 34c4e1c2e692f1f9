"""Strict, bounded types: the one source of the limits that request models and event schemas share.

A producer must never record an event its consumers cannot apply, so every integer here fits the narrowest column
any consumer keeps it in, every string the column it lands in, and every list a size a consumer can hold. The
service kit re-exports these for request models; the event schemas use them directly.

Strictness is per type, not per model: FastAPI validates a JSON body from Python objects, where a strict model
would refuse the ISO strings dates arrive as. So integers and booleans are strict (no `"6"`, `6.0`, `"yes"`, `1`),
and dates are parsed from an ISO `YYYY-MM-DD` string only, never from a number or a timestamp.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field, Strict, StringConstraints

# PostgreSQL INTEGER: the narrowest column any service keeps a count, a revision or a capacity in.
INT32_MAX = 2**31 - 1
# £100bn. Fits BIGINT, and stays exact as a JSON number in any consumer (JavaScript's are exact to 2**53).
MAX_PENCE = 10**13

# Column widths, as in the services' models and migrations.
ORGANISATION_ID_LENGTH = 64
RECORD_ID_LENGTH = 36
NAME_LENGTH = 200
LABEL_LENGTH = 100
REASON_LENGTH = 500
NOTE_LENGTH = 2000

# List sizes: enough for the real thing, small enough that one request cannot make a consumer store megabytes.
MAX_PROFILE_MONTHS = 120  # ten years of monthly targets
MAX_POSTCODE_DISTRICTS = 500
MAX_SPECIALIST_SERVICES = 50

# Characters no name, code or note may hold: C0 and C1 controls, DEL, and every Unicode format character of the
# Basic Multilingual Plane (soft hyphen, zero-width space/joiners U+200B-U+200D, LRM/RLM, bidi embeddings and
# overrides U+202A-U+202E, word joiner U+2060, isolates U+2066-U+2069, BOM U+FEFF, ...), and line/paragraph
# separators. Written as `\u`-escaped code point ranges because pydantic's (Rust) regex, JSON Schema's (ECMA)
# and Python's all read them alike; the validator below also refuses the few format characters beyond the BMP
# (tags and the like).
# Also the letters and symbols that draw nothing (Hangul fillers U+115F, U+1160, U+3164, U+FFA0; the blank
# Braille pattern U+2800): "ab\u3164cd" shows as "ab cd" and is another name.
_INVISIBLE = (
    r"\u0000-\u001f\u007f-\u009f\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890-\u0891\u08e2\u115f\u1160\u180e"
    r"\u200b-\u200f\u2028-\u202e\u2060-\u206f\u2800\u3164\ufeff\uffa0\ufff9-\ufffb"
)
_BLANK_LETTERS = frozenset("\u115f\u1160\u2800\u3164\uffa0")
# A note may span lines: tab, line feed and carriage return are its only controls.
_INVISIBLE_IN_NOTES = _INVISIBLE.replace(r"\u0000-\u001f", r"\u0000-\u0008\u000b\u000c\u000e-\u001f")
# Spaces that may sit inside a text but not at either end (a name that differs by a trailing space is another name).
_SPACES = r" \u00a0\u1680\u2000-\u200a\u202f\u205f\u3000"
_REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
_NOTE_CONTROLS = frozenset("\t\n\r")


# What a pattern means, for error messages: the text patterns are unreadable as they stand.
PATTERN_MEANINGS: dict[str, str] = {}


def _no_ends_pattern(invisible: str, ends: str) -> str:
    pattern = rf"^[^{ends}{invisible}](?:[^{invisible}]*[^{ends}{invisible}])?$"
    PATTERN_MEANINGS[pattern] = "must not contain control or invisible characters, nor begin or end with a space"
    return pattern


def _visible(allowed_controls: frozenset[str]) -> AfterValidator:
    def check(value: str) -> str:
        for char in value:
            if char not in allowed_controls and (
                unicodedata.category(char) in _REFUSED_CATEGORIES or char in _BLANK_LETTERS
            ):
                raise ValueError(f"must not contain the control or invisible character U+{ord(char):04X}")
        return value

    return AfterValidator(check)


# One line of text: no control or invisible characters, no space at either end.
TEXT_PATTERN = _no_ends_pattern(_INVISIBLE, _SPACES)
# Free text that may span lines; otherwise as TEXT_PATTERN.
NOTE_PATTERN = _no_ends_pattern(_INVISIBLE_IN_NOTES, _SPACES + r"\t\n\r")
NO_INVISIBLE = _visible(frozenset())
NO_INVISIBLE_BUT_LINES = _visible(_NOTE_CONTROLS)

Name = Annotated[
    str, Strict(), StringConstraints(min_length=1, max_length=NAME_LENGTH, pattern=TEXT_PATTERN), NO_INVISIBLE
]
Label = Annotated[
    str, Strict(), StringConstraints(min_length=1, max_length=LABEL_LENGTH, pattern=TEXT_PATTERN), NO_INVISIBLE
]
Reason = Annotated[
    str, Strict(), StringConstraints(min_length=1, max_length=REASON_LENGTH, pattern=TEXT_PATTERN), NO_INVISIBLE
]
Note = Annotated[
    str,
    Strict(),
    StringConstraints(min_length=1, max_length=NOTE_LENGTH, pattern=NOTE_PATTERN),
    NO_INVISIBLE_BUT_LINES,
]

# ASCII codes: each pattern says exactly which characters, so nothing invisible or look-alike gets in.
ORGANISATION_ID_PATTERN = r"^[a-z0-9][a-z0-9-]{1,62}[a-z0-9]$"
OrganisationId = Annotated[
    str, Strict(), StringConstraints(max_length=ORGANISATION_ID_LENGTH, pattern=ORGANISATION_ID_PATTERN)
]
# Ids a service issues (UUIDv7 strings) and examples' readable ids alike.
RecordId = Annotated[
    str, Strict(), StringConstraints(max_length=RECORD_ID_LENGTH, pattern=r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,35}$")
]
Month = Annotated[str, Strict(), StringConstraints(max_length=7, pattern=r"^[0-9]{4}-(0[1-9]|1[0-2])$")]

Count = Annotated[int, Strict(), Field(ge=0, le=INT32_MAX)]
PositiveCount = Annotated[int, Strict(), Field(ge=1, le=INT32_MAX)]
Revision = Annotated[int, Strict(), Field(ge=1, le=INT32_MAX)]
Percent = Annotated[int, Strict(), Field(ge=0, le=100)]
Pence = Annotated[int, Strict(), Field(ge=0, le=MAX_PENCE)]
PaymentGroup = Annotated[int, Strict(), Field(ge=1, le=9, description="Work Programme payment group 1-9")]
PAYMENT_GROUPS = 9
# A share in hundredths of a percent: 3650 is 36.50%. An integer, so a level is exact in every consumer.
BasisPoints = Annotated[int, Strict(), Field(ge=0, le=10_000, description="hundredths of a percent: 3650 is 36.50%")]
StrictBool = Annotated[bool, Strict()]

_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_ASCII_INTEGER = re.compile(r"-?[0-9]{1,19}")


def _iso_date_only(value: Any) -> Any:
    # datetime is a date subclass: a timestamp is not a date either.
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        return value
    raise ValueError("must be a date written YYYY-MM-DD")


def _ascii_integer(value: Any) -> Any:
    # A query parameter is always a string, so "6" is the only way to send 6; "6.0", "+6", " 6", "6_0" and
    # other scripts' digits (which int() would take) are not integers here.
    if isinstance(value, str):
        if not _ASCII_INTEGER.fullmatch(value):
            raise ValueError("must be an integer written in digits 0-9")
        return int(value)
    return value


def _true_or_false(value: Any) -> Any:
    # A query parameter is a string: "true" and "false" are the booleans; "yes", "1", "on" are not.
    if isinstance(value, str):
        if value not in ("true", "false"):
            raise ValueError("must be true or false")
        return value == "true"
    return value


IsoDate = Annotated[date, BeforeValidator(_iso_date_only)]
QueryInt = Annotated[int, BeforeValidator(_ascii_integer), Strict()]
QueryBool = Annotated[bool, BeforeValidator(_true_or_false), Strict()]

__all__ = [
    "INT32_MAX",
    "LABEL_LENGTH",
    "MAX_PENCE",
    "MAX_POSTCODE_DISTRICTS",
    "MAX_PROFILE_MONTHS",
    "MAX_SPECIALIST_SERVICES",
    "NAME_LENGTH",
    "NOTE_LENGTH",
    "NOTE_PATTERN",
    "NO_INVISIBLE",
    "NO_INVISIBLE_BUT_LINES",
    "ORGANISATION_ID_LENGTH",
    "ORGANISATION_ID_PATTERN",
    "PATTERN_MEANINGS",
    "PAYMENT_GROUPS",
    "REASON_LENGTH",
    "RECORD_ID_LENGTH",
    "TEXT_PATTERN",
    "BasisPoints",
    "Count",
    "IsoDate",
    "Label",
    "Month",
    "Name",
    "Note",
    "OrganisationId",
    "PaymentGroup",
    "Pence",
    "Percent",
    "PositiveCount",
    "QueryBool",
    "QueryInt",
    "Reason",
    "RecordId",
    "Revision",
    "StrictBool",
]
