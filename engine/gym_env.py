"""The kitchen as a gymnasium environment, for off-the-shelf RL (MaskablePPO
and friends). Nothing is registered globally: build it directly,
`KitchenEnv(load_scenario("burger"))`.

One action decides for one worker. Within a tick the idle workers choose in
index order (the same order as the expert's features); when the last one has
chosen, the tick is played. Workers with nothing to take and ticks with no
decision at all are played through automatically, so every step is a real
choice.

- Action: `Discrete(1 + slots)`. 0 = leave the current worker idle this tick;
  1 + i = give it the i-th task that is open and not yet taken this tick
  (tasks in flat-index order, so the same task keeps a stable place while it
  waits). `action_masks()` says which are legal (MaskablePPO calls it); an
  illegal action is played as "idle" and flagged in `info["illegal"]`.
- Observation: a fixed-size float32 vector in [0, 1] (times divided by the
  horizon): per worker [is choosing now, chose already this tick, ticks until
  free]; per slot [present, current worker's duration, fastest duration,
  critical path after the task, ticks its order has waited, finishes the
  order]; then [tick, fraction served, fraction of orders not yet inside].
- Reward: the simulator's per-tick reward for every tick played by the step,
  so an episode's return is -turns (makespan) or the round's points (reward).
- `reset(seed=s)`: the round of `Kitchen(scenario, s)` (for stochastic
  scenarios; without a seed one is drawn from the env's generator).
"""
from __future__ import annotations

import gymnasium as gym
import numpy as np
from gymnasium import spaces

from engine.scenario import Scenario
from engine.simulator import IDLE, Kitchen, State

WORKER_FEATURES = 3
SLOT_FEATURES = 6
GLOBAL_FEATURES = 3


class KitchenEnv(gym.Env):
    metadata = {"render_modes": ["ansi"]}

    def __init__(self, scenario: Scenario, slots: int | None = None, render_mode: str | None = None):
        self.scenario = scenario
        self.n_workers = len(scenario.workers)
        if slots is None:
            # every task of the fixed orders could be open at once; random arrivals get some room too
            fixed = sum(len(scenario.recipes[o.dish].tasks) for o in scenario.orders)
            slots = min(32, max(4, fixed + (8 if scenario.arrivals else 0)))
        self.slots = int(slots)
        self.render_mode = render_mode
        self.action_space = spaces.Discrete(1 + self.slots)
        size = self.n_workers * WORKER_FEATURES + self.slots * SLOT_FEATURES + GLOBAL_FEATURES
        self.observation_space = spaces.Box(0.0, 1.0, shape=(size,), dtype=np.float32)
        self.kitchen: Kitchen | None = None
        self.state: State | None = None

    # -- gymnasium API --------------------------------------------------------------
    def reset(self, *, seed: int | None = None, options: dict | None = None):
        super().reset(seed=seed)
        round_seed = 0
        if self.scenario.stochastic:
            round_seed = seed if seed is not None else int(self.np_random.integers(2**31 - 1))
        if self.kitchen is None or self.kitchen.seed != round_seed:
            self.kitchen = Kitchen(self.scenario, round_seed)
            self._tail = self._critical_tails(self.kitchen)
        self.state = self.kitchen.initial_state()
        self.decision: dict[int, int] = {}
        self._current = 0
        # ticks played before the first choice (orders not arrived yet) are paid in the first step
        self._pending_reward = self._advance()
        return self._observation(), self._info()

    def step(self, action):
        assert self.kitchen is not None, "call reset() first"
        if self.state.done:
            raise RuntimeError("the round is over; call reset()")
        action = int(action)
        mask = self.action_masks()
        illegal = not (0 <= action < len(mask) and mask[action])
        w = self._current
        self.decision[w] = IDLE if illegal or action == 0 else self._slot_tasks()[action - 1]
        reward = self._pending_reward + self._advance()
        self._pending_reward = 0.0
        info = self._info()
        info["illegal"] = illegal
        terminated = self.state.done
        if terminated:
            info["value"] = self.kitchen.value(self.state)
        return self._observation(), float(reward), terminated, False, info

    def action_masks(self) -> np.ndarray:
        mask = np.zeros(1 + self.slots, dtype=bool)
        mask[0] = True
        if self.state is not None and not self.state.done:
            mask[1:1 + len(self._slot_tasks())] = True
        return mask

    def render(self):
        if self.render_mode == "ansi" and self.state is not None:
            k, s = self.kitchen, self.state
            lines = [f"tick {s.tick}, served {k.served_count(s)}/{k.n_orders}"]
            if not s.done:
                lines.append(f"choosing: {k.workers[self._current].label}; open: "
                             + ", ".join(k.tasks[j].label(k) for j in self._slot_tasks()))
            return "\n".join(lines)
        return None

    # -- the tick machinery -------------------------------------------------------------
    def _slot_tasks(self, worker: int | None = None) -> list[int]:
        """The tasks the choosing worker may take (the kitchen's rulebook), one per action slot."""
        w = self._current if worker is None else worker
        return self.kitchen.choices(self.state, w, self.decision.values())[1:1 + self.slots]

    def _advance(self) -> float:
        """Play ticks until some idle worker has a real choice; returns the reward of the ticks played."""
        k, total = self.kitchen, 0.0
        while not self.state.done:
            idle = [w for w in k.idle_workers(self.state) if w not in self.decision]
            chooser = next((w for w in idle if self._slot_tasks(w)), None)
            if chooser is not None:
                self._current = chooser
                return total
            self.state, r = k.step(self.state, self.decision, check=False)
            self.decision = {}
            total += r
        return total

    # -- what the agent sees ------------------------------------------------------------
    @staticmethod
    def _critical_tails(k: Kitchen) -> list[int]:
        """Fastest-worker ticks of the longest chain after each task to its order's end:
        the kitchen's critical path from the task, less the task itself."""
        return [r - f for r, f in zip(k.remaining_work, k.fastest)]

    def _observation(self) -> np.ndarray:
        k, s = self.kitchen, self.state
        H = float(k.ticks)
        obs = np.zeros(self.observation_space.shape, dtype=np.float32)
        done = s.done
        for w in range(self.n_workers):
            base = w * WORKER_FEATURES
            obs[base] = float(not done and w == self._current)
            obs[base + 1] = float(w in self.decision)
            obs[base + 2] = max(0, s.worker_free[w] - s.tick) / H
        if not done:
            base0 = self.n_workers * WORKER_FEATURES
            w = self._current
            for i, j in enumerate(self._slot_tasks()):
                o = k.task_order[j]
                rest = [t for t in k.order_tasks[o] if t != j and s.task_end[t] < 0]
                obs[base0 + i * SLOT_FEATURES: base0 + (i + 1) * SLOT_FEATURES] = (
                    1.0,
                    k.base_duration[w][j] / H,
                    k.fastest[j] / H,
                    self._tail[j] / H,
                    max(0, s.tick - k.order_at[o]) / H,
                    float(not rest),
                )
        g = len(obs) - GLOBAL_FEATURES
        obs[g] = s.tick / H
        obs[g + 1] = k.served_count(s) / max(1, k.n_orders)
        obs[g + 2] = sum(1 for e in s.order_entered if e < 0) / max(1, k.n_orders)
        return np.clip(obs, 0.0, 1.0)

    def _info(self) -> dict:
        s = self.state
        return {"tick": s.tick, "worker": None if s.done else self._current}
