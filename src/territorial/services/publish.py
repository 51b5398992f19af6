"""The implement step: approve a scenario, publish it with an effective date.

A scenario's history (its dates and events) is :mod:`territorial.services.history`.

A designed scenario that misses a tolerance of its ``balance_spec`` (recomputed now,
:mod:`territorial.services.balance_check`) is neither approved nor published unless
forced; a forced step records the misses in its event's note.

Publishing makes a draft or approved scenario the active alignment from an effective
date on: the alignment active until then is archived, the event is recorded with its
date and effective date, and a balance snapshot is taken so that monitoring measures
drift from the moment the alignment went live.

Publishing needs an approved scenario: a draft is refused with the reason unless the
override flag (``force``, ``--force``) is given, and an overridden step says so in its
event (``overridden`` and the note). An effective date after today *schedules* the
change: the outgoing alignment stays active until that day, and the repository answers
"which alignment holds on day D" from the effective dates (``active_name(as_of)``).
The written territory plans and the locks of the outgoing alignment carry over to the
territories of the new one that keep their name (goals are kept by territory name).

Quotas of the outgoing alignment for every period still running on the effective date
(or starting after it) are carried to the new one
(:func:`territorial.optimize.quota_carry.carry_quota_set`): the accounts that change
territory carry their share of the quota remaining on the effective date, an account's
share being its weight by the basis the quota set used
(:func:`territorial.services.quotas.account_basis`) over its territory's total; the
quota earned before the effective date stays where it was, including with territories
the new alignment no longer has; territories with the same name keep their (adjusted)
quota; new territories start at zero and get what moves in. A quota set the new
scenario already has for the same period is kept as it is (and said so).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from territorial.domain import OptionError, Scenario, ScenarioStatus, TerritorialError
from territorial.domain.publishing import QuotaTransferRecord, ScenarioEvent, ScenarioEventKind
from territorial.domain.users import Role
from territorial.optimize.quota_carry import carry_quota_set
from territorial.services import audit
from territorial.services.actor import require
from territorial.services.balance_check import BalanceCheck, check_balance
from territorial.services.carry_over import carry_locks, carry_plans, goal_notes
from territorial.services.compare import moved_accounts
from territorial.services.frame import load_frame
from territorial.services.quotas import account_basis
from territorial.services.region import in_region, require_moves_in_region, visible_accounts
from territorial.services.scenarios import resolve_scenario
from territorial.services.snapshots import PUBLISH_REASON, record_balance_snapshot
from territorial.storage import UnitOfWork


def _now(now: datetime | None) -> datetime:
    return now or datetime.now(UTC)


# --------------------------------------------------------------------------- approve


def approve_scenario(
    uow: UnitOfWork,
    name: str,
    *,
    by: str | None = None,
    now: datetime | None = None,
    force: bool = False,
) -> ScenarioEvent:
    """Mark the draft ``name`` approved (ready to publish).

    A scenario that misses a tolerance it was designed to meet is refused unless
    ``force``; a forced approval says what it missed in the event's ``note``.
    """
    by = by or require(Role.MANAGER, "approve scenarios").name
    with uow:
        uow.write_lock()
        found = resolve_scenario(uow, name)
        if found.status is ScenarioStatus.ARCHIVED:
            raise TerritorialError(f"scenario {name!r} is archived; it cannot be approved")
        if found.status is ScenarioStatus.ACTIVE:
            raise TerritorialError(f"scenario {name!r} is already the active alignment")
        if found.status is ScenarioStatus.SCHEDULED:
            raise TerritorialError(
                f"scenario {name!r} is already published (it takes effect {found.effective_from})"
            )
        if found.status is ScenarioStatus.APPROVED:
            raise TerritorialError(f"scenario {name!r} is already approved")
        if not found.assignments:
            raise TerritorialError(f"scenario {name!r} assigns no account; nothing to approve")
        require_moves_in_region(uow, found, f"approving {found.name!r}")
        check = BalanceCheck()
        if found.balance_spec:
            check = check_balance(found, load_frame(uow, found), force=force, action="approve")
        if not check.passed:
            require(Role.ADMIN, f"approve past a refusal ({check.warning()})")
        note = "" if check.passed else f"approved with --force: {check.warning()}"
        event = ScenarioEvent(
            found.name,
            ScenarioEventKind.APPROVED,
            _now(now),
            by=by,
            note=note,
            overridden=not check.passed,
        )
        uow.publishing.set_status(found.name, ScenarioStatus.APPROVED)
        uow.publishing.add_event(event)
        audit.record(
            uow,
            "approve",
            found.name,
            {"status": found.status.value},
            {"status": "approved", "forced": bool(note), "note": note or None},
        )
        uow.commit()
    return event


# --------------------------------------------------------------------------- quotas


@dataclass
class CarriedQuotas:
    """A quota set carried from the outgoing alignment to the published one."""

    period: str
    total: Decimal
    before: dict[str, Decimal]  # outgoing alignment, per territory
    after: dict[str, Decimal]  # published alignment, per territory
    transfers: list[QuotaTransferRecord]
    kept_existing: bool = False  # the published scenario had its own set for the period

    @property
    def sum_after(self) -> Decimal:
        return sum(self.after.values(), Decimal(0))

    def to_dict(self) -> dict[str, Any]:
        return {
            "period": self.period,
            "total": str(self.total),
            "sum_after": str(self.sum_after),
            "kept_existing": self.kept_existing,
            "before": {k: str(v) for k, v in self.before.items()},
            "after": {k: str(v) for k, v in self.after.items()},
            "transfers": [x.to_dict() for x in self.transfers],
        }


# --------------------------------------------------------------------------- publish


@dataclass
class PublishReport:
    """What ``territorial publish`` did."""

    scenario: str
    previous: str | None
    status_before: str
    effective: date
    published_at: datetime
    quotas: list[CarriedQuotas] = field(default_factory=list)
    moved_accounts: int = 0
    notes: list[str] = field(default_factory=list)
    balance: BalanceCheck = field(default_factory=BalanceCheck)  # misses published anyway
    scheduled: bool = False  # the effective date is after today: the change waits for it
    overridden: list[str] = field(default_factory=list)  # refusals the override went past
    plans_carried: list[str] = field(default_factory=list)  # territories whose plan followed
    locks_carried: int = 0  # locks of the previous alignment the published one holds

    @property
    def status(self) -> ScenarioStatus:
        return ScenarioStatus.SCHEDULED if self.scheduled else ScenarioStatus.ACTIVE

    def to_dict(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario,
            "status": self.status.value,
            "status_before": self.status_before,
            "previous": self.previous,
            "previous_status": None
            if not self.previous
            else (ScenarioStatus.ACTIVE if self.scheduled else ScenarioStatus.ARCHIVED).value,
            "effective": str(self.effective),
            "scheduled": self.scheduled,
            "published_at": self.published_at.isoformat(),
            "moved_accounts": self.moved_accounts,
            "balance_check": self.balance.to_dict(),
            "overridden": self.overridden,
            "plans_carried": self.plans_carried,
            "locks_carried": self.locks_carried,
            "quotas": [c.to_dict() for c in self.quotas],
            "notes": self.notes,
        }


def _publishable(found: Scenario, name: str) -> None:
    """Raise when ``found`` cannot be published whatever the date, approval or balance."""
    if found.status is ScenarioStatus.ARCHIVED:
        raise TerritorialError(
            f"scenario {name!r} is archived and cannot be published again; copy it first"
        )
    if found.status is ScenarioStatus.ACTIVE:
        raise TerritorialError(f"scenario {name!r} is already the active alignment")
    if found.status is ScenarioStatus.SCHEDULED:
        raise TerritorialError(
            f"scenario {name!r} is already published; it takes effect {found.effective_from}"
        )
    if not found.assignments:
        raise TerritorialError(f"scenario {name!r} assigns no account; nothing to publish")


def approval_refusal(found: Scenario) -> str | None:
    """Why ``found`` may not be published for want of approval (None when approved)."""
    if found.status is ScenarioStatus.APPROVED:
        return None
    return f"scenario {found.name!r} is a {found.status.value}, not approved: approve it first"


def _today(today: date | None, now: datetime | None) -> date:
    if today is not None:
        return today
    return now.date() if now is not None else date.today()


def _plan_publish(
    uow: UnitOfWork, found: Scenario, effective: date, at: datetime, *, store: bool
) -> tuple[Scenario | None, int, list[CarriedQuotas], list[str]]:
    """(previous alignment, accounts that move, quotas carried, notes) of publishing
    ``found`` from ``effective``; the carried quotas are stored only when ``store``.

    The previous alignment is the latest one published (in force or scheduled): a
    publish always follows it."""
    previous_name = uow.scenarios.latest_published()
    previous = uow.scenarios.get(previous_name) if previous_name else None
    notes: list[str] = []
    carried: list[CarriedQuotas] = []
    moved = 0
    if previous is not None:
        start = previous.effective_from
        if start is None:
            last = uow.publishing.last_published(previous.name)
            start = last.effective if last is not None else None
        if start is not None and effective < start:
            raise OptionError(
                "effective",
                f"{effective} is before {previous.name!r} takes effect ({start}); "
                f"choose {start} or later",
            )
        moved = len(moved_accounts(previous, found))
        left = sum(1 for ext in previous.assignments if ext not in found.assignments)
        if left:
            notes.append(
                f"{left} accounts of {previous.name} are not assigned in {found.name}; "
                "their quota stays with their old territory"
            )
        carried = _carry_quotas(uow, previous, found, effective, at, notes, store=store)
    return previous, moved, carried, notes


@dataclass
class PublishPreview:
    """What publishing a scenario from a date would do; nothing is stored."""

    scenario: str
    status: str
    previous: str | None
    effective: date
    moved_accounts: int
    quotas: list[CarriedQuotas]
    notes: list[str]
    balance: BalanceCheck
    scheduled: bool = False
    refusals: list[str] = field(default_factory=list)  # what only the override goes past

    def to_dict(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario,
            "status": self.status,
            "previous": self.previous,
            "effective": str(self.effective),
            "scheduled": self.scheduled,
            "moved_accounts": self.moved_accounts,
            "balance_check": self.balance.to_dict(),
            "refusals": self.refusals,
            "needs_force": bool(self.refusals),
            "quotas": [c.to_dict() for c in self.quotas],
            "notes": self.notes,
        }


def _in_region(carried: CarriedQuotas, visible: set[str]) -> CarriedQuotas:
    return replace(
        carried,
        before={k: v for k, v in carried.before.items() if in_region(k)},
        after={k: v for k, v in carried.after.items() if in_region(k)},
        transfers=[x for x in carried.transfers if x.account_external_id in visible],
    )


def preview_publish(
    uow: UnitOfWork,
    name: str,
    effective: date,
    *,
    now: datetime | None = None,
    today: date | None = None,
) -> PublishPreview:
    """A dry run of :func:`publish_scenario`: the same refusals (except those the
    override goes past, listed in ``refusals``), the accounts that move and the quota
    transfers that would follow them. Nothing is written."""
    day = _today(today, now)
    with uow:
        found = resolve_scenario(uow, name, day)
        _publishable(found, name)
        check = BalanceCheck()
        if found.balance_spec:
            check = check_balance(found, load_frame(uow, found), force=True, action="publish")
        refusals = [r for r in (approval_refusal(found), check.warning()) if r]
        previous, moved, carried, notes = _plan_publish(
            uow, found, effective, _now(now), store=False
        )
        if previous is not None:
            carry_plans(uow, previous, found, notes, store=False)
        visible = visible_accounts(uow)
        uow.rollback()
    if visible is not None:  # a manager limited to a region: its quotas and accounts
        carried = [_in_region(c, visible) for c in carried]
    return PublishPreview(
        scenario=found.name,
        status=found.status.value,
        previous=previous.name if previous else None,
        effective=effective,
        moved_accounts=moved,
        quotas=carried,
        notes=notes,
        balance=check,
        scheduled=effective > day,
        refusals=refusals,
    )


def approve_check(uow: UnitOfWork, name: str) -> BalanceCheck:
    """The balance check approving ``name`` would run now (never raises for a miss)."""
    with uow:
        found = resolve_scenario(uow, name)
        if not found.balance_spec:
            return BalanceCheck()
        return check_balance(found, load_frame(uow, found), force=True, action="approve")


def publish_scenario(
    uow: UnitOfWork,
    name: str,
    effective: date,
    *,
    by: str | None = None,
    now: datetime | None = None,
    force: bool = False,
    today: date | None = None,
) -> PublishReport:
    """Make ``name`` the alignment in force from ``effective`` on (all or nothing).

    Refused, with the reason, unless ``name`` is approved and still meets the
    tolerances it was designed to; ``force`` (the override flag) goes past both and is
    recorded in the published event. An ``effective`` date after ``today`` (default:
    the date of ``now``) schedules the change: the previous alignment stays active
    until then. Plans and locks of the territories that continue are carried over.
    """
    by = by or require(Role.MANAGER, "publish scenarios").name
    at = _now(now)
    day = _today(today, now)
    with uow:
        uow.write_lock()
        found = resolve_scenario(uow, name, day)
        _publishable(found, name)
        require_moves_in_region(uow, found, f"publishing {found.name!r}")
        status_before = found.status.value
        frame = load_frame(uow, found)
        check = BalanceCheck()
        if found.balance_spec:
            check = check_balance(found, frame, force=True, action="publish")
        overridden = [r for r in (approval_refusal(found), check.warning()) if r]
        if overridden and not force:
            raise OptionError("force", "; ".join(overridden), "publish anyway")
        if overridden:
            require(Role.ADMIN, f"publish past a refusal ({'; '.join(overridden)})")
        previous, moved, carried, notes = _plan_publish(uow, found, effective, at, store=True)
        plans: list[str] = []
        locks = 0
        if previous is not None:
            plans = carry_plans(uow, previous, found, notes, store=True)
            locks, added = carry_locks(previous, found, notes)
            if added:
                uow.scenarios.save(found, by=by)
        goal_notes(uow, found, notes)
        scheduled = effective > day
        uow.scenarios.set_effective(found.name, effective_from=effective)
        uow.publishing.set_status(
            found.name, ScenarioStatus.SCHEDULED if scheduled else ScenarioStatus.ACTIVE
        )
        uow.publishing.add_event(
            ScenarioEvent(
                found.name,
                ScenarioEventKind.PUBLISHED,
                at,
                effective=effective,
                other=previous.name if previous else None,
                by=by,
                note="; ".join(f"published with --force: {r}" for r in overridden),
                overridden=bool(overridden),
            )
        )
        if previous is not None:
            uow.scenarios.set_effective(previous.name, effective_to=effective)
            if not scheduled:
                uow.publishing.set_status(previous.name, ScenarioStatus.ARCHIVED)
            uow.publishing.add_event(
                ScenarioEvent(
                    previous.name,
                    ScenarioEventKind.ARCHIVED,
                    at,
                    effective=effective,
                    other=found.name,
                    by=by,
                )
            )
        found.status = ScenarioStatus.SCHEDULED if scheduled else ScenarioStatus.ACTIVE
        record_balance_snapshot(
            uow, found, frame, reason=f"{PUBLISH_REASON}, effective {effective}"
        )
        audit.record(
            uow,
            "publish",
            found.name,
            {"status": status_before, "active": previous.name if previous else None},
            {
                "status": found.status.value,
                "effective": effective.isoformat(),
                "moved_accounts": moved,
                "overridden": overridden or None,
            },
        )
        uow.commit()
    return PublishReport(
        scenario=found.name,
        previous=previous.name if previous else None,
        status_before=status_before,
        effective=effective,
        published_at=at,
        quotas=carried,
        moved_accounts=moved,
        notes=notes,
        balance=check,
        scheduled=scheduled,
        overridden=overridden,
        plans_carried=plans,
        locks_carried=locks,
    )


def _carry_quotas(
    uow: UnitOfWork,
    previous: Scenario,
    new: Scenario,
    effective: date,
    at: datetime,
    notes: list[str],
    *,
    store: bool = True,
) -> list[CarriedQuotas]:
    """Carry every quota set of ``previous`` still running on ``effective`` (in ``uow``;
    only computed, not stored, unless ``store``)."""
    periods = [p for p in uow.quotas.periods(previous.name) if p.end >= effective]
    if not periods:
        return []
    own = {p.label for p in uow.quotas.periods(new.name)}
    frame = load_frame(uow, previous)
    sales = uow.sales.list()
    out = []
    for spec in periods:
        qs = uow.quotas.get(previous.name, spec.label)
        assert qs is not None
        before = {q.territory: q.amount for q in qs.quotas}
        if spec.label in own:
            notes.append(
                f"{new.name} already has quotas for {spec.label}; they are kept and the "
                f"quotas of {previous.name} are not carried"
            )
            mine = uow.quotas.get(new.name, spec.label)
            assert mine is not None
            after = {q.territory: q.amount for q in mine.quotas}
            out.append(CarriedQuotas(spec.label, mine.total, before, after, [], True))
            continue
        basis = account_basis(frame, sales, qs)
        try:
            new_set, transfers = carry_quota_set(qs, previous, new, basis, effective, now=at)
        except ValueError as exc:
            raise TerritorialError(f"cannot carry the quotas of {spec.label}: {exc}") from None
        if store:
            uow.quotas.replace(new_set)
            uow.publishing.add_transfers(new.name, spec.label, transfers)
        after = {q.territory: q.amount for q in new_set.quotas}
        out.append(CarriedQuotas(spec.label, qs.total, before, after, transfers))
    return out
