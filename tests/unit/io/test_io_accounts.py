from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import Workbook

from territorial.domain import AccountStatus, InputRejected, LocatedBy, Problem
from territorial.io import parse_mapping, read_accounts
from territorial.io.accounts import parse_status
from territorial.io.values import FORMULA_MESSAGE


def rejected(path: Path, **kwargs: object) -> list[Problem]:
    with pytest.raises(InputRejected) as e:
        read_accounts(path, **kwargs)  # type: ignore[arg-type]
    return e.value.problems


def where(problems: list[Problem]) -> list[tuple[int | None, str | None, str | None]]:
    return [(p.row, p.column, p.value) for p in problems]


# --- real-looking exports ----------------------------------------------------------------


def test_salesforce_export(fixtures: Path) -> None:
    path = fixtures / "salesforce_accounts.csv"
    r = read_accounts(path)
    assert r.format == "salesforce"
    assert r.format_label == "Salesforce account export"
    assert len(r.accounts) == 9  # one blank row skipped
    acme = r.accounts[0]
    assert acme.name == "Acme Robotics, Inc."
    assert acme.street == "1 Kendall Sq\nSuite 200"
    assert acme.zip == "02139"  # ZIP+4 normalised
    assert (acme.latitude, acme.longitude, acme.located_by) == (42.3647, -71.1042, LocatedBy.ZIP)
    assert acme.status is AccountStatus.CUSTOMER
    assert acme.annual_revenue == 12_500_000
    assert acme.extra == {
        "OwnerId": "0055g000001AbCdAAA",
        "Rating": "Hot",
        "Phone": "(617) 555-0100",
    }
    hudson = r.accounts[1]
    assert hudson.located_by is LocatedBy.COORDINATES
    assert hudson.status is AccountStatus.PROSPECT
    charter = r.accounts[2]
    assert charter.zip == "06103"  # leading zero restored
    assert charter.annual_revenue == 48_000_000
    assert r.located == {LocatedBy.COORDINATES: 2, LocatedBy.ZIP: 6, LocatedBy.CITY: 1}
    assert r.owners["0015g00000AbCdEAAV"] == "Jane Smith"
    assert r.territories == {}
    assert r.extra_columns == ["OwnerId", "Rating", "Phone"]
    # unknown Type values are warnings, not errors; the row numbers count the quoted newline
    # as one spreadsheet row and the blank row as a row
    status_warnings = [(w.row, w.value) for w in r.warnings if w.column == "Type"]
    assert status_warnings == [(5, "Technology Partner"), (11, "Other")]
    assert r.accounts[3].status is None
    assert "Kept as extra fields: OwnerId, Rating, Phone" in r.summary()


def test_hubspot_export_with_bom(fixtures: Path) -> None:
    path = fixtures / "hubspot_companies.csv"
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    r = read_accounts(path)
    assert r.format == "hubspot"
    assert r.columns["external_id"] == "Record ID"
    first = r.accounts[0]
    assert first.external_id == "9876543210"
    assert first.state == "MA"  # full state name normalised to its code
    assert r.accounts[1].name == "Granite State Builders, LLC"
    assert r.accounts[1].zip == "03101"
    statuses = [a.status for a in r.accounts]
    assert statuses[:4] == [
        AccountStatus.CUSTOMER,
        AccountStatus.PROSPECT,
        AccountStatus.PROSPECT,
        AccountStatus.PROSPECT,
    ]
    assert statuses[5] is AccountStatus.CUSTOMER  # evangelist
    assert statuses[6] is None  # "Other"
    miami = r.accounts[5]
    assert miami.located_by is LocatedBy.CITY  # no postal code: Miami, Florida
    assert miami.latitude == pytest.approx(25.77, abs=0.1)
    assert "9876543214" not in r.owners  # blank owner
    assert r.accounts[0].extra["Phone Number"] == "+1 617 555 0111"


