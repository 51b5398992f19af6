from __future__ import annotations

import threading

import pytest

from territorial.domain import LocatedBy
from territorial.geo.geocode import (
    Geocoder,
    Location,
    check_coordinates,
    is_us_country,
    normalize_zip,
)


@pytest.fixture(scope="module")
def geo() -> Geocoder:
    return Geocoder.shared()


@pytest.mark.parametrize(
    ("raw", "zip5"),
    [
        ("02139", "02139"),
        ("02139-4307", "02139"),
        ("021394307", "02139"),
        ("2139", "02139"),
        ("2139-4307", "02139"),
        ("2139.0", "02139"),
        ("501", "00501"),
        (" 10001 ", "10001"),
        ("ABC12", None),
        ("123456", None),
        ("", None),
        (None, None),
        ("K1A 0B1", None),
    ],
)
def test_normalize_zip(raw: str | None, zip5: str | None) -> None:
    assert normalize_zip(raw) == zip5


def test_shared_is_a_singleton() -> None:
    assert Geocoder.shared() is Geocoder.shared()


def test_a_fresh_geocoder_locates_by_city_first() -> None:
    """A city lookup before any ZIP lookup builds the ZIP index inside the city index's
    build (a reps file with City and State only); it once deadlocked on its own lock."""
    found: list[Location] = []
    worker = threading.Thread(
        target=lambda: found.append(Geocoder().locate(city="Fargo", state="ND")), daemon=True
    )
    worker.start()
    worker.join(timeout=120)
    assert not worker.is_alive(), "the city lookup did not return"
    assert found[0].located_by == LocatedBy.CITY


def test_coordinates_first(geo: Geocoder) -> None:
    loc = geo.locate(latitude=1.5, longitude=2.5, zip_code="02139")
    assert (loc.latitude, loc.longitude, loc.located_by) == (1.5, 2.5, LocatedBy.COORDINATES)


def test_zip(geo: Geocoder) -> None:
    loc = geo.locate(zip_code="2139", city="Nowhere", state="ZZ")
    assert (loc.latitude, loc.longitude, loc.located_by) == (42.3647, -71.1042, LocatedBy.ZIP)
    place = geo.zip_place("02139-4307")
    assert place is not None and (place.city, place.state) == ("Cambridge", "MA")


def test_unknown_zip(geo: Geocoder) -> None:
    loc = geo.locate(zip_code="99999")
    assert (loc.located_by, loc.note, loc.note_field) == (
        LocatedBy.UNLOCATED,
        "unknown ZIP 99999",
        "zip",
    )


def test_unknown_zip_falls_back_to_city(geo: Geocoder) -> None:
    loc = geo.locate(zip_code="99999", city="boston", state="ma")
    assert loc.located_by is LocatedBy.CITY
    assert loc.note == "unknown ZIP 99999"


@pytest.mark.parametrize("state", ["MA", "ma", "Massachusetts", " massachusetts "])
def test_city_and_state_code_or_name(geo: Geocoder, state: str) -> None:
    loc = geo.locate(city="CAMBRIDGE", state=state)
    assert loc.located_by is LocatedBy.CITY
    assert loc.latitude == pytest.approx(42.375, abs=0.01)


@pytest.mark.parametrize(
    ("city", "state", "same_as"),
    [
        ("Lagrange", "TX", ("La Grange", "TX")),  # spacing
        ("N. Richland Hills(N)", "TX", ("North Richland Hills", "TX")),  # N., a note
        ("West St. Paul", "MN", ("West Saint Paul", "MN")),  # St. inside the name
        ("E.Greenbush", "NY", ("East Greenbush", "NY")),
    ],
)
def test_city_spellings_of_crm_exports(
    geo: Geocoder, city: str, state: str, same_as: tuple[str, str]
) -> None:
    found = geo.city_point(city, state)
    assert found is not None
    assert found == geo.city_point(*same_as)


def test_a_place_known_only_as_an_accepted_name_of_a_zip(geo: Geocoder) -> None:
    # Hodgkins, IL is a village served by La Grange's ZIP 60525 (not in GeoNames >= 5,000)
    hodgkins = geo.city_point("Hodgkins", "IL")
    assert hodgkins == pytest.approx((41.78, -87.87), abs=0.05)


def test_most_populous_on_ties(geo: Geocoder) -> None:
    # GeoNames has several "Springfield"s; the IL capital must win in IL, and
    # city names compare without punctuation and with "St." = "Saint".
    il = geo.city_point("Springfield", "IL")
    assert il == pytest.approx((39.80, -89.64), abs=0.02)
    assert geo.city_point("St. Louis", "MO") == geo.city_point("Saint Louis", "Missouri")


@pytest.mark.parametrize(
    ("city", "state", "post_office"),
    [
        # GeoNames also has a Lake County "Fairfield" (5,255) beside Wayne County's (5,040)
        ("Fairfield", "IL", (38.38, -88.36)),
        # GeoNames' only Whitehall, PA is Pittsburgh's borough (mail: Pittsburgh)
        ("Whitehall", "PA", (40.66, -75.50)),
        # ... and its only Mount Pleasant, PA a Philadelphia neighbourhood
        ("Mt. Pleasant", "PA", (40.17, -79.51)),
        ("Morehead", "KY", (38.20, -83.44)),
    ],
)
def test_an_address_city_is_the_post_office_of_that_name(
    geo: Geocoder, city: str, state: str, post_office: tuple[float, float]
) -> None:
    assert geo.city_point(city, state) == pytest.approx(post_office, abs=0.05)


