"""Finding the scenario a command acts on."""

from __future__ import annotations

from datetime import date

from territorial.domain import OptionError, Scenario, TerritorialError
from territorial.services.unit_of_work import UnitOfWorkProtocol


def resolve_scenario(
    uow: UnitOfWorkProtocol, name: str | None = None, as_of: date | None = None
) -> Scenario:
    """The scenario called ``name``, or the alignment in force on ``as_of`` (default
    today) when ``name`` is None; its status is read as of that day too."""
    if name is None:
        name = uow.scenarios.active_name(as_of)
        if name is None:
            when = f" on {as_of}" if as_of is not None else ""
            raise OptionError(
                "scenario",
                f"there is no active alignment{when}: import accounts with an owner or "
                "territory column, or name a scenario",
            )
    scenario = uow.scenarios.get(name, as_of)
    if scenario is None:
        known = ", ".join(n for n, _ in uow.scenarios.names()) or "none"
        raise TerritorialError(f"no scenario named {name!r} (scenarios: {known})")
    return scenario


def list_scenarios(uow: UnitOfWorkProtocol) -> list[tuple[str, str]]:
    """(name, status) of every scenario, oldest first."""
    return uow.scenarios.names()
