"""Read the rows of a CSV or XLSX file, with encodings, delimiters and row numbers.

Row numbers are the ones a spreadsheet shows: the header is row 1 (or the row it sits
on, after leading blank rows), the first data row is 2. Blank rows are skipped but
still counted, so numbers stay those of the file.

Files are read within :class:`~territorial.io.limits.Limits` (size, line length); NUL
characters and broken UTF-8 in an otherwise UTF-8 file are refused naming the row.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path

from territorial.domain import InputRejected, Problem
from territorial.io.limits import Limits, file_problem, read_bounded

__all__ = ["Cell", "Table", "decode_text", "read_table", "sniff_delimiter"]

Cell = str | int | float | bool | datetime | date | time | None

_DELIMITERS = (",", ";", "\t", "|")
_XLSX_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"


@dataclass
class Table:
    """A file's header and an iterator over its non-blank data rows.

    ``rows`` yields ``(row_number, cells)``; cells are strings for CSV and typed values
    for XLSX. ``estimated_rows`` is an upper bound for progress reporting.
    """

    file: str
    kind: str  # "csv" or "xlsx"
    header: list[str]
    header_row: int
    rows: Iterator[tuple[int, list[Cell]]]
    estimated_rows: int
    encoding: str | None = None
    delimiter: str | None = None


def _reject(file: str, message: str) -> InputRejected:
    return InputRejected([Problem(file, None, None, None, message)])


def check_text_head(head: bytes, file: str) -> None:
    """Refuse a file whose first bytes are not text (NUL bytes, control characters)."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return  # UTF-16: NUL bytes are normal there
    head = head[:65536]
    if b"\x00" in head or _control_ratio(head) > 0.05:
        raise _reject(
            file,
            "not a text file: expected CSV text (UTF-8 or Latin-1/Windows-1252) or an .xlsx "
            "workbook",
        )


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def decode_text(data: bytes, file: str) -> tuple[str, str]:
    """Decode a text file: UTF-8 (with or without BOM), UTF-16 with BOM, else cp1252.

    A file that is UTF-8 except for some bytes (a corrupted or mixed file) is refused
    naming the line of the first bad byte, rather than read as cp1252 mojibake.
    Raises :class:`InputRejected` for content that is not text at all.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as e:
            raise _reject(file, f"not valid UTF-16 text ({e.reason})") from None
    check_text_head(data, file)
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError as e:
        if _mostly_utf8(data):
            bad = data[e.start : e.end].hex(" ")
            raise InputRejected(
                [
                    Problem(
                        file,
                        _line_of(data, e.start),
                        None,
                        None,
                        f"invalid UTF-8 (byte {bad}) in a file that is UTF-8 elsewhere; save the "
                        "file again as UTF-8",
                    )
                ]
            ) from None
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


def _mostly_utf8(data: bytes) -> bool:
    """True when the file holds well-formed UTF-8 sequences beside the bad bytes.

    Windows-1252 text almost never forms one (an accented letter is one byte followed
    by ASCII), so a file with some is UTF-8 with corrupted bytes.
    """
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    good = sum(1 for ch in text if ch > "\x7f") - bad
    return good > 0 and 4 * good >= bad


def _control_ratio(head: bytes) -> float:
    if not head:
        return 0.0
    bad = sum(1 for b in head if b < 32 and b not in (9, 10, 13, 12))
    return bad / len(head)


def sniff_delimiter(text: str) -> str:
    """The delimiter (comma, semicolon, tab or pipe) most used on the first line."""
    for line in text.splitlines():
        if line.strip():
            counts = {d: _count_unquoted(line, d) for d in _DELIMITERS}
            best = max(_DELIMITERS, key=lambda d: counts[d])
            return best if counts[best] > 0 else ","
    return ","


def _count_unquoted(line: str, delim: str) -> int:
    n, quoted = 0, False
    for ch in line:
        if ch == '"':
            quoted = not quoted
        elif ch == delim and not quoted:
            n += 1
    return n


def _is_blank(cells: list[Cell]) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)


def read_table(path: Path, limits: Limits | None = None) -> Table:
    """Open a CSV or XLSX file and read its header.

    ``limits`` defaults to :meth:`Limits.from_env`. Raises :class:`InputRejected` for an
    unreadable, binary, oversized, empty or header-only file.
    """
    file = str(path)
    limits = limits or Limits.from_env()
    try:
        with open(path, "rb") as f:
            magic = f.read(4)
    except IsADirectoryError:
        raise _reject(file, "is a folder, not a file") from None
    except OSError as e:
        raise _reject(file, f"cannot read the file: {e.strerror or e}") from None
    if magic == _XLSX_MAGIC or path.suffix.lower() in (".xlsx", ".xlsm"):
        table = _read_xlsx(path, file, limits)
    elif magic == _OLE_MAGIC or path.suffix.lower() == ".xls":
        raise _reject(file, "old Excel .xls workbooks are not supported; save it as .xlsx or CSV")
    else:
        table = _read_csv(path, file, limits)
    return table


def _csv_records(
    text: str, delimiter: str, file: str, limits: Limits
) -> Iterator[tuple[int, list[Cell]]]:
    has_nul = "\x00" in text
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    row = 0
    try:
        for row, record in enumerate(reader, start=1):
            if sum(map(len, record)) + len(record) > limits.line_chars:
                raise file_problem(file, f"the row is {limits.line_message()}", row)
            if has_nul and any("\x00" in cell for cell in record):
                raise file_problem(file, "contains a NUL character: not a text file", row)
            yield row, list(record)
    except csv.Error as e:
        where = row + 1
        if "field larger than field limit" in str(e):
            raise file_problem(file, f"a cell is {limits.line_message()}", where) from None
        raise file_problem(file, f"not a readable CSV file: {e}", where) from None


def _read_csv(path: Path, file: str, limits: Limits) -> Table:
    data = read_bounded(path, limits, lambda head: check_text_head(head, file))
    if not data.strip():
        raise _reject(file, "the file is empty")
    text, encoding = decode_text(data, file)
    del data
    if "\ufeff" in text:  # byte order marks inside the file (files pasted together)
        text = text.replace("\ufeff", "")
    delimiter = sniff_delimiter(text)
    csv.field_size_limit(max(limits.line_chars, 1))  # per cell; rows are checked above
    records = _csv_records(text, delimiter, file, limits)
    header_row, header = _first_nonblank(records, file)
    estimated = max(text.count("\n") - header_row, 1)
    rows = _nonblank(records, file)
    return Table(
        file, "csv", [str(h) for h in header], header_row, rows, estimated, encoding, delimiter
    )


def _first_nonblank(records: Iterator[tuple[int, list[Cell]]], file: str) -> tuple[int, list[Cell]]:
    for row, cells in records:
        if not _is_blank(cells):
            while cells and (cells[-1] is None or cells[-1] == ""):
                cells.pop()  # trailing empty header cells (XLSX, trailing delimiters)
            return row, ["" if c is None else str(c).replace("\ufeff", "") for c in cells]
    raise _reject(file, "the file is empty")


def _nonblank(
    records: Iterator[tuple[int, list[Cell]]], file: str
) -> Iterator[tuple[int, list[Cell]]]:
    for row, cells in records:
        if not _is_blank(cells):
            yield row, cells


def _read_xlsx(path: Path, file: str, limits: Limits) -> Table:
    import zipfile

    from openpyxl import load_workbook

    try:
        size = path.stat().st_size
        with zipfile.ZipFile(path) as z:
            unpacked = sum(i.file_size for i in z.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as e:
        raise _reject(file, f"not a readable .xlsx workbook ({e})") from None
    if max(size, unpacked) > limits.file_bytes:
        raise _reject(file, f"the workbook unpacks {limits.file_message()}")
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as e:
        raise _reject(file, f"not a readable .xlsx workbook ({e})") from None
    ws = wb.worksheets[0]
    estimated = (ws.max_row or 1) if hasattr(ws, "max_row") else 1

    def records() -> Iterator[tuple[int, list[Cell]]]:
        try:
            first = ws.min_row or 1
            for offset, values in enumerate(ws.iter_rows(values_only=True)):
                yield first + offset, list(values)
        finally:
            wb.close()

    it = records()
    header_row, header = _first_nonblank(it, file)
    return Table(
        file,
        "xlsx",
        [str(h) for h in header],
        header_row,
        _nonblank(it, file),
        max(estimated - header_row, 1),
    )
