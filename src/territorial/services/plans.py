"""Territory plans: Goals, Strategies, Objectives, Tactics and a SWOT, shown with the
territory's account tiers (A/B/C), its seasonal opportunity calendar, quota and goals.

Tiers are computed over all located accounts of the scenario (potential and last-12-
months revenue ranks), so an A account is an A account whichever territory holds it.
The calendar is the monthly index of the territory's own sales history: a month with
an index of 1.10 or more (10% above an average month) is a peak, 0.90 or less a low.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from territorial.domain import TerritorialError
from territorial.domain.planning import PLAN_SECTIONS, TerritoryPlan
from territorial.domain.users import Role
from territorial.io.limits import Limits, read_bounded
from territorial.io.tabular import check_text_head
from territorial.metrics.tiers import TierConfig, assign_tiers
from territorial.services import audit
from territorial.services.actor import require, require_territories
from territorial.services.frame import load_frame
from territorial.services.goals import GoalRow, list_goals
from territorial.services.quotas import find_quota_set, seasonal_index
from territorial.services.region import in_region, require_visible_territory
from territorial.services.scenarios import resolve_scenario
from territorial.services.territory_data import require_editable
from territorial.storage import UnitOfWork

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
PEAK, LOW = 1.10, 0.90


def _read_plan_text(path: Path) -> str:
    limits = Limits.from_env()
    data = read_bounded(path, limits, lambda head: check_text_head(head, str(path)))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        raise TerritorialError(f"{path}, line {line}: not UTF-8 text; save it as UTF-8") from None
    for n, line_text in enumerate(text.splitlines(), start=1):
        if len(line_text) > limits.line_chars:
            raise TerritorialError(f"{path}, line {n}: {limits.line_message()}")
    return text


def parse_plan_file(path: Path) -> dict[str, list[str]]:
    """Read a plan from JSON (``{"goals": [...], ...}``) or Markdown (``## Goals`` + items).

    The file is read within the input limits (size, line length) and must be UTF-8 text.
    """
    path = Path(path)
    text = _read_plan_text(path)
    if path.suffix.lower() == ".json":
        try:
            data = json.loads(text)
        except (json.JSONDecodeError, RecursionError) as exc:
            raise TerritorialError(f"{path}: not valid JSON ({exc})") from None
        if not isinstance(data, dict):
            raise TerritorialError(f"{path.name}: expected an object of sections")
        return {
            str(k).lower(): [str(x) for x in (v if isinstance(v, list) else [v])]
            for k, v in data.items()
        }
    sections: dict[str, list[str]] = {}
    current: str | None = None
    for n, line in enumerate(text.splitlines(), start=1):
        heading = re.match(r"^\s*#+\s*(.+?)\s*$", line)
        if heading:
            current = heading.group(1).strip().lower()
            sections.setdefault(current, [])
            continue
        item = re.sub(r"^\s*(?:[-*+]|\d+[.)])\s+", "", line).strip()
        if not item:
            continue
        if current is None:
            raise TerritorialError(f"{path.name}, line {n}: text before the first ## heading")
        sections[current].append(item)
    return sections


def edit_plan(
    uow: UnitOfWork,
    territory: str,
    sections: dict[str, list[str]],
    scenario: str | None = None,
) -> TerritoryPlan:
    """Set the given sections of a territory's plan (others are kept)."""
    require(Role.MANAGER, "edit territory plans")
    require_territories([territory], "this plan edit")
    unknown = sorted(set(sections) - set(PLAN_SECTIONS))
    if unknown:
        raise TerritorialError(
            f"unknown plan section(s) {', '.join(unknown)}; use {', '.join(PLAN_SECTIONS)}"
        )
    with uow:
        uow.write_lock()
        found = resolve_scenario(uow, scenario)
        require_editable(found)
        if found.territory(territory) is None:
            raise TerritorialError(f"no territory {territory!r} in scenario {found.name!r}")
        plan = uow.plans.get(found.name, territory) or TerritoryPlan(found.name, territory)
        before = {name: list(plan.section(name)) for name in sections}
        for name, items in sections.items():
            plan.sections[name] = [s.strip() for s in items if s.strip()]
        plan.updated_at = datetime.now(UTC)
        uow.plans.save(plan)
        after = {name: plan.section(name) for name in sections}
        audit.record(uow, "plan.edit", f"{found.name} / {territory}", before, after)
        uow.commit()
    return plan


@dataclass
class PlanView:
    """Everything ``plan show`` prints about a territory."""

    plan: TerritoryPlan
    rep: str | None
    accounts: int
    tiers: dict[str, int]
    top_accounts: list[tuple[str, str, float]]  # (external id, name, score) of A accounts
    calendar: list[tuple[str, float, str]]  # (month, index, peak|low|"")
    calendar_years: int
    quota: tuple[str, str] | None  # (period, amount)
    goals: list[GoalRow] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "scenario": self.plan.scenario,
            "territory": self.plan.territory,
            "rep": self.rep,
            "sections": {s: self.plan.section(s) for s in PLAN_SECTIONS},
            "updated_at": None if self.plan.updated_at is None else str(self.plan.updated_at),
            "accounts": self.accounts,
            "tiers": self.tiers,
            "top_accounts": [
                {"external_id": e, "name": n, "score": s} for e, n, s in self.top_accounts
            ],
            "seasonal_calendar": {
                "years": self.calendar_years,
                "months": [{"month": m, "index": i, "flag": f} for m, i, f in self.calendar],
            },
            "quota": None
            if self.quota is None
            else {"period": self.quota[0], "amount": self.quota[1]},
            "goals": [g.to_dict() for g in self.goals],
        }


