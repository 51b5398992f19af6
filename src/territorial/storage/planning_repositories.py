"""Repositories for quotas, goals, territory plans, visits and balance snapshots."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, RowMapping, delete, func, insert, select, update

from territorial.domain import Sale, TerritorialError, Visit
from territorial.domain.period import Period, QuotaSlice
from territorial.domain.planning import (
    BalanceSnapshot,
    GoalRecord,
    QuotaSet,
    TerritoryPlan,
    TerritoryQuota,
)
from territorial.storage import planning_tables as p
from territorial.storage import tables as t
from territorial.storage.repositories import AccountRepository, RepRepository, _chunks


def _scenario_id(conn: Connection, name: str) -> int:
    found = conn.execute(
        select(t.scenarios.c.id).where(t.scenarios.c.name == name)
    ).scalar_one_or_none()
    if found is None:
        raise TerritorialError(f"no scenario named {name!r}")
    return int(found)


def snapshot_from_row(scenario: str, row: RowMapping | Mapping[str, Any]) -> BalanceSnapshot:
    """A stored balance snapshot as the domain record."""
    taken = _aware(row["taken_at"])
    assert taken is not None
    return BalanceSnapshot(
        scenario,
        row["measure"],
        {str(k): float(v) for k, v in dict(row["deviations"]).items()},
        taken,
        row["reason"] or "",
    )


def _aware(value: datetime | None) -> datetime | None:
    """SQLite gives naive datetimes back; they were stored as UTC."""
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


class QuotaRepository:
    """Quota sets (one per scenario and period), their territory quotas and slices."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def replace(self, quota_set: QuotaSet) -> None:
        """Store ``quota_set``, replacing any set of the same scenario and period."""
        sid = _scenario_id(self.conn, quota_set.scenario)
        self.conn.execute(
            delete(p.quota_sets)
            .where(p.quota_sets.c.scenario_id == sid)
            .where(p.quota_sets.c.period == quota_set.period.label)
        )
        set_id = self.conn.execute(
            insert(p.quota_sets).values(
                scenario_id=sid,
                period=quota_set.period.label,
                period_start=quota_set.period.start,
                period_end=quota_set.period.end,
                total=str(quota_set.total),
                method=quota_set.method,
                unit=str(quota_set.unit),
                granularity=quota_set.granularity,
                weights=dict(quota_set.weights),
                seasonality=list(quota_set.seasonality),
                seasonality_years=quota_set.seasonality_years,
                created_at=quota_set.created_at or datetime.now(UTC),
            )
        ).inserted_primary_key[0]  # type: ignore[index]
        rep_ids = RepRepository(self.conn).ids_by_external_id()
        for q in quota_set.quotas:
            tq_id = self.conn.execute(
                insert(p.territory_quotas).values(
                    quota_set_id=set_id,
                    territory=q.territory,
                    rep_id=rep_ids.get(q.rep_external_id or ""),
                    amount=str(q.amount),
                    overridden=q.overridden,
                )
            ).inserted_primary_key[0]  # type: ignore[index]
            if q.slices:
                self.conn.execute(
                    insert(p.quota_slices),
                    [
                        {
                            "territory_quota_id": tq_id,
                            "label": s.label,
                            "start": s.start,
                            "end": s.end,
                            "amount": str(s.amount),
                        }
                        for s in q.slices
                    ],
                )

    def periods(self, scenario: str) -> list[Period]:
        """The periods with quotas in ``scenario``, by start date."""
        sid = _scenario_id(self.conn, scenario)
        rows = self.conn.execute(
            select(p.quota_sets.c.period, p.quota_sets.c.period_start, p.quota_sets.c.period_end)
            .where(p.quota_sets.c.scenario_id == sid)
            .order_by(p.quota_sets.c.period_start, p.quota_sets.c.period_end)
        )
        return [Period(start, end, label) for label, start, end in rows]

    def get(self, scenario: str, period: str) -> QuotaSet | None:
        """The quota set of ``scenario`` for ``period`` (its label), or None."""
        sid = _scenario_id(self.conn, scenario)
        row = (
            self.conn.execute(
                select(p.quota_sets)
                .where(p.quota_sets.c.scenario_id == sid)
                .where(p.quota_sets.c.period == period)
            )
            .mappings()
            .one_or_none()
        )
        if row is None:
            return None
        qs = QuotaSet(
            scenario=scenario,
            period=Period(row["period_start"], row["period_end"], row["period"]),
            total=Decimal(row["total"]),
            method=row["method"],
            unit=Decimal(row["unit"]),
            granularity=row["granularity"],
            weights=dict(row["weights"] or {}),
            seasonality=tuple(float(x) for x in row["seasonality"] or ()),
            seasonality_years=int(row["seasonality_years"]),
            created_at=_aware(row["created_at"]),
        )
        rep_ext = dict(self.conn.execute(select(t.reps.c.id, t.reps.c.external_id)).all())
        tq_rows = self.conn.execute(
            select(p.territory_quotas)
            .where(p.territory_quotas.c.quota_set_id == row["id"])
            .order_by(p.territory_quotas.c.id)
        ).mappings()
        by_id: dict[int, TerritoryQuota] = {}
        for r in tq_rows:
            tq = TerritoryQuota(
                territory=r["territory"],
                amount=Decimal(r["amount"]),
                rep_external_id=rep_ext.get(r["rep_id"]) if r["rep_id"] else None,
                overridden=bool(r["overridden"]),
            )
            by_id[r["id"]] = tq
            qs.quotas.append(tq)
        if by_id:
            slices = self.conn.execute(
                select(p.quota_slices)
                .where(p.quota_slices.c.territory_quota_id.in_(list(by_id)))
                .order_by(p.quota_slices.c.id)
            ).mappings()
            for s in slices:
                by_id[s["territory_quota_id"]].slices.append(
                    QuotaSlice(s["label"], s["start"], s["end"], Decimal(s["amount"]))
                )
        return qs


