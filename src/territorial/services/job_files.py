"""Reports and exports as jobs: a file built by a worker, kept with its job, reused.

A report (assessment, compare, rep pack, monitoring; PDF or HTML) or an export (the CRM
files, the GIS maps) takes seconds to build, so the web app and ``--background`` hand it
to a job. The built file is stored in the database with its job (table ``job_files``),
not in a folder: every app worker and every queue worker already reaches the database,
on any machine, whereas a shared folder would have to be mounted on each of them. The
files are small (a report is a few hundred kilobytes, a map a few megabytes).

The same file asked again (same inputs, same data, same day, same region of the
asker) is not built twice: the finished job, or the one building it, is reused. The
key holds the workspace's data version (:meth:`JobRepository.data_version`), so any
change to the data makes a new file.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json
import re
import time
import zipfile
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from territorial.domain import TerritorialError
from territorial.domain.jobs import Job, JobState
from territorial.services import jobs
from territorial.services.region import region_key, require_whole_company
from territorial.services.scratch import scratch
from territorial.storage import UnitOfWork

__all__ = [
    "EXPORTS",
    "REPORTS",
    "FileRequest",
    "find_file",
    "media_type",
    "request_file",
    "result_file",
    "run_file_job",
]

REPORTS = ("assessment", "compare", "rep-pack", "monitoring")  # as .pdf or .html
EXPORTS = {
    "salesforce": "zip",
    "hubspot": "csv",
    "zoho": "csv",
    "geojson": "geojson",
    "kml": "kml",
    "gpkg": "gpkg",
}
MEDIA = {
    "csv": "text/csv; charset=utf-8",
    "zip": "application/zip",
    "geojson": "application/geo+json",
    "kml": "application/vnd.google-earth.kml+xml",
    "gpkg": "application/geopackage+sqlite3",
    "pdf": "application/pdf",
    "html": "text/html; charset=utf-8",
}
KEEP_FILES = timedelta(days=7)  # built files older than this are dropped


def media_type(filename: str) -> str:
    """The content type of a built file, by its suffix."""
    return MEDIA.get(filename.rpartition(".")[2].lower(), "application/octet-stream")


@dataclass(frozen=True)
class FileRequest:
    """One report or export: ``what`` (a report kind or an export name) as ``suffix``.

    For ``compare``, ``scenario`` is the scenario before (None: the published one) and
    ``other`` the one after; ``rep`` names the rep of a rep pack; ``by`` the units a
    map's shapes are made of; ``full`` and ``role`` are Salesforce's options."""

    what: str
    suffix: str
    scenario: str | None = None
    other: str | None = None
    rep: str | None = None
    period: str | None = None
    as_of: str | None = None  # YYYY-MM-DD
    by: str | None = None
    full: bool = False
    role: str = ""

    @property
    def kind(self) -> str:
        """The job kind: ``report`` or ``export``."""
        return "report" if self.what in REPORTS else "export"

    @property
    def filename(self) -> str:
        label = self.other or self.scenario or "active"
        return re.sub(r"[^A-Za-z0-9._-]+", "_", f"{self.what}-{label}.{self.suffix}")

    def check(self) -> FileRequest:
        """This request, or a clear error when it cannot be built."""
        if self.what in REPORTS:
            if self.suffix not in ("pdf", "html"):
                raise TerritorialError(f"{self.what}: a report is made as .pdf or .html")
            if self.what == "compare" and not self.other:
                raise TerritorialError("compare needs the scenario to compare with")
            if self.what == "rep-pack" and not self.rep:
                raise TerritorialError("a rep pack needs a rep (id, name or email)")
        elif EXPORTS.get(self.what) != self.suffix:
            raise TerritorialError(
                f"no export {self.what}.{self.suffix}; one of "
                + ", ".join(f"{n}.{s}" for n, s in EXPORTS.items())
            )
        if self.as_of is not None:
            try:
                date.fromisoformat(self.as_of)
            except ValueError:
                raise TerritorialError(
                    f"as_of: {self.as_of!r} is not a date (YYYY-MM-DD)"
                ) from None
        return self

    @classmethod
    def from_params(cls, params: dict[str, Any]) -> FileRequest:
        names = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in params.items() if k in names})


def _key(uow: UnitOfWork, request: FileRequest) -> str:
    """What makes two requests the same file: inputs, data version, day, region."""
    with uow:
        version = uow.jobs.data_version()
    parts = [dataclasses.asdict(request), version, date.today().isoformat(), region_key()]
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()[:40]


def _expected_seconds(uow: UnitOfWork, request: FileRequest) -> float | None:
    """How long the last such file took to build (the progress bar's scale)."""
    with uow:
        recent = uow.jobs.list(limit=200)
    for job in recent:
        if (
            job.state is JobState.DONE
            and job.kind == request.kind
            and job.params.get("what") == request.what
            and job.started_at
            and job.finished_at
        ):
            return round((job.finished_at - job.started_at).total_seconds(), 1)
    return None


def find_file(uow: UnitOfWork, request: FileRequest) -> Job | None:
    """The job that built ``request``'s file for today's data, or one at work on it;
    None when there is none (nothing is started: asking is not building). Refused to a
    manager limited to a region: these files cover the whole company."""
    request.check()
    require_whole_company(f"the {request.what} file")
    return _existing(uow, _key(uow, request))


def _existing(uow: UnitOfWork, key: str) -> Job | None:
    with uow:
        same = [j.id for j in uow.jobs.with_key(key)]
    for job_id in same:
        job = jobs.get_job(uow, job_id)  # a running job whose runner died is failed here
        if job.state in (JobState.QUEUED, JobState.RUNNING):
            return job
        if job.state is JobState.DONE:
            with uow:
                if uow.jobs.file(job.id, "output") is not None:
                    return job
    return None


def request_file(uow: UnitOfWork, request: FileRequest) -> tuple[Job, bool]:
    """The job that builds ``request``'s file: a finished one or one at work for the
    same key when there is one (True: reused), else a new job handed to a runner.
    Refused to a manager limited to a region: these files cover the whole company."""
    request.check()
    require_whole_company(f"the {request.what} file")
    key = _key(uow, request)
    found = _existing(uow, key)
    if found is not None:
        return found, True
    params = {**dataclasses.asdict(request), "expected_seconds": _expected_seconds(uow, request)}
    job = jobs.new_job(request.kind, params, key)
    with uow:
        uow.jobs.add(job)
        uow.commit()
    jobs.dispatch(job, uow.engine.url.render_as_string(hide_password=False))
    return job, False


def result_file(uow: UnitOfWork, job_id: str) -> tuple[str, bytes]:
    """A finished report's or export's file as (name, content)."""
    job = jobs.get_job(uow, job_id)
    if job.kind not in ("report", "export"):
        raise TerritorialError(f"job {job_id} is a {job.kind} job; it makes no file")
    if job.state is not JobState.DONE:
        why = f": {job.error}" if job.error else ""
        raise TerritorialError(f"job {job_id} is {job.state}{why}; no file yet")
    with uow:
        found = uow.jobs.file(job_id, "output")
    if found is None:
        raise TerritorialError(
            f"job {job_id}: its file was dropped after {KEEP_FILES.days} days; ask for it again"
        )
    return found


def _zip(folder: Path, files: list[Path]) -> Path:
    target = folder / "salesforce.zip"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for f in files:
            archive.write(f, f.name)
    target.write_bytes(buffer.getvalue())
    return target


def build(uow: UnitOfWork, request: FileRequest, folder: Path) -> tuple[Path, dict[str, Any]]:
    """Build ``request``'s file in ``folder``: its path and what it holds."""
    from territorial.services.crm_export import export_crm
    from territorial.services.gis_export import GIS_FORMATS, export_gis
    from territorial.services.reports import write_report

    r = request.check()
    if r.what in REPORTS:
        made = write_report(
            uow,
            r.what,
            folder / f"{r.what}.{r.suffix}",
            scenario=r.scenario,
            other=r.other,
            rep=r.rep,
            period=r.period,
            as_of=date.fromisoformat(r.as_of) if r.as_of else None,
        )
        return made.path, {"scenario": made.scenario, "pages": made.pages}
    if r.what in GIS_FORMATS:
        gis = export_gis(uow, r.what, folder / f"map.{r.suffix}", r.scenario, r.by)
        return gis.path, {
            "scenario": gis.scenario,
            "territories": gis.territories,
            "accounts": gis.accounts,
        }
    target = folder / ("salesforce" if r.what == "salesforce" else f"{r.what}.csv")
    crm = export_crm(uow, r.what, target, r.scenario, full=r.full, role=r.role)
    path = _zip(folder, crm.files) if r.what == "salesforce" else crm.files[0]
    return path, {"scenario": crm.scenario, "rows": sum(crm.counts.values())}


def run_file_job(uow: UnitOfWork, job: Job) -> Job:
    """Run a report or export job: build the file, then store it and the job's ``done``
    state in one transaction (a job cancelled meanwhile stores nothing)."""
    request = FileRequest.from_params(job.params)
    with uow:
        uow.jobs.update(
            job.id,
            expect=(JobState.RUNNING,),
            progress={"stage": "building", "expected_seconds": job.params.get("expected_seconds")},
        )
        uow.commit()
    began = time.monotonic()
    with scratch("file-job") as folder:
        path, summary = build(uow, request, Path(folder))
        content = path.read_bytes()
    result = {
        **summary,
        "file": request.filename,
        "bytes": len(content),
        "media": media_type(request.filename),
        "seconds": round(time.monotonic() - began, 2),
    }
    now = datetime.now(UTC)
    with uow:
        if uow.jobs.update(
            job.id, expect=(JobState.RUNNING,), state=JobState.DONE, result=result, finished_at=now
        ):
            uow.jobs.put_file(job.id, "output", request.filename, content)
            uow.jobs.drop_outputs_before(now - KEEP_FILES)
            uow.commit()
    return jobs.get_job(uow, job.id)
