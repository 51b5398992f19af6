"""The note of a design that missed: what missed, joined without stray separators."""

from __future__ import annotations

from territorial.services.design import DesignRequest, SegmentResult, _infeasible_note


def _segment(misses: list[tuple[str, str, float]], disconnected: list[str]) -> SegmentResult:
    return SegmentResult(
        segment=None,
        units=1871,
        territories=15,
        feasible=False,
        max_deviation={},
        diameter_km=0.0,
        travel=0.0,
        moves=0,
        moved_weight=0.0,
        runtime=27.4,
        iterations=1,
        disconnected=disconnected,
        misses=misses,
    )


def test_a_plan_only_cut_in_pieces_names_the_territory_and_the_locks() -> None:
    note = _infeasible_note(
        _segment([], ["Central-3"]), DesignRequest(name="Z", territories=15, by="zip")
    )
    assert "(not contiguous: Central-3)" in note
    assert "unlock accounts locked far from their territory" in note


def test_misses_and_pieces_are_joined_by_one_separator() -> None:
    segment = _segment([("potential", "East-1", 0.082)], ["Central-3"])
    note = _infeasible_note(segment, DesignRequest(name="Z", territories=15, by="zip"))
    assert "(potential +8.2% in East-1; not contiguous: Central-3)" in note


def test_a_balance_miss_alone_does_not_mention_locks() -> None:
    note = _infeasible_note(
        _segment([("workload", "West-5", -0.152)], []),
        DesignRequest(name="Z", territories=15, by="county"),
    )
    assert "(workload -15.2% in West-5)" in note and "unlock" not in note
    assert "counties are coarse" in note
