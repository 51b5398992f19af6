"""Uploaded files awaiting confirmation, in the database so every web worker sees them."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, delete, select

from territorial.storage.tables import uploads


class UploadRepository:
    """Keep, read and forget uploads (a row holds the bytes and an expiry)."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def add(
        self,
        token: str,
        *,
        name: str,
        kind: str,
        options: dict[str, Any],
        data: bytes,
        created_at: datetime,
        expires_at: datetime,
    ) -> None:
        self.conn.execute(
            uploads.insert().values(
                token=token,
                name=name,
                kind=kind,
                options=options,
                size=len(data),
                data=data,
                created_at=created_at,
                expires_at=expires_at,
            )
        )

    def meta(self, token: str, now: datetime | None = None) -> dict[str, Any] | None:
        """Name, kind, options and size of an unexpired upload (not its bytes), or None."""
        cols = (uploads.c.name, uploads.c.kind, uploads.c.options, uploads.c.size)
        row = self.conn.execute(
            select(*cols).where(
                uploads.c.token == token, uploads.c.expires_at > (now or datetime.now(UTC))
            )
        ).first()
        return (
            None
            if row is None
            else {
                "name": row.name,
                "kind": row.kind,
                "options": dict(row.options),
                "size": row.size,
            }
        )

    def data(self, token: str) -> bytes | None:
        value = self.conn.execute(
            select(uploads.c.data).where(uploads.c.token == token)
        ).scalar_one_or_none()
        return None if value is None else bytes(value)

    def delete(self, token: str) -> bool:
        return bool(self.conn.execute(delete(uploads).where(uploads.c.token == token)).rowcount)

    def prune(self, now: datetime | None = None) -> int:
        """Forget every expired upload; how many there were."""
        stmt = delete(uploads).where(uploads.c.expires_at <= (now or datetime.now(UTC)))
        return int(self.conn.execute(stmt).rowcount)

    def tokens(self) -> list[str]:
        return list(self.conn.execute(select(uploads.c.token)).scalars())
