"""A small workspace imported from a Salesforce-style export, and a realignment of it."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from territorial.domain import ScenarioStatus, Territory, TerritoryLevel
from territorial.services.imports import import_accounts, import_reps
from territorial.storage import UnitOfWork

CRM = Path(__file__).resolve().parents[2] / "fixtures" / "crm"
GOLDEN = Path(__file__).resolve().parents[2] / "fixtures" / "golden" / "crm"
MOVED = {"001000000000001AAA": "New York", "001000000000007AAA": "-West NY"}


@pytest.fixture
def crm_ws(tmp_path: Path) -> UnitOfWork:
    """8 accounts in 3 territories (Current, active), reps with Salesforce User Ids except
    R-3, and a draft ``Realigned``: a region over two territories, a new territory with a
    formula-like name, and two accounts moved."""
    uow = UnitOfWork.open(str(tmp_path / "crm.db"))
    import_reps(uow, CRM / "sf_reps.csv")
    import_accounts(uow, CRM / "sf_accounts.csv")
    with uow:
        current = uow.scenarios.get("Current")
        assert current is not None
        realigned = copy.deepcopy(current)
        realigned.name, realigned.status, realigned.parent = "Realigned", ScenarioStatus.DRAFT, None
        for t in realigned.territories:
            if t.name in ("Boston North", "New York"):
                t.parent = "Northeast Region"
        realigned.territories.insert(0, Territory("Northeast Region", TerritoryLevel.REGION))
        realigned.territories.append(
            Territory("-West NY", parent="Northeast Region", rep_external_id="R-3")
        )
        realigned.assignments.update(MOVED)
        uow.scenarios.save(realigned)
        uow.commit()
    return uow
