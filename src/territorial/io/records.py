"""Turn table rows into field values, collecting every problem on the way."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from territorial.domain import InputRejected, Problem
from territorial.io.columns import ColumnPlan
from territorial.io.tabular import Cell, Table
from territorial.io.values import FORMULA_MESSAGE, cell_text, looks_like_formula

__all__ = ["MAX_PROBLEMS", "Parser", "ProblemLog", "Record", "iter_records", "resolve_extras"]

MAX_PROBLEMS = 200
Parser = Callable[[Cell], Any]
Progress = Callable[[int, int], None]


@dataclass
class ProblemLog:
    """Problems of one file, capped at ``cap`` entries but all counted."""

    file: str
    cap: int = MAX_PROBLEMS
    kind: str = "problems"
    items: list[Problem] = field(default_factory=list)
    total: int = 0

    def add(self, row: int | None, column: str | None, value: str | None, message: str) -> None:
        """Record one problem (kept only while under the cap)."""
        self.total += 1
        if len(self.items) < self.cap:
            self.items.append(Problem(self.file, row, column, value, message))

    def extend(self, problems: list[Problem]) -> None:
        for p in problems:
            self.add(p.row, p.column, p.value, p.message)

    def listed(self) -> list[Problem]:
        """The kept problems, plus a last line counting those left out."""
        items = sorted(self.items, key=lambda p: p.row or 0)
        if self.total <= len(items):
            return items
        more = self.total - len(items)
        return [
            *items,
            Problem(self.file, None, None, None, f"... and {more} more {self.kind} not listed"),
        ]

    def raise_if_any(self, hint: str | None = None) -> None:
        """Raise :class:`InputRejected` with every problem logged so far (and ``hint``),
        if any."""
        if self.total:
            raise InputRejected(self.listed(), hint)


@dataclass(slots=True)
class Record:
    """One data row: its spreadsheet row number, parsed fields and raw extra cells."""

    row: int
    values: dict[str, Any]
    extras: dict[str, Cell]
    failed: list[str] | None = None  # fields whose cell could not be parsed

    def missing(self, name: str) -> bool:
        """True when the field's cell was empty (not when it failed to parse)."""
        return name not in self.values and not (self.failed and name in self.failed)


def _blank(value: Cell) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def iter_records(
    table: Table,
    plan: ColumnPlan,
    parsers: dict[str, Parser],
    log: ProblemLog,
    progress: Progress | None = None,
    *,
    allow_short_rows: bool = False,
) -> Iterator[Record]:
    """Parse each non-blank row; a cell that fails its parser becomes a problem.

    Empty cells are left out of ``values``. Cells of extra columns are kept raw. A CSV
    row with fewer cells than the header (a truncated line) is a problem and is left
    out, unless ``allow_short_rows`` reads its missing cells as empty.
    """
    header = plan.header
    short_is_problem = table.kind == "csv" and not allow_short_rows
    width = len(header)
    plan_fields = [(f, i, header[i], parsers[f]) for f, i in plan.fields.items() if f in parsers]
    extras = [(i, header[i].strip()) for i in plan.extra]
    total = table.estimated_rows
    done = 0
    for row, cells in table.rows:
        n = len(cells)
        if short_is_problem and n < width:
            log.add(
                row,
                None,
                None,
                f"the row has {n} cell{'s' if n != 1 else ''} but the header has {width} "
                "(a truncated line?); fix the row, or import with --allow-short-rows to "
                "read the missing cells as empty",
            )
            continue
        values: dict[str, Any] = {}
        failed: list[str] | None = None
        for name, i, column, parse in plan_fields:
            if i >= n:
                continue
            raw = cells[i]
            if _blank(raw):
                continue
            try:
                values[name] = parse(raw)
            except ValueError as e:
                log.add(row, column, cell_text(raw).strip(), str(e))
                failed = [*(failed or ()), name]
        extra = {name: cells[i] for i, name in extras if i < n and not _blank(cells[i])}
        yield Record(row, values, extra, failed)
        done += 1
        if progress is not None and done % 1000 == 0:
            progress(done, max(total, done))
    if progress is not None:
        progress(done, done)


def resolve_extras(records: list[Record], log: ProblemLog) -> None:
    """Turn raw extra cells into text, as the cell reads (``007`` and an 18-digit CRM id
    keep every digit; a number a column holds is read where it is used as a measure).

    Formula-looking text becomes a problem. Works in place on ``records``.
    """
    for rec in records:
        for name, raw in rec.extras.items():
            text = cell_text(raw).strip()
            if isinstance(raw, str) and looks_like_formula(text):
                log.add(rec.row, name, text, FORMULA_MESSAGE)
            elif text.startswith("'") and looks_like_formula(text[1:]):
                text = text[1:]
            rec.extras[name] = text
