"""Carrying a quota set on publish, clipping it to a period (pure: no database)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from territorial.domain import Scenario, Territory
from territorial.domain.period import Period, QuotaSlice, parse_period
from territorial.domain.planning import QuotaSet, TerritoryQuota
from territorial.optimize.quota import QuotaBasis, split_target
from territorial.optimize.quota_carry import carry_quota_set, quota_within, remaining_part
from territorial.optimize.seasonality import split_by_period

PERIOD = parse_period("2026")


@st.composite
def cases(draw: st.DrawFn) -> tuple[QuotaSet, Scenario, Scenario, dict[str, float], date]:
    n_terr = draw(st.integers(1, 5))
    names = [f"T{k}" for k in range(n_terr)]
    n_acc = draw(st.integers(1, 25))
    accounts = [f"A{k}" for k in range(n_acc)]
    old_of = {a: draw(st.sampled_from(names)) for a in accounts}
    new_names = names + [f"N{k}" for k in range(draw(st.integers(0, 2)))]
    new_of = {
        a: draw(st.sampled_from(new_names)) if draw(st.booleans()) else t for a, t in old_of.items()
    }
    basis = {a: draw(st.sampled_from([0.0, 1.0, 2.5, 10.0, 333.3])) for a in accounts}
    unit = draw(st.sampled_from([Decimal(1), Decimal(1000), Decimal("0.01")]))
    total = Decimal(draw(st.integers(0, 5_000_000)))
    quarter = draw(st.booleans())
    per_terr = {t: sum(basis[a] for a in accounts if old_of[a] == t) for t in names}
    split = split_target(
        total,
        QuotaBasis(ids=tuple(names), potential=tuple(per_terr.values())),
        "potential",
        unit=unit,
    )
    quotas = []
    for t, amount in zip(split.ids, split.quotas, strict=True):
        slices = split_by_period(
            amount, PERIOD, unit=unit, granularity="quarter" if quarter else "month"
        )
        quotas.append(TerritoryQuota(t, amount, slices=slices))
    qs = QuotaSet("OLD", PERIOD, total, "potential", unit, "month", quotas=quotas)
    old = Scenario("OLD", territories=[Territory(t) for t in names], assignments=old_of)
    new = Scenario("NEW", territories=[Territory(t) for t in new_names], assignments=new_of)
    effective = date(2025, 12, 1) + timedelta(days=draw(st.integers(0, 395)))
    return qs, old, new, basis, effective


@settings(max_examples=200, deadline=None)
@given(cases())
def test_total_conserved_and_only_moved_accounts_transfer(
    case: tuple[QuotaSet, Scenario, Scenario, dict[str, float], date],
) -> None:
    qs, old, new, basis, effective = case
    carried, transfers = carry_quota_set(qs, old, new, basis, effective)
    assert carried.sum == qs.total  # exactly, as decimals
    moved = {a for a, t in old.assignments.items() if new.assignments[a] != t}
    assert [x.account_external_id for x in transfers] == sorted(moved)
    for x in transfers:
        assert x.from_territory == old.assignments[x.account_external_id]
        assert x.to_territory == new.assignments[x.account_external_id]
        assert x.amount >= 0
    for q in carried.quotas:
        assert q.amount >= 0
        assert sum((s.amount for s in q.slices), Decimal(0)) == q.amount
    labels_before: dict[str, Decimal] = {}
    labels_after: dict[str, Decimal] = {}
    for quotas, acc in ((qs.quotas, labels_before), (carried.quotas, labels_after)):
        for q in quotas:
            for s in q.slices:
                acc[s.label] = acc.get(s.label, Decimal(0)) + s.amount
    assert {k: v for k, v in labels_after.items() if v} == {
        k: v for k, v in labels_before.items() if v
    }
    # what was earned before the effective date stays with the old territory
    before = {q.territory: q for q in qs.quotas}
    for q in carried.quotas:
        if q.territory in before:
            for a, b in zip(before[q.territory].slices, q.slices, strict=True):
                if b.end < effective:
                    assert a.amount == b.amount
    # a territory nobody leaves or joins keeps its quota
    touched = {x.from_territory for x in transfers} | {x.to_territory for x in transfers}
    for q in carried.quotas:
        if q.territory in before and q.territory not in touched:
            assert q.amount == before[q.territory].amount


def test_whole_share_moves_when_effective_before_the_period() -> None:
    qs = QuotaSet(
        "OLD",
        PERIOD,
        Decimal(900),
        "potential",
        Decimal(1),
        "month",
        quotas=[TerritoryQuota("T1", Decimal(600)), TerritoryQuota("T2", Decimal(300))],
    )
    old = Scenario("OLD", assignments={"A": "T1", "B": "T1", "C": "T2"})
    new = Scenario(
        "NEW",
        territories=[Territory("T1"), Territory("T2")],
        assignments={"A": "T2", "B": "T1", "C": "T2"},
    )
    carried, transfers = carry_quota_set(qs, old, new, {"A": 1, "B": 2, "C": 1}, date(2025, 11, 1))
    assert [(x.account_external_id, x.amount) for x in transfers] == [("A", Decimal(200))]
    assert {q.territory: q.amount for q in carried.quotas} == {"T1": 400, "T2": 500}


def test_remaining_part_prorates_a_cut_slice_to_the_cent() -> None:
    jan = QuotaSlice("2026-01", date(2026, 1, 1), date(2026, 1, 31), Decimal(1000))
    assert remaining_part(jan, date(2025, 12, 1)) == 1000  # wholly ahead: exact
    assert remaining_part(jan, date(2026, 1, 22)) == Decimal("322.58")  # 10 of 31 days
    assert remaining_part(jan, date(2026, 2, 1)) == 0


def test_quota_within_a_quarter_clips_slices_and_prorates_a_quota_without_slices() -> None:
    q1 = parse_period("2026-Q1")
    slices = split_by_period(Decimal(1200), PERIOD, unit=1)  # 100 a month
    qs = QuotaSet(
        "S",
        PERIOD,
        Decimal(2200),
        "potential",
        Decimal(1),
        "month",
        quotas=[
            TerritoryQuota("T1", Decimal(1200), slices=slices),
            TerritoryQuota("T2", Decimal(1000)),
        ],
    )
    inside = quota_within(qs, q1)
    assert inside["T1"][0] == 300
    assert [s.label for s in inside["T1"][1]] == ["2026-01", "2026-02", "2026-03"]
    assert inside["T2"][0] == Decimal("246.58")  # 90 of 365 days
    assert [(s.start, s.end) for s in inside["T2"][1]] == [(q1.start, q1.end)]
    whole = quota_within(qs, PERIOD)  # the set's own period: every quota exactly
    assert {t: a for t, (a, _) in whole.items()} == {"T1": 1200, "T2": 1000}


def test_periods_built_from_dates_get_the_canonical_label() -> None:
    for text in ("2026", "2026-Q3", "2026-07"):
        p = parse_period(text)
        assert Period(p.start, p.end) == p
    assert Period(date(2026, 1, 16), date(2026, 2, 28)).label == "2026-01-16..2026-02-28"
    assert parse_period("2026q2").label == "2026-Q2"
