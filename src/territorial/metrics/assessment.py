"""One entry point for assessing an alignment: :func:`assess`.

Arrays in, an :class:`Assessment` out; no database and no I/O. The services layer
builds :class:`AssessmentInputs` from the active alignment or a scenario, and
:meth:`Assessment.to_dict` gives the JSON for ``--json`` and the web twin.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy.sparse import csr_matrix

from territorial.domain.alignment import DEFAULT_TOLERANCE
from territorial.geo.geodesy import haversine_km
from territorial.metrics._arrays import (
    FloatArray,
    IntArray,
    as_float_array,
    as_territory_array,
    totals_by_territory,
)
from territorial.metrics.balance import BalanceStats, balance_stats
from territorial.metrics.compactness import compactness
from territorial.metrics.contiguity import as_adjacency, territory_components
from territorial.metrics.coverage import CoverageGaps, coverage_gaps
from territorial.metrics.findings import (
    Finding,
    balance_findings,
    compactness_findings,
    contiguity_findings,
    coverage_findings,
    empty_findings,
    rep_home_findings,
    sort_findings,
    unassigned_findings,
)
from territorial.metrics.workload import TravelModel, base_distance_km, workload_hours

RESERVED_MEASURES = ("accounts", "workload")


@dataclass(frozen=True)
class RepInfo:
    """The rep serving a territory.

    Parameters
    ----------
    name
        Display name.
    home_lat, home_lon
        Home base in degrees, both or neither.
    id
        Stable identifier; reps with the same id (else the same name) are one rep.
    """

    name: str
    home_lat: float | None = None
    home_lon: float | None = None
    id: str | None = None

    def __post_init__(self) -> None:
        if (self.home_lat is None) != (self.home_lon is None):
            raise ValueError(f"rep {self.name!r}: give both home_lat and home_lon, or neither")
        if self.home_lat is not None and self.home_lon is not None:
            if not (math.isfinite(self.home_lat) and -90 <= self.home_lat <= 90):
                raise ValueError(f"rep {self.name!r}: home_lat out of range")
            if not (math.isfinite(self.home_lon) and -180 <= self.home_lon <= 180):
                raise ValueError(f"rep {self.name!r}: home_lon out of range")

    @property
    def has_home(self) -> bool:
        """True when the home location is known."""
        return self.home_lat is not None

    @property
    def key(self) -> str:
        """Identity used to group territories per rep."""
        return self.id if self.id is not None else self.name


@dataclass(frozen=True, eq=False)
class AssessmentInputs:
    """Everything :func:`assess` needs, as arrays (one entry per account).

    Lists and scalars are accepted and converted; ``visits_per_year`` and
    ``visit_minutes`` may be scalars that apply to every account.

    Parameters
    ----------
    lat, lon
        Account locations in degrees (finite).
    measures
        Numeric columns to sum and balance, ``name -> values`` (e.g. ``potential``,
        ``revenue``). ``accounts`` (a count) and ``workload`` (hours) are added by
        :func:`assess` and may not be given here.
    visits_per_year, visit_minutes
        Visit frequency and duration per account (non-negative).
    territory
        Territory index per account into `labels`, ``-1`` for unassigned.
    labels
        Territory labels.
    reps
        Optional rep per territory (``None`` for a vacant territory).
    adjacency
        Optional ``n × n`` sparse or dense matrix of accounts/geo units that touch; when
        given, contiguity is computed.
    workload_hours
        Optional hours a year per account computed by the caller (e.g.
        :func:`territorial.metrics.workload.stop_workload_hours`); by default each visit
        is a round trip from the territory's base (:mod:`territorial.metrics.workload`).
    off_map_totals
        Optional per-territory totals (``name -> (p,) values``; ``accounts``,
        ``workload`` or a measure) of accounts that are not among these, such as accounts
        without a location: they count in every balance figure, not on maps.
    """

    lat: FloatArray
    lon: FloatArray
    measures: Mapping[str, FloatArray]
    visits_per_year: FloatArray
    visit_minutes: FloatArray
    territory: IntArray
    labels: Sequence[str]
    reps: Sequence[RepInfo | None] | None = None
    adjacency: csr_matrix | None = None
    workload_hours: FloatArray | None = None
    off_map_totals: Mapping[str, FloatArray] | None = None

    def __post_init__(self) -> None:
        lat = as_float_array(self.lat, "lat")
        n = lat.size
        lon = as_float_array(self.lon, "lon")
        if lon.size != n:
            raise ValueError("lat and lon must have the same length")
        if not (np.all(np.isfinite(lat)) and np.all(np.abs(lat) <= 90)):
            raise ValueError("lat must be finite and within [-90, 90]")
        if not (np.all(np.isfinite(lon)) and np.all(np.abs(lon) <= 180)):
            raise ValueError("lon must be finite and within [-180, 180]")
        labels = tuple(str(x) for x in self.labels)
        terr = as_territory_array(self.territory, len(labels))
        if terr.size != n:
            raise ValueError("territory must have one entry per account")
        measures: dict[str, FloatArray] = {}
        for name, values in self.measures.items():
            if name in RESERVED_MEASURES:
                raise ValueError(f"measure name {name!r} is reserved (computed by assess)")
            arr = as_float_array(values, f"measure {name!r}")
            if arr.size != n:
                raise ValueError(f"measure {name!r} must have one value per account")
            if not np.all(np.isfinite(arr)):
                raise ValueError(
                    f"measure {name!r} has missing or infinite values; fill them first"
                )
            measures[name] = arr
        per_account = {}
        for name in ("visits_per_year", "visit_minutes"):
            arr = np.broadcast_to(np.asarray(getattr(self, name), dtype=np.float64), (n,)).copy()
            if not (np.all(np.isfinite(arr)) and np.all(arr >= 0)):
                raise ValueError(f"{name} must be finite and non-negative")
            per_account[name] = arr
        reps = None
        if self.reps is not None:
            reps = tuple(self.reps)
            if len(reps) != len(labels):
                raise ValueError("reps must have one entry (or None) per territory")
        adjacency = None if self.adjacency is None else as_adjacency(self.adjacency, n)
        object.__setattr__(self, "lat", lat)
        object.__setattr__(self, "lon", lon)
        object.__setattr__(self, "labels", labels)
        object.__setattr__(self, "territory", terr)
        object.__setattr__(self, "measures", measures)
        object.__setattr__(self, "visits_per_year", per_account["visits_per_year"])
        object.__setattr__(self, "visit_minutes", per_account["visit_minutes"])
        object.__setattr__(self, "reps", reps)
        object.__setattr__(self, "adjacency", adjacency)
        if self.workload_hours is not None:
            hours = as_float_array(self.workload_hours, "workload_hours")
            if hours.size != n or not (np.all(np.isfinite(hours)) and np.all(hours >= 0)):
                raise ValueError("workload_hours must be finite, non-negative, one per account")
            object.__setattr__(self, "workload_hours", hours)
        off: dict[str, FloatArray] = {}
        for name, values in (self.off_map_totals or {}).items():
            arr = as_float_array(values, f"off-map totals {name!r}")
            if arr.size != len(labels) or not np.all(np.isfinite(arr)):
                raise ValueError(f"off-map totals {name!r} must be finite, one per territory")
            off[name] = arr
        object.__setattr__(self, "off_map_totals", off)

    @property
    def n_accounts(self) -> int:
        """Number of accounts."""
        return int(self.lat.size)

    @property
    def n_territories(self) -> int:
        """Number of territories."""
        return len(self.labels)


@dataclass(frozen=True)
class TerritoryRow:
    """Assessment of one territory (distances in km; ``nan`` where undefined)."""

    index: int
    label: str
    rep: str | None
    accounts: int
    totals: dict[str, float]
    deviation: dict[str, float]
    within_tolerance: dict[str, bool]
    workload_hours: float
    centre_lat: float
    centre_lon: float
    mean_km_to_centre: float
    max_km_to_centre: float
    diameter_km: float
    components: int | None
    rep_home_km: float | None

    @property
    def potential(self) -> float | None:
        """Total potential, if that measure was given."""
        return self.totals.get("potential")

    @property
    def revenue(self) -> float | None:
        """Total revenue, if that measure was given."""
        return self.totals.get("revenue")


@dataclass(frozen=True)
class RepRow:
    """Totals of one rep over the territories they serve."""

    key: str
    name: str
    territories: tuple[str, ...]
    accounts: int
    totals: dict[str, float]
    workload_hours: float
    home_lat: float | None
    home_lon: float | None


@dataclass(frozen=True, eq=False)
class Assessment:
    """The result of :func:`assess`.

    Attributes
    ----------
    territories, reps
        One row per territory and per distinct rep.
    balance
        Balance statistics per measure (``accounts``, the given measures, ``workload``).
    judged
        The measures whose tolerance is judged: balance findings and the count of
        territories outside tolerance cover these only; the others are reported for
        information (totals, deviations, statistics).
    coverage
        Coverage gaps and white space.
    findings
        Plain-language findings, most severe first.
    account_workload_hours
        Workload hours a year per account.
    unassigned_totals
        Measure totals over unassigned accounts.
    """

    territories: tuple[TerritoryRow, ...]
    reps: tuple[RepRow, ...]
    balance: dict[str, BalanceStats]
    coverage: CoverageGaps
    findings: tuple[Finding, ...]
    account_workload_hours: FloatArray
    unassigned_totals: dict[str, float]
    travel: TravelModel
    tolerance: float
    n_accounts: int
    n_unassigned: int
    parameters: dict[str, Any] = field(default_factory=dict)
    judged: tuple[str, ...] | None = None  # None: every measure
    n_off_map: int = 0  # assigned accounts counted through ``off_map_totals`` (not drawn)

    def is_judged(self, measure: str) -> bool:
        """True when ``measure``'s tolerance counts (findings, territories outside)."""
        return self.judged is None or measure in self.judged

    def outside_tolerance(self, row: TerritoryRow) -> bool:
        """True when a territory with accounts misses the tolerance on a judged measure."""
        return bool(row.accounts) and not all(
            ok for m, ok in row.within_tolerance.items() if self.is_judged(m)
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable dict: plain ints, floats, strings; ``nan``/``inf`` become None.

        Keys: ``summary``, ``parameters``, ``territories``, ``reps``, ``balance``,
        ``coverage``, ``findings``.
        """
        grand = {m: float(st.totals.sum()) for m, st in self.balance.items()}
        out: dict[str, Any] = {
            "summary": {
                "accounts": self.n_accounts + self.n_off_map,
                "assigned": self.n_accounts - self.n_unassigned + self.n_off_map,
                "unassigned": self.n_unassigned,
                "off_map": self.n_off_map,
                "territories": len(self.territories),
                "reps": len(self.reps),
                "totals": grand,
                "unassigned_totals": self.unassigned_totals,
                "territories_outside_tolerance": sum(
                    1 for row in self.territories if self.outside_tolerance(row)
                ),
                # what "outside tolerance" means: each judged measure and its tolerance
                "judged_tolerances": {
                    m: st.tolerance for m, st in self.balance.items() if self.is_judged(m)
                },
                # shown nowhere per territory: a column of zeros would read as balance
                "measures_without_data": [
                    m
                    for m, st in self.balance.items()
                    if not self.is_judged(m) and not st.totals.any()
                ],
            },
            "parameters": {
                "tolerance": self.tolerance,
                "detour_factor": self.travel.detour_factor,
                "speed_kmh": self.travel.speed_kmh,
                **self.parameters,
            },
            "territories": [
                {
                    "index": r.index,
                    "label": r.label,
                    "rep": r.rep,
                    "accounts": r.accounts,
                    "potential": r.potential,
                    "revenue": r.revenue,
                    "workload_hours": r.workload_hours,
                    "totals": r.totals,
                    "deviation": r.deviation,
                    "within_tolerance": r.within_tolerance,
                    "centre_lat": r.centre_lat,
                    "centre_lon": r.centre_lon,
                    "mean_km_to_centre": r.mean_km_to_centre,
                    "max_km_to_centre": r.max_km_to_centre,
                    "diameter_km": r.diameter_km,
                    "components": r.components,
                    "contiguous": None if r.components is None else r.components <= 1,
                    "rep_home_km": r.rep_home_km,
                }
                for r in self.territories
            ],
            "reps": [
                {
                    "key": r.key,
                    "name": r.name,
                    "territories": list(r.territories),
                    "accounts": r.accounts,
                    "totals": r.totals,
                    "workload_hours": r.workload_hours,
                    "home_lat": r.home_lat,
                    "home_lon": r.home_lon,
                }
                for r in self.reps
            ],
            "balance": {
                m: {
                    "mean": st.mean,
                    "cv": st.cv,
                    "max_min_ratio": st.max_min_ratio,
                    "gini": st.gini,
                    "max_abs_deviation": st.max_abs_deviation,
                    "tolerance": st.tolerance,
                    "judged": self.is_judged(m),
                    "all_within_tolerance": st.all_within,
                    "territories_outside": st.n_outside,
                    "targets": st.targets.tolist(),
                }
                for m, st in self.balance.items()
            },
            "coverage": _coverage_dict(self.coverage),
            "findings": [
                {
                    "severity": f.severity,
                    "kind": f.kind,
                    "territory": f.territory,
                    "measure": f.measure,
                    "value": f.value,
                    "score": f.score,
                    "text": f.text,
                }
                for f in self.findings
            ],
        }
        cleaned: dict[str, Any] = _json_clean(out)
        return cleaned


def _coverage_dict(c: CoverageGaps) -> dict[str, Any]:
    return {
        "percentile": c.percentile,
        "threshold": c.threshold,
        "max_km": c.max_km,
        "cell_km": c.cell_km,
        "reps_with_home": c.reps_with_home,
        "high_potential": c.high_potential.tolist(),
        "unassigned": c.unassigned.tolist(),
        "far": c.far.tolist(),
        "unassigned_potential": c.unassigned_potential,
        "far_potential": c.far_potential,
        "white_space_potential": c.white_space_potential,
        "white_space": [
            {
                "row": w.row,
                "col": w.col,
                "centre_lat": w.centre_lat,
                "centre_lon": w.centre_lon,
                "bounds": [w.south, w.west, w.north, w.east],
                "accounts": w.accounts,
                "potential": w.potential,
                "nearest_rep_km": w.nearest_rep_km,
                "account_indices": list(w.account_indices),
            }
            for w in c.white_space
        ],
    }


def _json_clean(obj: Any) -> Any:
    """Recursively turn numpy scalars into Python ones and non-finite floats into None."""
    if isinstance(obj, dict):
        return {str(k): _json_clean(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_json_clean(v) for v in obj]
    if isinstance(obj, bool | np.bool_):
        return bool(obj)
    if isinstance(obj, int | np.integer):
        return int(obj)
    if isinstance(obj, float | np.floating):
        f = float(obj)
        return f if math.isfinite(f) else None
    return obj


def _opt_float(x: float) -> float | None:
    return x if math.isfinite(x) else None


def assess(
    inputs: AssessmentInputs,
    travel: TravelModel | None = None,
    tolerance: float = DEFAULT_TOLERANCE,
    *,
    targets: Mapping[str, npt.ArrayLike] | None = None,
    centre_weight: str | None = "visits_per_year",
    percentile: float = 90.0,
    coverage_km: float = 150.0,
    cell_km: float = 50.0,
    rep_home_km: float = 100.0,
    wide_ratio: float = 2.0,
    currency: str = "$",
    judged: Collection[str] | None = None,
    tolerances: Mapping[str, float] | None = None,
) -> Assessment:
    """Assess an alignment: balance, workload, compactness, contiguity, coverage, findings.

    Parameters
    ----------
    inputs
        Accounts, measures and the account-to-territory mapping.
    travel
        Travel model for workload (default :class:`TravelModel()`).
    tolerance
        Allowed deviation from target, as a fraction (0.05 = ±5%).
    targets
        Optional explicit per-territory targets by measure name (``accounts``,
        ``workload`` or a given measure); other measures use the mean.
    centre_weight
        What weights a territory's centre: ``"visits_per_year"`` (default), a measure
        name, or ``None`` for every account once. The centre is the workload base when
        the rep's home is unknown.
    percentile, coverage_km, cell_km
        Coverage checks: high-potential percentile, reach of a rep home in km,
        white-space cell size in km (see :mod:`territorial.metrics.coverage`). Need a
        ``potential`` measure; without one, every account weighs 1.
    rep_home_km
        Report reps whose home is farther than this from their territory's centre.
    wide_ratio
        Report territories wider than this multiple of the median diameter.
    currency
        Prefix for money amounts (``potential``, ``revenue``) in findings.
    judged
        Measures whose tolerance is judged (balance findings, the count of territories
        outside tolerance); ``None`` judges every measure. The others are reported
        (totals, deviations, statistics) without findings.
    tolerances
        Per-measure tolerances that replace ``tolerance`` for the measures they name
        (a designed scenario's own: potential ±5%, workload ±10%).
    """
    travel = TravelModel() if travel is None else travel
    n, p = inputs.n_accounts, inputs.n_territories
    terr = inputs.territory
    labels = list(inputs.labels)
    reps: list[RepInfo | None] = list(inputs.reps) if inputs.reps is not None else [None] * p

    if centre_weight is None:
        weights = None
    elif centre_weight == "visits_per_year":
        weights = inputs.visits_per_year
    elif centre_weight in inputs.measures:
        weights = np.clip(inputs.measures[centre_weight], 0.0, None)
    else:
        raise ValueError(f"unknown centre_weight {centre_weight!r}")
    comp = compactness(inputs.lat, inputs.lon, terr, p, weights)

    # workload: base = rep home if known, else the territory centre
    base_lat, base_lon = comp.centre_lat.copy(), comp.centre_lon.copy()
    for t, rep in enumerate(reps):
        if rep is not None and rep.home_lat is not None and rep.home_lon is not None:
            base_lat[t], base_lon[t] = rep.home_lat, rep.home_lon
    base_km = base_distance_km(inputs.lat, inputs.lon, terr, base_lat, base_lon)
    if inputs.workload_hours is not None:
        hours = inputs.workload_hours
    else:
        hours = workload_hours(inputs.visits_per_year, inputs.visit_minutes, base_km, travel)

    columns: dict[str, FloatArray] = {"accounts": np.ones(n)}
    columns.update(inputs.measures)
    columns["workload"] = hours
    targets = dict(targets or {})
    unknown = set(targets) - set(columns)
    if unknown:
        raise ValueError(f"targets given for unknown measures: {sorted(unknown)}")
    judged_names = tuple(columns) if judged is None else tuple(m for m in columns if m in judged)
    for what, names in (("judged", judged), ("tolerances", tolerances)):
        unknown = set(names or ()) - set(columns)
        if unknown:
            raise ValueError(f"{what} names unknown measures: {sorted(unknown)}")
    tolerances = dict(tolerances or {})
    balance: dict[str, BalanceStats] = {}
    off_map = inputs.off_map_totals or {}
    unknown = set(off_map) - set(columns)
    if unknown:
        raise ValueError(f"off-map totals given for unknown measures: {sorted(unknown)}")
    for name, values in columns.items():
        totals = totals_by_territory(values, terr, p)
        if name in off_map:
            totals = totals + off_map[name]
        tgt = targets.get(name)
        if tgt is not None and np.asarray(tgt).shape != (p,):
            raise ValueError(f"targets for {name!r} must have one value per territory")
        balance[name] = balance_stats(name, totals, tgt, tolerances.get(name, tolerance))
    unassigned = terr < 0
    unassigned_totals = {name: float(v[unassigned].sum()) for name, v in columns.items()}

    components = (
        territory_components(inputs.adjacency, terr, p) if inputs.adjacency is not None else None
    )
    home_km = np.full(p, np.nan)
    for t, rep in enumerate(reps):
        if rep is None or rep.home_lat is None or rep.home_lon is None:
            continue
        if math.isfinite(comp.centre_lat[t]):
            home_km[t] = float(
                haversine_km(rep.home_lat, rep.home_lon, comp.centre_lat[t], comp.centre_lon[t])
            )

    counts = balance["accounts"].totals.astype(np.int64)
    rows = []
    for t in range(p):
        rep = reps[t]
        rows.append(
            TerritoryRow(
                index=t,
                label=labels[t],
                rep=None if rep is None else rep.name,
                accounts=int(counts[t]),
                totals={m: float(st.totals[t]) for m, st in balance.items()},
                deviation={m: float(st.deviations[t]) for m, st in balance.items()},
                within_tolerance={m: bool(st.within_tolerance[t]) for m, st in balance.items()},
                workload_hours=float(balance["workload"].totals[t]),
                centre_lat=float(comp.centre_lat[t]),
                centre_lon=float(comp.centre_lon[t]),
                mean_km_to_centre=float(comp.mean_km[t]),
                max_km_to_centre=float(comp.max_km[t]),
                diameter_km=float(comp.diameter_km[t]),
                components=None if components is None else int(components[t]),
                rep_home_km=_opt_float(float(home_km[t])) if rep is not None else None,
            )
        )

    rep_rows = _rep_rows(rows, reps)

    potential = inputs.measures.get("potential")
    pot_or_ones = potential if potential is not None else np.ones(n)
    homes = [r for r in dict.fromkeys(r for r in reps if r is not None) if r.has_home]
    gaps = coverage_gaps(
        inputs.lat,
        inputs.lon,
        pot_or_ones,
        terr,
        np.array([r.home_lat for r in homes], dtype=np.float64),
        np.array([r.home_lon for r in homes], dtype=np.float64),
        percentile=percentile,
        max_km=coverage_km,
        cell_km=cell_km,
    )

    findings: list[Finding] = []
    findings += empty_findings(labels, counts)
    findings += balance_findings(
        labels, {m: st for m, st in balance.items() if m in judged_names}, counts, currency
    )
    if components is not None:
        findings += contiguity_findings(labels, components)
    findings += rep_home_findings(
        labels, [None if r is None else r.name for r in reps], home_km, rep_home_km
    )
    findings += compactness_findings(labels, comp.diameter_km, wide_ratio)
    if potential is not None:  # coverage is about potential; without it, say nothing
        findings += coverage_findings(gaps, potential, currency)
    findings += unassigned_findings(terr, potential, currency)

    return Assessment(
        territories=tuple(rows),
        reps=rep_rows,
        balance=balance,
        coverage=gaps,
        findings=sort_findings(findings),
        account_workload_hours=hours,
        unassigned_totals=unassigned_totals,
        travel=travel,
        tolerance=float(tolerance),
        n_accounts=n,
        n_unassigned=int(unassigned.sum()),
        parameters={
            "centre_weight": centre_weight,
            "percentile": percentile,
            "coverage_km": coverage_km,
            "cell_km": cell_km,
            "rep_home_km": rep_home_km,
            "wide_ratio": wide_ratio,
            "explicit_targets": sorted(targets),
        },
        judged=judged_names,
        n_off_map=round(float(off_map["accounts"].sum())) if "accounts" in off_map else 0,
    )


def _rep_rows(rows: Sequence[TerritoryRow], reps: Sequence[RepInfo | None]) -> tuple[RepRow, ...]:
    grouped: dict[str, list[int]] = {}
    info: dict[str, RepInfo] = {}
    for t, rep in enumerate(reps):
        if rep is None:
            continue
        grouped.setdefault(rep.key, []).append(t)
        info.setdefault(rep.key, rep)
    out = []
    for key, ts in grouped.items():
        rep = info[key]
        measures = rows[ts[0]].totals.keys()
        out.append(
            RepRow(
                key=key,
                name=rep.name,
                territories=tuple(rows[t].label for t in ts),
                accounts=sum(rows[t].accounts for t in ts),
                totals={m: float(sum(rows[t].totals[m] for t in ts)) for m in measures},
                workload_hours=float(sum(rows[t].workload_hours for t in ts)),
                home_lat=rep.home_lat,
                home_lon=rep.home_lon,
            )
        )
    return tuple(out)
