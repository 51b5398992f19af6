"""`territorial design` and `territorial tradeoff`."""

from __future__ import annotations

import dataclasses
import time
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table
from rich.text import Text

from territorial.cli.common import (
    DbOption,
    JsonOption,
    console,
    err_console,
    print_json,
    user_errors,
)
from territorial.cli.options import Detour, Speed, count, number
from territorial.domain.design_choices import CentresRule, Objective, UnitKind

if TYPE_CHECKING:
    from territorial.optimize.design import Progress
    from territorial.services.design import (
        DesignOutcome,
        SegmentResult,
    )


def register(app: typer.Typer) -> None:
    app.command("design")(design)
    app.command("tradeoff")(tradeoff)


def _objective_cell(s: SegmentResult) -> str:
    if s.mean_distance_km is None:
        return f"{s.diameter_km:,.0f} km wide"
    bound = f" ≥{s.bound_km:,.0f}" if s.bound_km is not None else ""
    return f"{s.mean_distance_km:,.0f}{bound}"


def print_outcome(outcome: DesignOutcome) -> None:
    from territorial.services.design import NO_ALIGNMENT

    table = Table(title=f"Design {outcome.scenario} (draft, from {outcome.base})")
    travel = any(s.mean_distance_km is not None for s in outcome.segments)
    measures = " / ".join(outcome.tolerance)
    columns = [
        "segment",
        "units",
        "terr.",
        "balanced",
        f"worst Δ ({measures})",
        "mean km to centre" if travel else "max diameter",
        "seconds",
    ]
    for col in columns:
        table.add_column(col, justify="left" if col == "segment" else "right")
    for s in outcome.segments:
        worst = " / ".join(f"{v:.1%}" for v in s.max_deviation.values())
        table.add_row(
            Text(s.segment or "all"),
            f"{s.units:,}",
            str(s.territories),
            Text("yes", "green") if s.feasible else Text("NO", "bold red"),
            worst,
            _objective_cell(s),
            f"{s.runtime:.1f}",
        )
    console.print(table)
    tol = ", ".join(f"{m} ±{t * 100:g}%" for m, t in outcome.tolerance.items())
    if outcome.feasible:
        console.print(f"Balanced: every territory within {tol}.", markup=False)
    else:
        misses = [f"{m} {d:+.1%} in {t}" for s in outcome.segments for m, t, d in s.misses]
        broken = [t for s in outcome.segments for t in s.disconnected]
        what = "; ".join(misses[:5]) + (f" and {len(misses) - 5} more" if len(misses) > 5 else "")
        if broken:
            what += ("; " if what else "") + f"not contiguous: {', '.join(broken)}"
        console.print(Text(f"NOT balanced within {tol}: {what}.", "bold red"))
        if len(misses) > 5:
            console.print(
                f"  every miss: territorial assess --scenario {outcome.scenario!r} --findings 0",
                style="dim",
                highlight=False,
            )
    console.print(
        f"{outcome.moved_accounts:,} of {outcome.total_accounts:,} accounts change territory.",
        markup=False,
    )
    for s in outcome.segments:
        where = s.segment or "all"
        if s.mean_distance_km is not None and s.bound_km is not None:
            ratio = s.mean_distance_km / s.bound_km if s.bound_km > 0 else 1.0
            # the bound holds for plans within the tolerances: one outside can be under it
            unbalanced = "" if s.feasible else " This plan is not balanced: not held to it."
            console.print(
                f"Travel ({where}, centres: {s.centres}): mean {s.mean_distance_km:,.1f} km "
                f"from account to centre; lower bound {s.bound_km:,.1f} km for {s.bound_for} "
                f"({ratio:.3f} × the bound).{unbalanced}",
                markup=False,
            )
        elif s.mean_distance_km is not None and s.gap is not None:
            console.print(
                f"Travel ({where}, centres: {s.centres}): mean {s.mean_distance_km:,.1f} km "
                f"from account to centre; {1 / (1 - s.gap):.3f} × the LP bound for {s.bound_for} "
                f"(both measured on the engine's flat map, as free centres are placed).",
                markup=False,
            )
        elif s.gap is not None and s.lower_bound is not None:
            proof = "proven optimal" if s.gap < 1e-9 else f"within {s.gap:.1%} of optimal"
            console.print(
                f"Exact bound ({where}): diameter ≥ {s.lower_bound:,.1f} km; this plan is {proof}.",
                markup=False,
            )
    if outcome.reps:
        reps = Table(title="Reps and their territories (great-circle km)")
        for col in ("territory", "rep", "accounts", "home to centre", "home to accounts (mean)"):
            reps.add_column(col, justify="left" if col in ("territory", "rep") else "right")
        for r in outcome.reps:
            reps.add_row(
                Text(r.territory),
                Text(r.rep or "(vacant)"),
                f"{r.accounts:,}",
                "-" if r.home_to_centre_km is None else f"{r.home_to_centre_km:,.0f}",
                "-" if r.mean_account_km is None else f"{r.mean_account_km:,.0f}",
            )
        console.print(reps)
    for note in outcome.notes:
        console.print(Text("note ", "yellow") + Text(note))
    following = f"territorial assess --scenario {outcome.scenario!r}"
    if any(r.rep is None for r in outcome.reps):  # new territories: pick their reps
        following = f"territorial assign --scenario {outcome.scenario!r}; {following}"
    if outcome.base != NO_ALIGNMENT:
        following += f"; territorial compare {outcome.base!r} {outcome.scenario!r}"
    console.print(f"Next: {following}", markup=False)


