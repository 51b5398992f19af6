"""Travel-optimal design benchmark (issue 7): bench/geo_design.py [--cases demo,zip,...]

Prints, for each case, the engine's plan beside an independent comparison computed in
the same run (see bench/_geo_io.py): feasibility and the worst deviation recomputed
from the stored assignment, the mean great-circle distance from each account to its
rep's home (or to its territory's geometric median for free centres), and beside it
the LP lower bound built here, or k-means-constrained's plan measured the same way.

Cases: demo (the README tour's design), zip and county (--by zip/county --contiguous,
against the unit-level LP bound), hire (the demo with two new reps, 17 territories:
one around each rep's home, against the LP bound with those homes), zip-locked (zip
after the tour's `lock ACC-00001 ACC-00002`; the locks are checked), zip-capped (zip
with at most 30% of the accounts moved; the moves are counted), walmart (3,251
stores, 20 territories, free centres, accounts ±5%, against k-means-constrained) and
scale (100,000 synthetic accounts into 200 territories through the pure engine, in a
subprocess so its memory is its own).
``--time-limit`` overrides every case's time limit (default 30 s, 100 s for scale).
Results also go to bench/out/geo_design.json. ``--self-check`` tests the measuring
tools (the LP bound against brute-force enumeration) and exits.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from _geo_io import (
    aggregate,
    balanced,
    connected_territories,
    deviations,
    haversine,
    lp_bound,
    median_distances,
    self_check,
    unit_costs,
)
from territorial.domain import Rep
from territorial.geo.builder import build_units
from territorial.geo.geodesy import equirectangular_km
from territorial.metrics import TravelModel
from territorial.services.demo import build_demo
from territorial.services.design import DesignRequest, design_scenario
from territorial.services.frame import ScenarioFrame, load_frame
from territorial.services.imports import import_accounts
from territorial.services.locks import set_locks
from territorial.storage import UnitOfWork

HERE = Path(__file__).resolve().parent
CASES = ("demo", "zip", "county", "hire", "zip-locked", "zip-capped", "walmart", "scale")
DEMO_CASES = {  # by, contiguous, target ratio, territories
    "demo": ("account", False, 1.03, 15),
    "zip": ("zip", True, 1.10, 15),
    "county": ("county", True, 1.10, 15),
    "hire": ("account", False, 1.03, 17),  # the demo and two new reps: one territory each
    "zip-locked": ("zip", True, 1.10, 15),  # after the README tour's `lock`
    "zip-capped": ("zip", True, 1.10, 15),  # at most 30% of the accounts move
}
# the README tour's lock: ACC-00002 (North Las Vegas) stays in Central-3 (Denver's rep)
TOUR_LOCKS = ["ACC-00001", "ACC-00002"]
MAX_MOVES = {"zip-capped": 0.3}
# the "hire" case's new reps (no territory yet), living where the demo has no rep
HIRES = (
    Rep(
        "REP-101",
        "Nina Hale",
        home_city="Denver",
        home_state="CO",
        home_latitude=39.7392,
        home_longitude=-104.9903,
    ),
    Rep(
        "REP-102",
        "Omar Diaz",
        home_city="Nashville",
        home_state="TN",
        home_latitude=36.1627,
        home_longitude=-86.7816,
    ),
)
TOL = 0.05
GIB = 1024**3


@dataclass
class Row:
    """One line of the table: a plan and what it is compared with."""

    case: str
    units: int
    territories: int
    feasible: bool
    deviation: dict[str, float]
    mean_km: float
    reference_km: float | None  # LP bound, baseline's mean, or the engine's bound
    reference: str  # "LP", "kmc", "engine"
    target_ratio: float | None
    seconds: float
    target_seconds: float | None
    peak_gib: float | None = None
    target_gib: float | None = None
    needs_reference: bool = False  # scale: the engine must report a bound
    notes: list[str] = field(default_factory=list)
    # contiguous designs: the engine's own bound for contiguous plans keeping each
    # home's unit (LP with separator cuts), shown beside the independent LP
    contiguous_bound_km: float | None = None

    @property
    def ratio(self) -> float | None:
        if self.reference_km is None or not self.reference_km > 0:  # absent, nan or 0
            return None
        return self.mean_km / self.reference_km

    @property
    def verdict(self) -> str:
        if self.target_ratio is None and self.target_seconds is None:
            return "baseline"
        misses = [] if self.feasible else ["infeasible"]
        if self.target_ratio is not None and (
            self.ratio is None or self.ratio > self.target_ratio + 1e-12
        ):
            misses.append("ratio" if self.ratio is not None else f"no {self.reference}")
        if self.needs_reference and self.reference_km is None:
            misses.append(f"no {self.reference} bound")
        if self.target_seconds is not None and self.seconds > self.target_seconds:
            misses.append("time")
        if self.target_gib is not None and (self.peak_gib or 0.0) > self.target_gib:
            misses.append("memory")
        return f"MISS ({', '.join(misses)})" if misses else "PASS"


# ---------------------------------------------------------------- demo, zip, county


def rep_homes(frame: ScenarioFrame) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Home latitude, longitude and rep name of each territory (label) of the frame."""
    lat, lon, names = [], [], []
    for label in frame.labels:
        rep = frame.rep_of(label)
        home = (rep.home_latitude, rep.home_longitude) if rep else (None, None)
        if rep is None or home[0] is None or home[1] is None:
            raise SystemExit(f"territory {label} has no rep with a home; cannot measure")
        lat.append(home[0])
        lon.append(home[1])
        names.append(rep.name)
    return np.array(lat), np.array(lon), names


