"""What a reviewer decides about an event, and the gold event (SPEC section 3) each decision stands for.

A judgment keeps the gold event it is worth at the moment it is made, so the export does not depend on
the events file staying as it was: an article extracted again later does not change what was judged.
"""
from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timezone
from typing import Literal, Optional, get_args

from pydantic import BaseModel, ConfigDict, Field, model_validator

from extractor.ingest.datelines import parse_iso_date
from ..models import DepartureEvent, ToKind
from extractor.evaluation.scoring import GoldEvent

Verdict = Literal["accept", "reject", "correct", "missed"]
# The gold fields a reviewer can set, in the order the correction form shows them.
GOLD_FIELDS: tuple[str, ...] = ("person", "from_org", "from_unit", "position", "date", "to_org", "to_kind")
# Several accepted answers are typed on one line, separated by this; the first is the preferred one.
ANSWER_SEPARATOR = "|"
_KINDS = frozenset(get_args(ToKind))


class CorrectionError(ValueError):
    """A correction or a marked missed event that cannot be gold; the message says which field and why."""


class SourceSpan(BaseModel):
    """Text the reviewer selected: offsets into the article text as given (like evidence `source_start`)."""

    model_config = ConfigDict(extra="forbid")

    start: int = Field(ge=0)
    end: int = Field(ge=0)
    text: str


class Judgment(BaseModel):
    model_config = ConfigDict(extra="forbid")

    judgment_id: str = Field(min_length=1)  # the event's id, or a new id for a marked missed event
    article_id: str = Field(min_length=1)
    event_id: Optional[str] = None
    verdict: Verdict
    gold: Optional[GoldEvent] = None  # what the event is worth as gold; None when rejected
    span: Optional[SourceSpan] = None
    position: Optional[int] = None  # where the article tells it (first offset): orders exported events
    published_at: Optional[str] = None
    judged_at: str = Field(default_factory=lambda: datetime.now(timezone.utc).isoformat(timespec="seconds"))

    @model_validator(mode="after")
    def _gold_matches_verdict(self) -> Judgment:
        if (self.verdict == "reject") != (self.gold is None):
            raise ValueError("a rejected event has no gold, every other verdict has one")
        if (self.verdict == "missed") == (self.event_id is not None):
            raise ValueError("a missed event has no event_id, every other verdict names its event")
        return self


def parse_answers(text: str) -> list[str]:
    """Accepted answers typed on one line: `阿里巴巴 | 阿里` gives both, an empty line gives none."""
    answers = (part.strip() for part in text.split(ANSWER_SEPARATOR))
    return list(dict.fromkeys(answer for answer in answers if answer))


def gold_from_event(event: DepartureEvent) -> GoldEvent:
    """The gold event that accepts exactly what `event` says."""
    def one(value: Optional[str]) -> list[str]:
        return [value] if value and value.strip() else []

    kind = event.to.kind
    return GoldEvent(
        person=[event.person.name, *[a for a in event.person.aliases if a != event.person.name]],
        from_org=one(event.from_.organization),
        from_unit=one(event.from_.unit),
        position=one(event.from_.position),
        date=one(event.date.value),
        to_org=one(event.to.organization),
        # a destination left open is written as the fixtures write it
        to_kind=[kind] if kind and kind != "unknown" else ["unknown"],
        note=event.evidence[0].text if event.evidence else None,
    )


def gold_from_form(form: Mapping[str, str], note: Optional[str]) -> GoldEvent:
    """A gold event from the correction (or missed-event) form: one line of answers per field.

    `person` holds the name first and then its aliases. Dates must be YYYY, YYYY-MM or YYYY-MM-DD and
    kinds one of the SPEC's, as `departures evaluate` compares them.
    """
    values = {name: parse_answers(form.get(name, "")) for name in GOLD_FIELDS}
    if not values["person"]:
        raise CorrectionError("person: give the person's name")
    for value in values["date"]:
        if parse_iso_date(value) is None:
            raise CorrectionError(f"date: {value!r} is not YYYY, YYYY-MM or YYYY-MM-DD")
    for value in values["to_kind"]:
        if value not in _KINDS:
            raise CorrectionError(f"to_kind: {value!r} is none of {', '.join(sorted(_KINDS))}")
    return GoldEvent(**values, optional=form.get("optional") == "on", note=note or None)


def form_values(gold: GoldEvent) -> dict[str, str]:
    """The correction form's lines for `gold`: the inverse of `gold_from_form`."""
    separator = f" {ANSWER_SEPARATOR} "
    return {name: separator.join(getattr(gold, name)) for name in GOLD_FIELDS}
