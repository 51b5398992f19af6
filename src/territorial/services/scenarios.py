"""Finding the scenario a command acts on."""

from __future__ import annotations

from territorial.domain import Scenario, TerritorialError
from territorial.storage import UnitOfWork


def resolve_scenario(uow: UnitOfWork, name: str | None = None) -> Scenario:
    """The scenario called ``name``, or the active alignment when ``name`` is None."""
    if name is None:
        name = uow.scenarios.active_name()
        if name is None:
            raise TerritorialError(
                "there is no active alignment: import accounts with an owner or territory "
                "column, or name a scenario with --scenario"
            )
    scenario = uow.scenarios.get(name)
    if scenario is None:
        known = ", ".join(n for n, _ in uow.scenarios.names()) or "none"
        raise TerritorialError(f"no scenario named {name!r} (scenarios: {known})")
    return scenario


def list_scenarios(uow: UnitOfWork) -> list[tuple[str, str]]:
    """(name, status) of every scenario, oldest first."""
    return uow.scenarios.names()
