"""One small interface over SQLite (stdlib sqlite3) and PostgreSQL (psycopg 3).

SQL in this package is written once, with `?` placeholders; the PostgreSQL side rewrites them to
psycopg's `%s`. Values are always bound as parameters, never pasted into the statement text.
"""
from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, Optional

DEFAULT_DB = "departures.db"
Dialect = Literal["sqlite", "postgresql"]
# SQLite caps the number of bound parameters per statement; stay well under every version's limit.
_SQLITE_IN_CHUNK = 500


class DatabaseError(RuntimeError):
    """The database could not be opened or used; the message says which database and why."""


class DatabaseUrlError(ValueError):
    """A --db value that names no supported database."""


@dataclass(frozen=True)
class DbTarget:
    dialect: Dialect
    location: str  # a file path (or ":memory:") for SQLite, the connection URL for PostgreSQL

    def describe(self) -> str:
        if self.dialect == "sqlite":
            return self.location
        return _hide_password(self.location)


def parse_db_url(url: Optional[str]) -> DbTarget:
    """A path, `sqlite:///path` (SQLAlchemy style: `sqlite:////abs/path`), or `postgresql://…`."""
    if url is None or url == "":
        return DbTarget("sqlite", DEFAULT_DB)
    if url.startswith(("postgresql://", "postgres://")):
        return DbTarget("postgresql", url)
    if url.startswith("sqlite://"):
        path = url[len("sqlite://"):]
        if not path.startswith("/") or path == "/":
            raise DatabaseUrlError(f"bad SQLite URL {url!r}: write sqlite:///relative.db or sqlite:////absolute.db")
        return DbTarget("sqlite", path[1:])
    if "://" in url:
        scheme = url.split("://", 1)[0]
        raise DatabaseUrlError(
            f"unsupported database URL scheme {scheme!r}: use a file path, sqlite:///path or postgresql://…"
        )
    return DbTarget("sqlite", url)


def _hide_password(url: str) -> str:
    head, sep, tail = url.rpartition("@")
    if not sep or ":" not in head.split("//", 1)[-1]:
        return url
    scheme_user = head.rsplit(":", 1)[0]
    return f"{scheme_user}:***@{tail}"


