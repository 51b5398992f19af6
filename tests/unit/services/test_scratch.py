"""Scratch folders: removed after use, and swept once the process that made them is gone."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from territorial.services import scratch


def test_a_scratch_folder_is_removed_after_use_and_on_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    with scratch.scratch("import") as folder:
        assert Path(folder).name.startswith("territorial-import-p")
        (Path(folder) / "file.csv").write_text("a\n")
    with pytest.raises(RuntimeError), scratch.scratch("import"):
        raise RuntimeError("boom")
    assert list(tmp_path.iterdir()) == []


def test_the_sweep_removes_only_folders_of_processes_that_are_gone(tmp_path: Path) -> None:
    ended = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        check=True,
        capture_output=True,
        text=True,
    )
    dead = int(ended.stdout)
    abandoned = tmp_path / f"territorial-import-p{dead}-x1"
    live = tmp_path / f"territorial-file-job-p{os.getpid()}-x2"
    other = tmp_path / f"someone-else-p{dead}-x3"
    for folder in (abandoned, live, other):
        folder.mkdir()
        (folder / "data").write_text("x")
    assert scratch.sweep(tmp_path) == [abandoned]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([live.name, other.name])
