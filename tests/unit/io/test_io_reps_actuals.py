from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook

from territorial.domain import InputRejected, LocatedBy
from territorial.io import read_reps, read_sales, read_visits
from territorial.io.reps import parse_skills


def test_reps_template(fixtures: Path) -> None:
    r = read_reps(fixtures / "reps_template.csv")
    assert r.format == "template"
    jane, john, maria, sam = r.reps
    assert jane.skills == ["Healthcare", "Retail"]
    assert jane.yearly_cost == 120_000
    assert (jane.home_latitude, jane.home_longitude) == (42.3647, -71.1042)
    assert john.skills == ["Manufacturing", "Technology"]
    assert john.years_experience == 3.5
    assert maria.home_latitude == pytest.approx(39.8, abs=0.1)
    assert sam.home_latitude is None  # not locatable: a warning, not an error
    assert r.located == {
        LocatedBy.COORDINATES: 1,
        LocatedBy.ZIP: 1,
        LocatedBy.CITY: 1,
        LocatedBy.UNLOCATED: 1,
    }
    assert [(u.row, u.external_id) for u in r.unlocated] == [(5, "R4")]
    assert [(w.row, w.message) for w in r.warnings] == [
        (5, "home cannot be located: no ZIP, city or coordinates")
    ]


def test_reps_aliases_and_first_last_name(write_csv: Callable[..., Path]) -> None:
    path = write_csv(
        "Employee ID,First Name,Last Name,E-mail,Postal Code,Industries,Hours per Week\n"
        "E7,Ada,Lovelace,ada@example.com,10001,Finance | Tech,32\n"
    )
    r = read_reps(path)
    rep = r.reps[0]
    assert (rep.external_id, rep.name, rep.email) == ("E7", "Ada Lovelace", "ada@example.com")
    assert rep.skills == ["Finance", "Tech"]
    assert rep.capacity_hours_per_week == 32
    assert rep.home_zip == "10001"


def test_reps_problems(write_csv: Callable[..., Path]) -> None:
    path = write_csv(
        "Id,Full Name,Capacity,Latitude,Longitude\nR1,Ann,forty,,\nR1,Bob,40,,\nR3,Cy,-4,91,0\n"
    )
    with pytest.raises(InputRejected) as e:
        read_reps(path)
    assert [(p.row, p.column, p.value) for p in e.value.problems] == [
        (2, "Capacity", "forty"),
        (3, "Id", "R1"),
        (4, "Capacity", "-4"),
        (4, "Latitude", "91"),
    ]


def test_reps_missing_columns(write_csv: Callable[..., Path]) -> None:
    with pytest.raises(InputRejected) as e:
        read_reps(write_csv("Who,Where\na,b\n"))
    assert len(e.value.problems) == 2
    assert all(p.row is None for p in e.value.problems)


def test_a_rep_list_without_ids_uses_the_emails(write_csv: Callable[..., Path]) -> None:
    """A CRM user export (names, emails, home city) has no id column."""
    path = write_csv(
        "Email,First Name,Last Name,City,State/Region\n"
        "ann@acme.example,Ann,Lee,Fargo,North Dakota\n"
        "bob@acme.example,Bob,Ray,Wichita,KS\n"
    )
    r = read_reps(path)
    assert [(rep.external_id, rep.name, rep.email) for rep in r.reps] == [
        ("ann@acme.example", "Ann Lee", "ann@acme.example"),
        ("bob@acme.example", "Bob Ray", "bob@acme.example"),
    ]
    assert r.located == {LocatedBy.CITY: 2}
    assert [w.message for w in r.warnings] == ["no rep id column: each rep's email is their id"]
    with pytest.raises(InputRejected) as e:  # a row without one is refused, by column
        read_reps(write_csv("Email,Name\nann@acme.example,Ann\n,Bob\n"))
    assert [(p.row, p.column) for p in e.value.problems] == [(3, "Email")]


def test_parse_skills() -> None:
    assert parse_skills(" a; b |a;; c ") == ["a", "b", "c"]


def test_sales(fixtures: Path) -> None:
    s = read_sales(fixtures / "sales.csv")
    assert [(x.account_external_id, x.date, x.amount, x.reference) for x in s.sales] == [
        ("0015g00000AbCdEAAV", date(2024, 1, 15), 12500.0, "0065g00000Opp001"),
        ("0015g00000AbCdEAAV", date(2024, 2, 20), 8000.0, "0065g00000Opp002"),
        ("0015g00000AbCdGAAV", date(2024, 3, 5), -1500.0, "0065g00000Opp003"),
    ]


def test_sales_problems(write_csv: Callable[..., Path]) -> None:
    path = write_csv(
        "Account ID,Date,Amount\nA,2024-13-01,5\n,2024-01-01,1\nB,1/2/2024,\nC,yesterday,lots\n"
    )
    with pytest.raises(InputRejected) as e:
        read_sales(path)
    assert [(p.row, p.column, p.message) for p in e.value.problems] == [
        (2, "Date", "expected a date such as 2024-03-31 or 3/31/2024"),
        (3, "Account ID", "missing an account id"),
        (4, "Amount", "missing an amount"),
        (5, "Date", "expected a date such as 2024-03-31 or 3/31/2024"),
        (5, "Amount", "expected a number (digits, optional currency symbol and separators)"),
    ]


def test_sales_xlsx_dates(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["AccountId", "CloseDate", "Amount"])
    ws.append(["A", datetime(2024, 5, 31), 100])
    path = tmp_path / "sales.xlsx"
    wb.save(path)
    assert read_sales(path).sales[0].date == date(2024, 5, 31)


def test_visits(fixtures: Path) -> None:
    v = read_visits(fixtures / "visits.csv")
    assert v.visits[0].minutes == 45 and v.visits[0].kind == "Meeting"
    assert v.visits[1].date == date(2024, 1, 12) and v.visits[1].minutes is None
    assert v.visits[1].rep_external_id == "0055g000001AbCeAAA"


def test_visits_with_mapping(write_csv: Callable[..., Path]) -> None:
    path = write_csv("Kunde;Tag;Dauer\nK1;2024-02-03;-5\n")
    with pytest.raises(InputRejected) as e:
        read_visits(path, {"Kunde": "account_external_id", "Tag": "date", "Dauer": "minutes"})
    assert [(p.row, p.column, p.value) for p in e.value.problems] == [(2, "Dauer", "-5")]
