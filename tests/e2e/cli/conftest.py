"""Running the real `territorial` command in-process against a database file."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from territorial.cli.main import app

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "imports"
Run = Callable[..., Result]


@pytest.fixture
def run(db_url: str) -> Run:
    """``run("import", "accounts", path)`` runs the CLI on the test database."""
    runner = CliRunner()

    def invoke(*args: str | Path) -> Result:
        return runner.invoke(
            app, [str(a) for a in args], env={"TERRITORIAL_DB": db_url, "COLUMNS": "200"}
        )

    return invoke


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES
