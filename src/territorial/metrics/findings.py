"""Plain-language findings from the assessment numbers, most severe first.

Each finding is a small record: a severity (``"high"``, ``"medium"``, ``"low"``), the
kind of check, the territory and measure it concerns, the headline number and one
sentence, e.g. "NE-3 carries 31% more workload than target (1,310 h vs 1,000 h)".

Balance severity grows with the deviation measured in tolerances: more than four
tolerances out is high, more than two medium, otherwise low (the tolerance is taken
as at least 1% for this grading).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from territorial.metrics.balance import BalanceStats
from territorial.metrics.coverage import CoverageGaps

SEVERITY_RANK = {"high": 0, "medium": 1, "low": 2}
MONEY_MEASURES = frozenset({"potential", "revenue"})


@dataclass(frozen=True)
class Finding:
    """One plain-language finding.

    Attributes
    ----------
    severity
        ``"high"``, ``"medium"`` or ``"low"``.
    kind
        ``"balance"``, ``"empty"``, ``"contiguity"``, ``"rep_home"``, ``"compactness"``,
        ``"coverage"`` or ``"unassigned"``.
    territory
        Territory label, or ``None`` for findings about the whole alignment.
    measure
        Measure concerned, if any.
    value
        The headline number (a deviation fraction, km, parts, or a potential total).
    text
        One sentence.
    score
        Orders findings of the same severity (larger first).
    """

    severity: str
    kind: str
    territory: str | None
    measure: str | None
    value: float
    text: str
    score: float = 0.0


def sort_findings(findings: Iterable[Finding]) -> tuple[Finding, ...]:
    """Most severe first; ties by score (descending), then text."""
    return tuple(sorted(findings, key=lambda f: (SEVERITY_RANK[f.severity], -f.score, f.text)))


# -- formatting ---------------------------------------------------------------------------


def format_percent(fraction: float) -> str:
    """``0.3149 -> '31%'``, ``0.062 -> '6.2%'`` (absolute value)."""
    pct = abs(fraction) * 100.0
    if round(pct) >= 10:
        return f"{pct:.0f}%"
    text = f"{pct:.1f}".rstrip("0").rstrip(".")
    return f"{text}%"


def format_amount(value: float, prefix: str = "") -> str:
    """Short amount: ``1234567 -> '1.2M'``, ``340000 -> '340K'``, with a currency prefix."""
    sign = "-" if value < 0 else ""
    v = abs(value)
    for limit, size, suffix in ((999.95e6, 1e9, "B"), (999.95e3, 1e6, "M"), (999.5, 1e3, "K")):
        if v >= limit:
            scaled = v / size
            body = f"{scaled:.0f}" if scaled >= 9.95 else f"{scaled:.1f}"
            return f"{sign}{prefix}{body}{suffix}"
    body = f"{v:.0f}" if v == round(v) or v >= 99.95 else f"{v:.1f}"
    return f"{sign}{prefix}{body}"


def format_km(km: float) -> str:
    """``240.4 -> '240 km'``, ``3.25 -> '3.2 km'``."""
    return f"{km:,.0f} km" if km >= 10 else f"{km:.1f} km"


def format_measure(measure: str, value: float, currency: str = "$") -> str:
    """A measure's value in words: hours for workload, money for potential/revenue."""
    if measure == "workload":
        return f"{value:,.0f} h"
    if measure == "accounts":
        return f"{value:,.0f}"
    if measure in MONEY_MEASURES:
        return format_amount(value, currency)
    return format_amount(value)


def _plural(n: int, word: str, plural: str | None = None) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {plural or word + 's'}"


# -- rules --------------------------------------------------------------------------------


def _balance_severity(deviation: float, tolerance: float) -> str:
    tol = max(tolerance, 0.01)
    if abs(deviation) > 4 * tol:
        return "high"
    if abs(deviation) > 2 * tol:
        return "medium"
    return "low"


def balance_findings(
    labels: Sequence[str],
    stats: Mapping[str, BalanceStats],
    counts: npt.ArrayLike,
    currency: str = "$",
) -> list[Finding]:
    """One finding per territory and measure outside tolerance (empty territories skipped)."""
    n_accounts = np.asarray(counts)
    out: list[Finding] = []
    for measure, st in stats.items():
        for t, label in enumerate(labels):
            if st.within_tolerance[t] or n_accounts[t] == 0:
                continue
            dev, total, target = float(st.deviations[t]), float(st.totals[t]), float(st.targets[t])
            noun = "workload" if measure == "workload" else measure
            if math.isinf(dev):
                text = (
                    f"{label} has {format_measure(measure, total, currency)} {noun} "
                    "where the target is 0"
                )
                severity, score = "high", float("inf")
            else:
                if measure == "workload":
                    verb = "carries"
                    more_less = "more" if dev > 0 else "less"
                elif measure == "accounts":
                    verb = "has"
                    more_less = "more" if dev > 0 else "fewer"
                else:
                    verb = "has"
                    more_less = "more" if dev > 0 else "less"
                text = (
                    f"{label} {verb} {format_percent(dev)} {more_less} {noun} than target "
                    f"({format_measure(measure, total, currency)} vs "
                    f"{format_measure(measure, target, currency)})"
                )
                severity, score = _balance_severity(dev, st.tolerance), abs(dev)
            out.append(Finding(severity, "balance", label, measure, dev, text, score))
    return out


