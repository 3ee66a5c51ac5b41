"""Mentions: typed spans of a sentence, each marked with the component that found it."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Mention:
    start: int  # offsets into the sentence text
    end: int
    text: str
    label: str  # PERSON, ORG, UNIT, TITLE, RANK, TIME, TRIGGER, ANAPHOR
    source: str  # the component or rule that found it, e.g. "persons.surname_context.v1"
    value: object = None  # canonical entry, resolved date …

    def shifted(self, offset: int) -> "Mention":
        return Mention(self.start + offset, self.end + offset, self.text, self.label, self.source, self.value)


@dataclass
class SentenceEntities:
    """All mentions of one sentence, by label, in text order."""

    text: str
    mentions: list[Mention] = field(default_factory=list)
    rejected: list[tuple[Mention, str]] = field(default_factory=list)  # found, then dropped by a merge rule

    def reject(self, dropped: list[tuple[Mention, str]]) -> None:
        self.rejected.extend(dropped)

    def of(self, label: str) -> list[Mention]:
        return [m for m in self.mentions if m.label == label]

    def add(self, mention: Mention) -> None:
        self.mentions.append(mention)

    def sort(self) -> None:
        self.mentions.sort(key=lambda m: (m.start, -m.end))
