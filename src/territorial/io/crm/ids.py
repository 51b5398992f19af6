"""Which CRM record id an account or rep carries, for each CRM we export to.

An import keeps the CRM's record id as the account's ``external_id`` (``Id`` of a
Salesforce export, ``Record ID`` of HubSpot, ``Record Id`` of Zoho). An account imported
from elsewhere can carry the id in an extra column instead (``Salesforce Id``,
``HubSpot Record ID``, ``Zoho Record Id`` ...). Ids are checked against the CRM's
format, so a HubSpot number is never sent to Salesforce as an Account Id.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Literal

from territorial.io.columns import header_key
from territorial.io.values import format_number

__all__ = ["CRM_NAMES", "Crm", "account_crm_id", "is_salesforce_id", "salesforce_user_id"]

Crm = Literal["salesforce", "hubspot", "zoho"]
CRM_NAMES: dict[str, str] = {"salesforce": "Salesforce", "hubspot": "HubSpot", "zoho": "Zoho CRM"}

_SF_ID = re.compile(r"[A-Za-z0-9]{15}(?:[A-Za-z0-9]{3})?")
_PATTERNS: dict[str, re.Pattern[str]] = {
    "salesforce": re.compile(r"001[A-Za-z0-9]{12}(?:[A-Za-z0-9]{3})?"),  # Account key prefix
    "hubspot": re.compile(r"[1-9][0-9]{0,19}"),
    "zoho": re.compile(r"(?:zcrm_)?[1-9][0-9]{5,24}"),
}
#: Extra columns that may hold the id (compared as :func:`header_key`s), best first.
_EXTRA_COLUMNS: dict[str, tuple[str, ...]] = {
    "salesforce": (
        "Salesforce Id",
        "Salesforce Account Id",
        "SFDC Id",
        "SF Id",
        "Account ID (18)",
        "Account ID",
        "Id",
    ),
    "hubspot": ("HubSpot Record ID", "HubSpot Id", "HubSpot Company ID", "Record ID", "Company ID"),
    "zoho": ("Zoho Record Id", "Zoho Id", "Record Id"),
}


def is_salesforce_id(text: str, prefix: str = "") -> bool:
    """A 15- or 18-character Salesforce record id, optionally with a key prefix."""
    return _SF_ID.fullmatch(text) is not None and text.startswith(prefix)


def _text(value: str | float | None) -> str:
    if value is None:
        return ""
    if isinstance(value, float | int):
        # An id read as a number is exact only below 2**53; a longer one lost digits.
        return format_number(value) if abs(value) < 2**53 else ""
    return value.strip()


def account_crm_id(crm: Crm, external_id: str, extra: Mapping[str, str | float]) -> str | None:
    """The ``crm`` record id of an account: its external id when it has that CRM's form,
    else the first extra column named like such an id that has it; ``None`` if neither."""
    pattern = _PATTERNS[crm]
    if pattern.fullmatch(external_id.strip()):
        return external_id.strip()
    keys = {header_key(k): v for k, v in extra.items()}
    for column in _EXTRA_COLUMNS[crm]:
        value = _text(keys.get(header_key(column)))
        if value and pattern.fullmatch(value):
            return value
    return None


def salesforce_user_id(
    external_id: str, email: str | None, users: Mapping[str, str] | None
) -> str | None:
    """A rep's Salesforce User Id: the external id when it is one (key prefix ``005``),
    else the id that ``users`` (lower-cased email or username -> Id, from a Salesforce
    User export) gives for the rep's email or external id."""
    if is_salesforce_id(external_id.strip(), "005"):
        return external_id.strip()
    if users:
        for key in (email, external_id):
            if key and key.strip().lower() in users:
                return users[key.strip().lower()]
    return None
