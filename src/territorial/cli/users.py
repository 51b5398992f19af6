"""`territorial users ...`: the logins of the web app, and `territorial audit`."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from territorial.cli.common import DbOption, JsonOption, console, print_json, user_errors
from territorial.domain import TerritorialError
from territorial.domain.users import Role

app = typer.Typer(
    help="Logins of the web app: add, list, change passwords, disable.", no_args_is_help=True
)

PASSWORD_HELP = (
    "The password (at least 8 characters); default: read TERRITORIAL_PASSWORD, else ask."
)


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="users")
    root.command("audit")(audit)


def _password(given: str | None) -> str:
    password = given or os.environ.get("TERRITORIAL_PASSWORD")
    if password:
        return password
    return str(typer.prompt("Password", hide_input=True, confirmation_prompt=True))


@app.command("add")
@user_errors
def add(
    username: Annotated[str, typer.Argument(help="The login name.")],
    role: Annotated[
        Role,
        typer.Option(help="admin: everything; manager: the cycle; rep: their own territory only."),
    ] = Role.MANAGER,
    rep: Annotated[str | None, typer.Option(help="For a rep login: the rep's id.")] = None,
    region: Annotated[
        str | None,
        typer.Option(help="For a manager: limit them to this region or district."),
    ] = None,
    password: Annotated[str | None, typer.Option(help=PASSWORD_HELP)] = None,
    db: DbOption = None,
) -> None:
    """Add a login for the web app."""
    from territorial.services import users as user_service
    from territorial.services.workspace import open_workspace

    user = user_service.add_user(
        open_workspace(db), username, _password(password), role, rep, region
    )
    limited = f", limited to {user.region}" if user.region else ""
    console.print(f"Added {user.username} ({user.role.value}{limited}).", markup=False)


@app.command("region")
@user_errors
def region(
    username: Annotated[str, typer.Argument(help="The manager's login name.")],
    name: Annotated[
        str | None, typer.Argument(help="A region or district; omit to lift the limit.")
    ] = None,
    db: DbOption = None,
) -> None:
    """Limit a manager to a region or district of the hierarchy (or lift the limit)."""
    from territorial.services import users as user_service
    from territorial.services.workspace import open_workspace

    user = user_service.set_region(open_workspace(db), username, name)
    where = f"limited to {user.region}" if user.region else "not limited to a region"
    console.print(f"{user.username} is {where}.", markup=False)


@app.command("passwd")
@user_errors
def passwd(
    username: Annotated[str, typer.Argument(help="The login name.")],
    password: Annotated[str | None, typer.Option(help=PASSWORD_HELP)] = None,
    db: DbOption = None,
) -> None:
    """Set a login's password (their open sessions end)."""
    from territorial.services import users as user_service
    from territorial.services.workspace import open_workspace

    user_service.set_password(open_workspace(db), username, _password(password))
    console.print(f"Password of {username} changed.", markup=False)


@app.command("disable")
@user_errors
def disable(username: Annotated[str, typer.Argument()], db: DbOption = None) -> None:
    """Disable a login (their open sessions end at their next request)."""
    from territorial.services import users as user_service
    from territorial.services.workspace import open_workspace

    user_service.set_active(open_workspace(db), username, False)
    console.print(f"{username} disabled.", markup=False)


@app.command("enable")
@user_errors
def enable(username: Annotated[str, typer.Argument()], db: DbOption = None) -> None:
    """Enable a disabled login again."""
    from territorial.services import users as user_service
    from territorial.services.workspace import open_workspace

    user_service.set_active(open_workspace(db), username, True)
    console.print(f"{username} enabled.", markup=False)


@app.command("list")
@user_errors
def list_users(db: DbOption = None, as_json: JsonOption = False) -> None:
    """List the logins."""
    from territorial.cli.workspace import read_workspace
    from territorial.services import users as user_service

    found = user_service.users(read_workspace(db))
    if as_json:
        print_json([user_service.user_dict(u) for u in found], indent=None)
        return
    table = Table("User", "Role", "Rep", "Region", "Active", "Since")
    for u in found:
        table.add_row(
            Text(u.username),
            u.role.value,
            str(u.rep_id or ""),
            Text(u.region or ""),
            "yes" if u.active else "no",
            f"{u.created_at:%Y-%m-%d}",
        )
    console.print(table)


@user_errors
def audit(
    db: DbOption = None,
    actor: Annotated[str | None, typer.Option(help="Only this user's changes.")] = None,
    action: Annotated[str | None, typer.Option(help="Only this action (e.g. publish).")] = None,
    target: Annotated[str | None, typer.Option(help="Only targets containing this text.")] = None,
    since: Annotated[str | None, typer.Option(help="Only from this date (YYYY-MM-DD).")] = None,
    limit: Annotated[int, typer.Option(min=1, help="At most this many, newest first.")] = 100,
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="Write every match as CSV.")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """The audit log: every change, who made it, when, before and after."""
    from territorial.cli.workspace import read_workspace
    from territorial.services import audit as audit_service

    start = _date(since)
    log = audit_service.entries(
        read_workspace(db),
        actor=actor,
        action=action,
        target=target,
        since=start,
        limit=None if output else limit,
    )
    if output:
        try:
            audit_service.write_csv(log, output)  # the file appears only when complete
        except OSError as error:
            raise TerritorialError(f"cannot write {output}: {error.strerror}") from error
        console.print(f"Wrote {len(log)} entries to {output}.", markup=False)
        return
    if as_json:
        print_json([audit_service.as_dict(e) for e in log], indent=None)
        return
    table = Table("When", "Who", "Action", "Target", "Change")
    for e in log:
        change = audit_service.change_text(e)
        table.add_row(
            f"{e.at:%Y-%m-%d %H:%M}", Text(e.actor), e.action, Text(e.target), Text(change)
        )
    console.print(table)
    if len(log) >= limit:
        console.print(
            f"The newest {limit:,} shown; older ones: --limit N, or -o FILE.csv for every match.",
            style="dim",
            highlight=False,
        )


def _date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        start = datetime.fromisoformat(value)
        return start if start.tzinfo else start.replace(tzinfo=UTC)
    except ValueError:
        raise TerritorialError(f"--since {value!r} is not a date (YYYY-MM-DD)") from None
