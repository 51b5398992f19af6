"""Read accounts from a CRM export (Salesforce, HubSpot, Zoho), our template or any file."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from territorial.domain import Account, AccountStatus, InputRejected, LocatedBy, Problem
from territorial.geo.geocode import Geocoder, is_us_country
from territorial.io.columns import ACCOUNT_DIALECTS, ACCOUNT_FIELDS, resolve_columns
from territorial.io.locating import (
    has_location_columns,
    locate_row,
    note_column,
    note_value,
    parse_zip,
)
from territorial.io.records import Parser, ProblemLog, Record, iter_records, resolve_extras
from territorial.io.results import AccountFile, UnlocatedRow
from territorial.io.tabular import read_table
from territorial.io.values import format_number, parse_bool, parse_float, parse_int, parse_text

__all__ = ["parse_status", "read_accounts"]

_LOCATED_BY: dict[str, LocatedBy] = {
    m.value: m for m in (LocatedBy.ZIP, LocatedBy.CITY, LocatedBy.CITY_GUESS)
}
_PARSERS: dict[str, Parser] = {
    **{f: parse_text for f in ACCOUNT_FIELDS},
    "zip": parse_zip,
    "latitude": parse_float,
    "longitude": parse_float,
    "employees": parse_int,
    "annual_revenue": parse_float,
    "potential": parse_float,
    "visits_per_year": parse_float,
    "visit_minutes": parse_float,
    "competitor_presence": parse_bool,
    "located_by": lambda cell: _LOCATED_BY.get(parse_text(cell).lower()),
}
_NON_NEGATIVE = ("employees", "annual_revenue", "potential", "visits_per_year", "visit_minutes")
_NAMES = {f: f for f in ("latitude", "longitude", "zip", "city", "state", "country")}

_CUSTOMER = frozenset(
    {
        "customer",
        "client",
        "evangelist",
        "active",
        "closedwon",
        "won",
        "customerdirect",
        "customerchannel",
        "existingcustomer",
    }
)
_PROSPECT = frozenset(
    {
        "prospect",
        "lead",
        "subscriber",
        "marketingqualifiedlead",
        "salesqualifiedlead",
        "mql",
        "sql",
        "opportunity",
        "suspect",
        "target",
        "formercustomer",
        "excustomer",
        "churned",
        "inactive",
        "newlead",
        "potential",
    }
)


UNLOCATED = "cannot be located"
UNLOCATED_HINT = (
    "A ZIP code or coordinates locates a row whose city is not known; or import such "
    "rows flagged and off the maps with --allow-unlocated (the design keeps them in "
    "their territories and in the balance)."
)


def parse_status(text: str) -> AccountStatus | None:
    """Map a CRM type / lifecycle stage to a status; ``None`` when it means neither.

    Salesforce ``Type`` ("Customer - Direct", "Prospect"), HubSpot ``Lifecycle Stage``
    (customer, lead, opportunity, ...), Zoho ``Account Type`` (Customer, Prospect, ...).
    """
    key = "".join(ch for ch in text.lower() if ch.isalnum())
    if key in _PROSPECT or "prospect" in key or key.endswith("lead"):
        return AccountStatus.PROSPECT
    if key in _CUSTOMER or "customer" in key:
        return AccountStatus.CUSTOMER
    return None


def _required_problems(
    file: str, header: list[str], fields: dict[str, int], allow_unlocated: bool, locatable: bool
) -> list[Problem]:
    found = ", ".join(h for h in header if h) or "none"
    missing = []
    if "external_id" not in fields:
        missing.append("an account id (e.g. Id, Account ID, Record ID, external_id)")
    if "name" not in fields:
        missing.append("an account name (e.g. Name, Account Name, Company name, name)")
    if not locatable and not allow_unlocated:
        missing.append("a location: latitude and longitude, a ZIP code, or city and state")
    return [
        Problem(file, None, None, None, f"missing required column: {m}; columns found: {found}")
        for m in missing
    ]


def read_accounts(
    path: Path,
    mapping: dict[str, str] | None = None,
    *,
    allow_unlocated: bool = False,
    allow_short_rows: bool = False,
    progress: Callable[[int, int], None] | None = None,
    geocoder: Geocoder | None = None,
) -> AccountFile:
    """Read and geocode the accounts of a CSV or XLSX file.

    Parameters
    ----------
    path
        The file; its format (Salesforce, HubSpot, Zoho, our template) is detected.
    mapping
        File header -> our field name, for columns detection does not know.
    allow_unlocated
        Import rows that cannot be located (flagged ``LocatedBy.UNLOCATED``) instead of
        rejecting the file.
    allow_short_rows
        Read a CSV row with fewer cells than the header with its missing cells empty,
        instead of rejecting the file.
    progress
        Called with (rows done, rows expected) while reading.

    Raises
    ------
    InputRejected
        With every problem found (capped at 200 listed); nothing is returned then.
    """
    path = Path(path)
    table = read_table(path)
    file = table.file
    plan = resolve_columns(
        table.header,
        ACCOUNT_DIALECTS,
        (*ACCOUNT_FIELDS, "located_by"),
        mapping,
        file,
        table.header_row,
    )
    required = _required_problems(
        file, table.header, plan.fields, allow_unlocated, has_location_columns(plan, _NAMES)
    )
    if required:
        raise InputRejected(required)
    log = ProblemLog(file)
    warnings = ProblemLog(file, kind="warnings")
    warnings.extend(plan.warnings)
    records = list(
        iter_records(table, plan, _PARSERS, log, progress, allow_short_rows=allow_short_rows)
    )
    if not records and not log.total:
        raise InputRejected(
            [Problem(file, None, None, None, "the file has a header but no data rows")]
        )
    extra_names = [plan.header[i].strip() for i in plan.extra]
    resolve_extras(records, log)

    geocoder = geocoder or Geocoder.shared()
    result = AccountFile(
        path=path,
        format=plan.format,
        format_label=plan.label,
        accounts=[],
        extra_columns=extra_names,
        columns={f: plan.header[i] for f, i in plan.fields.items()},
    )
    located: Counter[LocatedBy] = Counter()
    first_row: dict[str, int] = {}
    unknown_status: dict[str, list[int]] = {}
    id_col = plan.column("external_id")
    for rec in records:
        account, ok = _account(rec, plan.column, log, first_row, id_col, unknown_status)
        placed = _place(account, rec, plan, log, warnings, geocoder, allow_unlocated, result)
        if not (ok and placed):
            continue
        located[account.located_by] += 1
        result.accounts.append(account)
        owner = rec.values.get("owner")
        if owner:
            result.owners[account.external_id] = owner
        territory = rec.values.get("territory")
        if territory:
            result.territories[account.external_id] = territory
    status_col = plan.column("status")
    for value, rows in unknown_status.items():
        warnings.add(
            rows[0],
            status_col,
            value,
            f"not a known customer/prospect value; status left empty "
            f"({len(rows)} row{'s' if len(rows) > 1 else ''})",
        )
    unlocatable = any(p.message.startswith(UNLOCATED) for p in log.listed())
    log.raise_if_any(UNLOCATED_HINT if unlocatable else None)
    result.located = {how: located[how] for how in LocatedBy if located[how]}
    result.warnings = warnings.listed()
    return result


def _account(
    rec: Record,
    column: Callable[[str], str | None],
    log: ProblemLog,
    first_row: dict[str, int],
    id_col: str | None,
    unknown_status: dict[str, list[int]],
) -> tuple[Account, bool]:
    """Build the row's account; ``ok`` is False when it has problems (logged)."""
    v: dict[str, Any] = rec.values
    row = rec.row
    ext_id = v.get("external_id")
    name = v.get("name")
    ok = True
    if not ext_id:
        if rec.missing("external_id"):
            log.add(row, id_col, None, "missing account id")
        ok = False
    elif ext_id in first_row:
        log.add(row, id_col, ext_id, f"duplicate account id; first seen on row {first_row[ext_id]}")
        ok = False
    else:
        first_row[ext_id] = row
    if not name:
        if rec.missing("name"):
            log.add(row, column("name"), None, "missing account name")
        ok = False
    for f in _NON_NEGATIVE:
        x = v.get(f)
        if x is not None and x < 0:
            log.add(row, column(f), format_number(x), "must not be negative")
            ok = False
    status = None
    raw_status = v.get("status")
    if raw_status:
        status = parse_status(raw_status)
        if status is None:
            unknown_status.setdefault(raw_status, []).append(row)
    account = Account(
        external_id=ext_id or "",
        name=name or "",
        street=v.get("street"),
        city=v.get("city"),
        state=v.get("state"),
        zip=v.get("zip"),
        country=v.get("country"),
        industry=v.get("industry"),
        employees=v.get("employees"),
        annual_revenue=v.get("annual_revenue"),
        potential=v.get("potential"),
        visits_per_year=v.get("visits_per_year"),
        visit_minutes=v.get("visit_minutes"),
        status=status,
        competitor_presence=v.get("competitor_presence"),
        tier=v.get("tier"),
        extra=rec.extras,  # type: ignore[arg-type]  # resolved to str | float
    )
    return account, ok and bool(ext_id and name)


