from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import Workbook

from territorial.domain import InputRejected
from territorial.io.tabular import decode_text, read_table, sniff_delimiter


def rows(path: Path) -> list[tuple[int, list[object]]]:
    return list(read_table(path).rows)


def test_utf8_bom_is_dropped(write_csv: Callable[..., Path]) -> None:
    t = read_table(write_csv("Id,Name\n1,Zoë\n", encoding="utf-8-sig"))
    assert t.header == ["Id", "Name"]
    assert t.encoding == "utf-8"
    assert list(t.rows) == [(2, ["1", "Zoë"])]


def test_cp1252_is_decoded(write_csv: Callable[..., Path]) -> None:
    t = read_table(write_csv("Id,Name\n1,Café Müller – “Ltd”\n", encoding="cp1252"))
    assert t.encoding == "cp1252"
    assert next(iter(t.rows))[1][1] == "Café Müller – “Ltd”"


def test_utf16_with_bom(write_csv: Callable[..., Path]) -> None:
    t = read_table(write_csv("Id\tName\n1\tÅsa\n", encoding="utf-16"))
    assert t.delimiter == "\t"
    assert list(t.rows) == [(2, ["1", "Åsa"])]


@pytest.mark.parametrize(
    ("line", "delim"),
    [
        ("a,b,c", ","),
        ("a;b;c", ";"),
        ("a\tb\tc", "\t"),
        ('"x;y",b,c', ","),
        ("a|b", "|"),
        ("single", ","),
    ],
)
def test_sniff_delimiter(line: str, delim: str) -> None:
    assert sniff_delimiter(line + "\n1,2,3\n") == delim


def test_blank_rows_are_skipped_but_counted(write_csv: Callable[..., Path]) -> None:
    path = write_csv('Id,Name\n1,a\n\n,\n2,"multi\nline"\n3,c\n')
    assert [r for r, _ in rows(path)] == [2, 5, 6]


def test_binary_file_is_a_clear_problem(tmp_path: Path) -> None:
    path = tmp_path / "accounts.csv"
    path.write_bytes(bytes(range(256)) * 4)
    with pytest.raises(InputRejected) as e:
        read_table(path)
    assert e.value.problems[0].message.startswith("not a text file")
    assert e.value.problems[0].file == str(path)


def test_decode_text_prefers_utf8() -> None:
    assert decode_text("é".encode(), "f") == ("é", "utf-8")
    assert decode_text("é".encode("latin-1"), "f") == ("é", "cp1252")


@pytest.mark.parametrize("content", ["", "\n\n  \n", ",,,\n"])
def test_empty_file(write_csv: Callable[..., Path], content: str) -> None:
    with pytest.raises(InputRejected, match="the file is empty"):
        read_table(write_csv(content))


def test_xls_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "old.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0" + b"\x00" * 100)
    with pytest.raises(InputRejected, match=r"\.xls workbooks are not supported"):
        read_table(path)


def test_corrupt_xlsx(tmp_path: Path) -> None:
    path = tmp_path / "bad.xlsx"
    path.write_bytes(b"PK\x03\x04garbage")
    with pytest.raises(InputRejected, match=r"not a readable \.xlsx"):
        read_table(path)


def test_xlsx_keeps_sheet_row_numbers(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["Id", "Name"])
    ws.append(["1", "a"])
    ws.append([None, None])
    ws.append([2, "b"])
    path = tmp_path / "x.xlsx"
    wb.save(path)
    t = read_table(path)
    assert t.kind == "xlsx"
    assert t.header == ["Id", "Name"]
    assert list(t.rows) == [(2, ["1", "a"]), (4, [2, "b"])]


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputRejected, match="cannot read the file"):
        read_table(tmp_path / "nope.csv")
