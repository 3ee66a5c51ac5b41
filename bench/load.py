"""`load` throughput: events per second into a fresh SQLite file and a throwaway PostgreSQL.

The events come from the pipeline's own output on the dense corpus, copied under new article ids
and mostly new people until there are enough to time; when the pipeline found none, they are
built from the dev gold file instead (the report says which).
"""
from __future__ import annotations

import json
import random
import tempfile
import time
from pathlib import Path

from .ordinary import person_name
from .sources import GOLD_FILES, REPO_ROOT

# Share of copies that keep the original person, so resolution has people to merge across articles.
_SAME_PERSON = 0.2
_KINDS = {"company", "startup", "academia", "other", "unknown"}


def _precision(value: str) -> str | None:
    return {4: "year", 7: "month", 10: "day"}.get(len(value))


def events_from_gold(root: Path = REPO_ROOT) -> list[dict]:
    events = []
    for name in GOLD_FILES:
        for line in (root / name).read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            record = json.loads(line)
            for gold in record["events"]:
                first = lambda key: gold[key][0] if gold.get(key) else None  # noqa: E731
                date = first("date")
                kind = first("to_kind")
                events.append({
                    "article_id": record["article_id"],
                    "person": {"name": gold["person"][0], "aliases": gold["person"][1:]},
                    "from": {"organization": first("from_org"), "unit": first("from_unit"), "position": first("position")},
                    "to": {"organization": first("to_org"), "kind": kind if kind in _KINDS else None},
                    "date": {"text": date, "value": date, "precision": _precision(date) if date else None},
                })
    return events


def read_events(path: Path) -> list[dict]:
    if not path.exists():
        return []
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def write_load_input(base: list[dict], count: int, path: Path, seed: int) -> None:
    """`count` events copied from `base`, each copy under its own article id and usually a new person."""
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as out:
        for i in range(count):
            event = json.loads(json.dumps(base[i % len(base)]))
            event["article_id"] = f"{event['article_id']}-c{i // len(base)}"
            event.pop("event_id", None)
            if rng.random() >= _SAME_PERSON:
                event["person"] = {"name": person_name(rng), "aliases": []}
            out.write(json.dumps(event, ensure_ascii=False) + "\n")


def _timed_load(path: Path, db_url: str) -> dict:
    from extractor.db import load_events

    start = time.perf_counter()
    summary = load_events(path, db_url)
    seconds = time.perf_counter() - start
    return {
        "events": summary.events,
        "seconds": round(seconds, 3),
        "events_per_s": round(summary.events / seconds, 1) if seconds > 0 else 0.0,
        "departures": summary.departures,
        "errors": summary.failed,
    }


def load_sqlite(path: Path) -> dict:
    with tempfile.TemporaryDirectory(prefix="bench-sqlite-") as scratch:
        return _timed_load(path, str(Path(scratch) / "bench.db"))


def load_postgres(path: Path) -> dict:
    from extractor.db.pg_local import start_local_postgres

    with start_local_postgres() as server:
        return _timed_load(path, server.create_database("bench"))
