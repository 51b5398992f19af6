"""Delete a scenario that no longer serves: never the alignment in force, nor a scheduled one."""

from __future__ import annotations

from dataclasses import dataclass

from territorial.domain import ScenarioStatus, TerritorialError
from territorial.domain.users import Role
from territorial.services import audit
from territorial.services.actor import require, require_territories
from territorial.services.scenarios import resolve_scenario
from territorial.storage import UnitOfWork

KEPT = {
    ScenarioStatus.ACTIVE: "it is the alignment in force; publish another one first",
    ScenarioStatus.SCHEDULED: "it is scheduled to take effect; publish another one first",
}


class DeleteRefused(TerritorialError):
    """The scenario may not be deleted (``status`` says why: active or scheduled)."""

    def __init__(self, name: str, status: ScenarioStatus) -> None:
        self.name = name
        self.status = status
        super().__init__(f"{name!r} cannot be deleted: {KEPT[status]}")


@dataclass(frozen=True)
class Deleted:
    """What a deletion removed."""

    name: str
    status: str
    territories: int  # sales territories (leaves), not the regions and districts above them
    accounts: int


def delete_scenario(uow: UnitOfWork, name: str) -> Deleted:
    """Delete ``name`` with its territories, assignments, plans and quotas (its history
    goes with it; the audit log keeps the deletion). Needs a manager whose region covers
    the scenario's territories; the active and a scheduled alignment are refused
    (:class:`DeleteRefused`), an unknown name too."""
    require(Role.MANAGER, "delete scenarios")
    with uow:
        uow.write_lock()
        found = resolve_scenario(uow, name)
        if found.status in KEPT:
            raise DeleteRefused(found.name, found.status)
        require_territories([t.name for t in found.territories], f"deleting {found.name!r}")
        gone = Deleted(
            found.name, found.status.value, len(found.leaf_labels()), len(found.assignments)
        )
        uow.scenarios.delete(found.name)
        audit.record(
            uow,
            "delete",
            found.name,
            {"status": gone.status, "territories": gone.territories, "accounts": gone.accounts},
            None,
        )
        uow.commit()
    return gone
