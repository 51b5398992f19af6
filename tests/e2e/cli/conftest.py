"""Running the real `territorial` command in-process against a database file."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from territorial.cli.main import app
from territorial.services.demo import build_demo
from territorial.storage import UnitOfWork

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "imports"
Run = Callable[..., Result]


@pytest.fixture
def run(db_url: str) -> Run:
    """``run("import", "accounts", path)`` runs the CLI on the test database
    (``input=``: what is typed at its prompts)."""
    runner = CliRunner()

    def invoke(*args: str | Path, input: str | None = None) -> Result:
        return runner.invoke(
            app,
            [str(a) for a in args],
            input=input,
            env={"TERRITORIAL_DB": db_url, "COLUMNS": "200"},
        )

    return invoke


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A demo workspace (SQLite file) built once per test module."""
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    build_demo(UnitOfWork.open(str(path)))
    return str(path)


def run_ok(db: str, *args: str) -> str:
    """Run the CLI on ``db``; assert success and return what it printed."""
    result = CliRunner().invoke(app, [*args, "--db", db], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    return result.output
