"""Users, login failures and the audit log in the database (shared by every worker)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select, update

from territorial.domain.users import AuditEntry, Role, User
from territorial.storage.tables import audit_log, login_failures, users


def _aware(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def _user(row: Any) -> User:
    return User(
        id=row.id,
        username=row.username,
        role=Role(row.role),
        rep_id=row.rep_id,
        active=bool(row.active),
        created_at=_aware(row.created_at),
        region=row.region,
    )


class UserRepository:
    """Add, find and change users; password hashes never leave this class but for checks."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def add(
        self,
        username: str,
        password_hash: str,
        role: Role,
        rep_id: int | None,
        region: str | None = None,
    ) -> User:
        now = datetime.now(UTC)
        new_id = self.conn.execute(
            insert(users).values(
                username=username,
                password_hash=password_hash,
                role=role.value,
                rep_id=rep_id,
                active=True,
                created_at=now,
                region=region,
            )
        ).inserted_primary_key
        assert new_id is not None
        return User(new_id[0], username, role, rep_id, True, now, region)

    def get(self, user_id: int) -> User | None:
        row = self.conn.execute(select(users).where(users.c.id == user_id)).first()
        return _user(row) if row else None

    def by_name(self, username: str) -> User | None:
        row = self.conn.execute(select(users).where(users.c.username == username)).first()
        return _user(row) if row else None

    def with_password_hash(self, user_id: int) -> tuple[User, str] | None:
        """The user and their password hash, in one query (None: no such user)."""
        row = self.conn.execute(select(users).where(users.c.id == user_id)).first()
        return (_user(row), str(row.password_hash)) if row else None

    def password_hash(self, user_id: int) -> str | None:
        query = select(users.c.password_hash).where(users.c.id == user_id)
        value = self.conn.execute(query).scalar()
        return str(value) if value is not None else None

    def all(self) -> list[User]:
        return [_user(r) for r in self.conn.execute(select(users).order_by(users.c.username))]

    def update(self, user_id: int, **values: object) -> None:
        self.conn.execute(update(users).where(users.c.id == user_id).values(**values))

    def count(self) -> int:
        return int(self.conn.execute(select(func.count()).select_from(users)).scalar() or 0)

    def failures_since(self, key: str, since: datetime) -> int:
        query = select(func.count()).where(
            login_failures.c.key == key, login_failures.c.at >= since
        )
        return int(self.conn.execute(query.select_from(login_failures)).scalar() or 0)

    def add_failure(self, key: str, at: datetime) -> None:
        self.conn.execute(insert(login_failures).values(key=key, at=at))

    def clear_failures(self, key: str) -> None:
        self.conn.execute(delete(login_failures).where(login_failures.c.key == key))


class AuditRepository:
    """Append-only log of changes."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def add(self, actor: str, action: str, target: str, before: object, after: object) -> None:
        self.conn.execute(
            insert(audit_log).values(
                at=datetime.now(UTC),
                actor=actor,
                action=action,
                target=target,
                before=before,
                after=after,
            )
        )

    def find(
        self,
        *,
        actor: str | None = None,
        action: str | None = None,
        target: str | None = None,
        since: datetime | None = None,
        limit: int | None = None,
    ) -> list[AuditEntry]:
        query = select(audit_log).order_by(audit_log.c.id.desc())
        if actor:
            query = query.where(audit_log.c.actor == actor)
        if action:
            query = query.where(audit_log.c.action == action)
        if target:
            query = query.where(audit_log.c.target.contains(target, autoescape=True))
        if since:
            query = query.where(audit_log.c.at >= since)
        if limit:
            query = query.limit(limit)
        return [
            AuditEntry(r.id, _aware(r.at), r.actor, r.action, r.target, r.before, r.after)
            for r in self.conn.execute(query)
        ]
