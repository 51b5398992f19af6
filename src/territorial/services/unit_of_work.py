"""What the service glue needs of storage, as a protocol (cosmicpython's unit of work).

:class:`territorial.storage.UnitOfWork` meets it on SQLite and PostgreSQL; the tests'
in-memory fake meets it too, so the glue between a request and the pure engine (loading,
checking, naming, storing) runs in unit tests without a database. Only the repositories'
methods the services typed against it call are listed.
"""

from __future__ import annotations

import builtins
from collections.abc import Collection
from datetime import date
from types import TracebackType
from typing import Protocol

from territorial.domain import Account, Rep, Scenario
from territorial.domain.publishing import NameClaim


class AccountStore(Protocol):
    def list(self, limit: int | None = None, offset: int = 0) -> list[Account]: ...

    def total(self, column: str) -> float: ...

    def page(
        self,
        limit: int | None,
        offset: int = 0,
        search: str | None = None,
        only: Collection[str] | None = None,
    ) -> tuple[builtins.list[Account], int]: ...


class RepStore(Protocol):
    def list(self) -> list[Rep]: ...


class SalesStore(Protocol):
    def last_date(self) -> date | None: ...

    def totals_since(self, since: date) -> dict[str, float]: ...


class ScenarioStore(Protocol):
    def names(self, as_of: date | None = None) -> list[tuple[str, str]]: ...

    def active_name(self, as_of: date | None = None) -> str | None: ...

    def get(self, name: str, as_of: date | None = None) -> Scenario | None: ...

    def exists(self, name: str) -> bool: ...

    def save(
        self, scenario: Scenario, *, expect_version: int | None = None, by: str | None = None
    ) -> None: ...

    def delete(self, name: str) -> None: ...

    def claim(self, claim: NameClaim, *, take_over: bool = False) -> NameClaim | None: ...

    def holds_claim(self, name: str, token: str) -> bool: ...

    def release(self, name: str, token: str) -> None: ...


class AuditStore(Protocol):
    def add(self, actor: str, action: str, target: str, before: object, after: object) -> None: ...


class UnitOfWorkProtocol(Protocol):
    """One transaction over the repositories: ``with uow:``, then ``commit()`` or nothing."""

    @property
    def accounts(self) -> AccountStore: ...

    @property
    def reps(self) -> RepStore: ...

    @property
    def sales(self) -> SalesStore: ...

    @property
    def scenarios(self) -> ScenarioStore: ...

    @property
    def audit(self) -> AuditStore: ...

    def __enter__(self) -> object: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    def commit(self) -> None: ...

    def write_lock(self, timeout: float = ...) -> None: ...
