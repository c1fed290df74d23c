"""The move scorer: how much a trainee's decision at one tick costs, in the
scenario's own units, with a verdict in the manner of Lichess' move classes.

The value of a decision is: take it, then let the round be played out, by the
greedy expert and by the dispatch rule, and keep the better of the two
outcomes (each is reached by some play, so the better one is nearer the true
value; the expert alone goes astray after off-script moves). The reference
is the best decision found among the expert's greedy one and, one worker at
a time (Bertsekas' rollout), leaving that worker idle or giving it one of the
expert's top `candidates` choices, so the reference is not itself a mistake.
It is reported as `expert_decision`, valued the same way. On a
deterministic kitchen (up to `DEEP_SIZE`), a move that looks costly is valued
once more, on both sides, with the expert's one-worker-at-a-time rollout
playing the round out: a third play-out some play reaches, which removes
most regrets the quick play-outs overstate after an off-script move. On a
deterministic kitchen (up to `SEARCH_SIZE`) the expert-guided beam search
(engine/expert/search.py) runs from the state before every decision: where
it finds a better first decision than the reference, that becomes the
reference (the expert's own mistake no longer makes a costly move look
"best"); and after a costly-looking move it searches on from there too (a
good but off-script move is not blamed for the play-outs' slips). How hard
each looks depends on the kitchen's size (`Looks`: SEARCH for the small
ones, LARGE above). Guided by the expert only: the exact optimum stays the
judge (benchmarks/verdicts.py).

What depends on the state alone (the expert's side: the reference, its
values, the search from the state) is an `ExpertSide`, kept per state;
`prepare` computes it before the move is known (the app does so while the
trainee thinks), so the verdict after the move waits only for the move's side.
So

    regret = value(trainee) - value(expert)   (makespan: turns, lower is better)
    regret = value(expert) - value(trainee)   (reward: points, higher is better)

regret > 0 means worse than the expert; regret < 0 means the trainee found
something better than the expert, reported as `better_than_expert` with the
verdict "best", never as a mistake. How often the verdicts agree with the
exact regret is measured by benchmarks/verdicts.py.

Stochastic scenarios: a `Kitchen` is one seed's round, and scoring must not
peek at its future. Both decisions are valued on the same K futures, each
redrawn from the state (arrivals after the tick and the noise of tasks not yet
started; what is known at the tick is kept), seeded from the round's seed and
the tick: common random numbers, so the comparison is not drowned in noise
and the same position always gets the same score. Deterministic scenarios
have one future, the round itself.

Per worker: the regret that changing only that worker's choice to the
expert's would remove. If the expert gives that worker a task the trainee
gave to someone else, the two swap, so the changed decision stays legal.

Verdict thresholds (regret in own units; `Thresholds`, configurable):
  best        regret <= 1e-6 (the expert's move, an equal one, or better)
  good        < good          makespan 0.5 turn;   reward 5 % of a dish's points
  inaccuracy  < inaccuracy    makespan 1.5 turns;  reward 20 %
  mistake     < mistake       makespan 3 turns;    reward 60 %
  blunder     otherwise
On a deterministic makespan round regrets are whole turns: 1 turn is an
inaccuracy, 2 a mistake, 3 or more a blunder.

With `exact=True` on a deterministic scenario, the scorer also asks
`engine.optimum.solve` for the best value reachable before and after each
decision: `optimal_regret` (trainee) and `expert_optimal_regret` are then
regrets against the true optimum, not against the expert.
"""
from __future__ import annotations

import importlib.util
import weakref
from dataclasses import asdict, dataclass, field


from engine.exact_regret import Optima, settled
from engine.expert.features import TickView
from engine.policies import dispatch_policy
from engine.expert.search import BeamSearch
from engine.expert.rollout import (Finisher, future_kitchens, future_seeds, greedy_decision, mean_after,
                                   top_choices)
from engine.scenario import Scenario
from engine.simulator import IDLE, Kitchen, State, with_choice

VERDICTS = ("best", "good", "inaccuracy", "mistake", "blunder")


