"""Shared fixtures for the metrics tests."""

from __future__ import annotations

import numpy as np
import pytest

from territorial.metrics import AssessmentInputs, RepInfo


@pytest.fixture
def four_accounts() -> AssessmentInputs:
    """4 accounts on the equator, 2 territories; rep of T0 known, T1's home unknown."""
    return AssessmentInputs(
        lat=np.zeros(4),
        lon=np.array([0.0, 1.0, 10.0, 12.0]),
        measures={
            "potential": np.array([100.0, 300.0, 200.0, 200.0]),
            "revenue": np.array([50.0, 50.0, 100.0, 200.0]),
        },
        visits_per_year=np.array([10.0, 10.0, 6.0, 6.0]),
        visit_minutes=np.array([30.0, 30.0, 60.0, 60.0]),
        territory=np.array([0, 0, 1, 1]),
        labels=["T0", "T1"],
        reps=[RepInfo("Ann Lee", 0.0, 0.5), RepInfo("Bo Chen")],
        adjacency=np.array([[0, 1, 0, 0], [1, 0, 1, 0], [0, 1, 0, 1], [0, 0, 1, 0]], dtype=np.int8),
    )
