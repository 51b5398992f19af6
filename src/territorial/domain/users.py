"""Users, their roles, and who is acting: the access rules speak these words."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime


class Role(enum.StrEnum):
    """What a user may do: an admin everything, a manager the cycle, a rep their own view."""

    ADMIN = "admin"
    MANAGER = "manager"
    REP = "rep"

    @property
    def rank(self) -> int:
        return {Role.REP: 0, Role.MANAGER: 1, Role.ADMIN: 2}[self]

    def allows(self, needed: Role) -> bool:
        """True when this role may do what ``needed`` may (admin > manager > rep)."""
        return self.rank >= needed.rank


@dataclass(frozen=True)
class User:
    """A login. A rep user is tied to one rep (``rep_id``); others to none."""

    id: int
    username: str
    role: Role
    rep_id: int | None
    active: bool
    created_at: datetime
    region: str | None = None  # a manager limited to this region or district


@dataclass(frozen=True)
class Actor:
    """Who is acting now: a logged-in user, or a local CLI user (an admin on its own file).

    A manager limited to a region carries its name and ``territories``, the names of the
    region's nodes in the active alignment (see services/region.py); None: not limited.
    """

    name: str
    role: Role
    rep_id: int | None = None
    region: str | None = None
    territories: frozenset[str] | None = None


@dataclass(frozen=True)
class AuditEntry:
    """One recorded change: who, when, what, and the state before and after."""

    id: int
    at: datetime
    actor: str
    action: str
    target: str
    before: object
    after: object
