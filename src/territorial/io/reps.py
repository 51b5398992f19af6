"""Read sales reps from our template or a CRM user export."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from territorial.domain import InputRejected, LocatedBy, Problem, Rep
from territorial.domain.rep import REP_ATTRIBUTES
from territorial.geo.geocode import Geocoder
from territorial.io.columns import Dialect, resolve_columns
from territorial.io.locating import locate_row, note_column, note_value, parse_zip
from territorial.io.records import Parser, ProblemLog, iter_records
from territorial.io.results import RepFile, UnlocatedRow
from territorial.io.tabular import Cell, read_table
from territorial.io.values import format_number, parse_float, parse_text

__all__ = ["REP_FIELDS", "parse_skills", "read_reps"]

REP_FIELDS: tuple[str, ...] = (*REP_ATTRIBUTES, "first_name", "last_name")

REP_TEMPLATE = Dialect("template", "Territorial rep template", tuple((f, f) for f in REP_FIELDS))
REP_ALIASES = Dialect(
    "common",
    "rep list",
    (
        ("Id", "external_id"),
        ("User ID", "external_id"),
        ("Rep ID", "external_id"),
        ("Employee ID", "external_id"),
        ("Record ID", "external_id"),
        ("Owner ID", "external_id"),
        ("Full Name", "name"),
        ("Name", "name"),
        ("Rep Name", "name"),
        ("Rep", "name"),
        ("Sales Rep", "name"),
        ("First Name", "first_name"),
        ("FirstName", "first_name"),
        ("Last Name", "last_name"),
        ("LastName", "last_name"),
        ("Email", "email"),
        ("E-mail", "email"),
        ("Email Address", "email"),
        ("City", "home_city"),
        ("Home City", "home_city"),
        ("State", "home_state"),
        ("State/Region", "home_state"),
        ("Home State", "home_state"),
        ("Zip", "home_zip"),
        ("ZIP Code", "home_zip"),
        ("Postal Code", "home_zip"),
        ("PostalCode", "home_zip"),
        ("Home ZIP", "home_zip"),
        ("Latitude", "home_latitude"),
        ("Lat", "home_latitude"),
        ("Longitude", "home_longitude"),
        ("Lon", "home_longitude"),
        ("Lng", "home_longitude"),
        ("Skills", "skills"),
        ("Industries", "skills"),
        ("Specialties", "skills"),
        ("Years Experience", "years_experience"),
        ("Years of Experience", "years_experience"),
        ("Experience", "years_experience"),
        ("Capacity", "capacity_hours_per_week"),
        ("Hours per Week", "capacity_hours_per_week"),
        ("Capacity Hours", "capacity_hours_per_week"),
        ("Cost", "yearly_cost"),
        ("Annual Cost", "yearly_cost"),
        ("Yearly Cost", "yearly_cost"),
    ),
)

_SKILL_SPLIT = re.compile(r"[;|]")


def parse_skills(value: Cell) -> list[str]:
    """Skills separated by ``;`` or ``|`` (blank items dropped, order kept, no repeats)."""
    items = (s.strip() for s in _SKILL_SPLIT.split(parse_text(value)))
    return list(dict.fromkeys(s for s in items if s))


_PARSERS: dict[str, Parser] = {
    **{f: parse_text for f in REP_FIELDS},
    "home_zip": parse_zip,
    "home_latitude": parse_float,
    "home_longitude": parse_float,
    "skills": parse_skills,
    "years_experience": parse_float,
    "capacity_hours_per_week": parse_float,
    "yearly_cost": parse_float,
}
_NAMES = {
    "latitude": "home_latitude",
    "longitude": "home_longitude",
    "zip": "home_zip",
    "city": "home_city",
    "state": "home_state",
    "country": "home_country",
}


def _state(geocoder: Geocoder, state: str | None) -> str | None:
    return (geocoder.state_code(state) or state) if state else None


def read_reps(
    path: Path,
    mapping: dict[str, str] | None = None,
    *,
    allow_short_rows: bool = False,
    progress: Callable[[int, int], None] | None = None,
    geocoder: Geocoder | None = None,
) -> RepFile:
    """Read reps and geocode their homes; a home that cannot be placed is a warning.

    ``allow_short_rows`` reads a CSV row shorter than the header with its missing cells
    empty (else such a row is a problem). Raises :class:`InputRejected` with every
    problem found.
    """
    path = Path(path)
    table = read_table(path)
    file = table.file
    plan = resolve_columns(
        table.header,
        (REP_TEMPLATE,),
        REP_FIELDS,
        mapping,
        file,
        table.header_row,
        common=REP_ALIASES,
    )
    found = ", ".join(h for h in table.header if h) or "none"
    missing = []
    # a rep list of names and emails (a CRM's user export) has no id: the email is one
    id_field = (
        "external_id" if "external_id" in plan.fields or "email" not in plan.fields else "email"
    )
    if id_field not in plan.fields:
        missing.append("a rep id (e.g. external_id, Id, Employee ID, or Email)")
    if "name" not in plan.fields and not {"first_name", "last_name"} <= plan.fields.keys():
        missing.append("a rep name (e.g. name, Full Name, or First Name and Last Name)")
    if missing:
        raise InputRejected(
            [
                Problem(
                    file, None, None, None, f"missing required column: {m}; columns found: {found}"
                )
                for m in missing
            ]
        )
    log = ProblemLog(file)
    warnings = ProblemLog(file, kind="warnings")
    warnings.extend(plan.warnings)
    if id_field == "email":
        warnings.add(
            None, plan.column("email"), None, "no rep id column: each rep's email is their id"
        )
    geocoder = geocoder or Geocoder.shared()
    result = RepFile(
        path=path,
        format=plan.format,
        format_label=plan.label,
        reps=[],
        extra_columns=[plan.header[i].strip() for i in plan.extra],
        columns={f: plan.header[i] for f, i in plan.fields.items()},
    )
    located: Counter[LocatedBy] = Counter()
    first_row: dict[str, int] = {}
    id_col = plan.column(id_field)
    rows = 0
    for rec in iter_records(
        table, plan, _PARSERS, log, progress, allow_short_rows=allow_short_rows
    ):
        rows += 1
        v = rec.values
        ext_id = v.get(id_field)
        name = v.get("name") or " ".join(p for p in (v.get("first_name"), v.get("last_name")) if p)
        if not ext_id:
            if rec.missing(id_field):
                log.add(rec.row, id_col, None, "missing rep id")
            continue
        if ext_id in first_row:
            log.add(
                rec.row, id_col, ext_id, f"duplicate rep id; first seen on row {first_row[ext_id]}"
            )
            continue
        first_row[ext_id] = rec.row
        if not name:
            if rec.missing("name"):
                log.add(rec.row, plan.column("name"), None, "missing rep name")
            continue
        bad = False
        for f in ("years_experience", "capacity_hours_per_week", "yearly_cost"):
            x = v.get(f)
            if x is not None and x < 0:
                log.add(rec.row, plan.column(f), format_number(x), "must not be negative")
                bad = True
        loc = locate_row(v, rec.row, plan, log, geocoder, _NAMES, rec.failed)
        if bad or loc is None:
            continue
        rep = Rep(
            external_id=ext_id,
            name=name,
            email=v.get("email"),
            home_city=v.get("home_city"),
            home_state=_state(geocoder, v.get("home_state")),
            home_zip=v.get("home_zip"),
            home_latitude=loc.latitude,
            home_longitude=loc.longitude,
            skills=v.get("skills", []),
            years_experience=v.get("years_experience"),
            capacity_hours_per_week=v.get("capacity_hours_per_week"),
            yearly_cost=v.get("yearly_cost"),
        )
        located[loc.located_by] += 1
        if loc.located_by is LocatedBy.UNLOCATED:
            reason = loc.note or "could not be located"
            result.unlocated.append(UnlocatedRow(rec.row, ext_id, reason))
            warnings.add(
                rec.row,
                note_column(loc, plan, _NAMES),
                note_value(loc, v, _NAMES),
                f"home cannot be located: {reason}",
            )
        elif loc.note:
            warnings.add(
                rec.row,
                note_column(loc, plan, _NAMES),
                note_value(loc, v, _NAMES),
                loc.remark("home "),
            )
        result.reps.append(rep)
    if rows == 0 and not log.total:
        raise InputRejected(
            [Problem(file, None, None, None, "the file has a header but no data rows")]
        )
    log.raise_if_any()
    result.located = {how: located[how] for how in LocatedBy if located[how]}
    result.warnings = warnings.listed()
    return result