class GoalRepository:
    """SMART goals about territories and reps."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def add(self, goal: GoalRecord) -> int:
        values = {
            "scope": goal.scope,
            "subject": goal.subject,
            "metric": goal.metric,
            "baseline": goal.baseline,
            "target": goal.target,
            "start": goal.start,
            "due": goal.due,
            "owner": goal.owner,
            "description": goal.description or None,
        }
        result = self.conn.execute(insert(p.goals).values(values))
        new_id = int(result.inserted_primary_key[0])  # type: ignore[index]
        goal.id = new_id
        return new_id

    def list(self) -> list[GoalRecord]:
        rows = self.conn.execute(select(p.goals).order_by(p.goals.c.id)).mappings()
        return [
            GoalRecord(
                scope=r["scope"],
                subject=r["subject"],
                metric=r["metric"],
                baseline=float(r["baseline"]),
                target=float(r["target"]),
                start=r["start"],
                due=r["due"],
                owner=r["owner"],
                description=r["description"] or "",
                id=int(r["id"]),
            )
            for r in rows
        ]

    def delete(self, goal_id: int) -> bool:
        result = self.conn.execute(delete(p.goals).where(p.goals.c.id == goal_id))
        return bool(result.rowcount)


class PlanRepository:
    """One written plan per territory of a scenario."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def get(self, scenario: str, territory: str) -> TerritoryPlan | None:
        sid = _scenario_id(self.conn, scenario)
        row = (
            self.conn.execute(
                select(p.territory_plans)
                .where(p.territory_plans.c.scenario_id == sid)
                .where(p.territory_plans.c.territory == territory)
            )
            .mappings()
            .one_or_none()
        )
        if row is None:
            return None
        sections = {k: [str(x) for x in v] for k, v in dict(row["sections"] or {}).items()}
        return TerritoryPlan(scenario, territory, sections, _aware(row["updated_at"]))

    def save(self, plan: TerritoryPlan) -> None:
        sid = _scenario_id(self.conn, plan.scenario)
        values = {
            "scenario_id": sid,
            "territory": plan.territory,
            "sections": {k: list(v) for k, v in plan.sections.items()},
            "updated_at": plan.updated_at or datetime.now(UTC),
        }
        found = self.conn.execute(
            select(p.territory_plans.c.id)
            .where(p.territory_plans.c.scenario_id == sid)
            .where(p.territory_plans.c.territory == plan.territory)
        ).scalar_one_or_none()
        if found is None:
            self.conn.execute(insert(p.territory_plans).values(values))
        else:
            self.conn.execute(
                update(p.territory_plans).where(p.territory_plans.c.id == found).values(values)
            )