def test_zoho_export_in_cp1252(fixtures: Path) -> None:
    r = read_accounts(fixtures / "zoho_accounts_cp1252.csv")
    assert r.format == "zoho"
    names = [a.name for a in r.accounts]
    assert names[0] == "Café Müller"
    assert "Crème Brûlée Bakery" in names and "Zoë's Garden Center" in names
    assert r.territories["zcrm_5725767000000402001"] == "Midwest"
    assert r.owners["zcrm_5725767000000402002"] == "Luis Ortega"
    assert r.accounts[0].street == "1000 N Water St, Suite 5"
    chicago = r.accounts[4]
    assert (chicago.state, chicago.located_by) == ("IL", LocatedBy.CITY)


def test_template_with_semicolons(fixtures: Path) -> None:
    r = read_accounts(fixtures / "template_semicolon.csv")
    assert r.format == "template"
    a = r.accounts[0]
    assert (a.potential, a.visits_per_year, a.visit_minutes, a.tier) == (2e6, 12, 45, "A")
    assert a.competitor_presence is True
    assert a.extra == {"region_code": "17"}
    assert r.territories == {
        "A-001": "Boston North",
        "A-002": "Boston North",
        "A-003": "Central",
        "A-004": "Central",
    }
    assert [x.located_by for x in r.accounts] == [
        LocatedBy.ZIP,
        LocatedBy.COORDINATES,
        LocatedBy.CITY,
        LocatedBy.ZIP,
    ]
    assert r.accounts[3].zip == "01608"


