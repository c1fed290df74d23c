"""The supervisor's fixed tips in the records (a part of `Store`): per
scenario (by its file's content hash, so an edited scenario starts afresh),
one row per field with its author and date. Every seat on the same database
reads the same rows. Which text a field shows when it has no row (the
handcrafted tip) is the tips layer's business (tips/fixed.py)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from engine.records.commits import commits
from engine.records.database import StoreError, first_line
from engine.records.models import FixedTip, utcnow

MAX_FIELDS = 3
TEXT_LENGTH = 300


@dataclass(frozen=True)
class FixedTipInfo:
    slot: int            # the field, from 0
    text: str
    author: str
    written_at: datetime
    scenario_key: str


class FixedTips:
    """Store methods about fixed tips (mixed into Store)."""

    def fixed_tips(self, scenario_hash: str) -> dict[int, FixedTipInfo]:
        """The written fields of one scenario, by field number."""
        with self.Session.begin() as s:
            rows = s.scalars(select(FixedTip).where(FixedTip.scenario_hash == scenario_hash))
            return {r.slot: FixedTipInfo(r.slot, r.text, r.author, r.written_at, r.scenario_key) for r in rows}

    @commits
    def set_fixed_tip(self, scenario_hash: str, scenario_key: str, slot: int, text: str, author: str = "",
                      only_if_empty: bool = False) -> bool:
        """Write one field (blank text: clear it, so the handcrafted tip shows
        again). Returns whether anything changed. Two seats writing the same
        field at once: the later write wins, neither fails."""
        if not 0 <= slot < MAX_FIELDS:
            raise StoreError(f"a scenario has fixed-tip fields 1 to {MAX_FIELDS}")
        text = " ".join(str(text or "").split())[:TEXT_LENGTH]
        key = dict(scenario_hash=scenario_hash, slot=int(slot))
        if not text:
            with self.Session.begin() as s:
                return s.execute(delete(FixedTip).filter_by(**key)).rowcount > 0
        values = dict(text=text, author=(author or "")[:200], written_at=utcnow(), scenario_key=scenario_key[:200])
        for attempt in (1, 2):
            try:
                with self.Session.begin() as s:
                    row = s.scalar(select(FixedTip).filter_by(**key))
                    if row is None:
                        s.add(FixedTip(**key, **values))
                        return True
                    if only_if_empty or row.text == text:
                        return False
                    s.execute(update(FixedTip).filter_by(**key).values(**values))
                    return True
            except IntegrityError as e:  # another seat inserted the field first: update theirs
                if attempt == 2:
                    raise StoreError(f"could not store the fixed tip: {first_line(e)}") from None
        return False
