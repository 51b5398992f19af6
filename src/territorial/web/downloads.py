"""Downloads of the CRM files, the GIS files and the reports (``/downloads/...``,
``/reports/...``), listed on the exports page and in its JSON twin.

Each is built by a job (services/job_files.py), started by a POST (a button; the JSON
twins under ``/api``): a GET answers with the file when a job has built it for the same
inputs and today's data, with the job's page while one builds it, else with a page whose
button builds it, so following a link never starts work. The job's page shows the
progress and then offers the file (``/jobs/{id}/file``)."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import RedirectResponse, Response

from territorial.domain import TerritorialError
from territorial.domain.errors import NotPermitted
from territorial.services import jobs
from territorial.services.job_files import (
    FileRequest,
    find_file,
    media_type,
    request_file,
    result_file,
)
from territorial.web import views
from territorial.web.dates import parse_day
from territorial.web.deps import Uow
from territorial.web.errors import BadRequest, NotFound, worded
from territorial.web.forms import Fields
from territorial.web.rendering import json_response, render

__all__ = ["download_items", "router"]

router = APIRouter(tags=["downloads"])
Text = Annotated[str | None, Query()]

#: name, label, description, file suffix, extra parameters of the form.
DOWNLOADS: tuple[tuple[str, str, str, str, tuple[str, ...]], ...] = (
    (
        "salesforce",
        "Salesforce Territory Management",
        "Data Loader CSVs and a README (load order, ids), as a zip; for a scenario that is not "
        "the published one, only the associations to delete and insert.",
        ".zip",
        (),
    ),
    (
        "hubspot",
        "HubSpot companies",
        "Record ID, Company name, Company owner, Territory.",
        ".csv",
        (),
    ),
    (
        "zoho",
        "Zoho CRM accounts",
        "Record Id, Account Name, Account Owner, Territories.",
        ".csv",
        (),
    ),
    (
        "geojson",
        "GeoJSON map",
        "Territories with their metrics and accounts, WGS 84.",
        ".geojson",
        (),
    ),
    (
        "kml",
        "KML map",
        "For Google Earth: coloured territories and account placemarks.",
        ".kml",
        (),
    ),
    ("gpkg", "GeoPackage map", "Layers territories and accounts for QGIS or ArcGIS.", ".gpkg", ()),
    (
        "assessment",
        "Assessment report",
        "Balance, findings, coverage gaps and the map.",
        ".pdf",
        (),
    ),
    (
        "compare",
        "Comparison report",
        "Before and after the published alignment: maps, "
        "balance, what changes for each rep, the moves.",
        ".pdf",
        (),
    ),
    (
        "rep-pack",
        "Rep pack",
        "A rep's map, accounts by tier with addresses, goals and quota "
        "by month (HTML is a page of its own).",
        ".pdf",
        ("rep", "period"),
    ),
    (
        "monitoring",
        "Monitoring report",
        "Attainment, pace and alerts for a period.",
        ".pdf",
        ("period", "as_of"),
    ),
)
_KIND = {d[0]: d for d in DOWNLOADS}


def download_items(scenario: str | None) -> list[dict[str, Any]]:
    """The downloads for the exports page: name, label, description, URL, parameters."""
    query = f"?{urlencode({'scenario': scenario})}" if scenario else ""
    return [
        {
            "name": name,
            "label": label,
            "description": text,
            "params": list(params),
            "url": f"{'/reports' if suffix == '.pdf' else '/downloads'}/{name}{suffix}{query}",
        }
        for name, label, text, suffix, params in DOWNLOADS
    ]


# An HTML report is a document of its own, shown in the browser: its styles are inline
# (the same file is printed to PDF and read offline), so it gets a policy of its own that
# allows inline styles and nothing else: no script, no request, sandboxed.
REPORT_POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:; "
    "sandbox; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
)


def _file(filename: str, content: bytes) -> Response:
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", filename)
    media = media_type(safe)
    headers = {"Content-Disposition": f'attachment; filename="{safe}"'}
    if media.startswith("text/html"):
        headers = {
            "Content-Disposition": f'inline; filename="{safe}"',
            "Content-Security-Policy": REPORT_POLICY,
        }
    return Response(content, media_type=media, headers=headers)


def _job_of(uow: Uow, request: FileRequest, *, start: bool) -> dict[str, Any] | None:
    """The job that builds ``request``'s file (a finished or running one reused); with
    ``start``, a new one when there is none, else None."""
    try:
        if not start:
            found = find_file(uow, request)
            return None if found is None else {**jobs.describe(found), "reused": True}
        job, reused = request_file(uow, request)
    except NotPermitted:
        raise  # a manager limited to a region: a file for the whole company (403)
    except TerritorialError as exc:
        raise BadRequest(worded(exc)) from None
    return {**jobs.describe(job), "reused": reused}


def _served(request: Request, uow: Uow, wanted: FileRequest) -> Response:
    """GET: the file when a job has built it for these inputs and this data, the job's
    page (303) while one builds it, else a page whose button (a POST) builds it: a
    link followed by a crawler or a prefetch starts no work."""
    job = _job_of(uow, wanted, start=False)
    if job is None:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        context = {"target": target, "filename": wanted.filename, "what": wanted.what}
        return render(request, "build_file.html", context)
    if job["state"] == "done":
        return _file(*result_file(uow, str(job["id"])))
    return RedirectResponse(f"/jobs/{job['id']}", status_code=303)


def _started(uow: Uow, wanted: FileRequest) -> Response:
    """POST: start the job (or reuse one); its page, or its file once built (303)."""
    job = _job_of(uow, wanted, start=True)
    assert job is not None
    done = job["state"] == "done"
    return RedirectResponse(f"/jobs/{job['id']}{'/file' if done else ''}", status_code=303)


def _merged(query: dict[str, str | None], fields: dict[str, str]) -> dict[str, str | None]:
    """The parameters of a POST: the query's, then the form's (a form's fields win)."""
    return {k: fields.get(k) or v for k, v in query.items()}


def _export_request(uow: Uow, name: str, suffix: str, scenario: str | None) -> FileRequest:
    spec = _KIND.get(name)
    if spec is None or spec[3] != f".{suffix}" or spec[3] == ".pdf":
        raise NotFound(f"no download {name}.{suffix}")
    scen = views.scenario_name(uow, scenario) if scenario else None
    return FileRequest(name, suffix, scenario=scen)


@dataclass(frozen=True)
class ReportInputs:
    """What a report is asked for with: the query's parameters."""

    scenario: str | None = None
    other: str | None = None
    rep: str | None = None
    period: str | None = None
    as_of: str | None = None

    def merged(self, fields: dict[str, str]) -> ReportInputs:
        """A POST's inputs: the form's fields win over the query's."""
        return ReportInputs(**_merged(asdict(self), fields))


def _report_inputs(
    scenario: Text = None,
    other: Text = None,
    rep: Text = None,
    period: Text = None,
    as_of: Text = None,
) -> ReportInputs:
    return ReportInputs(scenario, other, rep, period, as_of)


ReportQuery = Annotated[ReportInputs, Depends(_report_inputs)]


def _report_request(uow: Uow, kind: str, suffix: str, inputs: ReportInputs) -> FileRequest:
    if kind not in _KIND or _KIND[kind][3] != ".pdf" or suffix not in ("pdf", "html"):
        raise NotFound(f"no report {kind}.{suffix}")
    day = parse_day(inputs.as_of, "as_of")
    scen = views.scenario_name(uow, inputs.scenario) if inputs.scenario else None
    before, after = scen, inputs.other or None
    if kind == "compare":
        before, after = None, inputs.other or scen
        if after is None:
            raise BadRequest("compare needs a scenario to compare with the published one")
    return FileRequest(
        kind,
        suffix,
        scenario=before,
        other=after,
        rep=inputs.rep or None,
        period=inputs.period or None,
        as_of=None if day is None else day.isoformat(),
    )


@router.get("/downloads/{name}.{suffix}")
def crm_or_map(
    request: Request, uow: Uow, name: str, suffix: str, scenario: Text = None
) -> Response:
    """A CRM file (salesforce.zip, hubspot.csv, zoho.csv) or a map (geojson, kml, gpkg):
    the file once a job built it for today's data, the job's page while it runs, else a
    page with the button that builds it."""
    return _served(request, uow, _export_request(uow, name, suffix, scenario))


@router.post("/downloads/{name}.{suffix}")
def crm_or_map_build(
    uow: Uow, fields: Fields, name: str, suffix: str, scenario: Text = None
) -> Response:
    """Build the file (a job; one built or building for today's data is reused)."""
    scen = _merged({"scenario": scenario}, fields)["scenario"]
    return _started(uow, _export_request(uow, name, suffix, scen))


@router.get("/reports/{kind}.{suffix}")
def report(request: Request, uow: Uow, kind: str, suffix: str, inputs: ReportQuery) -> Response:
    """A report as PDF or HTML (see :func:`crm_or_map`). ``compare`` compares the
    published alignment with ``scenario`` (or ``other``); ``rep-pack`` needs ``rep``."""
    return _served(request, uow, _report_request(uow, kind, suffix, inputs))


@router.post("/reports/{kind}.{suffix}")
def report_build(uow: Uow, fields: Fields, kind: str, suffix: str, inputs: ReportQuery) -> Response:
    """Build the report (a job; see :func:`crm_or_map_build`); the parameters come from
    the query or the form."""
    return _started(uow, _report_request(uow, kind, suffix, inputs.merged(fields)))


def _twin(job: dict[str, Any] | None, wanted: FileRequest) -> Response:
    if job is None:
        raise NotFound(f"{wanted.filename} is not built for today's data: POST here to build it")
    return json_response(job, status=200 if job["state"] == "done" else 202)


@router.get("/api/downloads/{name}.{suffix}")
def crm_or_map_job(uow: Uow, name: str, suffix: str, scenario: Text = None) -> Response:
    """The job that built the file for today's data (200, ``file_url`` fetches it) or is
    building it (202: follow ``/api/jobs/{id}``); 404 when there is none."""
    wanted = _export_request(uow, name, suffix, scenario)
    return _twin(_job_of(uow, wanted, start=False), wanted)


@router.post("/api/downloads/{name}.{suffix}")
def crm_or_map_start(
    uow: Uow, fields: Fields, name: str, suffix: str, scenario: Text = None
) -> Response:
    """Start the job that builds the file (or reuse one: ``reused`` true); 202 while it
    runs, 200 once done."""
    wanted = _export_request(uow, name, suffix, _merged({"scenario": scenario}, fields)["scenario"])
    return _twin(_job_of(uow, wanted, start=True), wanted)


@router.get("/api/reports/{kind}.{suffix}")
def report_job(uow: Uow, kind: str, suffix: str, inputs: ReportQuery) -> Response:
    """The job that built or builds the report (see :func:`crm_or_map_job`)."""
    wanted = _report_request(uow, kind, suffix, inputs)
    return _twin(_job_of(uow, wanted, start=False), wanted)


@router.post("/api/reports/{kind}.{suffix}")
def report_start(uow: Uow, fields: Fields, kind: str, suffix: str, inputs: ReportQuery) -> Response:
    """Start the job that builds the report (see :func:`crm_or_map_start`)."""
    wanted = _report_request(uow, kind, suffix, inputs.merged(fields))
    return _twin(_job_of(uow, wanted, start=True), wanted)


@router.get("/jobs/{job_id}/file")
def job_file(uow: Uow, job_id: str) -> Response:
    """The file a finished report or export job built (any app worker serves it: the
    file is kept in the database)."""
    try:
        return _file(*result_file(uow, job_id))
    except TerritorialError as exc:
        raise NotFound(str(exc)) from None
