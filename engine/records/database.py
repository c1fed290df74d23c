"""Finding, checking, opening and upgrading the records database.

A file is judged before anything writes to it: not SQLite, corrupt, not ours,
or from a newer app version are all refused with one `StoreError` and the file
is left byte for byte as it was (the checks open it read-only). An older schema
is upgraded at start-up by Alembic after a backup copy is made next to it.
"""
from __future__ import annotations

import os
import sqlite3
from datetime import datetime
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, SQLAlchemyError
from sqlalchemy.pool import StaticPool

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
SQLITE_MAGIC = b"SQLite format 3\x00"
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
    database that exports nothing."""
    url = resolve_url(url)
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise StoreError(f"not a database URL: {url!r}") from None
    path = _sqlite_path(parsed)
    if path is not None:
        if not create and not (path.exists() and path.stat().st_size > 0):
            raise StoreError(f"no database at {path} (check the path; this command reads a database "
                             "and never creates one)")
        check_sqlite_file(path)
    engine = _engine(url, parsed)
    try:
        with engine.connect() as conn:
            current = MigrationContext.configure(conn).get_current_revision()
            has_tables = bool(inspect(conn).get_table_names())
    except SQLAlchemyError as e:
        engine.dispose()
        raise StoreError(f"cannot open the database {parsed.render_as_string(hide_password=True)}: "
                         f"{_first_line(e)}") from None
    if path is None:
        _check_revision(current, has_tables, parsed.render_as_string(hide_password=True))
    if current != head_revision() or target != "head":
        if current is not None and not upgrade:
            engine.dispose()
            raise StoreError(f"the database {path or url} has an older schema ({current}); open it with upgrading on")
        try:
            if path is not None and current is not None and path.exists():
                backup(path, current)
            _migrate(engine, target)
        except (SQLAlchemyError, sqlite3.Error, OSError) as e:
            engine.dispose()
            raise StoreError(f"could not bring the database {path or url} up to date: {_first_line(e)} "
                             "(nothing was changed)") from None
    return engine


def check_sqlite_file(path: Path) -> str | None:
    """Refuse a file that is not a usable Kitchen Coach SQLite database; return
    its schema revision (None for a new, empty file). Opens it read-only."""
    if not path.exists() or path.stat().st_size == 0:
        if not path.parent.is_dir():
            raise StoreError(f"cannot create the database {path}: folder {path.parent} does not exist")
        return None
    try:
        with open(path, "rb") as f:
            magic = f.read(16)
    except OSError as e:
        raise StoreError(f"cannot read the database {path}: {e.strerror}") from None
    if magic != SQLITE_MAGIC:
        raise StoreError(f"{path} is not a SQLite database; refusing to open it (it was left untouched)")
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


def _migrate(engine: Engine, target: str) -> None:
    cfg = alembic_config()
    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as conn:
        if sqlite:
            # SQLite alters a table by copying it and dropping the old one; with
            # foreign keys on, that drop would cascade-delete every decision.
            # The pragma only takes effect outside a transaction, hence here.
            conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
        try:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, target)
            if sqlite and conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall():
                raise StoreError("the schema upgrade broke links between tables; nothing was changed")
            conn.commit()
        except BaseException:
            conn.rollback()
            raise
        finally:
            if sqlite:
                conn.exec_driver_sql("PRAGMA foreign_keys=ON")


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
        raise StoreError(f"no database driver for {parsed.drivername!r} ({_first_line(e)})") from None


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")
    # In WAL mode NORMAL survives a killed process (each commit is in the log
    # before commit returns); only a power cut can lose the last commits.
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA busy_timeout=10000")
    cur.close()


def _first_line(e: Exception) -> str:
    text = str(getattr(e, "orig", None) or e).strip()
    return text.splitlines()[0] if text else type(e).__name__
