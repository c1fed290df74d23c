"""Who may read what: the one gate for supervisor-only data.

Every trainee's decisions, every trainee's report, another trainee's tips and
trace exports are supervisor-only once the database has a supervisor with a
password. Until then (a fresh database, a researcher alone with a laptop) they
are open, so a first export needs no set-up. The app's desk, `report`,
`export`, `traces export` and `tips --trainee` all ask here.
"""
from __future__ import annotations

from engine.records.database import StoreError
from engine.records.models import SUPERVISOR

PASSWORD_ENV = "KITCHEN_COACH_SUPERVISOR_PASSWORD"
MIN_PASSWORD_LENGTH = 8


def supervisor_gate(store, password: str | None, what: str = "this") -> str | None:
    """The supervisor whose password this is, or None while the database has
    no supervisor with a password. Raises StoreError (one line) otherwise.
    `what` names the data in the message ("reports", "every trainee's decisions")."""
    supervisors = [p for p in store.people(SUPERVISOR) if p.has_password]
    if not supervisors:
        return None
    if not password:
        raise StoreError(f"this database has a supervisor: the supervisor password is needed for {what} "
                         f"(--password or {PASSWORD_ENV})")
    for p in supervisors:
        if store.check_password(p, password):
            return p.name
    raise StoreError("the supervisor password is wrong")
