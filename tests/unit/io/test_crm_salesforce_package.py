"""Salesforce packages built from random scenarios: the rules hold and a realignment
deletes and inserts exactly the associations of the accounts that moved."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from territorial.domain import Scenario, Territory, TerritoryLevel
from territorial.io.crm import check_salesforce_package, is_developer_name, salesforce_package

NAMES = st.text(alphabet=st.sampled_from(list("ab1 _-=é.")), min_size=1, max_size=12)
ACCOUNTS = [f"001{i:012d}AAA" for i in range(12)]
USERS = {f"R{i}": f"005{i:012d}AAA" for i in range(4)}


@st.composite
def scenarios(draw: st.DrawFn, name: str) -> Scenario:
    names = draw(st.lists(NAMES, min_size=1, max_size=6, unique=True))
    territories = []
    for i, n in enumerate(names):
        parent = draw(st.sampled_from([None, *names[:i]]))  # parents come earlier: no cycles
        level = TerritoryLevel.REGION if parent is None and i == 0 else TerritoryLevel.TERRITORY
        rep = draw(st.sampled_from([None, *USERS]))
        territories.append(Territory(n, level, parent, rep))
    assignments = {
        a: draw(st.sampled_from(names)) for a in ACCOUNTS if draw(st.booleans()) or a == ACCOUNTS[0]
    }
    return Scenario(name, territories=territories, assignments=assignments)


def _rows(package: object, suffix: str) -> list[dict[str, str]]:
    files = [f for f in package.files if f.name.endswith(suffix)]  # type: ignore[attr-defined]
    return [dict(zip(f.header, r, strict=True)) for f in files for r in f.rows]


@settings(max_examples=150, deadline=None)
@given(scenarios("Before"), scenarios("After"))
def test_realignment_package_rules_and_moves(before: Scenario, after: Scenario) -> None:
    ids = {a: a for a in ACCOUNTS}
    full = salesforce_package(before, ids, USERS)
    check_salesforce_package(full)
    inserted = _rows(full, "ObjectTerritory2Association_insert.csv")
    assert len(inserted) == len(before.assignments)
    delta = salesforce_package(after, ids, USERS, previous=before)
    loaded = {r["DeveloperName"] for r in _rows(full, ".csv") if "DeveloperName" in r}
    check_salesforce_package(delta, loaded)  # every reference is loaded or created earlier
    changed = _rows(delta, "Territory2_update.csv") + _rows(delta, "Territory2_delete.csv")
    assert {r["DeveloperName"] for r in changed} <= loaded
    moved = {a for a in ACCOUNTS if before.assignments.get(a) != after.assignments.get(a)}
    deletes = _rows(delta, "ObjectTerritory2Association_delete.csv")
    inserts = _rows(delta, "ObjectTerritory2Association_insert.csv")
    assert {d["ObjectId"] for d in deletes} == {a for a in moved if a in before.assignments}
    assert {i["ObjectId"] for i in inserts} == {a for a in moved if a in after.assignments}
    names = [r["DeveloperName"] for r in _rows(delta, ".csv") if r.get("DeveloperName")]
    assert all(is_developer_name(n) for n in names)
    # a territory keeps its DeveloperName from the full export to the realignment
    full_dev = {
        r["Name"]: r["DeveloperName"]
        for r in _rows(full, ".csv")
        if "Name" in r and r.get("Territory2ModelId")
    }
    delta_dev = {
        r["Name"]: r["DeveloperName"]
        for r in _rows(delta, ".csv")
        if "Name" in r and r.get("Territory2ModelId")
    }
    assert not set(full_dev) & set(delta_dev)  # existing territories are not inserted again
