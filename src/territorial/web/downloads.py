"""Downloads of the CRM files, the GIS files and the reports (``/downloads/...``,
``/reports/...``), listed on the exports page and in its JSON twin."""

from __future__ import annotations

import io
import re
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query
from fastapi.responses import Response

from territorial.domain import TerritorialError
from territorial.domain.errors import NotPermitted
from territorial.services.crm_export import export_crm
from territorial.services.gis_export import GIS_FORMATS, export_gis
from territorial.services.reports import write_report
from territorial.web import views
from territorial.web.deps import Uow
from territorial.web.errors import BadRequest, NotFound, worded

__all__ = ["download_items", "router"]

router = APIRouter(tags=["downloads"])
Text = Annotated[str | None, Query()]

_MEDIA = {
    ".csv": "text/csv; charset=utf-8", ".zip": "application/zip",
    ".geojson": "application/geo+json", ".kml": "application/vnd.google-earth.kml+xml",
    ".gpkg": "application/geopackage+sqlite3", ".pdf": "application/pdf",
    ".html": "text/html; charset=utf-8",
}
#: name, label, description, file suffix, extra parameters of the form.
DOWNLOADS: tuple[tuple[str, str, str, str, tuple[str, ...]], ...] = (
    ("salesforce", "Salesforce Territory Management",
     "Data Loader CSVs and a README (load order, ids), as a zip; for a scenario that is not "
     "the published one, only the associations to delete and insert.", ".zip", ()),
    ("hubspot", "HubSpot companies", "Record ID, Company name, Company owner, Territory.",
     ".csv", ()),
    ("zoho", "Zoho CRM accounts", "Record Id, Account Name, Account Owner, Territories.",
     ".csv", ()),
    ("geojson", "GeoJSON map", "Territories with their metrics and accounts, WGS 84.",
     ".geojson", ()),
    ("kml", "KML map", "For Google Earth: coloured territories and account placemarks.",
     ".kml", ()),
    ("gpkg", "GeoPackage map", "Layers territories and accounts for QGIS or ArcGIS.",
     ".gpkg", ()),
    ("assessment", "Assessment report", "Balance, findings, coverage gaps and the map.",
     ".pdf", ()),
    ("compare", "Comparison report", "Before and after the published alignment: maps, "
     "balance, what changes for each rep, the moves.", ".pdf", ()),
    ("rep-pack", "Rep pack", "A rep's map, accounts by tier with addresses, goals and quota "
     "by month (HTML is a page of its own).", ".pdf", ("rep", "period")),
    ("monitoring", "Monitoring report", "Attainment, pace and alerts for a period.", ".pdf",
     ("period", "as_of")),
)  # fmt: skip
_KIND = {d[0]: d for d in DOWNLOADS}


def download_items(scenario: str | None) -> list[dict[str, Any]]:
    """The downloads for the exports page: name, label, description, URL, parameters."""
    query = f"?{urlencode({'scenario': scenario})}" if scenario else ""
    return [
        {"name": name, "label": label, "description": text, "params": list(params),
         "url": f"{'/reports' if suffix == '.pdf' else '/downloads'}/{name}{suffix}{query}"}
        for name, label, text, suffix, params in DOWNLOADS
    ]


def _file(path: Path, filename: str) -> Response:
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", filename)
    media = _MEDIA.get(Path(safe).suffix, "application/octet-stream")
    disposition = "inline" if media.startswith("text/html") else "attachment"
    return Response(path.read_bytes(), media_type=media,
                    headers={"Content-Disposition": f'{disposition}; filename="{safe}"'})


def _run(call: Callable[[Path], Path], filename: str) -> Response:
    with tempfile.TemporaryDirectory(prefix="territorial-download-") as folder:
        try:
            path = call(Path(folder))
        except NotPermitted:
            raise  # a manager limited to a region: a file for the whole company (403)
        except TerritorialError as exc:
            raise BadRequest(worded(exc)) from None
        return _file(path, filename)


def _zip(folder: Path, files: list[Path]) -> Path:
    target = folder / "salesforce.zip"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for f in files:
            archive.write(f, f.name)
    target.write_bytes(buffer.getvalue())
    return target


@router.get("/downloads/{name}.{suffix}")
def crm_or_map(uow: Uow, name: str, suffix: str, scenario: Text = None) -> Response:
    """A CRM file (salesforce.zip, hubspot.csv, zoho.csv) or a map (geojson, kml, gpkg)."""
    spec = _KIND.get(name)
    if spec is None or spec[3] != f".{suffix}" or spec[3] == ".pdf":
        raise NotFound(f"no download {name}.{suffix}")
    scen = views.scenario_name(uow, scenario) if scenario else None

    def build(folder: Path) -> Path:
        if name in GIS_FORMATS:
            return export_gis(uow, name, folder / f"map.{suffix}", scen).path
        if name == "salesforce":
            report = export_crm(uow, name, folder / "salesforce", scen)
            return _zip(folder, report.files)
        return export_crm(uow, name, folder / f"{name}.csv", scen).files[0]

    return _run(build, f"{name}-{scen or 'active'}.{suffix}")


@router.get("/reports/{kind}.{suffix}")
def report(uow: Uow, kind: str, suffix: str, scenario: Text = None, other: Text = None,
           rep: Text = None, period: Text = None, as_of: Text = None) -> Response:
    """A report as PDF or HTML. ``compare`` compares the published alignment with
    ``scenario`` (or ``other``); ``rep-pack`` needs ``rep``."""
    from territorial.web.api_cycle import parse_day

    if kind not in _KIND or _KIND[kind][3] != ".pdf" or suffix not in ("pdf", "html"):
        raise NotFound(f"no report {kind}.{suffix}")
    day = parse_day(as_of, "as_of")
    scen = views.scenario_name(uow, scenario) if scenario else None
    before, after = scen, other
    if kind == "compare":
        before, after = None, other or scen
        if after is None:
            raise BadRequest("compare needs a scenario to compare with the published one")

    def build(folder: Path) -> Path:
        path = folder / f"{kind}.{suffix}"
        write_report(uow, kind, path, scenario=before, other=after, rep=rep or None,
                     period=period or None, as_of=day)
        return path

    return _run(build, f"{kind}-{after or scen or 'active'}.{suffix}")


