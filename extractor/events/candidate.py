"""One departure as told by one sentence, before the mentions of an article are merged."""
from __future__ import annotations

from dataclasses import dataclass, field

from extractor.entities.dates import TimeMention
from extractor.rulebook.lexicon import OrgEntry
from extractor.entities.sentences import Sentence


@dataclass
class Candidate:
    person: str  # the full name, as the registry knows it
    sentence: Sentence
    kind: str  # explicit | implied | post
    org: OrgEntry | None = None
    unit: str | None = None
    position: str | None = None
    rank: str | None = None
    to_org: str | None = None
    to_position: str | None = None
    to_kind: str | None = None
    time: TimeMention | None = None
    reason: str | None = None
    certainty: str = "confirmed"
    confidence: float = 0.5
    extra_sentences: list[Sentence] = field(default_factory=list)
    provenance: list[tuple[str, str | None, str]] = field(default_factory=list)  # (field, value, rule)

    def note(self, field_name: str, value: str | None, rule: str) -> None:
        self.provenance.append((field_name, value, rule))
