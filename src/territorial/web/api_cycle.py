"""The implement cycle in the web app, JSON side: compare, approve and publish, import,
exports. Each ``*_data`` function builds the dict a page of
:mod:`territorial.web.pages_cycle` renders and its twin under ``/api`` returns; every
one calls :mod:`territorial.services` only.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel, Field

from territorial.domain import InputRejected, TerritorialError
from territorial.domain.errors import NotPermitted
from territorial.io import parse_mapping
from territorial.services import jobs, uploads
from territorial.services.actor import current_actor
from territorial.services.compare import compare_scenarios, rep_changes, write_moves_csv
from territorial.services.exports import export_accounts, export_assignments
from territorial.services.goals import export_goals
from territorial.services.history import scenario_history
from territorial.services.imports import (
    IMPORT_KINDS,
    ImportReport,
    import_accounts,
    import_reps,
    preview_import,
)
from territorial.services.monitor import export_attainment
from territorial.services.publish import (
    approve_check,
    approve_scenario,
    preview_publish,
    publish_scenario,
)
from territorial.services.quotas import export_quotas
from territorial.services.region import NotVisible, limited_to
from territorial.services.reps_assign import export_rep_assignments
from territorial.services.scenario_delete import delete_scenario
from territorial.services.scenarios import resolve_scenario
from territorial.services.scratch import scratch
from territorial.storage import UnitOfWork
from territorial.web import views
from territorial.web.dates import parse_day
from territorial.web.deps import Uow, unit_of_work
from territorial.web.downloads import download_items
from territorial.web.errors import BadRequest, NotFound, WebError, worded
from territorial.web.rendering import json_response

router = APIRouter(prefix="/api", tags=["cycle"])

MAX_UPLOAD_BYTES = 50 * 1024 * 1024
UPLOAD_SUFFIXES = (".csv", ".txt", ".tsv", ".xlsx", ".xlsm")
CSV_MEDIA = "text/csv; charset=utf-8"


T = TypeVar("T")


def _service(call: Callable[[], T]) -> T:
    """A service error is a 400 with the service's one-line reason."""
    try:
        return call()
    except NotPermitted:
        raise
    except NotVisible as exc:
        raise NotFound(str(exc)) from None
    except TerritorialError as exc:
        raise BadRequest(worded(exc)) from None


# --------------------------------------------------------------------------- compare


def compare_data(uow: UnitOfWork, a: str | None, b: str | None) -> dict[str, Any]:
    """Balance of A and B per measure (with each side's designed tolerances), every
    move, and what changes per rep. ``a`` defaults to the active alignment."""
    name_a = views.scenario_name(uow, a)
    if not b:
        raise BadRequest("choose scenario b to compare with")
    name_b = views.scenario_name(uow, b)
    result = _service(lambda: compare_scenarios(uow, name_a, name_b))
    reps = _service(lambda: rep_changes(uow, name_a, name_b))
    with uow:
        spec = {
            "a": resolve_scenario(uow, name_a).balance_spec,
            "b": resolve_scenario(uow, name_b).balance_spec,
        }
    data = result.to_dict()
    data["tolerances"] = spec
    data["reps"] = [asdict(r) for r in reps]
    return data


def moves_csv(uow: UnitOfWork, a: str | None, b: str | None) -> Response:
    """Every move of A -> B as CSV, the file ``territorial compare -o`` writes."""
    name_a = views.scenario_name(uow, a)
    if not b:
        raise BadRequest("choose scenario b to compare with")
    name_b = views.scenario_name(uow, b)
    result = _service(lambda: compare_scenarios(uow, name_a, name_b))
    buffer = io.StringIO()
    write_moves_csv(result, buffer)
    return csv_download(buffer.getvalue(), f"moves-{name_a}-to-{name_b}.csv")


@router.get("/compare")
def compare(
    uow: Uow,
    a: Annotated[str | None, Query(description="Scenario A; default the active one.")] = None,
    b: Annotated[str | None, Query(description="Scenario B.")] = None,
) -> Response:
    """Two scenarios side by side: balance, the accounts that move, each rep's change."""
    return json_response(compare_data(uow, a, b))


# --------------------------------------------------------------------------- scenario


