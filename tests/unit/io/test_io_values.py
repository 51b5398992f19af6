from __future__ import annotations

import math
from datetime import date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from territorial.io.values import (
    FORMULA_MESSAGE,
    cell_text,
    format_number,
    looks_like_formula,
    parse_bool,
    parse_date,
    parse_float,
    parse_int,
    parse_text,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1200000", 1_200_000.0),
        ("$1,200,000", 1_200_000.0),
        ("$ 1,200,000.50", 1_200_000.5),
        ("-$1,200", -1200.0),
        ("(1,200.50)", -1200.5),
        ("€1.234.567,89", 1_234_567.89),
        ("1,5", 1.5),
        ("  42 ", 42.0),
        ("-5", -5.0),
        ("1e3", 1000.0),
        ("12%", 12.0),
        (".5", 0.5),
    ],
)
def test_parse_float_accepts_formatted_numbers(text: str, expected: float) -> None:
    assert parse_float(text) == pytest.approx(expected)


@pytest.mark.parametrize("text", ["1.2M", "abc", "nan", "inf", "1 000", "$", "12 apples", "1_000"])
def test_parse_float_rejects_text(text: str) -> None:
    with pytest.raises(ValueError, match="expected a"):
        parse_float(text)


def test_parse_float_takes_typed_cells() -> None:
    assert parse_float(3) == 3.0
    assert parse_float(2.5) == 2.5
    with pytest.raises(ValueError):
        parse_float(True)
    with pytest.raises(ValueError):
        parse_float(float("nan"))


@given(st.floats(min_value=-1e12, max_value=1e12, allow_nan=False), st.sampled_from(["", "$", "€"]))
def test_number_parser_round_trips_formatted_numbers(x: float, symbol: str) -> None:
    rounded = round(x, 2)
    sign = "-" if rounded < 0 else ""
    text = f"{sign}{symbol}{abs(rounded):,.2f}"
    assert parse_float(text) == pytest.approx(rounded, abs=1e-6)


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_format_number_round_trips(x: float) -> None:
    assert parse_float(format_number(x)) == x


@given(st.integers(min_value=-(10**12), max_value=10**12))
def test_thousands_separated_integers_round_trip(n: int) -> None:
    assert parse_int(f"{n:,}") == n


def test_parse_int() -> None:
    assert parse_int("1,200") == 1200
    assert parse_int("12.0") == 12
    with pytest.raises(ValueError, match="whole number"):
        parse_int("12.5")


def test_format_number_has_no_float_noise() -> None:
    assert format_number(3.0) == "3"
    assert format_number(0.1 + 0.2) == "0.30000000000000004"
    assert format_number(42.3647) == "42.3647"
    assert format_number(12_500_000.0) == "12500000"


@pytest.mark.parametrize("text", ['=HYPERLINK("http://x","y")', "+cmd", "-1+2", "@SUM(A1)", "=1"])
def test_formulas_are_refused_in_text(text: str) -> None:
    assert looks_like_formula(text)
    with pytest.raises(ValueError, match="spreadsheet formula"):
        parse_text(text)
    assert FORMULA_MESSAGE.endswith("prefix it with an apostrophe")


@pytest.mark.parametrize("text", ["+1 (617) 555-0100", "-", "Acme", "-5", "a=b", ""])
def test_ordinary_text_is_not_a_formula(text: str) -> None:
    assert not looks_like_formula(text)


def test_apostrophe_protects_a_formula_looking_value() -> None:
    assert parse_text("'=1+2") == "=1+2"
    assert parse_text("'tis") == "'tis"


def test_cell_text() -> None:
    assert cell_text(2139.0) == "2139"
    assert cell_text(datetime(2024, 3, 5)) == "2024-03-05"
    assert cell_text(None) == ""


@pytest.mark.parametrize(
    "value",
    [
        "2024-03-05",
        "3/5/2024",
        "03/05/2024",
        "3/5/24",
        "05-Mar-2024",
        "Mar 5, 2024",
        "2024-03-05T10:00:00Z",
        "3/5/2024 10:00 AM",
        datetime(2024, 3, 5, 9),
        date(2024, 3, 5),
    ],
)
def test_parse_date(value: object) -> None:
    assert parse_date(value) == date(2024, 3, 5)  # type: ignore[arg-type]


def test_parse_date_rejects_text() -> None:
    with pytest.raises(ValueError, match="expected a date"):
        parse_date("next tuesday")


def test_parse_date_excel_serial() -> None:
    assert parse_date(45356) == date(2024, 3, 5)


@pytest.mark.parametrize(
    ("text", "expected"), [("Yes", True), ("n", False), ("1", True), ("FALSE", False), ("x", True)]
)
def test_parse_bool(text: str, expected: bool) -> None:
    assert parse_bool(text) is expected


def test_parse_bool_rejects() -> None:
    with pytest.raises(ValueError):
        parse_bool("maybe")
    assert not math.isnan(1.0)
