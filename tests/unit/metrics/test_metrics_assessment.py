"""assess() end to end on hand-computed fixtures, coverage and findings."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from territorial.metrics import (
    AssessmentInputs,
    RepInfo,
    TravelModel,
    assess,
    coverage_gaps,
)
from territorial.metrics.findings import (
    Finding,
    contiguity_findings,
    format_amount,
    format_percent,
    rep_home_findings,
    sort_findings,
)

K = 6371.0088 * math.pi / 180.0  # km in one degree of a great circle
TRAVEL = TravelModel(detour_factor=1.0, speed_kmh=60.0)  # travel minutes = 2 × km


def test_assess_hand_computed(four_accounts: AssessmentInputs) -> None:
    a = assess(four_accounts, TRAVEL, tolerance=0.05)
    t0, t1 = a.territories
    # T0: base = Ann's home (0, 0.5), each account 0.5° away -> K travel minutes a visit
    w0 = 2 * 10 * (30 + 2 * 0.5 * K) / 60
    # T1: no home -> centre (0, 11), each account 1° away -> 2K minutes a visit
    w1 = 2 * 6 * (60 + 2 * K) / 60
    assert t0.workload_hours == pytest.approx(w0)
    assert t1.workload_hours == pytest.approx(w1)
    np.testing.assert_allclose(a.account_workload_hours, [w0 / 2, w0 / 2, w1 / 2, w1 / 2])
    mean_w = (w0 + w1) / 2
    assert t1.deviation["workload"] == pytest.approx((w1 - mean_w) / mean_w)

    assert (t0.accounts, t1.accounts) == (2, 2)
    assert (t0.potential, t1.potential) == (400.0, 400.0)
    assert (t0.revenue, t1.revenue) == (100.0, 300.0)
    rev = a.balance["revenue"]
    assert rev.cv == pytest.approx(0.5)
    assert rev.gini == pytest.approx(0.25)
    assert rev.max_min_ratio == pytest.approx(3.0)
    assert a.balance["potential"].gini == 0.0
    assert list(a.balance) == ["accounts", "potential", "revenue", "workload"]

    assert t0.diameter_km == pytest.approx(K)
    assert t1.diameter_km == pytest.approx(2 * K)
    assert t0.mean_km_to_centre == pytest.approx(0.5 * K)
    assert t1.max_km_to_centre == pytest.approx(K)
    assert (t0.components, t1.components) == (1, 1)
    assert t0.rep_home_km == pytest.approx(0.0, abs=1e-6)
    assert t1.rep_home_km is None  # Bo's home is unknown

    texts = [f.text for f in a.findings]
    assert "T1 has 50% more revenue than target ($300 vs $200)" in texts
    assert "T0 has 50% less revenue than target ($100 vs $200)" in texts
    pct = format_percent((w1 - mean_w) / mean_w)
    assert pct == "9.1%"
    assert f"T1 carries 9.1% more workload than target ({w1:,.0f} h vs {mean_w:,.0f} h)" in texts
    assert a.findings[0].severity == "high"
    assert [f.severity for f in a.findings] == sorted(
        (f.severity for f in a.findings), key=["high", "medium", "low"].index
    )

    reps = {r.name: r for r in a.reps}
    assert reps["Ann Lee"].territories == ("T0",)
    assert reps["Ann Lee"].workload_hours == pytest.approx(w0)


def test_to_dict_is_strict_json(four_accounts: AssessmentInputs) -> None:
    inputs = AssessmentInputs(
        lat=[0, 0, 0],
        lon=[0, 1, 2],
        measures={"potential": [1, 2, 5]},
        visits_per_year=4,
        visit_minutes=30,
        territory=[0, 0, -1],
        labels=["A", "Empty"],
    )
    d = assess(inputs).to_dict()
    text = json.dumps(d, allow_nan=False)  # raises on NaN/inf
    assert set(d) == {
        "summary",
        "parameters",
        "territories",
        "reps",
        "balance",
        "coverage",
        "findings",
    }
    empty = d["territories"][1]
    assert empty["accounts"] == 0 and empty["diameter_km"] is None
    assert d["balance"]["potential"]["max_min_ratio"] is None  # 3 vs 0: inf -> None
    assert empty["deviation"]["potential"] == -1.0
    assert d["summary"]["unassigned"] == 1
    assert d["summary"]["unassigned_totals"]["potential"] == 5
    assert "Territory Empty has no accounts" in text
    d2 = assess(four_accounts, TRAVEL).to_dict()
    json.dumps(d2, allow_nan=False)
    assert d2["territories"][0]["rep"] == "Ann Lee"
    assert d2["territories"][0]["contiguous"] is True
    assert isinstance(d2["territories"][0]["accounts"], int)


def test_coverage_gaps_hand_computed() -> None:
    gaps = coverage_gaps(
        lat=[0, 0, 0],
        lon=[0, 5, 0.2],
        potential=[10, 500, 20],
        territory=[0, -1, 0],
        rep_lat=[0.0],
        rep_lon=[0.0],
        percentile=50,
        max_km=150,
        cell_km=50,
    )
    assert gaps.threshold == 20
    assert list(gaps.high_potential) == [1]
    assert list(gaps.unassigned) == [1] and list(gaps.far) == [1]
    assert gaps.nearest_rep_km[1] == pytest.approx(5 * K)
    assert len(gaps.white_space) == 1
    cell = gaps.white_space[0]
    assert cell.account_indices == (1,) and cell.potential == 500
    assert cell.south <= 0 <= cell.north and cell.west <= 5 <= cell.east
    assert cell.nearest_rep_km > 150


def test_coverage_findings_text() -> None:
    inputs = AssessmentInputs(
        lat=[0, 0, 0, 0],
        lon=[0, 5, 0.2, 0.1],
        measures={"potential": [10, 1_200_000, 20, 30]},
        visits_per_year=1,
        visit_minutes=60,
        territory=[0, -1, 0, 0],
        labels=["A"],
        reps=[RepInfo("Ann Lee", 0.0, 0.0)],
    )
    a = assess(inputs, percentile=50, coverage_km=150, cell_km=50)
    texts = [f.text for f in a.findings]
    assert "1 high-potential account (total potential $1.2M) is unassigned" in texts
    assert (
        "1 high-potential account (total potential $1.2M) is more than 150 km from every rep"
        in texts
    )
    assert (
        "1 account (total potential $1.2M) lies in 1 area (50 km squares) "
        "with no rep within 150 km" in texts
    )
    assert "1 account (total potential $1.2M) is not assigned to any territory" in texts


def test_no_rep_homes_skips_distance_checks() -> None:
    inputs = AssessmentInputs(
        lat=[0, 0],
        lon=[0, 9],
        measures={"potential": [1, 100]},
        visits_per_year=1,
        visit_minutes=60,
        territory=[0, 0],
        labels=["A"],
    )
    a = assess(inputs, percentile=50)
    assert a.coverage.reps_with_home == 0
    assert a.coverage.far.size == 0 and a.coverage.white_space == ()
    assert any("No rep home location is known" in f.text for f in a.findings)


def test_other_findings_text() -> None:
    [f] = contiguity_findings(["T0", "T5"], [1, 2])
    assert f.text == "Territory T5 is split into 2 disconnected parts"
    [f] = rep_home_findings(["NE-3", "W"], ["Ann Lee", None], [240.4, 900.0], max_km=100)
    assert f.text == "Rep Ann Lee's home is 240 km from the centre of NE-3"
    assert f.severity == "high"
    assert format_amount(1_234_567, "$") == "$1.2M"
    assert format_amount(340_000) == "340K"
    ordered = sort_findings(
        [
            Finding("low", "x", None, None, 0, "c", 9),
            Finding("high", "x", None, None, 0, "b", 1),
            Finding("high", "x", None, None, 0, "a", 2),
        ]
    )
    assert [f.text for f in ordered] == ["a", "b", "c"]


def test_rep_home_far_from_territory_in_assess() -> None:
    inputs = AssessmentInputs(
        lat=[0, 0],
        lon=[0, 1],
        measures={"potential": [1, 1]},
        visits_per_year=0,
        visit_minutes=0,
        territory=[0, 0],
        labels=["NE-3"],
        reps=[RepInfo("Ann Lee", 0.0, 3.0)],
    )
    a = assess(inputs)
    assert a.territories[0].rep_home_km == pytest.approx(2.5 * K)
    assert f"Rep Ann Lee's home is {2.5 * K:,.0f} km from the centre of NE-3" in [
        f.text for f in a.findings
    ]


def test_split_territory_and_explicit_targets() -> None:
    inputs = AssessmentInputs(
        lat=[0, 0, 0, 0],
        lon=[0, 1, 2, 3],
        measures={"potential": [10, 10, 10, 10]},
        visits_per_year=0,
        visit_minutes=0,
        territory=[0, 1, 0, 1],
        labels=["T0", "T5"],
        adjacency=np.array([[0, 1, 0, 0], [1, 0, 1, 0], [0, 1, 0, 1], [0, 0, 1, 0]]),
    )
    a = assess(inputs, targets={"potential": [25.0, 20.0]})
    assert [r.components for r in a.territories] == [2, 2]
    assert a.territories[0].deviation["potential"] == pytest.approx(-0.2)
    assert a.territories[1].deviation["potential"] == 0.0
    texts = [f.text for f in a.findings]
    assert "Territory T0 is split into 2 disconnected parts" in texts
    assert "T0 has 20% less potential than target ($20 vs $25)" in texts


def test_input_validation() -> None:
    base = dict(
        lat=[0.0],
        lon=[0.0],
        measures={"potential": [1.0]},
        visits_per_year=1,
        visit_minutes=1,
        territory=[0],
        labels=["A"],
    )
    AssessmentInputs(**base)  # type: ignore[arg-type]
    for change in (
        {"lat": [91.0]},
        {"territory": [1]},
        {"measures": {"workload": [1.0]}},
        {"measures": {"potential": [float("nan")]}},
        {"visits_per_year": -1},
        {"reps": [None, None]},
    ):
        with pytest.raises(ValueError):
            AssessmentInputs(**{**base, **change})  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        RepInfo("x", 1.0, None)
    with pytest.raises(ValueError):
        assess(AssessmentInputs(**base), targets={"nope": [1.0]})  # type: ignore[arg-type]


def test_ten_thousand_accounts_runs_and_is_consistent() -> None:
    rng = np.random.default_rng(3)
    n, p = 10_000, 60
    lat = rng.uniform(30, 45, n)
    lon = rng.uniform(-110, -80, n)
    terr = rng.integers(-1, p, n)
    pot = rng.lognormal(10, 1, n)
    inputs = AssessmentInputs(
        lat=lat,
        lon=lon,
        measures={"potential": pot, "revenue": pot / 3},
        visits_per_year=rng.integers(0, 24, n).astype(float),
        visit_minutes=45,
        territory=terr,
        labels=[f"T{i}" for i in range(p)],
        reps=[RepInfo(f"Rep {i}", 30 + i / 4, -110 + i / 2) for i in range(p)],
    )
    a = assess(inputs)
    total = sum(r.potential or 0 for r in a.territories)
    assert total == pytest.approx(float(pot[terr >= 0].sum()))
    assert a.unassigned_totals["potential"] == pytest.approx(float(pot[terr < 0].sum()))
    for r in a.territories:
        assert r.diameter_km >= r.max_km_to_centre - 1e-6
    json.dumps(a.to_dict(), allow_nan=False)


def test_unjudged_measures_are_reported_without_findings(four_accounts: AssessmentInputs) -> None:
    # revenue is 100 vs 300 (±50%) and potential equal: judging only potential leaves
    # revenue's numbers in place but raises no finding and no territory outside
    every = assess(four_accounts, TRAVEL, tolerance=0.05, judged=None)
    some = assess(four_accounts, TRAVEL, tolerance=0.05, judged=["potential"])
    assert any(f.measure == "revenue" for f in every.findings)
    assert not [f for f in some.findings if f.kind == "balance"]
    assert some.territories[1].deviation["revenue"] == pytest.approx(0.5)
    assert not some.territories[1].within_tolerance["revenue"]  # the fact is kept
    assert every.to_dict()["summary"]["territories_outside_tolerance"] == 2
    data = some.to_dict()
    assert data["summary"]["territories_outside_tolerance"] == 0
    assert data["balance"]["revenue"]["judged"] is False
    assert data["balance"]["potential"]["judged"] is True
    assert data["balance"]["revenue"]["territories_outside"] == 2
    with pytest.raises(ValueError, match="judged"):
        assess(four_accounts, TRAVEL, judged=["nonsense"])


def test_per_measure_tolerances_replace_the_common_one(four_accounts: AssessmentInputs) -> None:
    # revenue is ±50% off: outside a 5% tolerance, inside a 60% one given for it alone
    a = assess(four_accounts, TRAVEL, tolerance=0.05, tolerances={"revenue": 0.6})
    assert a.balance["revenue"].tolerance == 0.6 and a.balance["potential"].tolerance == 0.05
    assert a.territories[1].within_tolerance["revenue"]
    assert not [f for f in a.findings if f.measure == "revenue"]
    judged = a.to_dict()["summary"]["judged_tolerances"]
    assert judged == {"accounts": 0.05, "potential": 0.05, "revenue": 0.6, "workload": 0.05}
    with pytest.raises(ValueError, match="tolerances"):
        assess(four_accounts, TRAVEL, tolerances={"nonsense": 0.1})