def test_xlsx_export(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(
        [
            "Account ID",
            "Account Name",
            "Billing Zip/Postal Code",
            "Annual Revenue",
            "Last Activity",
            "Score",
        ]
    )
    ws.append(["001X", "Excel Co", 2139, 1500000, datetime(2024, 3, 5), 3])
    ws.append([None] * 6)
    ws.append([1002, "Sheet Inc", "02139-4307", "oops", None, 4.5])
    ws.append(["001Z", "Neg Inc", "10001", -5, None, None])
    path = tmp_path / "report.xlsx"
    wb.save(path)
    problems = rejected(path)
    assert where(problems) == [(4, "Annual Revenue", "oops"), (5, "Annual Revenue", "-5")]
    ws.delete_rows(4, 2)
    wb.save(path)
    r = read_accounts(path)
    assert r.accounts[0].zip == "02139"
    assert r.accounts[0].extra == {"Last Activity": "2024-03-05", "Score": "3"}


def test_mapping_for_any_file(write_csv: Callable[..., Path]) -> None:
    path = write_csv('Cust No,Firma,PLZ,Umsatz\nK1,Müller AG,60601,"1,000"\n')
    mapping = parse_mapping(["Cust No=external_id", "Firma=name", "PLZ=zip"])
    r = read_accounts(path, mapping)
    assert r.format == "custom"
    assert r.accounts[0].name == "Müller AG"
    assert r.accounts[0].extra == {"Umsatz": "1,000"}


def test_allow_unlocated(fixtures: Path) -> None:
    path = fixtures / "broken_types.csv"
    problems = rejected(path, allow_unlocated=True)
    assert (6, "BillingPostalCode") not in [(p.row, p.column) for p in problems]


def test_unlocated_rows_are_listed(write_csv: Callable[..., Path]) -> None:
    path = write_csv("Id,Name,BillingPostalCode,BillingCity\n1,A,99999,\n2,B,,\n3,C,10001,\n")
    with pytest.raises(InputRejected) as e:
        read_accounts(path)
    assert [(p.row, p.column, p.message) for p in e.value.problems] == [
        (2, "BillingPostalCode", "cannot be located: unknown ZIP 99999"),
        (3, None, "cannot be located: no ZIP, city or coordinates"),
    ]
    r = read_accounts(path, allow_unlocated=True)
    assert [(u.row, u.external_id, u.reason) for u in r.unlocated] == [
        (2, "1", "unknown ZIP 99999"),
        (3, "2", "no ZIP, city or coordinates"),
    ]
    assert [a.located_by for a in r.accounts] == [
        LocatedBy.UNLOCATED,
        LocatedBy.UNLOCATED,
        LocatedBy.ZIP,
    ]
    assert r.accounts[0].latitude is None
    assert r.located == {LocatedBy.UNLOCATED: 2, LocatedBy.ZIP: 1}
    assert "Located 1 by zip; 2 could not be located" in r.summary()


def test_unknown_zip_falls_back_to_city_with_a_warning(write_csv: Callable[..., Path]) -> None:
    path = write_csv("Id,Name,BillingPostalCode,BillingCity,BillingState\n1,A,99999,Boston,MA\n")
    r = read_accounts(path)
    assert r.accounts[0].located_by is LocatedBy.CITY
    assert [(w.row, w.column, w.message) for w in r.warnings] == [
        (2, "BillingPostalCode", "unknown ZIP 99999; located by city instead")
    ]


def test_a_city_typo_is_located_with_a_warning_naming_the_reading(
    write_csv: Callable[..., Path],
) -> None:
    path = write_csv("Id,Name,BillingCity,BillingState\n1,A,Gainsville,FL\n2,B,Alden,TX\n")
    with pytest.raises(InputRejected) as e:  # Allen or Olden: not guessed
        read_accounts(path)
    assert [(p.row, p.column, p.message) for p in e.value.problems] == [
        (
            3,
            "BillingCity",
            "cannot be located: unknown city Alden, TX (did you mean Allen or Olden?)",
        )
    ]
    r = read_accounts(path, allow_unlocated=True)
    assert [a.located_by for a in r.accounts] == [LocatedBy.CITY_GUESS, LocatedBy.UNLOCATED]
    assert [(w.row, w.column, w.value, w.message) for w in r.warnings] == [
        (
            2,
            "BillingCity",
            "Gainsville",
            "unknown city Gainsville, FL, read as Gainesville (one letter away)",
        )
    ]


def test_progress_is_reported(write_csv: Callable[..., Path]) -> None:
    lines = "".join(f"{i},N{i},10001\n" for i in range(2500))
    calls: list[tuple[int, int]] = []
    read_accounts(
        write_csv("Id,Name,BillingPostalCode\n" + lines), progress=lambda d, t: calls.append((d, t))
    )
    assert calls[0] == (1000, 2500) and calls[-1] == (2500, 2500)


# --- broken files -------------------------------------------------------------------------


def test_wrong_types(fixtures: Path) -> None:
    path = fixtures / "broken_types.csv"
    problems = rejected(path)
    assert {p.file for p in problems} == {str(path)}
    assert [(p.row, p.column, p.value, p.message) for p in problems] == [
        (
            2,
            "AnnualRevenue",
            "1.2M",
            "expected a number (digits, optional currency symbol and separators)",
        ),
        (
            3,
            "NumberOfEmployees",
            "twelve",
            "expected a number (digits, optional currency symbol and separators)",
        ),
        (4, "BillingLatitude", "95.5", "latitude must be between -90 and 90"),
        (5, "NumberOfEmployees", "-3", "must not be negative"),
        (5, "BillingLongitude", None, "latitude and longitude must be given together"),
        (6, "BillingPostalCode", "99999", "cannot be located: unknown ZIP 99999"),
        (7, None, None, "cannot be located: no ZIP, city or coordinates"),
    ]


def test_missing_required_columns(fixtures: Path) -> None:
    problems = rejected(fixtures / "broken_missing_columns.csv")
    assert all(p.row is None and p.column is None for p in problems)
    assert [p.message.split(";")[0] for p in problems] == [
        "missing required column: an account id (e.g. Id, Account ID, Record ID, external_id)",
        "missing required column: an account name (e.g. Name, Account Name, Company name, name)",
        "missing required column: a location: latitude and longitude, a ZIP code, "
        "or city and state",
    ]
    assert problems[0].message.endswith("columns found: Customer Code, Title, Phone")


def test_duplicates_and_missing_values(fixtures: Path) -> None:
    problems = rejected(fixtures / "broken_duplicates.csv")
    assert [(p.row, p.column, p.value, p.message) for p in problems] == [
        (4, "external_id", "A1", "duplicate account id; first seen on row 2"),
        (5, "external_id", None, "missing account id"),
        (6, "name", None, "missing account name"),
    ]


def test_formulas(fixtures: Path) -> None:
    problems = rejected(fixtures / "broken_formulas.csv")
    assert where(problems) == [
        (2, "Company name", '=HYPERLINK("http://evil.example","Click")'),
        (3, "City", "+cmd"),
        (4, "Notes", "-1+2"),
        (5, "Notes", "@SUM(A1:A9)"),
    ]
    assert {p.message for p in problems} == {FORMULA_MESSAGE}


def test_apostrophe_protected_formulas_import(write_csv: Callable[..., Path]) -> None:
    r = read_accounts(write_csv("Id,Name,BillingPostalCode,Notes\n1,'=Protected,02139,'+x\n"))
    assert r.accounts[0].name == "=Protected"
    assert r.accounts[0].extra == {"Notes": "+x"}


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("empty.csv", "the file is empty"),
        ("header_only.csv", "the file has a header but no data rows"),
        (
            "broken_binary.csv",
            "not a text file: expected CSV text (UTF-8 or Latin-1/Windows-1252) "
            "or an .xlsx workbook",
        ),
    ],
)
def test_unusable_files(fixtures: Path, name: str, message: str) -> None:
    problems = rejected(fixtures / name)
    assert problems == [Problem(str(fixtures / name), None, None, None, message)]


