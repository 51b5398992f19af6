"""A/B/C tiers."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from territorial.metrics.tiers import TierConfig, assign_tiers, percentile_rank


def test_default_twenty_thirty_fifty() -> None:
    pot = np.arange(10, dtype=float)
    res = assign_tiers(pot, pot)
    assert res.tier == tuple("CCCCCBBBAA")
    assert res.counts == {"A": 2, "B": 3, "C": 5}


def test_weights_and_thresholds() -> None:
    pot = [1.0, 2.0, 3.0, 4.0]
    rev = [4.0, 3.0, 2.0, 1.0]
    only_rev = assign_tiers(pot, rev, TierConfig(0, 1, a_share=0.25, b_share=0.25))
    assert only_rev.tier == ("A", "B", "C", "C")


def test_ties_take_higher_tier() -> None:
    res = assign_tiers([5, 5, 5, 1, 0], [5, 5, 5, 1, 0], TierConfig(a_share=0.2, b_share=0.2))
    # the three-way tie at the top all become A, which already fills A + B (40%)
    assert res.tier == ("A", "A", "A", "C", "C")
    res = assign_tiers([5, 5, 3, 1, 0, 0], [5, 5, 3, 1, 0, 0], TierConfig(0.5, 0.5, 0.2, 0.5))
    assert res.tier == ("A", "A", "B", "B", "C", "C")


def test_percentile_rank() -> None:
    assert percentile_rank([10, 20, 20, 40]).tolist() == pytest.approx([0.25, 0.625, 0.625, 1])


def test_config_validation() -> None:
    with pytest.raises(ValueError):
        TierConfig(a_share=0.8, b_share=0.3)
    with pytest.raises(ValueError):
        TierConfig(0, 0)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.floats(0, 1e6), st.floats(0, 1e6)), max_size=50))
def test_tiers_are_monotone_in_score(rows: list[tuple[float, float]]) -> None:
    pot = [p for p, _ in rows]
    rev = [r for _, r in rows]
    res = assign_tiers(pot, rev)
    rank = {"A": 0, "B": 1, "C": 2}
    for i in range(len(rows)):
        for j in range(len(rows)):
            if res.score[i] > res.score[j] + 1e-9:
                assert rank[res.tier[i]] <= rank[res.tier[j]]
    if rows:
        assert res.counts["A"] >= round(0.2 * len(rows))
