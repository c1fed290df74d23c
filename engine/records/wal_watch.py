"""Noticing that the write-ahead log this process commits into is no longer
the one on disk, before what was committed into it is lost.

A SQLite database in WAL mode keeps recent commits in `<db>-wal` until a
checkpoint copies them into the database file. The last connection to close
checkpoints and then deletes `-wal` and `-shm`, and it knows it is the last
because it gets an exclusive POSIX lock on the database file. POSIX locks
belong to a process and vanish on ANY close() of that file in the process (a
file dialog sniffing it for an icon, a plain open() to read its header). From
then on another process that opens and closes the database deletes the log
that this process still has open and goes on committing into; those commits
exist only in a deleted file and are gone when this process exits (issue 11).

gui/file_dialog.py and database.check_sqlite_file no longer close such a
descriptor; this is the net under whatever else might (a backup tool, a
library we do not know about). The store looks after each commit; the app
also looks while it is idle. Linux only: it reads /proc/self/fd (elsewhere
`lost()` is always False).
"""
from __future__ import annotations

import os
from pathlib import Path

FDS = Path("/proc/self/fd")


class WalWatch:
    def __init__(self, database: Path):
        self.database = database
        self.side_files = [f"{database}-wal", f"{database}-shm"]
        self._proc = FDS.is_dir()
        # at the last full look: the files on disk, and this process's descriptors on them
        self._clean: dict[str, tuple[int, int] | None] = {}
        self._held: list[tuple[str, str]] = []

    def lost(self) -> bool:
        """True when this process has `-wal` or `-shm` open and the file by
        that name is another one, or none: someone deleted ours."""
        if not self._proc:
            return False
        on_disk = {name: _identity(name) for name in self.side_files}
        if self._unchanged(on_disk):
            return False
        held = []
        for fd in os.listdir(FDS):
            try:
                target = os.readlink(FDS / fd)
            except OSError:  # the descriptor of the listing itself, or one closed meanwhile
                continue
            name = target.removesuffix(" (deleted)")
            if name in on_disk:
                identity = _identity(FDS / fd)
                if identity is not None and identity != on_disk[name]:
                    return True
                held.append((fd, name))
        self._clean, self._held = on_disk, held
        return False

    def _unchanged(self, on_disk) -> bool:
        """The cheap look, for every tick of a round (the full one reads a link
        per open descriptor): the same files as at the last full look, and the
        descriptors this process had on each still open on them. Then any
        descriptor opened since is on them too: for the name to have meant
        another file in between, the held one must have been deleted, and a
        held file's inode number is not reused, so the name would differ now."""
        if on_disk != self._clean or {name for _, name in self._held} != set(self.side_files):
            return False
        for fd, name in self._held:
            try:
                if os.readlink(FDS / fd) != name or _identity(FDS / fd) != on_disk[name]:
                    return False
            except OSError:
                return False
        return True


def save_log(conn) -> None:
    """Copy everything committed into the (deleted) log into the database file
    itself, through a connection that still has that log open."""
    busy, _, _ = conn.exec_driver_sql("PRAGMA wal_checkpoint(FULL)").one()
    if busy:
        # a reader in this process holds an old snapshot; PASSIVE copies what it can
        # and the connections are closed (and checkpoint again) right after
        conn.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)")


def _identity(path) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_dev, st.st_ino
