"""Repositories: load and save domain objects over one open connection."""

from __future__ import annotations

import builtins
import re
from collections.abc import Collection, Iterable, Sequence
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Any, TypeVar

from sqlalchemy import (
    ColumnElement,
    Connection,
    Select,
    Table,
    and_,
    bindparam,
    delete,
    func,
    insert,
    or_,
    select,
    update,
)
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
from territorial.domain.publishing import NameClaim, ScenarioChanged
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

    def total(self, column: str) -> float:
        """The sum of a numeric account column (0 when every value is empty)."""
        query = select(func.coalesce(func.sum(t.accounts.c[column]), 0))
        return float(self.conn.execute(query).scalar_one())

    def list(self, limit: int | None = None, offset: int = 0) -> list[Account]:
        query = select(t.accounts).order_by(t.accounts.c.external_id).offset(offset)
        if limit is not None:
            query = query.limit(limit)
        return [account_from_row(r) for r in self.conn.execute(query).mappings()]

    def page(
        self,
        limit: int | None,
        offset: int = 0,
        search: str | None = None,
        only: Collection[str] | None = None,
    ) -> tuple[builtins.list[Account], int]:
        """Accounts by external id from ``offset`` (at most ``limit``; None: all), and how
        many match: ``search`` in the id or name (case-insensitive), ``only`` these ids."""
        a = t.accounts.c
        where = []
        if search:
            needle = "%" + re.sub(r"([\\%_])", r"\\\1", search.lower()) + "%"
            where.append(
                or_(
                    func.lower(a.external_id).like(needle, escape="\\"),
                    func.lower(a.name).like(needle, escape="\\"),
                )
            )
        if only is None and not where:  # the id index gives the page; a count the total
            total = self.conn.execute(select(func.count()).select_from(t.accounts))
            query = select(t.accounts).order_by(a.external_id).offset(offset).limit(limit)
            page = self.conn.execute(query).mappings()
            return [account_from_row(r) for r in page], int(total.scalar_one())
        if only is None:  # a search: the page and the number of matches in one scan
            matches = func.count().over().label("matches")
            query = select(t.accounts, matches).where(*where).order_by(a.external_id)
            rows = self.conn.execute(query.offset(offset).limit(limit)).mappings().all()
            if rows:
                return [account_from_row(r) for r in rows], int(rows[0]["matches"])
            total = self.conn.execute(select(func.count()).select_from(t.accounts).where(*where))
            return [], int(total.scalar_one())
        ids = select(a.external_id).where(*where).order_by(a.external_id)
        kept = [e for e in self.conn.execute(ids).scalars() if e in only]
        shown = kept[offset : None if limit is None else offset + limit]
        found: builtins.list[Account] = []
        for chunk in _chunks(shown):
            query = select(t.accounts).where(a.external_id.in_(chunk)).order_by(a.external_id)
            found += [account_from_row(r) for r in self.conn.execute(query).mappings()]
        return found, len(kept)

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


PUBLISHED_STATES = (
    ScenarioStatus.SCHEDULED.value,
    ScenarioStatus.ACTIVE.value,
    ScenarioStatus.ARCHIVED.value,
)


def status_as_of(
    stored: str, effective_from: date | None, effective_to: date | None, day: date
) -> ScenarioStatus:
    """A scenario's status on ``day``: a published alignment is scheduled before its
    effective date, active while it holds and archived once the next one took over."""
    status = ScenarioStatus(stored)
    if status.value not in PUBLISHED_STATES:
        return status
    if status is ScenarioStatus.ARCHIVED and effective_to is None:
        return status  # archived before effective dates were kept
    if effective_from is not None and day < effective_from:
        return ScenarioStatus.SCHEDULED
    if effective_to is not None and day >= effective_to:
        return ScenarioStatus.ARCHIVED
    return ScenarioStatus.ACTIVE


def _today(as_of: date | None) -> date:
    return as_of or date.today()


def in_force(column: ColumnElement[Any], as_of: date | None = None) -> Select[Any]:
    """``column`` (of table ``scenarios``) of the alignment in force on ``as_of``
    (default today), at most one row: the published (or imported) scenario whose
    effective dates cover the day. The single place that answers "which alignment
    holds?" (:meth:`ScenarioRepository.active_name`; a subquery elsewhere)."""
    s = t.scenarios.c
    day = _today(as_of)
    return (
        select(column)
        .where(s.status.in_(PUBLISHED_STATES))
        .where(or_(s.effective_from.is_(None), s.effective_from <= day))
        .where(
            or_(
                s.effective_to > day,
                and_(s.effective_to.is_(None), s.status != ScenarioStatus.ARCHIVED.value),
            )
        )
        .order_by(s.effective_from.is_(None), s.effective_from.desc(), s.id.desc())
        .limit(1)
        .correlate(None)  # a subquery of its own, also inside a query of scenarios
    )


