"""Jobs in the database, so that every process (CLI, web workers, job runners) sees them."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, select, update

from territorial.domain.jobs import Job, JobState
from territorial.storage.tables import jobs


def _aware(value: datetime | None) -> datetime | None:
    return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value


def _job(row: Any) -> Job:
    return Job(
        id=row.id, kind=row.kind, params=dict(row.params), state=JobState(row.state),
        progress=dict(row.progress or {}), result=row.result, error=row.error,
        created_at=_aware(row.created_at) or datetime.now(UTC),
        started_at=_aware(row.started_at), finished_at=_aware(row.finished_at),
        updated_at=_aware(row.updated_at), worker=row.worker,
    )


class JobRepository:
    """Add, read and move jobs through their states."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def add(self, job: Job) -> None:
        self.conn.execute(jobs.insert().values(
            id=job.id, kind=job.kind, params=job.params, state=job.state.value,
            progress=job.progress, result=job.result, error=job.error,
            created_at=job.created_at, started_at=job.started_at,
            finished_at=job.finished_at, updated_at=job.updated_at, worker=job.worker,
        ))

    def get(self, job_id: str) -> Job | None:
        row = self.conn.execute(select(jobs).where(jobs.c.id == job_id)).first()
        return None if row is None else _job(row)

    def list(self, limit: int = 50) -> list[Job]:
        rows = self.conn.execute(select(jobs).order_by(jobs.c.created_at.desc()).limit(limit))
        return [_job(r) for r in rows]

    def update(self, job_id: str, *, expect: tuple[JobState, ...] = (),
               **values: Any) -> bool:
        """Set ``values`` (``state`` as a JobState); only from the ``expect`` states when
        given, so two processes never both move a job on.  True when a row changed."""
        if isinstance(values.get("state"), JobState):
            values["state"] = values["state"].value
        values.setdefault("updated_at", datetime.now(UTC))
        stmt = update(jobs).where(jobs.c.id == job_id)
        if expect:
            stmt = stmt.where(jobs.c.state.in_([s.value for s in expect]))
        return bool(self.conn.execute(stmt.values(**values)).rowcount)
