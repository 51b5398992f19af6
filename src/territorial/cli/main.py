"""The `territorial` command: thin commands that parse, call one service, and print.

Each command's module loads only when that command runs (:mod:`territorial.cli.lazy`),
so ``--help`` and light commands start fast. Old spellings stay as hidden aliases.
"""

from __future__ import annotations

import typer

from territorial import __version__
from territorial.cli.lazy import Lazy, LazyGroup

C = "territorial.cli."
COMMANDS: dict[str, Lazy] = {
    "init": Lazy(
        C + "data:init", "Create the workspace database (or bring its schema up to date)."
    ),
    "status": Lazy(
        C + "data:status",
        "Summarise the workspace: accounts, reps, scenarios, the active alignment.",
    ),
    "worker": Lazy(
        C + "jobs:worker_command",
        "Run queued jobs (designs) from the Redis queue; start one on every machine you like.",
    ),
    "demo": Lazy(
        C + "demo:demo", "Build the demo workspace (2,500 accounts, 15 reps) and serve the web app."
    ),
    "assess": Lazy(
        C + "assess:assess",
        "Assess the active alignment or a scenario: balance, workload, compactness, gaps.",
    ),
    "design": Lazy(
        C + "design:design",
        "Design balanced, compact territories and store them as a draft scenario.",
    ),
    "tradeoff": Lazy(
        C + "design:tradeoff",
        "How balanced can territories get for a given number of account moves? (stores nothing)",
    ),
    "compare": Lazy(
        C + "compare:compare",
        "Show two scenarios side by side: balance, compactness, and the accounts that move.",
    ),
    "lock": Lazy(
        C + "locks:lock",
        "Lock accounts in their territory (or in --to TERRITORY); designs keep them there.",
    ),
    "unlock": Lazy(C + "locks:unlock", "Let designs move these accounts again."),
    "assign": Lazy(
        C + "planning:assign",
        "Match reps to territories optimally (travel, fit, experience, continuity).",
    ),
    "size": Lazy(
        C + "planning:size", "How many reps the workload needs, and what one rep more or less does."
    ),
    "monitor": Lazy(
        C + "monitoring:monitor",
        "Attainment, pace, projection, cost of sales, coverage and alerts for a period.",
    ),
    "publish": Lazy(
        C + "publish:publish",
        "Make an approved scenario the active alignment from a date; quota moves with the "
        "accounts, plans and locks follow the territories that keep their name.",
    ),
    "serve": Lazy(
        C + "serve:serve", "Serve the web app on http://HOST:PORT (works offline; Ctrl+C stops it)."
    ),
    "audit": Lazy(
        C + "users:audit", "The audit log: every change, who made it, when, before and after."
    ),
    "accounts": Lazy(C + "data:accounts_app", "Accounts in the workspace."),
    "reps": Lazy(C + "data:reps_app", "Reps in the workspace."),
    "scenario": Lazy(
        C + "scenarios:app",
        "Scenarios (alignments): list, show, approve, see their history, delete.",
    ),
    "import": Lazy(
        C + "imports:app", "Import accounts, reps or actual sales and visits from CSV or XLSX."
    ),
    "jobs": Lazy(C + "jobs:app", "Background jobs: list, show (and wait), cancel."),
    "export": Lazy(C + "exports:app", "Export data from the workspace."),
    "report": Lazy(C + "report:app", "Reports as HTML or PDF, with a map and charts."),
    "quota": Lazy(C + "planning:quota_app", "Set and show territory and rep quotas."),
    "goals": Lazy(C + "planning:goals_app", "SMART goals per territory or rep."),
    "plan": Lazy(C + "planning:plan_app", "Territory plans: goals, strategies, SWOT."),
    "users": Lazy(C + "users:app", "Logins of the web app: add, list, change passwords, disable."),
    # old spellings, kept working but not listed
    "scenarios": Lazy(C + "scenarios:app", "Scenarios (alignments).", hidden=True),
    "actuals": Lazy(C + "monitoring:actuals_app", "Import actual sales and visits.", hidden=True),
}


class Root(LazyGroup):
    table = COMMANDS


app = typer.Typer(
    name="territorial",
    help="Sales territory management: assess, design, assign, set quotas, monitor.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    cls=Root,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"territorial {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version."
    ),
) -> None:
    """Territorial: design balanced sales territories and track them."""


if __name__ == "__main__":
    app()
