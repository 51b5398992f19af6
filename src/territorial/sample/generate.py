"""The demo workspace: accounts, reps, the current (unbalanced) alignment and sales."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

import numpy as np

from territorial.domain import Account, Rep, Sale, Scenario, ScenarioStatus
from territorial.sample.accounts import generate_accounts
from territorial.sample.alignment import build_alignment
from territorial.sample.sales import generate_sales, month_starts


@dataclass
class DemoWorkspace:
    """Everything a demo needs, built in memory."""

    accounts: list[Account]
    reps: list[Rep]
    scenario: Scenario
    sales: list[Sale]
    description: str


def generate_workspace(
    seed: int = 2026,
    n_accounts: int = 2500,
    n_reps: int = 15,
    months: int = 24,
    end_month: date = date(2026, 10, 1),
) -> DemoWorkspace:
    """Build a realistic demo of an industrial-supplies distributor selling to US businesses.

    Pure and deterministic: the same arguments give exactly the same workspace.

    Parameters
    ----------
    seed
        Random seed; a different seed gives a different workspace.
    n_accounts
        Number of accounts (customers and prospects), all located in the contiguous US.
    n_reps
        Number of reps, one per leaf territory (at most 1,020).
    months
        Length of the monthly sales history.
    end_month
        Last month of the history (inclusive); any day is taken as the 1st of its month.

    Returns
    -------
    DemoWorkspace
        Accounts, reps, the active scenario "Current" and the sales history.
    """
    if n_accounts < 1 or n_reps < 1 or months < 1:
        raise ValueError("n_accounts, n_reps and months must be at least 1")
    if n_reps > n_accounts:
        raise ValueError("need at least as many accounts as reps")
    end_month = end_month.replace(day=1)

    drawn = generate_accounts(np.random.default_rng([seed, 1]), n_accounts)
    aligned = build_alignment(np.random.default_rng([seed, 2]), drawn.accounts, n_reps)
    sales = generate_sales(
        np.random.default_rng([seed, 3]), drawn.accounts, drawn.wallet_won, end_month, months
    )
    first = month_starts(end_month, months)[0]
    n_customers = sum(1 for w in drawn.wallet_won if w > 0)
    description = (
        f"Demo industrial-supplies distributor: {n_accounts} US business accounts "
        f"({n_customers} customers), {n_reps} reps, {months} months of sales "
        f"({first:%b %Y} to {end_month:%b %Y}); the current alignment is deliberately "
        f"unbalanced. Generated with seed {seed}; all names are invented."
    )
    scenario = Scenario(
        name="Current",
        status=ScenarioStatus.ACTIVE,
        created_by="demo",
        created_at=datetime(first.year, first.month, 1, tzinfo=UTC),
        description="The alignment in force today, grown from the reps' home cities.",
        territories=aligned.territories,
        assignments=aligned.assignments,
    )
    return DemoWorkspace(
        accounts=drawn.accounts,
        reps=aligned.reps,
        scenario=scenario,
        sales=sales,
        description=description,
    )
