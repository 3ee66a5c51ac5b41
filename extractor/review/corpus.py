"""What the review page shows: articles as the extractor read them, their events, gold and departures.

Articles are read with `ingest.iter_inputs`, the reader `departures extract` uses, so evidence offsets
(`source_start`/`source_end`) point into exactly the text held here. Events come from an events file
or from the database; departures (merged across articles) only from the database.
"""
from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

from pydantic import ValidationError

from ..db import connect, export_events, export_merged, require_schema
from ..db.keys import stable_event_id
from extractor.evaluation.evaluate import read_gold
from extractor.ingest.inputs import iter_inputs
from ..models import Article, DepartureEvent, ErrorRecord
from extractor.evaluation.scoring import GoldArticle


class EventsFileError(ValueError):
    """An events file line that is not an event; the message names the file and line."""


@dataclass
class ReviewCorpus:
    articles: dict[str, Article] = field(default_factory=dict)
    events: dict[str, list[DepartureEvent]] = field(default_factory=dict)  # by article, in file order
    gold: Optional[dict[str, GoldArticle]] = None  # None: no gold was given
    departures: Optional[list[dict[str, Any]]] = None  # None: not reviewing a database
    unreadable: list[ErrorRecord] = field(default_factory=list)  # article inputs that could not be read
    source: str = ""

    def article_ids(self) -> list[str]:
        """Every article known: read ones in input order, then those only events or gold name."""
        ids = dict.fromkeys(self.articles)
        ids.update(dict.fromkeys(self.events))
        ids.update(dict.fromkeys(self.gold or {}))
        return list(ids)

    def event(self, article_id: str, event_id: str) -> Optional[DepartureEvent]:
        return next((e for e in self.events.get(article_id, []) if e.event_id == event_id), None)

    def departure(self, departure_id: str) -> Optional[dict[str, Any]]:
        return next((d for d in self.departures or [] if d["departure_id"] == departure_id), None)

    def events_by_id(self) -> dict[str, DepartureEvent]:
        return {e.event_id: e for events in self.events.values() for e in events if e.event_id}


def with_event_id(event: DepartureEvent) -> DepartureEvent:
    """The event with the id `departures load` would give it when it arrives without one."""
    if event.event_id:
        return event
    return event.model_copy(update={
        "event_id": stable_event_id(event.article_id, event.person.name, event.from_.organization)})


def read_events_file(path: Path) -> Iterator[DepartureEvent]:
    with open(path, encoding="utf-8-sig") as stream:
        for number, line in enumerate(stream, start=1):
            if not line.strip():
                continue
            try:
                yield with_event_id(DepartureEvent.model_validate_json(line))
            except ValidationError as exc:
                first = exc.errors()[0]
                where = ".".join(str(part) for part in first["loc"]) or "event"
                raise EventsFileError(f"{path}, line {number}: not an event ({where}: {first['msg']})") from None


def read_articles(inputs: Sequence[str]) -> tuple[dict[str, Article], list[ErrorRecord]]:
    """Articles by id (the first of a repeated id, as `extract` keeps it) and the inputs that failed."""
    articles: dict[str, Article] = {}
    errors: list[ErrorRecord] = []
    for item in iter_inputs(inputs):
        if isinstance(item, ErrorRecord):
            errors.append(item)
        else:
            articles.setdefault(item.id, item)
    return articles, errors


def _group(events: Iterator[DepartureEvent]) -> dict[str, list[DepartureEvent]]:
    grouped: dict[str, list[DepartureEvent]] = {}
    for event in events:
        grouped.setdefault(event.article_id, []).append(event)
    return grouped


def load_corpus(
    *,
    events_path: Optional[Path] = None,
    db_url: Optional[str] = None,
    article_inputs: Sequence[str] = (),
    gold_path: Optional[Path] = None,
) -> ReviewCorpus:
    """Everything to review: events from `events_path`, else from the database `db_url`.

    Raises `EventsFileError`, `evaluate.EvaluationInputError` (gold) or `db.DatabaseError`.
    """
    corpus = ReviewCorpus()
    if article_inputs:
        corpus.articles, corpus.unreadable = read_articles(article_inputs)
    if events_path is not None:
        corpus.events = _group(read_events_file(events_path))
        corpus.source = str(events_path)
    else:
        with connect(db_url, must_exist=True) as db, db.reporting("reading"):
            require_schema(db)
            corpus.events = _group(with_event_id(DepartureEvent.model_validate(d)) for d in export_events(db))
            corpus.departures = list(export_merged(db))
            corpus.source = db.target.describe()
    if gold_path is not None:
        corpus.gold = {article.article_id: article for article in read_gold(gold_path)}
    return corpus


# --- the article text with its evidence marked ------------------------------------------------------


@dataclass(frozen=True)
class Segment:
    """A stretch of the article text covered by the same evidence spans (none for plain text)."""

    start: int
    end: int
    text: str
    events: tuple[str, ...] = ()


def segments(text: str, spans: Sequence[tuple[int, int, str]]) -> list[Segment]:
    """Cut `text` where any span (start, end, key) starts or ends; each piece lists the keys covering it.

    Spans may overlap (two events told in one sentence); empty spans and spans outside the text are
    left out, so a mismatched articles file cannot break the page.
    """
    usable = [(s, e, key) for s, e, key in spans if 0 <= s < e <= len(text)]
    cuts = sorted({0, len(text), *(s for s, _, _ in usable), *(e for _, e, _ in usable)})
    pieces = []
    for start, end in zip(cuts, cuts[1:]):
        covering = tuple(dict.fromkeys(key for s, e, key in usable if s <= start and end <= e))
        pieces.append(Segment(start, end, text[start:end], covering))
    return pieces


def evidence_spans(events: Sequence[DepartureEvent]) -> list[tuple[int, int, str]]:
    return [
        (ev.source_start, ev.source_end, event.event_id or "")
        for event in events
        for ev in event.evidence
        if ev.source_start is not None and ev.source_end is not None
    ]


def spans_outside(text: str, events: Sequence[DepartureEvent]) -> int:
    """Evidence spans that do not fit the text: the articles given are not the ones extracted."""
    return sum(1 for s, e, _ in evidence_spans(events) if not 0 <= s < e <= len(text))

