"""Who is acting: set once per request or command, read by the services' access checks.

The CLI acts as a local admin on a file it can open (named after the OS user, or
``TERRITORIAL_USER``); the web app sets the logged-in user for each request.
"""

from __future__ import annotations

import getpass
import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from territorial.domain.errors import NotPermitted
from territorial.domain.users import Actor, Role


def local_actor() -> Actor:
    """The CLI's actor: an admin named after ``TERRITORIAL_USER`` or the OS login."""
    try:
        name = os.environ.get("TERRITORIAL_USER") or getpass.getuser()
    except (KeyError, OSError):  # no login name in a bare container
        name = "local"
    return Actor(name=name, role=Role.ADMIN)


_current: ContextVar[Actor | None] = ContextVar("territorial_actor", default=None)


def current_actor() -> Actor:
    """The actor set for this request or command (the local admin when none was set)."""
    return _current.get() or local_actor()


def set_actor(actor: Actor) -> None:
    """Make ``actor`` the current one for the rest of this context (a request, a command)."""
    _current.set(actor)


@contextmanager
def acting_as(actor: Actor) -> Iterator[None]:
    """Run a block as ``actor`` (tests, jobs run on someone's behalf)."""
    token = _current.set(actor)
    try:
        yield
    finally:
        _current.reset(token)


def require(role: Role, action: str) -> Actor:
    """The current actor, if their role allows ``role``'s actions; else NotPermitted."""
    actor = current_actor()
    if not actor.role.allows(role):
        raise NotPermitted(f"{actor.name} ({actor.role}) may not {action}: needs {role}")
    return actor


def require_territories(names: Iterable[str | None], action: str) -> Actor:
    """The current actor, if every territory in ``names`` is in their region (None, an
    unassigned place, is outside every region); else NotPermitted naming one outside.
    Actors without a region pass. The rule is in services/region.py."""
    actor = current_actor()
    if actor.territories is None:
        return actor
    outside = sorted({n or "(unassigned)" for n in names if n not in actor.territories})
    if outside:
        more = f" and {len(outside) - 1} more" if len(outside) > 1 else ""
        raise NotPermitted(
            f"{actor.name} is limited to region {actor.region}; {action} touches "
            f"{outside[0]}{more}, outside it"
        )
    return actor
