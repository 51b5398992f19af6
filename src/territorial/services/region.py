"""Managers limited to a region of the hierarchy: what they see and what they may change.

The rule, in one place:

- A limited manager's region is a region or district of the alignment active today.
  Their territories are the region and every node under it (through ``parent``), by
  name; names are what scenarios share, so the same set applies to every scenario.
- They **see** an account when today's alignment assigns it to one of their territories:
  the accounts list, an account's page, the map, the assessment's and comparison's
  rows. Any other account is "no such account" (the web answers 404).
- They **change** something only when every territory it touches is theirs: a move's
  territory before and after, a lock's territory, a plan's, a goal's or a quota
  override's territory, and for approve and publish, the territories (today's and the
  scenario's) of every account the scenario moves. An unassigned account is in no
  region. Anything else is refused with one line naming a territory outside.
- Their **reads** of territories follow the same rule: the overview, reps, quotas, goals,
  plans, monitoring, the editor's balance table and the CSV exports show only their
  territories (a quota set's or the monitor's totals are then the region's), and a
  territory outside is "no such territory" (404). Files made for the whole company (CRM
  loads, GIS maps, PDF reports) are refused: a partial CRM load would unassign every
  other region's accounts.
- Admins, managers without a region and the CLI (a local admin) are not limited.
"""

from __future__ import annotations

from dataclasses import asdict, replace
from typing import TYPE_CHECKING, Any

from territorial.domain import TerritorialError
from territorial.domain.alignment import Scenario, TerritoryLevel
from territorial.domain.errors import NotPermitted
from territorial.domain.users import Actor, User
from territorial.services.actor import current_actor, require_territories
from territorial.storage import UnitOfWork

if TYPE_CHECKING:  # the frame pulls in the metrics (SciPy): only where it is used
    from territorial.services.frame import ScenarioFrame

REGION_LEVELS = (TerritoryLevel.REGION, TerritoryLevel.DISTRICT)


class NotVisible(TerritorialError):
    """Something that does not exist, or is outside the actor's region: the web answers 404."""


class NoSuchAccount(NotVisible):
    """No account with that id, or one outside the actor's region (the web answers 404)."""


class NoSuchTerritory(NotVisible):
    """A territory outside the actor's region (the web answers 404, as for an unknown one)."""


def limited_to() -> frozenset[str] | None:
    """The current actor's territories, or None when they are not limited to a region."""
    return current_actor().territories


def in_region(territory: str | None) -> bool:
    """Whether the current actor may see ``territory`` (everyone sees every one when
    not limited; an unassigned place is in no region)."""
    allowed = current_actor().territories
    return allowed is None or (territory is not None and territory in allowed)


def require_visible_territory(territory: str) -> None:
    """NoSuchTerritory when ``territory`` is outside the current actor's region."""
    if not in_region(territory):
        raise NoSuchTerritory(f"no territory {territory!r}")


def require_whole_company(what: str) -> None:
    """Refuse a file made for the whole company to a manager limited to a region."""
    actor = current_actor()
    if actor.territories is not None:
        raise NotPermitted(
            f"{actor.name} is limited to region {actor.region}; {what} covers the whole "
            "company (the CSV exports give your region)"
        )


def _active(uow: UnitOfWork) -> Scenario | None:
    name = uow.scenarios.active_name()
    return uow.scenarios.get(name) if name else None


def region_territories(uow: UnitOfWork, region: str) -> frozenset[str]:
    """``region`` and every territory under it in today's alignment (inside an open uow);
    an error when it is not a region or district there."""
    active = _active(uow)
    node = active.territory(region) if active else None
    if active is None or node is None or node.level not in REGION_LEVELS:
        known = sorted(
            t.name for t in (active.territories if active else []) if t.level in REGION_LEVELS
        )
        listed = ", ".join(known[:10]) or "none: the active alignment has no hierarchy"
        raise TerritorialError(
            f"no region or district {region!r} in the active alignment (known: {listed})"
        )
    children: dict[str, list[str]] = {}
    for t in active.territories:
        if t.parent:
            children.setdefault(t.parent, []).append(t.name)
    found, todo = {region}, [region]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return frozenset(found)


