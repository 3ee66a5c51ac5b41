"""Sentence-level cases per news beat (tests/data/beats.yaml): every departure a positive text holds, nothing more,
and no event at all from a negative text."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import pytest
import yaml
from pydantic import BaseModel, ConfigDict, Field

from extractor.models import Article, DepartureEvent
from extractor.pipeline import get_pipeline

DATA = Path(__file__).parent / "data" / "beats.yaml"
DEFAULT_PUBLISHED_AT = "2024-06-15"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Expected(_Strict):
    """One event a positive text holds. A field left out is not checked; a field given as null must stay empty."""

    person: str = Field(min_length=1)
    organization: str = Field(min_length=1)
    position: Optional[str] = None
    to_organization: Optional[str] = None
    date: Optional[str] = Field(default=None, pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$")


class Positive(_Strict):
    text: str = Field(min_length=1)
    published_at: Optional[str] = None
    expect: list[Expected] = Field(min_length=1)
    # a case the extractor does not get right yet, and why: it runs as a strict xfail, so fixing it
    # without removing this line fails the test (and the README's known limits stay true)
    known_limit: Optional[str] = None


class Negative(_Strict):
    text: str = Field(min_length=1)
    why: str = Field(min_length=1)


class Beat(_Strict):
    positive: list[Positive] = Field(min_length=6)
    negative: list[Negative] = Field(min_length=5)


class Beats(_Strict):
    government: Beat
    politics: Beat
    sports: Beat
    entertainment: Beat
    academia: Beat
    finance: Beat
    notices: Beat
    columns: Beat
    technology: Beat


def load_beats(path: Path = DATA) -> Beats:
    return Beats.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))


BEATS = load_beats()
POSITIVES = [
    pytest.param(case, id=f"{beat}-pos{i:02d}",
                 marks=[pytest.mark.xfail(strict=True, reason=case.known_limit)] if case.known_limit else [])
    for beat, data in BEATS
    for i, case in enumerate(data.positive, 1)
]
NEGATIVES = [
    pytest.param(case, id=f"{beat}-neg{i:02d}")
    for beat, data in BEATS
    for i, case in enumerate(data.negative, 1)
]

CHECKED_FIELDS = {
    "position": lambda e: e.from_.position,
    "to_organization": lambda e: e.to.organization,
    "date": lambda e: e.date.value,
}


def extract(text: str, published_at: Optional[str]) -> list[DepartureEvent]:
    article = Article(id="beat_case", text=text, published_at=published_at or DEFAULT_PUBLISHED_AT)
    return get_pipeline().extract(article)


def describe(event: DepartureEvent) -> str:
    return (f"{event.person.name} ← {event.from_.organization} (post {event.from_.position!r}, "
            f"to {event.to.organization!r}, date {event.date.value!r})")


def is_expected(event: DepartureEvent, expected: Expected) -> bool:
    names = {event.person.name, *event.person.aliases}
    return expected.person in names and event.from_.organization == expected.organization


def test_every_beat_has_enough_cases() -> None:
    for beat, data in BEATS:
        assert len(data.positive) >= 6 and len(data.negative) >= 5, beat


@pytest.mark.parametrize("case", POSITIVES)
def test_positive(case: Positive) -> None:
    events = extract(case.text, case.published_at)
    problems: list[str] = []
    matched: set[int] = set()
    for expected in case.expect:
        hits = [i for i, e in enumerate(events) if i not in matched and is_expected(e, expected)]
        if not hits:
            problems.append(f"missing {expected.person} ← {expected.organization}")
            continue
        matched.add(hits[0])
        event = events[hits[0]]
        for field in sorted(expected.model_fields_set & CHECKED_FIELDS.keys()):
            got, want = CHECKED_FIELDS[field](event), getattr(expected, field)
            if got != want:
                problems.append(f"{expected.person} ← {expected.organization}: {field} {got!r}, expected {want!r}")
    extras = [describe(e) for i, e in enumerate(events) if i not in matched]
    if extras:
        problems.append(f"extra events: {extras}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("case", NEGATIVES)
def test_negative(case: Negative) -> None:
    events = extract(case.text, None)
    assert events == [], f"{case.why}; got {[describe(e) for e in events]}"