def stored_frame(uow: UnitOfWork, name: str | None = None) -> ScenarioFrame:
    """The arrays of a stored scenario (default: the active one), read from the database."""
    with uow:
        name = name or uow.scenarios.active_name()
        scenario = uow.scenarios.get(name) if name else None
        if scenario is None:
            raise SystemExit(f"scenario {name!r} is not in {uow.url}")
        return load_frame(uow, scenario)


def home_distances(frame: ScenarioFrame, h_lat: np.ndarray, h_lon: np.ndarray) -> np.ndarray:
    t = np.maximum(frame.territory, 0)
    d = haversine(frame.lat, frame.lon, h_lat[t], h_lon[t])
    return np.where(frame.territory >= 0, d, np.nan)


def demo_case(
    uow: UnitOfWork,
    case: str,
    time_limit: float,
    seed: int,
) -> tuple[Row, list[dict[str, object]]]:
    by, contiguous, target, territories = DEMO_CASES[case]
    request = DesignRequest(
        name=f"bench-{case}",
        territories=territories,
        balance=("potential", "workload"),
        tolerance=TOL,
        by=by,
        contiguous=contiguous,
        time_limit=time_limit,
        seed=seed,
        replace=True,
        max_moves=MAX_MOVES.get(case),
    )
    base = stored_frame(uow)
    t0 = time.perf_counter()
    outcome = design_scenario(uow, request)
    seconds = time.perf_counter() - t0
    frame = stored_frame(uow, request.name)
    p, n = len(frame.labels), len(frame.accounts)
    measures = np.column_stack([frame.measure("potential"), frame.workload(TravelModel())])
    h_lat, h_lon, names = rep_homes(frame)
    dist = home_distances(frame, h_lat, h_lon)
    feasible = p == territories and balanced(frame.territory, measures, p, TOL)
    # what the engine itself says (its bound, and why a plan is not feasible)
    segment = outcome.segments[0]
    notes = [
        f"engine: mean {segment.mean_distance_km or float('nan'):.1f} km, bound "
        f"{segment.bound_km or float('nan'):.1f} km, {segment.iterations} iterations"
    ]
    notes += [f"engine note: {note}" for note in outcome.notes]
    kept = {a.external_id: t for a, t in zip(frame.accounts, frame.territory, strict=True)}
    before = {a.external_id: t for a, t in zip(base.accounts, base.territory, strict=True)}
    if case == "zip-locked":
        held = all(frame.labels[kept[i]] == base.labels[before[i]] for i in TOUR_LOCKS)
        feasible = feasible and held
        notes.append(f"locked accounts {', '.join(TOUR_LOCKS)} kept: {'yes' if held else 'NO'}")
    if case in MAX_MOVES:
        moved = sum(frame.labels[kept[i]] != base.labels[t] for i, t in before.items())
        feasible = feasible and moved <= MAX_MOVES[case] * n
        notes.append(
            f"{moved} accounts moved (cap {MAX_MOVES[case]:.0%} = {MAX_MOVES[case] * n:.0f})"
        )
    if by == "account":
        unit, n_units = np.arange(n), n
    else:
        geo = build_units(
            frame.lat,
            frame.lon,
            [a.zip for a in frame.accounts],
            [a.state for a in frame.accounts],
            by,
        )
        unit, n_units = geo.unit_of_account, geo.n_units
        pairs = len({(int(u), int(t)) for u, t in zip(unit, frame.territory, strict=True)})
        used = np.unique(unit)
        if pairs != len(used):
            feasible = False
            notes.append(f"{pairs - len(used)} units split between territories")
        unit_terr = np.full(n_units, -1)
        unit_terr[unit] = frame.territory
        if contiguous and not connected_territories(unit_terr, geo.adjacency, p):
            feasible = False
            notes.append("a territory is not contiguous")
    used, inv = np.unique(unit, return_inverse=True)
    total, fractional = lp_bound(
        unit_costs(frame.lat, frame.lon, inv, len(used), h_lat, h_lon),
        aggregate(measures, inv, len(used)),
        TOL,
    )
    notes.append(f"LP over the {len(used):,} units holding accounts: {fractional} fractional")
    if case in ("demo", "hire"):
        b_dist = home_distances(base, *rep_homes(base)[:2])
        b_dev = deviations(base.territory, measures, len(base.labels))
        notes.append(
            f"current alignment: mean {np.nanmean(b_dist):.1f} km, worst deviation "
            f"{b_dev[0]:.1%} potential, {b_dev[1]:.1%} workload"
        )
    row = Row(
        case=case,
        units=n_units,
        territories=p,
        feasible=feasible,
        deviation=dict(
            zip(
                ("potential", "workload"),
                map(float, deviations(frame.territory, measures, p)),
                strict=True,
            )
        ),
        mean_km=float(np.mean(dist)),
        reference_km=total / n,
        reference="LP",
        target_ratio=target,
        seconds=seconds,
        target_seconds=30.0,
        notes=notes,
        contiguous_bound_km=segment.bound_km if segment.bound_scope == "contiguous" else None,
    )
    return row, per_rep(frame, dist, h_lat, h_lon, names)


