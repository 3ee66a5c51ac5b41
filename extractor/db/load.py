"""Load events (SPEC JSON Lines) into the database: validated line by line, upserted by event id.

Each batch of events is one transaction. An event whose content is unchanged since the last load is
skipped, so loading the same file twice changes nothing; a changed event replaces its old row, names
and evidence. A broken line is recorded with its number and the rest of the file still loads.

An events file holds every event of each article it names (that is what `extract` writes), so loading
it replaces those articles' earlier events: an event of such an article that the file no longer holds
is deleted with its names and evidence. Articles extracted again that now yield no event at all are
named by the caller (`extracted_articles`) and cleared the same way. Either way the people those
events named are resolved again, so departures resting only on deleted events disappear.
"""
from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Optional, Union

from pydantic import ValidationError

from ..models import DepartureEvent
from .backend import Database, connect
from .keys import content_hash, name_key, org_key, stable_event_id
from .resolve import ResolveSummary, resolve_pending
from .schema import migrate

EventSource = Union[str, Path, Iterable[Union[str, bytes, dict, DepartureEvent]]]
DEFAULT_BATCH_SIZE = 1000

_EVENT_COLUMNS = (
    "event_id", "article_id", "person_name", "org_key", "from_organization", "from_unit", "from_position",
    "from_rank", "to_organization", "to_position", "to_kind", "date_text", "date_value", "date_precision",
    "reason", "certainty", "confidence", "content_hash", "document", "loaded_at",
)
# person_id is left out of the update on purpose: resolution needs the old person to re-resolve it.
_ON_EVENT_CONFLICT = "ON CONFLICT (event_id) DO UPDATE SET " + ", ".join(
    f"{c} = excluded.{c}" for c in _EVENT_COLUMNS if c != "event_id"
)


@dataclass(frozen=True)
class LoadError:
    line: int
    message: str


@dataclass
class LoadSummary:
    source: str
    database: str
    lines: int = 0          # non-blank lines (or items) read
    events: int = 0         # valid events among them
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0        # earlier events of the loaded (or cleared) articles that are no longer extracted
    errors: list[LoadError] = field(default_factory=list)
    resolved: ResolveSummary = field(default_factory=ResolveSummary)
    departures: int = 0     # departures in the database after the load

    @property
    def failed(self) -> int:
        return len(self.errors)

    def report_lines(self, source: Optional[str] = None) -> list[str]:
        """`FILE:LINE: reason` for each broken line, then the summary line."""
        where = source or self.source
        return [f"{where}:{e.line}: {e.message}" for e in self.errors] + [self.describe(where)]

    def describe(self, source: Optional[str] = None) -> str:
        """One line for people: what was loaded where, and what it changed."""
        broken = f"; {self.failed} broken line(s) skipped" if self.errors else ""
        return (
            f"loaded {self.events} event(s) from {source or self.source} into {self.database}: "
            f"{self.inserted} new, {self.updated} updated, {self.unchanged} unchanged, {self.removed} removed"
            f"{broken}; "
            f"{self.departures} departure(s) in the database, {self.resolved.departures} merged again"
        )


@dataclass(frozen=True)
class _Prepared:
    document: dict[str, Any]
    serialized: str  # the stored JSON; pydantic's fixed field order makes equal events serialize alike
    digest: str

    @property
    def event_id(self) -> str:
        return self.document["event_id"]

    @property
    def article_id(self) -> str:
        return self.document["article_id"]


def load_events(
    source: EventSource,
    db_url: Optional[str] = None,
    *,
    batch_size: int = DEFAULT_BATCH_SIZE,
    extracted_articles: Iterable[str] = (),
) -> LoadSummary:
    """Load events from a JSON Lines file (or an iterable of lines, dicts or events) into `db_url`.

    The events of every article the source names replace that article's earlier events.
    `extracted_articles` names articles extracted in full in the run that produced `source`: those of
    them the source does not name yield no event now, and lose their earlier ones. The schema is
    created or migrated first; departures are resolved again for every person the load touched.
    Raises `DatabaseError` when the database cannot be opened; bad lines are in `errors`.
    """
    with connect(db_url) as db, db.reporting("loading into"):
        migrate(db)
        return load_into(db, source, batch_size=batch_size, extracted_articles=extracted_articles)


