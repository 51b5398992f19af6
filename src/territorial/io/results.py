"""What the readers return: the parsed records and a report of how the import went."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from territorial.domain import Account, LocatedBy, Problem, Rep, Sale, Visit

__all__ = ["AccountFile", "RepFile", "SalesFile", "UnlocatedRow", "VisitsFile"]


@dataclass(frozen=True)
class UnlocatedRow:
    """A row that could not be placed on the map, and why."""

    row: int
    external_id: str
    reason: str  # e.g. "unknown ZIP 99999", "no ZIP, city or coordinates"

    def __str__(self) -> str:
        return f"row {self.row} ({self.external_id}): {self.reason}"


def _located_line(located: dict[LocatedBy, int], unlocated: int) -> str:
    parts = [
        f"{n} by {how.value.replace('_', ' ')}"
        for how, n in located.items()
        if n and how is not LocatedBy.UNLOCATED
    ]
    line = "Located " + (", ".join(parts) if parts else "none")
    return line + (f"; {unlocated} could not be located" if unlocated else "")


@dataclass
class AccountFile:
    """Accounts read from one file, with the current alignment and an import report.

    ``owners`` and ``territories`` map account external id to the owner name and the
    territory name given in the file (only for accounts that have one).
    ``columns`` maps each of our fields to the file's header that fed it.
    """

    path: Path
    format: str  # "salesforce", "hubspot", "zoho", "template", "custom", "<x>+mapping"
    format_label: str  # e.g. "Salesforce account export"
    accounts: list[Account]
    owners: dict[str, str] = field(default_factory=dict)
    territories: dict[str, str] = field(default_factory=dict)
    located: dict[LocatedBy, int] = field(default_factory=dict)
    unlocated: list[UnlocatedRow] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    extra_columns: list[str] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)

    def summary(self) -> list[str]:
        """A few lines for the user: format, counts, how rows were located, extras."""
        lines = [
            f"Recognised {self.format_label}: {len(self.accounts)} accounts",
            _located_line(self.located, len(self.unlocated)),
        ]
        if self.owners or self.territories:
            lines.append(
                f"Current alignment: {len(self.owners)} accounts with an owner, "
                f"{len(self.territories)} with a territory"
            )
        if self.extra_columns:
            lines.append("Kept as extra fields: " + ", ".join(self.extra_columns))
        if self.warnings:
            lines.append(f"{len(self.warnings)} warnings")
        return lines


@dataclass
class RepFile:
    """Reps read from one file, with an import report (unlocated homes are warnings)."""

    path: Path
    format: str
    format_label: str
    reps: list[Rep]
    located: dict[LocatedBy, int] = field(default_factory=dict)
    unlocated: list[UnlocatedRow] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    extra_columns: list[str] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)

    def summary(self) -> list[str]:
        """A few lines for the user."""
        lines = [
            f"Recognised {self.format_label}: {len(self.reps)} reps",
            _located_line(self.located, len(self.unlocated)).replace("Located", "Homes located"),
        ]
        if self.extra_columns:
            lines.append("Ignored columns: " + ", ".join(self.extra_columns))
        return lines


@dataclass
class SalesFile:
    """Sales (actuals) read from one file."""

    path: Path
    format: str
    sales: list[Sale]
    warnings: list[Problem] = field(default_factory=list)
    extra_columns: list[str] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)


@dataclass
class VisitsFile:
    """Visits (actuals) read from one file."""

    path: Path
    format: str
    visits: list[Visit]
    warnings: list[Problem] = field(default_factory=list)
    extra_columns: list[str] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)
