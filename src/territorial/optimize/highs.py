"""A quiet HiGHS solver object (HiGHS prints a banner to stdout on its first creation)."""

from __future__ import annotations

import math
import os
import sys

import highspy

_banner_shown = False


def new_highs(threads: int = 1) -> highspy.Highs:
    """A ``highspy.Highs`` with logging off and a fixed random seed."""
    global _banner_shown
    if not _banner_shown:  # swallow the one-time banner written to file descriptor 1
        sys.stdout.flush()
        saved = os.dup(1)
        devnull = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(devnull, 1)
            h = highspy.Highs()  # type: ignore[no-untyped-call]
        finally:
            os.dup2(saved, 1)
            os.close(saved)
            os.close(devnull)
        _banner_shown = True
    else:
        h = highspy.Highs()  # type: ignore[no-untyped-call]
    h.setOptionValue("output_flag", False)
    h.setOptionValue("threads", int(threads))
    h.setOptionValue("random_seed", 0)
    return h


def set_limits(h: highspy.Highs, seconds: float, nodes: int | None = None) -> None:
    """A limit of ``seconds`` from now (none when infinite); a branch-and-bound node
    limit when ``nodes`` is given (work, not time: the same answer on a busy machine)."""
    # HiGHS compares its limit with the object's run time summed over every run(), so a
    # model solved again (cut rounds, MIP rounds, warm LPs) counts its earlier solves
    limit = h.getRunTime() + max(0.1, seconds) if math.isfinite(seconds) else math.inf
    h.setOptionValue("time_limit", float(limit))
    if nodes is not None:
        h.setOptionValue("mip_max_nodes", int(nodes))
