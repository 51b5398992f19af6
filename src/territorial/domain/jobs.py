"""Background jobs: long work (a design) run outside the command or request that asked."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any


class JobState(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @property
    def finished(self) -> bool:
        return self in (JobState.DONE, JobState.FAILED, JobState.CANCELLED)


@dataclass
class Job:
    """One job: what to do (``kind`` and ``params``), where it stands, what it gave."""

    id: str
    kind: str  # "design", "report", "export", ...
    params: dict[str, Any]
    state: JobState = JobState.QUEUED
    progress: dict[str, Any] = field(default_factory=dict)
    result: dict[str, Any] | None = None
    error: str | None = None
    created_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    started_at: datetime | None = None
    finished_at: datetime | None = None
    updated_at: datetime | None = None
    worker: str | None = None  # "host:pid" of the process running it
    key: str | None = None  # a report's or export's inputs and data version (reuse)
