"""A command group that imports a command's module only when that command runs.

The table maps each name to ``"module:attr"`` (a Typer app or a command function) and
its one-line help, so ``territorial --help`` lists every command without importing any
of them. ``tests/e2e/cli`` checks the table's help against the commands' own.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module
from typing import Any, ClassVar

import typer
from typer import _click as click  # the click that Typer vendors and builds on
from typer.core import TyperCommand, TyperGroup, TyperOption


@dataclass(frozen=True)
class Lazy:
    """Where a command lives, its one-line help, and whether ``--help`` lists it."""

    target: str
    help: str
    hidden: bool = False


def load(name: str, entry: Lazy) -> click.Command:
    """Import ``entry.target`` and turn it into a click command called ``name``."""
    module, attr = entry.target.split(":")
    obj: Any = getattr(import_module(module), attr)
    if isinstance(obj, typer.Typer):
        command: click.Command = typer.main.get_group(obj)
    else:
        single = typer.Typer(add_completion=False)
        single.command(name)(obj)
        command = typer.main.get_command(single)
    command.name = name
    command.hidden = entry.hidden
    return command


class LazyGroup(TyperGroup):
    """A Typer group whose ``table`` commands load on first use; help lists them unloaded."""

    table: ClassVar[dict[str, Lazy]] = {}
    _listing = False

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [*super().list_commands(ctx), *(n for n in self.table if n not in self.commands)]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        found = self.commands.get(cmd_name)
        if found is not None:
            return found
        entry = self.table.get(cmd_name)
        if entry is None:
            return None
        if self._listing:  # a stand-in carrying the name and help: nothing imported
            return TyperCommand(name=cmd_name, help=entry.help, hidden=entry.hidden)
        command = self.commands[cmd_name] = load(cmd_name, entry)
        return command

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        self._listing = True
        try:
            super().format_help(ctx, formatter)
        finally:
            self._listing = False


def _flag_type(param: TyperOption, ctx: click.Context) -> str | None:
    """No ``<bool>`` beside a flag in help: ``--json``, not ``--json <bool>``."""
    return None if param.is_flag else _option_type(param, ctx)


_option_type = TyperOption.display_type_rich
TyperOption.display_type_rich = _flag_type  # type: ignore[method-assign,assignment]
