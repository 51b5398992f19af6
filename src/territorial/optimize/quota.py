"""Split a company target into territory (and rep) quotas.

Money convention
----------------
Quota amounts are :class:`decimal.Decimal`. Targets, units and overrides may be
given as ``int``, ``str``, ``float`` or ``Decimal``; a float is read through its
shortest ``repr`` (``0.1`` becomes ``Decimal("0.1")``). Basis values (potential,
history, any measure) stay floats: they only set shares.

Exactness
---------
Every split is a largest-remainder (Hamilton) apportionment of whole rounding
units, done in integer arithmetic, so the quotas always sum *exactly* to the
target. When the amount to spread is not a multiple of the unit, the sub-unit
remainder (``amount mod unit``) is added to the territory with the largest share
(first one on ties) and reported as ``remainder_to``/``remainder``. Every other
non-overridden quota is a whole multiple of the unit.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal
from enum import StrEnum
from fractions import Fraction
from types import MappingProxyType

import numpy as np
from numpy.typing import ArrayLike

from territorial.domain.period import Period, QuotaSlice

__all__ = [
    "CENT",
    "AccountMove",
    "GrowthRule",
    "ProrationResult",
    "QuotaBasis",
    "QuotaMethod",
    "QuotaResult",
    "QuotaTransfer",
    "apportion",
    "clip_slices",
    "prorate_moves",
    "prorated_slice",
    "rollup_quotas",
    "split_target",
    "to_cents",
    "to_decimal",
]

Money = Decimal | int | float | str
CENT = Decimal("0.01")


def to_cents(amount: Decimal) -> Decimal:
    """``amount`` rounded to the cent, half to even (the rounding of every pro-rata part)."""
    return amount.quantize(CENT, rounding=ROUND_HALF_EVEN)


class QuotaMethod(StrEnum):
    """How a target is shared among territories."""

    POTENTIAL = "potential"
    HISTORY = "history"
    BLEND = "blend"
    GROWTH = "growth"
    EQUAL = "equal"


def to_decimal(value: Money) -> Decimal:
    """Convert money to ``Decimal`` (floats through their shortest repr).

    Raises
    ------
    ValueError
        If the value is not finite.
    """
    if isinstance(value, Decimal):
        d = value
    elif isinstance(value, bool):
        raise TypeError("money must be a number, not bool")
    elif isinstance(value, int):
        d = Decimal(value)
    elif isinstance(value, float):
        d = Decimal(repr(value))
    else:
        d = Decimal(value)
    if not d.is_finite():
        raise ValueError(f"money must be finite, got {value!r}")
    return d


def _floats(values: ArrayLike, name: str, n: int) -> tuple[float, ...]:
    arr = np.asarray(values, dtype=float).reshape(-1)
    if arr.size != n:
        raise ValueError(f"{name} has {arr.size} values, expected {n}")
    if not np.all(np.isfinite(arr)) or np.any(arr < 0):
        raise ValueError(f"{name} must be finite and non-negative")
    return tuple(float(x) for x in arr)


@dataclass(frozen=True)
class QuotaBasis:
    """Per-territory values the split is based on.

    Parameters
    ----------
    ids
        Territory ids (unique).
    potential
        Market potential per territory.
    history
        Last comparable period's revenue per territory (also the base of the
        growth method).
    measures
        Any other named non-negative measure, usable in a blend.
    """

    ids: tuple[str, ...]
    potential: tuple[float, ...] = ()
    history: tuple[float, ...] = ()
    measures: Mapping[str, tuple[float, ...]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        ids = tuple(str(i) for i in self.ids)
        if len(set(ids)) != len(ids):
            raise ValueError("territory ids must be unique")
        n = len(ids)
        object.__setattr__(self, "ids", ids)
        pot = self.potential if len(self.potential) else [0.0] * n
        his = self.history if len(self.history) else [0.0] * n
        object.__setattr__(self, "potential", _floats(pot, "potential", n))
        object.__setattr__(self, "history", _floats(his, "history", n))
        meas = {str(k): _floats(v, f"measure {k!r}", n) for k, v in self.measures.items()}
        object.__setattr__(self, "measures", MappingProxyType(meas))

    def values(self, name: str) -> tuple[float, ...]:
        """Return the named basis (``potential``, ``history`` or a measure)."""
        if name == "potential":
            return self.potential
        if name == "history":
            return self.history
        if name in self.measures:
            return self.measures[name]
        raise ValueError(
            f"unknown basis {name!r}; have potential, history, {sorted(self.measures)}"
        )


@dataclass(frozen=True)
class GrowthRule:
    """Growth on last year with caps.

    Parameters
    ----------
    min_growth, max_growth
        Bounds on each territory's growth rate (``-0.1`` is -10%).
    rates
        Proposed growth rate per territory id; missing ids (or ``None``) use the
        company's implied rate ``target / Σ history - 1``.

    Notes
    -----
    Each territory gets ``history × (1 + clip(rate + δ, min, max))`` with one
    common shift ``δ`` solved exactly so the amounts add up to the target. When
    even all territories at ``max_growth`` (or all at ``min_growth``) cannot
    reach the target, the caps cannot all hold: those capped amounts are scaled
    proportionally to the target, which gives every territory the same growth
    rate. Territories without history get nothing (override them); if no
    territory has history the split is equal.
    """

    min_growth: float = -0.1
    max_growth: float = 0.3
    rates: Mapping[str, float] | None = None

    def __post_init__(self) -> None:
        lo, hi = self.min_growth, self.max_growth
        if not (math.isfinite(lo) and math.isfinite(hi)):
            raise ValueError("growth caps must be finite")
        if lo < -1.0:
            raise ValueError("min_growth must be >= -1 (a quota cannot be negative)")
        if lo > hi:
            raise ValueError(f"min_growth {lo} exceeds max_growth {hi}")
        if self.rates is not None:
            for k, v in self.rates.items():
                if not math.isfinite(v):
                    raise ValueError(f"growth rate of {k!r} must be finite")


@dataclass(frozen=True)
class QuotaResult:
    """Quotas per territory, in basis order.

    ``remainder`` is the sub-unit part of the spread amount and went to
    ``remainder_to`` (``None`` when the amount was a multiple of the unit).
    """

    ids: tuple[str, ...]
    quotas: tuple[Decimal, ...]
    shares: tuple[float, ...]
    target: Decimal
    unit: Decimal
    method: QuotaMethod
    overridden: frozenset[str]
    remainder_to: str | None
    remainder: Decimal

    def as_dict(self) -> dict[str, Decimal]:
        """Quota by territory id."""
        return dict(zip(self.ids, self.quotas, strict=True))


def _equal_if_zero(weights: Sequence[float]) -> list[float]:
    w = [float(x) for x in weights]
    if sum(w) <= 0:
        return [1.0] * len(w)
    return w


def _hamilton(n_units: int, weights: Sequence[float]) -> list[int]:
    """Apportion ``n_units`` whole units by weight (largest remainder)."""
    fw = [Fraction(x) for x in _equal_if_zero(weights)]
    total = sum(fw, Fraction(0))
    exact = [n_units * w / total for w in fw]
    base = [math.floor(e) for e in exact]
    left = n_units - sum(base)
    order = sorted(range(len(fw)), key=lambda i: (-(exact[i] - base[i]), -fw[i], i))
    for i in order[:left]:
        base[i] += 1
    return base


def apportion(
    amount: Money, weights: Sequence[float] | ArrayLike, unit: Money = 1
) -> tuple[list[Decimal], int | None]:
    """Split ``amount`` by ``weights`` into multiples of ``unit`` summing exactly.

    Parameters
    ----------
    amount
        Non-negative amount to split.
    weights
        Non-negative weights; all zero means equal shares.
    unit
        Positive rounding step.

    Returns
    -------
    parts, remainder_index
        The parts (summing exactly to ``amount``) and the index of the part that
        also received the sub-unit remainder, or ``None`` if there was none.
    """
    total = to_decimal(amount)
    step = to_decimal(unit)
    if step <= 0:
        raise ValueError("unit must be positive")
    if total < 0:
        raise ValueError("amount to split must be non-negative")
    w = [float(x) for x in np.asarray(weights, dtype=float).reshape(-1)]
    if not w:
        if total != 0:
            raise ValueError("cannot split a non-zero amount over nobody")
        return [], None
    if any((not math.isfinite(x)) or x < 0 for x in w):
        raise ValueError("weights must be finite and non-negative")
    n_units = int(total // step)
    rest = total - n_units * step
    parts = [k * step for k in _hamilton(n_units, w)]
    if rest == 0:
        return parts, None
    ww = _equal_if_zero(w)
    big = max(range(len(ww)), key=lambda i: (ww[i], -i))
    parts[big] += rest
    return parts, big


def _growth_amounts(
    history: Sequence[float], rates: Sequence[float], amount: float, rule: GrowthRule
) -> list[float]:
    r = np.asarray(history, dtype=float)
    if r.sum() <= 0:
        return [1.0] * len(r)
    g = np.asarray(rates, dtype=float)
    lo, hi = rule.min_growth, rule.max_growth

    def f(delta: float) -> float:
        return float(np.sum(r * (1.0 + np.clip(g + delta, lo, hi))))

    f_lo, f_hi = float(np.sum(r * (1.0 + lo))), float(np.sum(r * (1.0 + hi)))
    if amount <= f_lo or amount >= f_hi or f_hi - f_lo <= 0:
        capped = r * (1.0 + (lo if amount <= f_lo else hi))
        return [float(x) for x in capped]  # shares only: proportional scaling
    # f is piecewise linear and non-decreasing with kinks at lo-g and hi-g.
    kinks = np.unique(np.concatenate([lo - g, hi - g]))
    vals = np.array([f(float(k)) for k in kinks])
    j = int(np.searchsorted(vals, amount, side="left"))
    j = min(max(j, 1), len(kinks) - 1)
    k0, k1, v0, v1 = kinks[j - 1], kinks[j], vals[j - 1], vals[j]
    delta = float(k0) if v1 == v0 else float(k0 + (amount - v0) * (k1 - k0) / (v1 - v0))
    return [float(x) for x in r * (1.0 + np.clip(g + delta, lo, hi))]


def _weights(
    basis: QuotaBasis,
    idx: Sequence[int],
    method: QuotaMethod,
    amount: Decimal,
    blend: Mapping[str, float] | None,
    growth: GrowthRule | None,
) -> list[float]:
    if method is QuotaMethod.EQUAL:
        return [1.0] * len(idx)
    if method in (QuotaMethod.POTENTIAL, QuotaMethod.HISTORY):
        vals = basis.values(method.value)
        return _equal_if_zero([vals[i] for i in idx])
    if method is QuotaMethod.GROWTH:
        rule = growth or GrowthRule()
        hist = [basis.history[i] for i in idx]
        total_hist = sum(hist)
        implied = float(amount) / total_hist - 1.0 if total_hist > 0 else 0.0
        given = rule.rates or {}
        rates = [float(given.get(basis.ids[i], implied)) for i in idx]
        return _growth_amounts(hist, rates, float(amount), rule)
    # blend
    if not blend:
        raise ValueError("the blend method needs weights, e.g. {'potential': 0.6, 'history': 0.4}")
    for k, v in blend.items():
        if not math.isfinite(v) or v < 0:
            raise ValueError(f"blend weight {k!r} must be finite and non-negative")
    out = np.zeros(len(idx))
    used = 0.0
    for name, wt in blend.items():
        col = np.array([basis.values(name)[i] for i in idx], dtype=float)
        if wt == 0 or col.sum() <= 0:
            continue  # a component with no data is dropped and the rest renormalised
        out += wt * col / col.sum()
        used += wt
    if used <= 0:
        return [1.0] * len(idx)
    return [float(x) for x in out / used]


def split_target(
    target: Money,
    basis: QuotaBasis,
    method: QuotaMethod | str = QuotaMethod.POTENTIAL,
    *,
    unit: Money = 1,
    blend: Mapping[str, float] | None = None,
    growth: GrowthRule | None = None,
    overrides: Mapping[str, Money] | None = None,
) -> QuotaResult:
    """Split a company target into territory quotas summing exactly to it.

    Parameters
    ----------
    target
        Company target for the period (non-negative).
    basis
        Territory ids and their potential / history / measures.
    method
        ``potential``, ``history``, ``blend`` (needs ``blend``), ``growth``
        (uses ``growth``, default :class:`GrowthRule`) or ``equal``. A basis
        that sums to zero falls back to equal shares.
    unit
        Rounding step (e.g. ``1000`` or ``"0.01"``).
    blend
        Weights by basis name, e.g. ``{"potential": 0.6, "history": 0.4}``;
        normalised. Components with no data are dropped.
    overrides
        Fixed quotas for some territories, kept exactly; the rest of the target
        is re-spread over the other territories by the method's shares.

    Raises
    ------
    ValueError
        On a negative target, unknown override ids, overrides above the target,
        or overrides of every territory not adding up to the target.
    """
    method = QuotaMethod(method)
    total = to_decimal(target)
    step = to_decimal(unit)
    if total < 0:
        raise ValueError("target must be non-negative")
    if step <= 0:
        raise ValueError("unit must be positive")
    n = len(basis.ids)
    if n == 0:
        raise ValueError("no territories to split the target over")
    fixed = {str(k): to_decimal(v) for k, v in (overrides or {}).items()}
    unknown = sorted(set(fixed) - set(basis.ids))
    if unknown:
        raise ValueError(f"overrides for unknown territories: {unknown}")
    if any(v < 0 for v in fixed.values()):
        raise ValueError("overrides must be non-negative")
    fixed_sum = sum(fixed.values(), Decimal(0))
    if fixed_sum > total:
        raise ValueError(f"overrides add up to {fixed_sum}, more than the target {total}")
    free = [i for i, t in enumerate(basis.ids) if t not in fixed]
    rest = total - fixed_sum
    if not free and rest != 0:
        raise ValueError(
            f"every territory is overridden but the overrides add up to {fixed_sum}, "
            f"not the target {total}"
        )
    quotas = [fixed.get(t, Decimal(0)) for t in basis.ids]
    shares = [0.0] * n
    remainder_to: str | None = None
    remainder = Decimal(0)
    if free:
        w = _weights(basis, free, method, rest, blend, growth)
        parts, big = apportion(rest, w, step)
        wsum = sum(w)
        for k, i in enumerate(free):
            quotas[i] = parts[k]
            shares[i] = w[k] / wsum if wsum > 0 else 1.0 / len(free)
        if big is not None:
            remainder_to = basis.ids[free[big]]
            remainder = rest - (rest // step) * step
    return QuotaResult(
        ids=basis.ids,
        quotas=tuple(quotas),
        shares=tuple(shares),
        target=total,
        unit=step,
        method=method,
        overridden=frozenset(fixed),
        remainder_to=remainder_to,
        remainder=remainder,
    )


def rollup_quotas(quotas: Mapping[str, Decimal], owner: Mapping[str, str]) -> dict[str, Decimal]:
    """Sum territory quotas to their owners (reps, districts, regions).

    Parameters
    ----------
    quotas
        Quota by territory id.
    owner
        Owner id by territory id; every territory must have one.

    Returns
    -------
    dict
        Quota by owner; the grand total is unchanged.
    """
    missing = sorted(set(quotas) - set(owner))
    if missing:
        raise ValueError(f"territories without an owner: {missing}")
    out: dict[str, Decimal] = {}
    for t, q in quotas.items():
        out[owner[t]] = out.get(owner[t], Decimal(0)) + q
    return out


@dataclass(frozen=True)
class AccountMove:
    """An account changing territory on ``effective`` (first day in the new one)."""

    account_id: str
    to_territory: str
    effective: date


@dataclass(frozen=True)
class QuotaTransfer:
    """Quota moved with an account."""

    account_id: str
    from_territory: str
    to_territory: str
    effective: date
    account_share: float
    remaining_fraction: float
    amount: Decimal


@dataclass(frozen=True)
class ProrationResult:
    """Territory quotas after the moves, and what moved."""

    quotas: Mapping[str, Decimal]
    transfers: tuple[QuotaTransfer, ...]
    territory_of: Mapping[str, str]


def prorate_moves(
    quotas: Mapping[str, Money],
    account_territory: Mapping[str, str],
    account_basis: Mapping[str, float],
    moves: Sequence[AccountMove],
    period: Period,
    *,
    unit: Money = 1,
) -> ProrationResult:
    """Move quota with accounts that change territory during a period.

    Each move transfers ``quota(from) × share × remaining``, rounded to the
    nearest multiple of ``unit`` (half-even) and never more than the source
    holds. ``share`` is the account's basis value over its current territory's
    total basis (equal shares when that total is zero); ``remaining`` is the
    fraction of the period's days from the effective date on. The same amount
    is taken from one territory and added to the other, so the company total is
    conserved exactly. An account carrying its territory's whole basis and
    moving for the whole period takes the whole quota, even a non-multiple of
    the unit. ``share`` is fixed at the period start: each account owns
    ``quota × share`` of its first territory, and a move carries the remaining
    fraction of that, so several accounts leaving one territory each take their
    own part (not a growing share of what the others left behind). Moves apply
    in effective-date order; a move dated before the period moves the whole
    share, one after it moves no quota.

    Parameters
    ----------
    quotas
        Quota by territory id at the period start.
    account_territory
        Territory of each account at the period start.
    account_basis
        The split basis per account (e.g. potential); missing accounts count 0.
    moves
        The moves; target territories may be new (they start at zero quota).
    period
        The quota period.
    unit
        Rounding step of the moved amounts.
    """
    step = to_decimal(unit)
    if step <= 0:
        raise ValueError("unit must be positive")
    q = {str(t): to_decimal(v) for t, v in quotas.items()}
    if any(v < 0 for v in q.values()):
        raise ValueError("quotas must be non-negative")
    where = {str(a): str(t) for a, t in account_territory.items()}
    unknown = sorted({t for t in where.values() if t not in q})
    if unknown:
        raise ValueError(f"accounts sit in territories without a quota: {unknown}")
    basis = {str(a): float(v) for a, v in account_basis.items()}
    if any((not math.isfinite(v)) or v < 0 for v in basis.values()):
        raise ValueError("account basis values must be finite and non-negative")
    # each account's own quota at the period start: its territory's quota x its share
    own: dict[str, Fraction] = {}
    share_of: dict[str, float] = {}
    for territory, total in q.items():
        members = [a for a, t in where.items() if t == territory]
        tot = sum(basis.get(a, 0.0) for a in members)
        for a in members:
            share = basis.get(a, 0.0) / tot if tot > 0 else 1.0 / len(members)
            share_of[a] = share
            own[a] = Fraction(total) * Fraction(share)
    transfers: list[QuotaTransfer] = []
    order = sorted(range(len(moves)), key=lambda i: (moves[i].effective, i))
    for i in order:
        mv = moves[i]
        if mv.account_id not in where:
            raise ValueError(f"moved account {mv.account_id!r} has no territory")
        src, dst = where[mv.account_id], str(mv.to_territory)
        q.setdefault(dst, Decimal(0))
        if src == dst:
            continue
        share = share_of[mv.account_id]
        early = mv.effective < period.start
        remaining = 1.0 if early else period.remaining_fraction(mv.effective)
        have = max(q[src], Decimal(0))
        if share == 1.0 and remaining == 1.0:
            amount = have  # the territory's only (basis) account leaves for the whole period
        else:
            exact = own[mv.account_id] * Fraction(remaining)
            n_units = round(exact / Fraction(step))  # round half to even
            amount = min(n_units * step, (have // step) * step)
        q[src] -= amount
        q[dst] += amount
        where[mv.account_id] = dst
        transfers.append(
            QuotaTransfer(mv.account_id, src, dst, mv.effective, share, remaining, amount)
        )
    return ProrationResult(
        quotas=MappingProxyType(q),
        transfers=tuple(transfers),
        territory_of=MappingProxyType(where),
    )


def prorated_slice(s: QuotaSlice, start: date, end: date) -> QuotaSlice | None:
    """The part of ``s`` between ``start`` and ``end`` (both included), or None.

    A slice cut by the range keeps its amount pro rata to its days inside, to the cent;
    a slice wholly inside keeps its amount exactly.
    """
    lo, hi = max(s.start, start), min(s.end, end)
    if hi < lo:
        return None
    if (lo, hi) == (s.start, s.end):
        return s
    days = Decimal((hi - lo).days + 1) / Decimal((s.end - s.start).days + 1)
    return QuotaSlice(s.label, lo, hi, to_cents(s.amount * days))


def clip_slices(slices: Sequence[QuotaSlice], period: Period) -> list[QuotaSlice]:
    """The slices inside ``period``; a slice cut by it keeps its amount pro rata to days."""
    return [c for s in slices if (c := prorated_slice(s, period.start, period.end)) is not None]
