"""Demo accounts: businesses placed around real US cities, with size and potential."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from territorial.arrays import FloatArray, IntArray
from territorial.domain import Account, AccountStatus, LocatedBy
from territorial.sample.geodata import us_cities, us_zips
from territorial.sample.names import INDUSTRIES, company_name, street_address

#: Share of accounts per industry (same order as ``INDUSTRIES``).
INDUSTRY_SHARES: tuple[float, ...] = (0.20, 0.22, 0.16, 0.13, 0.08, 0.07, 0.09, 0.05)

# Per industry: (median employees, revenue per employee in $, yearly wallet share of revenue)
_PROFILE: dict[str, tuple[float, float, float]] = {
    "Healthcare": (30, 140_000, 0.004),
    "Manufacturing": (45, 260_000, 0.008),
    "Construction": (20, 230_000, 0.010),
    "Retail": (15, 190_000, 0.0035),
    "Hospitality": (25, 80_000, 0.005),
    "Education": (60, 90_000, 0.004),
    "Logistics": (35, 170_000, 0.006),
    "Government": (120, 110_000, 0.0035),
}

MIN_CITY_POPULATION = 50_000
KM_PER_DEG_LAT = 111.2


@dataclass(frozen=True)
class AccountDraw:
    """Accounts plus the hidden numbers the sales history is built from."""

    accounts: list[Account]
    #: yearly revenue we currently make with each account (0 for prospects)
    wallet_won: FloatArray


def _place(rng: np.random.Generator, n: int) -> tuple[FloatArray, FloatArray, IntArray]:
    """Points around cities (probability ∝ population^0.8), snapped near a real ZIP."""
    cities, zips = us_cities(), us_zips()
    big = np.flatnonzero(cities.population >= MIN_CITY_POPULATION)
    weight = cities.population[big] ** 0.8
    pick = big[rng.choice(big.size, size=n, p=weight / weight.sum())]
    sigma_km = 2.5 + 4.0 * np.sqrt(cities.population[pick] / 1e6)
    lat0, lon0 = cities.lat[pick], cities.lon[pick]
    dy, dx = rng.normal(0.0, 1.0, (2, n)) * sigma_km
    lat = lat0 + dy / KM_PER_DEG_LAT
    lon = lon0 + dx / (KM_PER_DEG_LAT * np.cos(np.radians(lat0)))
    zi = zips.nearest(lat, lon)
    # Keep the point within ~2 km of its ZIP centroid so it stays on land, not in a bay.
    zlat, zlon = zips.lat[zi], zips.lon[zi]
    off_y = (lat - zlat) * KM_PER_DEG_LAT
    off_x = (lon - zlon) * KM_PER_DEG_LAT * np.cos(np.radians(zlat))
    scale = np.minimum(1.0, 2.0 / np.maximum(np.hypot(off_x, off_y), 1e-9))
    lat = zlat + off_y * scale / KM_PER_DEG_LAT
    lon = zlon + off_x * scale / (KM_PER_DEG_LAT * np.cos(np.radians(zlat)))
    return np.round(lat, 6), np.round(lon, 6), zi


def _tiers(potential: FloatArray) -> list[str]:
    """Top 20% of potential is tier A, the next 30% B, the rest C."""
    rank = np.empty(potential.size, dtype=np.int64)
    rank[np.argsort(-potential, kind="stable")] = np.arange(potential.size)
    frac = rank / max(potential.size, 1)
    return ["A" if f < 0.2 else "B" if f < 0.5 else "C" for f in frac]


def generate_accounts(rng: np.random.Generator, n: int) -> AccountDraw:
    """``n`` located accounts ``ACC-00001``…, about 60% customers, the rest prospects."""
    zips = us_zips()
    lat, lon, zi = _place(rng, n)
    ind_idx = rng.choice(len(INDUSTRIES), size=n, p=np.array(INDUSTRY_SHARES))
    industry = [INDUSTRIES[int(i)] for i in ind_idx]
    prof = np.array([_PROFILE[i] for i in industry])

    employees = np.clip(np.round(prof[:, 0] * rng.lognormal(0.0, 1.0, n)), 2, 25_000)
    revenue = np.round(employees * prof[:, 1] * rng.lognormal(0.0, 0.35, n), -3)
    potential = np.round(np.maximum(revenue * prof[:, 2] * rng.lognormal(0.0, 0.45, n), 300.0), -2)
    tier = _tiers(potential)

    p_customer = np.array([{"A": 0.72, "B": 0.62, "C": 0.55}[t] for t in tier])
    customer = rng.random(n) < p_customer
    share = rng.beta(2.0, 2.5, n)  # share of the wallet we already win
    wallet_won = np.where(customer, np.round(potential * share, 2), 0.0)
    competitor = rng.random(n) < np.where(customer, 0.3, 0.5)

    visits = {
        (True, "A"): 24.0,
        (True, "B"): 12.0,
        (True, "C"): 4.0,
        (False, "A"): 6.0,
        (False, "B"): 4.0,
        (False, "C"): 2.0,
    }
    base_minutes = {"A": 60, "B": 45, "C": 30}
    steps = rng.integers(0, 3, n) * 15

    accounts: list[Account] = []
    used: set[str] = set()
    for i in range(n):
        z = int(zi[i])
        city, county = zips.city[z], zips.county[z]
        name = company_name(rng, industry[i], city, county)
        if name in used:
            name = f"{name} of {city}" if f"{name} of {city}" not in used else f"{name} #{i + 1}"
        used.add(name)
        emp = int(employees[i])
        segment = "SMB" if emp < 50 else "Mid-market" if emp < 250 else "Enterprise"
        credit = float(max(1000.0, np.round(potential[i] * 0.2, -2))) if customer[i] else 0.0
        accounts.append(
            Account(
                external_id=f"ACC-{i + 1:05d}",
                name=name,
                street=street_address(rng),
                city=city,
                state=zips.state[z],
                zip=zips.code[z],
                country="US",
                latitude=float(lat[i]),
                longitude=float(lon[i]),
                located_by=LocatedBy.COORDINATES,
                industry=industry[i],
                employees=emp,
                annual_revenue=float(revenue[i]),
                potential=float(potential[i]),
                visits_per_year=visits[(bool(customer[i]), tier[i])],
                visit_minutes=float(base_minutes[tier[i]] + int(steps[i])),
                status=AccountStatus.CUSTOMER if customer[i] else AccountStatus.PROSPECT,
                competitor_presence=bool(competitor[i]),
                tier=tier[i],
                extra={"segment": segment, "credit_limit": credit},
            )
        )
    return AccountDraw(accounts=accounts, wallet_won=wallet_won)