def actor_for(uow: UnitOfWork, user: User) -> Actor:
    """The actor for a logged-in user, with their region's territories resolved today
    (a region that no longer exists leaves them with none: they see nothing)."""
    territories: frozenset[str] | None = None
    if user.region:
        with uow:
            try:
                territories = region_territories(uow, user.region)
            except TerritorialError:
                territories = frozenset()
    return Actor(user.username, user.role, user.rep_id, user.region, territories)


def visible_accounts(uow: UnitOfWork) -> set[str] | None:
    """The accounts the current actor may see (inside an open uow); None: all of them."""
    allowed = current_actor().territories
    if allowed is None:
        return None
    active = _active(uow)
    if active is None:
        return set()
    return {a for a, t in active.assignments.items() if t in allowed}


def restrict_frame(
    frame: ScenarioFrame, keep: set[str], labels: frozenset[str] | None = None
) -> ScenarioFrame:
    """``frame`` with only the accounts in ``keep``; with ``labels``, only those
    territories too (accounts of others become unassigned), else labels unchanged, so
    that indexes into them still hold."""
    import numpy as np  # only with a frame, which has loaded it already

    mask = np.array([a.external_id in keep for a in frame.accounts], dtype=bool)
    off_mask = np.array([ext in keep for ext in frame.off_map.ids], dtype=bool)
    territory, kept = frame.territory[mask], frame.labels
    off_territory = None
    if labels is not None:
        kept = [lb for lb in frame.labels if lb in labels]
        new = {frame.labels.index(lb): i for i, lb in enumerate(kept)}
        territory = np.array([new.get(int(t), -1) for t in territory], dtype=np.int64)
        off_territory = np.array(
            [new.get(int(t), -1) for t in frame.off_map.territory], dtype=np.int64
        )
    return replace(
        frame,
        labels=kept,
        accounts=[a for a, m in zip(frame.accounts, mask, strict=True) if m],
        lat=frame.lat[mask],
        lon=frame.lon[mask],
        territory=territory,
        measures={k: v[mask] for k, v in frame.measures.items()},
        visits_per_year=frame.visits_per_year[mask],
        visit_minutes=frame.visit_minutes[mask],
        off_map=frame.off_map.keep(off_mask, off_territory),
    )


def region_frame(
    uow: UnitOfWork, frame: ScenarioFrame, *, drop_territories: bool = False
) -> ScenarioFrame:
    """``frame`` as the current actor may see it (inside an open uow): their accounts,
    and with ``drop_territories`` their territories only."""
    visible = visible_accounts(uow)
    if visible is None:
        return frame
    allowed = current_actor().territories if drop_territories else None
    return restrict_frame(frame, visible, allowed)


def region_key() -> str:
    """The current actor's territories as a cache key part ("" when not limited)."""
    allowed = current_actor().territories
    return "" if allowed is None else "\x1f".join(sorted(allowed)) + "\x1e"


def moved_territories(before: dict[str, str], after: dict[str, str]) -> set[str | None]:
    """The territories, before and after, of every account whose territory changes."""
    touched: set[str | None] = set()
    for account in before.keys() | after.keys():
        old, new = before.get(account), after.get(account)
        if old != new:
            touched.update((old, new))
    return touched


def require_moves_in_region(uow: UnitOfWork, scenario: Scenario, action: str) -> None:
    """Refuse ``action`` on ``scenario`` for a limited manager when it moves an account
    from or to a territory outside their region, against today's alignment (in a uow)."""
    if current_actor().territories is None:
        return
    active = _active(uow)
    before = active.assignments if active and active.name != scenario.name else {}
    require_territories(moved_territories(before, scenario.assignments), action)


def account_detail(uow: UnitOfWork, external_id: str) -> dict[str, Any]:
    """One account with its territory today; NoSuchAccount when it does not exist or
    is outside the current actor's region."""
    with uow:
        found = uow.accounts.by_external_id().get(external_id)
        visible = visible_accounts(uow)
        active = _active(uow)
    if found is None or (visible is not None and external_id not in visible):
        raise NoSuchAccount(f"no account {external_id!r}")
    row = asdict(found)
    row["located_by"] = found.located_by.value
    row["status"] = found.status.value if found.status else None
    row["territory"] = active.assignments.get(external_id) if active else None
    return row
