"""The assess use case: balance, workload, compactness and coverage of a scenario."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from territorial.domain import OptionError
from territorial.domain.alignment import DEFAULT_TOLERANCE
from territorial.metrics import Assessment, AssessmentInputs, RepInfo, TravelModel, assess
from territorial.services.balance_check import tolerance_text
from territorial.services.frame import ScenarioFrame, load_frame
from territorial.services.region import region_frame
from territorial.services.scenarios import resolve_scenario
from territorial.storage import UnitOfWork

ASSESSED_MEASURES = ("potential", "revenue", "competitors", "competitor_accounts")
# the measures whose tolerance the assessment judges (findings, territories outside);
# competitor presence is shown per territory but is not a balance target by default
JUDGED_MEASURES = ("accounts", "potential", "revenue", "workload")


@dataclass
class ScenarioAssessment:
    """An assessment with the scenario it describes and the data notes behind it."""

    scenario: str
    status: str
    assessment: Assessment
    judged_by: str  # "design" (its balance_spec), "default" or "chosen" (the request's)
    revenue_source: str
    defaulted_visits: int
    unlocated: int

    def to_dict(self) -> dict[str, Any]:
        data = self.assessment.to_dict()
        data["scenario"] = {"name": self.scenario, "status": self.status}
        data["summary"]["judged_by"] = self.judged_by
        data["data_notes"] = {
            "revenue_source": self.revenue_source,
            "accounts_with_default_visits": self.defaulted_visits,
            "unlocated_accounts_off_map": self.unlocated,
        }
        return data


def judged_text(data: dict[str, Any]) -> str:
    """What an assessment (:meth:`ScenarioAssessment.to_dict`) judged, in words:
    ``potential, workload ±5% (what Balanced was designed to balance)``."""
    summary = data["summary"]
    groups: dict[float, list[str]] = {}
    for measure, tolerance in summary["judged_tolerances"].items():
        groups.setdefault(tolerance, []).append(measure)
    parts = [f"{', '.join(ms)} ±{tolerance_text(t)}" for t, ms in groups.items()]
    text = "; ".join(parts) or "nothing"
    if summary["judged_by"] == "design":
        text += f" (what {data['scenario']['name']} was designed to balance)"
    return text


def outside_label(data: dict[str, Any]) -> str:
    """``±5%`` when every judged measure has that tolerance, else ``tolerance``."""
    tolerances = set(data["summary"]["judged_tolerances"].values())
    return f"±{tolerance_text(tolerances.pop())}" if len(tolerances) == 1 else "tolerance"


def rep_infos(frame: ScenarioFrame) -> list[RepInfo | None]:
    """The rep serving each territory of ``frame`` (None when vacant)."""
    infos: list[RepInfo | None] = []
    for label in frame.labels:
        rep = frame.rep_of(label)
        infos.append(
            None
            if rep is None
            else RepInfo(rep.name, rep.home_latitude, rep.home_longitude, rep.external_id)
        )
    return infos


def assessment_inputs(
    frame: ScenarioFrame, measures: tuple[str, ...], travel: TravelModel
) -> AssessmentInputs:
    hours = frame.workload(travel)
    return AssessmentInputs(
        lat=frame.lat,
        lon=frame.lon,
        measures={name: frame.measure(name) for name in measures},
        visits_per_year=frame.visits_per_year,
        visit_minutes=frame.visit_minutes,
        territory=frame.territory,
        labels=frame.labels,
        reps=rep_infos(frame),
        workload_hours=hours,
        off_map_totals={
            name: frame.off_map_totals(name, travel, hours)
            for name in ("accounts", "workload", *measures)
        }
        if frame.unlocated
        else None,
    )


def assess_scenario(
    uow: UnitOfWork,
    scenario: str | None = None,
    *,
    travel: TravelModel | None = None,
    tolerance: float | None = None,
    measures: tuple[str, ...] = ASSESSED_MEASURES,
    judged: tuple[str, ...] | None = None,
    as_of: date | None = None,
) -> ScenarioAssessment:
    """Assess ``scenario`` (default: the alignment in force on ``as_of``, default today).

    Every measure of ``measures`` (plus ``accounts`` and ``workload``) is summed and its
    balance reported per territory; only the judged ones raise findings and count
    towards the territories outside tolerance. A designed scenario is judged by what it
    was designed to balance, at its own tolerances; others by :data:`JUDGED_MEASURES`.
    ``judged`` and ``tolerance`` (one for every judged measure) override either.
    """
    with uow:
        found = resolve_scenario(uow, scenario, as_of)
        # a manager limited to a region: their accounts and territories only
        frame = region_frame(uow, load_frame(uow, found), drop_territories=True)
    spec = found.balance_spec
    basis = "chosen" if judged is not None else "design" if spec else "default"
    names = judged if judged is not None else tuple(spec) or JUDGED_MEASURES
    unknown = [m for m in names if m != "workload" and m not in frame.measures]
    if unknown and judged is not None:
        known = ", ".join(sorted({*frame.measures, "workload"}))
        raise OptionError("judge", f"unknown measure {unknown[0]!r}; known measures: {known}")
    names = tuple(m for m in names if m not in unknown)  # a field a re-import dropped
    measures = (*measures, *(m for m in names if m not in ("accounts", "workload", *measures)))
    travel = travel or TravelModel()
    inputs = assessment_inputs(frame, measures, travel)
    # a measure with no data (a CRM export without potential) is shown, never judged:
    # its zeros would read as perfect balance
    empty = {
        m for m in measures if m not in ("accounts", "workload") and not frame.measure(m).any()
    }
    default = DEFAULT_TOLERANCE if tolerance is None else tolerance
    result = assess(
        inputs,
        travel,
        default,
        judged=[m for m in names if m not in empty],
        tolerances={m: spec[m] for m in names if m in spec} if tolerance is None else None,
    )
    return ScenarioAssessment(
        scenario=found.name,
        status=found.status.value,
        assessment=result,
        judged_by=basis,
        revenue_source=frame.revenue_source,
        defaulted_visits=frame.defaulted_visits,
        unlocated=len(frame.unlocated),
    )
