"""Sales reps: who serves a territory."""

from __future__ import annotations

from dataclasses import dataclass, field, fields


@dataclass
class Rep:
    """A salesperson with a home base, skills and a weekly capacity."""

    external_id: str
    name: str
    email: str | None = None
    home_city: str | None = None
    home_state: str | None = None
    home_zip: str | None = None
    home_latitude: float | None = None
    home_longitude: float | None = None
    skills: list[str] = field(default_factory=list)
    years_experience: float | None = None
    capacity_hours_per_week: float | None = None
    yearly_cost: float | None = None

    @property
    def home_label(self) -> str:
        """Where the rep's home is, as given: city and state, else the ZIP, else the
        coordinates; "" without a home."""
        place = ", ".join(x for x in (self.home_city, self.home_state) if x)
        if place:
            return place
        if self.home_zip:
            return f"ZIP {self.home_zip}"
        if self.home_latitude is not None and self.home_longitude is not None:
            return f"{self.home_latitude:.4f}, {self.home_longitude:.4f}"
        return ""


#: A rep's attributes in order: what is stored.
REP_ATTRIBUTES: tuple[str, ...] = tuple(f.name for f in fields(Rep))
