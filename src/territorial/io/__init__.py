"""Io layer: CSV/XLSX imports with CRM column detection, and exports.

Public API::

    read_accounts(path, mapping=None, *, allow_unlocated=False, progress=None) -> AccountFile
    read_reps(path, mapping=None, *, progress=None) -> RepFile
    read_sales(path, mapping=None, *, progress=None) -> SalesFile
    read_visits(path, mapping=None, *, progress=None) -> VisitsFile
    parse_mapping(["Cust No=external_id", ...]) -> {"Cust No": "external_id", ...}
    write_accounts_csv(accounts, path_or_stream)
    write_rows_csv(header, rows, path_or_stream)   # any table; formula-like text neutralised

Every reader raises :class:`territorial.domain.InputRejected` listing every problem.
"""

from typing import TYPE_CHECKING

from territorial.lazy_exports import lazy_exports

if TYPE_CHECKING:  # each name loads its module on first use (lazy_exports)
    from territorial.io.accounts import read_accounts
    from territorial.io.actuals import read_sales, read_visits
    from territorial.io.columns import ACCOUNT_FIELDS, parse_mapping
    from territorial.io.export import write_accounts_csv, write_rows_csv
    from territorial.io.reps import REP_FIELDS, read_reps
    from territorial.io.results import AccountFile, RepFile, SalesFile, UnlocatedRow, VisitsFile

__all__ = [
    "ACCOUNT_FIELDS",
    "REP_FIELDS",
    "AccountFile",
    "RepFile",
    "SalesFile",
    "UnlocatedRow",
    "VisitsFile",
    "parse_mapping",
    "read_accounts",
    "read_reps",
    "read_sales",
    "read_visits",
    "write_accounts_csv",
    "write_rows_csv",
]

lazy_exports(__name__, __file__)