def test_a_post_office_record_outside_its_state_does_not_win(geo: Geocoder) -> None:
    # the ZIP record of Commerce, CA is at 0, 0; GeoNames' Commerce is by Los Angeles
    assert geo.city_point("Commerce", "CA") == pytest.approx((34.00, -118.16), abs=0.05)


def test_small_places_come_from_zip_data(geo: Geocoder) -> None:
    assert geo.city_point("Holtsville", "NY") is not None


@pytest.mark.parametrize(
    ("kwargs", "note"),
    [
        ({}, "no ZIP, city or coordinates"),
        ({"city": "Boston"}, "city without a state, and no ZIP or coordinates"),
        ({"city": "Atlantis", "state": "MA"}, "unknown city Atlantis, MA"),
        ({"city": "Boston", "state": "Narnia"}, "unknown state Narnia"),
    ],
)
def test_unlocated_reasons(geo: Geocoder, kwargs: dict[str, str], note: str) -> None:
    loc = geo.locate(**kwargs)  # type: ignore[arg-type]
    assert (loc.located_by, loc.note) == (LocatedBy.UNLOCATED, note)


def test_non_us_country(geo: Geocoder) -> None:
    assert geo.locate(zip_code="02139", country="Canada").located_by is LocatedBy.UNLOCATED
    assert geo.locate(zip_code="02139", country="U.S.A.").located_by is LocatedBy.ZIP
    assert is_us_country(None) and is_us_country("United States") and not is_us_country("DE")


@pytest.mark.parametrize(
    ("lat", "lon", "why"),
    [
        (0.0, 0.0, None),
        (None, None, None),
        (90.0, 180.0, None),
        (90.5, 0.0, "latitude must be between -90 and 90"),
        (0.0, -181.0, "longitude must be between -180 and 180"),
        (1.0, None, "latitude and longitude must be given together"),
    ],
)
def test_check_coordinates(lat: float | None, lon: float | None, why: str | None) -> None:
    assert check_coordinates(lat, lon) == why


@pytest.mark.parametrize(
    ("city", "state", "meant", "how"),
    [
        ("Gainsville", "FL", "Gainesville", "one letter away"),  # a letter dropped
        ("Austni", "TX", "Austin", "one letter away"),  # two swapped
        ("Forth Worth", "TX", "Fort Worth", "one letter away"),  # a letter added
        ("Skowhegen", "ME", "Skowhegan", "one letter away"),  # a letter changed
        # long names shortened or misspelt further (Walmart's store list; the stores'
        # own coordinates are within 5 km)
        ("De Funiak", "FL", "DeFuniak Springs", "the only city that begins so"),
        ("Rehoboth", "DE", "Rehoboth Beach", "the only city that begins so"),
        ("New Braunfalls", "TX", "New Braunfels", "two letters away"),
        ("Hilton Hd Island", "SC", "Hilton Head Island", "two letters away"),
    ],
)
def test_a_misspelt_or_shortened_city_is_read_as_the_one_place_it_fits(
    geo: Geocoder, city: str, state: str, meant: str, how: str
) -> None:
    loc = geo.locate(city=city, state=state)
    assert (loc.latitude, loc.longitude) == geo.city_point(meant, state)
    assert loc.located_by is LocatedBy.CITY_GUESS and loc.note_field == "city"
    assert loc.note == f"unknown city {city}, {state}, read as {meant} ({how})"


def test_a_typo_two_cities_away_or_a_short_name_is_not_guessed(geo: Geocoder) -> None:
    ambiguous = geo.locate(city="Alden", state="TX")  # Allen or Olden
    assert ambiguous.located_by is LocatedBy.UNLOCATED
    assert ambiguous.note == "unknown city Alden, TX (did you mean Allen or Olden?)"
    assert geo.near_spellings("TX", "alen") == []  # under 5 letters: too easy to hit
    assert geo.locate(city="Alen", state="TX").located_by is LocatedBy.UNLOCATED


def test_a_name_that_fits_two_places_or_is_short_is_not_guessed(geo: Geocoder) -> None:
    # Port Saint Lucie ends so and Saint Lucie Village begins so: two places apart
    assert geo.locate(city="St. Lucie", state="FL").located_by is LocatedBy.UNLOCATED
    # five letters: no prefix read (Gaine... is Gainesville, but too short to tell)
    assert geo.locate(city="Gaine", state="FL").located_by is LocatedBy.UNLOCATED


@pytest.mark.parametrize(
    ("city", "state", "meant"),
    [
        ("Village of Newark", "NY", "Newark"),  # "Town of", "Village of", "City of"
        ("Commerce", "MI", "Commerce Township"),  # the USPS calls it a township
        ("Van Buren Township", "MI", "Van Buren Twp"),
        ("West Helena5119", "AR", "West Helena"),  # a store number run into the name
        ("Baltimore/DC", "MD", "Baltimore"),  # either of two
        ("Mt. Grove", "MO", "Mountain Grove"),  # "Mt." is "Mount" first, then "Mountain"
    ],
)
def test_a_city_written_as_crms_write_it_is_read_as_the_plain_place(
    geo: Geocoder, city: str, state: str, meant: str
) -> None:
    assert geo.city_point(city, state) is None  # not known as written
    loc = geo.locate(city=city, state=state)
    assert (loc.latitude, loc.longitude) == geo.city_point(meant, state)
    assert loc.located_by is LocatedBy.CITY_GUESS and loc.note_field == "city"
    assert loc.note == f"city {city}, {state} read as {meant}"


def test_a_known_city_is_never_read_as_another(geo: Geocoder) -> None:
    # "Kansas City" is a city of its own, not "Kansas" (and not a township)
    loc = geo.locate(city="Kansas City", state="MO")
    assert (loc.latitude, loc.longitude) == geo.city_point("Kansas City", "MO")
    assert loc.note is None