class Database:
    """A connection plus the few dialect differences the loader and resolver need."""

    def __init__(self, conn: Any, target: DbTarget) -> None:
        self.conn = conn
        self.target = target
        self.dialect: Dialect = target.dialect
        self._stages = 0  # temporary tables made so far; their names must not collide

    # -- statements -------------------------------------------------------------------------------

    def _sql(self, sql: str) -> str:
        return sql.replace("?", "%s") if self.dialect == "postgresql" else sql

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        return self.conn.execute(self._sql(sql), params)

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        rows = list(rows)
        if not rows:
            return
        if self.dialect == "sqlite":
            self.conn.executemany(sql, rows)
        else:
            with self.conn.cursor() as cur:
                cur.executemany(self._sql(sql), rows)

    def insert_rows(
        self, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]], *, on_conflict: str = ""
    ) -> None:
        """INSERT many rows; `on_conflict` is an optional ON CONFLICT clause.

        SQLite runs one prepared statement per row, in C. PostgreSQL gets the rows by COPY (through a
        temporary table when there is a conflict clause): psycopg's executemany and long multi-row
        VALUES statements both spend most of their time in Python.
        """
        rows = list(rows)
        if not rows:
            return
        names = ", ".join(columns)
        if self.dialect == "sqlite":
            marks = ", ".join("?" * len(columns))
            self.conn.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks}) {on_conflict}", rows)
            return
        if not on_conflict:
            self._copy(table, columns, rows)
            return
        stage = self._stage_table(f"SELECT {names} FROM {table}")
        self._copy(stage, columns, rows)
        self.execute(f"INSERT INTO {table} ({names}) SELECT {names} FROM {stage} {on_conflict}")
        self.execute(f"DROP TABLE {stage}")

    def update_column(self, table: str, key: str, column: str, rows: Iterable[tuple[Any, Any]]) -> None:
        """SET `column` = value WHERE `key` = key, for many (value, key) pairs."""
        rows = list(rows)
        if not rows:
            return
        if self.dialect == "sqlite":
            self.conn.executemany(f"UPDATE {table} SET {column} = ? WHERE {key} = ?", rows)
            return
        stage = self._stage_table(f"SELECT {column} AS value, {key} AS key FROM {table}")
        self._copy(stage, ("value", "key"), rows)
        self.execute(f"UPDATE {table} AS t SET {column} = s.value FROM {stage} AS s WHERE t.{key} = s.key")
        self.execute(f"DROP TABLE {stage}")

    def _stage_table(self, shape: str) -> str:
        """A temporary table shaped like the columns `shape` selects (PostgreSQL only)."""
        self._stages += 1
        name = f"departures_stage_{self._stages}"
        self.execute(f"CREATE TEMPORARY TABLE {name} AS {shape} WITH NO DATA")
        return name

    def _copy(self, table: str, columns: Sequence[str], rows: list[Sequence[Any]]) -> None:
        with self.conn.cursor() as cur, cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
        return list(self.execute(sql, params).fetchall())

    def query_in(self, sql: str, values: Iterable[Any], params: Sequence[Any] = ()) -> list[tuple]:
        """Run `sql` whose `{in}` marks `column IN (values)`; `params` bind the `?` before it."""
        return [row for stmt, args in self._in_statements(sql, values, params) for row in self.query(stmt, args)]

    def execute_in(self, sql: str, values: Iterable[Any], params: Sequence[Any] = ()) -> None:
        for stmt, args in self._in_statements(sql, values, params):
            self.execute(stmt, args)

    def _in_statements(
        self, sql: str, values: Iterable[Any], params: Sequence[Any]
    ) -> Iterator[tuple[str, list[Any]]]:
        values = list(dict.fromkeys(values))
        if not values:
            return
        if self.dialect == "postgresql":
            yield sql.replace("{in}", "= ANY(?)"), [*params, values]
            return
        for start in range(0, len(values), _SQLITE_IN_CHUNK):
            chunk = values[start:start + _SQLITE_IN_CHUNK]
            yield sql.replace("{in}", "IN (" + ",".join("?" * len(chunk)) + ")"), [*params, *chunk]

    # -- transactions -----------------------------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Everything inside commits together or not at all."""
        if self.dialect == "postgresql":
            with self.conn.transaction():
                yield
            return
        # IMMEDIATE takes the write lock up front, so two writers wait instead of failing mid-way.
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    @contextmanager
    def reporting(self, doing: str) -> Iterator[None]:
        """Turn a driver's error into a `DatabaseError` that names the database and the step."""
        try:
            yield
        except DatabaseError:
            raise
        except Exception as exc:
            if not isinstance(exc, _driver_errors(self.dialect)):
                raise
            raise DatabaseError(f"{doing} {self.target.describe()} failed: {exc}".strip()) from exc

    def lock(self, name: str) -> None:
        """Serialize a step across processes until the current transaction ends.

        SQLite needs nothing more: `transaction()` already holds the database's write lock.
        """
        if self.dialect == "postgresql":
            self.execute("SELECT pg_advisory_xact_lock(hashtext(?))", (f"departures:{name}",))

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> "Database":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _driver_errors(dialect: Dialect) -> tuple[type[Exception], ...]:
    if dialect == "sqlite":
        return (sqlite3.Error,)
    import psycopg

    return (psycopg.Error,)


def connect(url: Optional[str] = None, *, must_exist: bool = False) -> Database:
    """Open the database `url` names (see `parse_db_url`); the schema is not touched here."""
    target = parse_db_url(url)
    if target.dialect == "sqlite":
        return Database(_connect_sqlite(target, must_exist), target)
    return Database(_connect_postgres(target), target)


def _connect_sqlite(target: DbTarget, must_exist: bool) -> sqlite3.Connection:
    path = target.location
    if path != ":memory:":
        if must_exist and not Path(path).is_file():
            raise DatabaseError(f"no database at {path}: load events first with `departures load EVENTS.jsonl`")
        parent = Path(path).parent
        if not parent.is_dir():
            raise DatabaseError(f"cannot create database {path}: folder {parent} does not exist")
    try:
        # isolation_level=None: the driver opens no transactions of its own; `transaction()` does.
        conn = sqlite3.connect(path, isolation_level=None, timeout=30)
        conn.execute("PRAGMA foreign_keys = ON")
        if path != ":memory:":
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
    except sqlite3.Error as exc:
        raise DatabaseError(f"cannot open SQLite database {path}: {exc}") from exc
    return conn


def _connect_postgres(target: DbTarget) -> Any:
    import psycopg

    try:
        return psycopg.connect(target.location, autocommit=True)
    except psycopg.Error as exc:
        raise DatabaseError(f"cannot connect to PostgreSQL at {target.describe()}: {exc}".strip()) from exc