def scenario_data(uow: UnitOfWork, name: str) -> dict[str, Any]:
    """A scenario's status, size, designed tolerances, balance check and history."""
    found_name = views.scenario_name(uow, name)
    with uow:
        found = resolve_scenario(uow, found_name)
        names = {r.external_id: r.name for r in uow.reps.list()}
    check = _service(lambda: approve_check(uow, found_name))
    history = _service(lambda: scenario_history(uow, found_name)).to_dict()
    used = set(found.assignments.values())
    reps = sorted({t.rep_external_id for t in found.territories if t.rep_external_id})
    # rep packs are company reports (refused to a manager limited to a region, who is
    # not shown other regions' reps either)
    reps = reps if current_actor().territories is None else []
    return {
        "name": found.name,
        "status": found.status.value,
        "parent": found.parent,
        "description": found.description,
        "created_by": found.created_by,
        "accounts": len(found.assignments),
        "territories": len([t for t in found.territories if t.name in used]),
        "reps": reps,
        "rep_names": {r: names.get(r, r) for r in reps},
        "balance_spec": found.balance_spec,
        "balance_check": check.to_dict(),
        "history": history["scenarios"][0] if history["scenarios"] else None,
        "events": history["events"],
        "can_approve": found.status.value == "draft",
        "can_publish": found.status.value in ("draft", "approved") and bool(found.assignments),
    }


def publish_preview_data(uow: UnitOfWork, name: str, effective: date) -> dict[str, Any]:
    """What publishing ``name`` from ``effective`` would do (nothing is written)."""
    found_name = views.scenario_name(uow, name)
    preview = _service(lambda: preview_publish(uow, found_name, effective))
    data = preview.to_dict()
    data["transfer_pairs"] = [_pairs(q["transfers"]) for q in data["quotas"]]
    return data


