"""Databases: events in, departures across articles out.

Takes events (JSON Lines or the batch's output) and gives tables in SQLite (a file, `departures.db` by
default) or PostgreSQL, chosen by URL (`backend.parse_db_url`): events loaded and replaced per article
(`load`), resolved across articles into departures (`resolve`, `merge`), exported (`export`). `runjob` is
`departures run`: a batch extraction, then the load.
"""
from .backend import DEFAULT_DB, Database, DatabaseError, DatabaseUrlError, connect, parse_db_url
from .export import export_events, export_merged
from .load import LoadError, LoadSummary, load_events, load_into
from .resolve import ResolveSummary, resolve_all, resolve_pending
from .schema import LATEST_VERSION, migrate, require_schema

__all__ = [
    "DEFAULT_DB", "Database", "DatabaseError", "DatabaseUrlError", "LATEST_VERSION", "LoadError", "LoadSummary",
    "ResolveSummary", "connect", "export_events", "export_merged", "load_events", "load_into", "migrate",
    "parse_db_url", "require_schema", "resolve_all", "resolve_pending",
]
