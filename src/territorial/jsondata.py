"""One path to JSON for ``--json`` and ``/api``: dataclasses and the values they hold.

:func:`to_json_data` turns a result into plain JSON data once, the same way for the CLI
and the web: a dataclass becomes the dict of its fields, an enum its value, a date or
datetime ISO text, a ``Decimal`` exact text, a path text, a NumPy scalar or array numbers,
tuples and sets lists, and a float that is not finite ``null`` (valid JSON everywhere).
"""

from __future__ import annotations

import dataclasses
import json
import math
from datetime import date, datetime, time
from decimal import Decimal
from enum import Enum
from pathlib import PurePath
from typing import Any


def to_json_data(value: Any) -> Any:
    """``value`` as JSON data (see the module's docstring); a ``TypeError`` for anything else.

    A dataclass whose JSON is not simply its fields (renamed or derived keys) says so
    with a ``to_dict`` method, built on :func:`fields_data`; that shape is used.
    """
    if value is None or (isinstance(value, bool | int | str) and not isinstance(value, Enum)):
        return value
    if isinstance(value, float):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, Enum):
        return to_json_data(value.value)
    if isinstance(value, dict):
        return {str(to_json_data(k)): to_json_data(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [to_json_data(v) for v in value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        shape = getattr(value, "to_dict", None)
        return to_json_data(shape()) if callable(shape) else fields_data(value)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, PurePath):
        return str(value)
    tolist = getattr(value, "tolist", None)  # NumPy scalars and arrays (not imported here)
    if callable(tolist):
        return to_json_data(tolist())
    raise TypeError(f"not JSON data: {type(value).__name__}")


def fields_data(value: Any) -> dict[str, Any]:
    """A dataclass instance's fields as JSON data (its own ``to_dict``, if any, ignored)."""
    return {f.name: to_json_data(getattr(value, f.name)) for f in dataclasses.fields(value)}


def dumps(value: Any, *, indent: int | None = None, ensure_ascii: bool = True) -> str:
    """``value`` as JSON text, through :func:`to_json_data`."""
    return json.dumps(
        to_json_data(value), indent=indent, ensure_ascii=ensure_ascii, allow_nan=False
    )
