"""Benchmark: importing a 100,000-row Salesforce-style CSV (read, geocode, store).

Run with ``python bench/imports.py [rows]``. Prints time and peak memory beside the
targets (under 20 s and 1 GiB for 100,000 rows).
"""

from __future__ import annotations

import csv
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

import zipcodes

from territorial.io import read_accounts
from territorial.services.imports import import_accounts
from territorial.storage import UnitOfWork

TARGET_SECONDS = 20.0
TARGET_BYTES = 1 << 30
HEADER = [
    "Id",
    "Name",
    "Type",
    "BillingStreet",
    "BillingCity",
    "BillingState",
    "BillingPostalCode",
    "BillingCountry",
    "Industry",
    "AnnualRevenue",
    "NumberOfEmployees",
    "Owner",
    "Rating",
    "Phone",
    "CreatedDate",
]
INDUSTRIES = ["Healthcare", "Retail", "Manufacturing", "Technology", "Finance", "Education"]
TYPES = ["Customer - Direct", "Customer - Channel", "Prospect", "Prospect", "Other"]


def generate(path: Path, rows: int, seed: int = 7) -> None:
    """Write a Salesforce-like account export with real ZIPs."""
    rng = random.Random(seed)
    zips = [z for z in zipcodes.list_all() if z["active"]]  # type: ignore[no-untyped-call]
    owners = [f"Rep {i:03d}" for i in range(120)]
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(HEADER)
        for i in range(rows):
            z = rng.choice(zips)
            zip_text = z["zip_code"]
            if rng.random() < 0.2:
                zip_text += f"-{rng.randint(1000, 9999)}"  # ZIP+4
            w.writerow(
                [
                    f"0015g{i:013d}",
                    f"Company {i}, Inc.",
                    rng.choice(TYPES),
                    f"{rng.randint(1, 9999)} Main St",
                    z["city"],
                    z["state"],
                    zip_text,
                    "USA",
                    rng.choice(INDUSTRIES),
                    f"{rng.randint(10_000, 50_000_000)}",
                    rng.randint(1, 5000),
                    rng.choice(owners),
                    rng.choice(["Hot", "Warm", "Cold", ""]),
                    f"({rng.randint(200, 999)}) 555-{rng.randint(0, 9999):04d}",
                    f"2023-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                ]
            )


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "accounts.csv"
        generate(path, rows)
        size = path.stat().st_size
        start = time.perf_counter()
        result = read_accounts(path)
        read_s = time.perf_counter() - start
        uow = UnitOfWork.open(str(Path(tmp) / "bench.db"))
        start = time.perf_counter()
        first = import_accounts(uow, path)
        import_s = time.perf_counter() - start
        start = time.perf_counter()
        again = import_accounts(uow, path)
        reimport_s = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # kB on Linux
    print(
        f"{rows:,} rows, {size / 1e6:.1f} MB CSV, {len(result.accounts):,} accounts, "
        f"located {dict((k.value, v) for k, v in result.located.items())}"
    )
    print(
        f"import: added {first.changes.added:,}; re-import: unchanged "
        f"{again.changes.unchanged:,}, added {again.changes.added:,}"
    )
    print(f"{'measure':<34}{'value':>10}{'target':>10}  ok")
    for label, value in (
        ("read + geocode only (s)", read_s),
        ("full import into SQLite (s)", import_s),
        ("re-import, all unchanged (s)", reimport_s),
    ):
        print(f"{label:<34}{value:>10.2f}{TARGET_SECONDS:>10.0f}  {value < TARGET_SECONDS}")
    print(
        f"{'peak memory, whole run (MiB)':<34}{peak / 2**20:>10.0f}{TARGET_BYTES / 2**20:>10.0f}"
        f"  {peak < TARGET_BYTES}"
    )


if __name__ == "__main__":
    main()
