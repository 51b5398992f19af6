"""Background jobs: submit a design, run it in a process of its own, follow it, cancel it.

Jobs live in the database, so every process that reads it (the CLI, the web workers)
sees the same jobs, progress and results.  Who runs them:

* **embedded** (the default): :func:`dispatch` launches ``territorial jobs run ID`` as
  a detached process on this machine; nothing but the database is needed;
* **a queue** (``TERRITORIAL_QUEUE=redis://...``): the job goes to an RQ queue on Redis
  and any ``territorial worker`` on any machine that reaches the database and Redis
  runs it (RQ: maintained, small, one forked process per job that it can stop).

Either way the runner claims the job (queued -> running, so two runners never both
take it), writes its progress to the job row, and stores the designed scenario and the
job's ``done`` state in one transaction, so a job cancelled or killed midway leaves
nothing half made.
"""

from __future__ import annotations

import dataclasses
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from territorial.domain import TerritorialError
from territorial.domain.jobs import Job, JobState
from territorial.domain.users import Actor, Role
from territorial.jsondata import to_json_data
from territorial.services import audit
from territorial.services.actor import acting_as, local_actor, require
from territorial.services.scratch import scratch, sweep
from territorial.storage import UnitOfWork

if TYPE_CHECKING:  # the design service loads the optimizer: only where a job runs one
    from territorial.optimize.design import Progress
    from territorial.services.design import DesignRequest, SegmentResult, SegmentTask

PROGRESS_EVERY = 0.5  # seconds between progress writes
FILE_KINDS = ("report", "export")  # jobs that build a file (services/job_files.py)
KINDS = ("design", "tradeoff", "rebalance", "import", "segment", *FILE_KINDS)
HEARTBEAT_EVERY = 5.0  # seconds between a running job's heartbeats (its updated_at)
STALE_ENV = "TERRITORIAL_JOB_STALE_SECONDS"
STALE_AFTER = 60.0  # a running job whose heartbeat is older than this has lost its worker


def stale_after() -> float:
    """Seconds without a heartbeat after which a running job counts as lost."""
    return float(os.environ.get(STALE_ENV) or STALE_AFTER)


def describe(job: Job) -> dict[str, object]:
    """A job as JSON-ready data (the CLI's --json and the web's /api/jobs)."""
    end = job.finished_at or datetime.now(UTC)
    elapsed = None if job.started_at is None else (end - job.started_at).total_seconds()
    return {
        "elapsed_seconds": elapsed,
        "id": job.id,
        "kind": job.kind,
        "state": job.state.value,
        "scenario": job.params.get("name"),
        "params": job.params,
        "progress": job.progress,
        "result": job.result,
        "error": job.error,
        "worker": job.worker,
        **{
            k: None if v is None else v.isoformat()
            for k, v in (
                ("created_at", job.created_at),
                ("started_at", job.started_at),
                ("finished_at", job.finished_at),
                ("updated_at", job.updated_at),
            )
        },
        **(
            {"file_url": f"/jobs/{job.id}/file" if job.state is JobState.DONE else None}
            if job.kind in FILE_KINDS
            else {}
        ),
    }


def _host() -> str:
    return socket.gethostname()


def request_params(request: DesignRequest) -> dict[str, Any]:
    """A design request as JSON-ready parameters."""
    params: dict[str, Any] = to_json_data(request)
    return params


def request_from(params: dict[str, Any]) -> DesignRequest:
    """The design request a job's parameters describe."""
    from territorial.metrics import TravelModel
    from territorial.services.design import DesignRequest

    values = dict(params)
    values["balance"] = tuple(values["balance"])
    values["travel"] = TravelModel(**values["travel"])
    return DesignRequest(**values)


SUBMITTER = "submitted_by"  # in a job's params: who asked for it (the runner acts as them)
PARENT = "parent"  # in a segment job's params: the design job it is a part of
TASK = "segment_task"  # in a segment job's params: which segment, territories, time
NOT_REQUEST = ("caps", SUBMITTER, PARENT, TASK)  # params that are not the design request