def per_rep(
    frame: ScenarioFrame, dist: np.ndarray, h_lat: np.ndarray, h_lon: np.ndarray, names: list[str]
) -> list[dict[str, object]]:
    """Per territory: its rep, home to the accounts' geometric median, mean account km."""
    _, centres = median_distances(frame.lat, frame.lon, frame.territory, len(frame.labels))
    plan_mean = float(np.nanmean(dist))
    out: list[dict[str, object]] = []
    for j, label in enumerate(frame.labels):
        mine = frame.territory == j
        mean = float(dist[mine].mean()) if mine.any() else float("nan")
        out.append(
            {
                "rep": names[j],
                "territory": label,
                "accounts": int(mine.sum()),
                "home_to_centre_km": float(haversine(h_lat[j], h_lon[j], *centres[j])),
                "mean_account_km": mean,
                "far": bool(mean > 2 * plan_mean),
            }
        )
    return out


# ---------------------------------------------------------------- walmart


def walmart_case(csv_path: Path, time_limit: float, tmp: Path, seed: int) -> list[Row]:
    stores = tmp / "stores.csv"  # the file has no id column: number the stores
    with (
        csv_path.open(encoding="utf-8") as src,
        stores.open("w", encoding="utf-8", newline="") as dst,
    ):
        reader = csv.DictReader(src)
        writer = csv.DictWriter(dst, ["store", *(reader.fieldnames or [])])
        writer.writeheader()
        for k, line in enumerate(reader, start=1):
            writer.writerow({"store": f"WM-{k:05d}", **line})
    uow = UnitOfWork.open(str(tmp / "walmart.db"))
    import_accounts(
        uow,
        stores,
        {"store": "external_id", "st.address": "name", "long": "longitude", "lat": "latitude"},
    )
    p = 20
    request = DesignRequest(
        name="Stores",
        territories=p,
        balance=("accounts",),
        tolerance=TOL,
        time_limit=time_limit,
        seed=seed,
    )
    t0 = time.perf_counter()
    design_scenario(uow, request)
    seconds = time.perf_counter() - t0
    frame = stored_frame(uow, request.name)
    n = len(frame.accounts)
    ones = np.ones((n, 1))
    dist, _ = median_distances(frame.lat, frame.lon, frame.territory, p)
    ours = Row(
        case="walmart",
        units=n,
        territories=len(frame.labels),
        feasible=len(frame.labels) == p and balanced(frame.territory, ones, p, TOL),
        deviation={"accounts": float(deviations(frame.territory, ones, p)[0])},
        mean_km=float(dist.mean()),
        reference_km=None,
        reference="kmc",
        target_ratio=1.0,
        seconds=seconds,
        target_seconds=None,
    )
    try:
        from k_means_constrained import KMeansConstrained
    except ImportError:
        ours.notes.append("k-means-constrained not installed (pip install -e '.[bench]')")
        return [ours]
    x, y = equirectangular_km(frame.lat, frame.lon)
    size_min, size_max = math.ceil((1 - TOL) * n / p), math.floor((1 + TOL) * n / p)
    t0 = time.perf_counter()
    kmc = KMeansConstrained(
        n_clusters=p, size_min=size_min, size_max=size_max, n_init=3, random_state=seed
    ).fit_predict(np.column_stack([x, y]))
    k_seconds = time.perf_counter() - t0
    k_dist, _ = median_distances(frame.lat, frame.lon, kmc, p)
    ours.reference_km = float(k_dist.mean())
    base = Row(
        case="walmart kmc",
        units=n,
        territories=len(np.unique(kmc)),
        feasible=balanced(kmc, ones, p, TOL),
        deviation={"accounts": float(deviations(kmc, ones, p)[0])},
        mean_km=float(k_dist.mean()),
        reference_km=None,
        reference="-",
        target_ratio=None,
        seconds=k_seconds,
        target_seconds=None,
        notes=[f"k-means-constrained sizes {size_min}..{size_max}, n_init 3"],
    )
    return [ours, base]


