"""`territorial scenario delete`: asks first (unless --yes), refuses the active alignment."""

from __future__ import annotations

import json
from pathlib import Path

from tests.e2e.cli.conftest import Run

from territorial.domain import Scenario
from territorial.storage import UnitOfWork


def _draft(db_url: str, name: str) -> None:
    uow = UnitOfWork.open(db_url)
    with uow:
        active = uow.scenarios.get(uow.scenarios.active_name() or "")
        assert active is not None
        uow.scenarios.save(
            Scenario(name, territories=active.territories, assignments=dict(active.assignments))
        )
        uow.commit()


def _names(run: Run) -> list[str]:
    result = run("scenario", "list", "--json")
    assert result.exit_code == 0, result.output
    return [s["name"] for s in json.loads(result.output)]


def test_delete_asks_then_deletes_and_refuses_the_active(
    run: Run, fixtures: Path, db_url: str
) -> None:
    assert run("import", "accounts", fixtures / "hubspot_companies.csv").exit_code == 0
    active = _names(run)[0]
    _draft(db_url, "Old idea")
    declined = run("scenario", "delete", "Old idea", input="n\n")
    assert declined.exit_code == 1 and "Old idea" in _names(run)
    done = run("scenario", "delete", "Old idea", input="y\n")
    assert done.exit_code == 0, done.output
    assert "Deleted Old idea (draft" in done.output and "Old idea" not in _names(run)
    refused = run("scenario", "delete", active, "--yes")
    assert refused.exit_code == 1 and "alignment in force" in refused.output
    assert "Traceback" not in refused.output and _names(run) == [active]
    _draft(db_url, "Second")
    quiet = run("scenario", "delete", "Second", "--yes", "--json")
    assert json.loads(quiet.output)["name"] == "Second" and _names(run) == [active]
