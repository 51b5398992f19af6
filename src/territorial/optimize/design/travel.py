"""Travel-optimal balanced design: location-allocation around fixed or free centres.

The balanced p-median of the districting literature (Hess et al. 1965; Fleischmann &
Paraschis 1988; Kalcsics, Nickel & Schroeder 2005), solved as:

1. **Centres.** Fixed ones (rep homes) stay; free ones (no rep, a vacancy, a design
   from scratch) come from a multistart that alternates the balanced assignment LP
   with a Weiszfeld move of each free centre, keeping the centres of the best LP.
2. **Bound.** The LP relaxation at the final centres, priced over every unit and
   territory (:class:`~territorial.optimize.design.assignment.AssignmentModel`), is a
   lower bound on the cost of every balanced plan with those centres.
3. **Plan.** Units the LP assigns whole keep their territory unless they are among
   the cheapest to move; a MIP over the split units and those cheap alternatives
   (HiGHS) turns the LP into an integral balanced plan, widened while time remains.
4. **Contiguity** (when asked) is left to the tabu search of
   :func:`~territorial.optimize.design.search.search` (connectivity-preserving moves,
   balance moves pulled towards low travel) with travel measured to the same centres,
   then to spanning-tree recombination of neighbouring territories
   (:mod:`~territorial.optimize.design.recom`), then pairs of neighbouring
   territories are re-solved by a flow MIP
   (:mod:`~territorial.optimize.design.contiguous`).  Each territory keeps the unit
   of its rep's home (its root), so the LP with separator cuts
   (:mod:`~territorial.optimize.design.contiguity_bound`) bounds the plan.
   When the LP needs slack, :mod:`~territorial.optimize.design.feasibility` checks
   whether any plan can meet the tolerances and, if none can, says so at once with
   the least tolerance reachable.
5. **Large designs** (over ``LP_MAX_UNITS``): the tabu search's compact plan, travel
   bounded by Lagrangian relaxation (:mod:`~territorial.optimize.design.lagrange`).

What was tried and measured for 4 and 5 is in NOTES.md.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
import scipy.sparse as sp
from scipy.optimize import linear_sum_assignment
from scipy.spatial import cKDTree

from territorial.optimize.design.assignment import (
    AssignmentModel,
    Balance,
    Limits,
    LpSolution,
    MipSolution,
)
from territorial.optimize.design.cells import cell_sums, median_cells
from territorial.optimize.design.centres import distances, initial_centres, weiszfeld
from territorial.optimize.design.contiguity_bound import ContiguousBound, contiguous_bound
from territorial.optimize.design.contiguous import (
    Graph,
    MoveCap,
    _excess,
    connected,
    distinct_roots,
    pair_search,
    voronoi_plan,
)
from territorial.optimize.design.evaluate import centres_of, evaluate
from territorial.optimize.design.exchange import exchange_repair
from territorial.optimize.design.feasibility import (
    PROOF_SECONDS,
    least_tolerance,
    move_cap_note,
)
from territorial.optimize.design.lagrange import STEPS as LAGRANGE_STEPS
from territorial.optimize.design.lagrange import lagrangian_bound
from territorial.optimize.design.lp_growth import grown_from_lp
from territorial.optimize.design.path_mip import path_polish
from territorial.optimize.design.problem import DesignParams, DesignProblem
from territorial.optimize.design.recom import recombine
from territorial.optimize.design.reconnect import reconnect
from territorial.optimize.design.result import DesignResult, Progress
from territorial.optimize.design.search import search
from territorial.optimize.design.stop import MaxRuntime, StoppingCriterion

CANDIDATES = 8  # nearest centres per unit in the first LP (pricing adds the rest)
# up to this many unit-territory pairs the first LP has them all: one solve is quicker
# than the pricing rounds (each a cold HiGHS solve) that a candidate set needs (ZIPs of
# two held-out exports, 2,545 x 22: 1.1 s against 3.8 s, 2,381 x 18: 0.7 s against
# 3.0 s; random points, 6,000 x 25: 3.9 s against 13.9 s, 8,000 x 40: 10 s against
# 30 s).  Whole 30 s designs of bench/scale.py's accounts around random homes: 12,000 x
# 40 feasible at 1.003 x the bound with every pair, infeasible and 40 s with pricing;
# 12,000 x 80 the other way round (80 s with every pair, 30 s and 1.05 x with pricing)
ALL_PAIRS = 500_000
ALTERNATIVES = 3  # territories a free unit may take in the MIP (by reduced cost)
# above this many units the LP is too slow for an interactive design (measured: 100,000
# units x 8 candidate centres, 256 s for one HiGHS simplex solve): the tabu search plans
# and a Lagrangian relaxation gives the bound
LP_MAX_UNITS = 12_000
NEAR = 8  # nearest units a unit may trade with when the MIP rounds leave a plan unbalanced
# ... above it, the design is solved on cells of nearby units (each unit takes its
# cell's territory) when there can be this many per territory, for balance
CELLS_PER_TERRITORY = 40
CELLS_SHARE = 0.6  # ... their share of the time; unbalanced, the search gets the rest
CENTRES_SHARE = 0.4  # free centres: share of the time for placing them (multistart)
# ... in contiguous designs, whose search needs the time more (held-out ZIPs, 22
# territories, 3 free: the best of 6 starts is 0.2% above the best of 11)
CONTIGUOUS_CENTRES_SHARE = 0.2
POLISH_SHARE = 0.8  # contiguous designs: share of the search time for the MIP polish
BOUND_SHARE = 0.2  # contiguous designs: share of the time for the contiguity bound
TRAVEL_SHARE = 0.6  # ... of the search time for the travel search (then balance first)
FALLBACK_SHARE = 0.2  # ... of the time for the balance-first search when ReCom misses
# ... travel pull of the recombination that balances the start grown from the bound's LP
# (NOTES.md, thirteenth round: 0 -> polished plans 238-245 km, 0.1 -> 233-242, 0.5 -> not
# always balanced), and of its second half when the first leaves the start unbalanced
# (0 there took one start from 293 to 389 km for its last 0.06 of excess)
LP_START_PULL, LP_START_PULL_2 = 0.1, 0.01


@dataclass(frozen=True)
class Work:
    """Limits for the stages after the search when the stop sets no time (``--iterations``):
    counted in work, never in seconds, so that a seed gives the same plan however busy
    the machine is."""

    mip_nodes: int = 500  # branch-and-bound nodes per MIP round
    cut_rounds: int = 25  # LP rounds of the contiguity bound
    pair_solves: int = 150  # pair MIPs of the contiguous polish
    pair_nodes: int = 100  # nodes per pair MIP
    lagrange_steps: int = 100  # subgradient steps of the large designs' bound
    recom_proposals: int = 100_000  # recombinations of the contiguous designs
    path_rounds: int = 6  # rounds of the shortest-path contiguity MIP
    path_nodes: int = 200  # nodes per round
    exchanges: int = 2_000  # boundary moves and swaps of the balance repair


WORK = Work()


class _Instance:
    """The problem as the location-allocation solver uses it."""

    def __init__(self, problem: DesignProblem) -> None:
        self.problem = problem
        self.n, self.p = problem.n, problem.p
        self.points = problem.array("coords")
        self.weights = problem.travel_weights()
        w = problem.array("measures")
        target = problem.array("targets") * w.sum(axis=0)[None, :]
        tol = problem.array("tolerances")[None, :]
        self.balance = Balance(w, target * (1 - tol), target * (1 + tol))
        fixed = problem.fixed_centres
        self.centres = (
            np.full((self.p, 2), np.nan)
            if fixed is None
            else np.asarray(fixed, dtype=np.float64).copy()
        )
        self.free: np.ndarray = np.asarray(np.isnan(self.centres).all(axis=1))
        self.costs = None if problem.centre_costs is None else problem.array("centre_costs")
        locks = problem.array("locks")
        min_u, max_u = problem.array("min_units"), problem.array("max_units")
        sized = bool((min_u > 0).any() or (max_u < self.n).any())
        current = None if problem.current is None else problem.array("current")
        self.limits = Limits(
            min_units=min_u if sized else None,
            max_units=max_u if sized else None,
            locks=locks if (locks >= 0).any() else None,
            current=current if problem.max_moves is not None else None,
            move_weights=problem.move_weight_array(),
            move_cap=problem.move_cap(),
        )

    def cost(self, centres: np.ndarray) -> Callable[[np.ndarray], np.ndarray]:
        """unit indices -> (k, p) cost of serving each from each centre."""
        free = self.free
        fixed_costs = self.costs

        def of(units: np.ndarray) -> np.ndarray:
            planar: np.ndarray = self.weights[units, None] * distances(
                self.points[units], centres, False
            )
            if fixed_costs is None:
                return planar
            out: np.ndarray = fixed_costs[units].copy()
            out[:, free] = planar[:, free]
            return out

        return of

    def candidates(self, cost: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
        """(unit, territory) pairs: the nearest centres, the current territory, locks."""
        k = self.p if self.n * self.p <= ALL_PAIRS else min(self.p, CANDIDATES)
        parts = []
        for start in range(0, self.n, 8192):
            units = np.arange(start, min(self.n, start + 8192))
            c = cost(units)
            near = (
                np.argpartition(c, k - 1, axis=1)[:, :k]
                if k < self.p
                else np.broadcast_to(np.arange(self.p), c.shape)
            )
            parts.append(np.column_stack([np.repeat(units, near.shape[1]), near.reshape(-1)]))
        lim = self.limits
        if self.problem.current is not None:
            cur = self.problem.array("current")
            parts.append(np.column_stack([np.arange(self.n), cur]))
        if lim.locks is not None:
            locked = np.flatnonzero(lim.locks >= 0)
            parts.append(np.column_stack([locked, lim.locks[locked]]))
        return np.concatenate(parts).astype(np.int64)

    def model(self, centres: np.ndarray) -> AssignmentModel:
        cost = self.cost(centres)
        return AssignmentModel(
            self.n, self.p, cost, self.balance, self.limits, self.candidates(cost)
        )


def _priced_lp(model: AssignmentModel, deadline: float) -> LpSolution | None:
    """Solve the LP and add negatively priced pairs until none is left."""
    lp = None
    for _ in range(50):
        lp = model.solve_lp(deadline - time.perf_counter())
        if lp is None or model.price(lp) == 0:
            return lp
    return lp


def _place_free_centres(
    inst: _Instance, stop: StoppingCriterion, seed: int, t0: float, budget: float
) -> tuple[np.ndarray, int, AssignmentModel | None]:
    """Multistart: LP assignment and Weiszfeld moves of the free centres.

    Returns the best centres, the number of starts and the model costed at those
    centres (its LP warm starts from the last basis), or None when no LP finished."""
    rng = np.random.default_rng(seed)
    taken = inst.centres[~inst.free]
    best_centres: np.ndarray | None = None
    best_value = math.inf
    model: AssignmentModel | None = None
    starts = 0
    while True:
        centres = inst.centres.copy()
        centres[inst.free] = initial_centres(
            inst.points,
            inst.weights,
            int(inst.free.sum()),
            rng,
            False,
            taken if len(taken) else None,
        )
        if best_centres is None:
            best_centres = centres  # seeded centres, should no LP finish in time
        previous = math.inf
        for _ in range(30):
            if time.perf_counter() - t0 > budget:
                break
            if model is None:
                model = inst.model(centres)
            else:  # the same pairs at new costs: the LP starts from the last basis
                model.recost(inst.cost(centres))
            lp = _priced_lp(model, t0 + budget)
            if lp is None:
                break
            value = lp.value + lp.slack * 1e12
            if value < best_value:
                best_value, best_centres = value, centres
            if value >= previous * (1 - 1e-4):
                break
            previous = value
            centres = weiszfeld(inst.points, inst.weights, lp.x, centres, inst.free, False)
        starts += 1
        elapsed = time.perf_counter() - t0
        if stop(starts, elapsed) or elapsed > budget:
            if model is not None:
                model.recost(inst.cost(best_centres))
            return best_centres, starts, model


def _rounded(lp: LpSolution) -> np.ndarray:
    a: np.ndarray = np.asarray(lp.x.argmax(axis=1)).reshape(-1).astype(np.int64)
    return a


def _neighbourhood(model: AssignmentModel, lp: LpSolution, free_units: int) -> np.ndarray:
    """Mask of the model's pairs the MIP may use.

    Every unit keeps the territories the LP gives it; the ``free_units`` units with the
    cheapest alternative (by reduced cost) and the split units may also take their
    ``ALTERNATIVES`` cheapest territories (every territory once all units are free).
    """
    n, p = model.n, model.p
    x = lp.x.tocsr()
    alt = np.empty(n)
    # widened to every unit, the MIP may use every territory: the neighbourhood is then
    # the whole problem, so "no plan" there means none exists
    choices = np.empty((n, p if free_units >= n else min(p, ALTERNATIVES)), dtype=np.int64)
    for start in range(0, n, 4096):
        units = np.arange(start, min(n, start + 4096))
        rc = model.reduced_costs(lp, units)
        order = np.argsort(rc, axis=1)[:, : choices.shape[1]]
        choices[units] = order
        part = np.partition(rc, 1, axis=1) if p > 1 else rc
        alt[units] = part[:, 1] if p > 1 else np.inf
    split = np.flatnonzero(np.diff(x.indptr) > 1)
    free = np.union1d(np.argsort(alt, kind="stable")[:free_units], split)
    pairs = [np.column_stack([np.repeat(np.arange(n), np.diff(x.indptr)), x.indices])]
    pairs.append(np.column_stack([np.repeat(free, choices.shape[1]), choices[free].reshape(-1)]))
    wanted = np.concatenate(pairs)
    model.add_pairs(wanted)
    keys = set((wanted[:, 0] * p + wanted[:, 1]).tolist())
    all_keys = model.pairs[:, 0] * p + model.pairs[:, 1]
    mask: np.ndarray = np.fromiter(
        (k in keys for k in all_keys.tolist()), dtype=bool, count=len(all_keys)
    )
    return mask


def _rooted(
    problem: DesignProblem, centres: np.ndarray
) -> tuple[np.ndarray, np.ndarray] | tuple[None, None]:
    """Each territory's root (the unit nearest its centre not taken by another; for a
    rep's home, the home's ZIP or county) and the locks with the roots pinned; None
    when a user lock pins a root elsewhere or a centre is not placed."""
    if np.isnan(centres).any():
        return None, None
    roots = distinct_roots(problem.array("coords"), centres)
    locks = problem.array("locks").astype(np.int64).copy()
    mine = np.arange(problem.p)
    if ((locks[roots] >= 0) & (locks[roots] != mine)).any():
        return None, None
    locks[roots] = mine
    return roots, locks


def _contiguous_search(
    problem: DesignProblem,
    inst: _Instance,
    centres: np.ndarray,
    seconds: float,
    stop: StoppingCriterion,
    seed: int,
) -> tuple[np.ndarray, ContiguousBound | None]:
    """A contiguous plan in which every territory keeps its root unit, and the bound.

    First ``BOUND_SHARE`` of the time: the LP with separator cuts, a lower bound for
    every such plan.  Then territories grown from that LP's solution and balanced by
    recombination and boundary exchanges (:func:`_lp_start`; under a move cap the LP has
    a row for it, and a start moving more is dropped); if that start stays unbalanced or
    moves too much, the tabu search (connectivity-preserving moves, its balance moves
    pulled towards low travel) with travel measured to these centres; then
    spanning-tree recombination (:func:`~territorial.optimize.design.recom.recombine`:
    balance first, then travel; it also takes half of the polish's time when the plan
    is not balanced) and boundary exchanges
    (:func:`~territorial.optimize.design.exchange.exchange_repair`), and the
    balance-first diameter search only if the plan is still unbalanced (the exchanges
    again after it, should it still miss); then, with the last ``POLISH_SHARE`` of the search time,
    rounds of the MIP with shortest-path contiguity rows around the plan
    (:func:`~territorial.optimize.design.path_mip.path_polish`, guided by the LP's
    solution when there is no move cap) when every root is kept, else pairs of
    neighbouring territories re-solved exactly near their shared boundary (flow MIP,
    :func:`~territorial.optimize.design.contiguous.pair_search`).  Untimed (``seconds``
    infinite), each stage is bounded by :data:`WORK` and the searches by ``stop``."""
    t0 = time.perf_counter()
    timed = math.isfinite(seconds)
    roots, locks = _rooted(problem, centres)
    user_locks = problem.array("locks")
    cost = inst.cost(centres)(np.arange(inst.n))
    moves = _move_cap(problem)
    bound = None
    if roots is not None and locks is not None and problem.adjacency is not None:
        bound = contiguous_bound(
            cost,
            inst.balance,
            problem.adjacency,
            locks,
            roots,
            t0 + BOUND_SHARE * seconds,
            None if timed else WORK.cut_rounds,
            moves,
        )
    left = seconds - (time.perf_counter() - t0)
    fixed = replace(
        problem,
        fixed_centres=centres,
        centre_costs=None,
        locks=user_locks if locks is None else locks,
    )
    # ReCom and the shortest-path MIP keep locks and move caps but have no size rows:
    # such designs search all the time
    plain = problem.adjacency is None or inst.limits.min_units is not None
    # the pair MIP has neither lock nor move-cap rows
    pinned = bool((user_locks >= 0).any()) or moves is not None
    assert problem.adjacency is not None or plain
    graph = None if plain else Graph.of(problem.adjacency)

    def recombined(
        graph: Graph,
        plan: np.ndarray,
        roots: np.ndarray,
        locks: np.ndarray,
        seconds: float,
        pull: float = 0.0,
    ) -> np.ndarray:
        return recombine(
            cost,
            inst.balance.weights,
            inst.balance.lo,
            inst.balance.hi,
            graph,
            plan,
            roots,
            seed,
            time.perf_counter() + seconds if timed else math.inf,
            None if timed else WORK.recom_proposals,
            locks,
            moves,
            pull,
        )

    def repaired(plan: np.ndarray, locks: np.ndarray, seconds: float) -> np.ndarray:
        """``plan`` after boundary moves and swaps that lower its balance excess."""
        assert graph is not None
        balance = inst.balance
        return exchange_repair(
            balance.weights,
            balance.lo,
            balance.hi,
            graph,
            plan,
            locks,
            time.perf_counter() + seconds if timed else math.inf,
            cost,
            moves,
            None if timed else WORK.exchanges,
        )

    # a start grown from the bound's LP solution (which keeps the move cap) and balanced
    # by recombination, when there is one
    started = None
    if graph is not None and roots is not None and locks is not None:
        seconds_ = (1 - POLISH_SHARE) * left
        started = _lp_start(
            inst, cost, graph, bound, roots, locks, recombined, repaired, seconds_, moves
        )
        left = seconds - (time.perf_counter() - t0)
    if started is not None:
        found = started
    else:
        share = 1.0 if plain else (1 - POLISH_SHARE) * TRAVEL_SHARE
        searched = search(fixed, _within(share * left, stop), seed, TABU)
        found = searched.assignment
        rest = (1 - POLISH_SHARE) * left * (1 - TRAVEL_SHARE)
        fallback = FALLBACK_SHARE * left  # the balance-first search, should ReCom miss
        if (
            graph is not None
            and roots is not None
            and locks is not None
            and not connected(graph, found, inst.p).all()
        ):
            # a unit locked far from its territory's root may be left cut off
            mended = reconnect(graph, inst.points, found, roots, locks)
            if mended is not None and (moves is None or moves.moved(mended) <= moves.cap):
                found = mended
        if (
            graph is not None
            and roots is not None
            and locks is not None
            and (found[roots] == np.arange(inst.p)).all()
            and connected(graph, found, inst.p).all()
        ):
            # unbalanced, it also takes half of the polish's time (it stops once balanced
            # and no cut lowers travel; the polish gets what is left)
            extra = 0.0 if searched.feasible else fallback
            found = recombined(graph, found, roots, locks, rest + extra)
            if _unbalanced(inst.balance, found):
                found = repaired(found, locks, rest)
            rest = fallback
        if not plain and not evaluate(problem, found).feasible(problem.move_cap()):
            found = _balance_first(problem, inst, cost, found, _within(rest, stop), seed)
        if roots is not None and (found[roots] != np.arange(inst.p)).any():
            roots, bound = None, None  # the balance-first plan moved a root: no cut bound
        if (
            graph is not None
            and connected(graph, found, inst.p).all()
            and _unbalanced(inst.balance, found)
        ):
            # still missing: the fine trades the searches lack
            kept = user_locks.astype(np.int64) if roots is None or locks is None else locks
            found = repaired(found, kept, rest)
        if graph is None:
            return found, bound
        if roots is None and pinned and connected(graph, found, inst.p).all():
            # root each territory at its member nearest the centre and improve travel by
            # recombination and the shortest-path MIP
            roots = _member_roots(inst.points, centres, found)
            locks = user_locks.astype(np.int64).copy()
            locks[roots] = np.arange(inst.p)
            half = 0.5 * (t0 + seconds - time.perf_counter())
            found = recombined(graph, found, roots, locks, half)
    assert graph is not None
    if roots is not None:  # the shortest-path MIP keeps the roots and contiguity
        polished: np.ndarray = path_polish(
            cost,
            inst.balance.weights,
            inst.balance.lo,
            inst.balance.hi,
            graph,
            inst.points,
            found,
            roots,
            t0 + seconds - 0.5,
            rounds=None if timed else WORK.path_rounds,
            nodes=None if timed else WORK.path_nodes,
            locks=locks,
            moves=moves,
            # under a move cap the guide cost travel (zip-capped, seeds 0-2: 244.7 / 241.6
            # / 243.3 km guided, 240.9 / 235.9 / 239.2 km not), though the LP keeps the cap
            guide=None if bound is None or moves is not None else bound.solution,
        )
        return polished, bound
    if pinned:
        return found, bound
    polished = pair_search(
        cost,
        inst.balance.weights,
        inst.balance.lo,
        inst.balance.hi,
        graph,
        found,
        centres,
        inst.points,
        t0 + seconds - 0.5,
        seed,
        solve_seconds=1.0 if timed else math.inf,
        roots=roots,
        solves=None if timed else WORK.pair_solves,
        nodes=None if timed else WORK.pair_nodes,
    )
    return polished, bound


# the searches inside travel designs keep what was measured on them: the diameter ones
# (the balance-first plan, large designs) search every growth, since the screen ranks
# growths by diameter while these want balance or a start for the travel descent; they
# and the travel tabu search alternate 10 times as MATS does (4 was measured on the
# diameter objective only)
UNSCREENED = DesignParams(screen_quantile=1.0, alternations=10)
TABU = DesignParams(alternations=10)


WHOLE_UNITS = (
    "no plan meets the tolerances without splitting an account or unit between "
    "territories (the exact model over every pair has none, though the LP splitting "
    "them does); loosen --tolerance"
)


def _lp_start(
    inst: _Instance,
    cost: np.ndarray,
    graph: Graph,
    bound: ContiguousBound | None,
    roots: np.ndarray,
    locks: np.ndarray,
    recombined: Callable[[Graph, np.ndarray, np.ndarray, np.ndarray, float, float], np.ndarray],
    repaired: Callable[[np.ndarray, np.ndarray, float], np.ndarray],
    seconds: float,
    moves: MoveCap | None = None,
) -> np.ndarray | None:
    """A balanced contiguous plan keeping ``roots`` and ``locks``: territories grown from
    the contiguity bound's LP solution (:func:`~territorial.optimize.design.lp_growth.
    grown_from_lp`; a lock walled off is joined by :func:`~territorial.optimize.design.
    reconnect.reconnect`), balanced by recombination with a travel pull
    (``LP_START_PULL``) in half of ``seconds``, then by boundary exchanges
    (``repaired``, :mod:`~territorial.optimize.design.exchange`) and, still unbalanced,
    both again with a smaller pull (``LP_START_PULL_2``); None when there is no LP
    solution or the plan is still unbalanced or moves more than ``moves.cap`` (the LP
    keeps the cap, the growth need not)."""
    if bound is None or bound.solution is None:
        return None
    balance = inst.balance
    target = 0.5 * (balance.lo + balance.hi)
    grown = grown_from_lp(graph, bound.solution, cost, balance.weights, target, roots, locks)
    if grown is not None and not connected(graph, grown, inst.p).all():
        grown = reconnect(graph, inst.points, grown, roots, locks)  # a lock walled off
    if grown is None:
        return None

    plan = recombined(graph, grown, roots, locks, 0.5 * seconds, LP_START_PULL)
    if _unbalanced(balance, plan):
        plan = repaired(plan, locks, 0.5 * seconds)
    if _unbalanced(balance, plan):  # balance first
        plan = recombined(graph, plan, roots, locks, 0.5 * seconds, LP_START_PULL_2)
        if _unbalanced(balance, plan):
            plan = repaired(plan, locks, 0.25 * seconds)
    if moves is not None and moves.moved(plan) > moves.cap:
        return None
    return None if _unbalanced(balance, plan) else plan


def _within(seconds: float, stop: StoppingCriterion) -> StoppingCriterion:
    """A search's stop: ``seconds`` of it, or ``stop`` itself (iterations) when untimed."""
    return MaxRuntime(seconds) if math.isfinite(seconds) else stop


def _balance_first(
    problem: DesignProblem,
    inst: _Instance,
    cost: np.ndarray,
    plan: np.ndarray,
    stop: StoppingCriterion,
    seed: int,
) -> np.ndarray:
    """The better balanced of ``plan`` and the diameter search's plan.

    The travel pull costs the tabu search balance: on the demo's counties at ±10% it
    ended 11% off where the balance-first diameter search (MATS, its own seeds, no
    centres) was feasible.  Its territories are matched to the centres by an optimal
    assignment on travel."""
    compact = search(
        replace(problem, objective="diameter", fixed_centres=None, centre_costs=None),
        stop,
        seed,
        UNSCREENED,
    )
    mine = evaluate(problem, plan)
    if (len(compact.disconnected), compact.balance_excess) >= (
        len(mine.disconnected),
        mine.balance_excess,
    ):
        return plan
    member = sp.csr_matrix(
        (np.ones(inst.n), (compact.assignment, np.arange(inst.n))), shape=(inst.p, inst.n)
    )
    # targets may differ by territory (accounts without a location are fixed loads), so
    # a territory only goes to a centre whose band it meets, when one exists
    travel = np.asarray(member @ cost)
    misfit = _band_misses(np.asarray(member @ inst.balance.weights), inst.balance)
    # a territory holding a locked unit keeps its label; with a move cap every one
    # does (the moves are counted against the labels)
    locks = problem.array("locks")
    held = np.arange(inst.p) if problem.max_moves is not None else np.unique(locks[locks >= 0])
    misfit[held, :] += 1.0
    misfit[held, held] -= 1.0
    rows, cols = linear_sum_assignment(travel + misfit * (1.0 + travel.sum()))
    label = np.empty(inst.p, dtype=np.int64)
    label[rows] = cols
    out: np.ndarray = label[compact.assignment]
    return out


def _member_roots(points: np.ndarray, centres: np.ndarray, plan: np.ndarray) -> np.ndarray:
    """(p,) each territory's member nearest its centre."""
    d = np.linalg.norm(points - centres[plan], axis=1)
    order = np.lexsort((d, plan))
    first = np.r_[True, plan[order][1:] != plan[order][:-1]]
    return np.asarray(order[first], dtype=np.int64)


def _band_misses(loads: np.ndarray, balance: Balance) -> np.ndarray:
    """(p, p) relative miss of territory i's ``loads`` against territory j's band."""
    lo, hi = balance.lo[None, :, :], balance.hi[None, :, :]
    load = loads[:, None, :]
    scale = np.where(hi > 0, 0.5 * (lo + hi), 1.0)
    miss: np.ndarray = (np.maximum(0.0, lo - load) + np.maximum(0.0, load - hi)) / scale
    out: np.ndarray = miss.sum(axis=2)
    return out


def _large(
    problem: DesignProblem,
    inst: _Instance,
    stop: StoppingCriterion,
    seed: int,
    progress: Callable[[Progress], None] | None,
    t0: float,
    budget: float,
) -> DesignResult:
    """Many units: the tabu search on the diameter objective finds a balanced compact
    plan (on travel it did not: 100,000 units into 200, two measures: 69 % off after
    90 s; a Lagrangian plan with a MIP repair was no better), then travel is measured to
    the centres (rep homes, else Weiszfeld points) and bounded by the Lagrangian
    relaxation with the last 15% of the time."""
    compact = replace(
        problem,
        objective="diameter",
        centre_costs=None,
        fixed_centres=None if inst.free.any() else problem.fixed_centres,
    )
    timed = math.isfinite(budget)
    left = budget - (time.perf_counter() - t0)  # after a failed cell design: what is left
    found = search(compact, _within(0.85 * left, stop), seed, UNSCREENED, progress)
    member = sp.csr_matrix(
        (np.ones(inst.n), (np.arange(inst.n), found.assignment)), shape=(inst.n, inst.p)
    )
    centres = np.where(np.isnan(inst.centres), centres_of(compact, found.assignment), inst.centres)
    centres = weiszfeld(inst.points, inst.weights, member, centres, inst.free, False, steps=20)
    cost = inst.cost(centres)
    travel = _travel(cost, found.assignment)
    steps = LAGRANGE_STEPS if timed else WORK.lagrange_steps
    bound = lagrangian_bound(cost, inst.n, inst.balance, t0 + budget, travel, steps)
    return _finish(problem, inst, found.assignment, centres, bound, t0, found.iterations, travel)


def _cellular(
    problem: DesignProblem,
    inst: _Instance,
    stop: StoppingCriterion,
    seed: int,
    progress: Callable[[Progress], None] | None,
    t0: float,
    budget: float,
) -> DesignResult | None:
    """Too many units for the LP: the design solved on cells of nearby units
    (:mod:`~territorial.optimize.design.cells`, at most :data:`ALL_PAIRS` cell-territory
    pairs) by the LP and MIP path in :data:`CELLS_SHARE` of the time, each unit taking
    its cell's territory; the bound is the Lagrangian relaxation over the units with the
    time left.  ``None`` for designs with locks, a move cap, size bounds or contiguity
    (rows per unit), when the cells would be too coarse or too many, and when the cell
    plan is not balanced (the balance-first search then has the time left).  The cells'
    proofs are not the units' (a cell is not split where its units could be), so none
    is reported."""
    lim = inst.limits
    if problem.contiguous or lim.locks is not None or lim.current is not None:
        return None
    if lim.min_units is not None:  # size bounds (set together with max_units)
        return None
    n, p = inst.n, inst.p
    # halving leaves cells of leaf / 2 to leaf units: ``wanted`` to 2 x ``wanted`` cells,
    # so that the LP has every cell-territory pair
    wanted = min(LP_MAX_UNITS // 2, ALL_PAIRS // (2 * p))
    # no cell heavier than half the narrowest band's width, on any measure
    band = np.maximum(inst.balance.hi - inst.balance.lo, 0.0).min(axis=0)
    share = np.divide(
        inst.balance.weights,
        0.5 * band,
        out=np.full_like(inst.balance.weights, np.inf),
        where=band > 0,
    )
    label = median_cells(inst.points, math.ceil(n / wanted), share.max(axis=1))
    k = int(label.max()) + 1
    # too coarse to balance (100,000 into 200: 12% off after 100 s in 4,096 cells, where
    # the search balances it), or too fine for every pair in the LP (50,000 into 100 at
    # a quarter of the band: 8,844 cells, priced LP, 117% off)
    if not CELLS_PER_TERRITORY * p <= k <= min(LP_MAX_UNITS, ALL_PAIRS // p):
        return None
    weight = cell_sums(label, inst.weights, k)
    spread = cell_sums(label, inst.points * inst.weights[:, None], k)
    plain = cell_sums(label, inst.points, k) / cell_sums(label, np.ones(n), k)[:, None]
    heavy = weight > 0
    coords = np.where(heavy[:, None], spread / np.where(heavy, weight, 1.0)[:, None], plain)
    costs = None
    if problem.fixed_centres is not None:
        cost = inst.cost(inst.centres)
        costs = np.zeros((k, p))
        for start in range(0, n, 8192):
            units = np.arange(start, min(n, start + 8192))
            np.add.at(costs, label[units], np.nan_to_num(cost(units)))  # free columns: 0
    cells = replace(
        problem,
        coords=coords,
        measures=cell_sums(label, problem.array("measures"), k),
        travel_weight=weight,
        centre_costs=costs,
        adjacency=None,
        locks=None,
        current=None,
        move_weights=None,
        min_units=None,
        max_units=None,
    )
    timed = math.isfinite(budget)
    spent = time.perf_counter() - t0
    found = solve_travel(cells, _within(CELLS_SHARE * budget - spent, stop), seed, progress)
    if not found.feasible:  # the search, with the time left, balances it
        return None
    assert found.centres is not None
    plan: np.ndarray = found.assignment[label]
    cost = inst.cost(found.centres)
    travel = _travel(cost, plan)
    steps = LAGRANGE_STEPS if timed else WORK.lagrange_steps
    bound = lagrangian_bound(cost, n, inst.balance, t0 + budget, travel, steps)
    return _finish(problem, inst, plan, found.centres, bound, t0, found.iterations, travel)


def _unbalanced(balance: Balance, plan: np.ndarray) -> bool:
    """Whether ``plan`` misses a tolerance band."""
    return _excess(plan, balance.weights, balance.lo, balance.hi) > 0.0


def _move_cap(problem: DesignProblem) -> MoveCap | None:
    """The problem's move cap against its current plan, if it has one."""
    if problem.max_moves is None:
        return None
    return MoveCap(problem.array("current"), problem.move_weight_array(), problem.move_cap())


def _near_exchanges(
    inst: _Instance, model: AssignmentModel, plan: np.ndarray, seconds: float
) -> np.ndarray:
    """``plan`` after the boundary exchanges, each unit's ``NEAR`` nearest units its
    neighbours (no contiguity), locks and the move cap kept."""
    near = cKDTree(inst.points).query(inst.points, k=min(NEAR + 1, inst.n))[1][:, 1:]
    rows = np.repeat(np.arange(inst.n), near.shape[1])
    adjacency = sp.coo_matrix((np.ones(len(rows)), (rows, near.ravel())), (inst.n, inst.n))
    locks = inst.limits.locks
    return exchange_repair(
        inst.balance.weights,
        inst.balance.lo,
        inst.balance.hi,
        Graph.of(adjacency + adjacency.T),
        plan,
        np.full(inst.n, -1) if locks is None else locks,
        time.perf_counter() + seconds,
        model.cost(np.arange(inst.n)),
        _move_cap(inst.problem),
        contiguous=False,
    )


def _travel(cost: Callable[[np.ndarray], np.ndarray], plan: np.ndarray) -> float:
    n = len(plan)
    return float(
        sum(
            cost(u)[np.arange(len(u)), plan[u]].sum()
            for u in np.array_split(np.arange(n), max(1, n // 8192))
        )
    )


def _proof(problem: DesignProblem, inst: _Instance, deadline: float) -> str | None:
    """Why no plan meets the tolerances, when the LP relaxation proves it (else None):
    a move cap too tight (checked first: the usual reason with a cap), or tolerances
    that no plan meets.  Each LP gets at least ``PROOF_SECONDS``, late as it may be."""
    if problem.max_moves is not None:
        cap = move_cap_note(problem, max(PROOF_SECONDS, deadline - time.perf_counter()))
        if cap is not None:
            return cap
    w = inst.balance.weights
    target = problem.array("targets") * w.sum(axis=0)[None, :]
    locks = problem.array("locks")
    found = least_tolerance(
        w,
        target,
        problem.array("tolerances"),
        locks if (locks >= 0).any() else None,
        max(PROOF_SECONDS, deadline - time.perf_counter()),
    )
    if found is None or found.scale <= 1.0 + 1e-6:
        return None
    return found.message(problem.measure_names)


def _unbalanceable(problem: DesignProblem, inst: _Instance, lp: LpSolution) -> np.ndarray:
    """The plan stored when none can be balanced: contiguous designs get the graph
    Voronoi partition around the units nearest the centres (connected), others the LP
    rounded (as close to balanced as a split-free LP rounding gets)."""
    if problem.contiguous and problem.adjacency is not None and not np.isnan(inst.centres).any():
        coords = inst.points
        return voronoi_plan(problem.adjacency, coords, distinct_roots(coords, inst.centres))
    return _rounded(lp)


def _finish(
    problem: DesignProblem,
    inst: _Instance,
    plan: np.ndarray,
    centres: np.ndarray,
    bound: float | None,
    t0: float,
    iterations: int,
    travel: float | None = None,
    note: str | None = None,
    bound_scope: str | None = None,
) -> DesignResult:
    """The result record: figures recomputed from the plan, travel at ``centres`` (unless
    the caller has it already)."""
    fig = evaluate(problem, plan)
    if travel is None:
        travel = _travel(inst.cost(centres), plan)
    gap = None if bound is None or travel <= 0 else max(0.0, (travel - bound) / travel)
    return DesignResult(
        assignment=plan,
        feasible=fig.feasible(problem.move_cap()),
        balance_excess=fig.balance_excess,
        max_deviation=fig.max_deviation,
        diameter=fig.diameter,
        travel=travel,
        disconnected=fig.disconnected,
        moves=fig.moves,
        moved_weight=fig.moved_weight,
        runtime=time.perf_counter() - t0,
        iterations=iterations,
        objective="travel",
        lower_bound=bound,
        gap=gap,
        centres=centres,
        note=note,
        bound_scope=bound_scope,
    )


def solve_travel(
    problem: DesignProblem,
    stop: StoppingCriterion,
    seed: int = 0,
    progress: Callable[[Progress], None] | None = None,
) -> DesignResult:
    """Balanced plan minimising travel to the territories' centres, with its LP bound."""
    t0 = time.perf_counter()
    inst = _Instance(problem)
    budget = stop.time_left(0.0)  # infinite for iteration-bounded designs: see Work
    timed = math.isfinite(budget)
    if inst.n > LP_MAX_UNITS:
        cellular = _cellular(problem, inst, stop, seed, progress, t0, budget)
        if cellular is not None:
            return cellular
        return _large(problem, inst, stop, seed, progress, t0, budget)
    starts = 1
    placed = None
    if inst.free.any():
        share = CONTIGUOUS_CENTRES_SHARE if problem.contiguous else CENTRES_SHARE
        inst.centres, starts, placed = _place_free_centres(inst, stop, seed, t0, share * budget)
    deadline = t0 + budget
    model = inst.model(inst.centres) if placed is None else placed
    lp = _priced_lp(model, deadline)
    if lp is None:  # out of time before the LP: the nearest centre for every unit
        model = inst.model(inst.centres)
        lp = model.solve_lp()
        assert lp is not None
    # pricing may have stopped at the deadline with pairs still pricing out: the
    # restricted LP's value is then no bound (10,000 accounts x 30 homes: 1,015k
    # against 999k for the LP over every pair); its duals priced over every pair are
    bound = min(lp.value, model.lower_bound(lp)) if lp.slack <= 1e-9 else None
    # the LP needed slack: when its relaxation over every pair cannot meet the
    # tolerances either, no plan can; say so at once instead of searching
    note = _proof(problem, inst, deadline) if lp.slack > 1e-9 else None
    if note is not None:
        plan = _unbalanceable(problem, inst, lp)
        return _finish(problem, inst, plan, inst.centres, None, t0, starts, note=note)
    if problem.contiguous:
        left = deadline - time.perf_counter()
        plan, cut = _contiguous_search(problem, inst, inst.centres, max(1.0, left), stop, seed)
        if cut is not None and bound is not None and bound < cut.value < math.inf:
            return _finish(
                problem, inst, plan, inst.centres, cut.value, t0, starts, bound_scope="contiguous"
            )
        return _finish(problem, inst, plan, inst.centres, bound, t0, starts)
    best: MipSolution | None = None
    note = None
    free_units = min(model.n, 100)
    rounds = widenings = 0
    while True:
        left = deadline - time.perf_counter()
        if rounds > 0 and (left < 0.5 or widenings > 3):
            break
        mask = _neighbourhood(model, lp, free_units)
        # the first MIP gets part of the time, so that there is time left to widen
        limit = max(1.0, 0.3 * left if rounds == 0 else left)
        start = None if best is None else best.assignment
        found = model.solve_mip(mask, limit, start, None if timed else WORK.mip_nodes)
        rounds += 1
        if found.assignment is None:  # nothing in this neighbourhood: widen it
            if found.infeasible and free_units >= model.n:  # the whole problem: none exists
                note = WHOLE_UNITS + (" or --max-moves" if problem.max_moves is not None else "")
                break
            free_units, widenings = min(model.n, free_units * 4), widenings + 1
            continue
        if best is None or found.value < best.value:
            best = found
        if progress is not None:
            progress(Progress(rounds, time.perf_counter() - t0, 0.0, best.value, True))
        if found.optimal and free_units >= model.n:
            break
        free_units, widenings = min(model.n, free_units * 4), widenings + 1
    # no integral balanced plan found in time: the LP rounded, its misses repaired by
    # moves and swaps between near units (what is left is reported)
    plan = best.assignment if best is not None and best.assignment is not None else _rounded(lp)
    sized = inst.limits.min_units is not None  # the exchanges have no size rows
    if note is None and not sized and _unbalanced(inst.balance, plan):
        plan = _near_exchanges(inst, model, plan, max(0.5, deadline - time.perf_counter()))
    return _finish(problem, inst, plan, inst.centres, bound, t0, max(starts, rounds), note=note)