# ---------------------------------------------------------------- scale


def scale_child(time_limit: float, seed: int) -> dict[str, object]:
    """Runs in its own process: the engine on 100,000 accounts, figures as a dict."""
    from scale import make_accounts
    from territorial.optimize.design import DesignProblem, MaxRuntime, solve

    n, p = 100_000, 200
    xy, w = make_accounts(n, seed)
    t0 = time.perf_counter()
    res = solve(
        DesignProblem(
            xy, w, p=p, tolerances=TOL, measure_names=("revenue", "workload"), objective="travel"
        ),
        MaxRuntime(time_limit),
        seed=seed,
    )
    seconds = time.perf_counter() - t0
    terr = np.asarray(res.assignment)
    counts = np.bincount(terr, minlength=p)
    centroid = (
        np.stack([np.bincount(terr, weights=xy[:, k], minlength=p) for k in (0, 1)], axis=1)
        / np.maximum(counts, 1)[:, None]
    )
    return {
        "n": n,
        "p": p,
        "feasible": balanced(terr, w, p, TOL),
        "deviation": dict(
            zip(("revenue", "workload"), map(float, deviations(terr, w, p)), strict=True)
        ),
        "mean_km": float(np.linalg.norm(xy - centroid[terr], axis=1).mean()),
        "engine_bound": res.lower_bound,
        "engine_travel": float(res.travel),
        "seconds": seconds,
        "peak_gib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / GIB,
    }


def scale_case(time_limit: float, seed: int) -> Row:
    cmd = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--scale-child",
        "--time-limit",
        str(time_limit),
        "--seed",
        str(seed),
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"scale case failed:\n{proc.stderr[-2000:]}")
    r = json.loads(proc.stdout.strip().splitlines()[-1])
    bound = r["engine_bound"]
    return Row(
        case="scale",
        units=r["n"],
        territories=r["p"],
        feasible=r["feasible"],
        deviation=r["deviation"],
        mean_km=r["mean_km"],
        reference_km=None if bound is None else bound / r["n"],
        reference="engine",
        target_ratio=None,
        seconds=r["seconds"],
        target_seconds=120.0,
        peak_gib=r["peak_gib"],
        target_gib=4.0,
        needs_reference=True,
        notes=[
            "mean distance to the territory centroid on the synthetic 1000 x 1000 "
            "plane; reference = the engine's lower bound / n (engine travel / n = "
            f"{r['engine_travel'] / r['n']:.2f})"
        ],
    )


# ---------------------------------------------------------------- output


def fmt(x: float | None, spec: str) -> str:
    return "-" if x is None or math.isnan(x) else format(x, spec)


def print_table(rows: list[Row]) -> None:
    hdr = (
        f"{'case':12} {'units':>7} {'p':>4} {'feas':>4}  {'worst deviation':30} "
        f"{'mean km':>8} {'reference km':>13} {'ratio':>6} {'target':>6} "
        f"{'contig. bound':>13} {'ratio':>6} {'seconds':>7} {'GiB':>5}  verdict"
    )
    print(hdr)
    print("-" * len(hdr))
    for r in rows:
        dev = ", ".join(f"{k} {v:.1%}" for k, v in r.deviation.items())
        ref = f"{r.reference} {fmt(r.reference_km, '.1f')}" if r.reference != "-" else "-"
        target = fmt(r.target_ratio, ".2f")
        cratio = None if not r.contiguous_bound_km else r.mean_km / r.contiguous_bound_km
        print(
            f"{r.case:12} {r.units:>7,} {r.territories:>4} {('yes' if r.feasible else 'NO'):>4}"
            f"  {dev:30} {fmt(r.mean_km, '.1f'):>8} {ref:>13} {fmt(r.ratio, '.3f'):>6} "
            f"{target:>6} {fmt(r.contiguous_bound_km, '.1f'):>13} {fmt(cratio, '.3f'):>6} "
            f"{r.seconds:>7.1f} {fmt(r.peak_gib, '.2f'):>5}  {r.verdict}"
        )
    for r in rows:
        for note in r.notes:
            print(f"  {r.case}: {note}")


