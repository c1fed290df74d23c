"""Tips benchmark: mining time and fidelity of our multi-action BRL against
imodels' BRL (one action against the rest) on the same examples, and the
simulated experiment's table.

    .venv/bin/python benchmarks/tips_bench.py [--scenarios burger pasta] [--trainees 40] [--rounds 3]

imodels is for this benchmark only (`.venv/bin/pip install imodels six`); it
is not a dependency of the project. Fidelity is the share of held-out
(state, worker) examples, from rounds not used for mining, where the list's
action class equals the expert's.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402


def imodels_one_vs_rest(Xtr, ytr, Xte, n_classes, names, max_iter):
    """imodels' BayesianRuleListClassifier per action (that action vs the rest);
    the predicted action is the one whose list gives it the highest probability."""
    import warnings

    from imodels import BayesianRuleListClassifier

    probs = np.zeros((len(Xte), n_classes))
    lengths = []
    for c in range(n_classes):
        target = (ytr == c).astype(int)
        if target.sum() == 0:
            continue
        clf = BayesianRuleListClassifier(max_iter=max_iter, n_chains=3, maxcardinality=2, minsupport=0.02,
                                         listlengthprior=4, random_state=0)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            clf.fit(Xtr.astype(int), target, feature_names=names)
            probs[:, c] = clf.predict_proba(Xte.astype(int))[:, 1]
        lengths.append(len(getattr(clf, "d_star", []) or []) + 1)
    return probs.argmax(axis=1), lengths


def mining_table(scenarios, episodes, iterations, imodels_iter):
    from engine.scenario import load_scenario
    from tips.coach import expert_for
    from tips.mining import collect_examples
    from tips.rule_list import BayesianRuleList
    from tips.vocabulary import Vocabulary

    rows = []
    for name in scenarios:
        sc = load_scenario(name)
        expert = expert_for(sc, minutes=3.0)
        vocab = Vocabulary(sc)
        t0 = time.perf_counter()
        ex = collect_examples(sc, expert, vocab, episodes, seed=0)
        collect_s = time.perf_counter() - t0
        held = np.random.default_rng(0).random(episodes) < 0.25
        test = held[ex.episode]
        Xtr, ytr, Xte, yte = ex.X[~test], ex.y[~test], ex.X[test], ex.y[test]
        subjects = [i for i, p in enumerate(vocab.predicates) if p.key.startswith("me:")]
        brl = BayesianRuleList(len(vocab.actions), max_rules=8, iterations=iterations, chains=3, seed=0,
                               subjects=subjects)
        t0 = time.perf_counter()
        ours = brl.fit(Xtr, ytr)
        ours_s = time.perf_counter() - t0
        from tips.rule_list import RuleList
        greedy = brl.greedy()
        greedy_list = RuleList([brl.ants[r] for r in greedy],
                               [int(np.argmax(c)) for c in brl._counts(greedy)], [])
        row = {"scenario": name, "train": len(ytr), "test": len(yte), "collect_s": collect_s,
               "ours_s": ours_s, "ours_fid": ours.fidelity(Xte, yte), "ours_rules": len(ours),
               "ours_method": ours.method, "greedy_fid": greedy_list.fidelity(Xte, yte),
               "majority_fid": float(np.mean(yte == np.bincount(ytr).argmax()))}
        try:
            t0 = time.perf_counter()
            pred, lengths = imodels_one_vs_rest(Xtr, ytr, Xte, len(vocab.actions),
                                                [p.key.replace(" ", "_").replace(":", "_") for p in vocab.predicates],
                                                imodels_iter)
            row.update(ref_s=time.perf_counter() - t0, ref_fid=float(np.mean(pred == yte)), ref_rules=sum(lengths))
        except ImportError as e:
            row.update(ref_s=None, ref_fid=None, ref_rules=None, ref_note=f"imodels not installed ({e})")
        rows.append(row)
        print(f"{name}: {row}", file=sys.stderr, flush=True)
    print("Rule-list mining on the same examples (held-out fidelity to the expert's per-worker choices):")
    head = f"  {'scenario':10s} {'train':>6s} {'test':>5s} | {'ours':>6s} {'rules':>5s} {'time s':>7s} | " \
           f"{'greedy':>6s} | {'imodels 1-vs-rest':>17s} {'rules':>5s} {'time s':>7s} | {'majority':>8s}"
    print(head)
    for r in rows:
        ref = (f"{r['ref_fid']:17.1%} {r['ref_rules']:5d} {r['ref_s']:7.1f}" if r["ref_fid"] is not None
               else f"{'n/a':>17s} {'':5s} {'':7s}")
        print(f"  {r['scenario']:10s} {r['train']:6d} {r['test']:5d} | {r['ours_fid']:6.1%} {r['ours_rules']:5d} "
              f"{r['ours_s']:7.2f} | {r['greedy_fid']:6.1%} | {ref} | {r['majority_fid']:8.1%}")
        if r.get("ref_note"):
            print(f"  ({r['ref_note']})")
    return rows


def experiment_table(scenario, trainees, rounds, seed):
    from engine.scenario import load_scenario
    from tips.coach import expert_for, rules_for, scorer_for
    from tips.experiment import ExperimentSettings, experiment_table, run_experiment

    sc = load_scenario(scenario)
    expert = expert_for(sc, minutes=3.0)
    t0 = time.perf_counter()
    mined = rules_for(sc, expert)
    mine_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    result = run_experiment(sc, mined, scorer_for(expert),
                            ExperimentSettings(trainees=trainees, rounds=rounds, seed=seed), progress=False)
    run_s = time.perf_counter() - t0
    print(f"\nSimulated experiment on {scenario}: {trainees} trainees x {rounds} rounds, seed {seed} "
          f"(habits {', '.join(result['habits'])}; rule list {mine_s:.1f} s, experiment {run_s:.1f} s)")
    print(experiment_table(result))
    c = result["conditions"]
    last = rounds - 1
    none, fixed, pers = (c[k]["suboptimal_pct"][last] for k in ("none", "fixed", "personalised"))
    cut = 100 * (none - pers) / none if none else 0.0
    print(f"round {rounds}: personalised {pers:.1f}% vs none {none:.1f}% (cut {cut:.0f}%), fixed {fixed:.1f}%")
    return result


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scenarios", nargs="+", default=["burger", "pasta"])
    ap.add_argument("--episodes", type=int, default=60)
    ap.add_argument("--iterations", type=int, default=2000)
    ap.add_argument("--imodels-iter", type=int, default=5000)
    ap.add_argument("--trainees", type=int, default=40)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--seeds", type=int, nargs="+", default=[0])
    ap.add_argument("--skip-mining", action="store_true")
    args = ap.parse_args()
    import torch

    torch.set_num_threads(1)
    if not args.skip_mining:
        mining_table(args.scenarios, args.episodes, args.iterations, args.imodels_iter)
    for seed in args.seeds:
        experiment_table(args.scenarios[0], args.trainees, args.rounds, seed)


if __name__ == "__main__":
    main()
