"""The time-indexed CP-SAT model of a round, used by `engine.optimum` for
the reward objective (and by tests, for both objectives, as a second model
of the same rules next to the interval model)."""
from __future__ import annotations

from fractions import Fraction

from ortools.sat.python import cp_model

from engine.scenario import Objective
from engine.simulator import Kitchen, State


# Terms (variable occurrences in constraints) the model may hold: built at
# about a million a second, so three million is three seconds before CP-SAT
# even starts. The precedence and "served by" constraints make the count grow
# with the square of the horizon, which is why `solve` asks first.
MAX_TERMS = 3_000_000


def estimated_terms(k: Kitchen, s: State, stop_above: int = MAX_TERMS) -> int:
    """About how many terms `TimeIndexedModel(k, s)` would hold, counted the
    way the model is built (within a few percent); counting stops once it
    passes `stop_above`, so a huge round costs no more to reject than a small one."""
    H, t0, h = k.ticks, s.tick, k.handover
    span = max(0, H - t0)
    starts = [0] * k.n_tasks  # start variables x[j, w, t] per task
    total = 0
    for j in range(k.n_tasks):
        o = k.task_order[j]
        if s.task_end[j] >= 0 or s.order_served[o] >= 0:
            continue
        first = s.order_entered[o] if s.order_entered[o] >= 0 else max(k.order_at[o], t0 + 1)
        for w in range(k.n_workers):
            if not k.can_do(w, j):  # the worker's `cannot`
                continue
            d = k.duration[w][j]
            n = max(0, H - d + 1 - max(t0, s.worker_free[w], first))
            starts[j] += n
            total += n * (d + h + 1)                             # busy ticks, one per task
        # "served by", entry and precedence: over the span, a term for each start
        # before the tick (about half of them), in each constraint the task is in
        total += span * starts[j] * (1 + (k.max_open > 0)) // 2
        total += span * sum(starts[j] + starts[p] for p in k.task_preds[j]) // 2
        if total > stop_above:
            return total
    return total + span * k.n_orders * (2 + (k.max_open > 0))


def scale_factor(wait_cost: float) -> int:
    """Smallest factor that makes rewards and the wait cost whole numbers, as
    CP-SAT needs integers (wait_cost = 0.5 -> 2)."""
    return Fraction(wait_cost).limit_denominator(1000).denominator



