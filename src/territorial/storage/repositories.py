"""Repositories: load and save domain objects over one open connection."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any, TypeVar

from sqlalchemy import Connection, Table, bindparam, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from territorial.domain import (
    Account,
    Rep,
    Sale,
    Scenario,
    ScenarioStatus,
    Territory,
    TerritoryLevel,
)
from territorial.storage import tables as t
from territorial.storage.records import (
    account_from_row,
    account_to_row,
    rep_from_row,
    rep_to_row,
)

CHUNK = 5000
T = TypeVar("T")


def _chunks(items: Sequence[T], size: int = CHUNK) -> Iterable[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _update_by_external_id(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """Update many rows matched on ``external_id`` in batched executemany calls."""
    if not rows:
        return
    columns = [c for c in rows[0] if c != "external_id"]
    statement = (
        update(table)
        .where(table.c.external_id == bindparam("key"))
        .values({c: bindparam(f"v_{c}") for c in columns})
    )
    params = [{"key": r["external_id"], **{f"v_{c}": r[c] for c in columns}} for r in rows]
    for chunk in _chunks(params):
        conn.execute(statement, list(chunk))


class AccountRepository:
    """Accounts, keyed by their CRM external id."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def count(self) -> int:
        return int(self.conn.execute(select(func.count()).select_from(t.accounts)).scalar_one())

    def list(self, limit: int | None = None, offset: int = 0) -> list[Account]:
        query = select(t.accounts).order_by(t.accounts.c.external_id).offset(offset)
        if limit is not None:
            query = query.limit(limit)
        return [account_from_row(r) for r in self.conn.execute(query).mappings()]

    def ids_by_external_id(self) -> dict[str, int]:
        rows = self.conn.execute(select(t.accounts.c.external_id, t.accounts.c.id))
        return {ext: pk for ext, pk in rows}

    def by_external_id(self) -> dict[str, Account]:
        return {a.external_id: a for a in self.list()}

    def add_many(self, accounts: Sequence[Account]) -> None:
        for chunk in _chunks(accounts):
            self.conn.execute(insert(t.accounts), [account_to_row(a) for a in chunk])

    def update_many(self, accounts: Sequence[Account]) -> None:
        _update_by_external_id(self.conn, t.accounts, [account_to_row(a) for a in accounts])


