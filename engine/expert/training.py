"""REINFORCE for the kitchen, as in the appendix (docs: /work/shared/docs/RESEARCH.md).

    1. Sample N rollouts with pi_theta, all N kitchens stepped together and the
       network's forward batched over every pending worker choice.
    2. Q_t = sum_{t' >= t} gamma^(t'-t) r~_t',  r~_t = (r_t - mu) / sigma, with mu
       and sigma the mean and standard deviation of the rewards of the last N
       rollouts.
    3. grad J ~ (1/N) sum_rollouts sum_t (Q_t - V(s_t)) grad log pi_theta(a_t | s_t),
       plus an entropy bonus; V is a learned baseline; Adam takes the step.

Time steps are ticks, and every rollout is padded with zero rewards to the
horizon T (after the round ends the kitchen sits in an absorbing state). So
the reward normalisation shifts Q_t by -mu (T - t), a function of t alone:
like the baseline, it does not depend on the action and leaves the gradient
unbiased. For makespan every played tick gives r = -1, so the return is minus
the turns.

A joint decision is a sequence of single-worker choices (one agent at a time),
log pi(a_t | s_t) = sum_i log pi(a_t,i | s_t, a_t,<i); every factor gets its
tick's Q_t. The baseline V(s_t) sees only the tick's state, never the action.

Exploring starts: a fraction `explore` of each batch's rollouts begins where a
short random prefix left the round (random_policy for 1..explore_ticks decision
ticks, drawn from the rollout's own generator), so the expert also learns to
finish rounds from states a trainee reaches, which is where the move scorer
asks it. Ticks before the start carry no reward and no choice, so Q_t is the
return-to-go from the rollout's own start; the baseline sees the state, so
mixing starts leaves the estimate unbiased. With exploring starts the optimum
on the round does not stop training: the returned weights are the best on the
round first, then on a fixed set of held-out exploring starts (greedy), and
training stops at the budget or when that pair has not improved for
explore_patience evaluations.

Human-like starts: a share `human` of those exploring starts begins instead
at a state human-like play reaches (engine/expert/start_states.py: along rounds of
simulated habit trainees, worst habits alone and mixed, three noise levels,
and of the greedy baselines with slips, sometimes one random decision on),
drawn from a pool of `human_pool` states built once per run; the held-out
starts take the same share from a pool of their own. Only where rollouts
begin changes, so the estimate above stays as it is.

Grouped rollouts (`group` > 1): the batch's starts are drawn as above, one
per group, and each is played `group` times. A rollout's choices then all get
one advantage: its return from that start minus the mean return of the other
rollouts of its group (leave-one-out), over the batch's standard deviation of
those differences -- a baseline for the exact state the rollout began in,
which the learned V (global features only) cannot give. Off the round's own
path the decisions that matter cost one turn in twenty; V's error is larger,
and the grouped baseline is what let fine-tuning on the rush kitchen learn
them (benchmarks/verdicts.py). The other rollouts' returns do not depend on
this rollout's actions, so the estimate stays unbiased.

Stopping: at the time budget (or --iterations), at a known optimum, or when
the policy has settled (a deterministic round sampling only its best value,
or a stochastic one with entropy below a floor). A deterministic round that
settles short of its known optimum restarts from a fresh random policy rather
than idle out the budget; the best greedy weights seen are the ones returned.
"""
from __future__ import annotations

import copy
import time
from dataclasses import asdict, dataclass, field

import numpy as np
import torch

from engine.expert.features import TickView
from engine.policies import random_policy
from engine.expert.network import NumpyScorer, PolicyNet, masked_log_softmax
from engine.scenario import Scenario
from engine.simulator import IDLE, Kitchen, State


