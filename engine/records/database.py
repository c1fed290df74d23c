"""Finding, checking, opening and upgrading the records database.

A file is judged before anything writes to it: not SQLite, corrupt, not ours,
or from a newer app version are all refused with one `StoreError` and the file
is left byte for byte as it was (the checks open it read-only). An older schema
is upgraded at start-up by Alembic after a backup copy is made next to it.
"""
from __future__ import annotations

import os
import sqlite3
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Iterator

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, SQLAlchemyError
from sqlalchemy.pool import StaticPool

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
ENV_VAR = "KITCHEN_COACH_DB"


class StoreError(Exception):
    """The records database cannot be used as asked; the message says why."""


def default_url() -> str:
    from platformdirs import user_data_dir

    folder = Path(user_data_dir("kitchen-coach", appauthor=False))
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{folder / 'records.db'}"


def resolve_url(url: str | None) -> str:
    """--db URL, else KITCHEN_COACH_DB, else the user data folder; a plain path means SQLite.
    An empty --db is a mistake (a shell variable that was not set), not "the default"."""
    if url is not None and not url.strip():
        raise StoreError("the database URL is empty: give a file or a URL (or leave --db out for the default)")
    url = url or os.environ.get(ENV_VAR) or default_url()
    return url if "://" in url else f"sqlite:///{Path(url).expanduser().resolve()}"


def alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def head_revision() -> str:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def known_revisions() -> set[str]:
    return {s.revision for s in ScriptDirectory.from_config(alembic_config()).walk_revisions()}


def connect(url: str | None = None, upgrade: bool = True, target: str = "head",
            create: bool = True) -> Engine:
    """An engine on a checked, up-to-date database. `target` is for tests that
    build a database of an old schema. `create=False` is for commands that only
    read (export, report): a mistyped path must not quietly become an empty
    database that exports nothing, and a read-only file is fine for them.

    Several processes may open a new or old database at once (eight `play`
    commands): creating or upgrading the schema happens under a lock that the
    others wait for (`_schema_lock`), in one transaction, so nobody ever sees a
    half-made schema, and whoever comes second finds the work done."""
    url = resolve_url(url)
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise StoreError(f"not a database URL: {url!r}") from None
    path = _sqlite_path(parsed)
    where = str(path) if path is not None else parsed.render_as_string(hide_password=True)
    if path is not None:
        if not create and not (path.exists() and path.stat().st_size > 0):
            raise StoreError(f"no database at {path} (check the path; this command reads a database "
                             "and never creates one)")
        check_sqlite_file(path)
        if create:
            _check_writable(path)
    engine = _engine(url, parsed)
    try:
        with engine.connect() as conn:
            current, _ = _schema_state(conn)
    except SQLAlchemyError as e:
        engine.dispose()
        raise StoreError(f"cannot open the database {where}: {first_line(e)}") from None
    if current == head_revision() and target == "head":
        return engine
    try:
        with _schema_lock(engine) as conn:
            current, has_tables = _schema_state(conn)  # again: another process may have done it meanwhile
            _check_revision(current, has_tables, where)
            if current != head_revision() or target != "head":
                if current is not None and not upgrade:
                    raise StoreError(f"the database {where} has an older schema ({current}); "
                                     "open it with upgrading on")
                if path is not None and current is not None:
                    backup(path, current)
                _migrate(conn, target)
    except StoreError:
        engine.dispose()
        raise
    except (SQLAlchemyError, sqlite3.Error, OSError) as e:
        engine.dispose()
        raise StoreError(f"could not bring the database {where} up to date: {first_line(e)} "
                         "(nothing was changed)") from None
    return engine


def _schema_state(conn) -> tuple[str | None, bool]:
    """(schema revision or None, whether there are any tables)."""
    return MigrationContext.configure(conn).get_current_revision(), bool(inspect(conn).get_table_names())


# any constant: the key PostgreSQL advisory locks of the schema are taken on
_PG_SCHEMA_LOCK = 0x6B63_5F73_6368


@contextmanager
def _schema_lock(engine: Engine) -> Iterator:
    """A connection in a transaction that no other process can create or
    upgrade the schema alongside; committed at the end. SQLite: a write
    transaction begun at once (BEGIN IMMEDIATE; the others wait busy_timeout).
    PostgreSQL: an advisory lock, as its DDL takes no lock on tables that do
    not exist yet."""
    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as conn:
        if sqlite:
            # SQLite alters a table by copying it and dropping the old one; with
            # foreign keys on, that drop would cascade-delete every decision.
            # The pragma only takes effect outside a transaction, hence first.
            conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
            # Python's sqlite3 would run each CREATE TABLE in its own autocommit:
            # another process could see some tables and no schema revision yet
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        elif engine.dialect.name == "postgresql":
            conn.exec_driver_sql(f"SELECT pg_advisory_lock({_PG_SCHEMA_LOCK})")
        try:
            yield conn
            conn.commit()
        except BaseException:
            conn.rollback()
            raise
        finally:
            if sqlite:
                conn.exec_driver_sql("PRAGMA foreign_keys=ON")
            elif engine.dialect.name == "postgresql":
                conn.exec_driver_sql(f"SELECT pg_advisory_unlock({_PG_SCHEMA_LOCK})")
                conn.commit()


