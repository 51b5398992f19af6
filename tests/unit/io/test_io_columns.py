from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from territorial.domain import InputRejected
from territorial.io.columns import (
    ACCOUNT_DIALECTS,
    ACCOUNT_FIELDS,
    header_key,
    parse_mapping,
    resolve_columns,
)


def plan(header: list[str], mapping: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    return resolve_columns(header, ACCOUNT_DIALECTS, ACCOUNT_FIELDS, mapping, "f.csv")


def test_header_key_ignores_case_whitespace_and_underscores() -> None:
    assert header_key(" Billing  City ") == header_key("BillingCity") == header_key("billing_city")


def test_salesforce_api_names() -> None:
    p = plan(["Id", "Name", "BillingPostalCode", "Type", "Owner", "Custom__c"])
    assert p.format == "salesforce"
    assert p.fields == {"external_id": 0, "name": 1, "zip": 2, "status": 3, "owner": 4}
    assert [p.header[i] for i in p.extra] == ["Custom__c"]


def test_salesforce_custom_fields_match_their_plain_names() -> None:
    p = plan(["Id", "Name", "OwnerId", "Potential__c", "Competitor_Present__c", "Region__c"])
    assert p.format == "salesforce"
    assert p.column("potential") == "Potential__c"
    assert p.column("competitor_presence") == "Competitor_Present__c"
    assert [p.header[i] for i in p.extra] == ["Region__c"]
    assert header_key("Visits_per_Year__c") == header_key("Visits per Year")
    assert header_key("__c") != header_key("")


@pytest.mark.parametrize("header", ["Competitor", "Competitor Present", "Has Competitor"])
def test_competitor_columns(header: str) -> None:
    assert plan(["Name", "Zip", header]).column("competitor_presence") == header


def test_salesforce_report_labels() -> None:
    p = plan(
        [
            "Account ID",
            "Account Name",
            "Billing Zip/Postal Code",
            "Billing State/Province",
            "Account Owner",
        ]
    )
    assert p.format == "salesforce"
    assert p.column("zip") == "Billing Zip/Postal Code"
    assert p.column("state") == "Billing State/Province"


def test_hubspot() -> None:
    p = plan(
        [
            "Record ID",
            "Company name",
            "Postal Code",
            "State/Region",
            "Lifecycle Stage",
            "Company owner",
        ]
    )
    assert p.format == "hubspot"
    assert p.column("status") == "Lifecycle Stage"
    assert p.column("owner") == "Company owner"


def test_zoho() -> None:
    p = plan(
        [
            "Record Id",
            "Account Name",
            "Billing Code",
            "Billing State",
            "Territories",
            "Account Owner",
            "Account Type",
        ]
    )
    assert p.format == "zoho"
    assert p.column("territory") == "Territories"
    assert p.column("zip") == "Billing Code"


def test_template_in_any_case() -> None:
    p = plan([f.upper() for f in ACCOUNT_FIELDS])
    assert p.format == "template"
    assert set(p.fields) == set(ACCOUNT_FIELDS)


def test_second_column_for_a_field_is_kept_as_extra_with_a_warning() -> None:
    p = plan(["Id", "Name", "OwnerId", "Owner"])
    assert p.column("owner") == "Owner"
    assert [p.header[i] for i in p.extra] == ["OwnerId"]
    assert p.warnings[0].column == "OwnerId"


def test_mapping_overrides_detection() -> None:
    p = plan(["Cust No", "Customer", "PLZ"], {"Cust No": "external_id", "plz": "zip"})
    assert p.fields == {"external_id": 0, "name": 1, "zip": 2}
    assert p.format == "custom"


def test_mapping_names_missing_column_and_unknown_field() -> None:
    with pytest.raises(InputRejected) as e:
        plan(["A", "B"], {"Cust No": "external_id", "A": "colour"})
    messages = [p.message for p in e.value.problems]
    assert any("'Cust No' is not in the file; columns found: A, B" in m for m in messages)
    assert any("unknown field 'colour'" in m for m in messages)


def test_parse_mapping() -> None:
    assert parse_mapping(["Cust No=external_id", " PLZ = zip "]) == {
        "Cust No": "external_id",
        "PLZ": "zip",
    }
    assert parse_mapping(["a=b=name"]) == {"a=b": "name"}


def test_parse_mapping_names_every_bad_item() -> None:
    with pytest.raises(InputRejected) as e:
        parse_mapping(["good=name", "nofield", "=zip", "x="])
    assert [p.value for p in e.value.problems] == ["nofield", "=zip", "x="]
    assert all(p.message == "expected COLUMN=FIELD" for p in e.value.problems)


def test_parse_mapping_checks_fields_when_given() -> None:
    with pytest.raises(InputRejected) as e:
        parse_mapping(["A=nme"], ACCOUNT_FIELDS)
    assert "unknown field 'nme'" in e.value.problems[0].message


_names = st.text(
    st.characters(blacklist_characters="=\r\n", blacklist_categories=("Cs",)),
    min_size=1,
    max_size=20,
).filter(lambda s: s.strip() == s and s != "")


@given(st.dictionaries(_names, st.sampled_from(ACCOUNT_FIELDS), max_size=8))
def test_parse_mapping_round_trips(mapping: dict[str, str]) -> None:
    items = [f"{k}={v}" for k, v in mapping.items()]
    assert parse_mapping(items, ACCOUNT_FIELDS) == mapping