class RepRepository:
    """Reps, keyed by their external id."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def count(self) -> int:
        return int(self.conn.execute(select(func.count()).select_from(t.reps)).scalar_one())

    def list(self) -> list[Rep]:
        query = select(t.reps).order_by(t.reps.c.name, t.reps.c.external_id)
        return [rep_from_row(r) for r in self.conn.execute(query).mappings()]

    def ids_by_external_id(self) -> dict[str, int]:
        rows = self.conn.execute(select(t.reps.c.external_id, t.reps.c.id))
        return {ext: pk for ext, pk in rows}

    def add_many(self, reps: Sequence[Rep]) -> None:
        if reps:
            self.conn.execute(insert(t.reps), [rep_to_row(r) for r in reps])

    def update_many(self, reps: Sequence[Rep]) -> None:
        _update_by_external_id(self.conn, t.reps, [rep_to_row(r) for r in reps])


class ScenarioRepository:
    """Scenarios with their territories, assignments and locks."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def names(self) -> list[tuple[str, str]]:
        rows = self.conn.execute(
            select(t.scenarios.c.name, t.scenarios.c.status).order_by(t.scenarios.c.created_at)
        )
        return [(n, s) for n, s in rows]

    def _id(self, name: str) -> int | None:
        query = select(t.scenarios.c.id).where(t.scenarios.c.name == name)
        return self.conn.execute(query).scalar_one_or_none()

    def active_name(self) -> str | None:
        query = select(t.scenarios.c.name).where(
            t.scenarios.c.status == ScenarioStatus.ACTIVE.value
        )
        return self.conn.execute(query).scalar_one_or_none()

    def get(self, name: str) -> Scenario | None:
        row = self.conn.execute(select(t.scenarios).where(t.scenarios.c.name == name)).mappings()
        found = row.one_or_none()
        if found is None:
            return None
        parent = None
        if found["parent_id"] is not None:
            parent = self.conn.execute(
                select(t.scenarios.c.name).where(t.scenarios.c.id == found["parent_id"])
            ).scalar_one_or_none()
        scenario = Scenario(
            name=found["name"],
            status=ScenarioStatus(found["status"]),
            created_by=found["created_by"],
            created_at=found["created_at"],
            parent=parent,
            description=found["description"],
            balance_spec={str(k): float(v) for k, v in (found["balance_spec"] or {}).items()},
        )
        rep_ext = dict(self.conn.execute(select(t.reps.c.id, t.reps.c.external_id)).all())
        terr_rows = self.conn.execute(
            select(t.territories)
            .where(t.territories.c.scenario_id == found["id"])
            .order_by(t.territories.c.id)
        ).mappings()
        names: dict[int, str] = {}
        for r in terr_rows:
            names[r["id"]] = r["name"]
            scenario.territories.append(
                Territory(
                    name=r["name"],
                    level=TerritoryLevel(r["level"]),
                    parent=r["parent_name"],
                    rep_external_id=rep_ext.get(r["rep_id"]) if r["rep_id"] else None,
                )
            )
        rows = self.conn.execute(
            select(t.accounts.c.external_id, t.assignments.c.territory_id, t.assignments.c.locked)
            .join(t.accounts, t.accounts.c.id == t.assignments.c.account_id)
            .where(t.assignments.c.scenario_id == found["id"])
        )
        for ext, territory_id, locked in rows:
            scenario.assignments[ext] = names[territory_id]
            if locked:
                scenario.locks[ext] = names[territory_id]
        return scenario

    def save(self, scenario: Scenario) -> None:
        """Insert or replace ``scenario`` as a whole (territories, assignments, locks)."""
        if scenario.status is ScenarioStatus.ACTIVE:
            self.conn.execute(
                update(t.scenarios)
                .where(t.scenarios.c.status == ScenarioStatus.ACTIVE.value)
                .where(t.scenarios.c.name != scenario.name)
                .values(status=ScenarioStatus.ARCHIVED.value)
            )
        parent_id = self._id(scenario.parent) if scenario.parent else None
        values = {
            "name": scenario.name,
            "status": scenario.status.value,
            "created_by": scenario.created_by,
            "created_at": scenario.created_at,
            "parent_id": parent_id,
            "description": scenario.description,
            "balance_spec": dict(scenario.balance_spec),
        }
        scenario_id = self._id(scenario.name)
        if scenario_id is None:
            key = self.conn.execute(insert(t.scenarios).values(values)).inserted_primary_key
            assert key is not None
            scenario_id = int(key[0])
        else:
            self.conn.execute(
                update(t.scenarios).where(t.scenarios.c.id == scenario_id).values(values)
            )
            self.conn.execute(
                delete(t.assignments).where(t.assignments.c.scenario_id == scenario_id)
            )
            self.conn.execute(
                delete(t.territories).where(t.territories.c.scenario_id == scenario_id)
            )
        rep_ids = RepRepository(self.conn).ids_by_external_id()
        if scenario.territories:
            self.conn.execute(
                insert(t.territories),
                [
                    {
                        "scenario_id": scenario_id,
                        "name": terr.name,
                        "level": terr.level.value,
                        "parent_name": terr.parent,
                        "rep_id": rep_ids.get(terr.rep_external_id or ""),
                    }
                    for terr in scenario.territories
                ],
            )
        terr_ids = dict(
            self.conn.execute(
                select(t.territories.c.name, t.territories.c.id).where(
                    t.territories.c.scenario_id == scenario_id
                )
            ).all()
        )
        account_ids = AccountRepository(self.conn).ids_by_external_id()
        rows = [
            {
                "scenario_id": scenario_id,
                "account_id": account_ids[ext],
                "territory_id": terr_ids[terr],
                "locked": ext in scenario.locks,
            }
            for ext, terr in scenario.assignments.items()
        ]
        for chunk in _chunks(rows):
            self.conn.execute(insert(t.assignments), list(chunk))

    def delete(self, name: str) -> None:
        self.conn.execute(delete(t.scenarios).where(t.scenarios.c.name == name))


class SalesRepository:
    """Sales history per account."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def count(self) -> int:
        return int(self.conn.execute(select(func.count()).select_from(t.sales)).scalar_one())

    def add_many(self, sales: Sequence[Sale]) -> None:
        ids = AccountRepository(self.conn).ids_by_external_id()
        rows = [
            {
                "account_id": ids[s.account_external_id],
                "date": s.date,
                "amount": s.amount,
                "reference": s.reference,
            }
            for s in sales
        ]
        for chunk in _chunks(rows):
            self.conn.execute(insert(t.sales), list(chunk))

    def list(self, since: date | None = None) -> list[Sale]:
        query = select(
            t.accounts.c.external_id, t.sales.c.date, t.sales.c.amount, t.sales.c.reference
        ).join(t.accounts, t.accounts.c.id == t.sales.c.account_id)
        if since is not None:
            query = query.where(t.sales.c.date >= since)
        return [Sale(e, d, a, r) for e, d, a, r in self.conn.execute(query.order_by(t.sales.c.id))]


class SettingsRepository:
    """Small key/value facts about the workspace (e.g. where its data came from)."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def get(self, key: str) -> str | None:
        query = select(t.settings.c.value).where(t.settings.c.key == key)
        return self.conn.execute(query).scalar_one_or_none()

    def set(self, key: str, value: str) -> None:
        self.conn.execute(delete(t.settings).where(t.settings.c.key == key))
        self.conn.execute(insert(t.settings).values(key=key, value=value))

    def setdefault(self, key: str, value: str) -> str:
        """The stored value of ``key``, storing ``value`` first if there is none; when two
        processes race, both get the one that was stored first."""
        stored = self.get(key)
        if stored is not None:
            return stored
        try:
            with self.conn.begin_nested():
                self.conn.execute(insert(t.settings).values(key=key, value=value))
        except IntegrityError:
            pass
        stored = self.get(key)
        assert stored is not None
        return stored
