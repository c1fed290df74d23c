"""How far any choice of tips can take the simulated experiment's trainees
(issue 13): the same population as `kitchen-coach experiment` (same seeds,
same habits), shown every tip of the mined list every round, and what is
left of their suboptimal decisions then.

    PYTHONPATH=. .venv/bin/python benchmarks/tips_ceiling.py [--scenarios burger pasta research-disruption]
        [--seeds 1 2 3] [--trainees 40] [--rounds 3] [--population mixed|individual]

No coach can choose three tips that do better than all of them shown at
once unless some tips mislead when read alone, so "every tip" bounds what
personalised tips can gain over the population's. Each suboptimal decision
(worker regret above the "good" threshold) of the last round is put in one
class:

  passed by     a shown tip held for that worker and says what the expert
                did, and the trainee did otherwise (adherence: each simulated
                trainee takes advice that applies with its own probability)
  misled        a tip held, the trainee did what it says (or it says something
                else than the expert), and it still cost
  uncovered     no tip held: the list's default rule decides there, and
                "in any other situation" is no tip a person can follow

Prints figures; asserts nothing.
"""
from __future__ import annotations

import argparse
import collections
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from engine.scenario import load_scenario  # noqa: E402
from engine.simulator import IDLE  # noqa: E402
from tips.coach import expert_for, rules_for, scorer_for  # noqa: E402
from tips.experiment import ExperimentSettings, good_threshold, make_trainees  # noqa: E402
from tips.gains import mined_tips  # noqa: E402
from tips.population import play, round_kitchen  # noqa: E402


def ceiling(name: str, seed: int, trainees: int, rounds: int, population: str = "mixed") -> dict:
    sc = load_scenario(name)
    expert = expert_for(sc, progress=False)
    scorer, mined = scorer_for(expert), rules_for(sc, expert)
    threshold = good_threshold(scorer, sc)
    tips = mined_tips(mined)
    people = make_trainees(sc, ExperimentSettings(trainees=trainees, rounds=rounds, seed=seed, population=population),
                           mined, expert)
    pct, left = [], collections.Counter()
    for r in range(rounds):
        kitchen = round_kitchen(sc, seed, r)
        bad = total = 0
        for t in people:
            rnd = play(t, kitchen, tips)
            for (state, decision), m in zip(rnd.steps, rnd.score(scorer)):
                for w, regret in m.per_worker.items():
                    total += 1
                    if regret <= threshold:
                        continue
                    bad += 1
                    if r < rounds - 1:
                        continue
                    held = [tip for tip in tips if tip.holds(kitchen, state, w)]
                    if not held:
                        left["uncovered"] += 1
                        continue
                    says = mined.action(held[0].rule)
                    did = mined.vocab.action_class(kitchen, decision.get(w, IDLE))
                    best = mined.vocab.action_class(kitchen, m.expert_decision.get(w, IDLE))
                    left["passed by" if did != says and says == best else "misled"] += 1
        pct.append(100.0 * bad / total if total else 0.0)
    return {"scenario": name, "seed": seed, "suboptimal_pct": pct, "left": dict(left)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scenarios", nargs="+", default=["burger", "pasta", "research-disruption"])
    ap.add_argument("--seeds", nargs="+", type=int, default=[1, 2, 3])
    ap.add_argument("--trainees", type=int, default=40)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--population", choices=["mixed", "individual"], default="mixed")
    args = ap.parse_args()
    import torch

    torch.set_num_threads(1)
    print(f"{'scenario':20} {'seed':>4}  every tip shown, % suboptimal by round   last round's: "
          f"passed by / misled / uncovered")
    for name in args.scenarios:
        for seed in args.seeds:
            c = ceiling(name, seed, args.trainees, args.rounds, args.population)
            left = c["left"]
            n = sum(left.values()) or 1
            print(f"{name:20} {seed:4d}  {' / '.join(f'{x:.1f}' for x in c['suboptimal_pct']):38}  "
                  + " / ".join(f"{100 * left.get(k, 0) / n:.0f}%" for k in ("passed by", "misled", "uncovered")),
                  flush=True)


if __name__ == "__main__":
    main()
