"""A measure with no data (a CRM export without potential) is shown but never judged:
its zeros would otherwise read as perfect balance."""

from __future__ import annotations

from dataclasses import replace

from tests.unit.services.fakes import FakeUnitOfWork

from territorial.sample.generate import generate_workspace
from territorial.services.assess import assess_scenario


def _workspace(without_potential: bool) -> FakeUnitOfWork:
    ws = generate_workspace(seed=5, n_accounts=200, n_reps=4, months=1)
    accounts = (
        [replace(a, potential=None) for a in ws.accounts] if without_potential else ws.accounts
    )
    return FakeUnitOfWork(accounts, ws.reps, [ws.scenario])


def test_potential_is_judged_when_the_accounts_have_it() -> None:
    result = assess_scenario(_workspace(False)).assessment
    assert result.is_judged("potential")


def test_a_measure_without_data_is_shown_but_not_judged() -> None:
    result = assess_scenario(_workspace(True)).assessment
    assert not result.is_judged("potential")
    assert result.is_judged("revenue") and result.is_judged("workload")
    # no finding quotes the empty measure ("total potential $0")
    assert all("potential" not in f.text for f in result.findings)
