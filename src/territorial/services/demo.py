"""The demo workspace: a realistic small business, generated and stored."""

from __future__ import annotations

from dataclasses import dataclass

from territorial.domain import OptionError
from territorial.domain.users import Role
from territorial.sample import generate_workspace
from territorial.services.users import ensure_user
from territorial.storage import UnitOfWork

ORIGIN_KEY = "origin"
DEMO_ORIGIN = "demo"


@dataclass
class DemoResult:
    accounts: int
    reps: int
    territories: int
    sales_rows: int
    description: str


def build_demo(uow: UnitOfWork, seed: int = 2026, *, reset: bool = False) -> DemoResult:
    """Replace the workspace's content with the demo business for ``seed``.

    A workspace that holds data of its own (not an earlier demo) is left untouched
    unless ``reset`` is true, so that the demo never overwrites real work.
    """
    workspace = generate_workspace(seed=seed)
    with uow:
        own_data = uow.accounts.count() > 0 and uow.settings.get(ORIGIN_KEY) != DEMO_ORIGIN
        if own_data and not reset:
            raise OptionError(
                "reset",
                f"{uow.url} already holds imported data; use another database",
                "replace it with the demo",
            )
        uow.clear_all()
        uow.accounts.add_many(workspace.accounts)
        uow.reps.add_many(workspace.reps)
        uow.scenarios.save(workspace.scenario)
        uow.sales.add_many(workspace.sales)
        uow.settings.set(ORIGIN_KEY, DEMO_ORIGIN)
        uow.commit()
    return DemoResult(
        accounts=len(workspace.accounts),
        reps=len(workspace.reps),
        territories=len(set(workspace.scenario.assignments.values())),
        sales_rows=len(workspace.sales),
        description=workspace.description,
    )


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: Role
    password: str
    rep: str | None


def demo_logins(uow: UnitOfWork) -> list[DemoLogin]:
    """An admin, a manager and one rep's login for the demo, each with a fresh password
    (printed at every start, so nobody has to know a default)."""
    with uow:
        reps = sorted(uow.reps.list(), key=lambda r: r.external_id)
    wanted: list[tuple[str, Role, str | None]] = [
        ("admin", Role.ADMIN, None),
        ("manager", Role.MANAGER, None),
    ]
    if reps:
        wanted.append(("rep", Role.REP, reps[0].external_id))
    logins = []
    for username, role, rep in wanted:
        _, password = ensure_user(uow, username, role, rep)
        logins.append(DemoLogin(username, role, password, rep))
    return logins
