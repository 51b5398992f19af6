"""Domain model: plain dataclasses and rules, no storage, web or file I/O."""

from territorial.domain.account import Account, AccountStatus, LocatedBy
from territorial.domain.activity import Sale, Visit
from territorial.domain.alignment import (
    DEFAULT_TOLERANCE,
    Scenario,
    ScenarioStatus,
    Territory,
    TerritoryLevel,
)
from territorial.domain.errors import InputRejected, OptionError, Problem, TerritorialError
from territorial.domain.rep import Rep

__all__ = [
    "DEFAULT_TOLERANCE",
    "Account",
    "AccountStatus",
    "InputRejected",
    "LocatedBy",
    "OptionError",
    "Problem",
    "Rep",
    "Sale",
    "Scenario",
    "ScenarioStatus",
    "TerritorialError",
    "Territory",
    "TerritoryLevel",
    "Visit",
]
