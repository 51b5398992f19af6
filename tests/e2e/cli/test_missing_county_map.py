"""A county design without the county map (an install that skipped `make install`'s
asset step) says what is missing and how to get it, not "no such file: None"."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.e2e.cli.conftest import Run

from territorial.geo import counties


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'demo.db'}"


def test_a_county_design_names_the_missing_map_and_the_fix(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run("demo", "--no-serve").exit_code == 0
    monkeypatch.setattr(counties, "DATA_FILE", tmp_path / "counties-10m.json")
    counties._load_atlas.cache_clear()
    result = run("design", "-p", "15", "--name", "C", "--by", "county", "--time-limit", "5")
    counties._load_atlas.cache_clear()
    assert result.exit_code == 1
    assert "None" not in result.output
    assert "county map not found" in result.output and "make install" in result.output
    assert run("scenario", "show", "C").exit_code == 1  # nothing stored