def load_into(
    db: Database,
    source: EventSource,
    *,
    batch_size: int = DEFAULT_BATCH_SIZE,
    extracted_articles: Iterable[str] = (),
) -> LoadSummary:
    summary = LoadSummary(
        source=str(source) if isinstance(source, (str, Path)) else "<events>", database=db.target.describe()
    )
    # Event ids the source gives per article so far: whatever else an article holds in the database is stale.
    given: dict[str, set[str]] = {}
    batch: list[_Prepared] = []
    for number, item in _numbered_items(source):
        summary.lines += 1
        try:
            prepared = _prepare(item)
        except ValueError as exc:
            summary.errors.append(LoadError(number, str(exc)))
            continue
        summary.events += 1
        # A batch ends between articles, so an article's events (written together by `extract`) are
        # replaced in one transaction and never look stale to a batch that saw only some of them.
        if len(batch) >= batch_size and prepared.article_id != batch[-1].article_id:
            _write_batch(db, batch, given, summary)
            batch = []
        batch.append(prepared)
    if batch:
        _write_batch(db, batch, given, summary)
    silent = [a for a in dict.fromkeys(extracted_articles) if a not in given]
    for start in range(0, len(silent), batch_size):
        _clear_articles(db, silent[start:start + batch_size], summary)
    summary.resolved = resolve_pending(db)
    summary.departures = int(db.query("SELECT COUNT(*) FROM departures")[0][0])
    return summary


def _numbered_items(source: EventSource) -> Iterator[tuple[int, Any]]:
    """(line number, item) for each non-blank line; numbers count every line, blank ones included."""
    if isinstance(source, (str, Path)):
        with open(source, "rb") as handle:
            yield from _numbered_items(handle)
        return
    for number, item in enumerate(source, start=1):
        if isinstance(item, (str, bytes)) and not item.strip():
            continue
        yield number, item


def _prepare(item: Any) -> _Prepared:
    """Validate one item into the stored document; raises ValueError with a readable reason."""
    if isinstance(item, DepartureEvent):
        event = item
    else:
        data = _parse_json(item) if isinstance(item, (str, bytes)) else item
        if not isinstance(data, dict):
            raise ValueError(f"expected a JSON object (one event), found {type(data).__name__}")
        try:
            event = DepartureEvent.model_validate(data)
        except ValidationError as exc:
            raise ValueError("invalid event: " + _describe(exc)) from None
    if not event.person.name.strip():
        raise ValueError("invalid event: person.name is empty")
    document = event.to_json_dict()
    if not document.get("event_id"):
        document["event_id"] = stable_event_id(event.article_id, event.person.name, event.from_.organization)
    serialized = json.dumps(document, ensure_ascii=False)
    if "\\u0000" in serialized and _holds_nul(document):  # the cheap test first: NUL is rare
        raise ValueError("invalid event: a value holds a NUL character (\\u0000), which databases cannot store")
    return _Prepared(document, serialized, content_hash(serialized))


def _holds_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_holds_nul(v) for v in value.values())
    if isinstance(value, list):
        return any(_holds_nul(v) for v in value)
    return False


def _parse_json(item: Union[str, bytes]) -> Any:
    if isinstance(item, bytes):
        try:
            item = item.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ValueError(f"not UTF-8 (byte {exc.start}): events files are UTF-8 JSON Lines") from None
    try:
        return json.loads(item.lstrip("\ufeff"))
    except json.JSONDecodeError as exc:
        raise ValueError(f"not valid JSON: {exc.msg} at column {exc.colno}") from None


def _describe(exc: ValidationError) -> str:
    parts = []
    for error in exc.errors()[:3]:
        where = ".".join(str(p) for p in error["loc"]) or "event"
        parts.append(f"{where}: {error['msg']}")
    more = exc.error_count() - len(parts)
    return "; ".join(parts) + (f" (and {more} more)" if more > 0 else "")


