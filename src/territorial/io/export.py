"""Write CSV: accounts (every field, deterministic, readable back by :func:`read_accounts`)
and plain tables (:func:`write_rows_csv`), with text a spreadsheet would run as a formula
neutralised by a leading apostrophe. A file target is written to a temporary file in its
folder and renamed when complete (:mod:`territorial.io.atomic`)."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from enum import Enum
from pathlib import Path
from typing import IO

from territorial.domain import Account
from territorial.domain.account import ACCOUNT_ATTRIBUTES
from territorial.io.atomic import atomic_text
from territorial.io.values import format_number, looks_like_formula

__all__ = ["ACCOUNT_COLUMNS", "csv_cell", "write_accounts_csv", "write_rows_csv"]

#: The columns every account has (its ``extra`` fields follow, one column each).
ACCOUNT_COLUMNS: tuple[str, ...] = tuple(f for f in ACCOUNT_ATTRIBUTES if f != "extra")


def csv_cell(value: object) -> str:
    """One CSV cell: numbers in their shortest exact form, booleans as true/false, and
    text starting with ``=``, ``+``, ``-`` or ``@`` (but not a signed number or phone
    number) prefixed with an apostrophe so a spreadsheet shows it instead of running it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, int | float):
        return format_number(value)
    text = str(value)
    # Protect text a spreadsheet would run as a formula; the reader strips the apostrophe.
    return "'" + text if looks_like_formula(text) else text


def write_accounts_csv(accounts: Iterable[Account], target: Path | str | IO[str]) -> None:
    """Write accounts as UTF-8 CSV: our fields in a fixed order, then extra fields sorted.

    ``target`` is a path or a text stream (opened with ``newline=""``). Numbers are
    written in their shortest exact form (``1200000``, ``42.3647``), no float noise.
    """
    rows = list(accounts)
    extras = sorted({k for a in rows for k in a.extra} - set(ACCOUNT_COLUMNS))
    if isinstance(target, str | Path):
        with atomic_text(target) as f:  # the file appears only when complete
            _write(rows, extras, f)
    else:
        _write(rows, extras, target)


def _write(rows: list[Account], extras: list[str], stream: IO[str]) -> None:
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow([*ACCOUNT_COLUMNS, *extras])
    for a in rows:
        writer.writerow(
            [
                *(csv_cell(getattr(a, c)) for c in ACCOUNT_COLUMNS),
                *(csv_cell(a.extra.get(k)) for k in extras),
            ]
        )


def write_rows_csv(
    header: Sequence[str], rows: Iterable[Sequence[object]], target: Path | str | IO[str]
) -> None:
    """Write a header and rows as UTF-8 CSV, every cell through :func:`csv_cell`.

    ``target`` is a path or a text stream (opened with ``newline=""``).
    """
    if isinstance(target, str | Path):
        with atomic_text(target) as f:  # the file appears only when complete
            _write_rows(header, rows, f)
    else:
        _write_rows(header, rows, target)


def _write_rows(header: Sequence[str], rows: Iterable[Sequence[object]], stream: IO[str]) -> None:
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow([csv_cell(h) for h in header])
    for row in rows:
        writer.writerow([csv_cell(v) for v in row])