def empty_findings(labels: Sequence[str], counts: npt.ArrayLike) -> list[Finding]:
    """Territories with no accounts."""
    c = np.asarray(counts)
    return [
        Finding("high", "empty", label, "accounts", 0.0, f"Territory {label} has no accounts", 1.0)
        for t, label in enumerate(labels)
        if c[t] == 0
    ]


def contiguity_findings(labels: Sequence[str], components: npt.ArrayLike) -> list[Finding]:
    """Territories split into more than one connected part."""
    comp = np.asarray(components)
    out = []
    for t, label in enumerate(labels):
        k = int(comp[t])
        if k > 1:
            out.append(
                Finding(
                    "high" if k > 2 else "medium",
                    "contiguity",
                    label,
                    None,
                    float(k),
                    f"Territory {label} is split into {k} disconnected parts",
                    float(k),
                )
            )
    return out


def rep_home_findings(
    labels: Sequence[str],
    rep_names: Sequence[str | None],
    home_km: npt.ArrayLike,
    max_km: float = 100.0,
) -> list[Finding]:
    """Reps whose home is more than `max_km` from their territory's centre."""
    dist = np.asarray(home_km, dtype=np.float64)
    out = []
    for t, label in enumerate(labels):
        d, name = float(dist[t]), rep_names[t]
        if name is None or not math.isfinite(d) or d <= max_km:
            continue
        out.append(
            Finding(
                "high" if d > 2 * max_km else "medium",
                "rep_home",
                label,
                None,
                d,
                f"Rep {name}'s home is {format_km(d)} from the centre of {label}",
                d / max(max_km, 1e-9),
            )
        )
    return out


def compactness_findings(
    labels: Sequence[str], diameters: npt.ArrayLike, ratio: float = 2.0
) -> list[Finding]:
    """Territories more than `ratio` times as wide as the median territory (needs ≥ 3)."""
    diam = np.asarray(diameters, dtype=np.float64)
    finite = diam[np.isfinite(diam)]
    if finite.size < 3:
        return []
    median = float(np.median(finite))
    if median <= 0:
        return []
    out = []
    for t, label in enumerate(labels):
        d = float(diam[t])
        if math.isfinite(d) and d > ratio * median:
            out.append(
                Finding(
                    "low",
                    "compactness",
                    label,
                    None,
                    d,
                    f"{label} is {d / median:.1f} times as wide as the median territory "
                    f"({format_km(d)} across vs {format_km(median)})",
                    d / median,
                )
            )
    return out


def _share_severity(part: float, whole: float) -> str:
    share = part / whole if whole > 0 else 0.0
    if share >= 0.10:
        return "high"
    if share >= 0.02:
        return "medium"
    return "low"


def coverage_findings(
    gaps: CoverageGaps, potential: npt.ArrayLike, currency: str = "$"
) -> list[Finding]:
    """High-potential accounts unassigned or out of reach, and white space."""
    pot = np.asarray(potential, dtype=np.float64)
    whole = float(pot[pot > 0].sum())
    out = []
    n = int(gaps.unassigned.size)
    if n:
        v = gaps.unassigned_potential
        out.append(
            Finding(
                _share_severity(v, whole),
                "coverage",
                None,
                "potential",
                v,
                f"{_plural(n, 'high-potential account')} (total potential "
                f"{format_amount(v, currency)}) {'is' if n == 1 else 'are'} unassigned",
                v / whole if whole else 0.0,
            )
        )
    n = int(gaps.far.size)
    if n:
        v = gaps.far_potential
        out.append(
            Finding(
                _share_severity(v, whole),
                "coverage",
                None,
                "potential",
                v,
                f"{_plural(n, 'high-potential account')} (total potential "
                f"{format_amount(v, currency)}) {'is' if n == 1 else 'are'} more than "
                f"{format_km(gaps.max_km)} from every rep",
                v / whole if whole else 0.0,
            )
        )
    if gaps.white_space:
        v = gaps.white_space_potential
        k = gaps.white_space_accounts
        out.append(
            Finding(
                _share_severity(v, whole),
                "coverage",
                None,
                "potential",
                v,
                f"{_plural(k, 'account')}"
                # without potential data (a CRM export) its total would read "$0"
                + (f" (total potential {format_amount(v, currency)})" if whole else "")
                + f" {'lies' if k == 1 else 'lie'} in "
                f"{_plural(len(gaps.white_space), 'area')} ({format_km(gaps.cell_km)} squares) "
                f"with no rep within {format_km(gaps.max_km)}",
                v / whole if whole else 0.0,
            )
        )
    if gaps.reps_with_home == 0 and pot.size:
        out.append(
            Finding(
                "low",
                "coverage",
                None,
                None,
                0.0,
                "No rep home location is known, so distances to reps were not checked",
            )
        )
    return out


def unassigned_findings(
    territory: npt.ArrayLike, potential: npt.ArrayLike | None, currency: str = "$"
) -> list[Finding]:
    """All accounts with no territory, as one finding."""
    terr = np.asarray(territory)
    mask = terr < 0
    n = int(mask.sum())
    if not n:
        return []
    if potential is None:
        text = f"{_plural(n, 'account')} {'is' if n == 1 else 'are'} not assigned to any territory"
    else:
        v = float(np.asarray(potential, dtype=np.float64)[mask].sum())
        text = (
            f"{_plural(n, 'account')} (total potential {format_amount(v, currency)}) "
            f"{'is' if n == 1 else 'are'} not assigned to any territory"
        )
    return [Finding("medium", "unassigned", None, None, float(n), text, n / max(terr.size, 1))]
