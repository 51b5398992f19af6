"""The design names the reps who live far from the accounts their territory holds."""

from __future__ import annotations

from territorial.services.design_reps import RepDistance, far_reps_note


def rep(name: str, mean_km: float | None, located: int) -> RepDistance:
    return RepDistance(f"T-{name}", name, located, None, mean_km, located)


def test_a_rep_more_than_twice_the_plan_mean_from_their_accounts_is_named() -> None:
    # plan mean (weighted by located accounts): (100*100 + 120*100 + 500*50) / 250 = 188
    note = far_reps_note([rep("Ann", 100, 100), rep("Bo", 120, 100), rep("Cy", 500, 50)])
    assert note is not None
    assert note.startswith("far from their accounts: Cy (T-Cy, 500 km), against 188 km")
    assert "Ann" not in note and "Bo" not in note


def test_no_note_when_every_rep_is_near_or_nothing_is_known() -> None:
    assert far_reps_note([rep("Ann", 100, 100), rep("Bo", 190, 100)]) is None
    assert far_reps_note([rep("Ann", None, 0), RepDistance("T", None, 3, None, None, 3)]) is None
    assert far_reps_note([]) is None


def test_a_design_that_ignored_homes_says_so_instead_of_blaming_the_balance() -> None:
    reps = [rep("Ann", 100, 100), rep("Bo", 120, 100), rep("Cy", 500, 50)]
    note = far_reps_note(reps, homes_ignored=True)
    assert note is not None and "Cy (T-Cy, 500 km)" in note
    assert "diameter objective" in note and "travel objective" in note
    assert "balance gives" not in note
    assert "diameter" not in (far_reps_note(reps) or "")