def _pairs(transfers: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Transfers summed per (from, to) territory: accounts and amount, largest first."""
    out: dict[tuple[str, str], dict[str, Any]] = {}
    for x in transfers:
        key = (x["from"], x["to"])
        row = out.setdefault(key, {"from": key[0], "to": key[1], "accounts": 0, "amount": 0.0})
        row["accounts"] += 1
        row["amount"] += float(x["amount"])
    return sorted(out.values(), key=lambda r: (-r["amount"], r["from"], r["to"]))


def approve(uow: UnitOfWork, name: str, force: bool) -> dict[str, Any]:
    """Approve as the logged-in user (the history and the audit log name them)."""
    found_name = views.scenario_name(uow, name)
    event = _service(lambda: approve_scenario(uow, found_name, force=force))
    return {
        "scenario": event.scenario,
        "status": "approved",
        "at": event.at.isoformat(),
        "forced": bool(event.note),
        "note": event.note,
    }


def publish(uow: UnitOfWork, name: str, effective: date, force: bool) -> dict[str, Any]:
    found_name = views.scenario_name(uow, name)
    report = _service(lambda: publish_scenario(uow, found_name, effective, force=force))
    return report.to_dict()


def delete(uow: UnitOfWork, name: str) -> dict[str, Any]:
    """Delete a scenario as the logged-in user; 404 unknown, 400 active or scheduled."""
    found_name = views.scenario_name(uow, name)
    return asdict(_service(lambda: delete_scenario(uow, found_name)))


@router.get("/scenarios/{name}")
def scenario(uow: Uow, name: str) -> Response:
    """A scenario: status, designed tolerances, the balance check approve runs, history."""
    return json_response(scenario_data(uow, name))


@router.get("/scenarios/{name}/publish-preview")
def publish_preview(
    uow: Uow,
    name: str,
    effective: Annotated[str, Query(description="First day it holds, YYYY-MM-DD.")],
) -> Response:
    """Dry run of publish: accounts that move and the quota transfers that follow them."""
    day = parse_day(effective, "effective")
    if day is None:
        raise BadRequest("effective: a date is required (YYYY-MM-DD)")
    return json_response(publish_preview_data(uow, name, day))


class ApproveBody(BaseModel):
    force: bool = Field(False, description="Approve even if it misses a designed tolerance.")


class PublishBody(BaseModel):
    effective: date = Field(description="First day the alignment holds.")
    force: bool = Field(False, description="Publish even if it misses a designed tolerance.")


@router.post("/scenarios/{name}/approve")
def approve_json(uow: Uow, name: str, body: ApproveBody) -> Response:
    """Approve a draft; refused (400, nothing changed) when it misses a designed
    tolerance, unless ``force``."""
    return json_response(approve(uow, name, body.force))


@router.post("/scenarios/{name}/publish")
def publish_json(uow: Uow, name: str, body: PublishBody) -> Response:
    """Publish from ``effective``: the active alignment is archived, quotas follow the
    accounts that move. Refused (400, nothing changed) as the CLI refuses."""
    return json_response(publish(uow, name, body.effective, body.force))


@router.post("/scenarios/{name}/delete")
def delete_json(uow: Uow, name: str) -> Response:
    """Delete a scenario with its plans and quotas; refused (400, nothing changed) for
    the active alignment and a scheduled one."""
    return json_response(delete(uow, name))


# --------------------------------------------------------------------------- import


@dataclass
class Upload:
    """A file uploaded for import, kept in the database until it is confirmed (any web
    worker reads it back, see services/uploads.py); ``path`` is this process's copy."""

    token: str
    path: Path
    name: str
    kind: str
    mapping: dict[str, str]
    allow_unlocated: bool


def _safe_name(filename: str | None) -> str:
    base = Path((filename or "upload.csv").replace("\\", "/")).name
    base = re.sub(r"[^A-Za-z0-9._ -]", "_", base).strip(" .") or "upload.csv"
    return base[:120]


def parse_mapping_text(text: str | None) -> dict[str, str]:
    """``Their Column=our_field`` per line (or comma-separated), as the CLI's ``--map``."""
    items: list[str] = []
    for line in (text or "").splitlines():
        line = line.strip()
        if not line:
            continue
        pieces = line.split(",")
        if all("=" in p for p in pieces):
            items.extend(p.strip() for p in pieces)
        else:  # a comma inside a column name
            items.append(line)
    try:
        return parse_mapping(items)
    except InputRejected as exc:
        raise BadRequest(
            "column mapping: " + "; ".join(p.message + f" ({p.value})" for p in exc.problems)
        ) from None


async def save_upload(
    request: Request, file: UploadFile, kind: str, mapping: dict[str, str], allow_unlocated: bool
) -> Upload:
    """Keep an uploaded file (at most :data:`MAX_UPLOAD_BYTES`) under a new token."""
    if kind not in IMPORT_KINDS:
        raise BadRequest(f"kind: choose accounts or reps, not {kind!r}")
    name = _safe_name(file.filename)
    if not name.lower().endswith(UPLOAD_SUFFIXES):
        raise BadRequest(f"{name}: upload a CSV or XLSX file")
    data = bytearray()
    while chunk := await file.read(1024 * 1024):
        data += chunk
        if len(data) > MAX_UPLOAD_BYTES:
            raise WebError(
                413,
                f"{name} is larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB; split it "
                "or import it with `territorial import` on the command line",
            )
    if not data:
        raise BadRequest(f"{name} is empty")
    kept = uploads.keep_upload(
        unit_of_work(request),
        bytes(data),
        name=name,
        kind=kind,
        options={"mapping": mapping, "allow_unlocated": allow_unlocated},
    )
    return _upload(request, kept)


def _upload(request: Request, kept: uploads.StoredUpload) -> Upload:
    try:
        path = uploads.upload_path(unit_of_work(request), kept)
    except FileNotFoundError:
        raise NotFound(GONE) from None
    options = kept.options
    return Upload(
        kept.token,
        path,
        kept.name,
        kept.kind,
        dict(options.get("mapping") or {}),
        bool(options.get("allow_unlocated")),
    )


GONE = "this upload is no longer here (already imported?): upload the file again"


def load_upload(request: Request, token: str) -> Upload:
    """The upload of ``token``, on whichever worker it was made; else 404 (expired,
    already imported, or never made)."""
    if not uploads.TOKEN.fullmatch(token or ""):
        raise BadRequest("token: not an upload token")
    kept = uploads.find_upload(unit_of_work(request), token)
    if kept is None:
        raise NotFound(GONE)
    return _upload(request, kept)


def discard_upload(request: Request, token: str) -> None:
    uploads.discard_upload(unit_of_work(request), token)


def _unpath(text: str, upload: Upload) -> str:
    """Messages name the file as uploaded, not its temporary path."""
    return text.replace(str(upload.path), upload.name)


def import_preview_data(uow: UnitOfWork, upload: Upload) -> dict[str, Any]:
    """Format, column mapping, first rows and every problem of an upload; nothing written."""
    try:
        preview = preview_import(
            uow,
            upload.path,
            upload.kind,
            upload.mapping or None,
            allow_unlocated=upload.allow_unlocated,
        )
    except InputRejected as exc:  # not a table at all
        problems = [
            {"row": p.row, "column": p.column, "value": p.value, "message": p.message}
            for p in exc.problems
        ]
        return {
            "token": upload.token,
            "file": upload.name,
            "kind": upload.kind,
            "ok": False,
            "readable": False,
            "problems": problems,
        }
    data = preview.to_dict()
    data.update(
        token=upload.token,
        file=upload.name,
        readable=True,
        warnings=[_unpath(w, upload) for w in preview.warnings],
        unlocated=[_unpath(u, upload) for u in preview.unlocated],
    )
    return data


def import_confirm(uow: UnitOfWork, upload: Upload) -> dict[str, Any]:
    """Import the upload all or nothing, exactly as ``territorial import``."""
    report: ImportReport
    try:
        if upload.kind == "reps":
            report = import_reps(uow, upload.path, upload.mapping or None)
        else:
            report = import_accounts(
                uow, upload.path, upload.mapping or None, allow_unlocated=upload.allow_unlocated
            )
    except TerritorialError as exc:
        raise BadRequest(_unpath(worded(exc), upload)) from None
    data = report.to_dict()
    data["file"] = upload.name
    data["warnings"] = [_unpath(w, upload) for w in report.warnings]
    data["unlocated"] = [_unpath(u, upload) for u in report.unlocated]
    return data


def import_job(uow: UnitOfWork, request: Request, upload: Upload) -> dict[str, Any] | None:
    """A large upload (see :func:`jobs.import_is_large`) imported as a job, which keeps
    the file until it has run and then removes it; None for a small one (import it in
    the request)."""
    if not jobs.import_is_large(upload.path):
        return None
    try:
        job = jobs.submit_import(
            uow,
            upload.path,
            upload.kind,
            file=upload.name,
            mapping=upload.mapping,
            allow_unlocated=upload.allow_unlocated,
        )
    except TerritorialError as exc:
        raise BadRequest(worded(exc)) from None
    uploads.discard_upload(uow, upload.token)  # the job carries its own copy of the file
    jobs.dispatch(job, uow.engine.url.render_as_string(hide_password=False))
    return jobs.describe(job)


UploadParam = Annotated[UploadFile, File(description="CSV or XLSX, at most 50 MB.")]
KindParam = Annotated[str, Form(description="accounts or reps")]
MappingParam = Annotated[str, Form(description="Their Column=our_field, one per line.")]
UnlocatedParam = Annotated[bool, Form(description="Import rows that cannot be located.")]


@router.post("/import")
async def import_upload(
    request: Request,
    uow: Uow,
    file: UploadParam,
    kind: KindParam = "accounts",
    mapping: MappingParam = "",
    allow_unlocated: UnlocatedParam = False,
) -> Response:
    """Step 1 (multipart): the recognised format, column mapping, first rows and every
    problem; nothing is written. ``token`` confirms it in step 2."""
    upload = await save_upload(request, file, kind, parse_mapping_text(mapping), allow_unlocated)
    data = import_preview_data(uow, upload)
    if not data["ok"]:
        discard_upload(request, upload.token)
        data["token"] = None
    return json_response(data)


class ConfirmBody(BaseModel):
    token: str = Field(description="The token step 1 returned.")


@router.post("/import/confirm")
def import_confirm_json(request: Request, uow: Uow, body: ConfirmBody) -> Response:
    """Step 2: import the uploaded file, all or nothing (400 with the reason, nothing
    written, when any row is bad). A large file (5 MB, or 20,000 rows) imports as a
    job instead: 202 with the job, whose result is the same report."""
    upload = load_upload(request, body.token)
    job = import_job(uow, request, upload)
    if job is not None:  # 202: follow it at /api/jobs/{id}; its result is the report
        return json_response(job, status=202)
    data = import_confirm(uow, upload)
    discard_upload(request, upload.token)
    return json_response(data)


# --------------------------------------------------------------------------- exports


@dataclass(frozen=True)
class Export:
    """One export of ``territorial export``: its name, what it holds, its parameters."""

    name: str
    label: str
    description: str
    params: tuple[str, ...]  # of "scenario", "period", "as_of"


EXPORTS: tuple[Export, ...] = (
    Export(
        "accounts",
        "Accounts",
        "Every account with every field, coordinates and how each was located.",
        (),
    ),
    Export(
        "assignments",
        "Assignments",
        "One row per account: account_id (the CRM id), territory.",
        ("scenario",),
    ),
    Export(
        "quotas",
        "Quotas",
        "Quotas of every period: a total row per territory, then its monthly or quarterly slices.",
        ("scenario",),
    ),
    Export(
        "assignments-reps",
        "Reps by territory",
        "One row per territory: its rep, accounts, workload and the rep's capacity.",
        ("scenario",),
    ),
    Export("goals", "Goals", "Every goal with its actual and status.", ("as_of",)),
    Export(
        "attainment",
        "Attainment",
        "Quota, actual and attainment per territory and per rep for a period.",
        ("period", "as_of", "scenario"),
    ),
)
EXPORT_BY_NAME = {e.name: e for e in EXPORTS}


def exports_data(uow: UnitOfWork, scenario: str | None = None) -> dict[str, Any]:
    """Every export with its download URL (for ``scenario`` when given)."""
    name = views.scenario_name(uow, scenario) if scenario else None
    items = []
    for e in EXPORTS:
        query = f"?scenario={_quote(name)}" if name and "scenario" in e.params else ""
        items.append({**asdict(e), "url": f"/exports/{e.name}.csv{query}"})

    region = current_actor().region if limited_to() is not None else None
    return {
        "scenario": name,
        "exports": items,
        "region": region,
        # files for the whole company are refused to a manager limited to a region
        "downloads": [] if region else download_items(name),
    }


def _quote(text: str) -> str:
    from urllib.parse import quote

    return quote(text, safe="")


def export_file(
    uow: UnitOfWork,
    name: str,
    scenario: str | None,
    period: str | None,
    as_of: str | None,
) -> Response:
    """Run export ``name`` through its service into a temporary file; send it as CSV."""
    spec = EXPORT_BY_NAME.get(name)
    if spec is None:
        raise NotFound(f"no export named {name!r}; exports: {', '.join(EXPORT_BY_NAME)}")
    scen = views.scenario_name(uow, scenario) if scenario else None
    day = parse_day(as_of, "as_of")
    with scratch("export") as folder:
        path = Path(folder) / f"{name}.csv"
        calls: dict[str, Callable[[], int]] = {
            "accounts": lambda: export_accounts(uow, path),
            "assignments": lambda: export_assignments(uow, path, scen),
            "quotas": lambda: export_quotas(uow, path, scen),
            "assignments-reps": lambda: export_rep_assignments(uow, path, scen),
            "goals": lambda: export_goals(uow, path, day),
            "attainment": lambda: export_attainment(uow, path, period or None, day, scen),
        }
        _service(calls[name])
        body = path.read_text(encoding="utf-8")
    suffix = f"-{scen}" if scen and "scenario" in spec.params else ""
    suffix += f"-{period}" if period and "period" in spec.params else ""
    if limited_to() is not None:  # never mistaken for the company's file
        suffix += f"-{current_actor().region}"
    return csv_download(body, f"{name}{suffix}.csv")


def csv_download(body: str, filename: str) -> Response:
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", filename)
    return Response(
        body,
        media_type=CSV_MEDIA,
        headers={"Content-Disposition": f'attachment; filename="{safe}"'},
    )


@router.get("/exports")
def exports(
    uow: Uow,
    scenario: Annotated[str | None, Query(description="Scenario for the links.")] = None,
) -> Response:
    """Every export the CLI offers, with the URL that downloads it."""
    return json_response(exports_data(uow, scenario))