def new_job(kind: str, params: dict[str, Any], key: str | None = None) -> Job:
    """A job of ``kind``, submitted by the current actor, who must be a manager (a
    manager limited to a region stays limited to it in the job)."""
    actor = require(Role.MANAGER, f"run {kind} jobs")
    by: dict[str, Any] = {"name": actor.name, "role": actor.role.value}
    if actor.territories is not None:
        by |= {"region": actor.region, "territories": sorted(actor.territories)}
    return Job(id=uuid.uuid4().hex[:12], kind=kind, params={**params, SUBMITTER: by}, key=key)


def _submitter(job: Job) -> Actor:
    by = job.params.get(SUBMITTER)
    if isinstance(by, dict):
        limited = by.get("territories")
        return Actor(
            name=str(by["name"]),
            role=Role(by["role"]),
            region=by.get("region"),
            territories=None if limited is None else frozenset(limited),
        )
    return local_actor()


def submit_design(uow: UnitOfWork, request: DesignRequest) -> Job:
    """Queue a design; refuses at once a name that a scenario or another job holds."""
    job = new_job("design", request_params(request))
    with uow:
        uow.write_lock()  # two submissions at once: the second sees the first's job
        if uow.scenarios.exists(request.name) and not request.replace:
            raise TerritorialError(f"a scenario named {request.name!r} exists; choose another name")
        held = uow.scenarios.live_claim(request.name, datetime.now(UTC))
        if held is not None and not request.replace:
            raise TerritorialError(
                f"a design named {request.name!r} is already running (started "
                f"{held.claimed_at:%Y-%m-%d %H:%M:%S} UTC); choose another name"
            )
        for other in uow.jobs.list(limit=500):
            if (
                other.kind == "design"
                and not other.state.finished
                and other.params.get("name") == request.name
            ):
                raise TerritorialError(
                    f"job {other.id} is already designing {request.name!r} ({other.state})"
                )
        uow.jobs.add(job)
        uow.commit()
    return job


def submit_tradeoff(uow: UnitOfWork, request: DesignRequest, caps: list[float]) -> Job:
    """Queue a trade-off: one design per move cap, nothing stored but the points."""
    if not caps:
        raise TerritorialError("caps: give at least one move cap, e.g. 0,5%,10%")
    job = new_job("tradeoff", {**request_params(request), "caps": caps})
    with uow:
        uow.jobs.add(job)
        uow.commit()
    return job


def submit_rebalance(
    uow: UnitOfWork,
    period: str | None,
    as_of: date | None,
    scenario: str,
    max_moves: float,
    time_limit: float,
) -> Job:
    """Queue a rebalance proposal: a draft redesigned from ``scenario`` under a move cap."""
    params = {
        "period": period,
        "as_of": None if as_of is None else as_of.isoformat(),
        "scenario": scenario,
        "max_moves": max_moves,
        "time_limit": time_limit,
    }
    job = new_job("rebalance", params)
    with uow:
        uow.jobs.add(job)
        uow.commit()
    return job


def _rebalance(uow: UnitOfWork, job: Job, progress: Callable[[Progress], None]) -> Job:
    """Run a rebalance job: the monitor designs and stores the draft; if the job was
    cancelled meanwhile, the draft is removed again (nothing is left of a cancelled job)."""
    from territorial.services.monitor import run_monitor
    from territorial.services.rebalance import RebalanceOptions, proposal_summary

    p = job.params
    as_of = None if p.get("as_of") is None else date.fromisoformat(p["as_of"])
    options = RebalanceOptions(
        max_moves=float(p["max_moves"]), time_limit=float(p["time_limit"]), progress=progress
    )
    report = run_monitor(uow, p.get("period"), as_of, p.get("scenario"), rebalance=options)
    assert report.rebalance is not None
    result = proposal_summary(report.rebalance, report.period.label, report.as_of)
    with uow:
        if not uow.jobs.update(
            job.id,
            expect=(JobState.RUNNING,),
            state=JobState.DONE,
            result=result,
            finished_at=datetime.now(UTC),
        ):
            uow.scenarios.delete(report.rebalance.scenario)
        uow.commit()
    return get_job(uow, job.id)


