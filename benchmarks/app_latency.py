"""The wait a trainee sees: from the end of a tick to its verdict, in the app.

What `expert_bench.py latency` measures with the scorer alone, measured here
through the app's own parts: the engine thread (gui/engine_thread.py, which
prepares each board state while the trainee thinks and runs the search
helper), a round session (gui/round_session.py) and the round model, offscreen,
no database. A simulated trainee thinks `--think` seconds a tick (the event
loop runs meanwhile, as in the app), then places its cards, half the ticks at
random and half greedily, and ends the tick; the time until the tick's verdict
arrives is recorded. Prints the median, p95 and max over every tick.

    PYTHONPATH=. .venv/bin/python benchmarks/app_latency.py [--scenario rush] [--rounds 3] [--think 1.0]
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scenario", default="rush")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--think", type=float, default=1.0, help="seconds the trainee thinks each tick")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()

    import numpy as np
    from PySide6.QtCore import QEventLoop
    from PySide6.QtWidgets import QApplication

    from engine.policies import greedy_policy, random_policy
    from engine.scenario import load_scenario
    from engine.simulator import Kitchen
    from gui.engine_thread import EngineClient
    from gui.round_model import RoundModel
    from gui.round_session import RoundSession

    app = QApplication([])
    scenario = load_scenario(args.scenario)
    engine = EngineClient()
    engine.load(scenario)

    def pump(done, timeout: float) -> None:
        start = time.perf_counter()
        while not done() and time.perf_counter() - start < timeout:
            app.processEvents(QEventLoop.AllEvents, 5)
            time.sleep(0.002)

    pump(lambda: engine.expert_ready, 120)
    if not engine.expert_ready:
        sys.exit(f"app_latency: no expert for {args.scenario} ({engine.failure})")
    rng = np.random.default_rng(args.seed)
    waits = []
    try:
        for r in range(args.rounds):
            model = RoundModel(Kitchen(scenario, args.seed * 1_000 + r))
            session = RoundSession(model, engine)
            while not model.done:
                pump(lambda: False, args.think)  # the trainee thinks; the engine prepares
                policy = random_policy if rng.random() < 0.5 else greedy_policy
                for w, j in policy(model.kitchen, model.state, rng).items():
                    session.assign(j, w)
                n = len(session.scored)
                t = time.perf_counter()
                session.end_tick()
                pump(lambda: len(session.scored) > n, 60)
                if len(session.scored) > n:
                    waits.append(time.perf_counter() - t)
            session.close()
    finally:
        engine.shutdown()
    ms = np.array(waits) * 1000
    print(f"{args.scenario}: {len(ms)} ticks of {args.rounds} rounds in the app, trainee thinking "
          f"{args.think:g} s a tick; from the end of the tick to its verdict: median {np.median(ms):.0f} ms, "
          f"p95 {np.percentile(ms, 95):.0f} ms, max {ms.max():.0f} ms")


if __name__ == "__main__":
    main()
