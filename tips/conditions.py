"""The experimental conditions, and the only place that knows them: how each
chooses the tips a trainee sees next from that trainee's history (their
rounds of this scenario, oldest first, finished or not, every decided tick,
with the keys of the tips shown in each) and everyone's.

- none: no tips.
- fixed: the supervisor's texts for this database and scenario (tips/fixed.py,
  kept in the records, written at the desk), each empty field showing the
  scenario's own handcrafted tip; the same for everyone, every round.
  Simulated trainees cannot act on free text, so in the simulated
  experiment "fixed" is a placebo control.
- mined: the population's tips: those that would have saved most over
  every trainee's last `history` rounds where no shown tip covered the
  situation, with a simulated calibration group so there are tips before
  anyone has played.
- personalised: this trainee's own: what following each rule would have
  saved them, recent rounds weighted most, the population's figures as a
  prior worth less than one round of their own (tips/personal.py).

The app (gui/tips_source.py), `kitchen-coach tips --condition` and
`kitchen-coach experiment` all call `Coach.choose`; they differ only in where
the rounds come from: the records (tips/history.py) or simulated trainees.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from engine.scenario import Scenario
from engine.simulator import IDLE
from tips.fixed import handcrafted
from tips.gains import PlayedRound, Tip, cell_stats, standalone_precision
from tips.mining import MinedRules
from tips.personal import personal_estimates, personal_tips, population_tips, untipped_cells
from tips.population import calibration_stats, pool

CONDITIONS = ("none", "fixed", "mined", "personalised")


@dataclass(frozen=True)
class Coaching:
    """The coach's settings, one set for the app, the command line and the experiment."""
    k: int = 3                  # tips shown
    history: int = 2            # each trainee's last rounds the population's figures come from
    recency: float = 0.5        # a round counts this much of the round after it
    prior_rounds: float = 1.0   # the population's figures count as this many rounds, older than all
    settled: int = 3            # a tip shown, met and followed in this many rounds in a row drops out
    sigma: float = 0.0          # Gittins exploration bonus (0: off; see tips/personal.py)
    beta: float = 0.7
    rounds_looked_at: int = 8   # a round older than this weighs under 0.5**8 of the latest: not scored
    precision: float = 0.8      # a tip read alone must agree with the list this often where it holds


@dataclass(frozen=True)
class ShownTip:
    """A tip as a trainee sees it: `rule` is its key (rule content, or
    "fixed:<i>" for a supervisor's text), `why` the trainee's own recent
    decisions it is about, `gain` what it would save per round (own units;
    None for a text nothing can measure)."""
    rule: str
    text: str
    why: tuple[str, ...] = ()
    gain: float | None = None
    tip: Tip | None = field(default=None, compare=False, repr=False)

    def to_json(self) -> dict:
        return {"rule": self.rule, "text": self.text, "why": list(self.why),
                "gain": None if self.gain is None else round(self.gain, 4)}


class Coach:
    """Chooses tips for one scenario, mined list and scorer."""

    def __init__(self, scenario: Scenario, mined: MinedRules, scorer, settings: Coaching = Coaching(),
                 calibration_seed: int = 0):
        self.scenario, self.mined, self.scorer, self.settings = scenario, mined, scorer, settings
        self.calibration, self.calibration_rounds = calibration_stats(scenario, mined, scorer, calibration_seed)
        self._population: tuple[tuple, dict] = ((), {})

    def population(self, everyone: list[PlayedRound]) -> dict:
        """The population's cell figures: everyone's uncovered rounds with the
        calibration group (kept while the same rounds are asked about: the
        experiment asks once per trainee)."""
        ids = tuple(id(r) for r in everyone)
        if self._population[0] != ids or not self._population[1]:
            self._population = (ids, pool(self.calibration, untipped_cells(self.mined, self.scorer, everyone)))
        return self._population[1]

    def choose(self, condition: str, own: list[PlayedRound], everyone: list[PlayedRound],
               fixed_texts=None) -> list[ShownTip]:
        """The tips this trainee sees next. `own`: their rounds, oldest first;
        `everyone`: every trainee's last `settings.history` rounds (theirs too)."""
        s = self.settings
        own = own[-s.rounds_looked_at:]
        if condition == "none":
            return []
        if condition == "fixed":
            return self.fixed(handcrafted(self.scenario) if fixed_texts is None else fixed_texts)
        if condition == "mined" or (condition == "personalised" and not own):
            # a newcomer's own figures are the population's: the same tips, the same order
            ranked = [(st.tip, st.saved_per_round) for st in population_tips(self.population(everyone), 99)]
        elif condition == "personalised":
            est = personal_estimates(self.mined, self.scorer, own, self.population(everyone), s.recency,
                                     s.prior_rounds, s.settled, s.sigma, s.beta)
            ranked = personal_tips(self.mined, est, 99)
        else:
            raise ValueError(f"unknown condition {condition!r}: one of {', '.join(CONDITIONS)}")
        seen = self.calibration_rounds + own[-2:]
        chosen = [(t, g) for t, g in ranked if standalone_precision(self.mined, t, seen) >= s.precision][:s.k]
        return [ShownTip(t.key, t.text, tuple(self.why(t, own)), g, t) for t, g in chosen]

    @staticmethod
    def fixed(texts) -> list[ShownTip]:
        # "fixed:<i>" keys: the records tell a supervisor's text from a mined rule
        return [ShownTip(f"fixed:{i}", t) for i, t in enumerate(texts)]

    def why(self, tip: Tip, own: list[PlayedRound], most: int = 3) -> list[str]:
        """The trainee's decisions, latest round first, where the tip's rule
        decided the worker's choice, they did otherwise and it cost them."""
        out: list[str] = []
        action = self.mined.action(tip.rule)
        for back, rnd in enumerate(reversed(own)):
            cell_stats(self.mined, self.scorer, [rnd])  # fills rnd.rescored: what each deviation cost
            k = rnd.kitchen
            for i, (state, decision) in enumerate(rnd.steps):
                for w in k.idle_workers(state):
                    if rnd.rescored.get((i, w, action), 0.0) > 0 and tip.applies(k, state, w):
                        out.append(_words(k, state, w, decision.get(w, IDLE), back))
                        if len(out) >= most:
                            return out
        return out


def _words(kitchen, state, worker: int, task: int, back: int) -> str:
    did = "stayed idle" if task == IDLE else \
        f"took {kitchen.tasks[task].type} for order {kitchen.tasks[task].order + 1}"
    when = "last round" if back == 0 else f"{back + 1} rounds ago"
    return f"{when}, tick {state.tick + 1}: {kitchen.workers[worker].label} {did}"