def plan_territories(
    uow: UnitOfWork, scenario: str | None = None
) -> tuple[str, list[dict[str, Any]]]:
    """The scenario's name and its territories whose plans can be opened (name, rep id,
    accounts); a manager limited to a region: its territories only."""
    with uow:
        found = resolve_scenario(uow, scenario)
    counts: dict[str, int] = {}
    for terr in found.assignments.values():
        counts[terr] = counts.get(terr, 0) + 1
    return found.name, [
        {"name": t.name, "rep": t.rep_external_id, "accounts": counts.get(t.name, 0)}
        for t in found.territories
        if in_region(t.name)
    ]


def show_plan(
    uow: UnitOfWork,
    territory: str,
    scenario: str | None = None,
    tiers: TierConfig | None = None,
) -> PlanView:
    """A territory's plan with tiers, seasonal calendar, its quota and goals (a territory
    outside a limited manager's region: NoSuchTerritory, as an unknown one)."""
    require_visible_territory(territory)
    with uow:
        found = resolve_scenario(uow, scenario)
        if found.territory(territory) is None:
            names = ", ".join(t.name for t in found.territories)
            raise TerritorialError(f"no territory {territory!r} in {found.name!r} ({names})")
        plan = uow.plans.get(found.name, territory) or TerritoryPlan(found.name, territory)
        frame = load_frame(uow, found)
        sales = uow.sales.list()
        qs = find_quota_set(uow, found.name, None)
        rep = frame.rep_of(territory)
    result = assign_tiers(frame.measure("potential"), frame.measure("revenue"), tiers)
    j = frame.labels.index(territory) if territory in frame.labels else -1
    members = np.flatnonzero(frame.territory == j) if j >= 0 else np.array([], dtype=int)
    counts = {k: 0 for k in ("A", "B", "C")}
    for i in members:
        counts[result.tier[i]] += 1
    top = sorted(
        (
            (frame.accounts[i].external_id, frame.accounts[i].name, float(result.score[i]))
            for i in members
            if result.tier[i] == "A"
        ),
        key=lambda x: (-x[2], x[0]),
    )[:10]
    ids = {frame.accounts[i].external_id for i in members}
    mine = [s for s in sales if s.account_external_id in ids]
    index = seasonal_index([s.date for s in mine], [s.amount for s in mine])
    calendar = []
    for m, share in enumerate(index.shares):
        value = share * 12
        flag = "peak" if value >= PEAK else "low" if value <= LOW else ""
        calendar.append((MONTHS[m], value, flag))
    quota = None
    if qs is not None:
        tq = next((q for q in qs.quotas if q.territory == territory), None)
        if tq is not None:
            quota = (qs.period.label, str(tq.amount))
    goals = [
        g
        for g in list_goals(uow)
        if (g.record.scope == "territory" and g.record.subject == territory)
        or (rep is not None and g.record.scope == "rep" and g.record.subject == rep.external_id)
    ]
    return PlanView(
        plan=plan,
        rep=None if rep is None else rep.name,
        accounts=int(members.size),
        tiers=counts,
        top_accounts=top,
        calendar=calendar,
        calendar_years=index.years,
        quota=quota,
        goals=goals,
    )
