from __future__ import annotations

import io
from pathlib import Path

from territorial.domain import Account, AccountStatus, LocatedBy
from territorial.io import read_accounts, write_accounts_csv, write_rows_csv
from territorial.io.export import ACCOUNT_COLUMNS

GOLDEN = Path(__file__).resolve().parents[2] / "fixtures" / "imports" / "golden_accounts.csv"


def sample() -> list[Account]:
    return [
        Account(
            "A-1",
            "Acme, Inc.",
            street="1 Kendall Sq\nSuite 200",
            city="Cambridge",
            state="MA",
            zip="02139",
            country="US",
            latitude=42.3647,
            longitude=-71.1042,
            located_by=LocatedBy.ZIP,
            industry="Machinery",
            employees=85,
            annual_revenue=12_500_000.0,
            potential=0.1 + 0.2,
            visits_per_year=12.0,
            visit_minutes=45.5,
            status=AccountStatus.CUSTOMER,
            competitor_presence=True,
            tier="A",
            extra={"Rating": "Hot", "Score": 3.0},
        ),
        Account("B-2", "Café Müller", extra={"Notes": "=1+2", "Phone": "+1 617 555 0100"}),
        Account(
            "C-3",
            "Prospect Co",
            latitude=-33.5,
            longitude=151.25,
            located_by=LocatedBy.COORDINATES,
            status=AccountStatus.PROSPECT,
            competitor_presence=False,
            employees=0,
        ),
    ]


def test_write_accounts_csv_matches_golden_file(tmp_path: Path) -> None:
    out = tmp_path / "accounts.csv"
    write_accounts_csv(sample(), out)
    assert out.read_bytes() == GOLDEN.read_bytes()


def test_write_to_stream_is_deterministic() -> None:
    a, b = io.StringIO(newline=""), io.StringIO(newline="")
    write_accounts_csv(sample(), a)
    write_accounts_csv(reversed(list(reversed(sample()))), b)
    assert a.getvalue() == b.getvalue()
    header = a.getvalue().splitlines()[0].split(",")
    assert header == [*ACCOUNT_COLUMNS, "Notes", "Phone", "Rating", "Score"]


def test_written_file_reads_back(tmp_path: Path) -> None:
    out = tmp_path / "accounts.csv"
    accounts = sample()
    write_accounts_csv(accounts, out)
    back = read_accounts(out, allow_unlocated=True)
    assert back.format == "template"
    assert back.extra_columns == ["Notes", "Phone", "Rating", "Score"]
    assert [a.located_by for a in back.accounts] == [
        LocatedBy.ZIP,
        LocatedBy.UNLOCATED,
        LocatedBy.COORDINATES,
    ]
    first = back.accounts[0]
    assert (first.potential, first.visit_minutes, first.status) == (
        accounts[0].potential,
        45.5,
        AccountStatus.CUSTOMER,
    )
    assert back.accounts[1].extra["Notes"] == "=1+2"  # apostrophe-protected on the way out


def test_write_rows_csv_neutralises_formulas(tmp_path: Path) -> None:
    rows = [
        ['=HYPERLINK("http://x")', "+SUM(A1)", "-2+3", "@cmd", "plain", -1250.5, 0.1 + 0.2],
        ["+1 (617) 555-0100", "-", None, True, "a=b", 3.0, 12],
    ]
    path = tmp_path / "rows.csv"
    write_rows_csv(["a", "b", "c", "d", "e", "f", "g"], rows, path)
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines == [
        "a,b,c,d,e,f,g",
        '"\'=HYPERLINK(""http://x"")",\'+SUM(A1),\'-2+3,\'@cmd,plain,-1250.5,0.30000000000000004',
        "+1 (617) 555-0100,-,,true,a=b,3,12",  # a phone number, a lone sign: not formulas
    ]
    stream = io.StringIO()
    write_rows_csv(["x"], [["=1"]], stream)
    assert stream.getvalue() == "x\n'=1\n"


def test_a_guessed_city_stays_marked_as_guessed_after_a_round_trip(tmp_path: Path) -> None:
    """An account read from a near spelling is exported as ``city_guess`` (so a user can
    find and check it) and read back as such."""
    guessed = Account(
        "G-1",
        "Gator Supply",
        city="Gainsville",
        state="FL",
        latitude=29.65,
        longitude=-82.32,
        located_by=LocatedBy.CITY_GUESS,
    )
    out = tmp_path / "accounts.csv"
    write_accounts_csv([guessed], out)
    assert ",city_guess," in out.read_text(encoding="utf-8")
    back = read_accounts(out)
    assert back.accounts[0].located_by is LocatedBy.CITY_GUESS
