"""CRM column dictionaries, format detection and explicit column mappings.

Headers are compared case-, whitespace- and underscore-insensitively, so
``BillingCity``, ``Billing City`` and ``billing_city`` are the same column, and
without Salesforce's custom-field suffix, so ``Competitor_Present__c`` is
``Competitor Present``.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

from territorial.domain import InputRejected, Problem
from territorial.domain.account import ACCOUNT_ATTRIBUTES

__all__ = [
    "ACCOUNT_DIALECTS",
    "ACCOUNT_FIELDS",
    "ColumnPlan",
    "Dialect",
    "header_key",
    "parse_mapping",
    "resolve_columns",
]


def header_key(header: str) -> str:
    """The comparison key of a header: lower case, no whitespace, underscores, BOM or
    Salesforce custom-field suffix (``__c``)."""
    text = header.replace("\ufeff", "").strip()
    if text.lower().endswith("__c") and len(text) > 3:
        text = text[:-3]
    return "".join(text.replace("_", " ").split()).lower()


@dataclass(frozen=True)
class Dialect:
    """The column names of one export format, mapped to our field names.

    ``aliases`` is ordered: when two columns of a file map to the same field, the one
    listed first wins and the other is kept as an extra field.
    """

    name: str
    label: str
    aliases: tuple[tuple[str, str], ...]
    index: dict[str, tuple[str, int]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        index: dict[str, tuple[str, int]] = {}
        for priority, (header, target) in enumerate(self.aliases):
            index.setdefault(header_key(header), (target, priority))
        object.__setattr__(self, "index", index)

    def lookup(self, header: str) -> tuple[str, int] | None:
        """(field, priority) of a header in this format, or ``None``."""
        return self.index.get(header_key(header))


#: What an account file may give: the account's attributes but ``located_by`` (worked out
#: on import) and ``extra`` (the columns left over), then where it belongs.
ACCOUNT_FIELDS: tuple[str, ...] = (
    *(f for f in ACCOUNT_ATTRIBUTES if f not in ("located_by", "extra")),
    "territory",
    "owner",
)

# ``located_by`` (written by our export) is recognised so that it is not kept as an extra
# field; it is recomputed on import.
TEMPLATE = Dialect(
    "template",
    "Territorial account template",
    (*((f, f) for f in ACCOUNT_FIELDS), ("located_by", "located_by")),
)

SALESFORCE = Dialect(
    "salesforce",
    "Salesforce account export",
    (
        ("Id", "external_id"),
        ("Account ID", "external_id"),
        ("Account ID (18)", "external_id"),
        ("Name", "name"),
        ("Account Name", "name"),
        ("BillingStreet", "street"),
        ("Billing Address Line 1", "street"),
        ("BillingCity", "city"),
        ("BillingState", "state"),
        ("Billing State/Province", "state"),
        ("Billing State/Province (text only)", "state"),
        ("BillingPostalCode", "zip"),
        ("Billing Zip/Postal Code", "zip"),
        ("BillingCountry", "country"),
        ("Billing Country (text only)", "country"),
        ("BillingLatitude", "latitude"),
        ("BillingLongitude", "longitude"),
        ("Industry", "industry"),
        ("NumberOfEmployees", "employees"),
        ("Employees", "employees"),
        ("AnnualRevenue", "annual_revenue"),
        ("Type", "status"),
        ("Account Type", "status"),
        ("Owner", "owner"),
        ("Owner.Name", "owner"),
        ("Account Owner", "owner"),
        ("Owner Name", "owner"),
        ("OwnerId", "owner"),
        ("Account Owner ID", "owner"),
        ("Territory", "territory"),
        ("Territory Name", "territory"),
    ),
)

HUBSPOT = Dialect(
    "hubspot",
    "HubSpot companies export",
    (
        ("Record ID", "external_id"),
        ("Company ID", "external_id"),
        ("Company name", "name"),
        ("Name", "name"),
        ("Street Address", "street"),
        ("City", "city"),
        ("State/Region", "state"),
        ("Postal Code", "zip"),
        ("Country/Region", "country"),
        ("Industry", "industry"),
        ("Annual Revenue", "annual_revenue"),
        ("Number of Employees", "employees"),
        ("Lifecycle Stage", "status"),
        ("Type", "status"),
        ("Company owner", "owner"),
        ("HubSpot Owner", "owner"),
        ("Territory", "territory"),
    ),
)

ZOHO = Dialect(
    "zoho",
    "Zoho CRM accounts export",
    (
        ("Record Id", "external_id"),
        ("Account Name", "name"),
        ("Billing Street", "street"),
        ("Billing City", "city"),
        ("Billing State", "state"),
        ("Billing Code", "zip"),
        ("Billing Country", "country"),
        ("Industry", "industry"),
        ("Annual Revenue", "annual_revenue"),
        ("Employees", "employees"),
        ("Account Type", "status"),
        ("Account Owner", "owner"),
        ("Territories", "territory"),
        ("Territory", "territory"),
    ),
)

# Names any file may use, whatever format it was recognised as (checked last).
COMMON = Dialect(
    "common",
    "common column names",
    (
        ("ID", "external_id"),
        ("Account Number", "external_id"),
        ("Customer ID", "external_id"),
        ("Account", "name"),
        ("Company", "name"),
        ("Customer", "name"),
        ("Customer Name", "name"),
        ("Address", "street"),
        ("Street", "street"),
        ("State", "state"),
        ("Province", "state"),
        ("ZIP Code", "zip"),
        ("Postal Code", "zip"),
        ("Postcode", "zip"),
        ("ZIP", "zip"),
        ("Lat", "latitude"),
        ("Latitude", "latitude"),
        ("Lon", "longitude"),
        ("Lng", "longitude"),
        ("Long", "longitude"),
        ("Longitude", "longitude"),
        ("Revenue", "annual_revenue"),
        ("Status", "status"),
        ("Owner", "owner"),
        ("Sales Rep", "owner"),
        ("Rep", "owner"),
        ("Tier", "tier"),
        ("Segment", "tier"),
        ("Potential", "potential"),
        ("Visits per Year", "visits_per_year"),
        ("Visit Minutes", "visit_minutes"),
        ("Competitor", "competitor_presence"),
        ("Competitor Present", "competitor_presence"),
        ("Competitor Presence", "competitor_presence"),
        ("Has Competitor", "competitor_presence"),
        ("Territory", "territory"),
    ),
)

ACCOUNT_DIALECTS: tuple[Dialect, ...] = (TEMPLATE, SALESFORCE, HUBSPOT, ZOHO)


@dataclass
class ColumnPlan:
    """Which column of a file feeds which field, and which are kept as extra fields."""

    format: str  # dialect name, "custom" or "<name>+mapping"
    label: str  # human-readable, e.g. "Salesforce account export"
    header: list[str]
    fields: dict[str, int]  # field -> column index
    extra: list[int]  # column indices kept as extra fields
    warnings: list[Problem]

    def column(self, name: str) -> str | None:
        """The file's header text for a field, if present."""
        i = self.fields.get(name)
        return self.header[i] if i is not None else None


