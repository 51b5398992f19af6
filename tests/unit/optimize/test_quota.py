"""Quota splitting: exact sums, units, overrides, growth caps, pro-ration."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from territorial.domain.period import Period
from territorial.optimize.quota import (
    AccountMove,
    GrowthRule,
    QuotaBasis,
    QuotaMethod,
    apportion,
    prorate_moves,
    rollup_quotas,
    split_target,
    to_decimal,
)

UNITS = [Decimal("1"), Decimal("1000"), Decimal("0.01"), Decimal("250"), Decimal("0.05")]
values = st.floats(min_value=0, max_value=1e7, allow_nan=False, allow_infinity=False)


@st.composite
def cases(draw: st.DrawFn) -> tuple[QuotaBasis, Decimal, Decimal, QuotaMethod, dict[str, Decimal]]:
    n = draw(st.integers(1, 8))
    ids = tuple(f"T{i}" for i in range(n))
    pot = draw(st.lists(values, min_size=n, max_size=n))
    his = draw(st.lists(values, min_size=n, max_size=n))
    basis = QuotaBasis(ids=ids, potential=tuple(pot), history=tuple(his))
    unit = draw(st.sampled_from(UNITS))
    cents = draw(st.integers(0, 10**11))
    target = Decimal(cents) / 100
    method = draw(st.sampled_from(list(QuotaMethod)))
    chosen = draw(st.lists(st.sampled_from(ids), unique=True, max_size=n))
    overrides: dict[str, Decimal] = {}
    left = target
    for t in chosen:
        amt = Decimal(draw(st.integers(0, int(left * 100)))) / 100
        overrides[t] = amt
        left -= amt
    if len(chosen) == n and n:
        overrides[chosen[-1]] += left  # all overridden: must add up to the target
    return basis, target, unit, method, overrides


@settings(max_examples=300, deadline=None)
@given(cases())
def test_quotas_sum_exactly_units_and_overrides(case: tuple) -> None:  # type: ignore[type-arg]
    basis, target, unit, method, overrides = case
    res = split_target(
        target,
        basis,
        method,
        unit=unit,
        blend={"potential": 0.6, "history": 0.4},
        growth=GrowthRule(-0.2, 0.5),
        overrides=overrides,
    )
    assert sum(res.quotas, Decimal(0)) == target
    q = res.as_dict()
    for t, amt in overrides.items():
        assert q[t] == amt
    for t, amt in q.items():
        assert amt >= 0
        if t in overrides:
            continue
        base = amt - res.remainder if t == res.remainder_to else amt
        assert base % unit == 0
    if res.remainder_to is not None:
        assert 0 < res.remainder < unit
        assert res.remainder_to not in overrides


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.floats(0, 1e6, allow_nan=False), min_size=1, max_size=10),
    st.integers(0, 10**9),
    st.sampled_from(UNITS),
)
def test_apportion_exact(weights: list[float], cents: int, unit: Decimal) -> None:
    amount = Decimal(cents) / 100
    parts, big = apportion(amount, weights, unit)
    assert sum(parts, Decimal(0)) == amount
    rest = amount % unit
    for i, p in enumerate(parts):
        assert (p - (rest if i == big else 0)) % unit == 0
    assert (big is None) == (rest == 0)
    # zero weights get nothing unless every weight is zero
    if sum(weights) > 0:
        for w, p in zip(weights, parts, strict=True):
            if w == 0:
                assert p == 0


def test_potential_split_hand_case() -> None:
    b = QuotaBasis(ids=("a", "b", "c"), potential=(5, 3, 2))
    res = split_target(1_000_001, b, "potential", unit=1000)
    assert res.as_dict() == {"a": Decimal(500_001), "b": Decimal(300_000), "c": Decimal(200_000)}
    assert res.remainder_to == "a" and res.remainder == 1


def test_hamilton_largest_remainder() -> None:
    parts, big = apportion(10, [1, 1, 1], 1)
    assert parts == [4, 3, 3] and big is None


def test_equal_and_zero_basis_fall_back_to_equal() -> None:
    b = QuotaBasis(ids=("a", "b"), potential=(0, 0))
    assert split_target(100, b, "potential").as_dict() == {"a": 50, "b": 50}
    assert split_target(100, b, "equal").as_dict() == {"a": 50, "b": 50}


def test_blend_normalises_weights_and_drops_empty_components() -> None:
    b = QuotaBasis(ids=("a", "b"), potential=(3, 1), history=(1, 1))
    r1 = split_target(1000, b, "blend", blend={"potential": 6, "history": 4})
    assert r1.as_dict() == {"a": Decimal(650), "b": Decimal(350)}
    b0 = QuotaBasis(ids=("a", "b"), potential=(3, 1), history=(0, 0))
    r2 = split_target(1000, b0, "blend", blend={"potential": 0.6, "history": 0.4})
    assert r2.as_dict() == {"a": Decimal(750), "b": Decimal(250)}


def test_blend_with_named_measure() -> None:
    b = QuotaBasis(ids=("a", "b"), measures={"accounts": (1, 3)})
    assert split_target(400, b, "blend", blend={"accounts": 1}).as_dict() == {"a": 100, "b": 300}


def test_growth_caps_respected_when_feasible() -> None:
    b = QuotaBasis(ids=("a", "b", "c"), history=(100, 50, 10))
    rule = GrowthRule(-0.1, 0.3, rates={"a": 0.0, "b": 0.5, "c": 1.0})
    q = split_target(180, b, "growth", unit="0.01", growth=rule).as_dict()
    assert q == {"a": Decimal("102.00"), "b": Decimal("65.00"), "c": Decimal("13.00")}


def test_growth_infeasible_caps_scale_proportionally() -> None:
    b = QuotaBasis(ids=("a", "b"), history=(100, 100))
    rule = GrowthRule(0.0, 0.1, rates={"a": 0.0, "b": 0.1})
    q = split_target(300, b, "growth", growth=rule).as_dict()
    assert q == {"a": 150, "b": 150}


def test_growth_without_rates_is_uniform() -> None:
    b = QuotaBasis(ids=("a", "b"), history=(100, 300))
    q = split_target(440, b, "growth").as_dict()
    assert q == {"a": 110, "b": 330}


def test_override_errors() -> None:
    b = QuotaBasis(ids=("a", "b"), potential=(1, 1))
    with pytest.raises(ValueError, match="more than the target"):
        split_target(100, b, overrides={"a": 150})
    with pytest.raises(ValueError, match="unknown"):
        split_target(100, b, overrides={"z": 1})
    with pytest.raises(ValueError, match="every territory"):
        split_target(100, b, overrides={"a": 10, "b": 10})
    with pytest.raises(ValueError):
        split_target(-1, b)
    with pytest.raises(ValueError, match="blend"):
        split_target(1, b, "blend")


def test_overrides_respread_by_shares() -> None:
    b = QuotaBasis(ids=("a", "b", "c"), potential=(1, 1, 2))
    q = split_target(1000, b, "potential", overrides={"a": 400}).as_dict()
    assert q == {"a": 400, "b": 200, "c": 400}


def test_float_money_reads_shortest_repr() -> None:
    assert to_decimal(0.1) == Decimal("0.1")
    with pytest.raises(ValueError):
        to_decimal(float("nan"))


def test_rollup_keeps_total() -> None:
    q = {"a": Decimal(10), "b": Decimal(20), "c": Decimal(5)}
    assert rollup_quotas(q, {"a": "r1", "b": "r2", "c": "r1"}) == {"r1": 15, "r2": 20}
    with pytest.raises(ValueError):
        rollup_quotas(q, {"a": "r1"})


PERIOD = Period(date(2025, 1, 1), date(2025, 12, 31))


def test_period_fractions() -> None:
    assert PERIOD.days == 365
    assert PERIOD.remaining_fraction(date(2025, 1, 1)) == 1.0
    assert PERIOD.remaining_fraction(date(2026, 1, 1)) == 0.0
    assert PERIOD.remaining_fraction(date(2025, 12, 31)) == pytest.approx(1 / 365)
    assert PERIOD.elapsed_fraction(date(2024, 6, 1)) == 0.0


def test_prorate_hand_case() -> None:
    quotas = {"a": Decimal(1000), "b": Decimal(500)}
    r = prorate_moves(
        quotas,
        {"x": "a", "y": "a", "z": "b"},
        {"x": 1, "y": 3, "z": 1},
        [AccountMove("x", "b", date(2025, 7, 1))],
        PERIOD,
    )
    # 1000 × 1/4 × 184/365 = 126.03 -> 126
    assert r.quotas == {"a": 874, "b": 626}
    assert r.transfers[0].amount == 126
    assert r.territory_of["x"] == "b"


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.integers(0, 10**8), min_size=2, max_size=5),
    st.lists(
        st.tuples(st.integers(0, 4), st.floats(0, 100, allow_nan=False)), min_size=1, max_size=12
    ),
    st.lists(st.tuples(st.integers(0, 11), st.integers(0, 5), st.integers(-30, 400)), max_size=10),
    st.sampled_from(UNITS),
)
def test_prorate_conserves_total(
    quota_cents: list[int],
    accounts: list[tuple[int, float]],
    moves: list[tuple[int, int, int]],
    unit: Decimal,
) -> None:
    tids = [f"T{i}" for i in range(len(quota_cents))]
    quotas = {t: Decimal(c) / 100 for t, c in zip(tids, quota_cents, strict=True)}
    where = {f"A{k}": tids[t % len(tids)] for k, (t, _) in enumerate(accounts)}
    basis = {f"A{k}": v for k, (_, v) in enumerate(accounts)}
    mv = [
        AccountMove(f"A{a % len(accounts)}", f"T{t}", date(2025, 1, 1) + timedelta(days=d))
        for a, t, d in moves
    ]
    r = prorate_moves(quotas, where, basis, mv, PERIOD, unit=unit)
    assert sum(r.quotas.values(), Decimal(0)) == sum(quotas.values(), Decimal(0))
    assert all(v >= 0 for v in r.quotas.values())
    for t in r.transfers:
        assert t.amount % unit == 0 or (t.account_share == 1 and t.remaining_fraction == 1)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.tuples(st.floats(1, 1e6), st.floats(-0.5, 1.0)), min_size=1, max_size=8),
    st.floats(-0.3, 0.6),
    st.floats(0.0, 1.0),
)
def test_growth_caps_hold_whenever_reachable(
    rows: list[tuple[float, float]], lo: float, width: float
) -> None:
    hi = lo + width
    ids = tuple(f"T{i}" for i in range(len(rows)))
    hist = [h for h, _ in rows]
    rule = GrowthRule(lo, hi, rates={t: g for t, (_, g) in zip(ids, rows, strict=True)})
    total = sum(hist)
    # a target in the reachable range [Σ h(1+lo), Σ h(1+hi)]
    target = Decimal(round(total * (1 + lo + width / 2), 2)).quantize(Decimal("0.01"))
    res = split_target(
        target, QuotaBasis(ids=ids, history=tuple(hist)), "growth", unit="0.01", growth=rule
    )
    assert sum(res.quotas, Decimal(0)) == target
    for h, q in zip(hist, res.quotas, strict=True):
        g = float(q) / h - 1
        assert lo - 1e-6 - 0.02 / h <= g <= hi + 1e-6 + 0.02 / h


def test_accounts_leaving_together_each_carry_their_own_part() -> None:
    """Two equal accounts leaving one territory mid-year each carry a quarter of it."""
    period = Period(date(2026, 1, 1), date(2026, 12, 31))
    half = date(2026, 7, 2)  # 183 of 365 days remain
    result = prorate_moves(
        {"A": 1000, "B": 0},
        {"a1": "A", "a2": "A"},
        {"a1": 50.0, "a2": 50.0},
        [AccountMove("a1", "B", half), AccountMove("a2", "B", half)],
        period,
    )
    expected = round(1000 * 0.5 * 183 / 365)
    assert [t.amount for t in result.transfers] == [expected, expected]
    assert result.quotas["A"] + result.quotas["B"] == 1000
