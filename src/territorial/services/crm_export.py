"""CRM exports: the files Salesforce, HubSpot and Zoho CRM load as they are."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from territorial.domain import Account, OptionError, Rep, Scenario, TerritorialError
from territorial.io.crm import (
    CRM_NAMES,
    Crm,
    CrmPackage,
    account_crm_id,
    crm_accounts_file,
    read_salesforce_ids,
    read_salesforce_users,
    salesforce_package,
    salesforce_user_id,
)
from territorial.io.crm.ids import is_salesforce_id
from territorial.services.region import require_whole_company
from territorial.services.scenarios import resolve_scenario
from territorial.storage import UnitOfWork

__all__ = ["CRM_FORMATS", "CrmExport", "export_crm", "export_crm_package"]

CRM_FORMATS: tuple[str, ...] = ("salesforce", "hubspot", "zoho")
_SHOWN = 20
_ID_HINT = {
    "salesforce": "a Salesforce Account Id (001..., 15 or 18 characters) as the account id "
    "or in a 'Salesforce Id' column",
    "hubspot": "a HubSpot Record ID (digits) as the account id or in a 'HubSpot Record ID' column",
    "zoho": "a Zoho Record Id (digits) as the account id or in a 'Zoho Record Id' column",
}


@dataclass
class CrmExport:
    """What an export wrote: the files, the scenario, and what they hold."""

    crm: str
    scenario: str
    previous: str | None  # the published alignment a realignment is relative to
    files: list[Path]
    counts: dict[str, int] = field(default_factory=dict)
    placeholders: int = 0  # Id cells still holding a DeveloperName or blank (Salesforce)


def _listing(items: Sequence[str]) -> str:
    shown = ", ".join(items[:_SHOWN])
    return shown + (f" and {len(items) - _SHOWN} more" if len(items) > _SHOWN else "")


def _account_ids(crm: Crm, needed: Sequence[str], accounts: dict[str, Account]) -> dict[str, str]:
    ids: dict[str, str] = {}
    missing: list[str] = []
    for ext in needed:
        account = accounts.get(ext)
        found = account_crm_id(crm, ext, account.extra if account else {})
        if found is None:
            missing.append(ext)
        else:
            ids[ext] = found
    if missing:
        raise TerritorialError(
            f"cannot export to {CRM_NAMES[crm]}: {len(missing)} account(s) lack "
            f"{_ID_HINT[crm]}: {_listing(sorted(missing))}"
        )
    return ids


def _user_ids(
    scenarios: Sequence[Scenario], reps: dict[str, Rep], users: dict[str, str] | None
) -> dict[str, str]:
    ids: dict[str, str] = {}
    missing: list[str] = []
    wanted = sorted(
        {t.rep_external_id for s in scenarios for t in s.territories if t.rep_external_id}
    )
    for ext in wanted:
        rep = reps.get(ext)
        found = salesforce_user_id(ext, rep.email if rep else None, users)
        if found is None:
            missing.append(f"{ext} ({rep.email or rep.name})" if rep else ext)
        else:
            ids[ext] = found
    if missing:
        reason = (
            f"cannot export to Salesforce: {len(missing)} rep(s) have no Salesforce User "
            "Id (005...) as their id"
        )
        if users is None:
            raise OptionError(
                "users",
                f"{reason}: {_listing(missing)}",
                "match them by email in a Salesforce User export (Id, Email, Username)",
            )
        raise TerritorialError(
            f"{reason}, and no email in the User export matches: {_listing(missing)}"
        )
    return ids


def export_crm_package(
    uow: UnitOfWork,
    crm: str,
    scenario: str | None = None,
    *,
    full: bool = False,
    users: Path | None = None,
    ids: Sequence[Path] = (),
    role: str = "",
) -> tuple[CrmPackage, CrmExport]:
    """Build the files of a CRM export without writing them (see :func:`export_crm`)."""
    if crm not in CRM_FORMATS:
        raise TerritorialError(f"unknown CRM {crm!r}; one of {', '.join(CRM_FORMATS)}")
    with uow:
        found = resolve_scenario(uow, scenario)
        active = uow.scenarios.active_name()
        previous = None
        if crm == "salesforce" and not full and active and active != found.name:
            previous = uow.scenarios.get(active)
        accounts = {a.external_id: a for a in uow.accounts.list()}
        reps = {r.external_id: r for r in uow.reps.list()}
    report = CrmExport(crm, found.name, previous.name if previous else None, [])
    if crm != "salesforce":
        crm_ids = _account_ids(crm, sorted(found.assignments), accounts)  # type: ignore[arg-type]
        package = CrmPackage([crm_accounts_file(crm, found, accounts, crm_ids, reps)])
        report.counts = {"accounts": len(found.assignments)}
        return package, report
    before = previous.assignments if previous else {}
    now = found.assignments
    moved = sorted(a for a in set(now) | set(before) if now.get(a) != before.get(a))
    account_ids = _account_ids("salesforce", moved, accounts)
    user_map = read_salesforce_users(users) if users is not None else None
    scenarios = [found, previous] if previous else [found]
    user_ids = _user_ids(scenarios, reps, user_map)
    known = read_salesforce_ids(list(ids))
    package = salesforce_package(
        found, account_ids, user_ids, previous=previous, known=known, role=role
    )
    report.counts = {f.name: len(f.rows) for f in package.files}
    report.counts["moved_accounts"] = len(moved) if previous else 0
    report.placeholders = _placeholders(package)
    return package, report


def _placeholders(package: CrmPackage) -> int:
    """Id cells still to fill: a DeveloperName in place of a new record's Id, or a blank
    Id of a record to delete or update."""
    count = 0
    for f in package.files:
        for row in f.rows:
            for col, value in zip(f.header, row, strict=True):
                if col in ("ObjectId", "UserId") or not col.endswith("Id"):
                    continue
                if (col == "Id" or value) and not is_salesforce_id(value):
                    count += 1
    return count


def export_crm(
    uow: UnitOfWork,
    crm: str,
    output: Path,
    scenario: str | None = None,
    *,
    full: bool = False,
    users: Path | None = None,
    ids: Sequence[Path] = (),
    role: str = "",
) -> CrmExport:
    """Write a CRM export of ``scenario`` (default: the active alignment).

    Salesforce: a folder of Data Loader CSVs and a README. When ``scenario`` is not the
    published alignment (and not ``full``) the files hold only the changes from it.
    HubSpot and Zoho: one CSV (``output`` is the file, or a folder to put it in).
    Raises :class:`TerritorialError`, writing nothing, when an account lacks the CRM's
    record id or (Salesforce) a rep has no User Id.
    """
    # a partial load would unassign every other region's accounts in the CRM
    require_whole_company(f"the {crm} export")
    package, report = export_crm_package(
        uow, crm, scenario, full=full, users=users, ids=ids, role=role
    )
    output = Path(output)
    if crm == "salesforce" or output.is_dir():
        report.files = package.write(output)
    else:
        target = output.parent
        package.files[0].name = output.name
        report.files = package.write(target)
    return report
