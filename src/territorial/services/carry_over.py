"""What follows the territories that continue when an alignment is published.

A territory continues when the new alignment has one of the same name. Its written
plan (goals, strategies, objectives, tactics, SWOT) is copied to the new alignment
unless that one has its own; locks follow the accounts that stay in it; goals are kept
by territory name, so they follow by themselves. Tiers are properties of accounts.
"""

from __future__ import annotations

from dataclasses import replace

from territorial.domain import Scenario
from territorial.storage import UnitOfWork


def carry_plans(
    uow: UnitOfWork, previous: Scenario, new: Scenario, notes: list[str], *, store: bool
) -> list[str]:
    """Copy the written plan of every territory that continues (same name) from
    ``previous`` to ``new``, unless ``new`` has its own; the territories copied."""
    copied = []
    for territory in new.territories:
        plan = uow.plans.get(previous.name, territory.name)
        if plan is None or not any(plan.sections.values()):
            continue
        if uow.plans.get(new.name, territory.name) is not None:
            notes.append(f"{new.name} has its own plan for {territory.name}; it is kept")
            continue
        if store:
            uow.plans.save(replace(plan, scenario=new.name, sections=dict(plan.sections)))
        copied.append(territory.name)
    gone = [
        t.name
        for t in previous.territories
        if new.territory(t.name) is None and uow.plans.get(previous.name, t.name) is not None
    ]
    if gone:
        notes.append(
            f"the plans of {', '.join(gone)} stay with {previous.name}: "
            f"{new.name} has no territory of that name"
        )
    return copied


def carry_locks(previous: Scenario, new: Scenario, notes: list[str]) -> tuple[int, int]:
    """Lock in ``new`` every account locked in ``previous`` that stays in the same
    territory (by name): (locks of ``previous`` that ``new`` now holds, locks added)."""
    kept, added, dropped = 0, 0, 0
    for ext, territory in previous.locks.items():
        if new.assignments.get(ext) == territory:
            kept += 1
            if new.locks.get(ext) != territory:
                new.locks[ext] = territory
                added += 1
        else:
            dropped += 1
    if dropped:
        notes.append(
            f"{dropped} locks of {previous.name} are not carried: {new.name} puts those "
            "accounts in another territory (or none)"
        )
    return kept, added


def goal_notes(uow: UnitOfWork, new: Scenario, notes: list[str]) -> None:
    """Say which territory goals no territory of ``new`` holds (they are kept)."""
    names = {t.name for t in new.territories}
    orphans = sorted(
        {g.subject for g in uow.goals.list() if g.scope == "territory" and g.subject not in names}
    )
    if orphans:
        notes.append(
            f"goals of {', '.join(orphans)} are kept, but {new.name} has no such territory"
        )
