"""An in-memory unit of work for unit tests of the service glue (no database).

It meets :class:`territorial.services.unit_of_work.UnitOfWorkProtocol`: scenarios are
kept as copies, a change is seen by others only after ``commit()``, and leaving the
block without it rolls back, as the real unit of work does.
"""

from __future__ import annotations

import builtins
import copy
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date
from types import TracebackType

from territorial.domain import Account, Rep, Scenario, ScenarioStatus
from territorial.domain.publishing import NameClaim


@dataclass
class _State:
    accounts: list[Account] = field(default_factory=list)
    reps: list[Rep] = field(default_factory=list)
    scenarios: dict[str, Scenario] = field(default_factory=dict)
    claims: dict[str, NameClaim] = field(default_factory=dict)
    audit: list[tuple[str, str, str, object, object]] = field(default_factory=list)


class FakeAccounts:
    def __init__(self, state: _State) -> None:
        self.state = state

    def list(self, limit: int | None = None, offset: int = 0) -> builtins.list[Account]:
        ordered = sorted(self.state.accounts, key=lambda a: a.external_id)
        return ordered[offset : None if limit is None else offset + limit]

    def total(self, column: str) -> float:
        return float(sum(getattr(a, column) or 0.0 for a in self.state.accounts))

    def page(
        self,
        limit: int | None,
        offset: int = 0,
        search: str | None = None,
        only: Collection[str] | None = None,
    ) -> tuple[builtins.list[Account], int]:
        needle = (search or "").lower()
        found = [
            a for a in self.list() if needle in a.external_id.lower() or needle in a.name.lower()
        ]
        found = [a for a in found if only is None or a.external_id in only]
        return found[offset : None if limit is None else offset + limit], len(found)


class FakeReps:
    def __init__(self, state: _State) -> None:
        self.state = state

    def list(self) -> builtins.list[Rep]:
        return list(self.state.reps)


class FakeSales:
    """No sales: revenue is read from the accounts."""

    def last_date(self) -> date | None:
        return None

    def totals_since(self, since: date) -> dict[str, float]:
        return {}


class FakeScenarios:
    def __init__(self, state: _State) -> None:
        self.state = state

    def names(self, as_of: date | None = None) -> list[tuple[str, str]]:
        return [(n, s.status.value) for n, s in self.state.scenarios.items()]

    def active_name(self, as_of: date | None = None) -> str | None:
        return next(
            (n for n, s in self.state.scenarios.items() if s.status is ScenarioStatus.ACTIVE), None
        )

    def get(self, name: str, as_of: date | None = None) -> Scenario | None:
        found = self.state.scenarios.get(name)
        return copy.deepcopy(found)

    def exists(self, name: str) -> bool:
        return name in self.state.scenarios

    def save(
        self, scenario: Scenario, *, expect_version: int | None = None, by: str | None = None
    ) -> None:
        self.state.scenarios[scenario.name] = copy.deepcopy(scenario)

    def delete(self, name: str) -> None:
        self.state.scenarios.pop(name, None)

    def claim(self, claim: NameClaim, *, take_over: bool = False) -> NameClaim | None:
        held = self.state.claims.get(claim.name)
        if held is not None and held.expires_at > claim.claimed_at and not take_over:
            return held
        self.state.claims[claim.name] = claim
        return None

    def holds_claim(self, name: str, token: str) -> bool:
        held = self.state.claims.get(name)
        return held is not None and held.token == token

    def release(self, name: str, token: str) -> None:
        if self.holds_claim(name, token):
            del self.state.claims[name]


class FakeAudit:
    def __init__(self, state: _State) -> None:
        self.state = state

    def add(self, actor: str, action: str, target: str, before: object, after: object) -> None:
        self.state.audit.append((actor, action, target, before, after))


class FakeUnitOfWork:
    """``with uow:`` works on a copy of the committed state; ``commit()`` keeps it."""

    def __init__(
        self,
        accounts: list[Account],
        reps: list[Rep] | None = None,
        scenarios: list[Scenario] | None = None,
    ) -> None:
        self.committed = _State(
            list(accounts), list(reps or []), {s.name: copy.deepcopy(s) for s in scenarios or []}
        )
        self._work: _State | None = None
        self.commits = 0

    def _open(self) -> _State:
        assert self._work is not None, "use the unit of work inside `with uow:`"
        return self._work

    @property
    def accounts(self) -> FakeAccounts:
        return FakeAccounts(self._open())

    @property
    def reps(self) -> FakeReps:
        return FakeReps(self._open())

    @property
    def sales(self) -> FakeSales:
        self._open()
        return FakeSales()

    @property
    def scenarios(self) -> FakeScenarios:
        return FakeScenarios(self._open())

    @property
    def audit(self) -> FakeAudit:
        return FakeAudit(self._open())

    def __enter__(self) -> FakeUnitOfWork:
        self._work = copy.deepcopy(self.committed)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._work = None  # anything not committed is gone

    def commit(self) -> None:
        self.committed = copy.deepcopy(self._open())
        self.commits += 1

    def write_lock(self, timeout: float = 0.0) -> None:
        self._open()
