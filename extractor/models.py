"""The data contract: input articles, departure events (SPEC section 2) and error records.

Every field name of `DepartureEvent` is fixed by the SPEC; extra fields (event_id, provenance,
confidence, source offsets) are additions the SPEC allows.
"""
from __future__ import annotations

from typing import Literal, Optional

from pydantic import BaseModel, ConfigDict, Field

ToKind = Literal["company", "startup", "academia", "other", "unknown"]
Certainty = Literal["confirmed", "reported", "rumored"]
Precision = Literal["day", "month", "season", "year"]
Stage = Literal["read", "decode", "parse", "normalize", "segment", "entities", "events", "output", "load"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Article(_Strict):
    """One input article as a crawler hands it over, after decoding."""

    id: str = Field(min_length=1)
    title: str = ""
    text: str
    published_at: Optional[str] = Field(
        default=None, description="YYYY, YYYY-MM or YYYY-MM-DD; relative dates resolve against it"
    )
    url: Optional[str] = None
    source: Optional[str] = Field(default=None, description="the file or stream the article came from")


class Person(_Strict):
    name: str
    aliases: list[str] = Field(default_factory=list)


class FromSide(_Strict):
    organization: Optional[str] = None
    unit: Optional[str] = None
    position: Optional[str] = None
    rank: Optional[str] = None


class ToSide(_Strict):
    organization: Optional[str] = None
    position: Optional[str] = None
    kind: Optional[ToKind] = None


class DateValue(_Strict):
    text: Optional[str] = None
    value: Optional[str] = Field(default=None, description="ISO 8601 at the stated precision")
    precision: Optional[Precision] = None


class Evidence(_Strict):
    text: str
    start: int = Field(ge=0, description="offset into the normalized article text")
    end: int = Field(ge=0)
    source_start: Optional[int] = Field(default=None, description="offset into the original (decoded) text")
    source_end: Optional[int] = None


class Provenance(_Strict):
    """Which rule or component produced one value of the event."""

    field: str
    value: Optional[str] = None
    rule: str


class DepartureEvent(_Strict):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    event_id: Optional[str] = Field(default=None, description="stable: same article, person and organization give the same id")
    article_id: str
    person: Person
    from_: FromSide = Field(alias="from", default_factory=FromSide)
    to: ToSide = Field(default_factory=ToSide)
    date: DateValue = Field(default_factory=DateValue)
    reason: Optional[str] = None
    certainty: Certainty = "confirmed"
    evidence: list[Evidence] = Field(default_factory=list)
    confidence: float = Field(default=0.5, ge=0.0, le=1.0)
    provenance: list[Provenance] = Field(default_factory=list)

    def to_json_dict(self) -> dict:
        return self.model_dump(by_alias=True, mode="json")


class ErrorRecord(_Strict):
    """One article that could not be read or processed; written to the errors file."""

    article_id: str
    source: Optional[str] = None
    stage: Stage
    reason: str


def event_json_schema() -> dict:
    return DepartureEvent.model_json_schema(by_alias=True)