def _check_writable(path: Path) -> None:
    """A store that records rounds must be able to write them: refuse at open,
    in one line, rather than at the first decision. access() opens nothing,
    and it sees file permissions, a read-only disk and an immutable file
    (`chattr +i`, which even root cannot write) alike."""
    for f in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        if f.exists() and not os.access(f, os.W_OK):
            raise StoreError(f"cannot write to the database: {f} is read-only (its permissions, an immutable "
                             "flag or a read-only disk); make it writable or choose another database")
    if not os.access(path.parent, os.W_OK | os.X_OK):
        raise StoreError(f"cannot write to the database {path}: its folder {path.parent} is read-only "
                         "(SQLite keeps its log files next to the database)")


def check_sqlite_file(path: Path) -> str | None:
    """Refuse a file that is not a usable Kitchen Coach SQLite database; return
    its schema revision (None for a new, empty file). Opens it read-only, and
    only through SQLite: this process may hold the file already, and a plain
    open() and close() of it would drop every POSIX lock the process has on it
    (SQLite's among them), after which another process would take the database
    for unused and delete the write-ahead log still being written (issue 11)."""
    if not path.exists() or path.stat().st_size == 0:
        if not path.parent.is_dir():
            raise StoreError(f"cannot create the database {path}: folder {path.parent} does not exist")
        return None
    try:
        conn = _read_only(path)
        try:
            ok = conn.execute("PRAGMA quick_check").fetchone()[0]
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            rev = (conn.execute("SELECT version_num FROM alembic_version").fetchone() or [None])[0] \
                if "alembic_version" in tables else None
        finally:
            conn.close()
    except sqlite3.DatabaseError as e:
        # SQLite reads the 16-byte magic itself: anything else is "not a database"
        if getattr(e, "sqlite_errorname", "") == "SQLITE_NOTADB":
            raise StoreError(f"{path} is not a SQLite database; refusing to open it (it was left untouched)") from None
        if getattr(e, "sqlite_errorname", "").startswith(("SQLITE_CANTOPEN", "SQLITE_PERM", "SQLITE_AUTH")):
            raise StoreError(f"cannot read the database {path}: {e}") from None
        raise StoreError(f"{path} is corrupt ({e}); refusing to open it (it was left untouched)") from None
    if ok != "ok":
        raise StoreError(f"{path} is corrupt ({ok}); refusing to open it (it was left untouched)")
    _check_revision(rev, bool(tables), str(path))
    return rev


def _read_only(path: Path) -> sqlite3.Connection:
    """A connection that writes nothing, not even the -wal/-shm side files. A
    database in WAL mode that nobody has open has no -wal file; only then is
    `immutable` safe (no locks taken, nothing created). Otherwise someone may be
    writing, so read it properly (the side files exist already)."""
    wal = path.with_name(path.name + "-wal")
    mode = "mode=ro" if wal.exists() else "immutable=1"
    return sqlite3.connect(f"{path.as_uri()}?{mode}", uri=True)


def _check_revision(rev: str | None, has_tables: bool, where: str) -> None:
    if rev is None and has_tables:
        raise StoreError(f"{where} is not a Kitchen Coach database (it has other tables); "
                         "refusing to open it (it was left untouched)")
    if rev is not None and rev not in known_revisions():
        raise StoreError(f"{where} was written by a newer version of Kitchen Coach (schema {rev}); "
                         f"update the app to open it (it was left untouched)")


def backup(path: Path, revision: str) -> Path:
    """Copy the database before upgrading it; SQLite's backup API also takes in
    what still sits in the write-ahead log."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    dest = path.with_name(f"{path.name}.schema-{revision}.{stamp}.bak")
    src = _read_only(path)
    dst = sqlite3.connect(dest)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()
    return dest


def _migrate(conn, target: str) -> None:
    cfg = alembic_config()
    cfg.attributes["connection"] = conn
    command.upgrade(cfg, target)
    if conn.dialect.name == "sqlite" and conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall():
        raise StoreError("the schema upgrade broke links between tables; nothing was changed")


def sqlite_file(engine: Engine) -> Path | None:
    """The database file behind an engine, or None (a server, or in memory)."""
    return _sqlite_path(engine.url)


def reopen(engine: Engine) -> Engine:
    """A new engine on the same, already checked database."""
    return _engine(engine.url.render_as_string(hide_password=False), engine.url)


def _sqlite_path(parsed) -> Path | None:
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database).expanduser().resolve()


def _engine(url: str, parsed) -> Engine:
    try:
        if parsed.get_backend_name() == "sqlite":
            kwargs = {}
            if parsed.database in (None, "", ":memory:"):
                kwargs = {"poolclass": StaticPool, "connect_args": {"check_same_thread": False}}
            engine = create_engine(url, **kwargs)
            event.listen(engine, "connect", _sqlite_pragmas)
            return engine
        return create_engine(url, pool_pre_ping=True)
    except (NoSuchModuleError, ImportError) as e:
        raise StoreError(f"no database driver for {parsed.drivername!r} ({first_line(e)})") from None


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    # first: switching a new file to WAL takes a lock that a process opening
    # the same new file at the same moment must wait for, not fail on
    cur.execute("PRAGMA busy_timeout=10000")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")
    # In WAL mode NORMAL survives a killed process (each commit is in the log
    # before commit returns); only a power cut can lose the last commits.
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


def first_line(e: Exception) -> str:
    text = str(getattr(e, "orig", None) or e).strip()
    return text.splitlines()[0] if text else type(e).__name__
