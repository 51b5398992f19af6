"""Reading within bounds, and refusing broken text with the row named."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from territorial.domain import InputRejected, TerritorialError
from territorial.io import read_accounts
from territorial.io.limits import Limits, read_bounded
from territorial.io.tabular import decode_text, read_table


def _problem(exc: pytest.ExceptionInfo[InputRejected]) -> tuple[int | None, str]:
    p = exc.value.problems[0]
    return p.row, p.message


def test_windows_1252_text_is_still_read() -> None:
    text = "Id,Name\n1,Café Müller – “Ltd”\n2,Señor Åsa\n"
    assert decode_text(text.encode("cp1252"), "f") == (text, "cp1252")


def test_utf8_with_a_broken_byte_is_refused_on_its_line() -> None:
    data = "Id,Name\n1,Zoë\n2,Jürgen\n".encode() + b"3,Bad\xe9 byte\n"
    with pytest.raises(InputRejected) as e:
        decode_text(data, "f.csv")
    row, message = _problem(e)
    assert row == 4 and "UTF-8" in message


def test_nul_after_the_first_chunk_names_its_row(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_bytes(b"Id,Name\n" + b"1,abcdefgh\n" * 20_000 + b"2,x\x00y\n")
    table = read_table(path)
    with pytest.raises(InputRejected) as e:
        list(table.rows)
    assert _problem(e) == (20_002, "contains a NUL character: not a text file")


def test_size_and_row_limits(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text("a,b\n" + "1,abc\n" * 100)  # a row counts its cells and delimiters: 6
    with pytest.raises(InputRejected) as e:
        read_table(path, Limits(file_bytes=100))
    assert "limit of 100 bytes" in _problem(e)[1]
    table = read_table(path, Limits(line_chars=5))
    with pytest.raises(InputRejected) as e:
        list(table.rows)
    assert _problem(e)[0] == 2
    assert len(list(read_table(path, Limits(line_chars=6)).rows)) == 100


def test_a_pipe_is_cut_at_the_limit(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)

    def feed() -> None:
        try:
            with open(fifo, "wb") as f:
                for _ in range(50):
                    f.write(b"a,b,c\n" * 10_000)
        except BrokenPipeError:
            pass

    writer = threading.Thread(target=feed, daemon=True)
    writer.start()
    with pytest.raises(InputRejected) as e:
        read_bounded(fifo, Limits(file_bytes=100_000))
    assert "limit of" in _problem(e)[1]
    writer.join(timeout=10)


def test_limits_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TERRITORIAL_MAX_FILE_BYTES", "2_000")
    monkeypatch.setenv("TERRITORIAL_MAX_LINE_CHARS", "300")
    assert Limits.from_env() == Limits(2000, 300)
    monkeypatch.setenv("TERRITORIAL_MAX_LINE_CHARS", "0")
    with pytest.raises(TerritorialError, match="TERRITORIAL_MAX_LINE_CHARS"):
        Limits.from_env()


def test_short_rows_are_problems_unless_allowed(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text(
        "external_id,name,latitude,longitude,industry\n"
        "A1,Acme,42.3,-71.0,Retail\nA2,Beta,42.4,-71.1\nA3,Gamma\n"
    )
    with pytest.raises(InputRejected) as e:
        read_accounts(path)
    assert [p.row for p in e.value.problems] == [3, 4]
    assert "--allow-short-rows" in e.value.problems[0].message
    with pytest.raises(InputRejected) as e:  # A3 has no location: a problem of its own
        read_accounts(path, allow_short_rows=True)
    assert [p.row for p in e.value.problems] == [4]
    path.write_text("external_id,name,latitude,longitude,industry\nA2,Beta,42.4,-71.1\n")
    accounts = read_accounts(path, allow_short_rows=True).accounts
    assert [(a.external_id, a.industry) for a in accounts] == [("A2", None)]


def test_twice_named_column_feeding_a_field_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text("external_id,name,Name,latitude,longitude\nA1,Acme,Other,42.3,-71.0\n")
    with pytest.raises(InputRejected) as e:
        read_accounts(path)
    assert "appears twice (columns 2 and 3)" in _problem(e)[1]
