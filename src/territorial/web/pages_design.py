"""The design pages: a form for every design option, and the job that runs it."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from territorial.web import views_design as vd
from territorial.web.deps import Uow
from territorial.web.errors import BadRequest
from territorial.web.forms import Fields
from territorial.web.rendering import render

router = APIRouter(include_in_schema=False)


@router.get("/design", response_class=HTMLResponse)
def design_page(request: Request, uow: Uow) -> HTMLResponse:
    return render(request, "design.html", {"data": vd.form(uow), "json_url": "/api/jobs"})


def _submitted(
    request: Request,
    uow: Uow,
    fields: dict[str, str],
    submit: Callable[[Uow, dict[str, str]], dict[str, object]],
) -> Response:
    """Queue with ``submit`` and go to the job's page; a bad field re-shows the form."""
    try:
        job = submit(uow, fields)
    except BadRequest as exc:
        context = {
            "data": vd.form(uow),
            "json_url": "/api/jobs",
            "error": exc.reason,
            "values": fields,
        }
        return render(request, "design.html", context, status=400)
    return RedirectResponse(f"/jobs/{job['id']}", status_code=303)


@router.post("/design")
def design_submit(request: Request, uow: Uow, fields: Fields) -> Response:
    return _submitted(request, uow, fields, vd.submit)


@router.post("/design/tradeoff")
def tradeoff_submit(request: Request, uow: Uow, fields: Fields) -> Response:
    return _submitted(request, uow, fields, vd.submit_tradeoff)


def _job_context(uow: Uow, job_id: str) -> dict[str, object]:
    job = vd.job(uow, job_id)
    return {"job": job, "chart": vd.tradeoff_chart(job), "json_url": f"/api/jobs/{job_id}"}


@router.get("/jobs/{job_id}", response_class=HTMLResponse)
def job_page(request: Request, uow: Uow, job_id: str) -> HTMLResponse:
    return render(request, "job.html", _job_context(uow, job_id))


@router.get("/jobs/{job_id}/status", response_class=HTMLResponse)
def job_status(request: Request, uow: Uow, job_id: str) -> HTMLResponse:
    """The progress panel alone (htmx polls it while the job runs)."""
    return render(request, "_job_status.html", _job_context(uow, job_id))


@router.post("/jobs/{job_id}/cancel")
def job_cancel(uow: Uow, job_id: str) -> Response:
    vd.cancel(uow, job_id)
    return RedirectResponse(f"/jobs/{job_id}", status_code=303)
