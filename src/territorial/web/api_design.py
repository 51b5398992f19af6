"""JSON twins of the design pages: submit a design, follow and cancel its job."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from territorial.services import jobs
from territorial.web import views_design as vd
from territorial.web.deps import Uow
from territorial.web.forms import Fields
from territorial.web.rendering import json_response

router = APIRouter(prefix="/api", tags=["design"])


@router.post("/design")
def design(uow: Uow, fields: Fields) -> Response:
    """Queue a design (the fields of `territorial design`); 202 with the job."""
    return json_response(vd.submit(uow, fields), status=202)


@router.post("/design/tradeoff")
def tradeoff(uow: Uow, fields: Fields) -> Response:
    """Queue a trade-off (fields of `territorial tradeoff`: caps, balance, tolerance,
    time_limit per cap); 202 with the job, whose result lists the points."""
    return json_response(vd.submit_tradeoff(uow, fields), status=202)


@router.get("/jobs")
def job_list(uow: Uow) -> Response:
    """The latest jobs, newest first, and the design form's choices."""
    data = vd.form(uow)
    data["jobs"] = [jobs.describe(j) for j in jobs.list_jobs(uow)]
    return json_response(data)


@router.get("/jobs/{job_id}")
def job(uow: Uow, job_id: str) -> Response:
    """One job: state, progress, result (the design outcome) or error."""
    return json_response(vd.job(uow, job_id))


@router.post("/jobs/{job_id}/cancel")
def cancel(uow: Uow, job_id: str) -> Response:
    """Cancel a queued or running job; nothing it was making is stored."""
    return json_response(vd.cancel(uow, job_id))
