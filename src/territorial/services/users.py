"""Users: add, list, change passwords and roles, log in (argon2 hashes, throttled)."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from territorial.domain.errors import OptionError, TerritorialError
from territorial.domain.users import Role, User
from territorial.services import audit
from territorial.services.actor import require
from territorial.services.region import region_territories
from territorial.storage import UnitOfWork

MIN_PASSWORD = 8
MAX_FAILURES = 5  # failed logins per user name ...
MAX_CLIENT_FAILURES = 20  # ... or per client address (an office shares one) ...
FAILURE_WINDOW = timedelta(minutes=15)  # ... within this window, then refused
_hasher = PasswordHasher()


class LoginRefused(TerritorialError):
    """Wrong user name or password, or too many failed attempts."""


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise TerritorialError(f"the password must have at least {MIN_PASSWORD} characters")


def user_dict(user: User) -> dict[str, object]:
    """A user as JSON-ready data (never the password hash)."""
    return {
        "username": user.username,
        "role": user.role.value,
        "rep_id": user.rep_id,
        "active": user.active,
        "region": user.region,
        "created_at": user.created_at.isoformat(timespec="seconds"),
    }


def add_user(
    uow: UnitOfWork,
    username: str,
    password: str,
    role: Role,
    rep: str | None = None,
    region: str | None = None,
) -> User:
    """A new user; a rep user names the rep (external id) whose territory they see; a
    manager may be limited to ``region`` (see services/region.py)."""
    require(Role.ADMIN, "add users")
    username = username.strip()
    if not username or len(username) > 255 or any(c.isspace() for c in username):
        raise TerritorialError("a user name is 1-255 characters without spaces")
    _check_password(password)
    with uow:
        if uow.users.by_name(username):
            raise TerritorialError(f"user {username!r} already exists")
        rep_id = _rep_id(uow, role, rep)
        region = _region(uow, role, region)
        user = uow.users.add(username, _hasher.hash(password), role, rep_id, region)
        audit.record(uow, "user.add", username, None, user_dict(user))
        uow.commit()
    return user


def _rep_id(uow: UnitOfWork, role: Role, rep: str | None) -> int | None:
    if role is not Role.REP:
        if rep:
            raise TerritorialError("only a user with the role rep is tied to a rep")
        return None
    if not rep:
        raise OptionError("rep", "a rep user needs the rep's id (the reps list shows them)")
    ids = uow.reps.ids_by_external_id()
    if rep not in ids:
        raise TerritorialError(f"no rep with id {rep!r}")
    return ids[rep]


def _region(uow: UnitOfWork, role: Role, region: str | None) -> str | None:
    region = (region or "").strip() or None
    if region is None:
        return None
    if role is not Role.MANAGER:
        raise TerritorialError("only a manager may be limited to a region")
    region_territories(uow, region)  # an error naming the known regions when unknown
    return region


def set_region(uow: UnitOfWork, username: str, region: str | None) -> User:
    """Limit a manager to ``region`` (a region or district of the active alignment), or
    lift the limit (None); takes effect at their next request."""
    require(Role.ADMIN, "change users")
    with uow:
        user = _existing(uow, username)
        new = _region(uow, user.role, region)
        uow.users.update(user.id, region=new)
        audit.record(uow, "user.region", username, {"region": user.region}, {"region": new})
        uow.commit()
        changed = uow.users.by_name(username)
    assert changed is not None
    return changed


def ensure_user(
    uow: UnitOfWork, username: str, role: Role, rep: str | None = None
) -> tuple[User, str]:
    """The user ``username`` with a fresh random password (created if missing): the demo's
    logins, printed at each start."""
    password = secrets.token_urlsafe(9)
    with uow:
        existing = uow.users.by_name(username)
    if existing is None:
        return add_user(uow, username, password, role, rep), password
    set_password(uow, username, password)
    return existing, password


def set_password(uow: UnitOfWork, username: str, password: str) -> None:
    require(Role.ADMIN, "change passwords")
    _check_password(password)
    with uow:
        user = _existing(uow, username)
        uow.users.update(user.id, password_hash=_hasher.hash(password))
        audit.record(uow, "user.password", username)
        uow.commit()


def set_active(uow: UnitOfWork, username: str, active: bool) -> None:
    """Disable a user (their sessions stop working at the next request) or enable them."""
    require(Role.ADMIN, "disable users")
    with uow:
        user = _existing(uow, username)
        uow.users.update(user.id, active=active)
        audit.record(
            uow,
            "user.enable" if active else "user.disable",
            username,
            {"active": user.active},
            {"active": active},
        )
        uow.commit()


def users(uow: UnitOfWork) -> list[User]:
    require(Role.ADMIN, "list users")
    with uow:
        return uow.users.all()


def _existing(uow: UnitOfWork, username: str) -> User:
    user = uow.users.by_name(username)
    if user is None:
        raise TerritorialError(f"no user {username!r} (see `territorial users list`)")
    return user


def authenticate(
    uow: UnitOfWork, username: str, password: str, client: str, now: datetime | None = None
) -> User:
    """The user whose password this is; LoginRefused otherwise, and after MAX_FAILURES
    failures for the name (MAX_CLIENT_FAILURES for the client address) within
    FAILURE_WINDOW, counted in the database so that every worker shares the count."""
    now = now or datetime.now(UTC)
    keys = (f"user:{username.strip().lower()}"[:255], f"client:{client}"[:255])
    with uow:
        since = now - FAILURE_WINDOW
        limits = zip(keys, (MAX_FAILURES, MAX_CLIENT_FAILURES), strict=True)
        if any(uow.users.failures_since(key, since) >= limit for key, limit in limits):
            minutes = int(FAILURE_WINDOW.total_seconds() // 60)
            raise LoginRefused(f"too many failed logins: try again in {minutes} minutes")
        user = uow.users.by_name(username.strip())
        stored = uow.users.password_hash(user.id) if user else None
        if user is None or not user.active or not _verifies(stored, password):
            for key in keys:
                uow.users.add_failure(key, now)
            uow.commit()
            raise LoginRefused("wrong user name or password")
        if stored and _hasher.check_needs_rehash(stored):
            uow.users.update(user.id, password_hash=_hasher.hash(password))
        uow.users.clear_failures(keys[0])
        uow.commit()
        return user


def _verifies(stored: str | None, password: str) -> bool:
    if stored is None:
        _hasher.hash(password)  # same work as a real check: no timing hint of unknown names
        return False
    try:
        return _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def session_key(uow: UnitOfWork) -> str:
    """The secret that signs session cookies, made once per workspace and shared by every
    app worker (kept in the settings table)."""
    with uow:
        key = uow.settings.setdefault("session_secret", secrets.token_urlsafe(48))
        uow.commit()
        return key