@dataclass
class Settings:
    rollouts: int = 32           # N
    lr: float = 1e-2             # Adam (3e-3 settled on 11 turns on burger; 1e-2 finds the optimum 10)
    gamma: float = 1.0
    entropy: float = 0.02        # entropy bonus, halved every entropy_half_life iterations ...
    entropy_end: float = 0.002   # ... down to this floor (by iteration, not time: runs replay exactly)
    entropy_half_life: int = 150
    value_coef: float = 0.5
    hidden: int = 64
    minutes: float = 5.0
    seed: int = 0
    max_iterations: int = 0      # 0 = until the time budget or convergence
    eval_every: int = 5
    eval_episodes: int = 32      # stochastic scenarios: greedy value is a mean over these seeds
    converged_entropy: float = 0.02  # stochastic: mean entropy per choice below which the policy has settled
    patience: int = 30           # iterations the policy must stay settled before training stops
    explore: float = 0.5         # fraction of each batch's rollouts that start after a random prefix
    explore_ticks: int = 8       # the prefix is 1..explore_ticks decision ticks of random_policy
    explore_eval: int = 32       # held-out exploring starts the greedy policy is judged on
    explore_patience: int = 60   # evaluations without improvement before training stops
    human: float = 0.0           # share of exploring starts from human-like play instead of a random prefix
    human_pool: int = 1024       # states in that pool (drawn once per run; engine/expert/start_states.py)
    init: str = ""               # weights (.pt for this game) to start from instead of a fresh policy
    group: int = 0               # > 1: rollouts come in groups of this many from one start (module docstring)


# -- 1. rollouts ---------------------------------------------------------------------

@dataclass
class Rollouts:
    rows: list = field(default_factory=list)      # per choice: [n_options, F] candidate rows
    chosen: list = field(default_factory=list)    # per choice: index of the option taken
    episode: list = field(default_factory=list)   # per choice
    tick: list = field(default_factory=list)      # per choice
    globals_: list = field(default_factory=list)  # per choice: the tick's global features
    rewards: np.ndarray | None = None             # [N, T]
    values: np.ndarray | None = None              # [N] final value, own units


def exploring_start(kitchen: Kitchen, rng: np.random.Generator, max_ticks: int) -> State:
    """Where 1..max_ticks decision ticks of random play leave the round (the
    initial state again if that prefix happens to finish it)."""
    s, n = kitchen.initial_state(), int(rng.integers(1, max_ticks + 1))
    while not s.done and n > 0:
        decide = kitchen.has_decision(s)
        s, _ = kitchen.step(s, random_policy(kitchen, s, rng) if decide else {}, check=False)
        n -= decide
    return kitchen.initial_state() if s.done else s


def sample_rollouts(kitchens: list[Kitchen], scorer: NumpyScorer, rng: np.random.Generator,
                    greedy: bool = False, starts: list[State | None] | None = None) -> Rollouts:
    """Play one round in each kitchen at once, from its start state (None: the
    initial state); sample (or argmax) every choice."""
    n, T = len(kitchens), max(k.ticks for k in kitchens)
    out = Rollouts(rewards=np.zeros((n, T)), values=np.zeros(n))
    starts = starts or [None] * n
    states = [s if s is not None else k.initial_state() for k, s in zip(kitchens, starts)]
    for i, (k, s) in enumerate(zip(kitchens, states)):
        if s.done:
            out.values[i] = k.value(s)
    active = [i for i in range(n) if not states[i].done]
    while active:
        views = {i: TickView(kitchens[i], states[i]) for i in active if kitchens[i].has_decision(states[i])}
        queue = {i: list(v.idle) for i, v in views.items()}
        while True:
            batch = []  # (episode, worker, rows, options) of every kitchen's next pending choice
            for i, v in views.items():
                if queue[i] and v.has_choice():
                    w = queue[i].pop(0)
                    x, opts = v.rows(w)
                    batch.append((i, w, x, opts))
            if not batch:
                break
            logits = scorer.logits(np.concatenate([b[2] for b in batch]))
            start = 0
            for i, w, x, opts in batch:
                l = logits[start:start + len(opts)]
                start += len(opts)
                if greedy:
                    c = int(np.argmax(l))
                else:
                    p = np.exp(l - l.max())
                    c = min(int(np.searchsorted(np.cumsum(p), rng.random() * p.sum(), side="right")), len(p) - 1)
                views[i].take(w, opts[c])
                if not greedy:
                    out.rows.append(x)
                    out.chosen.append(c)
                    out.episode.append(i)
                    out.tick.append(states[i].tick)
                    out.globals_.append(views[i].global_features())
        still = []
        for i in active:
            k, s = kitchens[i], states[i]
            d = {w: j for w, j in views[i].decision.items() if j != IDLE} if i in views else {}
            s2, r = k.step(s, d, check=False)
            out.rewards[i, s.tick] = r
            states[i] = s2
            if s2.done:
                out.values[i] = k.value(s2)
            else:
                still.append(i)
        active = still
    return out


