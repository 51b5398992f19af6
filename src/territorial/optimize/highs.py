"""A quiet HiGHS solver object (HiGHS prints a banner to stdout on its first creation)."""

from __future__ import annotations

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
