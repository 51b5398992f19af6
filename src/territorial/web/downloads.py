"""Downloads of the CRM files, the GIS files and the reports (``/downloads/...``,
``/reports/...``), listed on the exports page and in its JSON twin.

Each is built by a job (services/job_files.py): the link answers with the file when a
job has built it for the same inputs and today's data, else with the job's page, which
shows the progress and then offers the file (``/jobs/{id}/file``)."""

from __future__ import annotations

import re
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query
from fastapi.responses import RedirectResponse, Response

from territorial.domain import TerritorialError
from territorial.domain.errors import NotPermitted
from territorial.services import jobs
from territorial.services.job_files import FileRequest, media_type, request_file, result_file
from territorial.web import views
from territorial.web.dates import parse_day
from territorial.web.deps import Uow
from territorial.web.errors import BadRequest, NotFound, worded
from territorial.web.rendering import json_response

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


def _job_of(uow: Uow, request: FileRequest) -> dict[str, Any]:
    """The job that builds ``request``'s file (a finished or running one reused)."""
    try:
        job, reused = request_file(uow, request)
    except NotPermitted:
        raise  # a manager limited to a region: a file for the whole company (403)
    except TerritorialError as exc:
        raise BadRequest(worded(exc)) from None
    return {**jobs.describe(job), "reused": reused}


def _served(uow: Uow, request: FileRequest) -> Response:
    """The file when a job has built it for these inputs and this data, else the job's
    page (303), which follows the job and then offers the file."""
    job = _job_of(uow, request)
    if job["state"] == "done":
        return _file(*result_file(uow, str(job["id"])))
    return RedirectResponse(f"/jobs/{job['id']}", status_code=303)


def _export_request(uow: Uow, name: str, suffix: str, scenario: str | None) -> FileRequest:
    spec = _KIND.get(name)
    if spec is None or spec[3] != f".{suffix}" or spec[3] == ".pdf":
        raise NotFound(f"no download {name}.{suffix}")
    scen = views.scenario_name(uow, scenario) if scenario else None
    return FileRequest(name, suffix, scenario=scen)


def _report_request(
    uow: Uow,
    kind: str,
    suffix: str,
    scenario: str | None,
    other: str | None,
    rep: str | None,
    period: str | None,
    as_of: str | None,
) -> FileRequest:

    if kind not in _KIND or _KIND[kind][3] != ".pdf" or suffix not in ("pdf", "html"):
        raise NotFound(f"no report {kind}.{suffix}")
    day = parse_day(as_of, "as_of")
    scen = views.scenario_name(uow, scenario) if scenario else None
    before, after = scen, other or None
    if kind == "compare":
        before, after = None, other or scen
        if after is None:
            raise BadRequest("compare needs a scenario to compare with the published one")
    return FileRequest(
        kind,
        suffix,
        scenario=before,
        other=after,
        rep=rep or None,
        period=period or None,
        as_of=None if day is None else day.isoformat(),
    )


@router.get("/downloads/{name}.{suffix}")
def crm_or_map(uow: Uow, name: str, suffix: str, scenario: Text = None) -> Response:
    """A CRM file (salesforce.zip, hubspot.csv, zoho.csv) or a map (geojson, kml, gpkg),
    built by a job: the file once built for today's data, else the job's page."""
    return _served(uow, _export_request(uow, name, suffix, scenario))


@router.get("/reports/{kind}.{suffix}")
def report(
    uow: Uow,
    kind: str,
    suffix: str,
    scenario: Text = None,
    other: Text = None,
    rep: Text = None,
    period: Text = None,
    as_of: Text = None,
) -> Response:
    """A report as PDF or HTML, built by a job (see :func:`crm_or_map`). ``compare``
    compares the published alignment with ``scenario`` (or ``other``); ``rep-pack``
    needs ``rep``."""
    return _served(uow, _report_request(uow, kind, suffix, scenario, other, rep, period, as_of))


@router.get("/api/downloads/{name}.{suffix}")
def crm_or_map_job(uow: Uow, name: str, suffix: str, scenario: Text = None) -> Response:
    """The job that builds the file (started, or reused with ``reused``: true); 202
    while it runs (follow ``/api/jobs/{id}``), 200 once done; ``file_url`` fetches it."""
    job = _job_of(uow, _export_request(uow, name, suffix, scenario))
    return json_response(job, status=200 if job["state"] == "done" else 202)


@router.get("/api/reports/{kind}.{suffix}")
def report_job(
    uow: Uow,
    kind: str,
    suffix: str,
    scenario: Text = None,
    other: Text = None,
    rep: Text = None,
    period: Text = None,
    as_of: Text = None,
) -> Response:
    """The job that builds the report (see :func:`crm_or_map_job`)."""
    job = _job_of(uow, _report_request(uow, kind, suffix, scenario, other, rep, period, as_of))
    return json_response(job, status=200 if job["state"] == "done" else 202)


@router.get("/jobs/{job_id}/file")
def job_file(uow: Uow, job_id: str) -> Response:
    """The file a finished report or export job built (any app worker serves it: the
    file is kept in the database)."""
    try:
        return _file(*result_file(uow, job_id))
    except TerritorialError as exc:
        raise NotFound(str(exc)) from None