class VisitRepository:
    """Visits and activities per account, rep and date."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def count(self) -> int:
        return int(self.conn.execute(select(func.count()).select_from(t.visits)).scalar_one())

    def add_many(self, visits: Sequence[Visit]) -> None:
        accounts = AccountRepository(self.conn).ids_by_external_id()
        reps = RepRepository(self.conn).ids_by_external_id()
        rows = [
            {
                "account_id": accounts[v.account_external_id],
                "rep_id": reps.get(v.rep_external_id or ""),
                "date": v.date,
                "minutes": v.minutes,
                "kind": v.kind,
            }
            for v in visits
        ]
        for chunk in _chunks(rows):
            self.conn.execute(insert(t.visits), list(chunk))

    def list(self, since: date | None = None, until: date | None = None) -> list[Visit]:
        query = (
            select(
                t.accounts.c.external_id,
                t.visits.c.date,
                t.reps.c.external_id,
                t.visits.c.minutes,
                t.visits.c.kind,
            )
            .join(t.accounts, t.accounts.c.id == t.visits.c.account_id)
            .outerjoin(t.reps, t.reps.c.id == t.visits.c.rep_id)
        )
        if since is not None:
            query = query.where(t.visits.c.date >= since)
        if until is not None:
            query = query.where(t.visits.c.date <= until)
        rows = self.conn.execute(query.order_by(t.visits.c.id))
        return [Visit(a, d, r, m, k) for a, d, r, m, k in rows]


class SnapshotRepository:
    """Balance snapshots of a scenario (taken when reps are assigned or quotas set)."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def add(self, snapshot: BalanceSnapshot) -> None:
        self.conn.execute(
            insert(p.balance_snapshots).values(
                scenario_id=_scenario_id(self.conn, snapshot.scenario),
                measure=snapshot.measure,
                deviations=dict(snapshot.deviations),
                taken_at=snapshot.taken_at,
                reason=snapshot.reason or None,
            )
        )

    def first(self, scenario: str, measure: str) -> BalanceSnapshot | None:
        """The earliest snapshot of ``scenario`` on ``measure`` (the baseline for drift)."""
        sid = _scenario_id(self.conn, scenario)
        row = (
            self.conn.execute(
                select(p.balance_snapshots)
                .where(p.balance_snapshots.c.scenario_id == sid)
                .where(p.balance_snapshots.c.measure == measure)
                .order_by(p.balance_snapshots.c.taken_at, p.balance_snapshots.c.id)
                .limit(1)
            )
            .mappings()
            .one_or_none()
        )
        if row is None:
            return None
        return snapshot_from_row(scenario, row)


class SaleUpdates:
    """Changes to stored sales, matched on their source reference (order id)."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def update_by_reference(self, sales: Sequence[Sale]) -> None:
        """Give each stored sale with the same reference the new account, date and amount."""
        accounts = AccountRepository(self.conn).ids_by_external_id()
        for s in sales:
            self.conn.execute(
                update(t.sales)
                .where(t.sales.c.reference == s.reference)
                .values(account_id=accounts[s.account_external_id], date=s.date, amount=s.amount)
            )
