"""`territorial scenario approve|history` and `territorial publish`: the implement step
(the `scenario` group itself is :mod:`territorial.cli.scenarios`)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table
from rich.text import Text

from territorial.cli.common import (
    DbOption,
    JsonOption,
    console,
    line,
    print_json,
    styled,
    user_errors,
    warn,
)
from territorial.cli.tables import Column, WideOption, print_table
from territorial.domain import TerritorialError
from territorial.domain.publishing import QuotaTransferRecord

if TYPE_CHECKING:
    from territorial.services.publish import (
        PublishReport,
    )


scenario_app = typer.Typer(
    help="A scenario's life cycle: approve it, see its history.", no_args_is_help=True
)

ByOption = Annotated[str | None, typer.Option("--by", help="Who does it (kept in the history).")]
ForceOption = Annotated[
    bool,
    typer.Option(
        "--force",
        help="Override a refusal: approve a plan that misses a tolerance it was designed "
        "to meet, or publish one that is not approved or misses one. The reason is printed "
        "and the step is recorded as overridden in the history.",
    ),
]


def register(app: typer.Typer) -> None:
    app.add_typer(scenario_app, name="scenario")
    app.command("publish")(publish)


def _effective(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise TerritorialError(f"--effective: {value!r} is not a date (YYYY-MM-DD)") from None


def transfer_pairs(
    transfers: list[QuotaTransferRecord],
) -> list[tuple[str, str, int, Decimal]]:
    """Transfers summed per (from, to): accounts and amount, largest amount first."""
    count: dict[tuple[str, str], int] = defaultdict(int)
    amount: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for x in transfers:
        key = (x.from_territory, x.to_territory)
        count[key] += 1
        amount[key] += x.amount
    return sorted(
        ((a, b, count[(a, b)], amount[(a, b)]) for a, b in count),
        key=lambda r: (-r[3], r[0], r[1]),
    )


def print_transfers(transfers: list[QuotaTransferRecord], title: str, limit: int = 30) -> None:
    """The quota that moved with accounts, per pair of territories."""
    pairs = transfer_pairs(transfers)
    table = Table(title=f"{title} ({len(transfers)} accounts, {len(pairs)} pairs)")
    for col in ("from", "to", "accounts", "amount"):
        table.add_column(col, justify="right" if col in ("accounts", "amount") else "left")
    for a, b, n, amt in pairs[:limit]:
        table.add_row(a, b, f"{n:,}", f"{amt:,}")
    console.print(table)
    if len(pairs) > limit:
        console.print(f"  ... and {len(pairs) - limit} more pairs (use --json for every account)")


def print_publish(report: PublishReport) -> None:
    if report.scheduled:
        prev = f"; {report.previous} stays active until then" if report.previous else ""
        console.print(
            line(
                styled(report.scenario),
                " is scheduled: it becomes the active alignment on "
                f"{report.effective} (was {report.status_before}){prev}.",
            ),
            highlight=False,
        )
    else:
        prev = f"; {report.previous} is archived" if report.previous else ""
        console.print(
            line(
                styled(report.scenario),
                f" is the active alignment from {report.effective} "
                f"(was {report.status_before}){prev}.",
            ),
            highlight=False,
        )
    console.print(f"  {report.moved_accounts:,} accounts change territory.", highlight=False)
    for reason in report.overridden:
        warn(f"published with --force: {reason}")
    if report.plans_carried or report.locks_carried:
        console.print(
            f"  carried over: the plans of {len(report.plans_carried)} territories, "
            f"{report.locks_carried:,} locks",
            highlight=False,
        )
    for carried in report.quotas:
        if carried.kept_existing:
            continue
        table = Table(title=f"Quotas {carried.period} carried to {report.scenario}")
        for col in ("territory", "before", "after", "change"):
            table.add_column(col, justify="left" if col == "territory" else "right")
        for terr in list(dict.fromkeys([*carried.after, *carried.before])):
            before = carried.before.get(terr, Decimal(0))
            after = carried.after.get(terr, Decimal(0))
            table.add_row(terr, f"{before:,}", f"{after:,}", f"{after - before:+,}")
        total_before = sum(carried.before.values(), Decimal(0))
        table.add_row(
            "company",
            f"{total_before:,}",
            f"{carried.sum_after:,}",
            f"{carried.sum_after - total_before:+,}",
            style="bold",
        )
        console.print(table)
        print_transfers(carried.transfers, f"Quota moved with accounts, {carried.period}")
    if not report.quotas and report.previous:
        console.print(f"  no quotas of {report.previous} run on {report.effective}; none carried")
    for note in report.notes:
        console.print(styled(f"  {note}", "dim"), highlight=False)


@scenario_app.command("approve")
@user_errors
def approve(
    name: Annotated[str, typer.Argument(help="The draft scenario.", show_default=False)],
    by: ByOption = None,
    force: ForceOption = False,
    db: DbOption = None,
) -> None:
    """Approve a draft scenario: it is ready to publish.

    A designed scenario must still meet the tolerances it was designed to (recomputed
    now); one that misses them needs --force.
    """
    from territorial.cli.workspace import read_workspace
    from territorial.services.publish import approve_scenario

    event = approve_scenario(read_workspace(db), name, by=by, force=force)
    if event.note:
        warn(event.note)
    console.print(f"Approved {event.scenario} ({event.at:%Y-%m-%d %H:%M} UTC).", highlight=False)
    console.print(f"Next: territorial publish {event.scenario!r} --effective YYYY-MM-DD")


@scenario_app.command("history")
@user_errors
def history(
    name: Annotated[
        str | None, typer.Argument(help="One scenario; default all.", show_default=False)
    ] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
    wide: WideOption = False,
) -> None:
    """Every scenario with its status and dates: approved, published, effective, archived
    (when it was decided) and until (the first day it no longer holds)."""
    from territorial.cli.workspace import read_workspace
    from territorial.services.history import scenario_history

    result = scenario_history(read_workspace(db), name)
    if as_json:
        print_json(result)
        return
    columns = [
        Column("scenario", priority=0),
        Column("status", priority=0),
        Column("created", priority=2),
        Column("approved", priority=2),
        Column("published", priority=3),
        Column("effective", priority=1),
        Column("replaced", priority=4),
        Column("archived", priority=4),
        Column("until", priority=1),
        Column("replaced by", priority=3),
    ]

    def day(x: date | None) -> str:
        return "" if x is None else f"{x:%Y-%m-%d}"

    rows: list[list[str | Text]] = [
        [
            r.name,
            r.status,
            day(r.created_at),
            day(r.approved_at),
            day(r.published_at),
            day(r.effective),
            r.replaced or "",
            day(r.archived_at),
            day(r.until),
            r.replaced_by or "",
        ]
        for r in result.scenarios
    ]
    print_table("Scenario history", columns, rows, wide=wide)


@user_errors
def publish(
    name: Annotated[str, typer.Argument(help="The scenario to publish.", show_default=False)],
    effective: Annotated[
        str, typer.Option(help="First day the alignment holds, YYYY-MM-DD.", show_default=False)
    ],
    by: ByOption = None,
    force: ForceOption = False,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Make an approved scenario the active alignment from a date; quota moves with the
    accounts, plans and locks follow the territories that keep their name.

    A date after today schedules the change: the current alignment stays active until
    then. A draft, or a designed scenario that no longer meets the tolerances it was
    designed to (recomputed now), is refused unless --force.
    """
    from territorial.cli.workspace import read_workspace
    from territorial.services.publish import publish_scenario

    report = publish_scenario(read_workspace(db), name, _effective(effective), by=by, force=force)
    if as_json:
        print_json(report)
    else:
        print_publish(report)
