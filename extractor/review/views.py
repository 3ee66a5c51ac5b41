"""Plain data for the templates: article rows with their scores, events with their fields, provenance
and gold verdicts. Every number comes from `scoring` (the code `departures evaluate` runs), never from
a second implementation of the SPEC's rules.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Optional

from ..db.keys import org_key
from ..db.merge import dates_agree
from ..models import DepartureEvent
from extractor.evaluation.report import format_mistakes
from extractor.evaluation.scoring import (
    ArticleScore,
    CorpusScore,
    Counts,
    GoldArticle,
    GoldEvent,
    PredictedEvent,
    judge_field,
    match,
    score_article,
)
from .corpus import ReviewCorpus
from .judgments import Judgment

# The event's fields as the page lists them: (label, scored field name or ""). Labels are the
# field names the provenance uses.
EVENT_FIELDS: tuple[tuple[str, str], ...] = (
    ("person", ""), ("aliases", ""), ("from.organization", "from_org"), ("from.unit", "from_unit"),
    ("from.position", "position"), ("from.rank", ""), ("date", "date"), ("to.organization", "to_org"),
    ("to.position", ""), ("to.kind", "to_kind"), ("reason", ""), ("certainty", ""),
)


def _value(event: DepartureEvent, label: str) -> Optional[str]:
    date = event.date
    values = {
        "person": event.person.name,
        "aliases": "、".join(event.person.aliases) or None,
        "from.organization": event.from_.organization,
        "from.unit": event.from_.unit,
        "from.position": event.from_.position,
        "from.rank": event.from_.rank,
        "date": " · ".join(v for v in (date.text, date.value, date.precision) if v) or None,
        "to.organization": event.to.organization,
        "to.position": event.to.position,
        "to.kind": event.to.kind,
        "reason": event.reason,
        "certainty": event.certainty,
    }
    return values[label]


@dataclass(frozen=True)
class FieldView:
    label: str
    value: Optional[str]
    rules: tuple[str, ...]          # every rule or component the provenance names for this value
    scored: Optional[str] = None    # the scored field name (SPEC 4.3), when the field is scored
    status: str = ""                # match, wrong, unexpected, missing, or "" when not judged
    gold: tuple[str, ...] = ()


def _rules(event: DepartureEvent, label: str) -> tuple[str, ...]:
    """The rules the provenance names for a field; an alias is found by the person rules that gave it."""
    aliases = set(event.person.aliases)
    found = []
    for item in event.provenance:
        if label == "aliases":
            wanted = item.field == "person" and item.value in aliases
        elif label == "person":
            wanted = item.field == "person" and item.value not in aliases
        else:
            wanted = item.field == label
        if wanted and item.rule not in found:
            found.append(item.rule)
    return tuple(found)


def field_status(counts: Counts) -> str:
    """How one judged field reads: right, wrong (both FP and FN), given where gold has none, or missing."""
    if counts.tp:
        return "match"
    if counts.fp and counts.fn:
        return "wrong"
    if counts.fp:
        return "unexpected"
    if counts.fn:
        return "missing"
    return ""


@dataclass
class EventView:
    event: DepartureEvent
    number: int
    fields: list[FieldView]
    gold_state: str = ""            # matched, optional, false_alarm, or "" without gold
    judgment: Optional[Judgment] = None


@dataclass
class ArticleScoring:
    """One article against its gold, as `departures evaluate` scores it."""

    score: ArticleScore
    pairs: dict[int, int]           # prediction index -> gold index
    mistakes: list[tuple[str, str, str]]  # (person, kind, what) as `evaluate --show` prints them
    missed: list[GoldEvent] = field(default_factory=list)


def score_one(article_id: str, gold: Optional[GoldArticle], events: Sequence[DepartureEvent]) -> ArticleScoring:
    predictions = [PredictedEvent.model_validate(event.to_json_dict()) for event in events]
    score = score_article(article_id, gold, predictions)
    pairs = match(predictions, gold.events if gold is not None else [])
    taken = set(pairs.values())
    lines = format_mistakes(CorpusScore([score], score.events, score.fields)).splitlines()
    mistakes = [tuple(line.split("\t", 3)[1:]) for line in lines]
    missed = [g for i, g in enumerate(gold.events if gold else []) if i not in taken and not g.optional]
    return ArticleScoring(score, pairs, mistakes, missed)  # type: ignore[arg-type]


def event_views(events: Sequence[DepartureEvent], gold: Optional[GoldArticle],
                scoring: Optional[ArticleScoring], judgments: dict[str, Judgment]) -> list[EventView]:
    views = []
    for index, event in enumerate(events):
        prediction = PredictedEvent.model_validate(event.to_json_dict())
        matched: Optional[GoldEvent] = None
        gold_state = ""
        if gold is not None and scoring is not None:
            if index in scoring.pairs:
                matched = gold.events[scoring.pairs[index]]
                gold_state = "optional" if matched.optional else "matched"
            else:
                gold_state = "false_alarm"
        fields = []
        for label, scored in EVENT_FIELDS:
            value = _value(event, label)
            view = FieldView(label, value, _rules(event, label), scored or None)
            if view.scored and gold_state and gold_state != "optional":
                accepted = matched.accepted(view.scored) if matched is not None else frozenset()
                counts = judge_field(view.scored, prediction.value(view.scored), accepted)
                view = FieldView(label, value, view.rules, view.scored, field_status(counts),
                                 tuple(getattr(matched, view.scored)) if matched is not None else ())
            fields.append(view)
        # what the provenance records beyond the SPEC's fields (the departure word, say)
        listed = {label for label, _ in EVENT_FIELDS}
        for name in dict.fromkeys(p.field for p in event.provenance if p.field not in listed):
            values = "、".join(dict.fromkeys(p.value for p in event.provenance if p.field == name and p.value))
            fields.append(FieldView(name, values or None, _rules(event, name)))
        views.append(EventView(event, index + 1, fields, gold_state, judgments.get(event.event_id or "")))
    return views


# --- the article list ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    organization: str = ""
    date: str = ""          # a prefix of the date value: 2024, 2024-07
    certainty: str = ""

    @property
    def active(self) -> bool:
        return bool(self.organization or self.date or self.certainty)

    def keeps(self, event: DepartureEvent) -> bool:
        return ((not self.organization or event.from_.organization == self.organization)
                and (not self.date or (event.date.value or "").startswith(self.date))
                and (not self.certainty or event.certainty == self.certainty))


@dataclass
class ArticleRow:
    article_id: str
    title: str
    published_at: Optional[str]
    events: int
    shown: int                       # events the filters keep
    judged: int
    score: Optional[ArticleScore]    # None without gold

    @property
    def f1(self) -> Optional[float]:
        return self.score.events.f1 if self.score is not None else None


SORT_KEYS = {
    "article": lambda row: row.article_id,
    "published": lambda row: row.published_at or "",
    "events": lambda row: row.shown,
    "judged": lambda row: row.judged,
    "f1": lambda row: -1.0 if row.f1 is None else row.f1,
    "fp": lambda row: row.score.events.fp if row.score else -1,
    "fn": lambda row: row.score.events.fn if row.score else -1,
}


def article_rows(corpus: ReviewCorpus, judged: Counter[str], filters: Filters, sort: str = "",
                 descending: bool = False,
                 scoring: Optional[Callable[[str], ArticleScoring]] = None) -> list[ArticleRow]:
    """One row per article the filters keep (all of them when no filter is set), sorted by `sort`.

    `scoring` gives an article's scoring (default: computed now); the app passes a cached one.
    """
    rows = []
    for article_id in corpus.article_ids():
        events = corpus.events.get(article_id, [])
        shown = sum(1 for e in events if filters.keeps(e))
        if filters.active and not shown:
            continue
        article = corpus.articles.get(article_id)
        score = None
        if corpus.gold is not None:
            score = (scoring(article_id) if scoring is not None
                     else score_one(article_id, corpus.gold.get(article_id), events)).score
        rows.append(ArticleRow(article_id, article.title if article else "",
                               article.published_at if article else None,
                               len(events), shown, judged[article_id], score))
    if sort in SORT_KEYS:
        rows.sort(key=SORT_KEYS[sort], reverse=descending)
    return rows


def corpus_totals(rows: Sequence[ArticleRow]) -> Optional[Counts]:
    """Event counts summed over the listed articles (None without gold)."""
    scored = [row.score for row in rows if row.score is not None]
    if not scored:
        return None
    total = Counts()
    for score in scored:
        total.add(score.events)
    return total


def organizations(corpus: ReviewCorpus) -> list[str]:
    """Organizations left, most frequent first: the organization filter's choices."""
    counts = Counter(e.from_.organization for events in corpus.events.values() for e in events
                     if e.from_.organization)
    return [name for name, _ in counts.most_common()]


def disagreements(departure: dict) -> tuple[set[str], set[str]]:
    """Source values at odds with a merged departure: dates that neither refine nor are refined by its
    date, and destinations naming another organization (as `db.merge` decides conflicts)."""
    merged_date = departure["date"]["value"]
    merged_to = org_key(departure["to"]["organization"])
    dates = {s["date"]["value"] for s in departure["sources"]
             if merged_date and s["date"]["value"] and not dates_agree(s["date"]["value"], merged_date)}
    destinations = {s["to_organization"] for s in departure["sources"]
                    if merged_to and org_key(s["to_organization"]) not in (None, merged_to)}
    return dates, destinations
