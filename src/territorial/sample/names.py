"""Word lists for plausible company, street and person names (all invented)."""

from __future__ import annotations

import numpy as np

INDUSTRIES: tuple[str, ...] = (
    "Healthcare",
    "Manufacturing",
    "Construction",
    "Retail",
    "Hospitality",
    "Education",
    "Logistics",
    "Government",
)

PREFIXES: tuple[str, ...] = (
    "Summit",
    "Riverside",
    "Pioneer",
    "Keystone",
    "Liberty",
    "Evergreen",
    "Cedar",
    "Granite",
    "Harbor",
    "Lakeside",
    "Northstar",
    "Blue Ridge",
    "Silver Creek",
    "Prairie",
    "Canyon",
    "Redwood",
    "Maple",
    "Ironwood",
    "Frontier",
    "Heritage",
    "Meridian",
    "Crestview",
    "Valley",
    "Coastal",
    "Sterling",
    "Bayview",
    "Highland",
    "Westfield",
    "Eastgate",
    "Oakmont",
    "Pinnacle",
    "Cornerstone",
    "Red Rock",
    "Twin Oaks",
    "Brookside",
    "Stonebridge",
    "Clearwater",
    "Hilltop",
    "Sunrise",
    "Patriot",
    "Union",
    "Central",
    "Tri-County",
    "Allied",
    "Premier",
    "Gateway",
    "Anchor",
    "Beacon",
    "Compass",
)

SURNAMES: tuple[str, ...] = (
    "Miller",
    "Johnson",
    "Garcia",
    "Nguyen",
    "Patel",
    "Anderson",
    "Thompson",
    "Martinez",
    "Walker",
    "Robinson",
    "Carter",
    "Hughes",
    "Brooks",
    "Sullivan",
    "Kowalski",
    "Schmidt",
    "Olsen",
    "Reyes",
    "Chen",
    "Kim",
    "Bennett",
    "Foster",
    "Hayes",
    "Murphy",
    "O'Brien",
    "Fischer",
    "Larson",
    "Lopez",
    "Ramirez",
    "Wagner",
    "Hoffman",
    "Dawson",
    "Porter",
    "Price",
)

FIRST_NAMES: tuple[str, ...] = (
    "Alex",
    "Maria",
    "James",
    "Priya",
    "Daniel",
    "Sofia",
    "Michael",
    "Aisha",
    "Robert",
    "Emily",
    "Carlos",
    "Hannah",
    "David",
    "Grace",
    "Kevin",
    "Laura",
    "Marcus",
    "Nina",
    "Steven",
    "Olivia",
    "Brian",
    "Rachel",
    "Tomás",
    "Keiko",
    "Andre",
    "Julia",
    "Patrick",
    "Megan",
    "Victor",
    "Dana",
)

NOUNS: dict[str, tuple[str, ...]] = {
    "Healthcare": (
        "Dental Group",
        "Family Medicine",
        "Medical Center",
        "Orthopedics",
        "Urgent Care",
        "Veterinary Clinic",
        "Physical Therapy",
        "Surgical Associates",
        "Health Partners",
        "Eye Care",
        "Senior Living",
        "Imaging Center",
    ),
    "Manufacturing": (
        "Machining",
        "Precision Parts",
        "Fabrication",
        "Plastics",
        "Tool & Die",
        "Metalworks",
        "Industries",
        "Manufacturing",
        "Components",
        "Castings",
        "Packaging",
        "Millwork",
    ),
    "Construction": (
        "Construction",
        "Builders",
        "Contracting",
        "Roofing",
        "Concrete",
        "Electric",
        "Plumbing & Heating",
        "Excavating",
        "Framing",
        "Paving",
        "Mechanical",
        "Restoration",
    ),
    "Retail": (
        "Hardware",
        "Home Center",
        "Outfitters",
        "Market",
        "Supply",
        "Furniture",
        "Auto Parts",
        "Garden Center",
        "Pharmacy",
        "Sporting Goods",
        "Farm & Ranch",
        "Appliance",
    ),
    "Hospitality": (
        "Hotel",
        "Inn & Suites",
        "Grill",
        "Resort",
        "Catering",
        "Brewing Co.",
        "Bistro",
        "Event Center",
        "Steakhouse",
        "Lodge",
        "Conference Center",
        "Country Club",
    ),
    "Education": (
        "Academy",
        "Christian School",
        "Montessori School",
        "Learning Center",
        "Technical Institute",
        "Prep School",
        "Charter School",
        "College",
    ),
    "Logistics": (
        "Logistics",
        "Freight",
        "Trucking",
        "Warehousing",
        "Distribution",
        "Transport",
        "Cold Storage",
        "Moving & Storage",
        "Fulfillment",
        "Courier",
        "Terminals",
        "Fleet Services",
    ),
}

