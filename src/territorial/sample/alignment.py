"""Demo reps and a deliberately unbalanced current alignment (region > district > territory)."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import numpy as np

from territorial.arrays import FloatArray, IntArray
from territorial.domain import Account, Rep, Territory, TerritoryLevel
from territorial.geo.geodesy import haversine_km
from territorial.sample.geodata import us_cities, us_zips
from territorial.sample.names import INDUSTRIES, person_names

REGION_NAMES: tuple[str, ...] = ("West", "Central", "East")


@dataclass(frozen=True)
class Alignment:
    """Reps, the territory hierarchy and each account's leaf territory."""

    reps: list[Rep]
    territories: list[Territory]
    assignments: dict[str, str]


def _email(first: str, last: str) -> str:
    """``first.last@example.com`` in plain ASCII."""
    local = unicodedata.normalize("NFKD", f"{first}.{last}").encode("ascii", "ignore").decode()
    return local.replace("'", "").lower() + "@example.com"


def _home_cities(
    rng: np.random.Generator, lat: FloatArray, lon: FloatArray, weight: FloatArray, k: int
) -> IntArray:
    """Indices of ``k`` distinct big cities near weighted k-means centres of the accounts."""
    cities = us_cities()
    x, y = lon * np.cos(np.radians(38.0)), lat
    pts = np.column_stack((x, y))
    w = weight / weight.sum()
    centres = pts[rng.choice(len(pts), size=1, p=w)]
    for _ in range(1, k):  # k-means++ seeding
        d2 = ((pts[:, None, :] - centres[None, :, :]) ** 2).sum(-1).min(1)
        p = w * d2
        centres = np.vstack((centres, pts[rng.choice(len(pts), p=p / p.sum())]))
    for _ in range(15):
        lab = ((pts[:, None, :] - centres[None, :, :]) ** 2).sum(-1).argmin(1)
        for c in range(k):
            m = lab == c
            if m.any():
                centres[c] = np.average(pts[m], axis=0, weights=w[m])
    n_cand = max(4 * k, 120)
    cand = np.argsort(-cities.population, kind="stable")[:n_cand]
    cx, cy = cities.lon[cand] * np.cos(np.radians(38.0)), cities.lat[cand]
    chosen: list[int] = []
    for c in range(k):
        # The most populous free city within ~150 km of the centre, else the nearest one.
        d_km = 111.2 * np.hypot(cx - centres[c, 0], cy - centres[c, 1])
        free = ~np.isin(cand, chosen)
        near = free & (d_km <= 150.0)
        if near.any():
            j = int(np.flatnonzero(near)[np.argmax(cities.population[cand[near]])])
        else:
            j = int(np.argmin(np.where(free, d_km, np.inf)))
        chosen.append(int(cand[j]))
    return np.array(chosen, dtype=np.int64)


def _unbalanced_labels(
    rng: np.random.Generator, dist: FloatArray, potential: FloatArray
) -> IntArray:
    """Additively weighted nearest-home labels steered to unequal potential targets."""
    k = dist.shape[1]
    target = np.asarray(rng.uniform(0.75, 1.15, size=k), dtype=np.float64)
    hi, lo = 0, min(1, k - 1)
    if k >= 2:
        hi, lo = rng.choice(k, size=2, replace=False)
        target[hi], target[lo] = 1.8, 0.5
    target *= potential.sum() / target.sum()
    offset = np.zeros(k)
    best, best_err = dist.argmin(1), np.inf
    for it in range(200):
        labels = (dist - offset).argmin(1)
        got = np.bincount(labels, weights=potential, minlength=k)
        gap = np.log(target / np.maximum(got, 1e-3 * target))
        err = float(np.abs(gap).max())
        if err < best_err:
            best, best_err = labels, err
        if err < 0.05:
            break
        offset += (25.0 / (1.0 + it / 40.0)) * np.clip(gap, -1.0, 1.0)
        offset -= offset.mean()
    if k >= 2:
        best = _force_spread(best.copy(), dist, potential, int(hi), int(lo))
    return np.asarray(best, dtype=np.int64)


