"""Salesforce Enterprise Territory Management: CSV files for Data Loader.

Built from domain objects only (no storage): :func:`salesforce_package` turns a scenario
(and, for a realignment, the published alignment it replaces) into the files to load,
in load order, with a README. Records that do not exist in Salesforce yet are referred
to by their ``DeveloperName`` until their ids are known; :func:`read_salesforce_ids`
reads Data Loader success files or SOQL exports to fill them in.
"""

from __future__ import annotations

import csv
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from territorial.domain import Scenario, TerritorialError, Territory, TerritoryLevel
from territorial.io.crm.developer_names import developer_name, developer_names, is_developer_name
from territorial.io.crm.ids import is_salesforce_id
from territorial.io.crm.package import CrmPackage, CsvFile
from territorial.io.crm.readme import salesforce_readme

__all__ = [
    "KnownIds",
    "check_salesforce_package",
    "read_salesforce_ids",
    "read_salesforce_users",
    "salesforce_package",
]

ASSOCIATION_CAUSE = "Territory2Manual"
_LEVEL_PRIORITY = {
    TerritoryLevel.REGION: 1,
    TerritoryLevel.DISTRICT: 2,
    TerritoryLevel.TERRITORY: 3,
}


def _key(record_id: str) -> str:
    """Ids compare on their 15 case-sensitive characters (18-character ids add a checksum)."""
    return record_id.strip()[:15]


@dataclass
class KnownIds:
    """Ids of records already in Salesforce: by DeveloperName (any case), and of
    associations by (ObjectId or UserId, Territory2Id)."""

    by_name: dict[str, str] = field(default_factory=dict)
    associations: dict[tuple[str, str], str] = field(default_factory=dict)

    def name(self, developer: str) -> str | None:
        return self.by_name.get(developer.lower())

    def association(self, member: str, territory_id: str) -> str | None:
        return self.associations.get((_key(member), _key(territory_id)))


def read_salesforce_ids(paths: Sequence[Path]) -> KnownIds:
    """Read ids from Data Loader success files or SOQL exports (CSV with an ``Id``
    column and ``DeveloperName``, or ``ObjectId``/``UserId`` and ``Territory2Id``)."""
    known = KnownIds()
    for path in paths:
        with open(path, encoding="utf-8-sig", newline="") as f:
            reader = csv.DictReader(f)
            fields = {(h or "").strip().lower(): h for h in reader.fieldnames or []}
            if "id" not in fields:
                raise TerritorialError(
                    f"{path}: no Id column (columns: {', '.join(reader.fieldnames or [])})"
                )
            for raw in reader:
                row = {k: (raw.get(h) or "").strip() for k, h in fields.items()}
                record_id = row["id"]
                if not record_id:
                    continue
                if row.get("developername"):
                    known.by_name[row["developername"].lower()] = record_id
                member = row.get("objectid") or row.get("userid")
                if member and row.get("territory2id"):
                    known.associations[(_key(member), _key(row["territory2id"]))] = record_id
    return known


def read_salesforce_users(path: Path) -> dict[str, str]:
    """Lower-cased Email and Username -> Id, from a Salesforce User export (CSV)."""
    users: dict[str, str] = {}
    with open(path, encoding="utf-8-sig", newline="") as f:
        reader = csv.DictReader(f)
        fields = {(h or "").strip().lower(): h for h in reader.fieldnames or []}
        if "id" not in fields:
            raise TerritorialError(f"{path}: a User export needs an Id column")
        for row in reader:
            record_id = (row.get(fields["id"]) or "").strip()
            for name in ("email", "username"):
                value = (row.get(fields[name]) or "").strip().lower() if name in fields else ""
                if record_id and value:
                    users.setdefault(value, record_id)
    return users


def _depths(territories: Sequence[Territory]) -> dict[str, int]:
    by_name = {t.name: t for t in territories}
    depth: dict[str, int] = {}
    for t in territories:
        chain: list[str] = []
        node: Territory | None = t
        while node is not None and node.name not in depth and node.name not in chain:
            chain.append(node.name)
            node = by_name.get(node.parent) if node.parent else None
        base = depth[node.name] if node is not None and node.name in depth else 0
        for offset, name in enumerate(reversed(chain), start=1):
            depth[name] = base + offset
    return depth


def _parent(t: Territory, names: set[str]) -> str | None:
    return t.parent if t.parent and t.parent in names and t.parent != t.name else None


@dataclass
class _Refs:
    dev: dict[str, str]  # territory name -> DeveloperName
    known: KnownIds

    def ref(self, developer: str) -> str:
        """The record's Id when known, else its DeveloperName (to be replaced)."""
        return self.known.name(developer) or developer

    def territory(self, name: str) -> str:
        return self.ref(self.dev[name])


def _type_name(level: TerritoryLevel) -> str:
    return f"Territorial_{level.value.title()}"


