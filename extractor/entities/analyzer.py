"""Find every entity of one sentence, in an order where each finder knows what earlier ones took.

Triggers, organizations and times first (they are unambiguous lexicon or pattern hits), then posts
(which must not swallow an organization), then names (which must not start inside a post), then
units and short name forms.
"""
from __future__ import annotations

from ..dates import DateFinder, PubDate
from ..lexicon import Lexicon, PhraseIndex
from ..segment import Segmenter
from .mentions import Mention, SentenceEntities
from .organizations import OrgFinder, overlaps
from .persons import NameRegistry, PersonFinder


class SentenceAnalyzer:
    def __init__(self, lexicon: Lexicon, date_finder: DateFinder, segmenter: Segmenter) -> None:
        self.lx = lexicon
        self.dates = date_finder
        self.orgs = OrgFinder(lexicon, segmenter)
        self.persons = PersonFinder(lexicon, segmenter)

    def analyze(
        self,
        text: str,
        pub: PubDate | None,
        context_year: int | None = None,
        suspect: list[tuple[int, int]] | None = None,
        registry: NameRegistry | None = None,
        registry_index: PhraseIndex | None = None,
    ) -> SentenceEntities:
        suspect = suspect or []
        ents = SentenceEntities(text)
        for hit in self.lx.trigger_index.hits(text):
            ents.add(Mention(hit.start, hit.end, hit.surface, "TRIGGER", "triggers.lexicon.v1", hit.value))
        taken = [(m.start, m.end) for m in ents.mentions]
        orgs = [m for m in self.orgs.known(text) if not overlaps((m.start, m.end), suspect)]
        # a trigger inside an organization name (退出 in 退出机制) yields to the longer organization
        orgs = [m for m in orgs if not overlaps((m.start, m.end), taken) or (m.end - m.start) > 3]
        shape = self.orgs.by_shape(text, taken + [(m.start, m.end) for m in orgs] + suspect)
        for mention in orgs + shape:
            ents.add(mention)
        for time in self.dates.find(text, pub, context_year):
            ents.add(Mention(time.start, time.end, time.text, "TIME", "dates.patterns.v1", time))
        blocked = [(m.start, m.end) for m in ents.mentions] + suspect
        units = self.orgs.units(text, orgs + shape, blocked)
        for mention in units:
            ents.add(mention)
        blocked += [(m.start, m.end) for m in units]
        titles = self.orgs.posts(text, blocked)
        for mention in titles:
            ents.add(mention)
        blocked += [(m.start, m.end) for m in titles]
        people = self.persons.transliterated(text, blocked)
        people += [m for m in self.persons.latin_names(text, blocked) if not overlaps((m.start, m.end), [(p.start, p.end) for p in people])]
        blocked_people = blocked + [(m.start, m.end) for m in people]
        if registry_index is not None:
            for hit in registry_index.hits(text):
                span = (hit.start, hit.end)
                if overlaps(span, blocked_people):
                    continue
                if len(hit.surface) == 1 and not self._short_form_ok(text, hit.start, hit.end, blocked):
                    continue
                people.append(Mention(hit.start, hit.end, hit.surface, "PERSON", "persons.registry.v1"))
                blocked_people.append(span)
        soft = [(m.start, m.end) for m in ents.mentions if m.label in ("TRIGGER", "TIME")]
        hard = [span for span in blocked_people if span not in soft]
        people += self.persons.chinese_names(text, hard, suspect, soft)
        for mention in people:
            ents.add(mention)
        occupied = blocked + [(m.start, m.end) for m in people]
        for hit in self.lx.anaphor_index.hits(text):
            if not overlaps((hit.start, hit.end), occupied):
                ents.add(Mention(hit.start, hit.end, hit.surface, "ANAPHOR", "persons.anaphor.v1"))
        for mention in self.orgs.ranks(text):
            ents.add(mention)
        ents.sort()
        return ents

    def _short_form_ok(self, text: str, start: int, end: int, blocked: list[tuple[int, int]]) -> bool:
        """A one-character surname stands for a person only between clear edges (薄已经离职)."""
        before_ok = start == 0 or text[start - 1] in "，,。；;：:、（(“\" " or any(e == start for _, e in blocked)
        after_ok = end < len(text) and text[end] in self.lx.name_end_cues
        return before_ok and after_ok