PUBLIC_BODIES: tuple[str, ...] = (
    "City of {city}",
    "{city} Public Works",
    "{city} Fire Department",
    "{city} Housing Authority",
    "{city} Parks & Recreation",
    "{county} Facilities",
    "{county} Water District",
    "{county} Road Commission",
    "{county} Sheriff's Office",
    "{city} Transit Authority",
)

SCHOOL_BODIES: tuple[str, ...] = ("{city} School District", "{county} Community College")

LEGAL: tuple[str, ...] = ("", "", " LLC", " Inc.", " Co.", " Group")

STREETS: tuple[str, ...] = (
    "Main",
    "Oak",
    "Industrial",
    "Commerce",
    "Park",
    "Washington",
    "Lincoln",
    "Airport",
    "Market",
    "Cedar",
    "Elm",
    "Highland",
    "Lake",
    "River",
    "Mill",
    "Railroad",
    "Center",
    "Jefferson",
    "Franklin",
    "Technology",
    "Enterprise",
    "Pine",
    "Maple",
    "Madison",
)
STREET_TYPES: tuple[str, ...] = ("St", "Ave", "Blvd", "Dr", "Rd", "Pkwy", "Way", "Ct")


def _pick(rng: np.random.Generator, words: tuple[str, ...]) -> str:
    return words[int(rng.integers(len(words)))]


def company_name(rng: np.random.Generator, industry: str, city: str, county: str) -> str:
    """A plausible business name for ``industry`` located in ``city`` / ``county``."""
    county = county or f"{city} County"
    if industry == "Government":
        return _pick(rng, PUBLIC_BODIES).format(city=city, county=county)
    if industry == "Education" and rng.random() < 0.3:
        return _pick(rng, SCHOOL_BODIES).format(city=city, county=county)
    noun = _pick(rng, NOUNS[industry])
    style = rng.random()
    if style < 0.5:
        head = _pick(rng, PREFIXES)
    elif style < 0.8:
        head = _pick(rng, SURNAMES)
        if rng.random() < 0.25:
            head += f" & {_pick(rng, SURNAMES)}"
    else:
        head = city
    legal = "" if industry == "Education" else _pick(rng, LEGAL)
    return f"{head} {noun}{legal}"


def street_address(rng: np.random.Generator) -> str:
    """A house number and street, e.g. ``"1450 Industrial Pkwy"``."""
    number = int(rng.integers(100, 9900))
    return f"{number} {_pick(rng, STREETS)} {_pick(rng, STREET_TYPES)}"


def person_names(rng: np.random.Generator, n: int) -> list[tuple[str, str]]:
    """``n`` distinct (first, last) name pairs."""
    pairs = [(f, s) for f in FIRST_NAMES for s in SURNAMES]
    if n > len(pairs):
        raise ValueError(f"at most {len(pairs)} distinct rep names")
    order = rng.permutation(len(pairs))[:n]
    return [pairs[int(i)] for i in order]