def salesforce_package(
    scenario: Scenario,
    account_ids: Mapping[str, str],
    user_ids: Mapping[str, str],
    *,
    previous: Scenario | None = None,
    known: KnownIds | None = None,
    role: str = "",
) -> CrmPackage:
    """The Data Loader files for ``scenario``.

    Without ``previous``: the whole model (types, model, territories level by level,
    user and account associations). With ``previous`` (the published alignment, already
    in Salesforce in the model named after it): only the changes, that is new
    territories, parents that changed, the associations to delete and to insert for the
    accounts that moved and the territories whose rep changed, and the territories
    that no longer exist.

    ``account_ids`` maps account external ids to Salesforce Account Ids (every account
    to write must be there); ``user_ids`` maps rep external ids to User Ids (reps
    missing from it get no user association).
    """
    known = known or KnownIds()
    old = previous.territories if previous else []
    names = {t.name for t in scenario.territories}
    old_names = {t.name for t in old}
    # The published alignment's names are exactly those its own full export gave; new
    # territories get names that none of them has, so nothing loaded is renamed.
    dev = developer_names(
        [*(t.name for t in old), *(previous.assignments.values() if previous else ())]
    )
    fresh = [
        n
        for n in (*(t.name for t in scenario.territories), *scenario.assignments.values())
        if n not in dev
    ]
    dev |= developer_names(fresh, taken=dev.values())
    refs = _Refs(dev, known)
    model = previous.name if previous else scenario.name
    model_dev = developer_name(model, "M")
    files: list[CsvFile] = []

    new_territories = [t for t in scenario.territories if t.name not in old_names]
    old_levels = {t.level for t in old}
    levels = sorted(
        {t.level for t in new_territories} - old_levels, key=lambda lv: _LEVEL_PRIORITY[lv]
    )
    if levels:
        files.append(
            CsvFile(
                "Territory2Type_insert.csv",
                "Territory2Type",
                "insert",
                ("DeveloperName", "MasterLabel", "Priority", "Description"),
                [
                    (
                        _type_name(lv),
                        lv.value.title(),
                        str(_LEVEL_PRIORITY[lv]),
                        f"Territorial {lv.value}",
                    )
                    for lv in levels
                ],
            )
        )
    if previous is None:
        files.append(
            CsvFile(
                "Territory2Model_insert.csv",
                "Territory2Model",
                "insert",
                ("DeveloperName", "Name", "Description"),
                [(model_dev, model[:80], f"Territorial scenario {model}"[:255])],
            )
        )
    depth = _depths(scenario.territories)
    by_depth: dict[int, list[Territory]] = {}
    for t in new_territories:
        by_depth.setdefault(depth[t.name], []).append(t)
    for level_no in sorted(by_depth):
        files.append(
            CsvFile(
                f"Territory2_insert_level{level_no}.csv",
                "Territory2",
                "insert",
                (
                    "DeveloperName",
                    "Name",
                    "Territory2ModelId",
                    "Territory2TypeId",
                    "ParentTerritory2Id",
                    "Description",
                ),
                [
                    (
                        dev[t.name],
                        t.name[:80],
                        refs.ref(model_dev),
                        refs.ref(_type_name(t.level)),
                        refs.territory(p) if (p := _parent(t, names)) else "",
                        t.level.value,
                    )
                    for t in sorted(by_depth[level_no], key=lambda t: dev[t.name])
                ],
            )
        )
    if previous is not None:
        before = {t.name: _parent(t, old_names) for t in old}
        moved_parent = [
            t
            for t in scenario.territories
            if t.name in before and before[t.name] != _parent(t, names)
        ]
        if moved_parent:
            files.append(
                CsvFile(
                    "Territory2_update.csv",
                    "Territory2",
                    "update",
                    ("Id", "DeveloperName", "ParentTerritory2Id"),
                    [
                        (
                            known.name(dev[t.name]) or "",
                            dev[t.name],
                            refs.territory(p) if (p := _parent(t, names)) else "",
                        )
                        for t in sorted(moved_parent, key=lambda t: dev[t.name])
                    ],
                )
            )
    files.extend(_user_files(scenario, previous, user_ids, refs, role))
    files.extend(_object_files(scenario, previous, account_ids, refs))
    if previous is not None:
        gone = sorted(old_names - names, key=lambda n: (-_depths(old).get(n, 0), dev[n]))
        if gone:
            files.append(
                CsvFile(
                    "Territory2_delete.csv",
                    "Territory2",
                    "delete",
                    ("Id", "DeveloperName"),
                    [(known.name(dev[n]) or "", dev[n]) for n in gone],
                )
            )
    for i, f in enumerate(files, start=1):
        f.name = f"{i:02d}_{f.name}"
    package = CrmPackage(files)
    existing = {dev[t.name] for t in old} | {_type_name(t.level) for t in old}
    check_salesforce_package(package, existing | {model_dev} if previous else set())
    package.readme = salesforce_readme(
        package, scenario.name, model, model_dev, previous is not None
    )
    return package


