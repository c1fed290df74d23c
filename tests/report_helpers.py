"""Records with every kind of round, for the report and desk tests: played
tick by tick through the store as the app does, with made-up scores."""
from __future__ import annotations

import numpy as np

from engine.policies import dispatch_policy, random_policy
from engine.simulator import Kitchen

VERDICTS = ("best", "good", "inaccuracy", "mistake", "blunder")


def play(store, session, scenario, seed, *, stop_after=None, imported=False, slip=0.4, tips=()):
    """A round with scores whose verdict is drawn from the seed; stops after
    `stop_after` decisions (left open) or plays to the end (finished)."""
    rid = store.start_round(session, scenario, seed, imported=imported)
    k = Kitchen(scenario, seed)
    rng = np.random.default_rng(seed)
    s = k.initial_state()
    decided = 0
    while not s.done:
        d = {}
        if k.has_decision(s):
            if stop_after is not None and decided >= stop_after:
                return rid
            d = random_policy(k, s, rng) if rng.random() < slip else dispatch_policy(k, s)
            verdict = VERDICTS[int(rng.integers(len(VERDICTS)))]
            regret = float(VERDICTS.index(verdict))
            score = {"verdict": verdict, "regret": regret, "expert_value": 20.0 + seed % 7 + 0.5,
                     "value": 20.0 + seed % 7 + 0.5 + regret, "decision": {}, "expert_decision": {},
                     "per_worker": {}}
            store.record_decision(rid, s.tick, d, score, tips=tips if decided == 0 else ())
            decided += 1
        s, _ = k.step(s, d)
    store.finish_round(rid)
    return rid


def kinds_db(store, burger, pasta):
    """Ada (condition mined): burger finished x4 (the 2nd with a tip), one
    unfinished, one abandoned, one cut (imported, log ends early), pasta
    finished x2. Bo (condition none, then fixed): burger finished x1."""
    ada = store.start_session(store.person("Ada"), condition="mined")
    ids = {"finished": [], "pasta": []}
    for i in range(4):
        ids["finished"].append(play(store, ada, burger, 100 + i, tips=[("rule:1", "Plate early.")] if i == 1 else ()))
    ids["unfinished"] = play(store, ada, burger, 200, stop_after=2)
    ids["abandoned"] = play(store, ada, burger, 201, stop_after=2)
    store.close_round(ids["abandoned"])
    ids["cut"] = play(store, ada, burger, 202, stop_after=3, imported=True)
    store.close_round(ids["cut"])
    for i in range(2):
        ids["pasta"].append(play(store, ada, pasta, 300 + i))
    bo_first = store.start_session(store.person("Bo"), condition="none")
    play(store, bo_first, burger, 400)
    bo = store.start_session(store.person("Bo"), condition="fixed")
    ids["bo"] = play(store, bo, burger, 401)
    return ids