def _place(
    account: Account,
    rec: Record,
    plan: Any,
    log: ProblemLog,
    warnings: ProblemLog,
    geocoder: Geocoder,
    allow_unlocated: bool,
    result: AccountFile,
) -> bool:
    """Geocode the account in place; False when that raised a problem (logged)."""
    loc = locate_row(rec.values, rec.row, plan, log, geocoder, _NAMES, rec.failed)
    if loc is None:  # invalid coordinates, already a problem
        return False
    account.latitude, account.longitude, account.located_by = (
        loc.latitude,
        loc.longitude,
        loc.located_by,
    )
    if loc.located_by is LocatedBy.COORDINATES and rec.values.get("located_by"):
        account.located_by = rec.values["located_by"]  # our own export read back
    if account.state and is_us_country(account.country):
        account.state = geocoder.state_code(account.state) or account.state
    if loc.located_by is LocatedBy.UNLOCATED:
        reason = loc.note or "could not be located"
        if not allow_unlocated:
            log.add(
                rec.row,
                note_column(loc, plan, _NAMES),
                note_value(loc, rec.values, _NAMES),
                f"{UNLOCATED}: {reason}",
            )
            return False
        result.unlocated.append(UnlocatedRow(rec.row, account.external_id, reason))
    elif loc.note:
        warnings.add(
            rec.row,
            note_column(loc, plan, _NAMES),
            note_value(loc, rec.values, _NAMES),
            loc.remark(),
        )
    return True