@dataclass(frozen=True)
class Thresholds:
    best: float = 1e-6
    good: float = 0.5
    inaccuracy: float = 1.5
    mistake: float = 3.0

    @classmethod
    def for_scenario(cls, scenario: Scenario) -> "Thresholds":
        if not scenario.higher_is_better:  # makespan: whole turns
            return cls()
        dish = sum(r.reward for r in scenario.recipes.values()) / len(scenario.recipes)
        return cls(good=0.05 * dish, inaccuracy=0.2 * dish, mistake=0.6 * dish)

    def verdict(self, regret: float) -> str:
        if regret <= self.best:
            return "best"
        if regret < self.good:
            return "good"
        if regret < self.inaccuracy:
            return "inaccuracy"
        if regret < self.mistake:
            return "mistake"
        return "blunder"


@dataclass
class MoveScore:
    decision: dict[int, int]          # the trainee's, idle workers named with IDLE
    expert_decision: dict[int, int]
    value: float                      # trainee: own units, mean over the futures
    expert_value: float
    regret: float                     # >= 0 worse than the expert; < 0 better
    per_worker: dict[int, float]
    verdict: str
    better_than_expert: bool
    optimal_regret: float | None = None         # trainee vs the exact optimum
    expert_optimal_regret: float | None = None
    episodes: int = 1                 # futures averaged over
    thresholds: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        d = asdict(self)
        d["decision"] = {str(w): j for w, j in self.decision.items()}
        d["expert_decision"] = {str(w): j for w, j in self.expert_decision.items()}
        d["per_worker"] = {str(w): r for w, r in self.per_worker.items()}
        return d


# workers x tasks at most where the rollout play-out checks a costly-looking
# move, and where the beam search runs on both sides of every decision: every
# deterministic bundled kitchen (rush, 5 x 36 = 180, the largest). Measured
# latency and agreement: benchmarks/verdicts.py, benchmarks/expert_bench.py.
DEEP_SIZE = 180
SEARCH_SIZE = 180
# The small kitchens' settings (workers x tasks <= SMALL_SIZE: taco, burger,
# pasta, the research kitchens): chosen by benchmarks/verdicts.py on seed 0's
# decisions and checked on seed 1's: agreement pasta 96.0 -> 97.2% (seed 1:
# 95.6 -> 97.8), research-disruption 94.4 -> 98.8% (95.4 -> 99.0; false best
# 1.4 -> 0%), p95 scoring 70-105 ms there; depth 3 gained 0.4-0.6 points for
# ~40% more time. A blunder-looking move is searched after to depth 4 (seed 1:
# one false blunder of research-disruption's 4 went; to the round's end, p95
# was 455 ms on research-normal).
SMALL_SIZE = 60
SEARCH = {"width": 6, "choices": 1, "joint": 4, "wait": True, "depth": 2}
BLUNDER_SEARCH = {"depth": 4}
# Larger kitchens (rush) look narrower after the move and deeper before it.
# After the move, what the trainee waits for: the rollout play-out tries the
# expert's top 2 tasks per worker, not all; the search keeps 3 paths, not 6,
# 3 ticks deep; no blunder search; a move far past the mistake line is not
# played out again (it stays a blunder). Before it, prepared while the trainee
# thinks (MoveScorer.prepare): the state's own search 4 ticks deep, 4 paths,
# the top 2 tasks per worker, and a move it tried is valued by what it found
# after it. Rush, 500 decisions per seed (README): agreement over seeds 0-5
# 96.7% with the earlier settings (search 2 ticks; the state's 3 ticks, 3
# paths), 97.3% with these; a deeper state's search alone overstated moves
# (the expert's side outran the move's), so both sides grew together. The
# search after the move runs beside the play-out in the app (SearchHelper)
# and tries no joint changes of several workers (the state's search does):
# they made it the longer of the two (cold p95 123 -> 74 ms without them)
# for 2 of 3000 verdicts (97.4% with them), so the wait after the move is
# under 100 ms.
LARGE = {"deep_choices": 2, "search": {"width": 3, "depth": 3, "choices": 1, "joint": 0}, "blunder_search": None,
         "prepared_search": {"depth": 4, "width": 4, "choices": 2, "joint": SEARCH["joint"]}, "deep_past_clear": False}


