"""People in the records: trainees, supervisors, their names and the
supervisors' passwords (a part of `Store`, engine/records/store.py).

A name is one person. A trainee and a supervisor never share one: a round
played under the supervisor's name would be stored as the supervisor's
(`play --trainee boss`), and a supervisor chosen by a trainee's name would
take that trainee's rounds off every trainee list. So asking for a trainee
by a supervisor's name, or for a supervisor by a trainee's, is refused; a
trainee becomes a supervisor (`set_password`) only while they have played no
round, so nothing of a trainee's is ever taken over.
"""
from __future__ import annotations

import functools

from sqlalchemy import func, select

from engine.records.access import MIN_PASSWORD_LENGTH
from engine.records.commits import commits
from engine.records.database import StoreError
from engine.records.models import ROLES, SUPERVISOR, TRAINEE, Person, Round, TrainingSession
from engine.records.passwords import hash_password, verify_password
from engine.records.unique_rows import get_or_create
from engine.records.views import PersonRef

NAME_LENGTH = Person.__table__.c.name.type.length


def clean_name(name: str) -> str:
    """The name as stored (trimmed), or StoreError: empty, or longer than the column."""
    name = (name or "").strip()
    if not name:
        raise StoreError("a person needs a name")
    if len(name) > NAME_LENGTH:
        raise StoreError(f"a name can have at most {NAME_LENGTH} characters; this one has {len(name)}")
    return name


class People:
    """Store methods about people (mixed into Store: self.Session is its sessionmaker)."""

    @commits
    def person(self, name: str, role: str = TRAINEE) -> PersonRef:
        """Get or create. A trainee by a supervisor's name, or a supervisor by a
        trainee's, is refused: look people up by name with `find_person`."""
        name = clean_name(name)
        if role not in ROLES:
            raise StoreError(f"role must be one of {', '.join(ROLES)}, not {role!r}")
        p = _person_ref(get_or_create(self.Session, Person, dict(name=name), dict(role=role)))
        if p.role != role:
            raise StoreError(f"{name} is the supervisor's name; a trainee needs another name" if p.role == SUPERVISOR
                             else f"{name} is a trainee's name; the supervisor needs another name")
        return p

    def find_person(self, name: str) -> PersonRef | None:
        with self.Session.begin() as s:
            p = s.scalar(select(Person).where(Person.name == name.strip()))
            return _person_ref(p) if p else None

    def people(self, role: str | None = None) -> list[PersonRef]:
        with self.Session.begin() as s:
            q = select(Person).order_by(Person.name)
            if role:
                q = q.where(Person.role == role)
            return [_person_ref(p) for p in s.scalars(q)]

    @commits
    def set_password(self, person, password: str) -> None:
        """Make the person a supervisor with this password (stored as scrypt only).
        A trainee who has played rounds stays a trainee: see the module's docstring."""
        if len(password or "") < MIN_PASSWORD_LENGTH:
            raise StoreError(f"a supervisor password needs at least {MIN_PASSWORD_LENGTH} characters")
        hashed = hash_password(password)
        with self.Session.begin() as s:
            p = s.get(Person, person if isinstance(person, int) else person.id)
            if p is None:
                raise StoreError("no such person")
            if p.role == TRAINEE:
                rounds = s.scalar(select(func.count(Round.id)).join(TrainingSession)
                                  .where(TrainingSession.person_id == p.id))
                if rounds:
                    raise StoreError(f"{p.name} has played {rounds} round(s) as a trainee; "
                                     "the supervisor needs a name of their own")
            p.password_hash, p.role = hashed, SUPERVISOR

    def check_password(self, person, password: str) -> bool:
        with self.Session.begin() as s:
            p = s.get(Person, person if isinstance(person, int) else person.id) if not isinstance(person, str) \
                else s.scalar(select(Person).where(Person.name == person))
            stored = p.password_hash if p is not None and p.role == SUPERVISOR else None
        # hash even when there is nothing to compare, so timing does not tell who exists
        if not stored:
            verify_password(password, _dummy_hash())
            return False
        return verify_password(password, stored)

    def require_supervisor(self, name: str, password: str) -> PersonRef:
        """The gate for supervisor-only views and exports."""
        if not self.check_password(name, password):
            raise StoreError("supervisor name or password is wrong")
        return self.find_person(name)


@functools.cache
def _dummy_hash() -> str:
    return hash_password("not a real password")


def _person_ref(p: Person) -> PersonRef:
    return PersonRef(p.id, p.name, p.role, p.password_hash is not None)
