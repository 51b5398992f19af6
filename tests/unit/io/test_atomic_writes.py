"""CSV writers replace their target only when complete: a writer that fails midway (a
full disk) leaves the previous file as it was, or no file, and no temporary file."""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from territorial.domain import Account
from territorial.io import export, write_accounts_csv, write_rows_csv
from territorial.io.atomic import atomic_path, atomic_text

OLD = "account_id,territory\nA1,T1\n"


def _rows_then_disk_full(n: int) -> Iterator[tuple[str, str]]:
    for k in range(n):
        yield (f"A{k}", f"T{k % 3}")
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def test_a_writer_failing_midway_leaves_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "assignments.csv"
    target.write_text(OLD, encoding="utf-8")
    with pytest.raises(OSError, match="No space left"):
        # enough rows that the csv writer has flushed part of them to the temporary file
        write_rows_csv(("account_id", "territory"), _rows_then_disk_full(50_000), target)
    assert target.read_text(encoding="utf-8") == OLD
    assert sorted(p.name for p in tmp_path.iterdir()) == ["assignments.csv"]


def test_a_writer_failing_midway_leaves_no_new_file(tmp_path: Path) -> None:
    target = tmp_path / "new.csv"
    with pytest.raises(OSError):
        write_rows_csv(("account_id", "territory"), _rows_then_disk_full(10), target)
    assert list(tmp_path.iterdir()) == []


def test_the_accounts_writer_is_atomic_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "accounts.csv"
    accounts = [Account(f"A{k}", f"Account {k}") for k in range(2_000)]
    write_accounts_csv(accounts[:10], target)
    written = target.read_text(encoding="utf-8")
    assert written.count("\n") == 11
    cell, calls = export.csv_cell, [0]

    def fails_midway(value: object) -> str:  # the disk fills up after 20,000 cells
        calls[0] += 1
        if calls[0] > 20_000:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return cell(value)

    monkeypatch.setattr(export, "csv_cell", fails_midway)
    with pytest.raises(OSError, match="No space left"):
        write_accounts_csv(accounts, target)
    assert calls[0] > 20_000
    assert target.read_text(encoding="utf-8") == written
    assert [p.name for p in tmp_path.iterdir()] == ["accounts.csv"]


def test_a_complete_write_replaces_the_file_with_the_usual_mode(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    write_rows_csv(("a", "b"), [(1, "=x")], target)
    assert target.read_text(encoding="utf-8") == "a,b\n1,'=x\n"
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~umask  # not mkstemp's 0600
    target.chmod(0o640)
    write_rows_csv(("a",), [(2,)], target)
    assert stat.S_IMODE(target.stat().st_mode) == 0o640  # an existing file keeps its mode


def test_errors_name_the_target_not_the_temporary_file(tmp_path: Path) -> None:
    with pytest.raises(IsADirectoryError) as folder:
        write_rows_csv(("a",), [], tmp_path)
    assert folder.value.filename == str(tmp_path)
    missing = tmp_path / "nope" / "x.csv"
    with pytest.raises(FileNotFoundError) as absent, atomic_text(missing):
        pass
    assert absent.value.filename == str(missing)
    with atomic_path(tmp_path / "y.csv") as temp:
        assert temp.parent == tmp_path and temp.name.startswith(".y-")
        temp.write_text("done", encoding="utf-8")
    assert (tmp_path / "y.csv").read_text(encoding="utf-8") == "done"
