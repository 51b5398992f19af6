"""Options as people type them: 10%, 0.1, potential=5%,workload=10%, T=1.2, a,b."""

from __future__ import annotations

import math

from territorial.domain import OptionError


def parse_fraction(text: str, option: str) -> float:
    """'10%' -> 0.1, '0.1' -> 0.1, '25' -> 25.0 (a count); finite and not negative.

    A bad value is an :class:`OptionError` naming ``option`` (the request's field).
    """
    try:
        stripped = text.strip()
        percent = stripped.endswith("%")
        value = float(stripped[:-1]) / 100.0 if percent else float(stripped)
    except ValueError:
        raise OptionError(option, f"expected a number or a percentage, got {text!r}") from None
    if not math.isfinite(value) or value < 0:
        raise OptionError(option, f"expected a finite number of 0 or more, got {text!r}")
    return value


def parse_names(text: str) -> tuple[str, ...]:
    """'potential, workload' -> ('potential', 'workload'); blanks dropped."""
    return tuple(name.strip() for name in text.split(",") if name.strip())


def parse_tolerance(text: str) -> float | dict[str, float]:
    """'0.05' or '5%' for all measures, or 'potential=0.05,workload=10%'."""
    if "=" not in text:
        return parse_fraction(text, "tolerance")
    out: dict[str, float] = {}
    for item in text.split(","):
        name, _, value = item.partition("=")
        out[name.strip()] = parse_fraction(value, "tolerance")
    return out


def parse_targets(items: list[str]) -> dict[str, float]:
    out: dict[str, float] = {}
    for item in items:
        name, sep, value = item.rpartition("=")
        if not sep or not name:
            raise OptionError("target", f"expected TERRITORY=MULTIPLE, got {item!r}")
        out[name.strip()] = parse_fraction(value, "target")
    return out
