"""The relational schema and its migrations: ordered steps, each applied once and recorded.

`schema_version` holds one row per applied step. A step is a list of statements that both SQLite and
PostgreSQL accept; a new version of the schema is a new step appended to `MIGRATIONS`, never an edit
of an old one.
"""
from __future__ import annotations

from datetime import datetime, timezone

from .backend import Database, DatabaseError

# Version 1: what was loaded (articles, organizations, events with their names and evidence) and what
# resolution derives from it (people with aliases, departures with their sources).
_V1 = [
    """CREATE TABLE articles (
        article_id TEXT PRIMARY KEY,
        first_loaded_at TEXT NOT NULL
    )""",
    """CREATE TABLE organizations (
        org_key TEXT PRIMARY KEY,          -- canonical name after NFKC, whitespace removal, case folding
        name TEXT NOT NULL                 -- the name as first loaded
    )""",
    """CREATE TABLE events (
        event_id TEXT PRIMARY KEY,
        article_id TEXT NOT NULL REFERENCES articles (article_id),
        person_name TEXT NOT NULL,
        org_key TEXT REFERENCES organizations (org_key),
        from_organization TEXT,
        from_unit TEXT,
        from_position TEXT,
        from_rank TEXT,
        to_organization TEXT,
        to_position TEXT,
        to_kind TEXT,
        date_text TEXT,
        date_value TEXT,
        date_precision TEXT,
        reason TEXT,
        certainty TEXT NOT NULL,
        confidence REAL NOT NULL,
        person_id TEXT,                    -- set by resolution
        content_hash TEXT NOT NULL,        -- an unchanged reload is skipped
        document TEXT NOT NULL,            -- the event as loaded, JSON
        loaded_at TEXT NOT NULL
    )""",
    "CREATE INDEX events_article ON events (article_id)",
    "CREATE INDEX events_person ON events (person_id)",
    """CREATE TABLE event_names (
        event_id TEXT NOT NULL REFERENCES events (event_id) ON DELETE CASCADE,
        position INTEGER NOT NULL,         -- 0 is person.name, then the aliases in order
        name TEXT NOT NULL,
        match_key TEXT,                    -- null for an alias too short to identify anybody
        PRIMARY KEY (event_id, position)
    )""",
    "CREATE INDEX event_names_match_key ON event_names (match_key)",
    """CREATE TABLE evidence (
        event_id TEXT NOT NULL REFERENCES events (event_id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        text TEXT NOT NULL,
        start_offset INTEGER NOT NULL,
        end_offset INTEGER NOT NULL,
        source_start INTEGER,
        source_end INTEGER,
        PRIMARY KEY (event_id, position)
    )""",
    """CREATE TABLE people (
        person_id TEXT PRIMARY KEY,
        name TEXT NOT NULL
    )""",
    """CREATE TABLE person_aliases (
        person_id TEXT NOT NULL REFERENCES people (person_id) ON DELETE CASCADE,
        alias TEXT NOT NULL,
        match_key TEXT,
        PRIMARY KEY (person_id, alias)
    )""",
    "CREATE INDEX person_aliases_match_key ON person_aliases (match_key)",
    """CREATE TABLE departures (
        departure_id TEXT PRIMARY KEY,
        person_id TEXT NOT NULL REFERENCES people (person_id) ON DELETE CASCADE,
        person TEXT NOT NULL,
        org_key TEXT REFERENCES organizations (org_key),
        organization TEXT,
        unit TEXT,
        position TEXT,
        date_text TEXT,
        date_value TEXT,
        date_precision TEXT,
        date_conflict BOOLEAN NOT NULL,
        to_organization TEXT,
        to_position TEXT,
        to_kind TEXT,
        destination_conflict BOOLEAN NOT NULL,
        conflict BOOLEAN NOT NULL,
        certainty TEXT NOT NULL,
        n_sources INTEGER NOT NULL,
        n_articles INTEGER NOT NULL
    )""",
    "CREATE INDEX departures_person ON departures (person_id)",
    "CREATE INDEX departures_org ON departures (org_key)",
    """CREATE TABLE departure_sources (
        departure_id TEXT NOT NULL REFERENCES departures (departure_id) ON DELETE CASCADE,
        event_id TEXT NOT NULL REFERENCES events (event_id) ON DELETE CASCADE,
        article_id TEXT NOT NULL,
        PRIMARY KEY (departure_id, event_id)
    )""",
    "CREATE INDEX departure_sources_event ON departure_sources (event_id)",
    # Names whose people must be resolved again; filled by loads, emptied by resolution, so a load
    # interrupted before resolution is caught up by the next one.
    "CREATE TABLE resolve_queue (match_key TEXT PRIMARY KEY)",
    """CREATE VIEW departure_evidence AS
        SELECT s.departure_id, s.article_id, s.event_id, e.position, e.text, e.start_offset, e.end_offset
        FROM departure_sources s JOIN evidence e ON e.event_id = s.event_id""",
]

# Version 2: judgments made on the review page (`departures review --db`), one row per judged event or
# marked missed event. No foreign key to `events`: a judgment outlives a reload that replaces its event.
_V2 = [
    """CREATE TABLE review_judgments (
        judgment_id TEXT PRIMARY KEY,
        article_id TEXT NOT NULL,
        event_id TEXT,
        verdict TEXT NOT NULL,
        document TEXT NOT NULL,            -- the judgment as saved, JSON
        judged_at TEXT NOT NULL
    )""",
    "CREATE INDEX review_judgments_article ON review_judgments (article_id)",
]

MIGRATIONS: list[list[str]] = [_V1, _V2]
LATEST_VERSION = len(MIGRATIONS)


def current_version(db: Database) -> int:
    if not _has_version_table(db):
        return 0
    row = db.query("SELECT MAX(version) FROM schema_version")[0]
    return int(row[0] or 0)


def require_schema(db: Database) -> None:
    """Fail clearly when reading a database this program never loaded, or one from a newer version."""
    version = current_version(db)
    if version == 0:
        raise DatabaseError(
            f"{db.target.describe()} holds no departures tables: load events first with `departures load`"
        )
    if version > LATEST_VERSION:
        raise DatabaseError(
            f"database schema version {version} is newer than this program knows ({LATEST_VERSION}): upgrade it"
        )


def migrate(db: Database) -> int:
    """Bring the schema up to `LATEST_VERSION`; returns the number of steps applied."""
    with db.transaction():
        db.lock("migrate")  # two processes migrating one database at once take turns
        db.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)")
        version = current_version(db)
        if version > LATEST_VERSION:
            raise DatabaseError(
                f"database schema version {version} is newer than this program knows ({LATEST_VERSION}): upgrade it"
            )
        for number in range(version + 1, LATEST_VERSION + 1):
            for statement in MIGRATIONS[number - 1]:
                db.execute(statement)
            db.execute(
                "INSERT INTO schema_version (version, applied_at) VALUES (?, ?)",
                (number, datetime.now(timezone.utc).isoformat(timespec="seconds")),
            )
    return LATEST_VERSION - version


def _has_version_table(db: Database) -> bool:
    if db.dialect == "sqlite":
        sql = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'"
    else:
        sql = (
            "SELECT 1 FROM information_schema.tables "
            "WHERE table_schema = current_schema() AND table_name = 'schema_version'"
        )
    return bool(db.query(sql))