@user_errors
def design(
    territories: Annotated[
        int,
        typer.Option(
            "--territories",
            "-p",
            help="How many territories. As many as the base has keeps them and their reps; "
            "one per rep with a home (after hiring) gives each rep a territory around "
            "their home, new reps a new one.",
            callback=count(at_least=1),
        ),
    ],
    name: Annotated[str, typer.Option(help="Name of the new draft scenario.")],
    balance: Annotated[
        str | None,
        typer.Option(
            help="Measures to balance: accounts, potential, revenue, workload, "
            "or any numeric account field. Default: potential,workload, or "
            "revenue,workload when no account has a potential (a CRM export)."
        ),
    ] = None,
    tolerance: Annotated[
        str, typer.Option(help="±tolerance, e.g. 0.05, 5% or potential=0.05,workload=0.1.")
    ] = "0.05",
    by: Annotated[
        UnitKind, typer.Option(help="Units: accounts, or whole ZIP codes or counties.")
    ] = UnitKind.ACCOUNT,
    contiguous: Annotated[
        bool, typer.Option("--contiguous", help="Each territory one connected area.")
    ] = False,
    objective: Annotated[
        Objective, typer.Option(help="Make small: travel to the centre, or diameter.")
    ] = Objective.TRAVEL,
    max_moves: Annotated[
        str | None, typer.Option(help="Cap on moves from the base: 10% or a count.")
    ] = None,
    move_measure: Annotated[
        str | None, typer.Option(help="Cap this measure moved (e.g. revenue) instead of count.")
    ] = None,
    target: Annotated[
        list[str] | None, typer.Option(help="TERRITORY=1.2: carry 120% of the mean (repeat).")
    ] = None,
    segment: Annotated[
        str | None, typer.Option(help="Design separately within each value of this field.")
    ] = None,
    time_limit: Annotated[
        float,
        typer.Option(
            help="Seconds for the whole design (loading and storing included).",
            callback=number(above=0),
        ),
    ] = 30.0,
    seed: Annotated[int, typer.Option(help="Random seed (with --iterations: same plan).")] = 0,
    iterations: Annotated[
        int | None,
        typer.Option(
            help="Stop after this many starts: the plan depends only on the seed and the "
            "data (the time limit then does not stop the engine).",
            callback=count(at_least=1),
        ),
    ] = None,
    starts: Annotated[
        int,
        typer.Option(
            help="Independent runs with seeds SEED, SEED+1, ...; the best plan is "
            "kept. On a queue each is a job any free worker takes; here they run "
            "one after another (each gets the whole time limit).",
            callback=count(at_least=1),
        ),
    ] = 1,
    centres: Annotated[
        CentresRule,
        typer.Option(
            help="Travel centres: auto (each rep's home where known, else free), reps "
            "(every territory at its rep's home) or free (also: no new territories for "
            "new reps)."
        ),
    ] = CentresRule.AUTO,
    min_accounts: Annotated[
        int | None, typer.Option(help="Fewest accounts a territory.", callback=count())
    ] = None,
    max_accounts: Annotated[
        int | None, typer.Option(help="Most accounts a territory.", callback=count(at_least=1))
    ] = None,
    base: Annotated[
        str | None, typer.Option("--scenario", help="Start from this scenario (default active).")
    ] = None,
    replace: Annotated[
        bool, typer.Option("--replace", help="Replace a scenario of the same name.")
    ] = False,
    detour: Detour = 1.3,
    speed: Speed = 50.0,
    background: Annotated[
        bool, typer.Option("--background", help="Run as a job; print its id and return.")
    ] = False,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Design balanced, compact territories and store them as a draft scenario."""
    started = time.perf_counter()  # the time limit counts from here: imports included
    from territorial.cli.workspace import read_workspace
    from territorial.metrics import TravelModel
    from territorial.services.design import DesignRequest, default_balance, design_scenario
    from territorial.services.design_options import (
        parse_fraction,
        parse_names,
        parse_targets,
        parse_tolerance,
    )

    workspace = read_workspace(db)
    request = DesignRequest(
        name=name,
        territories=territories,
        balance=parse_names(balance) if balance is not None else default_balance(workspace),
        tolerance=parse_tolerance(tolerance),
        by=by,
        contiguous=contiguous,
        objective=objective,
        max_moves=None if max_moves is None else parse_fraction(max_moves, "max_moves"),
        move_measure=move_measure,
        targets=parse_targets(target or []),
        segment=segment,
        time_limit=time_limit,
        iterations=iterations,
        seed=seed,
        starts=starts,
        centres=centres,
        min_accounts=min_accounts,
        max_accounts=max_accounts,
        base=base,
        replace=replace,
        travel=TravelModel(detour, speed),
    )
    if background:
        from territorial.services import jobs
        from territorial.storage.database import resolve_url

        job = jobs.submit_design(workspace, request)
        where = jobs.dispatch(job, resolve_url(db))
        if as_json:
            print_json({"job": job.id, "state": job.state}, indent=None)
        else:
            console.print(
                f"Design {name!r} runs as job {job.id} in {where}. Follow it with "
                f"`territorial jobs show {job.id} --wait 60`; cancel with "
                f"`territorial jobs cancel {job.id}`.",
                markup=False,
            )
        return
    with err_console.status("Designing...") as status:

        def progress(p: Progress) -> None:
            state = "feasible" if p.feasible else f"excess {p.balance_excess:.3f}"
            status.update(
                f"Designing: {p.runtime:.0f}s, start {p.iteration}, best {state}, "
                f"objective {p.objective:,.0f}"
            )

        outcome = design_scenario(
            workspace, dataclasses.replace(request, started=started), progress
        )
    if as_json:
        print_json(outcome)
    else:
        print_outcome(outcome)


@user_errors
def tradeoff(
    caps: Annotated[
        str, typer.Option(help="Move caps to try, comma-separated: 0,5%,10% or counts.")
    ] = "0,2%,5%,10%,20%,50%",
    balance: Annotated[
        str | None, typer.Option(help="Measures to balance (default: as for design).")
    ] = None,
    tolerance: Annotated[str, typer.Option(help="±tolerance, as for design.")] = "0.05",
    objective: Annotated[
        Objective, typer.Option(help="Make small: travel to the centre, or diameter.")
    ] = Objective.TRAVEL,
    time_limit: Annotated[
        float, typer.Option(help="Seconds per cap.", callback=number(above=0))
    ] = 10.0,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 0,
    base: Annotated[
        str | None, typer.Option("--scenario", help="Start from this scenario (default active).")
    ] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """How balanced can territories get for a given number of account moves? (stores nothing)"""
    from territorial.cli.workspace import read_workspace
    from territorial.services.design import DesignRequest, default_balance, moves_tradeoff
    from territorial.services.design_options import parse_fraction, parse_names, parse_tolerance

    workspace = read_workspace(db)
    request = DesignRequest(
        name="(trade-off)",
        territories=0,
        balance=parse_names(balance) if balance is not None else default_balance(workspace),
        tolerance=parse_tolerance(tolerance),
        objective=objective,
        time_limit=time_limit,
        seed=seed,
        base=base,
    )
    values = [parse_fraction(c, "caps") for c in caps.split(",") if c.strip()]
    with err_console.status("Designing at each move cap..."):
        points = moves_tradeoff(workspace, request, values)
    if as_json:
        print_json(points)
        return
    table = Table(title="Moves against balance")
    travel = any(p.mean_distance_km is not None for p in points)
    measures = " / ".join(request.balance)
    for col in (
        "max moves",
        "accounts moved",
        "balanced",
        f"worst Δ ({measures})",
        "mean km to centre" if travel else "max diameter km",
    ):
        table.add_column(col, justify="right")
    for p in points:
        cap = f"{p.max_moves:.0%}" if 0 < p.max_moves < 1 else f"{p.max_moves:g}"
        worst = " / ".join(f"{v:.1%}" for v in p.max_deviation.values())
        distance = (
            p.mean_distance_km if travel and p.mean_distance_km is not None else p.diameter_km
        )
        table.add_row(
            cap, f"{p.moved_accounts:,}", "yes" if p.feasible else "no", worst, f"{distance:,.0f}"
        )
    console.print(table)
