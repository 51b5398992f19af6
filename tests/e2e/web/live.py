"""The web app served by uvicorn in a background thread, for browser tests."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import uvicorn
from tests.e2e.web.login import ensure_user

from territorial.domain.users import Role
from territorial.web.app import create_app


@contextmanager
def serve(db: str) -> Iterator[str]:
    """Serve workspace ``db`` on a free port (with the users ``admin`` and ``manager``,
    password ``login.PASSWORD``); yields the base URL, stops on exit."""
    ensure_user(db, "admin", Role.ADMIN)
    ensure_user(db, "manager", Role.MANAGER)
    server = uvicorn.Server(
        uvicorn.Config(create_app(db), host="127.0.0.1", port=0, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("uvicorn did not start within 15 s")
        time.sleep(0.02)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
