"""Read actuals: sales (bookings, orders, invoices) and visits, per account and date."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from territorial.domain import InputRejected, Problem, Sale, Visit
from territorial.io.columns import ColumnPlan, Dialect, resolve_columns
from territorial.io.records import Parser, ProblemLog, Record, iter_records
from territorial.io.results import SalesFile, VisitsFile
from territorial.io.tabular import read_table
from territorial.io.values import format_number, parse_date, parse_float, parse_text

__all__ = ["SALE_FIELDS", "VISIT_FIELDS", "read_sales", "read_visits"]

SALE_FIELDS = ("account_external_id", "date", "amount", "reference")
VISIT_FIELDS = ("account_external_id", "date", "rep_external_id", "minutes", "kind")

_SALE_ALIASES = Dialect(
    "common",
    "sales list",
    (
        ("account_external_id", "account_external_id"),
        ("Account ID", "account_external_id"),
        ("AccountId", "account_external_id"),
        ("Account", "account_external_id"),
        ("Customer ID", "account_external_id"),
        ("Company ID", "account_external_id"),
        ("Date", "date"),
        ("CloseDate", "date"),
        ("Close Date", "date"),
        ("Order Date", "date"),
        ("Invoice Date", "date"),
        ("Booking Date", "date"),
        ("Amount", "amount"),
        ("Revenue", "amount"),
        ("Total", "amount"),
        ("Net Amount", "amount"),
        ("reference", "reference"),
        ("Order ID", "reference"),
        ("Invoice", "reference"),
        ("Invoice Number", "reference"),
        ("Opportunity ID", "reference"),
        ("Id", "reference"),
        ("Record ID", "reference"),
    ),
)
_VISIT_ALIASES = Dialect(
    "common",
    "visit list",
    (
        ("account_external_id", "account_external_id"),
        ("Account ID", "account_external_id"),
        ("AccountId", "account_external_id"),
        ("WhatId", "account_external_id"),
        ("Account", "account_external_id"),
        ("Company ID", "account_external_id"),
        ("Date", "date"),
        ("ActivityDate", "date"),
        ("Activity Date", "date"),
        ("Visit Date", "date"),
        ("Due Date", "date"),
        ("rep_external_id", "rep_external_id"),
        ("Rep ID", "rep_external_id"),
        ("OwnerId", "rep_external_id"),
        ("Owner ID", "rep_external_id"),
        ("Assigned To", "rep_external_id"),
        ("Rep", "rep_external_id"),
        ("minutes", "minutes"),
        ("DurationInMinutes", "minutes"),
        ("Duration", "minutes"),
        ("Minutes", "minutes"),
        ("kind", "kind"),
        ("Type", "kind"),
        ("Activity Type", "kind"),
        ("Subject", "kind"),
    ),
)


def _read(
    path: Path,
    mapping: dict[str, str] | None,
    fields: Sequence[str],
    aliases: Dialect,
    parsers: dict[str, Parser],
    required: dict[str, str],
    progress: Callable[[int, int], None] | None,
    allow_short_rows: bool = False,
) -> tuple[ColumnPlan, list[Record], ProblemLog]:
    table = read_table(path)
    file = table.file
    plan = resolve_columns(
        table.header, (), fields, mapping, file, table.header_row, common=aliases
    )
    found = ", ".join(h for h in table.header if h) or "none"
    missing = [
        Problem(file, None, None, None, f"missing required column: {label}; columns found: {found}")
        for f, label in required.items()
        if f not in plan.fields
    ]
    if missing:
        raise InputRejected(missing)
    log = ProblemLog(file)
    records = list(
        iter_records(table, plan, parsers, log, progress, allow_short_rows=allow_short_rows)
    )
    if not records and not log.total:
        raise InputRejected(
            [Problem(file, None, None, None, "the file has a header but no data rows")]
        )
    for rec in records:
        for f, label in required.items():
            if rec.missing(f):
                log.add(rec.row, plan.column(f), None, f"missing {label.split(' (')[0]}")
    return plan, records, log


def read_sales(
    path: Path,
    mapping: dict[str, str] | None = None,
    *,
    allow_short_rows: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> SalesFile:
    """Read sales: account id, date, amount and an optional reference (order id).

    Dates may be ISO, US (``3/31/2024``) or Excel dates. Negative amounts (credits) are
    kept. ``allow_short_rows`` reads a CSV row shorter than the header with its missing
    cells empty. Raises :class:`InputRejected` with every problem found.
    """
    parsers: dict[str, Parser] = {
        "account_external_id": parse_text,
        "date": parse_date,
        "amount": parse_float,
        "reference": parse_text,
    }
    required = {
        "account_external_id": "an account id (e.g. Account ID, AccountId)",
        "date": "a date (e.g. Date, Close Date)",
        "amount": "an amount (e.g. Amount)",
    }
    path = Path(path)
    plan, records, log = _read(
        path, mapping, SALE_FIELDS, _SALE_ALIASES, parsers, required, progress, allow_short_rows
    )
    log.raise_if_any()
    sales = [_sale(r.values) for r in records]
    return SalesFile(
        path,
        plan.format,
        sales,
        extra_columns=[plan.header[i] for i in plan.extra],
        columns={f: plan.header[i] for f, i in plan.fields.items()},
    )


def _sale(v: dict[str, Any]) -> Sale:
    return Sale(v["account_external_id"], v["date"], v["amount"], v.get("reference"))


def read_visits(
    path: Path,
    mapping: dict[str, str] | None = None,
    *,
    allow_short_rows: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> VisitsFile:
    """Read visits: account id, date, and optional rep id, minutes and kind.

    Raises :class:`InputRejected` with every problem found.
    """
    parsers: dict[str, Parser] = {
        "account_external_id": parse_text,
        "date": parse_date,
        "rep_external_id": parse_text,
        "minutes": parse_float,
        "kind": parse_text,
    }
    required = {
        "account_external_id": "an account id (e.g. Account ID, AccountId)",
        "date": "a date (e.g. Date, Activity Date)",
    }
    path = Path(path)
    plan, records, log = _read(
        path, mapping, VISIT_FIELDS, _VISIT_ALIASES, parsers, required, progress, allow_short_rows
    )
    for r in records:
        m = r.values.get("minutes")
        if m is not None and m < 0:
            log.add(r.row, plan.column("minutes"), format_number(m), "must not be negative")
    log.raise_if_any()
    visits = [
        Visit(
            v["account_external_id"],
            v["date"],
            v.get("rep_external_id"),
            v.get("minutes"),
            v.get("kind"),
        )
        for v in (r.values for r in records)
    ]
    return VisitsFile(
        path,
        plan.format,
        visits,
        extra_columns=[plan.header[i] for i in plan.extra],
        columns={f: plan.header[i] for f, i in plan.fields.items()},
    )
