"""Merge the events several articles report about one departure into one record.

Pure functions over `SourceEvent`s, so the rules are testable without a database:
- date: the most specific value agreed by most sources. Values agree when one refines the other
  (2022 ⊂ 2022-05 ⊂ 2022-05-13); two that cannot both be true (2022-05 and 2022-06) are a conflict.
- destination: the organization most sources name; two different organizations are a conflict.
- other fields: the value most sources give; certainty: the strongest any source states.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Optional, TypeVar

from .keys import org_key

T = TypeVar("T")
_CERTAINTY_RANK = {"confirmed": 3, "reported": 2, "rumored": 1}
_NO_KIND = {None, "unknown"}


@dataclass(frozen=True)
class SourceEvent:
    event_id: str
    article_id: str
    person_name: str
    from_organization: Optional[str]
    from_unit: Optional[str]
    from_position: Optional[str]
    to_organization: Optional[str]
    to_position: Optional[str]
    to_kind: Optional[str]
    date_text: Optional[str]
    date_value: Optional[str]
    date_precision: Optional[str]
    certainty: str
    confidence: float


@dataclass(frozen=True)
class MergedDeparture:
    person: str
    organization: Optional[str]
    unit: Optional[str]
    position: Optional[str]
    date_text: Optional[str]
    date_value: Optional[str]
    date_precision: Optional[str]
    date_conflict: bool
    to_organization: Optional[str]
    to_position: Optional[str]
    to_kind: Optional[str]
    destination_conflict: bool
    certainty: str
    n_sources: int
    n_articles: int

    @property
    def conflict(self) -> bool:
        return self.date_conflict or self.destination_conflict


def date_parts(value: str) -> tuple[str, ...]:
    return tuple(value.split("-"))


def dates_agree(a: str, b: str) -> bool:
    """True when one date refines the other (or they are equal)."""
    pa, pb = date_parts(a), date_parts(b)
    shorter = min(len(pa), len(pb))
    return pa[:shorter] == pb[:shorter]


def best_date(sources: Sequence[SourceEvent]) -> tuple[Optional[SourceEvent], bool]:
    """The source whose date wins, and whether the sources' dates conflict."""
    dated = [s for s in sources if s.date_value]
    if not dated:
        return None, False
    values = list(dict.fromkeys(s.date_value for s in dated))
    conflict = any(not dates_agree(a, b) for i, a in enumerate(values) for b in values[i + 1:])

    def rank(value: str) -> tuple:
        support = sum(1 for s in dated if dates_agree(s.date_value, value))
        exact = [s for s in dated if s.date_value == value]
        # more sources agreeing, then more specific, then surer sources; the latest value last, so the
        # choice never depends on input order
        return (support, len(date_parts(value)), sum(s.confidence for s in exact), value)

    winner = max(values, key=rank)
    return next(s for s in dated if s.date_value == winner), conflict


def most_common(values: Iterable[Optional[T]]) -> Optional[T]:
    """The most frequent non-null value; ties go to the first seen (callers pass sources in a fixed order)."""
    counts: dict[T, int] = {}
    for value in values:
        if value is not None:
            counts[value] = counts.get(value, 0) + 1
    if not counts:
        return None
    return max(counts, key=counts.__getitem__)  # max keeps the first of equal counts: insertion order


def best_destination(sources: Sequence[SourceEvent]) -> tuple[Optional[str], Optional[str], Optional[str], bool]:
    """(organization, position, kind, conflict) for where the person went."""
    named = [s for s in sources if org_key(s.to_organization)]
    keys = [org_key(s.to_organization) for s in named]
    conflict = len(set(keys)) > 1
    chosen_key = most_common(keys)
    pool = [s for s in named if org_key(s.to_organization) == chosen_key] if chosen_key else list(sources)
    organization = most_common([s.to_organization for s in pool])
    position = most_common([s.to_position for s in pool])
    kind = most_common([s.to_kind for s in pool if s.to_kind not in _NO_KIND])
    if kind is None and chosen_key is not None:
        # the sources naming the organization give no kind: another source may still say 创业 or 高校
        kind = most_common([s.to_kind for s in sources if s.to_kind not in _NO_KIND])
    return organization, position, kind, conflict


def merge_sources(sources: Sequence[SourceEvent]) -> MergedDeparture:
    """One departure from its sources; pass them in a fixed order (e.g. by article and event id)."""
    if not sources:
        raise ValueError("a departure needs at least one source event")
    dated, date_conflict = best_date(sources)
    to_org, to_position, to_kind, destination_conflict = best_destination(sources)
    return MergedDeparture(
        person=most_common([s.person_name for s in sources]),
        organization=most_common([s.from_organization for s in sources]),
        unit=most_common([s.from_unit for s in sources]),
        position=most_common([s.from_position for s in sources]),
        date_text=dated.date_text if dated else None,
        date_value=dated.date_value if dated else None,
        date_precision=dated.date_precision if dated else None,
        date_conflict=date_conflict,
        to_organization=to_org,
        to_position=to_position,
        to_kind=to_kind,
        destination_conflict=destination_conflict,
        certainty=max((s.certainty for s in sources), key=lambda c: _CERTAINTY_RANK.get(c, 0)),
        n_sources=len(sources),
        n_articles=len({s.article_id for s in sources}),
    )
