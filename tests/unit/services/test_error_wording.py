"""Services speak the domain; the CLI says flags and commands, the web form fields and pages."""

from __future__ import annotations

import pytest

from territorial.cli import wording as cli
from territorial.domain.design_choices import CentresRule, Objective, UnitKind, choice, choices
from territorial.domain.errors import MissingStep, OptionError, TerritorialError
from territorial.services.design import DesignRequest
from territorial.services.design_options import parse_fraction, parse_targets, parse_tolerance
from territorial.web import errors as web


def test_a_bad_value_names_the_flag_in_the_cli_and_the_field_on_the_web() -> None:
    exc = OptionError("max_moves", "must be 0 or more")
    assert cli.worded(exc) == "--max-moves: must be 0 or more"
    assert web.worded(exc) == "the move cap: must be 0 or more"
    assert "--" not in str(exc) and "must be 0 or more" in str(exc)


def test_a_remedy_is_a_flag_to_use_in_the_cli_and_a_box_to_tick_on_the_web() -> None:
    exc = OptionError("force", "'T1' misses potential", "publish anyway")
    assert cli.worded(exc) == "'T1' misses potential; use --force to publish anyway"
    assert web.worded(exc) == "'T1' misses potential; tick the force box to publish anyway"
    assert "--force" not in str(exc)


def test_a_remedy_the_web_has_no_field_for_points_to_the_command_line() -> None:
    exc = OptionError("users", "2 reps have no User Id", "match them by email")
    assert cli.worded(exc) == "2 reps have no User Id; use --users to match them by email"
    assert web.worded(exc) == "2 reps have no User Id; to match them by email, use the command line"


def test_a_field_with_another_flag_uses_it() -> None:
    assert cli.worded(OptionError("base", "no such scenario")) == "--scenario: no such scenario"


def test_a_missing_step_is_a_command_in_the_cli_and_a_page_on_the_web() -> None:
    exc = MissingStep("no quotas cover 2026 in scenario 'A'", "quotas")
    assert "territorial quota set" in cli.worded(exc)
    assert "the Quotas page" in web.worded(exc) and "territorial" not in web.worded(exc)
    assert isinstance(exc, TerritorialError)


def test_other_errors_are_worded_as_they_are() -> None:
    exc = TerritorialError("no scenario named 'X'")
    assert cli.worded(exc) == web.worded(exc) == "no scenario named 'X'"


@pytest.mark.parametrize(
    ("call", "option"),
    [
        (lambda: parse_fraction("ten", "max_moves"), "max_moves"),
        (lambda: parse_tolerance("potential=-1"), "tolerance"),
        (lambda: parse_targets(["T1"]), "target"),
    ],
)
def test_design_options_name_the_field_not_a_flag(call: object, option: str) -> None:
    with pytest.raises(OptionError) as caught:
        call()  # type: ignore[operator]
    assert caught.value.option == option and "--" not in str(caught.value)


def test_choices_are_enums_that_read_their_text() -> None:
    assert choices(UnitKind) == ["account", "zip", "county"]
    assert choice(CentresRule, "reps", "centres") is CentresRule.REPS
    with pytest.raises(OptionError) as caught:
        choice(Objective, "shortest", "objective")
    assert caught.value.option == "objective" and "travel, diameter" in caught.value.reason


def test_a_design_request_reads_choices_given_as_text() -> None:
    request = DesignRequest(
        name="x",
        territories=2,
        by="zip",
        objective="diameter",  # type: ignore[arg-type]
        centres="free",
    )  # type: ignore[arg-type]
    assert request.by is UnitKind.ZIP and request.objective is Objective.DIAMETER
    assert request.centres is CentresRule.FREE
    with pytest.raises(OptionError) as caught:
        DesignRequest(name="x", territories=2, by="state")  # type: ignore[arg-type]
    assert caught.value.option == "by"
