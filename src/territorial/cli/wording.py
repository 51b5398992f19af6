"""The CLI's words for the options and steps a service error names: flags and commands."""

from __future__ import annotations

from territorial.domain.errors import MissingStep, OptionError

# request fields whose flag is not ``--`` + the field with dashes
FLAGS = {"base": "--scenario"}
# the command that does a step of the cycle a service found missing
STEPS = {"quotas": "territorial quota set --period ... --total ..."}


def flag(option: str) -> str:
    """The flag of a request field: ``max_moves`` -> ``--max-moves``."""
    return FLAGS.get(option, "--" + option.replace("_", "-"))


def worded(exc: BaseException) -> str:
    """A service error as the CLI says it: options as flags, steps as commands."""
    if isinstance(exc, OptionError):
        return exc.worded(flag)
    if isinstance(exc, MissingStep):
        command = STEPS.get(exc.step)
        return f"{exc.reason}; set them first: {command}" if command else str(exc)
    return str(exc)
