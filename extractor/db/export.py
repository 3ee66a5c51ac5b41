"""Read the database back out as JSON-ready dicts: the events as loaded, or the merged departures."""
from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from .backend import Database

_DEPARTURE_COLUMNS = (
    "departure_id", "person_id", "person", "organization", "unit", "position", "date_text", "date_value",
    "date_precision", "date_conflict", "to_organization", "to_position", "to_kind", "destination_conflict",
    "conflict", "certainty", "n_sources", "n_articles",
)


def export_events(db: Database) -> Iterator[dict[str, Any]]:
    """Every loaded event, as it was loaded (with its event_id), ordered by article and event id."""
    for (document,) in db.execute("SELECT document FROM events ORDER BY article_id, event_id"):
        yield json.loads(document)


def export_merged(db: Database) -> Iterator[dict[str, Any]]:
    """One dict per departure with its people's names and every source event with its evidence."""
    aliases = _aliases(db)
    sources = _sources(db)
    rows = db.execute(
        f"SELECT {', '.join(_DEPARTURE_COLUMNS)} FROM departures ORDER BY org_key, person, departure_id"
    )
    for row in rows:
        d = dict(zip(_DEPARTURE_COLUMNS, row))
        yield {
            "departure_id": d["departure_id"],
            "person_id": d["person_id"],
            "person": {
                "name": d["person"],
                "aliases": [a for a in aliases.get(d["person_id"], []) if a != d["person"]],
            },
            "from": {"organization": d["organization"], "unit": d["unit"], "position": d["position"]},
            "to": {"organization": d["to_organization"], "position": d["to_position"], "kind": d["to_kind"]},
            "date": {"text": d["date_text"], "value": d["date_value"], "precision": d["date_precision"]},
            "certainty": d["certainty"],
            "conflict": bool(d["conflict"]),
            "date_conflict": bool(d["date_conflict"]),
            "destination_conflict": bool(d["destination_conflict"]),
            "n_sources": d["n_sources"],
            "n_articles": d["n_articles"],
            "sources": sources.get(d["departure_id"], []),
        }


def _aliases(db: Database) -> dict[str, list[str]]:
    found: dict[str, list[str]] = defaultdict(list)
    for person_id, alias in db.query("SELECT person_id, alias FROM person_aliases ORDER BY person_id, alias"):
        found[person_id].append(alias)
    return found


def _sources(db: Database) -> dict[str, list[dict[str, Any]]]:
    evidence: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for event_id, text, start, end in db.query(
        "SELECT v.event_id, v.text, v.start_offset, v.end_offset FROM evidence v "
        "JOIN departure_sources s ON s.event_id = v.event_id ORDER BY v.event_id, v.position"
    ):
        evidence[event_id].append({"text": text, "start": start, "end": end})
    found: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for departure_id, event_id, article_id, person_name, date_value, date_precision, to_org, certainty in db.query(
        "SELECT s.departure_id, e.event_id, e.article_id, e.person_name, e.date_value, e.date_precision, "
        "e.to_organization, e.certainty FROM departure_sources s JOIN events e ON e.event_id = s.event_id "
        "ORDER BY s.departure_id, e.article_id, e.event_id"
    ):
        found[departure_id].append({
            "event_id": event_id,
            "article_id": article_id,
            "person": person_name,
            "date": {"value": date_value, "precision": date_precision},
            "to_organization": to_org,
            "certainty": certainty,
            "evidence": evidence.get(event_id, []),
        })
    return found
