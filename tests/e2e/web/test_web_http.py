"""HTTP tests: every page answers, and each JSON twin says what the services say."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from tests.e2e.web.login import logged_in

from territorial.services.assess import assess_scenario
from territorial.services.listing import list_accounts, list_reps
from territorial.services.workspace import summarise
from territorial.storage import UnitOfWork

DRAFT = "Draft B"  # made by the demo_db fixture
PAGES = [
    "/",
    "/map",
    f"/map?scenario={DRAFT}",
    "/assess",
    f"/assess?scenario={DRAFT}&tolerance=0.1",
    "/accounts",
    "/accounts?q=a&page=2",
    "/accounts/table?q=a",
    "/reps",
    "/scenarios",
]
TWINS = [
    "/api/overview",
    "/api/accounts",
    "/api/reps",
    "/api/scenarios",
    "/api/assess",
    "/api/map",
    "/api/map/states",
]


@pytest.mark.parametrize("url", PAGES)
def test_every_page_answers(client: TestClient, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 200, response.text[:500]
    assert response.headers["content-type"].startswith("text/html")
    # Offline: nothing on a page loads from another host (no CDN).
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", response.text)


@pytest.mark.parametrize("url", TWINS)
def test_every_twin_is_json(client: TestClient, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 200, response.text[:500]
    assert isinstance(response.json(), dict)


def test_overview_twin_equals_summary(client: TestClient, uow: UnitOfWork) -> None:
    with uow:
        expected = summarise(uow).to_dict()
    data = client.get("/api/overview").json()
    assert data == expected
    page = client.get("/").text
    assert f'data-testid="accounts-count">{expected["accounts"]:,}<' in page
    for territory in expected["territories"]:
        assert f"<td>{territory['name']}</td>" in page


def test_accounts_twin_pages_and_search(client: TestClient, uow: UnitOfWork) -> None:
    with uow:
        everything = list_accounts(uow, limit=None).to_dict()
        found = list_accounts(uow, limit=None, search="tech").to_dict()
    first = client.get("/api/accounts").json()
    assert first["total"] == everything["total"]
    assert first["accounts"] == everything["accounts"][:50]
    second = client.get("/api/accounts?page=2&size=20").json()
    assert second["accounts"] == everything["accounts"][20:40]
    assert second["pages"] == -(-everything["total"] // 20)
    search = client.get("/api/accounts?q=TECH&size=1000").json()
    assert search["total"] == found["total"] > 0
    assert search["accounts"] == found["accounts"]


def test_accounts_partial_for_htmx(client: TestClient) -> None:
    response = client.get("/accounts/table?q=tech", headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "<html" not in response.text and 'id="accounts-table"' in response.text
    assert response.headers["HX-Replace-Url"] == "/accounts?q=tech"


def test_reps_and_scenarios_twins(client: TestClient, uow: UnitOfWork) -> None:
    with uow:
        reps = [row.to_dict() for row in list_reps(uow)]
    assert client.get("/api/reps").json() == {"reps": reps}
    scenarios = client.get("/api/scenarios").json()
    assert scenarios["active"] == "Current"
    assert [s["name"] for s in scenarios["scenarios"]] == ["Current", DRAFT]


@pytest.mark.parametrize(("scenario", "tolerance"), [(None, 0.05), (DRAFT, 0.1)])
def test_assess_twin_equals_service(
    client: TestClient, uow: UnitOfWork, scenario: str | None, tolerance: float
) -> None:
    expected = assess_scenario(uow, scenario, tolerance=tolerance).to_dict()
    params: dict[str, str | float] = {"tolerance": tolerance}
    if scenario:
        params["scenario"] = scenario
    data = client.get("/api/assess", params=params).json()
    assert data["territories"] == expected["territories"]
    assert data["balance"] == expected["balance"]
    assert data["findings"] == expected["findings"]
    assert data == expected
    page = client.get("/assess", params=params).text
    outside = expected["summary"]["territories_outside_tolerance"]
    assert f'data-testid="outside-count">{outside}<' in page
    for finding in expected["findings"][:5]:
        assert finding["text"].replace("'", "&#39;") in page
    # competitor presence per territory: a cell each, counts as the twin says
    counts = re.findall(r'data-measure="competitor_accounts">([\d,]+)<', page)
    assert counts == [f"{r['totals']['competitor_accounts']:,.0f}" for r in expected["territories"]]
    assert sum(r["totals"]["competitor_accounts"] for r in expected["territories"]) > 0
    assert not expected["balance"]["competitors"]["judged"] and "(info)" in page


def test_map_twin_is_compact_columns_of_located_accounts(
    client: TestClient, uow: UnitOfWork, draft: tuple[str, int]
) -> None:
    with uow:
        summary = summarise(uow)
    located = summary.accounts - summary.located["unlocated"]
    data = client.get("/api/map").json()
    columns = data["accounts"]
    assert len(columns["id"]) == len(columns["lat"]) == len(columns["territory"]) == located
    assert located == data["counts"]["accounts"]
    assert len(data["reps"]) == summary.reps
    assert [(t["name"], t["accounts"]) for t in data["territories"]] == [
        (name, n) for name, _rep, n in summary.territories
    ]
    name, unassigned = draft
    other = client.get("/api/map", params={"scenario": name}).json()
    assert other["counts"]["unassigned"] == unassigned
    assert other["scenario"] == {"name": name, "status": "draft"}
    assert other["territories"][-1]["name"] == "New-1"  # an empty territory stays listed
    assert other["territories"][-1]["shape"] is None


def test_state_outlines_when_built(client: TestClient) -> None:
    data = client.get("/api/map/states").json()
    counties = Path(__file__).resolve().parents[3] / "src/territorial/geo/data/counties-10m.json"
    if counties.is_file():
        assert len(data["features"]) >= 50
    else:
        assert data["features"] == []


@pytest.mark.parametrize("url", ["/assess", "/map", "/api/assess", "/api/map"])
def test_unknown_scenario_is_404_with_reason(client: TestClient, url: str) -> None:
    response = client.get(url, params={"scenario": "Nope"})
    assert response.status_code == 404
    reason = "no scenario named &#39;Nope&#39; (scenarios: Current, Draft B)"
    if url.startswith("/api/"):
        assert response.json() == {"error": reason.replace("&#39;", "'")}
    else:
        assert reason in response.text and "<html" in response.text


def test_bad_parameters_are_400(client: TestClient) -> None:
    response = client.get("/api/accounts", params={"page": 0})
    assert response.status_code == 400
    assert response.json()["error"].startswith("page:")
    assert client.get("/assess", params={"tolerance": "lots"}).status_code == 400
    assert client.get("/api/no-such-thing").json() == {"error": "no such page: /api/no-such-thing"}


def test_empty_workspace(tmp_path: Path) -> None:
    with logged_in(str(tmp_path / "empty.db")) as empty:
        home = empty.get("/")
        assert home.status_code == 200 and "This workspace is empty" in home.text
        assert empty.get("/api/overview").json()["accounts"] == 0
        assert empty.get("/accounts").status_code == 200
        for url in ("/map", "/assess"):
            page = empty.get(url)
            assert page.status_code == 400 and "there is no active alignment" in page.text
        twin = empty.get("/api/assess")
        assert twin.status_code == 400 and "no active alignment" in twin.json()["error"]


def test_serve_command_options() -> None:
    import typer
    from typer.testing import CliRunner

    from territorial.cli import serve

    app = typer.Typer()
    serve.register(app)
    app.callback()(lambda: None)  # keep `serve` a named subcommand
    result = CliRunner().invoke(app, ["serve", "--help"])
    assert result.exit_code == 0, result.output
    for option in ("--host", "--port", "--db"):
        assert option in result.output


@pytest.mark.parametrize("path", ["/", "/api/overview", "/map", "/static/app.css", "/nope"])
def test_every_response_carries_the_security_headers(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
    policy = response.headers["content-security-policy"]
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