@lru_cache(maxsize=4)
def _territories_of_query(named: bool, day: date) -> Select[Any]:
    """The statement of :meth:`ScenarioRepository.territories_of` (built once a day)."""
    scenario = (
        select(t.scenarios.c.id).where(t.scenarios.c.name == bindparam("name"))
        if named
        else in_force(t.scenarios.c.id, day)
    )
    return (
        select(t.accounts.c.external_id, t.territories.c.name)
        .join(t.assignments, t.assignments.c.account_id == t.accounts.c.id)
        .join(t.territories, t.territories.c.id == t.assignments.c.territory_id)
        .where(t.assignments.c.scenario_id == scenario.scalar_subquery())
        .where(t.accounts.c.external_id.in_(bindparam("ids", expanding=True)))
    )


class ScenarioRepository:
    """Scenarios with their territories, assignments and locks.

    Statuses are read "as of" a day (default today): see :func:`status_as_of`.
    """

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def names(self, as_of: date | None = None) -> list[tuple[str, str]]:
        """(name, status on ``as_of``) of every scenario, oldest first."""
        s = t.scenarios.c
        rows = self.conn.execute(
            select(s.name, s.status, s.effective_from, s.effective_to).order_by(s.created_at)
        )
        day = _today(as_of)
        return [(n, status_as_of(st, f, to, day).value) for n, st, f, to in rows]

    def _id(self, name: str) -> int | None:
        query = select(t.scenarios.c.id).where(t.scenarios.c.name == name)
        return self.conn.execute(query).scalar_one_or_none()

    def exists(self, name: str) -> bool:
        return self._id(name) is not None

    def active_name(self, as_of: date | None = None) -> str | None:
        """The alignment in force on ``as_of`` (default today), or None.

        The single place that answers "which alignment holds?": the published (or
        imported) scenario whose effective dates cover the day.
        """
        query = in_force(t.scenarios.c.name, as_of)
        return self.conn.execute(query).scalar_one_or_none()

    def latest_published(self) -> str | None:
        """The published alignment with no successor yet (in force now or scheduled)."""
        s = t.scenarios.c
        query = (
            select(s.name)
            .where(s.status.in_((ScenarioStatus.ACTIVE.value, ScenarioStatus.SCHEDULED.value)))
            .where(s.effective_to.is_(None))
            .order_by(s.effective_from.is_(None), s.effective_from.desc(), s.id.desc())
            .limit(1)
        )
        return self.conn.execute(query).scalar_one_or_none()

    def set_effective(
        self, name: str, *, effective_from: date | None = None, effective_to: date | None = None
    ) -> None:
        """Set the first day ``name`` holds and/or the first day it no longer does."""
        values: dict[str, Any] = {}
        if effective_from is not None:
            values["effective_from"] = effective_from
        if effective_to is not None:
            values["effective_to"] = effective_to
        if values:
            self.conn.execute(update(t.scenarios).where(t.scenarios.c.name == name).values(values))

    def touch(self, name: str, by: str | None) -> None:
        """Count a change made to ``name``'s rows directly (the map editor's moves): the
        version goes up, so a save based on an older read is refused."""
        self.conn.execute(
            update(t.scenarios)
            .where(t.scenarios.c.name == name)
            .values(
                version=t.scenarios.c.version + 1,
                changed_by=by,
                changed_at=datetime.now(UTC),
            )
        )

    def version(self, name: str) -> tuple[int, str | None, datetime | None] | None:
        """(version, changed_by, changed_at) of ``name``, or None when there is none."""
        s = t.scenarios.c
        row = self.conn.execute(
            select(s.version, s.changed_by, s.changed_at).where(s.name == name)
        ).one_or_none()
        if row is None:
            return None
        return int(row[0]), row[1], _aware(row[2])

    def get(self, name: str, as_of: date | None = None) -> Scenario | None:
        """The scenario ``name`` (status on ``as_of``, default today), or None."""
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
            status=status_as_of(
                found["status"], found["effective_from"], found["effective_to"], _today(as_of)
            ),
            created_by=found["created_by"],
            created_at=found["created_at"],
            parent=parent,
            description=found["description"],
            balance_spec={str(k): float(v) for k, v in (found["balance_spec"] or {}).items()},
            effective_from=found["effective_from"],
            effective_to=found["effective_to"],
            version=int(found["version"]),
            changed_by=found["changed_by"],
            changed_at=_aware(found["changed_at"]),
        )
        rep_ext = dict(self.conn.execute(select(t.reps.c.id, t.reps.c.external_id)).all())
        terr_rows = self.conn.execute(
            select(t.territories)
            .where(t.territories.c.scenario_id == found["id"])
            .order_by(t.territories.c.id)
        ).mappings()
        for r in terr_rows:
            scenario.territories.append(
                Territory(
                    name=r["name"],
                    level=TerritoryLevel(r["level"]),
                    parent=r["parent_name"],
                    rep_external_id=rep_ext.get(r["rep_id"]) if r["rep_id"] else None,
                )
            )
        # one statement: the territory names come with the assignments that point to them
        rows = self.conn.execute(
            select(t.accounts.c.external_id, t.territories.c.name, t.assignments.c.locked)
            .join(t.accounts, t.accounts.c.id == t.assignments.c.account_id)
            .join(t.territories, t.territories.c.id == t.assignments.c.territory_id)
            .where(t.assignments.c.scenario_id == found["id"])
        )
        for ext, territory, locked in rows:
            scenario.assignments[ext] = territory
            if locked:
                scenario.locks[ext] = territory
        return scenario

    def territories_of(self, name: str | None, external_ids: Sequence[str]) -> dict[str, str]:
        """The territory of each of these accounts in scenario ``name`` (None: the
        alignment in force today; those assigned): one indexed query for a page of
        accounts instead of loading the whole scenario."""
        found: dict[str, str] = {}
        query = _territories_of_query(name is not None, date.today())
        for chunk in _chunks(external_ids):
            rows = self.conn.execute(query, {"name": name, "ids": chunk})
            found.update({str(e): str(n) for e, n in rows})
        return found

    def _bump(
        self, scenario: Scenario, scenario_id: int, expected: int | None, values: dict[str, Any]
    ) -> int:
        """Update the scenario row and its version; refuse when the version moved on."""
        query = update(t.scenarios).where(t.scenarios.c.id == scenario_id)
        if expected is not None:
            query = query.where(t.scenarios.c.version == expected)
        done = self.conn.execute(query.values(**values, version=t.scenarios.c.version + 1))
        current = self.version(scenario.name)
        found, by, at = current if current is not None else (0, None, None)
        if done.rowcount != 1:
            raise ScenarioChanged(scenario.name, expected or 0, found, by, at)
        return found

    def save(
        self, scenario: Scenario, *, expect_version: int | None = None, by: str | None = None
    ) -> None:
        """Insert or replace ``scenario`` as a whole (territories, assignments, locks).

        A scenario read from storage (``version`` > 0) is saved only if nobody saved it
        since (else :class:`ScenarioChanged`); ``expect_version`` checks an older read
        (e.g. what an editor showed). ``scenario.version`` is the new version afterwards.
        """
        if scenario.status is ScenarioStatus.ACTIVE:
            self.conn.execute(
                update(t.scenarios)
                .where(t.scenarios.c.status == ScenarioStatus.ACTIVE.value)
                .where(t.scenarios.c.name != scenario.name)
                .where(t.scenarios.c.effective_to.is_(None))
                .values(status=ScenarioStatus.ARCHIVED.value)
            )
        parent_id = self._id(scenario.parent) if scenario.parent else None
        now = datetime.now(UTC)
        by = by or scenario.created_by
        values: dict[str, Any] = {
            "name": scenario.name,
            "status": scenario.status.value,
            "created_by": scenario.created_by,
            "created_at": scenario.created_at,
            "parent_id": parent_id,
            "description": scenario.description,
            "balance_spec": dict(scenario.balance_spec),
            "changed_by": by,
            "changed_at": now,
        }
        scenario_id = self._id(scenario.name)
        if scenario_id is None:
            if expect_version:
                raise ScenarioChanged(scenario.name, expect_version, 0, None, None)
            values |= {
                "version": 1,
                "effective_from": scenario.effective_from,
                "effective_to": scenario.effective_to,
            }
            key = self.conn.execute(insert(t.scenarios).values(values)).inserted_primary_key
            assert key is not None
            scenario_id = int(key[0])
            scenario.version = 1
        else:
            expected = expect_version if expect_version is not None else scenario.version or None
            scenario.version = self._bump(scenario, scenario_id, expected, values)
            self.conn.execute(
                delete(t.assignments).where(t.assignments.c.scenario_id == scenario_id)
            )
            self.conn.execute(
                delete(t.territories).where(t.territories.c.scenario_id == scenario_id)
            )
        scenario.changed_by, scenario.changed_at = by, now
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

    # ----------------------------------------------------------------- name claims

    def claim(self, claim: NameClaim, *, take_over: bool = False) -> NameClaim | None:
        """Hold ``claim.name`` for a running design; the live claim that holds it instead
        (None when ``claim`` now holds it). Expired claims are taken over silently,
        live ones only with ``take_over``."""
        c = t.scenario_claims.c
        held = self.live_claim(claim.name, claim.claimed_at)
        if held is not None and not take_over:
            return held
        self.conn.execute(delete(t.scenario_claims).where(c.name == claim.name))
        row_values = {
            "name": claim.name,
            "token": claim.token,
            "claimed_by": claim.claimed_by,
            "claimed_at": claim.claimed_at,
            "expires_at": claim.expires_at,
        }
        self.conn.execute(insert(t.scenario_claims).values(row_values))
        return None

    def live_claim(self, name: str, now: datetime) -> NameClaim | None:
        """The claim a running design holds on ``name`` (None if none, or expired)."""
        row = (
            self.conn.execute(select(t.scenario_claims).where(t.scenario_claims.c.name == name))
            .mappings()
            .one_or_none()
        )
        if row is None:
            return None
        held = NameClaim(
            row["name"],
            row["token"],
            row["claimed_by"],
            _aware_required(row["claimed_at"]),
            _aware_required(row["expires_at"]),
        )
        return held if held.expires_at > now else None

    def holds_claim(self, name: str, token: str) -> bool:
        c = t.scenario_claims.c
        query = select(c.token).where(c.name == name)
        return self.conn.execute(query).scalar_one_or_none() == token

    def release(self, name: str, token: str) -> None:
        """Give up the claim on ``name`` if ``token`` still holds it."""
        c = t.scenario_claims.c
        self.conn.execute(delete(t.scenario_claims).where(c.name == name, c.token == token))


