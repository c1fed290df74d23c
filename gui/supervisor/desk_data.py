"""What the desk loads on its background tasks (gui/background.py): the
trainee list, names first and then their figures a batch at a time, and one
trainee's full report when they are picked. No widgets here."""
from __future__ import annotations

from gui.reports.data import GroupReport, gather, overview

LIST_BATCH = 100   # trainees whose figures arrive together


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
    return len(refs)


def load_trainee(state, store, name: str) -> GroupReport:
    """One trainee's full report (expert values, tips, mistakes)."""
    state.check()
    return gather(store, name)
