"""Data of the design pages: the form's choices, a submitted design, its job."""

from __future__ import annotations

from typing import Any

from territorial.domain import OptionError, TerritorialError
from territorial.domain.design_choices import CentresRule, Objective, UnitKind, choice, choices
from territorial.metrics import TravelModel
from territorial.services import jobs
from territorial.services.design import DesignRequest, default_balance
from territorial.services.design_options import parse_fraction, parse_tolerance
from territorial.services.frame import BUILTIN_MEASURES, leaf_labels
from territorial.storage import UnitOfWork
from territorial.web.errors import BadRequest, NotFound, worded

#: Independent starts a form may ask for (seeds SEED .. SEED+starts-1; the best plan kept).
MAX_STARTS = 100
MEASURES = ("potential", "workload", "accounts", "revenue", "competitors", *BUILTIN_MEASURES)


def form(uow: UnitOfWork) -> dict[str, Any]:
    """What the design form offers, and the latest design jobs."""
    with uow:
        active = uow.scenarios.active_name()
        scenario = uow.scenarios.get(active) if active else None
        names = [name for name, _ in uow.scenarios.names()]
    return {
        "balance": ",".join(default_balance(uow)),
        "measures": list(dict.fromkeys(MEASURES)),
        "by_choices": choices(UnitKind),
        "objective_choices": choices(Objective),
        "centres_choices": choices(CentresRule),
        "scenarios": names,
        "active": active,
        "territories": len(leaf_labels(scenario)) if scenario else 10,
        "jobs": [jobs.describe(j) for j in jobs.list_jobs(uow, 20)],
    }


def _int(fields: dict[str, str], name: str, default: int, low: int, high: int) -> int:
    text = fields.get(name, "").strip()
    try:
        value = int(text) if text else default
    except ValueError:
        raise BadRequest(f"{name}: expected a whole number, got {text!r}") from None
    if not low <= value <= high:
        raise BadRequest(f"{name}: must be between {low} and {high}, got {value}")
    return value


def request_from_fields(fields: dict[str, str], default: tuple[str, ...]) -> DesignRequest:
    """The design request a form (or JSON object) describes, balancing ``default`` when
    it names no measure; 400 naming a bad field."""
    name = fields.get("name", "").strip()
    if not name:
        raise BadRequest("name: give the new scenario a name")
    given = fields.get("balance") or ""
    balance = tuple(m.strip() for m in given.replace("\n", ",").split(",") if m.strip())
    try:
        by = choice(UnitKind, fields.get("by", UnitKind.ACCOUNT), "by")
        objective = choice(Objective, fields.get("objective", Objective.TRAVEL), "objective")
        centres = choice(CentresRule, fields.get("centres", CentresRule.AUTO), "centres")
    except OptionError as exc:
        raise BadRequest(worded(exc)) from None
    try:
        time_limit = float(fields.get("time_limit", "") or 30)
        tolerance = parse_tolerance(fields.get("tolerance", "") or "5%")
        max_moves = fields.get("max_moves", "").strip()
        moves = parse_fraction(max_moves, "max_moves") if max_moves else None
    except (TerritorialError, ValueError) as exc:
        raise BadRequest(worded(exc)) from None
    if not 1 <= time_limit <= 600:
        raise BadRequest(f"time_limit: between 1 and 600 seconds, got {time_limit:g}")
    return DesignRequest(
        name=name,
        territories=_int(fields, "territories", 10, 1, 1000),
        balance=balance or default,
        tolerance=tolerance,
        by=by,
        contiguous=fields.get("contiguous", "") in ("on", "true", "1", "yes"),
        objective=objective,
        centres=centres,
        max_moves=moves,
        time_limit=time_limit,
        seed=_int(fields, "seed", 0, 0, 2**31),
        starts=_int(fields, "starts", 1, 1, MAX_STARTS),
        base=fields.get("scenario") or None,
        travel=TravelModel(),
    )


def submit(uow: UnitOfWork, fields: dict[str, str]) -> dict[str, object]:
    """Queue the design and hand it to a runner; the job as data."""
    request = request_from_fields(fields, default_balance(uow))
    try:
        job = jobs.submit_design(uow, request)
    except TerritorialError as exc:
        raise BadRequest(worded(exc)) from None
    jobs.dispatch(job, uow.engine.url.render_as_string(hide_password=False))
    return jobs.describe(job)


def submit_tradeoff(uow: UnitOfWork, fields: dict[str, str]) -> dict[str, object]:
    """Queue a trade-off (balance and travel reached per move cap)."""
    fields = {"name": "(trade-off)", "time_limit": "10", **fields}
    request = request_from_fields(fields, default_balance(uow))
    try:
        caps = [
            parse_fraction(c, "caps")
            for c in (fields.get("caps") or "0,5%,10%,20%").split(",")
            if c.strip()
        ]
        if any(c < 0 for c in caps):
            raise TerritorialError("caps: a move cap is 0 or more")
        job = jobs.submit_tradeoff(uow, request, caps)
    except TerritorialError as exc:
        raise BadRequest(worded(exc)) from None
    jobs.dispatch(job, uow.engine.url.render_as_string(hide_password=False))
    return jobs.describe(job)


def tradeoff_chart(job: dict[str, Any]) -> dict[str, Any] | None:
    """Chart.js config of a finished trade-off: worst deviation and mean km per cap."""
    result = job.get("result")
    if job.get("kind") != "tradeoff" or not isinstance(result, dict):
        return None
    points = result["points"]
    labels = [
        f"{p['max_moves']:.0%}" if 0 < p["max_moves"] < 1 else f"{p['max_moves']:g}" for p in points
    ]
    worst = [round(100 * max(p["max_deviation"].values()), 1) for p in points]
    km = [
        None if p["mean_distance_km"] is None else round(p["mean_distance_km"], 1) for p in points
    ]
    return {
        "type": "bar",
        "data": {
            "labels": labels,
            "datasets": [
                {"type": "bar", "label": "worst deviation %", "data": worst, "yAxisID": "y"},
                {"type": "line", "label": "mean km to centre", "data": km, "yAxisID": "y1"},
            ],
        },
        "options": {
            "scales": {
                "y": {"position": "left", "beginAtZero": True},
                "y1": {
                    "position": "right",
                    "beginAtZero": True,
                    "grid": {"drawOnChartArea": False},
                },
            }
        },
        "pl_format": {"y": "pct"},
    }


def job(uow: UnitOfWork, job_id: str) -> dict[str, object]:
    try:
        return jobs.describe(jobs.get_job(uow, job_id))
    except TerritorialError as exc:
        raise NotFound(worded(exc)) from None


def cancel(uow: UnitOfWork, job_id: str) -> dict[str, object]:
    job(uow, job_id)  # 404 first
    try:
        return jobs.describe(jobs.cancel(uow, job_id))
    except TerritorialError as exc:
        raise BadRequest(worded(exc)) from None