def _small(kitchen: Kitchen, size: int) -> bool:
    """A deterministic kitchen of at most `size` workers x tasks."""
    return not kitchen.scenario.stochastic and len(kitchen.scenario.workers) * kitchen.n_tasks <= size


class Looks:
    """How hard the scorer looks in one size of kitchen: the rollout play-out
    (`deep`), the beam search on both sides of a decision (`search`), once
    more after a blunder-looking move (`blunder`), and the state's own search
    (`prepared`, the same as `search` unless set apart: then a move it tried
    is valued by what it found after it, see MoveScorer.score)."""

    def __init__(self, deep: Finisher | None, search: BeamSearch | None, blunder: BeamSearch | None,
                 prepared: BeamSearch | None, deep_past_clear: bool = True):
        self.deep, self.search, self.blunder, self.prepared = deep, search, blunder, prepared
        # whether the rollout play-out also checks a move far past the mistake
        # line: in the small kitchens it turned overstated blunders into the
        # mistakes they were (research-disruption); in the large one such a
        # move stayed a blunder, and random play makes many
        self.deep_past_clear = deep_past_clear


class ExpertSide:
    """What a decision's score needs that depends on the state alone, not on
    the trainee's move: the futures, the expert's greedy decision, the
    reference decision and its value, and (each computed on first need, then
    kept) the reference's value one decision further, its value by the
    rollout play-out, and the beam search from the state.

    `MoveScorer.prepare` computes all of it while the trainee is still
    thinking (a chess GUI's pondering), so the verdict after the move waits
    only for the trainee's side. Prepared or not, a score is the same: the
    values are the same functions of the state, only computed earlier."""

    def __init__(self, scorer: "MoveScorer", kitchen: Kitchen, state: State):
        self.scorer, self.kitchen, self.state = scorer, kitchen, state
        self.idle = kitchen.idle_workers(state)
        self.greedy = {w: IDLE for w in self.idle}
        self.greedy.update(scorer.expert(kitchen, state, None))
        self.futures = future_kitchens(kitchen, state, future_seeds(kitchen, state, scorer.episodes))
        self.theirs, self.expert_value = scorer.reference(kitchen, state, self.futures, self.greedy)
        self._lookahead: float | None = None
        self._deep: float | None = None
        self._search: tuple | None = None

    def lookahead(self) -> float:
        if self._lookahead is None:
            self._lookahead = self.scorer._lookahead(self.kitchen, self.state, self.theirs)
        return self._lookahead

    def deep(self) -> float:
        if self._deep is None:
            self._deep = mean_after(self.scorer.looks(self.kitchen).deep, self.futures, self.theirs)
        return self._deep

    def search(self) -> tuple[float, dict[int, int] | None]:
        if self._search is None:
            self._search = self.scorer.looks(self.kitchen).prepared.search(self.kitchen, self.state)
        return self._search

    def complete(self) -> None:
        """Compute now every part the trainee's move may need."""
        sc, ms = self.kitchen.scenario, self.scorer
        if ms.lookahead and not sc.stochastic:
            self.lookahead()
        if ms._deep(self.kitchen):
            self.deep()
        if ms.searches(self.kitchen):
            self.search()


