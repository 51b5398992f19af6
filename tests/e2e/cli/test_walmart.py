"""A realistic case nobody on the project made: 3,251 Walmart stores as accounts.

Reads ``../shared/datasets/walmart/walmart.csv`` (skips with a message when absent),
adds a store number column in a temporary copy (the file has no id), imports it through
the CLI with a column mapping, designs territories and checks the exported plan.
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path

import pytest
from tests.e2e.cli.conftest import Run


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'walmart.db'}"


@pytest.fixture
def stores(shared_dir: Path, tmp_path: Path) -> tuple[Path, int]:
    source = shared_dir / "datasets" / "walmart" / "walmart.csv"
    if not source.exists():
        pytest.skip(f"{source} is absent")
    out = tmp_path / "stores.csv"
    with source.open(encoding="utf-8") as src, out.open("w", encoding="utf-8", newline="") as dst:
        reader = csv.DictReader(src)
        writer = csv.DictWriter(dst, ["store", *(reader.fieldnames or [])])
        writer.writeheader()
        count = 0
        for count, row in enumerate(reader, start=1):
            writer.writerow({"store": f"WM-{count:05d}", **row})
    return out, count


def test_walmart_stores_import_and_design(
    run: Run, stores: tuple[Path, int], tmp_path: Path
) -> None:
    path, count = stores
    result = run(
        "import",
        "accounts",
        path,
        "--map",
        "store=external_id,st.address=name,long=longitude,lat=latitude",
    )
    assert result.exit_code == 0, result.output
    assert f"added {count:,}" in result.output
    assert f"{count:,} by coordinates" in result.output

    # no current alignment in the file: the design starts from scratch
    design = run(
        "design",
        "-p",
        "20",
        "--name",
        "Stores",
        "--balance",
        "accounts",
        "--tolerance",
        "0.1",
        "--time-limit",
        "10",
        "--objective",
        "diameter",
        "--json",
    )
    assert design.exit_code == 0, design.output
    plan = tmp_path / "plan.csv"
    assert run("export", "assignments", "--scenario", "Stores", "-o", plan).exit_code == 0
    with plan.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    ids = [r["account_id"] for r in rows]
    assert len(ids) == count and len(set(ids)) == count  # every store exactly once
    sizes = Counter(r["territory"] for r in rows)
    assert len(sizes) == 20
    mean = count / 20
    within = all(abs(n - mean) <= 0.1 * mean + 1e-9 for n in sizes.values())
    # feasible exactly when every territory is within ±10% of the mean
    assert json.loads(design.output)["feasible"] == within, sizes