def parse_mapping(items: Sequence[str], fields: Collection[str] | None = None) -> dict[str, str]:
    """Parse ``["Cust No=external_id", ...]`` into ``{"Cust No": "external_id", ...}``.

    Raises :class:`InputRejected` with one problem per bad item (no ``=``, an empty
    side, an unknown field when ``fields`` is given, a column mapped twice).
    """
    result: dict[str, str] = {}
    problems: list[Problem] = []
    for item in items:
        column, sep, target = item.rpartition("=")
        column, target = column.strip(), target.strip()
        if not sep or not column or not target:
            problems.append(Problem("--map", None, None, item, "expected COLUMN=FIELD"))
            continue
        if fields is not None and target not in fields:
            problems.append(
                Problem(
                    "--map",
                    None,
                    column,
                    item,
                    f"unknown field {target!r}; known fields: {', '.join(fields)}",
                )
            )
            continue
        if column in result and result[column] != target:
            problems.append(
                Problem(
                    "--map",
                    None,
                    column,
                    item,
                    f"column {column!r} is already mapped to {result[column]!r}",
                )
            )
            continue
        result[column] = target
    if problems:
        raise InputRejected(problems)
    return result


def resolve_columns(
    header: Sequence[str],
    dialects: Sequence[Dialect],
    fields: Collection[str],
    mapping: dict[str, str] | None,
    file: str,
    header_row: int = 1,
    common: Dialect | None = COMMON,
) -> ColumnPlan:
    """Decide which column feeds which field.

    The dialect with most matching headers is picked (ties go to the earlier one); an
    explicit ``mapping`` (file header -> field) overrides it; ``common`` names fill the
    fields still free. Raises :class:`InputRejected` when the mapping names a missing
    column or an unknown field.
    """
    problems: list[Problem] = []
    claims: dict[str, list[tuple[int, int, int]]] = {}  # field -> [(rank, priority, col)]
    taken: set[int] = set()
    keys = [header_key(h) for h in header]
    if mapping:
        for source, target in mapping.items():
            if target not in fields:
                problems.append(
                    Problem(
                        file,
                        None,
                        source,
                        None,
                        f"mapping names unknown field {target!r}; "
                        f"known fields: {', '.join(fields)}",
                    )
                )
                continue
            k = header_key(source)
            cols = [i for i, key in enumerate(keys) if key == k]
            if not cols:
                problems.append(
                    Problem(
                        file,
                        None,
                        source,
                        None,
                        f"mapped column {source!r} is not in the file; columns found: "
                        + ", ".join(h for h in header if h),
                    )
                )
                continue
            claims.setdefault(target, []).append((0, 0, cols[0]))
            taken.add(cols[0])
    if problems:
        raise InputRejected(problems)
    scores = [sum(1 for h in header if h and d.lookup(h)) for d in dialects]
    best_i = max(range(len(dialects)), key=lambda i: (scores[i], -i)) if dialects else -1
    best = dialects[best_i] if best_i >= 0 and scores[best_i] > 0 else None
    tables = [d for d in (best, common) if d is not None]
    for col, h in enumerate(header):
        if col in taken or not h.strip():
            continue
        for rank, dialect in enumerate(tables, start=1):
            hit = dialect.lookup(h)
            if hit is not None and hit[0] in fields:
                claims.setdefault(hit[0], []).append((rank, hit[1], col))
                break
    chosen: dict[str, int] = {}
    warnings: list[Problem] = []
    for target, candidates in claims.items():
        candidates.sort()
        chosen[target] = first = candidates[0][2]
        twins = [i for i, key in enumerate(keys) if key == keys[first] and i != first]
        if twins:
            problems.append(
                Problem(
                    file,
                    header_row,
                    header[first],
                    None,
                    f"column name appears twice (columns {first + 1} and {twins[0] + 1}) and would "
                    f"fill field {target!r}; rename or remove one of them",
                )
            )
        for _, _, col in candidates[1:]:
            warnings.append(
                Problem(
                    file,
                    header_row,
                    header[col],
                    None,
                    f"also matches field {target!r}, which column {header[candidates[0][2]]!r} "
                    "fills; kept as an extra field",
                )
            )
    if problems:
        raise InputRejected(problems)
    used = set(chosen.values())
    extra = [i for i, h in enumerate(header) if i not in used and h.strip()]
    seen: dict[str, int] = {}
    for i in extra:
        if header[i] in seen:
            warnings.append(
                Problem(
                    file,
                    header_row,
                    header[i],
                    None,
                    f"column name appears twice (columns {seen[header[i]] + 1} and {i + 1}); "
                    "the later one is ignored",
                )
            )
        else:
            seen[header[i]] = i
    extra = [i for i in extra if seen.get(header[i]) == i]
    if best is None:
        name, label = "custom", "custom column mapping" if mapping else "unrecognised columns"
    else:
        name, label = best.name, best.label
        if mapping:
            name, label = f"{name}+mapping", f"{label} with a custom column mapping"
    return ColumnPlan(name, label, list(header), chosen, extra, warnings)
