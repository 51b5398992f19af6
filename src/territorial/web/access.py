"""Who may reach which route: one rule per route, so a new route cannot be forgotten.

Every route needs a manager unless it is listed here: the login page is public, a rep
reaches only their own view (``/me``) and logging out, and user management is an admin's.
"""

from __future__ import annotations

from territorial.domain.users import Role

PUBLIC_PATHS = frozenset({"/login"})
REP_PATHS = frozenset({"/logout", "/api/map/states"})  # state outlines: public geography
REP_PREFIXES = ("/me", "/api/me")
ADMIN_PREFIXES = ("/users", "/api/users")


def _under(path: str, prefixes: tuple[str, ...]) -> bool:
    return any(path == p or path.startswith(p + "/") for p in prefixes)


def needed_role(path: str) -> Role | None:
    """The least role that may use the route with path template ``path`` (None: anyone)."""
    if path in PUBLIC_PATHS:
        return None
    if path in REP_PATHS or _under(path, REP_PREFIXES):
        return Role.REP
    if _under(path, ADMIN_PREFIXES):
        return Role.ADMIN
    return Role.MANAGER
