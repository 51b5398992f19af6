"""Salesforce DeveloperNames: valid, unique and stable whatever the territory names."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from territorial.io.crm import developer_name, developer_names, is_developer_name

hostile = st.lists(
    st.sampled_from([*"aZ09_ _-.'\"=+@é中\t\n", "__", "Ⅻ", "\u0301", "ß", "x" * 40]), max_size=60
).map("".join) | st.text(max_size=100)


@settings(max_examples=300, deadline=None)
@given(st.lists(hostile, max_size=30))
def test_developer_names_are_valid_and_unique(names: list[str]) -> None:
    result = developer_names(names)
    assert set(result) == set(names)
    assert all(is_developer_name(d) for d in result.values())
    lowered = [d.lower() for d in result.values()]
    assert len(set(lowered)) == len(lowered)  # unique, case-insensitively like Salesforce


@settings(max_examples=150, deadline=None)
@given(st.lists(hostile, min_size=1, max_size=15), hostile)
def test_a_name_that_collides_with_nobody_keeps_its_developer_name(
    names: list[str], other: str
) -> None:
    before = developer_names(names)
    after = developer_names([*names, other])
    clean = {developer_name(n).lower() for n in names}
    # adding a territory whose clean name is new renames no existing territory
    if developer_name(other).lower() not in clean:
        assert all(after[n] == before[n] for n in names)


def test_examples() -> None:
    assert developer_name("East - 2 (Boston)") == "East_2_Boston"
    assert developer_name("2nd Region") == "T_2nd_Region"
    assert developer_name("Café Müller") == "Cafe_Muller"
    assert developer_name("___") == "T"
    assert len(developer_name("x" * 200)) == 80
    names = developer_names(["West 1", "West-1", "West_1"])
    assert names["West_1"] == "West_1"  # the name that is already clean keeps it
    assert names["West 1"].startswith("West_1_") and names["West-1"].startswith("West_1_")
    assert not is_developer_name("a__b") and not is_developer_name("a_")
    assert not is_developer_name("1a") and is_developer_name("a1_b")