def _pairs(scenario: Scenario | None, user_ids: Mapping[str, str]) -> set[tuple[str, str]]:
    if scenario is None:
        return set()
    return {
        (user_ids[t.rep_external_id], t.name)
        for t in scenario.territories
        if t.rep_external_id and t.rep_external_id in user_ids
    }


def _user_files(
    scenario: Scenario,
    previous: Scenario | None,
    user_ids: Mapping[str, str],
    refs: _Refs,
    role: str,
) -> Iterable[CsvFile]:
    now = _pairs(scenario, user_ids)
    before = _pairs(previous, user_ids)
    names = {t.name for t in scenario.territories}
    removed = sorted((u, t) for u, t in before - now if t in names)  # deleted territories cascade
    added = sorted(now - before, key=lambda p: (refs.dev[p[1]], p[0]))
    yield from _association_files(
        "UserTerritory2Association",
        "UserId",
        ("RoleInTerritory2", role),
        removed,
        added,
        previous is None,
        refs,
    )


def _object_files(
    scenario: Scenario, previous: Scenario | None, account_ids: Mapping[str, str], refs: _Refs
) -> Iterable[CsvFile]:
    now = scenario.assignments
    before = previous.assignments if previous else {}
    moved = sorted(a for a in set(now) | set(before) if now.get(a) != before.get(a))
    deletes = [(account_ids[a], before[a]) for a in moved if a in before]
    inserts = [(account_ids[a], now[a]) for a in moved if a in now]
    yield from _association_files(
        "ObjectTerritory2Association",
        "ObjectId",
        ("AssociationCause", ASSOCIATION_CAUSE),
        deletes,
        inserts,
        previous is None,
        refs,
    )


def _association_files(
    sobject: str,
    member: str,
    extra: tuple[str, str],
    deletes: Sequence[tuple[str, str]],
    inserts: Sequence[tuple[str, str]],
    first: bool,
    refs: _Refs,
) -> Iterable[CsvFile]:
    """The delete and insert files of an association object (users or accounts to
    territories): pairs of (member id, territory name); ``extra`` is the insert's own
    (column, value). The insert file is written even empty on a first export."""
    if deletes:
        yield CsvFile(
            f"{sobject}_delete.csv",
            sobject,
            "delete",
            ("Id", member, "Territory2Id"),
            [
                (refs.known.association(m, refs.territory(t)) or "", m, refs.territory(t))
                for m, t in deletes
            ],
        )
    if inserts or first:
        yield CsvFile(
            f"{sobject}_insert.csv",
            sobject,
            "insert",
            (member, "Territory2Id", extra[0]),
            [(m, refs.territory(t), extra[1]) for m, t in inserts],
        )


def check_salesforce_package(package: CrmPackage, existing: Collection[str] = ()) -> None:
    """Check the rules every export must meet; raise :class:`TerritorialError` if not.

    DeveloperNames are valid and unique per object; every reference (a column ending
    in ``Id``) is a Salesforce id, or the DeveloperName of a record created by an
    earlier file or already in Salesforce (``existing``); inserts of Territory2 and
    associations carry their required fields.
    """
    problems: list[str] = []
    created: set[str] = set()
    for f in package.files:
        header = list(f.header)
        if "DeveloperName" in header and f.operation == "insert":
            i = header.index("DeveloperName")
            seen: set[str] = set()
            for row in f.rows:
                name = row[i]
                if not is_developer_name(name):
                    problems.append(f"{f.name}: invalid DeveloperName {name!r}")
                if name.lower() in seen or name in created:
                    problems.append(f"{f.name}: DeveloperName {name!r} is not unique")
                seen.add(name.lower())
        for row in f.rows:
            for col, value in zip(header, row, strict=True):
                if not col.endswith("Id") or col == "Id" or not value:
                    continue
                if col in ("ObjectId", "UserId"):
                    if not is_salesforce_id(value):
                        problems.append(f"{f.name}: {col} {value!r} is not a Salesforce id")
                elif not (value in created or value in existing or is_salesforce_id(value)):
                    problems.append(f"{f.name}: {col} {value!r} refers to no earlier record")
            if f.object == "Territory2" and f.operation == "insert":
                model, kind = header.index("Territory2ModelId"), header.index("Territory2TypeId")
                if not row[model] or not row[kind]:
                    problems.append(f"{f.name}: territory {row[0]!r} lacks its model or type")
        if "DeveloperName" in header and f.operation == "insert":
            created |= {row[header.index("DeveloperName")] for row in f.rows}
    if problems:
        raise TerritorialError(
            "the Salesforce export breaks its own rules: " + "; ".join(problems[:10])
        )
