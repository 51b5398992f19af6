"""Repositories for the implement step: scenario events, status changes, quota transfers."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal

from sqlalchemy import Connection, insert, select, update

from territorial.domain import ScenarioStatus, TerritorialError
from territorial.domain.planning import BalanceSnapshot
from territorial.domain.publishing import QuotaTransferRecord, ScenarioEvent, ScenarioEventKind
from territorial.storage import planning_tables as p
from territorial.storage import tables as t
from territorial.storage.planning_repositories import _aware, _scenario_id, snapshot_from_row


class PublishingRepository:
    """A scenario's life cycle (events, status) and the quota moved when it went live."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def set_status(self, scenario: str, status: ScenarioStatus) -> None:
        """Change only the status of ``scenario`` (its territories stay as they are)."""
        self.conn.execute(
            update(t.scenarios)
            .where(t.scenarios.c.id == _scenario_id(self.conn, scenario))
            .values(status=status.value)
        )

    def created_at(self) -> dict[str, datetime]:
        """When each scenario was created, by name."""
        rows = self.conn.execute(select(t.scenarios.c.name, t.scenarios.c.created_at))
        out = {}
        for name, created in rows:
            aware = _aware(created)
            assert aware is not None
            out[str(name)] = aware
        return out

    def add_event(self, event: ScenarioEvent) -> None:
        self.conn.execute(
            insert(p.scenario_events).values(
                scenario_id=_scenario_id(self.conn, event.scenario),
                kind=event.kind.value,
                at=event.at,
                effective_date=event.effective,
                other_scenario=event.other,
                by=event.by,
                note=event.note or None,
                overridden=event.overridden,
            )
        )

    def events(self, scenario: str | None = None) -> list[ScenarioEvent]:
        """Events of ``scenario`` (default every scenario), oldest first."""
        query = (
            select(p.scenario_events, t.scenarios.c.name)
            .join(t.scenarios, t.scenarios.c.id == p.scenario_events.c.scenario_id)
            .order_by(p.scenario_events.c.at, p.scenario_events.c.id)
        )
        if scenario is not None:
            query = query.where(t.scenarios.c.name == scenario)
        out = []
        for r in self.conn.execute(query).mappings():
            at = _aware(r["at"])
            assert at is not None
            out.append(
                ScenarioEvent(
                    scenario=r["name"],
                    kind=ScenarioEventKind(r["kind"]),
                    at=at,
                    effective=r["effective_date"],
                    other=r["other_scenario"],
                    by=r["by"],
                    note=r["note"] or "",
                    overridden=bool(r["overridden"]),
                )
            )
        return out

    def last_published(self, scenario: str) -> ScenarioEvent | None:
        """The latest publish event of ``scenario`` (None if it was never published)."""
        found = [e for e in self.events(scenario) if e.kind is ScenarioEventKind.PUBLISHED]
        return found[-1] if found else None

    def latest_snapshot(
        self, scenario: str, measure: str, reason_prefix: str
    ) -> BalanceSnapshot | None:
        """The newest balance snapshot of ``scenario`` whose reason starts with the prefix."""
        sid = _scenario_id(self.conn, scenario)
        row = (
            self.conn.execute(
                select(p.balance_snapshots)
                .where(p.balance_snapshots.c.scenario_id == sid)
                .where(p.balance_snapshots.c.measure == measure)
                .where(p.balance_snapshots.c.reason.like(f"{reason_prefix}%"))
                .order_by(p.balance_snapshots.c.taken_at.desc(), p.balance_snapshots.c.id.desc())
                .limit(1)
            )
            .mappings()
            .one_or_none()
        )
        if row is None:
            return None
        return snapshot_from_row(scenario, row)

    def _quota_set_id(self, scenario: str, period: str) -> int:
        found = self.conn.execute(
            select(p.quota_sets.c.id)
            .where(p.quota_sets.c.scenario_id == _scenario_id(self.conn, scenario))
            .where(p.quota_sets.c.period == period)
        ).scalar_one_or_none()
        if found is None:
            raise TerritorialError(f"no quotas for {period} in scenario {scenario!r}")
        return int(found)

    def add_transfers(
        self, scenario: str, period: str, transfers: Sequence[QuotaTransferRecord]
    ) -> None:
        """Record the transfers behind the quota set of ``scenario`` for ``period``."""
        if not transfers:
            return
        set_id = self._quota_set_id(scenario, period)
        self.conn.execute(
            insert(p.quota_transfers),
            [
                {
                    "quota_set_id": set_id,
                    "account_external_id": x.account_external_id,
                    "from_territory": x.from_territory,
                    "to_territory": x.to_territory,
                    "effective": x.effective,
                    "share": x.share,
                    "remaining": x.remaining,
                    "amount": str(x.amount),
                }
                for x in transfers
            ],
        )

    def transfers(self, scenario: str, period: str) -> list[QuotaTransferRecord]:
        """The transfers recorded with the quota set of ``scenario`` for ``period``."""
        set_id = self._quota_set_id(scenario, period)
        rows = self.conn.execute(
            select(p.quota_transfers)
            .where(p.quota_transfers.c.quota_set_id == set_id)
            .order_by(p.quota_transfers.c.id)
        ).mappings()
        return [
            QuotaTransferRecord(
                account_external_id=r["account_external_id"],
                from_territory=r["from_territory"],
                to_territory=r["to_territory"],
                effective=r["effective"],
                share=float(r["share"]),
                remaining=float(r["remaining"]),
                amount=Decimal(r["amount"]),
            )
            for r in rows
        ]
