"""One territory per rep: the territories of a design that hires or lets reps go.

When a design asks for at least as many territories as there are reps with a home, and
that is not the number the base scenario has (new hires, a territory left vacant, or
vacancies to hire for), each rep gets a territory centred at their home: a rep who
holds a territory in the base keeps its name (so continuity and moves are counted
against it); a rep without one gets a new territory named after their home town, placed
in the region of the nearest kept territory. Territories beyond one per rep are
vacancies ("Vacancy 1", ...), placed freely where the accounts need them. Base
territories whose rep has no home, or none at all, are dropped and their accounts go to
the reps' territories.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from territorial.domain import Rep, Scenario, Territory
from territorial.geo.geodesy import haversine_km
from territorial.services.frame import ScenarioFrame


@dataclass(frozen=True)
class Staffing:
    """The design's territories and reps, and how they map to the base's."""

    labels: list[str]  # the design's territory names; index = the engine's territory
    reps: list[Rep | None]  # each territory's rep (None: vacant)
    base_index: np.ndarray  # base territory index -> design index, -1 when dropped
    added: list[Territory]  # new territories, with their rep (none: a vacancy) and region
    dropped: list[str]  # base territories not kept

    @classmethod
    def kept(cls, frame: ScenarioFrame) -> Staffing:
        """The base's territories and reps, unchanged."""
        labels = list(frame.labels)
        return cls(labels, [frame.rep_of(t) for t in labels], np.arange(len(labels)), [], [])

    def design_index(self, base_territory: np.ndarray) -> np.ndarray:
        """Base territory indices (-1 = none) as the design's (-1 = none or dropped)."""
        t = np.asarray(base_territory)
        out = np.full(t.shape, -1, dtype=np.int64)
        held = t >= 0  # a design from scratch has no base territory at all
        out[held] = self.base_index[t[held]]
        return out

    def territories(self, base: Scenario) -> list[Territory]:
        """The scenario's hierarchy: the base's, without the dropped territories, with the
        new ones."""
        gone = set(self.dropped)
        kept = [
            Territory(t.name, t.level, t.parent, t.rep_external_id)
            for t in base.territories
            if t.name not in gone
        ]
        return kept + list(self.added)

    def note(self) -> str | None:
        """What changed in the territories, for the design's summary."""
        if not self.added and not self.dropped:
            return None
        parts = []
        added = list(zip(self.added, self.reps[len(self.reps) - len(self.added) :], strict=True))
        if staffed := [
            t.name if t.name == rep.name else f"{t.name} ({rep.name})"
            for t, rep in added
            if rep is not None
        ]:
            parts.append(f"New territories for reps who had none: {', '.join(staffed)}")
        if vacant := [t.name for t, rep in added if rep is None]:
            parts.append(
                f"Vacancies, placed where the accounts need them: {', '.join(vacant)} "
                "(`territorial assign` staffs them once you hire)"
            )
        if self.dropped:
            parts.append(
                f"Dropped (no rep with a home, or a rep's second territory): "
                f"{', '.join(self.dropped)}; their accounts went to the reps' territories"
            )
        homes = "Every other territory is" if vacant else "Every territory is"
        return ". ".join(parts) + f". {homes} centred at its rep's home."


def _has_home(rep: Rep | None) -> bool:
    return rep is not None and rep.home_latitude is not None and rep.home_longitude is not None


def homed_reps(frame: ScenarioFrame) -> list[Rep]:
    """The reps with a home, by id."""
    return sorted((r for r in frame.reps.values() if _has_home(r)), key=lambda r: r.external_id)


def staff_territories(frame: ScenarioFrame, base: Scenario, p: int) -> Staffing | None:
    """One territory per rep with a home and vacancies up to ``p``; None when there are
    more such reps than ``p`` (or none)."""
    reps = homed_reps(frame)
    if len(reps) > p or not reps:
        return None
    holds: dict[str, str] = {}  # rep id -> the first base territory they hold
    for label in frame.labels:
        rep = frame.rep_of(label)
        if rep is not None and _has_home(rep):
            holds.setdefault(rep.external_id, label)
    firsts = set(holds.values())
    kept = [label for label in frame.labels if label in firsts]
    newcomers = sorted((r for r in reps if r.external_id not in holds), key=lambda r: r.name)
    taken = {t.name for t in base.territories} | set(frame.labels)
    # named like the others: after the rep where most territories bear their rep's
    # name (a CRM import), else after the rep's home town
    named = sum(1 for label in kept if (r := frame.rep_of(label)) is not None and r.name == label)
    by_rep = 2 * named > len(kept)
    added = []
    for rep in newcomers:
        name = _unique(rep.name if by_rep else rep.home_city or rep.name, taken)
        taken.add(name)
        added.append(
            Territory(
                name,
                parent=_nearest_parent(frame, base, kept, rep),
                rep_external_id=rep.external_id,
            )
        )
    for k in range(p - len(reps)):
        name = _unique(f"Vacancy {k + 1}", taken)
        taken.add(name)
        added.append(Territory(name))
    labels = kept + [t.name for t in added]
    position = {label: j for j, label in enumerate(labels)}
    base_index = np.array([position.get(label, -1) for label in frame.labels], dtype=np.int64)
    return Staffing(
        labels,
        [frame.rep_of(label) for label in kept] + list(newcomers) + [None] * (p - len(reps)),
        base_index,
        added,
        [label for label in frame.labels if label not in position],
    )


def _unique(name: str, taken: set[str]) -> str:
    out, k = name, 2
    while out in taken:
        out, k = f"{name} {k}", k + 1
    return out


def _nearest_parent(frame: ScenarioFrame, base: Scenario, kept: list[str], rep: Rep) -> str | None:
    """The region (parent) of the kept territory whose rep lives nearest ``rep``."""
    parents = {t.name: t.parent for t in base.territories}
    best, best_km = None, np.inf
    for label in kept:
        other = frame.rep_of(label)
        if other is None or other.home_latitude is None or other.home_longitude is None:
            continue
        assert rep.home_latitude is not None and rep.home_longitude is not None
        km = float(
            haversine_km(
                rep.home_latitude, rep.home_longitude, other.home_latitude, other.home_longitude
            )
        )
        if km < best_km:
            best, best_km = parents.get(label), km
    return best