# -- 2. normalised returns-to-go -------------------------------------------------------

def returns_to_go(rewards: np.ndarray, mu: float, sigma: float, gamma: float) -> np.ndarray:
    r = (rewards - mu) / sigma
    q = np.zeros_like(r)
    acc = np.zeros(r.shape[0])
    for t in reversed(range(r.shape[1])):
        acc = r[:, t] + gamma * acc
        q[:, t] = acc
    return q


# -- 3. the loss whose gradient is the estimate ----------------------------------------

def group_advantages(values: np.ndarray, group: int, better: float) -> np.ndarray:
    """Per rollout: its return from the group's common start minus the mean of
    the other rollouts of its group (leave one out), over the batch's standard
    deviation of those differences. Rollouts i*group..(i+1)*group-1 share a start."""
    r = better * values.reshape(-1, group)
    loo = (r.sum(axis=1, keepdims=True) - r) / (group - 1)
    adv = (r - loo).reshape(-1)
    return adv / (adv.std() or 1.0)


def reinforce_loss(net: PolicyNet, ro: Rollouts, q: np.ndarray, n_rollouts: int,
                   entropy_coef: float, value_coef: float, advantages: np.ndarray | None = None):
    """Returns (loss, stats). grad(loss) = -(policy-gradient estimate) - entropy
    bonus + value regression; the baseline is detached, so it only lowers variance.
    `advantages` (per rollout, group_advantages): used for every choice of the
    rollout instead of Q_t - V(s_t); the value head still learns Q_t."""
    sizes = [len(x) for x in ro.rows]
    seg = torch.as_tensor(np.repeat(np.arange(len(sizes)), sizes))
    pos = torch.as_tensor(np.concatenate([np.arange(s) for s in sizes]))
    rows = torch.as_tensor(np.concatenate(ro.rows))
    logp_all = masked_log_softmax(net.logits(rows), seg, len(sizes), max(sizes), pos)
    chosen = torch.as_tensor(ro.chosen)
    logp = logp_all[torch.arange(len(sizes)), chosen]
    q_t = torch.as_tensor(q[ro.episode, ro.tick])
    v = net.baseline(torch.as_tensor(np.stack(ro.globals_)))
    advantage = q_t - v.detach() if advantages is None else torch.as_tensor(advantages[ro.episode])
    policy_loss = -(advantage * logp).sum() / n_rollouts
    p = logp_all.exp()
    entropy = -(p * torch.where(p > 0, logp_all, torch.zeros_like(logp_all))).sum(dim=1)
    value_loss = ((v - q_t) ** 2).mean()
    loss = policy_loss - entropy_coef * entropy.sum() / n_rollouts + value_coef * value_loss
    return loss, {"entropy": float(entropy.mean().detach()), "value_loss": float(value_loss.detach())}


# -- the loop --------------------------------------------------------------------------

@dataclass
class TrainResult:
    net: PolicyNet
    value: float                  # greedy value of the returned weights, own units
    optimal: float | None
    gap: float | None             # relative gap to the optimum (0.05 = 5 %)
    seconds: float
    iterations: int
    restarts: int
    curve: list                   # [{"iteration", "seconds", "mean", "greedy"}]
    settings: Settings


def relative_gap(scenario: Scenario, value: float, optimal: float | None) -> float | None:
    """How far from the optimum, as a fraction of it (>= 0 unless the optimum is a bound)."""
    if optimal is None:
        return None
    worse = optimal - value if scenario.higher_is_better else value - optimal
    return worse / max(abs(optimal), 1e-9)


def greedy_value(scenario: Scenario, scorer: NumpyScorer, episodes: int,
                 starts: list[tuple[Kitchen, State]] | None = None) -> float:
    """Mean greedy value over the round's seeds, or from the given (kitchen, state) starts."""
    if starts:
        kitchens, states = [k for k, _ in starts], [st for _, st in starts]
    else:
        kitchens, states = [Kitchen(scenario, s) for s in (range(episodes) if scenario.stochastic else [0])], None
    ro = sample_rollouts(kitchens, scorer, np.random.default_rng(0), greedy=True, starts=states)
    return float(ro.values.mean())


