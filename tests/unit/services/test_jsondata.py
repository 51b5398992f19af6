"""One JSON path: dataclasses and the values they hold, the same for --json and /api."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest

from territorial.domain.design_choices import UnitKind
from territorial.jsondata import dumps, fields_data, to_json_data


@dataclass
class Inner:
    when: date
    amount: Decimal
    kind: UnitKind


@dataclass
class Outer:
    name: str
    path: Path
    inner: list[Inner]
    scores: np.ndarray
    best: np.float64
    worst: float = float("nan")
    tags: tuple[str, ...] = ("a", "b")
    seen: dict[int, datetime] = field(default_factory=dict)


@dataclass
class Shaped:
    a: int

    def to_dict(self) -> dict[str, object]:
        return {**fields_data(self), "double": 2 * self.a}


def test_every_kind_of_value_becomes_plain_json() -> None:
    at = datetime(2026, 7, 1, 9, 30, tzinfo=UTC)
    value = Outer(
        "x",
        Path("out") / "a.csv",
        [Inner(date(2026, 1, 2), Decimal("0.10"), UnitKind.ZIP)],
        np.array([1.5, 2.0]),
        np.float64(3.25),
        seen={7: at},
    )
    data = to_json_data(value)
    assert data == {
        "name": "x",
        "path": str(Path("out") / "a.csv"),
        "inner": [{"when": "2026-01-02", "amount": "0.10", "kind": "zip"}],
        "scores": [1.5, 2.0],
        "best": 3.25,
        "worst": None,
        "tags": ["a", "b"],
        "seen": {"7": "2026-07-01T09:30:00+00:00"},
    }
    assert json.loads(dumps(value)) == data  # valid JSON: no NaN
    assert type(data["best"]) is float and type(to_json_data(np.int64(4))) is int


def test_a_dataclass_with_its_own_shape_keeps_it_inside_others() -> None:
    assert to_json_data([Shaped(2)]) == [{"a": 2, "double": 4}]


def test_anything_else_is_refused() -> None:
    with pytest.raises(TypeError, match="object"):
        to_json_data(object())