def _force_spread(
    labels: IntArray, dist: FloatArray, potential: FloatArray, hi: int, lo: int
) -> IntArray:
    """Move boundary accounts until ``hi`` holds ≥ 1.45× and ``lo`` ≤ 0.55× mean potential."""
    n, k = dist.shape
    mean = potential.sum() / k
    pot = np.bincount(labels, weights=potential, minlength=k)
    for _ in range(n):  # shrink lo: hand its most marginal account to the next-nearest home
        if pot[lo] <= 0.55 * mean:
            break
        inside = np.flatnonzero(labels == lo)
        other = dist[inside].copy()
        other[:, lo] = np.inf
        j = other.argmin(1)
        cost = other[np.arange(inside.size), j] - dist[inside, lo]
        m = int(np.argmin(cost))
        i = int(inside[m])
        labels[i] = j[m]
        pot[lo] -= potential[i]
        pot[j[m]] += potential[i]
    for _ in range(n):  # grow hi: take the cheapest account from its neighbours (not lo)
        if pot[hi] >= 1.45 * mean:
            break
        cand = np.flatnonzero((labels != hi) & (labels != lo))
        if cand.size == 0:
            break
        cost = dist[cand, hi] - dist[cand, labels[cand]]
        i = int(cand[int(np.argmin(cost))])
        pot[labels[i]] -= potential[i]
        pot[hi] += potential[i]
        labels[i] = hi
    return labels


def build_alignment(rng: np.random.Generator, accounts: list[Account], n_reps: int) -> Alignment:
    """Reps at big-city homes, a 3-region hierarchy and an uneven assignment of accounts."""
    cities, zips = us_cities(), us_zips()
    lat = np.array([a.latitude for a in accounts], dtype=np.float64)
    lon = np.array([a.longitude for a in accounts], dtype=np.float64)
    potential = np.array([a.potential or 0.0 for a in accounts], dtype=np.float64)

    homes = _home_cities(rng, lat, lon, np.sqrt(potential), n_reps)
    h_lat, h_lon = cities.lat[homes], cities.lon[homes]

    # Regions by home longitude (west to east), districts by latitude (north, south).
    territories: list[Territory] = []
    leaves: list[tuple[int, str, str]] = []  # (home index, leaf name, district name)
    regions = np.array_split(np.argsort(h_lon, kind="stable"), min(3, n_reps))
    for r_name, members in zip(REGION_NAMES, regions, strict=False):
        territories.append(Territory(r_name, TerritoryLevel.REGION))
        members = members[np.argsort(-h_lat[members], kind="stable")]
        count = 0
        halves = np.array_split(members, 2) if members.size >= 2 else [members]
        suffixes = ("North", "South") if len(halves) == 2 else ("",)
        for d_members, suffix in zip(halves, suffixes, strict=True):
            d_name = f"{r_name} {suffix}".strip() + " District"
            territories.append(Territory(d_name, TerritoryLevel.DISTRICT, parent=r_name))
            for h in d_members:
                count += 1
                leaves.append((int(h), f"{r_name}-{count}", d_name))

    names = person_names(rng, n_reps)
    reps: list[Rep] = []
    leaf_of_home: dict[int, str] = {}
    for j, (h, leaf, district) in enumerate(leaves):
        c = int(homes[h])
        first, last = names[j]
        rep_id = f"REP-{j + 1:03d}"
        leaf_of_home[h] = leaf
        territories.append(Territory(leaf, TerritoryLevel.TERRITORY, district, rep_id))
        z = int(zips.nearest(cities.lat[c : c + 1], cities.lon[c : c + 1])[0])
        skills = rng.choice(len(INDUSTRIES), size=int(rng.integers(2, 4)), replace=False)
        reps.append(
            Rep(
                external_id=rep_id,
                name=f"{first} {last}",
                email=_email(first, last),
                home_city=cities.name[c],
                home_state=cities.state[c],
                home_zip=zips.code[z],
                home_latitude=round(float(cities.lat[c]), 6),
                home_longitude=round(float(cities.lon[c]), 6),
                skills=[INDUSTRIES[int(s)] for s in sorted(skills)],
                years_experience=float(rng.integers(1, 26)),
                capacity_hours_per_week=float(rng.integers(35, 46)),
                yearly_cost=float(np.round(rng.uniform(90_000, 160_000), -3)),
            )
        )

    dist = haversine_km(lat[:, None], lon[:, None], h_lat[None, :], h_lon[None, :])
    labels = _unbalanced_labels(rng, dist, potential)
    assignments = {
        a.external_id: leaf_of_home[int(lab)] for a, lab in zip(accounts, labels, strict=True)
    }
    return Alignment(reps=reps, territories=territories, assignments=assignments)
