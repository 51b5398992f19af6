"""The balance a design proposes (web form default, the refusal's hint) follows the data:
potential when accounts have it, else revenue, else accounts; with workload."""

from __future__ import annotations

from dataclasses import replace

import pytest
from tests.unit.services.fakes import FakeUnitOfWork

from territorial.domain import OptionError
from territorial.sample.generate import generate_workspace
from territorial.services.design import DesignRequest, design_scenario, suggested_balance
from territorial.services.frame import has_data, load_frame


def _workspace(potential: bool, revenue: bool) -> FakeUnitOfWork:
    ws = generate_workspace(seed=5, n_accounts=120, n_reps=3, months=1)
    accounts = [
        replace(
            a,
            potential=a.potential if potential else None,
            annual_revenue=a.annual_revenue if revenue else None,
        )
        for a in ws.accounts
    ]
    return FakeUnitOfWork(accounts, ws.reps, [ws.scenario])


@pytest.mark.parametrize(
    ("potential", "revenue", "expected"),
    [
        (True, True, ("potential", "workload")),
        (False, True, ("revenue", "workload")),
        (False, False, ("accounts", "workload")),
    ],
)
def test_the_suggestion_from_sums_is_the_frames(
    potential: bool, revenue: bool, expected: tuple[str, str]
) -> None:
    uow = _workspace(potential, revenue)
    with uow:
        scenario = uow.scenarios.get(uow.scenarios.active_name() or "")
        assert scenario is not None
        frame = load_frame(uow, scenario)
        from_frame = suggested_balance(lambda m: frame.measure(m).sum() > 0)
        from_sums = suggested_balance(lambda m: has_data(uow, m))
    assert from_frame == from_sums == expected


def test_a_refused_design_suggests_the_measures_with_data() -> None:
    uow = _workspace(potential=False, revenue=True)
    with pytest.raises(OptionError, match=r"--balance revenue,workload\)"):
        design_scenario(uow, DesignRequest(name="B", territories=3, time_limit=5.0))
