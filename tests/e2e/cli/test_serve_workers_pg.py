"""`territorial serve --workers 2` on a PostgreSQL URL that selects its schema with
``?options=-csearch_path=...``: every worker process reads that schema (its users, its
accounts), whichever way the URL spells the option."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from tests.e2e.web.login import ensure_user, http_session
from tests.integration.workspaces import small_workspace

from territorial.domain.users import Role
from territorial.services.workspace import open_workspace

SRC = Path(__file__).resolve().parents[3] / "src"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
    return port


@contextmanager
def serving(url: str, workers: int, tmp: Path) -> Iterator[str]:
    """``territorial serve --db URL --workers N`` in a process of its own; the base URL."""
    port = _free_port()
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(SRC), os.environ.get("PYTHONPATH", "")]),
    }
    env.pop("TERRITORIAL_DB", None)
    log = (tmp / "serve.log").open("wb")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "territorial.cli.entry",
            "serve",
            "--db",
            url,
            "--workers",
            str(workers),
            "--port",
            str(port),
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        env=env,
        cwd=tmp,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"serve did not start:\n{(tmp / 'serve.log').read_text()}")
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                time.sleep(0.3)
        yield base
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        log.close()


@pytest.mark.parametrize(("spelling", "fresh"), [("%3D", False), ("=", False), ("=", True)])
def test_every_worker_reads_the_urls_schema(
    pg_url: str, tmp_path: Path, spelling: str, fresh: bool
) -> None:
    """``fresh``: the schema is empty when the workers start (both migrate it at once)."""
    url = pg_url.replace("search_path%3D", f"search_path{spelling}")
    if not fresh:
        small_workspace(open_workspace(url), n_accounts=40, n_reps=4)
        ensure_user(url, "admin", Role.ADMIN)
    with serving(url, 2, tmp_path) as base:
        if fresh:
            small_workspace(open_workspace(url), n_accounts=40, n_reps=4)
            ensure_user(url, "admin", Role.ADMIN)
        client = http_session(base)  # the user lives in the URL's schema only
        seen = set()
        for _ in range(12):  # new connections: both workers answer
            fresh = http_session(base)
            overview = fresh.get("/api/overview")
            assert overview.status_code == 200, overview.text
            seen.add(overview.json()["accounts"])
            fresh.close()
        assert seen == {40}
        page = client.get("/accounts")
        assert page.status_code == 200 and "no schema" not in page.text
        log = (tmp_path / "serve.log").read_text()
        assert "Error" not in log and log.count("Started server process") == 2, log
