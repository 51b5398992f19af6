"""HubSpot companies and Zoho CRM accounts: one import file keyed by the record id."""

from __future__ import annotations

from collections.abc import Mapping

from territorial.domain import Account, Rep, Scenario
from territorial.io.crm.package import CsvFile

__all__ = ["HEADERS", "crm_accounts_file"]

#: (file name, id column, name column, owner column, territory column) per CRM.
HEADERS: dict[str, tuple[str, str, str, str, str]] = {
    "hubspot": ("hubspot_companies.csv", "Record ID", "Company name", "Company owner", "Territory"),
    "zoho": ("zoho_accounts.csv", "Record Id", "Account Name", "Account Owner", "Territories"),
}


def crm_accounts_file(
    crm: str,
    scenario: Scenario,
    accounts: Mapping[str, Account],
    crm_ids: Mapping[str, str],
    reps: Mapping[str, Rep],
) -> CsvFile:
    """One row per assigned account: its record id, name, owner and territory.

    The owner is the territory's rep by email (both CRMs match users by email on
    import), else by name; blank for a vacant territory. Rows are sorted by record id.
    """
    file_name, id_col, name_col, owner_col, territory_col = HEADERS[crm]
    rows: list[tuple[str, ...]] = []
    for ext, territory in scenario.assignments.items():
        rep = reps.get(scenario.rep_of(territory) or "")
        owner = (rep.email or rep.name) if rep else ""
        account = accounts.get(ext)
        rows.append((crm_ids[ext], account.name if account else "", owner, territory))
    rows.sort(key=lambda r: (len(r[0]), r[0]))
    return CsvFile(
        file_name, "accounts", "update", (id_col, name_col, owner_col, territory_col), rows
    )