def held_out_starts(scenario: Scenario, s: Settings) -> list[tuple[Kitchen, State]]:
    """Exploring starts that training never samples from (own generator, not the
    training seed's), so runs with different seeds are judged on the same states."""
    out = []
    n_human = round(s.human * s.explore_eval)
    for e in range(s.explore_eval - n_human):
        k = Kitchen(scenario, e if scenario.stochastic else 0)
        out.append((k, exploring_start(k, np.random.default_rng([2026, e]), s.explore_ticks)))
    if n_human:  # the training pool's seed is the run's; this one is fixed, so runs compare
        from engine.expert.start_states import human_pool
        out += human_pool(scenario, n_human, seed=2026, kitchen=lambda i: Kitchen(scenario, 10**6 + i)
                          if scenario.stochastic else out[0][0] if out else Kitchen(scenario, 0))
    return out


def train(scenario: Scenario, settings: Settings, optimal: float | None = None,
          progress: bool = True) -> TrainResult:
    s = settings
    if s.group > 1 and s.rollouts % s.group:
        raise ValueError(f"rollouts ({s.rollouts}) must be a multiple of the group ({s.group})")
    torch.manual_seed(s.seed)
    rng = np.random.default_rng(s.seed)
    net = PolicyNet(hidden=s.hidden)
    if s.init:  # fine-tuning: an expert already optimal on the round learns the states people reach
        from engine.expert.trained import load_expert
        net = load_expert(s.init, scenario).net
        net.train()
    opt = torch.optim.Adam(net.parameters(), lr=s.lr)
    better = 1.0 if scenario.higher_is_better else -1.0
    budget = s.minutes * 60.0
    fixed_kitchen = None if scenario.stochastic else Kitchen(scenario, 0)
    n_explore = min(s.rollouts, round(s.explore * s.rollouts))
    eval_starts = held_out_starts(scenario, s) if n_explore else []
    n_human = round(s.human * n_explore)
    pool = []
    if n_human:
        from engine.expert.start_states import human_pool
        pool = human_pool(scenario, s.human_pool, seed=s.seed, kitchen=lambda i: Kitchen(scenario, 2 * 10**6 + i)
                          if scenario.stochastic else fixed_kitchen)

    bar = None
    if progress:
        from tqdm import tqdm
        # disable=None: on a terminal only; redrawn every step, the bar would fill a log with
        # carriage returns, and the command's own result line says what was reached
        bar = tqdm(total=round(budget), unit="s", desc=f"train {scenario.key}", leave=True, mininterval=0.5,
                   bar_format="{desc}: {percentage:3.0f}%|{bar}| {n:.0f}/{total:.0f} s {postfix}", disable=None)
    started = time.perf_counter()
    best_value, best_state, best_key, stale = None, None, None, 0
    curve, settled, it, restarts, restarted_at = [], 0, 0, 0, 0
    while True:
        it += 1
        beta = max(s.entropy * 0.5 ** ((it - restarted_at) / s.entropy_half_life), s.entropy_end)

        # 1. sample N rollouts with the current policy
        if fixed_kitchen is not None:
            kitchens = [fixed_kitchen] * s.rollouts
            prefix_seeds = rng.integers(0, 2**31, n_explore) if n_explore else []
        else:
            seeds = rng.integers(0, 2**31, s.rollouts)
            kitchens = [Kitchen(scenario, int(x)) for x in seeds]
            prefix_seeds = seeds[s.rollouts - n_explore:]  # a stochastic round's prefix plays on its own seed
        starts = [None] * (s.rollouts - n_explore) + [
            exploring_start(k, np.random.default_rng(int(x)), s.explore_ticks)
            for k, x in zip(kitchens[s.rollouts - n_explore:], prefix_seeds)]
        for i in range(s.rollouts - n_human, s.rollouts) if pool else ():  # the last ones start where people go
            kitchens[i], starts[i] = pool[int(rng.integers(len(pool)))]
        if s.group > 1:  # every group-th start, repeated: each group plays from one start
            kitchens = [kitchens[i - i % s.group] for i in range(s.rollouts)]
            starts = [starts[i - i % s.group] for i in range(s.rollouts)]
        ro = sample_rollouts(kitchens, net.numpy_scorer(), rng, starts=starts)
        # 2. normalised returns-to-go (mu, sigma over the last N rollouts' rewards)
        mu, sigma = float(ro.rewards.mean()), float(ro.rewards.std()) or 1.0
        q = returns_to_go(ro.rewards, mu, sigma, s.gamma)
        # 3. policy-gradient step with the learned baseline and the entropy bonus
        stats = {"entropy": 0.0}
        if ro.rows:
            adv = group_advantages(ro.values, s.group, better) if s.group > 1 else None
            loss, stats = reinforce_loss(net, ro, q, s.rollouts, beta, s.value_coef, adv)
            opt.zero_grad()
            loss.backward()
            opt.step()

        # the settling test reads the rollouts from the round's own start only
        mean_value = float(ro.values[:s.rollouts - n_explore or s.rollouts].mean())
        if it % s.eval_every == 1 or s.eval_every == 1:
            g = greedy_value(scenario, net.numpy_scorer(), s.eval_episodes)
            point = {"iteration": it, "seconds": round(time.perf_counter() - started, 2),
                     "mean": round(mean_value, 4), "greedy": round(g, 4)}
            key = (g * better,)
            if eval_starts:
                g_explore = greedy_value(scenario, net.numpy_scorer(), s.eval_episodes, eval_starts)
                key, point["explore_greedy"] = (g * better, g_explore * better), round(g_explore, 4)
            if best_key is None or key > best_key:
                best_value, best_state, best_key, stale = g, copy.deepcopy(net.state_dict()), key, 0
            else:
                stale += 1
            curve.append(point)
        elapsed = time.perf_counter() - started
        gap = relative_gap(scenario, best_value, optimal)
        if bar is not None:
            bar.n = min(elapsed, bar.total)
            bar.set_postfix_str(f"mean {mean_value:.2f} best {best_value:.2f}"
                                + (f" gap {gap * 100:.1f}%" if gap is not None else ""), refresh=True)
        # settled: deterministic rounds sample nothing but the best value found so far;
        # stochastic ones have (nearly) stopped exploring
        if scenario.stochastic:
            steady = stats["entropy"] < s.converged_entropy
        else:
            steady = abs(mean_value - best_value) <= 1e-9 + 0.001 * abs(best_value)
        settled = settled + 1 if steady else 0
        if (s.max_iterations and it >= s.max_iterations) or (not s.max_iterations and elapsed >= budget):
            break
        if n_explore:
            if stale >= s.explore_patience:
                break  # neither the round nor the held-out starts have improved for a while
        elif gap is not None and gap <= 1e-9:
            break  # the optimum itself: nothing left to learn
        if settled >= s.patience and n_explore and not (gap is not None and gap > 1e-9 and not scenario.stochastic):
            settled = 0  # settled on the round, but the exploring starts may still be learning
        if settled >= s.patience:
            if optimal is None or scenario.stochastic:
                break  # converged
            # Converged short of a known optimum: the policy has collapsed onto one
            # schedule and its gradient vanishes, so start again from a fresh random
            # policy (new torch seed, the best weights so far kept) until the budget ends.
            restarts, settled, restarted_at = restarts + 1, 0, it
            torch.manual_seed(s.seed + 7919 * restarts)
            net = PolicyNet(hidden=s.hidden)
            opt = torch.optim.Adam(net.parameters(), lr=s.lr)
    if bar is not None:
        bar.close()
    g = greedy_value(scenario, net.numpy_scorer(), s.eval_episodes)
    key = (g * better,)
    if eval_starts:
        key = (g * better, greedy_value(scenario, net.numpy_scorer(), s.eval_episodes, eval_starts) * better)
    if key > best_key:
        best_value, best_state = g, copy.deepcopy(net.state_dict())
    net.load_state_dict(best_state)
    return TrainResult(net, best_value, optimal, relative_gap(scenario, best_value, optimal),
                       time.perf_counter() - started, it, restarts, curve, s)


ALGORITHM = "REINFORCE (normalised returns-to-go, learned baseline, entropy bonus, Adam)"


def training_record(result: TrainResult) -> dict:
    """The JSON written beside the weights (expert.save_expert adds the scenario)."""
    return {
        "algorithm": ALGORITHM if result.settings.group <= 1 else
        f"REINFORCE (leave-one-out baseline over groups of {result.settings.group} rollouts from one start, "
        "learned value baseline trained beside it, entropy bonus, Adam)",
        "settings": asdict(result.settings), "iterations": result.iterations, "restarts": result.restarts,
        "seconds": round(result.seconds, 2), "value": result.value, "optimal": result.optimal,
        "gap": result.gap, "curve": result.curve,
    }
