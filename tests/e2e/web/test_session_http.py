"""A request's session check reads its user once (the user and the password hash's
fingerprint in one query), and a login starts a new CSRF token."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from tests.e2e.web.login import csrf_of, log_in, logged_in

from territorial.domain.users import Role


def test_a_request_reads_its_user_in_one_query(demo_db: str) -> None:
    with logged_in(demo_db, "manager", Role.MANAGER) as client:
        engine = client.app.state.workspace.engine  # type: ignore[attr-defined]
        seen: list[str] = []

        def record(_c: Any, _cur: Any, statement: str, *_args: Any) -> None:
            seen.append(statement)

        event.listen(engine, "before_cursor_execute", record)
        try:
            assert client.get("/api/scenarios").status_code == 200
        finally:
            event.remove(engine, "before_cursor_execute", record)
        reads = [s for s in seen if "FROM users" in s]
        assert len(reads) == 1, reads


def test_a_login_starts_a_new_csrf_token(demo_db: str) -> None:
    with logged_in(demo_db, "manager", Role.MANAGER) as client:
        before = csrf_of(client.get("/").text)
        log_in(client, "manager")
        after = csrf_of(client.get("/").text)
        assert before != after and len(after) >= 40
        assert client.post("/logout", headers={"X-CSRF-Token": before}).status_code == 403
        assert client.post("/logout", follow_redirects=False).status_code == 303
