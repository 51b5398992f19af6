"""Jobs in the database, so that every process (CLI, web workers, job runners) sees them,
with their files (an import's upload, a report's result), which every worker reaches."""

from __future__ import annotations

import builtins
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, delete, select, update

from territorial.domain.jobs import Job, JobState
from territorial.storage.tables import job_files, jobs
from territorial.storage.versions import data_version


def _aware(value: datetime | None) -> datetime | None:
    return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value


def _job(row: Any) -> Job:
    return Job(
        id=row.id,
        kind=row.kind,
        params=dict(row.params),
        state=JobState(row.state),
        progress=dict(row.progress or {}),
        result=row.result,
        error=row.error,
        created_at=_aware(row.created_at) or datetime.now(UTC),
        started_at=_aware(row.started_at),
        finished_at=_aware(row.finished_at),
        updated_at=_aware(row.updated_at),
        worker=row.worker,
        key=row.key,
    )


class JobRepository:
    """Add, read and move jobs through their states; keep and read their files."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def add(self, job: Job) -> None:
        self.conn.execute(
            jobs.insert().values(
                id=job.id,
                kind=job.kind,
                params=job.params,
                state=job.state.value,
                progress=job.progress,
                result=job.result,
                error=job.error,
                created_at=job.created_at,
                started_at=job.started_at,
                finished_at=job.finished_at,
                updated_at=job.updated_at,
                worker=job.worker,
                key=job.key,
            )
        )

    def get(self, job_id: str) -> Job | None:
        row = self.conn.execute(select(jobs).where(jobs.c.id == job_id)).first()
        return None if row is None else _job(row)

    def list(self, limit: int = 50) -> list[Job]:
        rows = self.conn.execute(select(jobs).order_by(jobs.c.created_at.desc()).limit(limit))
        return [_job(r) for r in rows]

    def with_key(self, key: str) -> builtins.list[Job]:
        """The jobs made for ``key``, newest first."""
        rows = self.conn.execute(
            select(jobs).where(jobs.c.key == key).order_by(jobs.c.created_at.desc())
        )
        return [_job(r) for r in rows]

    def update(self, job_id: str, *, expect: tuple[JobState, ...] = (), **values: Any) -> bool:
        """Set ``values`` (``state`` as a JobState); only from the ``expect`` states when
        given, so two processes never both move a job on.  True when a row changed."""
        if isinstance(values.get("state"), JobState):
            values["state"] = values["state"].value
        values.setdefault("updated_at", datetime.now(UTC))
        stmt = update(jobs).where(jobs.c.id == job_id)
        if expect:
            stmt = stmt.where(jobs.c.state.in_([s.value for s in expect]))
        return bool(self.conn.execute(stmt.values(**values)).rowcount)

    def put_file(self, job_id: str, role: str, name: str, content: bytes) -> None:
        """Keep ``content`` as the job's ``role`` file ("input" or "output")."""
        self.drop_files(job_id, role)
        self.conn.execute(
            job_files.insert().values(
                job_id=job_id, role=role, name=name, size=len(content), content=content
            )
        )

    def file(self, job_id: str, role: str) -> tuple[str, bytes] | None:
        """The job's ``role`` file as (name, content), or None."""
        row = self.conn.execute(
            select(job_files.c.name, job_files.c.content).where(
                job_files.c.job_id == job_id, job_files.c.role == role
            )
        ).first()
        return None if row is None else (str(row[0]), bytes(row[1]))

    def drop_files(self, job_id: str, role: str | None = None) -> None:
        stmt = delete(job_files).where(job_files.c.job_id == job_id)
        if role is not None:
            stmt = stmt.where(job_files.c.role == role)
        self.conn.execute(stmt)

    def drop_outputs_before(self, when: datetime) -> None:
        """Drop the built files of jobs that finished before ``when``."""
        old = select(jobs.c.id).where(jobs.c.finished_at < when)
        self.conn.execute(
            delete(job_files).where(job_files.c.role == "output", job_files.c.job_id.in_(old))
        )

    def data_version(self) -> str:
        """The workspace's data version (:func:`~territorial.storage.versions.data_version`)
        as text: any change to accounts, reps, scenarios, sales, visits, quotas, goals,
        plans or edits gives a new one."""
        return str(data_version(self.conn))
