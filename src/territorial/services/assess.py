"""The assess use case: balance, workload, compactness and coverage of a scenario."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from territorial.domain.alignment import DEFAULT_TOLERANCE
from territorial.metrics import Assessment, AssessmentInputs, RepInfo, TravelModel, assess
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
    revenue_source: str
    defaulted_visits: int
    unlocated: int

    def to_dict(self) -> dict[str, Any]:
        data = self.assessment.to_dict()
        data["scenario"] = {"name": self.scenario, "status": self.status}
        data["data_notes"] = {
            "revenue_source": self.revenue_source,
            "accounts_with_default_visits": self.defaulted_visits,
            "unlocated_accounts_off_map": self.unlocated,
        }
        return data


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
    tolerance: float = DEFAULT_TOLERANCE,
    measures: tuple[str, ...] = ASSESSED_MEASURES,
    judged: tuple[str, ...] = JUDGED_MEASURES,
    as_of: date | None = None,
) -> ScenarioAssessment:
    """Assess ``scenario`` (default: the alignment in force on ``as_of``, default today).

    Every measure of ``measures`` (plus ``accounts`` and ``workload``) is summed and its
    balance reported per territory; only those in ``judged`` raise findings and count
    towards the territories outside tolerance.
    """
    with uow:
        found = resolve_scenario(uow, scenario, as_of)
        # a manager limited to a region: their accounts and territories only
        frame = region_frame(uow, load_frame(uow, found), drop_territories=True)
    travel = travel or TravelModel()
    inputs = assessment_inputs(frame, measures, travel)
    known = {"accounts", "workload", *measures}
    # a measure with no data (a CRM export without potential) is shown, never judged:
    # its zeros would read as perfect balance
    empty = {
        m for m in measures if m not in ("accounts", "workload") and not frame.measure(m).any()
    }
    result = assess(
        inputs, travel, tolerance, judged=[m for m in judged if m in known and m not in empty]
    )
    return ScenarioAssessment(
        scenario=found.name,
        status=found.status.value,
        assessment=result,
        revenue_source=frame.revenue_source,
        defaulted_visits=frame.defaulted_visits,
        unlocated=len(frame.unlocated),
    )
