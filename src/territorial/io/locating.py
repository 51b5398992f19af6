"""Place one parsed row with the offline geocoder, logging coordinate problems."""

from __future__ import annotations

from typing import Any

from territorial.domain import LocatedBy
from territorial.geo.geocode import Geocoder, Location, check_coordinates, normalize_zip
from territorial.io.columns import ColumnPlan
from territorial.io.records import ProblemLog
from territorial.io.tabular import Cell
from territorial.io.values import cell_text, format_number, parse_text

__all__ = ["LOCATION_FIELDS", "has_location_columns", "locate_row", "parse_zip"]

# Our names for the location inputs (reps use home_* names, mapped through ``names``).
LOCATION_FIELDS = ("latitude", "longitude", "zip", "city", "state", "country")


def parse_zip(value: Cell) -> str:
    """A ZIP/postal code: US ZIPs become 5 digits (``2139`` and ``02139-4307`` → ``02139``)."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        text = cell_text(value)
    else:
        text = parse_text(value)
    return normalize_zip(text) or text


def has_location_columns(plan: ColumnPlan, names: dict[str, str]) -> bool:
    """Whether the file has coordinates, a ZIP, or city and state columns."""
    f = plan.fields
    return (
        (names["latitude"] in f and names["longitude"] in f)
        or names["zip"] in f
        or (names["city"] in f and names["state"] in f)
    )


def locate_row(
    values: dict[str, Any],
    row: int,
    plan: ColumnPlan,
    log: ProblemLog,
    geocoder: Geocoder,
    names: dict[str, str],
    failed: list[str] | None = None,
) -> Location | None:
    """Geocode a row; ``None`` when its coordinates are invalid (a problem is logged).

    Also ``None`` when a location cell failed to parse (``failed``; already a problem).
    """
    if failed and any(
        names[k] in failed for k in ("latitude", "longitude", "zip", "city", "state", "country")
    ):
        return None
    lat = values.get(names["latitude"])
    lon = values.get(names["longitude"])
    if lat is not None or lon is not None:
        why = check_coordinates(lat, lon)
        if why is not None:
            value: float | None = None
            if lat is None:
                bad = names["latitude"]
            elif lon is None:
                bad = names["longitude"]
            elif not -90.0 <= lat <= 90.0:
                bad, value = names["latitude"], lat
            else:
                bad, value = names["longitude"], lon
            log.add(
                row, plan.column(bad) or bad, None if value is None else format_number(value), why
            )
            return None
    loc = geocoder.locate(
        latitude=lat,
        longitude=lon,
        zip_code=values.get(names["zip"]),
        city=values.get(names["city"]),
        state=values.get(names["state"]),
        country=values.get(names["country"]),
    )
    return loc


def note_column(loc: Location, plan: ColumnPlan, names: dict[str, str]) -> str | None:
    """The file's header for the input a location note is about."""
    if loc.note_field is None:
        return None
    return plan.column(names.get(loc.note_field, loc.note_field))


def note_value(loc: Location, values: dict[str, Any], names: dict[str, str]) -> str | None:
    """The value a location note is about, as text."""
    if loc.note_field is None:
        return None
    v = values.get(names.get(loc.note_field, loc.note_field))
    return None if v is None else str(v)


def is_located(loc: Location | None) -> bool:
    return loc is not None and loc.located_by is not LocatedBy.UNLOCATED
