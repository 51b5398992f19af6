"""Fixtures for the web tests: a demo workspace, a TestClient, a live server, a browser."""

from __future__ import annotations

import dataclasses
import os
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

with warnings.catch_warnings():  # Starlette asks for httpx2; httpx is what we declare
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from tests.e2e.web.live import serve
from tests.e2e.web.login import logged_in

from territorial.domain import ScenarioStatus, Territory
from territorial.domain.users import Role
from territorial.services import editing
from territorial.services.demo import build_demo
from territorial.services.scenarios import resolve_scenario
from territorial.services.workspace import open_workspace
from territorial.storage import UnitOfWork

DRAFT = "Draft B"
DRAFT_UNASSIGNED = 25
CHROMIUM = os.environ.get("TERRITORIAL_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENS = Path(__file__).resolve().parent / "__screens__"


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The demo workspace plus a draft scenario ``Draft B`` with some accounts unassigned."""
    path = str(tmp_path_factory.mktemp("web") / "demo.db")
    uow = open_workspace(path)
    build_demo(uow)
    with uow:
        current = resolve_scenario(uow, None)
        moved = sorted(current.assignments)[:DRAFT_UNASSIGNED]
        draft = dataclasses.replace(
            current,
            name=DRAFT,
            status=ScenarioStatus.DRAFT,
            parent=current.name,
            territories=[dataclasses.replace(t) for t in current.territories],
            assignments={k: v for k, v in current.assignments.items() if k not in moved},
            locks={},
        )
        draft.territories.append(Territory(name="New-1"))
        uow.scenarios.save(draft)
        uow.commit()
    return path


@pytest.fixture(scope="session")
def draft(demo_db: str) -> tuple[str, int]:
    """Name of the draft scenario in ``demo_db`` and how many accounts it leaves unassigned."""
    return DRAFT, DRAFT_UNASSIGNED


@pytest.fixture(scope="session")
def uow(demo_db: str) -> UnitOfWork:
    """Overrides the storage ``uow`` fixture: the demo workspace, for calling services."""
    return open_workspace(demo_db)


@pytest.fixture(scope="session")
def client(demo_db: str) -> Iterator[TestClient]:
    with logged_in(demo_db) as test_client:
        yield test_client


@pytest.fixture(scope="session")
def live_server(demo_db: str) -> Iterator[str]:
    """The app served by uvicorn in a background thread; yields its base URL."""
    with serve(demo_db) as base:
        yield base


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Headless Debian chromium driven by Playwright (never `playwright install`)."""
    if os.environ.get("TERRITORIAL_SKIP_BROWSER") == "1":
        pytest.skip("TERRITORIAL_SKIP_BROWSER=1")
    if not Path(CHROMIUM).is_file():
        pytest.fail(
            f"browser tests need chromium at {CHROMIUM}: run "
            "`apt-get install -y --no-install-recommends chromium` (CI installs it), or set "
            "TERRITORIAL_SKIP_BROWSER=1 to skip them"
        )
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("browser tests need Playwright: pip install playwright (the PyPI package)")
    with sync_playwright() as pw:
        launched = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="session")
def screens() -> Path:
    SCREENS.mkdir(exist_ok=True)
    return SCREENS


# For a module that defines ``region_db``, a workspace where carla is a manager limited
# to region Central: carla, and maria, an unlimited manager (made on first log-in).


@pytest.fixture(scope="module")
def carla(region_db: str) -> Iterator[TestClient]:
    """The web app as carla, limited to region Central."""
    editing.clear_sessions()
    with logged_in(region_db, "carla", Role.MANAGER) as client:
        yield client


@pytest.fixture(scope="module")
def maria(region_db: str) -> Iterator[TestClient]:
    """The web app as maria, a manager not limited to a region."""
    with logged_in(region_db, "maria", Role.MANAGER) as client:
        yield client
