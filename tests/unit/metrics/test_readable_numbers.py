"""Numbers as people write them (issue 12): separators, no scientific notation."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from territorial.domain.numbers import readable


@given(st.floats(min_value=-1e15, max_value=1e15, allow_nan=False))
def test_never_scientific_and_reads_back_close(x: float) -> None:
    text = readable(x)
    assert not re.search(r"[eE]", text)
    assert re.fullmatch(r"-?\d{1,3}(,\d{3})*(\.\d+)?", text), text
    back = float(text.replace(",", ""))
    assert abs(back - x) <= max(0.5, abs(x) * 1e-12) if abs(x) >= 1 else abs(back - x) <= 5e-5


def test_examples() -> None:
    assert readable(4_600_000.0) == "4,600,000"
    assert readable(1234.56) == "1,235"
    assert readable(12.5) == "12.5"
    assert readable(0.035) == "0.035"
    assert readable(-0.00001) == "0"


def test_goal_sentence_writes_millions_out() -> None:
    from datetime import date

    from territorial.metrics.goals import Goal, goal_status

    goal = Goal(
        "g",
        "revenue",
        baseline=1_000_000.0,
        target=4_600_000.0,
        owner="ann",
        start=date(2026, 1, 1),
        due=date(2026, 12, 31),
    )
    sentence = goal_status(goal, 2_345_678.9, date(2026, 6, 30)).sentence
    assert "4,600,000" in sentence and "1,000,000" in sentence and "2,345,679" in sentence
    assert not re.search(r"\de[+-]\d", sentence)