def _aware(value: datetime | None) -> datetime | None:
    """SQLite gives naive datetimes back; they were stored as UTC."""
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


def _aware_required(value: datetime) -> datetime:
    aware = _aware(value)
    assert aware is not None
    return aware


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

    def last_date(self) -> date | None:
        """The newest sale's date (None without sales)."""
        value = self.conn.execute(select(func.max(t.sales.c.date))).scalar_one_or_none()
        return date.fromisoformat(value) if isinstance(value, str) else value

    def totals_since(self, since: date) -> dict[str, float]:
        """Sales amount per account external id from ``since`` on (one SQL aggregate)."""
        query = (
            select(t.accounts.c.external_id, func.sum(t.sales.c.amount))
            .join(t.accounts, t.accounts.c.id == t.sales.c.account_id)
            .where(t.sales.c.date >= since)
            .group_by(t.accounts.c.external_id)
        )
        return {e: float(a or 0.0) for e, a in self.conn.execute(query)}

    def totals_between(self, start: date, end: date) -> dict[str, float]:
        """Sales amount per account external id dated ``start`` to ``end`` (one aggregate)."""
        query = (
            select(t.accounts.c.external_id, func.sum(t.sales.c.amount))
            .join(t.accounts, t.accounts.c.id == t.sales.c.account_id)
            .where(t.sales.c.date >= start, t.sales.c.date <= end)
            .group_by(t.accounts.c.external_id)
        )
        return {e: float(a or 0.0) for e, a in self.conn.execute(query)}

    def counts_by_account(self) -> dict[str, int]:
        """How many sales rows each account external id has (one SQL aggregate)."""
        query = (
            select(t.accounts.c.external_id, func.count())
            .select_from(t.sales)
            .join(t.accounts, t.accounts.c.id == t.sales.c.account_id)
            .group_by(t.accounts.c.external_id)
        )
        return {e: int(n) for e, n in self.conn.execute(query)}

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
