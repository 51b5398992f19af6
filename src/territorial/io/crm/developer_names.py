"""Salesforce ``DeveloperName``s: valid, unique and stable names for API records.

The rules: letters, digits and underscores only, starting with a letter, no double
underscore, no trailing underscore, at most 80 characters, unique (Salesforce compares
them case-insensitively, so we do too).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable

__all__ = ["MAX_LENGTH", "developer_name", "developer_names", "is_developer_name"]

MAX_LENGTH = 80
_VALID = re.compile(r"[A-Za-z](?:[A-Za-z0-9]|_(?!_))*")
_RUNS = re.compile(r"[^A-Za-z0-9]+")


def is_developer_name(text: str) -> bool:
    """Whether ``text`` follows every DeveloperName rule (uniqueness aside)."""
    return len(text) <= MAX_LENGTH and _VALID.fullmatch(text) is not None and not text.endswith("_")


def developer_name(text: str, prefix: str = "T", limit: int = MAX_LENGTH) -> str:
    """A valid DeveloperName made from ``text`` (accents dropped, other characters to
    ``_``); ``prefix`` goes in front when the text does not start with a letter."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    name = _RUNS.sub("_", ascii_text).strip("_")
    if not name or not name[0].isalpha():
        name = f"{prefix}_{name}" if name else prefix
    return name[:limit].rstrip("_")


def _digest(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:8]


def developer_names(
    texts: Iterable[str], prefix: str = "T", taken: Iterable[str] = ()
) -> dict[str, str]:
    """A unique DeveloperName for each distinct text.

    A text gets :func:`developer_name` of itself unless that name is already taken
    (by ``taken`` or by another text whose clean form is the same); then it gets the
    name plus ``_`` and 8 hex digits of a hash of the text. The result for a text
    depends only on the texts competing for the same name, so renaming one territory
    does not rename the others.
    """
    used = {t.lower() for t in taken}
    unique = sorted(dict.fromkeys(texts))
    base = {t: developer_name(t, prefix) for t in unique}
    # The text that is already a clean name keeps it; otherwise the first in sort order.
    order = sorted(unique, key=lambda t: (base[t] != t, t))
    result: dict[str, str] = {}
    for text in order:
        name = base[text]
        attempt = 0
        while name.lower() in used:
            tag = _digest(text if attempt == 0 else f"{text}\x00{attempt}")
            name = f"{developer_name(text, prefix, MAX_LENGTH - 9)}_{tag}"
            attempt += 1
        used.add(name.lower())
        result[text] = name
    return result
