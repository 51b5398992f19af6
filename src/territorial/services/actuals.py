"""Importing actuals (sales and visits): validated, all or nothing, idempotent.

Sales with a reference (order id) are matched on it: a new reference is added, a known
one with another account, date or amount is updated, the rest are unchanged. Sales
without a reference, and visits, are matched on their content: a file row is new only
when the file holds that exact row more times than the database already does, so
importing the same file twice adds nothing while true repeats are kept.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from territorial.domain import InputRejected, OptionError, Problem, Sale, TerritorialError, Visit
from territorial.io import read_sales, read_visits
from territorial.io.tabular import read_table
from territorial.storage import UnitOfWork

KINDS = ("sales", "visits")
H = TypeVar("H", bound=Hashable)


@dataclass
class ActualsReport:
    """What an actuals import did."""

    file: str
    kind: str
    format: str
    rows: int
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    warnings: list[str] = field(default_factory=list)


def _row_numbers(path: Path) -> list[int]:
    """Spreadsheet row numbers of the file's data rows, in reading order."""
    return [row for row, _ in read_table(path).rows]


def _check_references(
    path: Path,
    items: Sequence[Sale | Visit],
    columns: dict[str, str],
    known_accounts: set[str],
    known_reps: set[str] | None,
) -> None:
    """Reject the file when a row names an unknown account (or rep)."""
    bad = [
        i
        for i, it in enumerate(items)
        if it.account_external_id not in known_accounts
        or (
            known_reps is not None
            and isinstance(it, Visit)
            and it.rep_external_id
            and it.rep_external_id not in known_reps
        )
    ]
    if not bad:
        return
    rows = _row_numbers(path)
    problems = []
    for i in bad:
        it = items[i]
        row = rows[i] if i < len(rows) else None
        if it.account_external_id not in known_accounts:
            problems.append(
                Problem(
                    path.name,
                    row,
                    columns.get("account_external_id"),
                    it.account_external_id,
                    "unknown account; import accounts first",
                )
            )
        else:
            assert isinstance(it, Visit)
            problems.append(
                Problem(
                    path.name,
                    row,
                    columns.get("rep_external_id"),
                    it.rep_external_id,
                    "unknown rep; import reps first",
                )
            )
    raise InputRejected(problems)


def _new_by_count(incoming: Sequence[H], existing: Sequence[H]) -> tuple[list[H], int]:
    """Rows of ``incoming`` beyond the number of equal rows already stored."""
    have = Counter(existing)
    seen: Counter[H] = Counter()
    new: list[H] = []
    for item in incoming:
        seen[item] += 1
        if seen[item] > have[item]:
            new.append(item)
    return new, len(incoming) - len(new)


def _sale_key(s: Sale) -> tuple[str, object, float]:
    return (s.account_external_id, s.date, round(s.amount, 6))


def import_actuals(
    uow: UnitOfWork,
    path: Path,
    kind: str = "sales",
    mapping: dict[str, str] | None = None,
    *,
    allow_short_rows: bool = False,
) -> ActualsReport:
    """Import a sales or visits file; raises ``InputRejected`` and writes nothing when a
    row is bad (a CSV row shorter than the header too, unless ``allow_short_rows``)."""
    if kind not in KINDS:
        raise OptionError("kind", f"one of {', '.join(KINDS)}, not {kind!r}")
    path = Path(path)
    if kind == "sales":
        return _import_sales(uow, path, mapping, allow_short_rows)
    return _import_visits(uow, path, mapping, allow_short_rows)


def _import_sales(
    uow: UnitOfWork, path: Path, mapping: dict[str, str] | None, allow_short_rows: bool = False
) -> ActualsReport:
    data = read_sales(path, mapping, allow_short_rows=allow_short_rows)
    report = ActualsReport(str(path), "sales", data.format, len(data.sales))
    report.warnings = [str(w) for w in data.warnings]
    with uow:
        _check_references(
            path, data.sales, data.columns, set(uow.accounts.ids_by_external_id()), None
        )
        stored = uow.sales.list()
        by_ref = {s.reference: s for s in stored if s.reference}
        with_ref = [s for s in data.sales if s.reference]
        refs = Counter(s.reference for s in with_ref)
        twice = sorted(r for r, n in refs.items() if n > 1 and r)
        if twice:
            raise TerritorialError(
                f"{path.name}: references used on more than one row: {', '.join(twice[:10])}"
            )
        added: list[Sale] = [s for s in with_ref if s.reference not in by_ref]
        changed = [s for s in with_ref if s.reference in by_ref and by_ref[s.reference] != s]
        report.unchanged = len(with_ref) - len(added) - len(changed)
        plain = [s for s in data.sales if not s.reference]
        stored_plain = [_sale_key(s) for s in stored if not s.reference]
        keys = [_sale_key(s) for s in plain]
        new_keys, same = _new_by_count(keys, stored_plain)
        report.unchanged += same
        remaining = Counter(new_keys)
        for s in plain:
            k = _sale_key(s)
            if remaining[k] > 0:
                added.append(s)
                remaining[k] -= 1
        uow.sales.add_many(added)
        uow.sale_updates.update_by_reference(changed)
        uow.commit()
    report.added, report.updated = len(added), len(changed)
    return report


def _import_visits(
    uow: UnitOfWork, path: Path, mapping: dict[str, str] | None, allow_short_rows: bool = False
) -> ActualsReport:
    data = read_visits(path, mapping, allow_short_rows=allow_short_rows)
    report = ActualsReport(str(path), "visits", data.format, len(data.visits))
    report.warnings = [str(w) for w in data.warnings]
    with uow:
        _check_references(
            path,
            data.visits,
            data.columns,
            set(uow.accounts.ids_by_external_id()),
            set(uow.reps.ids_by_external_id()),
        )
        new, same = _new_by_count(data.visits, uow.visits.list())
        uow.visits.add_many(new)
        uow.commit()
    report.added, report.unchanged = len(new), same
    return report