def _write_batch(db: Database, batch: list[_Prepared], given: dict[str, set[str]], summary: LoadSummary) -> None:
    by_id = {item.event_id: item for item in batch}  # the last of duplicate ids wins, as in a reload
    for item in batch:
        given.setdefault(item.article_id, set()).add(item.event_id)
    now = datetime.now(timezone.utc).isoformat(timespec="seconds")
    with db.transaction():
        stale = [event_id for event_id, article_id in db.query_in(
            "SELECT event_id, article_id FROM events WHERE article_id {in}", _articles(batch)
        ) if event_id not in given[article_id]]
        _delete_events(db, stale, summary)
        stored = dict(db.query_in("SELECT event_id, content_hash FROM events WHERE event_id {in}", by_id))
        todo = [item for event_id, item in by_id.items() if stored.get(event_id) != item.digest]
        changed = [item.event_id for item in todo if item.event_id in stored]
        summary.unchanged += len(by_id) - len(todo)
        summary.updated += len(changed)
        summary.inserted += len(todo) - len(changed)
        if not todo:
            return
        # The names an updated event had before: their people must be resolved again too.
        queue = _names_of(db, changed)
        db.execute_in("DELETE FROM event_names WHERE event_id {in}", changed)
        db.execute_in("DELETE FROM evidence WHERE event_id {in}", changed)

        db.insert_rows(
            "articles", ("article_id", "first_loaded_at"),
            [(a, now) for a in dict.fromkeys(item.document["article_id"] for item in todo)],
            on_conflict="ON CONFLICT (article_id) DO NOTHING",
        )
        organizations = {}
        for item in todo:
            name = item.document["from"]["organization"]
            key = org_key(name)
            if key is not None:
                organizations.setdefault(key, name)
        db.insert_rows(
            "organizations", ("org_key", "name"), list(organizations.items()),
            on_conflict="ON CONFLICT (org_key) DO NOTHING",
        )
        db.insert_rows(
            "events", _EVENT_COLUMNS, [_event_row(item, now) for item in todo], on_conflict=_ON_EVENT_CONFLICT
        )
        names = [row for item in todo for row in _name_rows(item.document)]
        db.insert_rows("event_names", ("event_id", "position", "name", "match_key"), names)
        db.insert_rows(
            "evidence", ("event_id", "position", "text", "start_offset", "end_offset", "source_start", "source_end"),
            [row for item in todo for row in _evidence_rows(item.document)],
        )
        queue.extend(row[3] for row in names if row[3] is not None)
        _queue(db, queue)


def _articles(batch: list[_Prepared]) -> set[str]:
    return {item.article_id for item in batch}


def _clear_articles(db: Database, article_ids: list[str], summary: LoadSummary) -> None:
    """Delete every event of these articles, which were extracted again and yield none now."""
    with db.transaction():
        found = [row[0] for row in db.query_in("SELECT event_id FROM events WHERE article_id {in}", article_ids)]
        _delete_events(db, found, summary)


def _delete_events(db: Database, event_ids: list[str], summary: LoadSummary) -> None:
    """Delete events with their names, evidence and departure links; their names are queued for resolution,
    which then rebuilds or drops the departures those events supported. Runs inside the caller's transaction."""
    if not event_ids:
        return
    _queue(db, _names_of(db, event_ids))
    for table in ("departure_sources", "event_names", "evidence", "events"):
        db.execute_in(f"DELETE FROM {table} WHERE event_id {{in}}", event_ids)
    summary.removed += len(event_ids)


def _names_of(db: Database, event_ids: list[str]) -> list[str]:
    return [row[0] for row in db.query_in(
        "SELECT match_key FROM event_names WHERE match_key IS NOT NULL AND event_id {in}", event_ids)]


def _queue(db: Database, match_keys: Iterable[str]) -> None:
    db.insert_rows(
        "resolve_queue", ("match_key",), [(key,) for key in dict.fromkeys(match_keys)],
        on_conflict="ON CONFLICT (match_key) DO NOTHING",
    )


def _event_row(item: _Prepared, now: str) -> tuple:
    d = item.document
    src, dst, date = d["from"], d["to"], d["date"]
    return (
        d["event_id"], d["article_id"], d["person"]["name"], org_key(src["organization"]), src["organization"],
        src["unit"], src["position"], src["rank"], dst["organization"], dst["position"], dst["kind"],
        date["text"], date["value"], date["precision"], d["reason"], d["certainty"], d["confidence"],
        item.digest, item.serialized, now,
    )


def _name_rows(document: dict[str, Any]) -> list[tuple]:
    person = document["person"]
    rows, seen = [], set()
    for position, name in enumerate([person["name"], *person["aliases"]]):
        if name in seen or not name.strip():
            continue
        seen.add(name)
        rows.append((document["event_id"], position, name, name_key(name, is_primary=position == 0)))
    return rows


def _evidence_rows(document: dict[str, Any]) -> list[tuple]:
    return [
        (document["event_id"], position, e["text"], e["start"], e["end"], e.get("source_start"), e.get("source_end"))
        for position, e in enumerate(document["evidence"])
    ]
