"""Get-or-create of rows with a unique key, when several processes may create
the same row at the same moment (eight `play` commands on one database, two
apps on one server).

Looking first and inserting when nothing was found leaves a gap between the
two in which another process inserts the same key; the second insert then
fails on the unique constraint (issue 11: `UNIQUE constraint failed:
scenarios.content_hash`). The constraint is the arbiter: whoever loses the
race rolls back and finds the winner's row. Each attempt is its own
transaction, because a failed statement ends a PostgreSQL transaction.
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from engine.records.database import StoreError, first_line


def get_or_create(Session, model, unique: dict, values: dict):
    """The row of `model` whose unique columns equal `unique`, inserted (with
    `values`) when there is none; returned detached, its columns loaded."""
    for attempt in (1, 2):
        try:
            with Session.begin() as s:
                row = s.scalar(select(model).filter_by(**unique))
                if row is None:
                    row = model(**unique, **values)
                    s.add(row)
                    s.flush()
                return row
        except IntegrityError as e:
            if attempt == 2:  # not the race: the row breaks another constraint
                raise StoreError(f"could not store the {model.__tablename__} row: {first_line(e)}") from None
