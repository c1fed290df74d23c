"""Records for demos, tests and the benchmark of the supervisor's desk:
simulated trainees who play rounds through the records API exactly as the
app stores them, each decision scored against a stand-in expert.

The stand-in expert is the dispatch rule (engine.policies), and a decision's
value is the outcome when that rule plays the round out after it: the same
definition of regret as engine.expert.scoring, without loading torch or a trained
policy (none may be shipped for a scenario being edited). No Qt here.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from engine.policies import dispatch_policy, random_policy
from engine.simulator import IDLE, Kitchen, State, with_choice

# engine.expert.scoring's verdict thresholds for makespan rounds, in turns; reward
# rounds scale them by a dish's points there. Kept here so seeding needs no torch.
_THRESHOLDS = (1e-6, 0.5, 1.5, 3.0)
SAMPLE_TIPS = (
    ("rule:0", "Leave the chef idle rather than have them plate."),
    ("rule:1", "When only cooking is open, the server should wait."),
)


def _verdict(regret: float, scale: float) -> str:
    best, good, inaccuracy, mistake = (t * scale for t in _THRESHOLDS)
    if regret <= _THRESHOLDS[0]:
        return "best"
    for bound, word in ((good, "good"), (inaccuracy, "inaccuracy"), (mistake, "mistake")):
        if regret < bound:
            return word
    return "blunder"


@dataclass
class StandInScore:
    expert_decision: dict[int, int]
    value: float
    expert_value: float
    regret: float
    per_worker: dict[int, float]
    verdict: str
    better_than_expert: bool = False
    optimal_regret: float | None = None
    decision: dict[int, int] = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {"decision": {str(w): j for w, j in self.decision.items()},
                "expert_decision": {str(w): j for w, j in self.expert_decision.items()},
                "value": self.value, "expert_value": self.expert_value, "regret": self.regret,
                "per_worker": {str(w): r for w, r in self.per_worker.items()}, "verdict": self.verdict,
                "better_than_expert": self.better_than_expert, "optimal_regret": self.optimal_regret,
                "episodes": 1}


class StandInScorer:
    """`score(kitchen, state, decision)` like engine.expert.scoring.MoveScorer, with the
    dispatch rule as the expert (deterministic scenarios: one future)."""

    def _finish(self, kitchen: Kitchen, state: State, decision: dict[int, int]) -> float:
        s, _ = kitchen.step(state, decision)
        while not s.done:
            s, _ = kitchen.step(s, dispatch_policy(kitchen, s) if kitchen.has_decision(s) else {}, check=False)
        return float(kitchen.value(s))

    def score(self, kitchen: Kitchen, state: State, decision: dict[int, int]) -> StandInScore:
        sc = kitchen.scenario
        worse = -1.0 if sc.higher_is_better else 1.0
        idle = kitchen.idle_workers(state)
        mine = {w: decision.get(w, IDLE) for w in idle}
        theirs = {w: IDLE for w in idle}
        theirs.update(dispatch_policy(kitchen, state))
        value, expert_value = self._finish(kitchen, state, mine), self._finish(kitchen, state, theirs)
        per_worker = {}
        for w in idle:
            if mine[w] == theirs[w]:
                per_worker[w] = 0.0
                continue
            per_worker[w] = worse * (value - self._finish(kitchen, state, with_choice(mine, w, theirs[w])))
        regret = worse * (value - expert_value)
        scale = 1.0 if sc.objective == "makespan" else \
            sum(r.reward for r in sc.recipes.values()) / len(sc.recipes) / 5.0
        return StandInScore({w: j for w, j in theirs.items() if j != IDLE}, value, expert_value, regret,
                            per_worker, _verdict(regret, scale), regret < -1e-6, decision=mine)


def learner(slip: float):
    """A trainee who follows the dispatch rule but slips into a random choice
    with probability `slip` per tick."""
    def policy(kitchen, state, rng):
        return random_policy(kitchen, state, rng) if rng.random() < slip else dispatch_policy(kitchen, state)
    return policy


def seed_trainees(store, scenario, trainees: int = 3, rounds: int = 5, seed: int = 0,
                  tips: bool = True, names: list[str] | None = None, expert=None) -> list[str]:
    """Store `rounds` scored rounds for each of `trainees` simulated trainees,
    who slip less as they practise; from their third round on, some rounds
    show a tip. `expert`: stored as the rounds' expert (by its `record`'s
    weights hash), as `kitchen-coach play` does. Returns the trainees' names."""
    from engine.records.play import play_and_store

    rng = np.random.default_rng(seed)
    scorer = StandInScorer()
    optimum = _optimum(scenario)
    names = names or [f"Trainee {i + 1:02d}" for i in range(trainees)]
    for i, name in enumerate(names):
        start = 0.3 + 0.5 * rng.random()
        session = store.start_session(store.person(name), condition="sample")
        for r in range(rounds):
            slip = start * (0.75 ** r)
            info = play_and_store(store, scenario, int(rng.integers(1_000_000)), learner(slip), "sample",
                                  name, scorer=scorer, rng=np.random.default_rng(rng.integers(1 << 31)),
                                  session=session, optimum=optimum, expert=expert)
            if tips and r >= 2 and (r + i) % 2 == 0:
                rule, text = SAMPLE_TIPS[(r // 2) % len(SAMPLE_TIPS)]
                store.record_tip(info.id, 0, rule, text)
    return names


def _optimum(scenario) -> float | None:
    """The optimum when the engine has it; seeding must not wait for a solver on big scenarios."""
    if scenario.stochastic:
        return None
    try:
        from engine.optimum import optimal_value
        return optimal_value(scenario)
    except Exception:  # a nicety for the plots, never a reason to fail seeding
        return None
