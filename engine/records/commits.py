"""What every Store method that commits does around its commit.

Before: nothing. If the database cannot take the write (made read-only or
immutable after it was opened, a full disk, another program holding the
write lock past busy_timeout), the caller gets one StoreError line instead
of a driver traceback. After: the store makes sure the commit went into the
write-ahead log that is on disk, not into one another process has deleted
(`Store.check_log`, wal_watch.py).
"""
from __future__ import annotations

import functools

from sqlalchemy.exc import OperationalError

from engine.records.database import StoreError, first_line

_CANNOT_WRITE = {  # by the start of the error's name
    "SQLITE_READONLY": "it is read-only (its permissions, an immutable flag or a read-only disk)",
    "SQLITE_FULL": "the disk is full",
    "SQLITE_BUSY": "another program has kept it locked for more than 10 seconds",
    "SQLITE_IOERR": None,      # the driver's own line says which
    "SQLITE_CANTOPEN": None,
}


def commits(method):
    @functools.wraps(method)
    def commit(store, *args, **kwargs):
        try:
            out = method(store, *args, **kwargs)
        except OperationalError as e:
            name = getattr(e.orig, "sqlite_errorname", "")
            kind = next((k for k in _CANNOT_WRITE if name.startswith(k)), None)
            if kind is None:
                raise
            raise StoreError(f"could not save to the database {store.url}: "
                             f"{_CANNOT_WRITE[kind] or first_line(e)}") from None
        store.check_log()
        return out
    return commit
