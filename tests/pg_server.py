"""Pytest fixtures for a throwaway PostgreSQL server on loopback, started once per test session.

Import the fixtures into a test module (`from pg_server import pg_server, pg_url`). Tests using them
are skipped, with the reason, only where the machine has no PostgreSQL server binaries.
"""
from __future__ import annotations

import itertools
from collections.abc import Iterator

import pytest

from extractor.db.pg_local import LocalPostgres, find_pg_bin, start_local_postgres

_database_numbers = itertools.count(1)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[LocalPostgres]:
    if find_pg_bin() is None:
        pytest.skip("no PostgreSQL server binaries (initdb, pg_ctl) on PATH or under /usr/lib/postgresql")
    server = start_local_postgres()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def pg_url(pg_server: LocalPostgres) -> str:
    """A fresh, empty database on the session's server, so tests cannot see each other's rows."""
    return pg_server.create_database(f"test_{next(_database_numbers)}")