def test_problems_are_capped(write_csv: Callable[..., Path]) -> None:
    lines = "".join(f"{i},N{i},bad\n" for i in range(300))
    problems = rejected(write_csv("Id,Name,BillingLatitude,BillingLongitude\n" + lines))
    assert len(problems) == 201
    assert problems[-1].message == "... and 100 more problems not listed"


def test_negative_number_in_numeric_field_is_parsed_then_validated(
    write_csv: Callable[..., Path],
) -> None:
    r = read_accounts(write_csv("Id,Name,BillingLatitude,BillingLongitude\n1,A,-33.9,-70.1\n"))
    assert (r.accounts[0].latitude, r.accounts[0].longitude) == (-33.9, -70.1)


def test_extra_columns_are_kept_as_written(write_csv: Callable[..., Path]) -> None:
    r = read_accounts(
        write_csv(
            "Id,Name,Zip,Score,Code,CrmId\n1,A,10001,1.5,007,123456789012345678901\n"
            '2,B,10001,,X1,\n3,C,10001,"2,000",8,9007199254740993\n'
        )
    )
    assert [a.extra for a in r.accounts] == [
        {"Score": "1.5", "Code": "007", "CrmId": "123456789012345678901"},
        {"Code": "X1"},
        {"Score": "2,000", "Code": "8", "CrmId": "9007199254740993"},
    ]  # no digit lost


def test_non_us_country_needs_coordinates(write_csv: Callable[..., Path]) -> None:
    path = write_csv("Id,Name,BillingPostalCode,BillingCountry\n1,A,K1A 0B1,Canada\n")
    problems = rejected(path)
    assert where(problems) == [(2, "BillingCountry", "Canada")]


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("Customer - Direct", AccountStatus.CUSTOMER),
        ("Customer - Channel", AccountStatus.CUSTOMER),
        ("Prospect", AccountStatus.PROSPECT),
        ("customer", AccountStatus.CUSTOMER),
        ("lead", AccountStatus.PROSPECT),
        ("salesqualifiedlead", AccountStatus.PROSPECT),
        ("Marketing Qualified Lead", AccountStatus.PROSPECT),
        ("opportunity", AccountStatus.PROSPECT),
        ("Channel Partner / Reseller", None),
        ("Competitor", None),
        ("Other", None),
    ],
)
def test_parse_status(text: str, status: AccountStatus | None) -> None:
    assert parse_status(text) is status
