"""A designed scenario is assessed against what it was designed to balance, at its own
tolerances: the assessment's "outside tolerance" then names the same territories as the
check that approve and publish run. ``--judge`` and ``--tolerance`` choose otherwise."""

from __future__ import annotations

import json

from tests.e2e.cli.conftest import run_ok as run
from tests.e2e.cli.test_balance_check_cli import copy_of_current, fail
from tests.e2e.web.login import logged_in

from territorial.services.balance_check import balance_misses
from territorial.services.frame import load_frame
from territorial.services.reports import assessment_context
from territorial.services.scenarios import resolve_scenario
from territorial.storage import UnitOfWork

SPEC = {"potential": 0.05, "workload": 0.10, "credit_limit": 0.25}


def outside(data: dict) -> set[str]:
    """Territories the assessment counts outside tolerance, from its per-row flags."""
    judged = data["summary"]["judged_tolerances"]
    return {
        row["label"]
        for row in data["territories"]
        if row["accounts"] and not all(row["within_tolerance"][m] for m in judged)
    }


def test_a_designed_plan_is_judged_by_its_own_balance(demo_db: str) -> None:
    copy_of_current(demo_db, "Designed", SPEC)
    data = json.loads(run(demo_db, "assess", "--scenario", "Designed", "--json"))
    assert data["summary"]["judged_by"] == "design"
    assert data["summary"]["judged_tolerances"] == SPEC  # a custom field included
    assert {m for m, b in data["balance"].items() if b["judged"]} == set(SPEC)
    assert data["balance"]["workload"]["tolerance"] == 0.10

    uow = UnitOfWork.open(demo_db)
    with uow:
        frame = load_frame(uow, resolve_scenario(uow, "Designed"))
    missed = {m.territory for m in balance_misses("Designed", SPEC, frame)}
    assert missed, "the demo's current alignment is far off: the check must find misses"
    assert outside(data) == missed
    assert data["summary"]["territories_outside_tolerance"] == len(missed)
    # accounts are reported, not judged: no finding quotes them
    assert all(f["measure"] != "accounts" for f in data["findings"])

    text = run(demo_db, "assess", "--scenario", "Designed")
    assert "Judged: potential ±5%; credit_limit ±25%; workload ±10% (what Designed was " in (
        " ".join(text.split())
    )


def test_the_active_alignment_keeps_the_default_measures(demo_db: str) -> None:
    data = json.loads(run(demo_db, "assess", "--json"))
    assert data["summary"]["judged_by"] == "default"
    assert data["summary"]["judged_tolerances"] == dict.fromkeys(
        ("accounts", "potential", "revenue", "workload"), 0.05
    )


def test_judge_and_tolerance_choose_what_is_judged(demo_db: str) -> None:
    copy_of_current(demo_db, "Chosen", SPEC)
    args = ("assess", "--scenario", "Chosen", "--json", "--judge", "accounts")
    data = json.loads(run(demo_db, *args, "--tolerance", "20%"))
    assert data["summary"]["judged_by"] == "chosen"
    assert data["summary"]["judged_tolerances"] == {"accounts": 0.20}
    rows = data["territories"]
    assert outside(data) == {r["label"] for r in rows if abs(r["deviation"]["accounts"]) > 0.20}
    # without --tolerance a chosen measure of the design keeps its own tolerance
    data = json.loads(run(demo_db, *args[:-1], "workload,accounts"))
    assert data["summary"]["judged_tolerances"] == {"accounts": 0.05, "workload": 0.10}

    error = fail(demo_db, "assess", "--scenario", "Chosen", "--judge", "acounts")
    assert "--judge: unknown measure 'acounts'; known measures: accounts" in error


def test_web_page_twin_and_report_say_what_is_judged(demo_db: str) -> None:
    copy_of_current(demo_db, "OnTheWeb", {"potential": 0.05, "workload": 0.10})
    with logged_in(demo_db) as client:
        page = client.get("/assess", params={"scenario": "OnTheWeb"})
        twin = client.get("/api/assess", params={"scenario": "OnTheWeb"}).json()
        blank = client.get("/assess", params={"scenario": "OnTheWeb", "tolerance": ""})
        chosen = client.get("/api/assess", params={"scenario": "OnTheWeb", "judge": "accounts"})
        wrong = client.get("/api/assess", params={"scenario": "OnTheWeb", "judge": "nope"})
    assert page.status_code == 200 and blank.status_code == 200
    assert "Judged: potential ±5%; workload ±10% (what OnTheWeb was designed to balance)" in (
        page.text
    )
    assert "Outside tolerance" in page.text  # two tolerances: no single ±x% to name
    assert '<option value="" selected>as designed</option>' in page.text
    assert twin["summary"]["judged_tolerances"] == {"potential": 0.05, "workload": 0.10}
    assert chosen.json()["summary"]["judged_tolerances"] == {"accounts": 0.05}
    assert wrong.status_code == 400 and "unknown measure 'nope'" in wrong.text

    report = assessment_context(UnitOfWork.open(demo_db), "OnTheWeb")
    assert report["judged"] == ["potential", "workload"]
    assert report["outside_label"] == "tolerance"
