"""A city read from another spelling is marked on the accounts page, so that a manager
can find and check it."""

from __future__ import annotations

from pathlib import Path

from tests.e2e.web.login import logged_in

from territorial.services.imports import import_accounts
from territorial.services.workspace import open_workspace


def test_the_accounts_page_marks_a_guessed_city(tmp_path: Path) -> None:
    db = str(tmp_path / "guess.db")
    csv = tmp_path / "accounts.csv"
    csv.write_text(
        "Id,Name,BillingCity,BillingState\n1,Gator Supply,Gainsville,FL\n2,Bay Tools,Tampa,FL\n",
        encoding="utf-8",
    )
    import_accounts(open_workspace(db), csv)
    with logged_in(db) as client:
        page = client.get("/accounts").text
        data = client.get("/api/accounts").json()
    rows = {r["external_id"]: r for r in data["accounts"]}
    assert rows["1"]["located_by"] == "city_guess" and rows["2"]["located_by"] == "city"
    gator = page[page.index("Gator Supply") :]
    assert "city guessed" in gator[: gator.index("</tr>")]
    bay = page[page.index("Bay Tools") :]
    assert "city guessed" not in bay[: bay.index("</tr>")]


def test_the_import_preview_says_in_words_how_accounts_are_placed(tmp_path: Path) -> None:
    db = str(tmp_path / "preview.db")
    open_workspace(db)
    body = b"Id,Name,BillingCity,BillingState\n1,Gator Supply,Gainsville,FL\n2,Bay Tools,Tampa,FL\n"
    with logged_in(db) as client:
        page = client.post("/import", files={"file": ("accounts.csv", body, "text/csv")}).text
    assert "1 by city, 1 by a guessed city" in page, page
