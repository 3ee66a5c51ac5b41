"""Cross-article resolution: people from names, departures from (person, organization left).

A person is a connected set of names: two events belong to one person when they share a name or an
alias (compared by `keys.name_key`). A departure is one person leaving one organization (compared by
`keys.org_key`), whatever the number of articles reporting it; an event that names no organization
is a departure of its own. Loads queue the names they touch; `resolve_pending` recomputes exactly
the people reachable from those names, and their departures, in one transaction.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Optional

from .backend import Database
from .keys import derived_id
from .merge import SourceEvent, merge_sources, most_common

_SOURCE_COLUMNS = (
    "event_id, article_id, person_name, from_organization, from_unit, from_position, to_organization, "
    "to_position, to_kind, date_text, date_value, date_precision, certainty, confidence, org_key, person_id"
)

_DEPARTURE_COLUMNS = (
    "departure_id", "person_id", "person", "org_key", "organization", "unit", "position", "date_text",
    "date_value", "date_precision", "date_conflict", "to_organization", "to_position", "to_kind",
    "destination_conflict", "conflict", "certainty", "n_sources", "n_articles",
)


@dataclass(frozen=True)
class ResolveSummary:
    people: int = 0        # people written (new or recomputed)
    departures: int = 0    # departures written (new or recomputed)


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, key: str) -> str:
        self.parent.setdefault(key, key)
        root = key
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[key] != root:  # path compression
            self.parent[key], key = root, self.parent[key]
        return root

    def union(self, keys: Iterable[str]) -> None:
        roots = [self.find(k) for k in keys]
        for other in roots[1:]:
            self.parent[self.find(other)] = self.find(roots[0])


def resolve_pending(db: Database) -> ResolveSummary:
    """Re-resolve every person whose names a load queued; a no-op when the queue is empty."""
    with db.transaction():
        db.lock("resolve")  # two loads finishing together must not rebuild the same people at once
        seeds = [row[0] for row in db.query("SELECT match_key FROM resolve_queue")]
        if not seeds:
            return ResolveSummary()
        summary = _resolve(db, seeds)
        db.execute_in("DELETE FROM resolve_queue WHERE match_key {in}", seeds)
    return summary


def resolve_all(db: Database) -> ResolveSummary:
    """Recompute every person and departure from the loaded events (after changing the rules here)."""
    with db.transaction():
        db.execute(
            "INSERT INTO resolve_queue (match_key) SELECT DISTINCT match_key FROM event_names "
            "WHERE match_key IS NOT NULL ON CONFLICT (match_key) DO NOTHING"
        )
    return resolve_pending(db)


def _resolve(db: Database, seeds: list[str]) -> ResolveSummary:
    # Old people touching the seeds may split or merge: start from all of their names.
    old_people = {row[0] for row in db.query_in(
        "SELECT DISTINCT e.person_id FROM events e JOIN event_names n ON n.event_id = e.event_id "
        "WHERE e.person_id IS NOT NULL AND n.match_key {in}", seeds)}
    old_people |= {row[0] for row in db.query_in(
        "SELECT DISTINCT person_id FROM person_aliases WHERE match_key {in}", seeds)}
    start = set(seeds) | {row[0] for row in db.query_in(
        "SELECT n.match_key FROM events e JOIN event_names n ON n.event_id = e.event_id "
        "WHERE n.match_key IS NOT NULL AND e.person_id {in}", old_people)}

    names = _reachable_names(db, start)
    sources = {row[0]: row for row in db.query_in(
        f"SELECT {_SOURCE_COLUMNS} FROM events WHERE event_id {{in}}", names)}
    old_people |= {row[15] for row in sources.values() if row[15] is not None}

    groups = _people(names)
    db.execute_in("DELETE FROM departures WHERE person_id {in}", old_people)
    db.execute_in("DELETE FROM person_aliases WHERE person_id {in}", old_people)
    db.execute_in("DELETE FROM people WHERE person_id {in}", old_people)

    people_rows, alias_rows, event_people, departure_rows, source_rows = [], [], [], [], []
    for keys, event_ids in groups:
        person_id = derived_id("person", min(keys))
        ordered = sorted((sources[e] for e in event_ids), key=lambda r: (r[1], r[0]))
        people_rows.append((person_id, most_common(r[2] for r in ordered)))
        aliases = {name: key for e in event_ids for _, name, key in names[e]}
        alias_rows.extend((person_id, name, key) for name, key in aliases.items())
        event_people.extend((person_id, e) for e in event_ids)
        for departure_key, rows in _departures(ordered):
            departure_id = derived_id("departure", person_id, departure_key)
            merged = merge_sources([_source(r) for r in rows])
            departure_rows.append((
                departure_id, person_id, merged.person, rows[0][14], merged.organization, merged.unit,
                merged.position, merged.date_text, merged.date_value, merged.date_precision, merged.date_conflict,
                merged.to_organization, merged.to_position, merged.to_kind, merged.destination_conflict,
                merged.conflict, merged.certainty, merged.n_sources, merged.n_articles,
            ))
            source_rows.extend((departure_id, r[0], r[1]) for r in rows)

    db.insert_rows("people", ("person_id", "name"), people_rows)
    db.insert_rows("person_aliases", ("person_id", "alias", "match_key"), alias_rows)
    db.update_column("events", "event_id", "person_id", event_people)
    db.insert_rows("departures", _DEPARTURE_COLUMNS, departure_rows)
    db.insert_rows("departure_sources", ("departure_id", "event_id", "article_id"), source_rows)
    return ResolveSummary(people=len(people_rows), departures=len(departure_rows))


def _reachable_names(db: Database, start: set[str]) -> dict[str, list[tuple[int, str, Optional[str]]]]:
    """event_id -> its (position, name, match_key) rows, for every event connected to `start` by names."""
    names: dict[str, list[tuple[int, str, Optional[str]]]] = {}
    seen, frontier = set(), set(start)
    while frontier:
        seen |= frontier
        found = {row[0] for row in db.query_in(
            "SELECT DISTINCT event_id FROM event_names WHERE match_key {in}", frontier)}
        new_events = found - names.keys()
        for event_id, position, name, key in db.query_in(
            "SELECT event_id, position, name, match_key FROM event_names WHERE event_id {in}", new_events
        ):
            names.setdefault(event_id, []).append((position, name, key))
        frontier = {key for e in new_events for _, _, key in names.get(e, []) if key is not None} - seen
    for rows in names.values():
        rows.sort()
    return names


def _people(names: dict[str, list[tuple[int, str, Optional[str]]]]) -> list[tuple[set[str], list[str]]]:
    """Connected components: (match keys, event ids) per person."""
    sets = _UnionFind()
    for rows in names.values():
        sets.union([key for _, _, key in rows if key is not None])
    keys_by_root: dict[str, set[str]] = defaultdict(set)
    events_by_root: dict[str, list[str]] = defaultdict(list)
    for event_id, rows in names.items():
        keys = [key for _, _, key in rows if key is not None]
        if not keys:
            continue
        root = sets.find(keys[0])
        keys_by_root[root].update(keys)
        events_by_root[root].append(event_id)
    return [(keys_by_root[root], sorted(events_by_root[root])) for root in sorted(events_by_root)]


def _departures(rows: list[tuple]) -> list[tuple[str, list[tuple]]]:
    """Group one person's events by organization left; an event naming none stands alone."""
    groups: dict[str, list[tuple]] = {}
    for row in rows:
        key = f"org:{row[14]}" if row[14] is not None else f"event:{row[0]}"
        groups.setdefault(key, []).append(row)
    return list(groups.items())


def _source(row: tuple) -> SourceEvent:
    return SourceEvent(*row[:14])