class TimeIndexedModel:
    """The same round as a time-indexed 0-1 model: x[j, w, t] = worker w starts
    task j at tick t. Its linear relaxation is much tighter for the reward
    objective (a weighted sum of completion ticks), on which the interval
    model's bound stalls. "Done by tick u" indicators D_j(u) and "served by
    tick u" indicators F_o(u) make every rule linear:

    - a worker is busy on d + handover ticks from each start: <= 1 per tick;
    - a task may start at u only if each predecessor is done by u;
    - order o waits sum over u in [at, H) of (1 - F_o(u)) ticks, and earns its
      reward if F_o(H);
    - with max_open_orders, entered-by-u indicators (FCFS: never ahead of an
      earlier order) and sum_o (entered_o(u) - F_o(u)) <= m.
    """

    def __init__(self, kitchen: Kitchen, s: State):
        k, sc = kitchen, kitchen.scenario
        self.k, self.s = k, s
        m = self.m = cp_model.CpModel()
        H, t0, h = k.ticks, s.tick, k.handover
        self.scale = scale_factor(sc.wait_cost)
        self.x: dict[tuple[int, int, int], cp_model.IntVar] = {}
        busy = {(w, u): [] for w in range(k.n_workers) for u in range(t0, H + h)}
        todo = [j for j in range(k.n_tasks) if s.task_end[j] < 0 and s.order_served[k.task_order[j]] < 0]
        # earliest tick each order's tasks could start: arrival, or t0 + 1 if it waits to enter
        first = [s.order_entered[o] if s.order_entered[o] >= 0 else max(k.order_at[o], t0 + 1)
                 for o in range(k.n_orders)]
        for j in todo:
            for w in range(k.n_workers):
                if not k.can_do(w, j):  # the worker's `cannot`
                    continue
                d = k.duration[w][j]
                for t in range(max(t0, s.worker_free[w], first[k.task_order[j]]), H - d + 1):
                    x = self.x[j, w, t] = m.new_bool_var(f"x{j}_{w}_{t}")
                    for u in range(t, t + d + h):
                        busy[w, u].append(x)
        for xs in busy.values():
            if len(xs) > 1:
                m.add_at_most_one(xs)
        by_task: dict[int, list] = {j: [] for j in todo}
        for (j, w, t), x in self.x.items():
            by_task[j].append((t, k.duration[w][j], x))
        for j in todo:
            m.add_at_most_one(x for _, _, x in by_task[j])

        def started_by(j, u):  # linear expression: 1 if task j starts at or before tick u
            return sum(x for t, _, x in by_task[j] if t <= u)

        def done_by(j, u):     # 1 if task j counts as done at tick u
            if s.task_end[j] >= 0:
                return int(s.task_end[j] <= u)
            return sum(x for t, d, x in by_task[j] if t + d <= u)

        for j in todo:
            for p in k.task_preds[j]:
                for u in range(t0, H):
                    m.add(started_by(j, u) <= done_by(p, u))

        self.F: dict[tuple[int, int], object] = {}
        for o in range(k.n_orders):
            if s.order_served[o] >= 0:
                continue
            prev = 0
            for u in range(t0 + 1, H + 1):
                f = self.F[o, u] = m.new_bool_var(f"F{o}_{u}")
                m.add(f >= prev)
                for j in k.order_tasks[o]:
                    m.add(f <= done_by(j, u))
                prev = f

        if k.max_open > 0:
            entered: dict[tuple[int, int], object] = {}
            waiting = sorted((o for o in range(k.n_orders) if s.order_entered[o] < 0),
                             key=lambda o: (k.order_at[o], o))
            for o in range(k.n_orders):
                for u in range(t0 + 1, H):
                    if s.order_entered[o] >= 0:
                        entered[o, u] = 1
                    elif u < k.order_at[o]:
                        entered[o, u] = 0
                    else:
                        entered[o, u] = m.new_bool_var(f"in{o}_{u}")
                        if u > max(k.order_at[o], t0 + 1):
                            m.add(entered[o, u] >= entered[o, u - 1])
            for a, b in zip(waiting, waiting[1:]):
                for u in range(t0 + 1, H):
                    m.add(entered[a, u] >= entered[b, u])
            for o in waiting:
                for j in k.order_tasks[o]:
                    for u in range(t0 + 1, H):
                        m.add(started_by(j, u) <= entered[o, u])
            for u in range(t0 + 1, H):
                inside = [entered[o, u] - self.F.get((o, u), 1 if s.order_served[o] >= 0 else 0)
                          for o in range(k.n_orders) if s.order_served[o] < 0]
                m.add(sum(inside) <= k.max_open)

        if k.max_open == 0:
            # identical untouched orders (same dish, same arrival, same durations) are
            # interchangeable: let the earlier one be served no later
            groups: dict[tuple, list[int]] = {}
            for o in range(k.n_orders):
                tasks = k.order_tasks[o]
                if s.order_served[o] < 0 and all(s.task_end[j] < 0 for j in tasks):
                    key = (k.orders[o].dish, max(k.order_at[o], t0),
                           tuple(tuple(k.duration[w][j] for j in tasks) for w in range(k.n_workers)))
                    groups.setdefault(key, []).append(o)
            for orders in groups.values():
                for a, b in zip(orders, orders[1:]):
                    for u in range(t0 + 1, H + 1):
                        m.add(self.F[a, u] >= self.F[b, u])

        if sc.objective is Objective.REWARD:
            f, wc = self.scale, int(round(sc.wait_cost * self.scale))
            const, terms = 0, []
            for o in range(k.n_orders):
                at = k.order_at[o]
                if s.order_served[o] >= 0:
                    const += f * k.order_reward[o] - wc * (s.order_served[o] + 1 - at)
                    continue
                const -= wc * (min(H, t0 + 1) - at) if at < t0 + 1 else 0
                terms.append(f * k.order_reward[o] * self.F[o, H])
                terms += [-wc * (1 - self.F[o, u]) for u in range(max(at, t0 + 1), H)]
            m.maximize(sum(terms) + const)
        else:
            # turns = ticks u < H at whose start some order is still unserved
            alls = []
            for u in range(t0 + 1, H):
                a = m.new_bool_var(f"all{u}")
                for o in range(k.n_orders):
                    if s.order_served[o] < 0:
                        m.add(a <= self.F[o, u])
                alls.append(a)
            m.minimize(t0 + 1 + sum(1 - a for a in alls))

    def value_of(self, solver: cp_model.CpSolver) -> float:
        return solver.objective_value / self.scale

    def bound_of(self, solver: cp_model.CpSolver) -> float:
        return solver.best_objective_bound / self.scale

    def schedule(self, solver: cp_model.CpSolver):
        for (j, w, t), x in self.x.items():
            if solver.boolean_value(x):
                yield j, w, t
