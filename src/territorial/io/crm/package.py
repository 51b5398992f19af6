"""A set of CSV files for a CRM loader, written all or nothing."""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from territorial.io.export import write_rows_csv

__all__ = ["CrmPackage", "CsvFile"]


@dataclass
class CsvFile:
    """One file to load: the object, the operation, a header and rows of text."""

    name: str
    object: str
    operation: str  # insert, update or delete
    header: tuple[str, ...]
    rows: list[tuple[str, ...]] = field(default_factory=list)


@dataclass
class CrmPackage:
    """The files of one export in load order, and the README that explains them."""

    files: list[CsvFile]
    readme: str | None = None

    def file(self, name: str) -> CsvFile | None:
        return next((f for f in self.files if f.name == name), None)

    def write(self, folder: Path) -> list[Path]:
        """Write every file into ``folder`` (created if needed): first into a temporary
        folder beside it, then moved in, so a failure leaves no partial export."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".territorial-", dir=folder))
        try:
            names: list[str] = []
            for f in self.files:
                write_rows_csv(f.header, f.rows, staging / f.name)  # formulas neutralised
                names.append(f.name)
            if self.readme is not None:
                (staging / "README.txt").write_text(self.readme, encoding="utf-8")
                names.append("README.txt")
            for name in names:
                os.replace(staging / name, folder / name)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        return [folder / n for n in names]
