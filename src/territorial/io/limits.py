"""Bounds on what an input file may hold, so a hostile or broken file cannot exhaust memory.

``TERRITORIAL_MAX_FILE_BYTES`` (default 1 GiB) bounds a file's size (an XLSX workbook's
unpacked size too) and ``TERRITORIAL_MAX_LINE_CHARS`` (default 1 Mi characters) a CSV
row or a single line of text. Files are read in chunks and refused as soon as they pass
the bound, so ``/dev/zero`` or an endless pipe is refused, never read to the end.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from territorial.domain import InputRejected, Problem, TerritorialError

__all__ = ["FILE_ENV", "LINE_ENV", "Limits", "file_problem", "read_bounded"]

FILE_ENV = "TERRITORIAL_MAX_FILE_BYTES"
LINE_ENV = "TERRITORIAL_MAX_LINE_CHARS"
DEFAULT_FILE_BYTES = 1 << 30
DEFAULT_LINE_CHARS = 1 << 20
_CHUNK = 1 << 20


def _size(n: int) -> str:
    for unit, scale in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= scale and n % scale == 0:
            return f"{n // scale:,} {unit}"
    return f"{n:,} bytes"


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw.replace("_", "").replace(",", ""))
    except ValueError:
        raise TerritorialError(f"{name}={raw!r} is not a whole number") from None
    if value < 1:
        raise TerritorialError(f"{name}={raw!r} must be at least 1")
    return value


@dataclass(frozen=True)
class Limits:
    """The bounds in force: bytes per file, characters per line (or CSV row)."""

    file_bytes: int = DEFAULT_FILE_BYTES
    line_chars: int = DEFAULT_LINE_CHARS

    @classmethod
    def from_env(cls) -> Limits:
        """The bounds set by the environment, else the defaults."""
        return cls(_env_int(FILE_ENV, DEFAULT_FILE_BYTES), _env_int(LINE_ENV, DEFAULT_LINE_CHARS))

    def file_message(self) -> str:
        return (
            f"larger than the limit of {_size(self.file_bytes)} per file "
            f"(set {FILE_ENV} to raise it)"
        )

    def line_message(self) -> str:
        return (
            f"longer than the limit of {self.line_chars:,} characters per line "
            f"(set {LINE_ENV} to raise it)"
        )


def file_problem(file: str, message: str, row: int | None = None) -> InputRejected:
    """An :class:`InputRejected` with one problem about ``file`` (and a row)."""
    return InputRejected([Problem(file, row, None, None, message)])


def read_bounded(
    path: Path,
    limits: Limits,
    check_head: Callable[[bytes], None] | None = None,
) -> bytes:
    """Every byte of ``path``, refused past ``limits.file_bytes``.

    ``check_head`` sees the first chunk before the rest is read, so a binary file (or
    ``/dev/zero``) is refused at once. Raises :class:`InputRejected` naming the file.
    """
    file = str(path)
    try:
        f = open(path, "rb")  # noqa: SIM115  (closed below)
    except OSError as e:
        raise file_problem(file, f"cannot read the file: {e.strerror or e}") from None
    with f:
        info = os.fstat(f.fileno())
        if stat.S_ISDIR(info.st_mode):
            raise file_problem(file, "is a folder, not a file")
        if stat.S_ISREG(info.st_mode) and info.st_size > limits.file_bytes:
            raise file_problem(file, f"{_size(info.st_size)}: {limits.file_message()}")
        chunks: list[bytes] = []
        total = 0
        while True:
            try:
                chunk = f.read(_CHUNK)
            except OSError as e:
                raise file_problem(file, f"cannot read the file: {e.strerror or e}") from None
            if not chunk:
                break
            if not chunks and check_head is not None:
                check_head(chunk)
            total += len(chunk)
            if total > limits.file_bytes:
                raise file_problem(file, limits.file_message())
            chunks.append(chunk)
    return b"".join(chunks)
