"""The move scorer: how much a trainee's decision at one tick costs, in the
scenario's own units, with a verdict in the manner of Lichess' move classes.

The value of a decision is: take it, then let the greedy expert play the round
out. The expert's decision is scored the same way, so

    regret = value(trainee) - value(expert)   (makespan: turns, lower is better)
    regret = value(expert) - value(trainee)   (reward: points, higher is better)

regret > 0 means worse than the expert; regret < 0 means the trainee found
something better than the expert, reported as `better_than_expert` with the
verdict "best", never as a mistake.

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
from dataclasses import asdict, dataclass, field

from engine.exact_regret import Optima
from engine.rollout import future_kitchens, future_seeds, mean_after
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
        if scenario.objective == "makespan":
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




class MoveScorer:
    def __init__(self, expert, episodes: int = 8, thresholds: Thresholds | None = None,
                 exact: bool = False, exact_time_limit: float = 5.0):
        self.expert = expert
        self.episodes = episodes
        self.thresholds = thresholds
        self.exact = exact and importlib.util.find_spec("engine.optimum") is not None
        self.optima = Optima(exact_time_limit) if self.exact else None

    def score(self, kitchen: Kitchen, state: State, decision: dict[int, int]) -> MoveScore:
        sc = kitchen.scenario
        kitchen.check(state, decision)  # IllegalDecision says what is wrong
        idle = kitchen.idle_workers(state)
        mine = {w: decision.get(w, IDLE) for w in idle}
        theirs = {w: IDLE for w in idle}
        theirs.update(self.expert(kitchen, state, None))
        futures = future_kitchens(kitchen, state, future_seeds(kitchen, state, self.episodes))
        worse = -1.0 if sc.higher_is_better else 1.0  # sign turning a value difference into regret
        finisher = self.expert.finisher
        value = mean_after(finisher, futures, mine)
        expert_value = mean_after(finisher, futures, theirs)
        regret = worse * (value - expert_value)
        per_worker = {}
        for w in idle:
            if mine[w] == theirs[w]:
                per_worker[w] = 0.0
                continue
            per_worker[w] = worse * (value - mean_after(finisher, futures, with_choice(mine, w, theirs[w])))
        th = self.thresholds or Thresholds.for_scenario(sc)
        out = MoveScore(mine, theirs, value, expert_value, regret, per_worker, th.verdict(regret),
                        regret < -th.best, episodes=len(futures), thresholds=asdict(th))
        if self.exact and not sc.stochastic:
            mine_exact = self.optima.regret(kitchen, state, mine, finisher.value)
            theirs_exact = self.optima.regret(kitchen, state, theirs, finisher.value)
            if None not in (mine_exact, theirs_exact):
                out.optimal_regret, out.expert_optimal_regret = mine_exact, theirs_exact
        return out