def start(job: Job, db: str) -> int:
    """Run ``job`` in a detached process (``territorial jobs run``); returns its pid."""
    process = subprocess.Popen(
        [sys.executable, "-m", "territorial.cli.main", "jobs", "run", job.id, "--db", db],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    # reap it when it ends, so a long-lived parent (the web app) keeps no zombies
    threading.Thread(target=process.wait, daemon=True).start()
    return process.pid


QUEUE_ENV = "TERRITORIAL_QUEUE"
QUEUE_NAME_ENV = "TERRITORIAL_QUEUE_NAME"


def queue_url() -> str | None:
    """The Redis URL of the job queue, when one is configured."""
    return os.environ.get(QUEUE_ENV) or None


def _queue(url: str) -> Any:
    from redis import Redis
    from rq import Queue

    return Queue(os.environ.get(QUEUE_NAME_ENV, "territorial"), connection=Redis.from_url(url))


def dispatch(job: Job, db: str) -> str:
    """Hand ``job`` to the queue when one is configured, else to a local process."""
    url = queue_url()
    if url is None:
        start(job, db)
        return "a process of its own"
    _enqueue(job, db)
    return f"the queue at {url}"


def run_queued(db: str, job_id: str) -> str:
    """What a queue worker runs: :func:`run` on the job's database (a job someone else
    took meanwhile, e.g. a segment its parent ran itself, is left alone)."""
    uow = UnitOfWork.open(db)
    with uow:
        job = uow.jobs.get(job_id)
    if job is not None and job.state is not JobState.QUEUED:
        return job.state.value
    return run(uow, job_id).state.value


def _enqueue(job: Job, db: str) -> None:
    _queue(str(queue_url())).enqueue(
        run_queued, db, job.id, job_id=job.id, job_timeout=queue_timeout(job.params)
    )


def queue_timeout(params: dict[str, Any]) -> int:
    """Seconds a queue worker lets a job run before it kills it: generous beside the
    time limit, and none (-1) for a design bounded by iterations, which its time limit
    does not stop (cancelling it still does)."""
    if params.get("iterations"):
        return -1
    minutes = float(params.get("time_limit", 30.0)) / 60 * int(params.get("starts") or 1)
    return int(600 + 180 * minutes)


def work(url: str, burst: bool = False) -> None:
    """Run queued jobs until stopped (``burst``: until the queue is empty)."""
    from rq import Worker

    queue = _queue(url)
    Worker([queue], connection=queue.connection).work(burst=burst)


def _pid_alive(pid: int) -> bool:
    """A live process (a zombie, finished but not yet reaped, counts as gone)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    return stat.rpartition(")")[2].split()[0] != "Z"


def _worker_pid(job: Job) -> int | None:
    """The pid of the job's runner when it runs on this machine."""
    if not job.worker:
        return None
    host, _, pid = job.worker.rpartition(":")
    return int(pid) if host == _host() and pid.isdigit() else None


def _lost_reason(job: Job) -> str | None:
    """Why a running job's runner is gone (its process on this machine has ended, or,
    wherever it ran, its heartbeat stopped), else None."""
    if job.state is not JobState.RUNNING:
        return None
    pid = _worker_pid(job)
    if pid is not None and not _pid_alive(pid):
        return "the job's process stopped before finishing (killed?); nothing was stored"
    beat = job.updated_at or job.started_at
    silent = None if beat is None else (datetime.now(UTC) - beat).total_seconds()
    if silent is not None and silent > stale_after():
        return (
            f"the job's process stopped before finishing (no heartbeat from "
            f"{job.worker} for {silent:.0f} s; killed?); nothing was stored"
        )
    return None


def _mark_lost(uow: UnitOfWork, job: Job) -> Job:
    """A running job whose runner is gone has failed (an import's upload is removed)."""
    reason = _lost_reason(job)
    if reason is not None and uow.jobs.update(
        job.id,
        expect=(JobState.RUNNING,),
        state=JobState.FAILED,
        error=reason,
        finished_at=datetime.now(UTC),
    ):
        _remove_upload(uow, job)
        uow.commit()
        found = uow.jobs.get(job.id)
        assert found is not None
        return found
    return job


def list_jobs(uow: UnitOfWork, limit: int = 50) -> list[Job]:
    with uow:
        return [_mark_lost(uow, j) for j in uow.jobs.list(limit)]


def get_job(uow: UnitOfWork, job_id: str) -> Job:
    with uow:
        job = uow.jobs.get(job_id)
        if job is None:
            raise TerritorialError(f"no job {job_id!r}; `territorial jobs list` shows them")
        return _mark_lost(uow, job)


def wait(uow: UnitOfWork, job_id: str, timeout: float, poll: float = 0.5) -> Job:
    """The job once finished, or as it stands after ``timeout`` seconds."""
    end = time.monotonic() + timeout
    while True:
        job = get_job(uow, job_id)
        if job.state.finished or time.monotonic() >= end:
            return job
        time.sleep(poll)


def cancel(uow: UnitOfWork, job_id: str) -> Job:
    """Cancel a queued or running job (its runner process is stopped; nothing is stored)."""
    job = get_job(uow, job_id)
    if job.state.finished:
        raise TerritorialError(f"job {job_id} has already finished ({job.state})")
    with uow:
        changed = uow.jobs.update(
            job_id,
            expect=(JobState.QUEUED, JobState.RUNNING),
            state=JobState.CANCELLED,
            finished_at=datetime.now(UTC),
        )
        uow.commit()
    if not changed:
        raise TerritorialError(f"job {job_id} finished while being cancelled")
    pid = _worker_pid(job)
    if pid is not None and _pid_alive(pid):
        os.kill(pid, signal.SIGTERM)
        if job.kind == "import":
            _wait_gone(pid)
    elif job.state is JobState.RUNNING and queue_url() is not None:
        from rq.command import send_stop_job_command

        send_stop_job_command(_queue(str(queue_url())).connection, job_id)
    _drop_upload(uow, job)  # an import's carried file, wherever it was to run
    with uow:
        children = [
            c.id
            for c in uow.jobs.list(limit=500)
            if c.params.get(PARENT) == job_id and not c.state.finished
        ]
    for child in children:  # a design's segments running elsewhere stop with it
        try:
            cancel(uow, child)
        except TerritorialError:
            continue  # finished meanwhile
    return get_job(uow, job_id)


def _wait_gone(pid: int, timeout: float = 10.0) -> None:
    end = time.monotonic() + timeout
    while _pid_alive(pid) and time.monotonic() < end:
        time.sleep(0.05)


def run(uow: UnitOfWork, job_id: str) -> Job:
    """Claim and run a queued job in this process (the runner's entry point), acting as
    the user who submitted it (their name goes into the audit log). Scratch folders
    left by runners that were killed are removed first."""
    sweep()
    with uow:
        job = uow.jobs.get(job_id)
    with acting_as(_submitter(job) if job else local_actor()):
        return _run(uow, job_id)


def _run(uow: UnitOfWork, job_id: str) -> Job:
    with uow:
        job = uow.jobs.get(job_id)
        if job is None:
            raise TerritorialError(f"no job {job_id!r}")
        if job.kind not in KINDS:
            raise TerritorialError(f"job {job_id}: unknown kind {job.kind!r}")
        claimed = uow.jobs.update(
            job_id,
            expect=(JobState.QUEUED,),
            state=JobState.RUNNING,
            worker=f"{_host()}:{os.getpid()}",
            started_at=datetime.now(UTC),
        )
        uow.commit()
    if not claimed:
        raise TerritorialError(f"job {job_id} is {job.state}, not queued")
    stop = threading.Event()
    beating = threading.Thread(target=_heartbeat, args=(uow, job_id, stop), daemon=True)
    beating.start()
    try:
        return _work(uow, job)
    finally:
        stop.set()
        beating.join()
        if job.kind == "import":
            _drop_upload(uow, job)


def _heartbeat(uow: UnitOfWork, job_id: str, stop: threading.Event) -> None:
    """Touch the running job's ``updated_at`` every :data:`HEARTBEAT_EVERY` seconds, so
    any process can tell a live job from one whose worker died (see :func:`_lost_reason`)."""
    own = UnitOfWork(uow.engine)  # a connection of this thread's own
    while not stop.wait(HEARTBEAT_EVERY):
        try:
            with own:
                own.jobs.update(job_id, expect=(JobState.RUNNING,))
                own.commit()
        except Exception:  # a busy database: the next beat tries again
            continue


def _work(uow: UnitOfWork, job: Job) -> Job:
    from territorial.services.design import moves_tradeoff, plan_design

    job_id = job.id
    last = 0.0

    def progress(p: Progress) -> None:
        nonlocal last
        if time.monotonic() - last < PROGRESS_EVERY and not p.feasible:
            return
        last = time.monotonic()
        with uow:
            uow.jobs.update(
                job_id,
                expect=(JobState.RUNNING,),
                progress={
                    "iteration": p.iteration,
                    "seconds": round(p.runtime, 2),
                    "balance_excess": p.balance_excess,
                    "objective": p.objective,
                    "feasible": p.feasible,
                },
            )
            uow.commit()

    try:
        if job.kind == "import":
            return _import(uow, job)
        if job.kind in ("report", "export"):
            from territorial.services.job_files import run_file_job

            return run_file_job(uow, job)
        if job.kind == "rebalance":
            return _rebalance(uow, job, progress)
        request = request_from({k: v for k, v in job.params.items() if k not in NOT_REQUEST})
        if job.kind == "segment":
            return _segment(uow, job, request, progress)
        if job.kind == "tradeoff":
            points = moves_tradeoff(uow, request, list(job.params["caps"]), progress)
            with uow:  # nothing else to store: the points are the result
                uow.jobs.update(
                    job_id,
                    expect=(JobState.RUNNING,),
                    state=JobState.DONE,
                    result={"points": to_json_data(points)},
                    finished_at=datetime.now(UTC),
                )
                uow.commit()
            return get_job(uow, job_id)
        fan_out = (
            _fan_out(uow, job, request, progress)
            if (request.segment or request.starts > 1) and queue_url() is not None
            else None
        )
        scenario, outcome = plan_design(uow, request, progress, fan_out)
    except TerritorialError as exc:
        return _finish(uow, job_id, JobState.FAILED, error=str(exc))
    except Exception as exc:  # a bug: recorded on the job, not lost in a dead process
        return _finish(uow, job_id, JobState.FAILED, error=f"internal error: {exc!r}")
    with uow:  # the scenario and the job's end in one transaction
        uow.write_lock()
        if not uow.jobs.update(
            job_id,
            expect=(JobState.RUNNING,),
            state=JobState.DONE,
            result=to_json_data(outcome),
            finished_at=datetime.now(UTC),
        ):
            return get_job(uow, job_id)  # cancelled meanwhile: store nothing
        if job.params.get("replace"):
            uow.scenarios.delete(scenario.name)
        elif uow.scenarios.get(scenario.name) is not None:
            uow.rollback()
            return _finish(
                uow,
                job_id,
                JobState.FAILED,
                error=f"a scenario named {scenario.name!r} was created meanwhile",
            )
        uow.scenarios.save(scenario)
        audit.record(uow, "design", scenario.name, None, outcome.audit_summary())
        uow.commit()
    return get_job(uow, job_id)


def _finish(uow: UnitOfWork, job_id: str, state: JobState, error: str) -> Job:
    with uow:
        uow.jobs.update(
            job_id,
            expect=(JobState.RUNNING,),
            state=state,
            error=error,
            finished_at=datetime.now(UTC),
        )
        uow.commit()
    return get_job(uow, job_id)


# ---------------------------------------------------------------------------- imports

IMPORT_JOB_BYTES = 5 * 1024 * 1024  # files from this size import as a job ...
IMPORT_JOB_ROWS = 20_000  # ... and CSV files with more lines than this


def import_is_large(path: Path) -> bool:
    """Whether importing ``path`` should run as a job rather than in the request."""
    size = path.stat().st_size
    if size >= IMPORT_JOB_BYTES:
        return True
    if path.suffix.lower() in (".csv", ".txt"):
        with path.open("rb") as data:
            lines = sum(chunk.count(b"\n") for chunk in iter(lambda: data.read(1 << 20), b""))
        return lines > IMPORT_JOB_ROWS
    return False


def submit_import(
    uow: UnitOfWork,
    path: Path,
    kind: str,
    *,
    file: str,
    mapping: dict[str, str],
    allow_unlocated: bool,
    remove: Path | None = None,
    content: bytes | None = None,
) -> Job:
    """Queue the import of ``path`` (``kind`` accounts or reps), all or nothing as
    ever; ``file`` is the name it was uploaded as.

    The job carries the file: its bytes (``content``, else read from ``path`` here) go
    into the database with the job (table ``job_files``), so a worker on any machine
    runs it; ``remove`` (the upload's folder, if given) is deleted as soon as the job is
    queued. The carried copy is dropped once the job has ended, however it ends."""
    if content is None:
        try:
            content = Path(path).read_bytes()
        except OSError as exc:
            raise TerritorialError(
                f"{file}: cannot read the uploaded file ({exc.strerror})"
            ) from None
    params = {
        "path": str(path),
        "file": file,
        "import_kind": kind,
        "mapping": mapping,
        "allow_unlocated": allow_unlocated,
    }
    job = new_job("import", params)
    with uow:
        uow.jobs.add(job)
        uow.jobs.put_file(job.id, "input", Path(path).name, content)
        uow.commit()
    if remove is not None:
        import shutil

        shutil.rmtree(remove, ignore_errors=True)
    return job


def _remove_upload(uow: UnitOfWork, job: Job) -> None:
    """Drop an import job's carried file (inside ``uow``'s open transaction)."""
    if job.kind == "import":
        uow.jobs.drop_files(job.id, "input")


def _drop_upload(uow: UnitOfWork, job: Job) -> None:
    """Drop an import job's carried file once the job has ended."""
    with uow:
        _remove_upload(uow, job)
        uow.commit()


def _import(uow: UnitOfWork, job: Job) -> Job:
    """Run an import job on the file it carries: progress counts the rows read; the
    import and the job's ``done`` state commit together (a cancelled job rolls the
    import back)."""
    p = job.params
    shown = str(p["file"])
    with uow:
        carried = uow.jobs.file(job.id, "input")
    if carried is None:
        raise TerritorialError(
            f"{shown}: the uploaded file is no longer there (was the job "
            "cancelled?); upload it again"
        )
    with scratch("import") as folder:
        local = Path(folder) / Path(carried[0]).name  # its suffix tells CSV from XLSX
        local.write_bytes(carried[1])
        return _import_file(uow, job, str(local), shown)


def _import_file(uow: UnitOfWork, job: Job, path: str, shown: str) -> Job:
    """Import the job's file, fetched to ``path`` on this machine."""
    from territorial.services.imports import ImportReport, import_accounts, import_reps

    p = job.params
    last = 0.0

    def rows(done: int, total: int) -> None:
        nonlocal last
        if time.monotonic() - last < PROGRESS_EVERY and done != total:
            return
        last = time.monotonic()
        with uow:
            uow.jobs.update(
                job.id, expect=(JobState.RUNNING,), progress={"rows": done, "total": total}
            )
            uow.commit()

    def finish(report: ImportReport) -> bool:
        result = {k: _unpath(v, path, shown) for k, v in report.to_dict().items()}
        return uow.jobs.update(
            job.id,
            expect=(JobState.RUNNING,),
            state=JobState.DONE,
            result=result,
            finished_at=datetime.now(UTC),
        )

    mapping = p.get("mapping") or None
    try:
        if p["import_kind"] == "reps":
            import_reps(uow, Path(path), mapping, progress=rows, before_commit=finish)
        else:
            import_accounts(
                uow,
                Path(path),
                mapping,
                progress=rows,
                before_commit=finish,
                allow_unlocated=bool(p.get("allow_unlocated")),
            )
    except TerritorialError as exc:
        raise TerritorialError(_unpath(str(exc), path, shown)) from None
    return get_job(uow, job.id)


def _unpath(value: Any, path: str, shown: str) -> Any:
    """Messages name the file as uploaded, not where it was kept."""
    if isinstance(value, str):
        return value.replace(path, shown)
    if isinstance(value, list):
        return [_unpath(v, path, shown) for v in value]
    return value


# ---------------------------------------------------------------------------- segments

SEGMENT_POLL = 0.2  # seconds between looks at a design's segment jobs


def _fan_out(
    uow: UnitOfWork, job: Job, request: DesignRequest, progress: Callable[[Progress], None]
) -> Callable[[list[SegmentTask]], list[tuple[dict[str, str], SegmentResult]]]:
    """How a design on a queue runs its segments and starts: every (segment, seed) pair but
    the first becomes a job (kind ``segment``) that any free worker takes; this process
    designs the first, then each pair no worker has taken yet, then waits for the rest.
    Every pair runs with the seed and share of time it would have here, and each segment
    keeps its best start (:func:`starts.best`), so the plan is the same."""
    from territorial.services import starts
    from territorial.services.design import plan_segment

    db = uow.engine.url.render_as_string(hide_password=False)
    seeds = starts.seeds(request)

    def run_segments(tasks: list[SegmentTask]) -> list[tuple[dict[str, str], SegmentResult]]:
        pairs = [(t, seed) for t in tasks for seed in seeds]
        children = [
            Job(
                id=uuid.uuid4().hex[:12],
                kind="segment",
                params={
                    **job.params,
                    "seed": seed,
                    "starts": 1,
                    PARENT: job.id,
                    TASK: dataclasses.asdict(t),
                },
            )
            for t, seed in pairs[1:]
        ]
        with uow:
            for child in children:
                uow.jobs.add(child)
            uow.commit()
        for child in children:
            _enqueue(child, db)
        task, seed = pairs[0]
        first = plan_segment(uow, starts.with_seed(request, seed), task, progress)
        parts = [first, *(_segment_of(uow, job.id, child.id) for child in children)]
        k = len(seeds)
        return [starts.best(request, parts[i * k : (i + 1) * k]) for i in range(len(tasks))]

    return run_segments


def _segment_of(
    uow: UnitOfWork, parent: str, child_id: str
) -> tuple[dict[str, str], SegmentResult]:
    """A segment job's plan: run here when still queued, else awaited."""
    from territorial.services.design import SegmentResult

    while True:
        child = get_job(uow, child_id)
        if child.state is JobState.QUEUED:
            try:
                child = _run(uow, child_id)
            except TerritorialError:  # a worker took it first
                child = get_job(uow, child_id)
        if child.state is JobState.DONE and child.result is not None:
            figures = dict(child.result["figures"])
            figures["misses"] = [tuple(m) for m in figures["misses"]]
            return dict(child.result["assignment"]), SegmentResult(**figures)
        if child.state.finished:
            label = child.params[TASK]["segment"]
            raise TerritorialError(f"segment {label}: {child.error or child.state}")
        if get_job(uow, parent).state is not JobState.RUNNING:
            raise TerritorialError(f"job {parent} stopped while its segments ran")
        time.sleep(SEGMENT_POLL)


def _segment(
    uow: UnitOfWork, job: Job, request: DesignRequest, progress: Callable[[Progress], None]
) -> Job:
    """Run a segment job: its part of the plan is its result (the parent stores it)."""
    from territorial.services.design import SegmentTask, plan_segment

    task = SegmentTask(**job.params[TASK])
    parent = get_job(uow, str(job.params[PARENT]))
    if parent.state.finished:  # its design failed or was cancelled: nothing to do
        return _finish(
            uow,
            job.id,
            JobState.CANCELLED,
            error=f"job {parent.id} ended ({parent.state}) before this segment ran",
        )
    part, figures = plan_segment(uow, request, task, progress)
    with uow:
        uow.jobs.update(
            job.id,
            expect=(JobState.RUNNING,),
            state=JobState.DONE,
            result={"assignment": part, "figures": dataclasses.asdict(figures)},
            finished_at=datetime.now(UTC),
        )
        uow.commit()
    return get_job(uow, job.id)