def print_reps(reps: list[dict[str, object]]) -> None:
    hdr = f"{'rep':24} {'territory':12} {'accounts':>8} {'home→centre km':>14} {'mean km':>8}"
    print(hdr)
    print("-" * len(hdr))
    for r in reps:
        print(
            f"{r['rep']!s:24} {r['territory']!s:12} {r['accounts']:>8} "
            f"{r['home_to_centre_km']:>14.0f} {r['mean_account_km']:>8.0f}"
            + ("  > 2 x plan mean" if r["far"] else "")
        )


def shared_dir(override: str | None) -> Path:
    cand = override or os.environ.get("TERRITORIAL_SHARED")
    return Path(cand) if cand else HERE.parents[1] / "shared"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--cases", default=",".join(CASES))
    ap.add_argument(
        "--time-limit", type=float, default=None, help="seconds per design (default 30, scale 100)"
    )
    ap.add_argument("--skip-scale", action="store_true")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--shared", default=None, help="the shared folder (datasets/walmart)")
    ap.add_argument("--out", type=Path, default=HERE / "out" / "geo_design.json")
    ap.add_argument("--self-check", action="store_true")
    ap.add_argument("--scale-child", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.self_check:
        fails = self_check(args.seed)
        print(
            "\n".join(fails)
            or "self-check passed: haversine, LP bound <= brute force "
            "== MILP (account and unit level), geometric median, contiguity, deviations"
        )
        return 1 if fails else 0
    if args.scale_child:
        print(json.dumps(scale_child(args.time_limit or 100.0, args.seed)))
        return 0
    cases = [c.strip() for c in args.cases.split(",") if c.strip()]
    unknown = set(cases) - set(CASES)
    if unknown:
        ap.error(f"unknown case(s) {sorted(unknown)}; choose from {','.join(CASES)}")
    if args.skip_scale and "scale" in cases:
        cases.remove("scale")
    rows: list[Row] = []
    reps: dict[str, list[dict[str, object]]] = {}
    with tempfile.TemporaryDirectory(prefix="geo_design_") as tmp_name:
        tmp = Path(tmp_name)
        demo_uow = None
        for case in cases:
            print(f"running {case} ...", flush=True)
            if case == "hire":  # a workspace of its own: the hires change the reps
                hire_uow = UnitOfWork.open(str(tmp / "hire.db"))
                build_demo(hire_uow)
                with hire_uow:
                    hire_uow.reps.add_many(list(HIRES))
                    hire_uow.commit()
                row, reps[case] = demo_case(hire_uow, case, args.time_limit or 30.0, args.seed)
                rows.append(row)
            elif case == "zip-locked":  # a workspace of its own: the locks stay
                lock_uow = UnitOfWork.open(str(tmp / "locked.db"))
                build_demo(lock_uow)
                set_locks(lock_uow, TOUR_LOCKS)
                row, reps[case] = demo_case(lock_uow, case, args.time_limit or 30.0, args.seed)
                rows.append(row)
            elif case in DEMO_CASES:
                if demo_uow is None:
                    demo_uow = UnitOfWork.open(str(tmp / "demo.db"))
                    build_demo(demo_uow)
                row, reps[case] = demo_case(demo_uow, case, args.time_limit or 30.0, args.seed)
                rows.append(row)
            elif case == "walmart":
                path = shared_dir(args.shared) / "datasets" / "walmart" / "walmart.csv"
                if not path.exists():
                    print(f"skip walmart: {path} is absent (pass --shared DIR)")
                    continue
                rows.extend(walmart_case(path, args.time_limit or 30.0, tmp, args.seed))
            else:
                rows.append(scale_case(args.time_limit or 100.0, args.seed))
    print()
    print_table(rows)
    for case in ("demo", "hire"):
        if case in reps:
            print()
            print(f"{case}: each rep's home against the territory (centre = geometric median)")
            print_reps(reps[case])
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(
        json.dumps(
            {
                "time_limit": args.time_limit,
                "seed": args.seed,
                "cases": [{**asdict(r), "ratio": r.ratio, "verdict": r.verdict} for r in rows],
                "reps": reps,
            },
            indent=2,
        )
    )
    print(f"\nwritten to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
