"""Extra columns are stored as text; those that read as numbers are measures."""

from __future__ import annotations

from territorial.domain import Account
from territorial.services.frame import _extra_measures


def test_numeric_text_columns_are_measures_and_others_are_not() -> None:
    accounts = [
        Account("1", "A", extra={"Score": "1,500", "Code": "007", "Segment": "SMB"}),
        Account("2", "B", extra={"Score": "2.5", "Code": "X1"}),
        Account("3", "C", extra={"Score": 4.0, "Segment": "Enterprise"}),  # stored before 0.1
        Account("4", "D", extra={}),
    ]
    measures = _extra_measures(accounts)
    assert sorted(measures) == ["Score"]
    assert measures["Score"].tolist() == [1500.0, 2.5, 4.0, 0.0]
