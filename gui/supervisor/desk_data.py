"""What the desk loads on its background tasks (gui/background.py): the
trainee list, names first and then their figures a batch at a time, and one
trainee's full report when they are picked. No widgets here."""
from __future__ import annotations

from gui.reports.data import GroupReport, gather, overview

LIST_BATCH = 20    # trainees whose figures arrive together


def load_trainees(state, store, batch: int | None = None) -> int:
    """Partials: ("names", [TraineeRef]) once, then ("figures", [light
    TraineeReport]) per batch. Returns the number of trainees."""
    batch = batch or LIST_BATCH
    refs = store.trainee_refs()
    state.partial(("names", refs))
    for i in range(0, len(refs), batch):
        state.check()
        state.partial(("figures", overview(store, refs[i:i + batch])))
        state.progress(min(i + batch, len(refs)), len(refs), "loading trainees")
        # a breath between batches: the window takes the interpreter (and on a busy machine the
        # processor) to show this batch before the next is built
        state.wait(0.01)
    return len(refs)


def load_trainee(state, store, name: str) -> tuple[GroupReport, dict]:
    """One trainee's full report (expert values, tips, mistakes), and how they
    followed the mined tips shown (round id -> {rule: TipAdherence}): working
    that out may replay rounds and load the expert, never on the GUI thread."""
    from gui.tips_source import compute_adherence

    state.check()
    report = gather(store, name)
    adherence = {}
    for t in report.trainees:
        for rid in sorted({tip.round_id for tip in t.tips if tip.rule.startswith("when ")}):
            state.check()
            try:
                adherence[rid] = {a.rule: a for a in compute_adherence(store, rid)}
            except Exception as e:  # noqa: BLE001 -- the desk still shows the tips when a round cannot be replayed
                print(f"adherence of round {rid}: {e}")
                adherence[rid] = {}
    return report, adherence