class MoveScorer:
    """Scores decisions (module docstring). `candidates`: how many of the
    expert's next-best choices per worker the reference search tries besides
    its own choice and leaving that worker idle (0: the expert's greedy
    decision alone); the lookahead tries one fewer. `deep_size`: the largest
    kitchen (workers x tasks) whose costly-looking moves are re-valued with the
    rollout play-out (0: never). `search_size`: the same for the beam search
    (0: never); `search`, `blunder_search`: its settings, over `SEARCH` and
    `BLUNDER_SEARCH` (engine/expert/search.py BeamSearch arguments), in larger
    kitchens with `LARGE` over them. `helper`: search after a costly-looking
    move in a second process while this one plays it out, the process
    preparing each state as this one does (`SearchHelper`,
    engine/expert/helper.py; the same scores, sooner); `close()` stops it."""

    def __init__(self, expert, episodes: int = 8, thresholds: Thresholds | None = None,
                 exact: bool = False, exact_time_limit: float = 5.0, candidates: int = 2,
                 lookahead: bool = True, deep_size: int = DEEP_SIZE, search_size: int = SEARCH_SIZE,
                 search: dict | None = None, blunder_search: dict | None = None, helper: bool = False):
        # the helper's own scorer is built with every argument that can change
        # a value: all but these, so a new argument reaches it unless named here
        helper_options = {k: v for k, v in locals().items()
                          if k not in ("self", "expert", "thresholds", "exact", "exact_time_limit", "helper")}
        self.expert = expert
        self.episodes = episodes
        self.thresholds = thresholds
        self.candidates = candidates
        self.lookahead = lookahead
        self.exact = exact and importlib.util.find_spec("engine.optimum") is not None
        self.optima = Optima(exact_time_limit) if self.exact else None
        horizon = getattr(expert, "horizon", None)
        # each finisher's play-out is a value some play reaches: the best of them
        # is nearer the true value than the expert's alone, which goes astray
        # after off-script moves (issue 12: benchmarks/verdicts.py measures it)
        self.finishers = (expert.finisher, Finisher(expert.scorer, horizon, policy=dispatch_policy))
        # Bertsekas' one-worker-at-a-time rollout of the expert as a third
        # play-out, for moves the quick finishers call costly: it removes most
        # overstated regrets after off-script moves (research-disruption
        # blunder precision 58% -> 100%), but each of its ticks costs one expert
        # play-out per worker and choice, so only on deterministic kitchens up
        # to `deep_size`. The expert-guided beam search (engine/expert/search.py)
        # on both sides of every decision of a deterministic kitchen up to
        # `search_size`: the reference becomes the best decision it finds from
        # the state, when better. Settings per kitchen size (SEARCH, LARGE).
        self.deep_size, self.search_size = deep_size, search_size
        settings = {**SEARCH, **(search or {})}
        blunder = {**settings, **BLUNDER_SEARCH, **(blunder_search or {})}
        large = {**settings, **LARGE["search"]}
        prepared = {**large, **LARGE["prepared_search"]}

        def beam(config):
            return BeamSearch(expert.scorer, self._quick, horizon, **config) if search_size else None

        small_search = beam(settings)
        large_search = beam(large)
        self._small_looks = Looks(
            Finisher(expert.scorer, horizon, policy=expert.with_rollout()) if deep_size else None,
            small_search,
            # a move about to be called a blunder is searched after once more,
            # deeper: a blunder is the verdict that must be true
            beam(blunder) if blunder != settings else None,
            small_search)
        self._large_looks = Looks(
            Finisher(expert.scorer, horizon, policy=expert.with_rollout(choices=LARGE["deep_choices"]))
            if deep_size > SMALL_SIZE else None,
            large_search, beam({**large, **LARGE["blunder_search"]}) if LARGE["blunder_search"] else None,
            beam(prepared) if prepared != large else large_search,
            deep_past_clear=LARGE["deep_past_clear"])
        # prepared expert sides (ExpertSide), per kitchen and state: a round's
        # next state is prepared while the trainee thinks, then scored
        self._sides: "weakref.WeakKeyDictionary[Kitchen, dict[State, ExpertSide]]" = weakref.WeakKeyDictionary()
        # a second process searching after a costly-looking move while this one
        # plays it out (engine/expert/helper.py): the same values, sooner
        self.helper = None
        if helper and search_size and getattr(expert, "net", None) is not None:
            from engine.expert.helper import SearchHelper

            self.helper = SearchHelper(expert.net, horizon, helper_options)

    def close(self) -> None:
        """Stop the helper process, if any (scoring goes on without it)."""
        if self.helper is not None:
            self.helper.close()

    def prepare(self, kitchen: Kitchen, state: State, wait: bool = False) -> None:
        """Do now the part of scoring a decision at `state` that does not
        depend on the decision (ExpertSide), so that `score` at this state
        then waits only for the trainee's side. A state where nobody can act
        is left alone. `wait`: return only once the helper has prepared it
        too (benchmarks: a trainee who thinks until both are done)."""
        if not state.done and kitchen.has_decision(state):
            if self.helper is not None and self.searches(kitchen):
                # the helper prepares the same state at the same time: the
                # search after the move then finds its play-outs remembered
                # there as here
                self.helper.prepare(kitchen, state)
            self._side(kitchen, state).complete()
            if wait and self.helper is not None:
                self.helper.settle()

    def _side(self, kitchen: Kitchen, state: State) -> ExpertSide:
        sides = self._sides.get(kitchen)
        if sides is None:
            sides = self._sides[kitchen] = {}
        side = sides.get(state)
        if side is None:
            if len(sides) >= 64:  # a round's recent states; older ones are not scored again
                sides.clear()
            side = sides[state] = ExpertSide(self, kitchen, state)
        return side

    def _quick(self, kitchen: Kitchen, state: State) -> float:
        return self._better(kitchen.scenario, *(f.value(kitchen, state) for f in self.finishers))

    def value(self, futures: list[tuple[Kitchen, State]], decision: dict[int, int]) -> float:
        """Own units after `decision`: the best finisher's mean over the futures."""
        return self._better(futures[0][0].scenario, *(mean_after(f, futures, decision) for f in self.finishers))

    @staticmethod
    def _better(sc: Scenario, a: float, b: float) -> float:
        return max(a, b) if sc.higher_is_better else min(a, b)

    def _lookahead(self, kitchen: Kitchen, state: State, decision: dict[int, int]) -> float:
        """Value after `decision` when the next decision is the reference's
        (deterministic rounds: one future)."""
        s = settled(kitchen, kitchen.step(state, decision)[0])
        if s.done:
            return kitchen.value(s)
        greedy = {w: IDLE for w in kitchen.idle_workers(s)}
        greedy.update(self.expert(kitchen, s, None))
        # one choice fewer per worker than at the decision itself: this runs on
        # both sides of every costly-looking move, and the latency budget is tight
        return self.reference(kitchen, s, [(kitchen, s)], greedy, max(self.candidates - 1, 0))[1]

    def reference(self, kitchen: Kitchen, state: State, futures, greedy: dict[int, int],
                  candidates: int | None = None) -> tuple[dict, float]:
        """The best decision found, with its value: the expert's greedy one, then
        one worker at a time (index order, earlier workers fixed at their best,
        later ones the expert's), idle or one of the expert's top choices."""
        better = -1.0 if kitchen.scenario.higher_is_better else 1.0  # lower `better * value` is better
        best, best_value = greedy, self.value(futures, greedy)
        candidates = self.candidates if candidates is None else candidates
        if not candidates:
            return best, best_value
        scorer, horizon = self.expert.scorer, getattr(self.expert, "horizon", None)
        view = TickView(kitchen, state, horizon)
        fixed: dict[int, int] = {}
        for w in view.idle:
            if not view.has_choice():
                break
            top = top_choices(view, w, scorer, candidates)
            for c in dict.fromkeys([IDLE] + top):
                d = {**{u: IDLE for u in view.idle}, **greedy_decision(kitchen, state, scorer, {**fixed, w: c}, horizon)}
                if d == best:
                    continue
                v = self.value(futures, d)
                if better * v < better * best_value - 1e-9:
                    best, best_value = d, v
            fixed[w] = best.get(w, IDLE)
            view.take(w, fixed[w])
        return best, best_value

    def looks(self, kitchen: Kitchen) -> Looks:
        """The settings for this kitchen's size (Looks)."""
        return self._small_looks if _small(kitchen, SMALL_SIZE) else self._large_looks

    def searches(self, kitchen: Kitchen) -> bool:
        """Whether the beam search runs on this kitchen (`search_size`)."""
        return self.search_size > 0 and _small(kitchen, self.search_size)

    def _deep(self, kitchen: Kitchen) -> bool:
        return self.deep_size > 0 and _small(kitchen, self.deep_size)

    def score(self, kitchen: Kitchen, state: State, decision: dict[int, int]) -> MoveScore:
        sc = kitchen.scenario
        kitchen.check(state, decision)  # IllegalDecision says what is wrong
        side = self._side(kitchen, state)
        idle, futures = side.idle, side.futures
        mine = {w: decision.get(w, IDLE) for w in idle}
        worse = -1.0 if sc.higher_is_better else 1.0  # sign turning a value difference into regret
        value = shallow = self.value(futures, mine)
        theirs, expert_value = side.theirs, side.expert_value
        regret = worse * (value - expert_value)
        th = self.thresholds or Thresholds.for_scenario(sc)
        # a regret far past the mistake line stays a blunder whatever one more
        # decision of lookahead finds (rush: verdicts unchanged from 4 turns up),
        # and on random play such moves are common: the lookahead is the costly part
        clear = th.mistake + (th.mistake - th.inaccuracy)
        looks = self.looks(kitchen)
        pending = None
        if (self.helper is not None and self.searches(kitchen) and th.best < regret
                and (regret < clear or looks.deep_past_clear)):
            # the search after the move is likely needed below: the helper
            # starts it now, while the move is looked at further here
            pending = self.helper.start(kitchen, state, mine)
        if self.lookahead and th.best < regret < clear and not sc.stochastic:
            # a regret is only as sound as the play-outs: look one decision
            # further on both sides before blaming the trainee
            value = self._better(sc, value, self._lookahead(kitchen, state, mine))
            expert_value = self._better(sc, expert_value, side.lookahead())
            regret = worse * (value - expert_value)
        if self.searches(kitchen) and looks.prepared is not looks.search:
            # the state's own search is the deeper one: a move it tried is
            # valued by the best it found after it, as the expert's is (it
            # was prepared, so this costs nothing after the move)
            below = looks.prepared.below(kitchen, state, mine)
            if below is not None:
                value = self._better(sc, value, below)
                regret = worse * (value - expert_value)
        if th.best < regret and (regret < clear or looks.deep_past_clear) and self._deep(kitchen):
            value = self._better(sc, value, mean_after(looks.deep, futures, mine))
            expert_value = self._better(sc, expert_value, side.deep())
            regret = worse * (value - expert_value)
        if self.searches(kitchen):
            found, first = side.search()
            if first is not None and worse * (found - expert_value) < -1e-9:
                theirs, expert_value = {**{w: IDLE for w in idle}, **first}, found
            # only a costly-looking move needs its own search, and one far past
            # the mistake line stays a blunder whatever it finds (as above)
            if th.best < worse * (value - expert_value) < clear:
                after = pending.wait() if pending is not None else None
                if after is None:
                    after = looks.search.after(kitchen, state, mine)
                value = self._better(sc, value, after)
            if looks.blunder is not None and th.mistake <= worse * (value - expert_value) < clear:
                value = self._better(sc, value, looks.blunder.after(kitchen, state, mine))
            regret = worse * (value - expert_value)
        per_worker = {}
        for w in idle:
            if mine[w] == theirs[w]:
                per_worker[w] = 0.0
                continue
            changed = with_choice(mine, w, theirs[w])
            if all(changed.get(u, IDLE) == theirs[u] for u in idle):
                per_worker[w] = regret  # the only difference: it carries the whole regret
                continue
            per_worker[w] = worse * (shallow - self.value(futures, changed))
        out = MoveScore(mine, theirs, value, expert_value, regret, per_worker, th.verdict(regret),
                        regret < -th.best, episodes=len(futures), thresholds=asdict(th))
        if self.exact and not sc.stochastic:
            witness = self.expert.finisher.value
            mine_exact = self.optima.regret(kitchen, state, mine, witness)
            theirs_exact = self.optima.regret(kitchen, state, theirs, witness)
            if None not in (mine_exact, theirs_exact):
                out.optimal_regret, out.expert_optimal_regret = mine_exact, theirs_exact
        return out
