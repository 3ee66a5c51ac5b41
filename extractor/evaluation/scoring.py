"""Scoring predicted departure events against gold, exactly as SPEC.md section 4 says.

Reading of the SPEC where it leaves room, so every number can be checked by hand:

* Names, organizations and every other string compare after NFKC and removing all whitespace
  (the SPEC states this for fields; person names are compared the same way). A value that is
  empty after that is no value.
* Matching (rule 1): the gold events "for that person" are those of the same article whose
  `person` list holds the prediction's name or one of its aliases. With one such event, the
  person alone decides; with several, the prediction's `from.organization` must be in the event's
  `from_org`. Each gold event takes at most one prediction and each prediction at most one gold
  event; among all assignments the one with the most matches wins, then the one whose field
  values agree best (most field true positives, then fewest false positives). So of two
  duplicate predictions, the better one is the match and the other a false positive.
* Fields (rule 3): every field of every event is judged once:
  - a matched, non-optional pair: the predicted value against the gold list;
  - an unmatched prediction: its value against an empty list, so any value is a false positive;
  - an unmatched non-optional gold event: no value against the gold list, so every non-empty list
    is a false negative (no prediction holds a right value for it, so the field was not
    extracted; this keeps field recall the share of gold answers found).
  A wrong value on a matched pair is both a false positive and a false negative.
* `to_kind`: null and "unknown" are no answer, never a true or false positive. The gold demands a
  kind (false negative when none right is given) only when its list is non-empty and lacks
  "unknown"; a given kind is judged against the list without "unknown".
* Predictions matching optional gold events are dropped, fields included (rule 2).
* Precision with nothing predicted is 1.0 when nothing was to be found, else 0.0; recall with
  nothing to find is 1.0 when nothing was predicted, else 0.0. F1 is 0.0 when both are 0.
* A gold article without predictions counts all its gold as false negatives; predictions for an
  article absent from the gold are false positives (the caller is told their ids to warn about).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Iterable, Literal, Optional

from pydantic import BaseModel, ConfigDict, Field

FIELDS: tuple[str, ...] = ("from_org", "from_unit", "position", "date", "to_org", "to_kind")
_NO_KIND = "unknown"
_WHITESPACE = re.compile(r"\s+")


def normalize(value: Optional[str]) -> Optional[str]:
    """NFKC, then remove all whitespace; None for no value."""
    if value is None:
        return None
    text = _WHITESPACE.sub("", unicodedata.normalize("NFKC", value))
    return text or None


# --- the two inputs ------------------------------------------------------------------------


class GoldEvent(BaseModel):
    """One gold event (SPEC section 3): each field lists the accepted answers."""

    model_config = ConfigDict(extra="forbid")

    person: list[str] = Field(min_length=1)
    from_org: list[str] = Field(default_factory=list)
    from_unit: list[str] = Field(default_factory=list)
    position: list[str] = Field(default_factory=list)
    date: list[str] = Field(default_factory=list)
    to_org: list[str] = Field(default_factory=list)
    to_kind: list[str] = Field(default_factory=list)
    optional: bool = False
    note: Optional[str] = None

    def accepted(self, name: str) -> frozenset[str]:
        return frozenset(v for v in map(normalize, getattr(self, name)) if v)

    def names(self) -> frozenset[str]:
        return frozenset(v for v in map(normalize, self.person) if v)


class GoldArticle(BaseModel):
    model_config = ConfigDict(extra="forbid")

    article_id: str = Field(min_length=1)
    published_at: Optional[str] = None
    events: list[GoldEvent] = Field(default_factory=list)


class _Lenient(BaseModel):
    # predictions may carry more than the SPEC lists; only the scored paths are read
    model_config = ConfigDict(extra="ignore", populate_by_name=True)


class _PredPerson(_Lenient):
    name: str
    aliases: list[str] = Field(default_factory=list)


class _PredFrom(_Lenient):
    organization: Optional[str] = None
    unit: Optional[str] = None
    position: Optional[str] = None


class _PredTo(_Lenient):
    organization: Optional[str] = None
    kind: Optional[str] = None


class _PredDate(_Lenient):
    value: Optional[str] = None


class PredictedEvent(_Lenient):
    """The parts of a SPEC event (section 2) that scoring reads."""

    article_id: str
    person: _PredPerson
    from_: Optional[_PredFrom] = Field(default=None, alias="from")
    to: Optional[_PredTo] = None
    date: Optional[_PredDate] = None

    def value(self, name: str) -> Optional[str]:
        """The normalized predicted value of a scored field; "unknown" kind is no value."""
        side_from = self.from_ or _PredFrom()
        side_to = self.to or _PredTo()
        raw = {
            "from_org": side_from.organization,
            "from_unit": side_from.unit,
            "position": side_from.position,
            "date": (self.date or _PredDate()).value,
            "to_org": side_to.organization,
            "to_kind": side_to.kind,
        }[name]
        text = normalize(raw)
        return None if name == "to_kind" and text == _NO_KIND else text

    def names(self) -> frozenset[str]:
        return frozenset(v for v in map(normalize, [self.person.name, *self.person.aliases]) if v)


# --- counts ---------------------------------------------------------------------------------


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, other: Counts) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn

    @property
    def precision(self) -> float:
        if self.tp + self.fp == 0:
            return 1.0 if self.fn == 0 else 0.0
        return self.tp / (self.tp + self.fp)

    @property
    def recall(self) -> float:
        if self.tp + self.fn == 0:
            return 1.0 if self.fp == 0 else 0.0
        return self.tp / (self.tp + self.fn)

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 0.0 if p + r == 0 else 2 * p * r / (p + r)

    def as_dict(self) -> dict[str, float | int]:
        return {"tp": self.tp, "fp": self.fp, "fn": self.fn,
                "precision": self.precision, "recall": self.recall, "f1": self.f1}


MistakeKind = Literal["missed", "false_alarm", "wrong_value", "missing_value", "unexpected_value"]


@dataclass(frozen=True)
class Mistake:
    """One miss or false alarm, for a reader to look up in the article."""

    article_id: str
    person: str
    kind: MistakeKind
    field: Optional[str] = None  # None: the event itself
    predicted: Optional[str] = None
    gold: tuple[str, ...] = ()
    detail: str = ""


@dataclass
class ArticleScore:
    article_id: str
    in_gold: bool
    gold_events: int = 0  # non-optional
    predicted_events: int = 0
    events: Counts = field(default_factory=Counts)
    fields: dict[str, Counts] = field(default_factory=lambda: {name: Counts() for name in FIELDS})
    mistakes: list[Mistake] = field(default_factory=list)


@dataclass
class CorpusScore:
    articles: list[ArticleScore]
    events: Counts
    fields: dict[str, Counts]

    @property
    def unknown_articles(self) -> list[str]:
        """Articles that have predictions but no gold: their events are all false positives."""
        return [a.article_id for a in self.articles if not a.in_gold]

    @property
    def mistakes(self) -> list[Mistake]:
        return [m for a in self.articles for m in a.mistakes]


# --- judging --------------------------------------------------------------------------------


def judge_field(name: str, predicted: Optional[str], accepted: frozenset[str]) -> Counts:
    """One field of one event: `predicted` and `accepted` already normalized."""
    answers = accepted
    demanded = bool(accepted)
    if name == "to_kind":
        answers = accepted - {_NO_KIND}
        demanded = bool(accepted) and _NO_KIND not in accepted
        if predicted == _NO_KIND:
            predicted = None
    if predicted is None:
        return Counts(fn=int(demanded))
    if predicted in answers:
        return Counts(tp=1)
    return Counts(fp=1, fn=int(demanded))


def _judge_pair(pred: Optional[PredictedEvent], gold: Optional[GoldEvent]) -> dict[str, Counts]:
    return {
        name: judge_field(
            name,
            pred.value(name) if pred is not None else None,
            gold.accepted(name) if gold is not None else frozenset(),
        )
        for name in FIELDS
    }


def candidates(pred: PredictedEvent, gold_events: list[GoldEvent]) -> list[int]:
    """Indexes of the gold events `pred` may match (SPEC 4.1)."""
    names = pred.names()
    same_person = [i for i, gold in enumerate(gold_events) if names & gold.names()]
    if len(same_person) <= 1:
        return same_person
    organization = pred.value("from_org")
    return [i for i in same_person if organization is not None and organization in gold_events[i].accepted("from_org")]


def _pair_weight(pred: PredictedEvent, gold: GoldEvent, size: int) -> int:
    """Weight of pairing `pred` with `gold` in an article with at most `size` predictions or gold events.

    Units chosen so totals compare lexicographically: any extra match outweighs all field agreement,
    any extra field true positive outweighs all false positives of an assignment.
    """
    fp_bound = len(FIELDS) * size + 1
    tp_unit = fp_bound
    match_unit = tp_unit * fp_bound
    judged = _judge_pair(pred, gold).values()
    return match_unit + tp_unit * sum(c.tp for c in judged) - sum(c.fp for c in judged)


def max_weight_assignment(weights: list[list[int]]) -> list[tuple[int, int]]:
    """Pairs (row, column), each row and column used at most once, with the largest total weight.

    A weight of 0 or less means "may not be paired". Hungarian method on the square padding of
    the matrix, minimizing the negated weights; exact on integers and deterministic.
    """
    rows = len(weights)
    cols = len(weights[0]) if rows else 0
    size = max(rows, cols)
    if size == 0:
        return []

    def cost(r: int, c: int) -> int:
        return -max(weights[r][c], 0) if r < rows and c < cols else 0

    inf = float("inf")
    u = [0.0] * (size + 1)  # row potentials (1-based; index 0 is the virtual start)
    v = [0.0] * (size + 1)  # column potentials
    owner = [0] * (size + 1)  # owner[c]: the row assigned to column c, 0 for none
    for row in range(1, size + 1):
        owner[0] = row
        col = 0
        slack = [inf] * (size + 1)
        came_from = [0] * (size + 1)
        seen = [False] * (size + 1)
        while owner[col] != 0:
            seen[col] = True
            current_row = owner[col]
            delta, next_col = inf, 0
            for c in range(1, size + 1):
                if seen[c]:
                    continue
                reduced = cost(current_row - 1, c - 1) - u[current_row] - v[c]
                if reduced < slack[c]:
                    slack[c], came_from[c] = reduced, col
                if slack[c] < delta:
                    delta, next_col = slack[c], c
            for c in range(size + 1):
                if seen[c]:
                    u[owner[c]] += delta
                    v[c] -= delta
                else:
                    slack[c] -= delta
            col = next_col
        # flip the augmenting path back to the start
        while col != 0:
            previous = came_from[col]
            owner[col] = owner[previous]
            col = previous
    return sorted(
        (owner[c] - 1, c - 1)
        for c in range(1, size + 1)
        if owner[c] and owner[c] - 1 < rows and c - 1 < cols and weights[owner[c] - 1][c - 1] > 0
    )


def match(predictions: list[PredictedEvent], gold_events: list[GoldEvent]) -> dict[int, int]:
    """prediction index -> gold index, per SPEC 4.1 and the tie-breaking described above."""
    if not predictions or not gold_events:
        return {}
    size = max(len(predictions), len(gold_events))
    weights = [[0] * len(gold_events) for _ in predictions]
    for p, pred in enumerate(predictions):
        for g in candidates(pred, gold_events):
            weights[p][g] = _pair_weight(pred, gold_events[g], size)
    return dict(max_weight_assignment(weights))


# --- scoring --------------------------------------------------------------------------------


def _field_mistakes(article_id: str, person: str, pred: Optional[PredictedEvent], gold: GoldEvent,
                    judged: dict[str, Counts]) -> list[Mistake]:
    found = []
    for name, counts in judged.items():
        if counts.fp == 0 and counts.fn == 0:
            continue
        predicted = pred.value(name) if pred is not None else None
        kind: MistakeKind = "missing_value" if predicted is None else (
            "wrong_value" if gold.accepted(name) else "unexpected_value")
        found.append(Mistake(article_id, person, kind, name, predicted, tuple(getattr(gold, name))))
    return found


def _unmatched_detail(pred: PredictedEvent, gold_events: list[GoldEvent], taken: set[int]) -> str:
    options = candidates(pred, gold_events)
    if options and all(i in taken for i in options):
        return "duplicate: its gold event is matched by another prediction"
    if any(pred.names() & gold.names() for gold in gold_events):
        return f"the person has several gold events and from.organization {pred.value('from_org')!r} is in none"
    return "no gold event names this person"


def score_article(article_id: str, gold: Optional[GoldArticle], predictions: list[PredictedEvent]) -> ArticleScore:
    gold_events = gold.events if gold is not None else []
    score = ArticleScore(article_id, in_gold=gold is not None,
                         gold_events=sum(not g.optional for g in gold_events),
                         predicted_events=len(predictions))
    pairs = match(predictions, gold_events)
    taken = set(pairs.values())

    def count(judged: dict[str, Counts]) -> None:
        for name, counts in judged.items():
            score.fields[name].add(counts)

    for p, pred in enumerate(predictions):
        if p in pairs:
            g = pairs[p]
            if gold_events[g].optional:
                continue  # dropped from every count
            score.events.tp += 1
            judged = _judge_pair(pred, gold_events[g])
            count(judged)
            score.mistakes += _field_mistakes(article_id, pred.person.name, pred, gold_events[g], judged)
        else:
            score.events.fp += 1
            count(_judge_pair(pred, None))
            score.mistakes.append(Mistake(article_id, pred.person.name, "false_alarm",
                                          predicted=pred.value("from_org"),
                                          detail=_unmatched_detail(pred, gold_events, taken)))
    for g, gold_event in enumerate(gold_events):
        if g in taken or gold_event.optional:
            continue
        score.events.fn += 1
        judged = _judge_pair(None, gold_event)
        count(judged)
        score.mistakes.append(Mistake(article_id, gold_event.person[0], "missed",
                                      gold=tuple(gold_event.from_org), detail=gold_event.note or ""))
    return score


def score_corpus(gold: Iterable[GoldArticle], predictions: Iterable[PredictedEvent]) -> CorpusScore:
    """Score every gold article, then every article that only the predictions name."""
    by_article: dict[str, list[PredictedEvent]] = {}
    for pred in predictions:
        by_article.setdefault(pred.article_id, []).append(pred)
    articles = []
    gold_ids = set()
    for gold_article in gold:
        gold_ids.add(gold_article.article_id)
        articles.append(score_article(gold_article.article_id, gold_article,
                                      by_article.get(gold_article.article_id, [])))
    for article_id, preds in by_article.items():
        if article_id not in gold_ids:
            articles.append(score_article(article_id, None, preds))
    events = Counts()
    fields = {name: Counts() for name in FIELDS}
    for article in articles:
        events.add(article.events)
        for name in FIELDS:
            fields[name].add(article.fields[name])
    return CorpusScore(articles, events, fields)
