"""Find every entity of one sentence, in an order where each finder knows what earlier ones took.

Triggers, organizations and times first (they are unambiguous lexicon or pattern hits), then units
and posts (which must not swallow an organization), then names (which must not start inside a
post), then pronouns and ranks. Each step is one spaCy component (see spacy_pipeline.py); the steps
read and extend the sentence's `SentenceEntities`.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..dates import DateFinder, PubDate, TimeMention
from ..lexicon import Lexicon
from ..segment import Segmenter
from .mentions import Mention, SentenceEntities
from .organizations import OrgFinder, overlaps
from .persons import PersonFinder


@dataclass
class StepState:
    """What one sentence's steps share: the context it is read in and the spans already taken."""

    pub: PubDate | None = None
    context_year: int | None = None
    suspect: list[tuple[int, int]] = field(default_factory=list)
    context_time: TimeMention | None = None  # the last time told earlier in the paragraph
    orgs: list[Mention] = field(default_factory=list)
    blocked: list[tuple[int, int]] = field(default_factory=list)


class SentenceAnalyzer:
    STEPS = ("triggers", "organizations", "times", "units", "posts", "persons", "anaphors_ranks")

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
        context_time: TimeMention | None = None,
    ) -> SentenceEntities:
        """All steps in order, without spaCy (the components call the same steps one by one)."""
        ents = SentenceEntities(text)
        state = StepState(pub, context_year, list(suspect or []), context_time)
        for step in self.STEPS:
            self.run_step(step, ents, state)
        return ents

    def run_step(self, step: str, ents: SentenceEntities, state: StepState) -> None:
        getattr(self, f"step_{step}")(ents.text, ents, state)
        if step == self.STEPS[-1]:
            ents.sort()

    # -- the steps ------------------------------------------------------------------------------

    def step_triggers(self, text: str, ents: SentenceEntities, state: StepState) -> None:
        for hit in self.lx.trigger_index.hits(text):
            if hit.value is None:
                continue  # a not-trigger phrase (任期届满之日止)
            ents.add(Mention(hit.start, hit.end, hit.surface, "TRIGGER", "triggers.lexicon.v1", hit.value))

    def step_organizations(self, text: str, ents: SentenceEntities, state: StepState) -> None:
        taken = [(m.start, m.end) for m in ents.mentions]
        orgs = [m for m in self.orgs.known(text) if not overlaps((m.start, m.end), state.suspect)]
        # a trigger inside an organization name (退出 in 退出机制) yields to the longer organization
        orgs = [m for m in orgs if not overlaps((m.start, m.end), taken) or (m.end - m.start) > 3]
        shape = self.orgs.by_shape(text, taken + [(m.start, m.end) for m in orgs] + state.suspect)
        state.orgs = self._drop_category_descriptions(text, orgs + shape)
        for mention in state.orgs:
            ents.add(mention)

    def _drop_category_descriptions(self, text: str, orgs: list[Mention]) -> list[Mention]:
        """法国电信业者Orange: an organization followed by a category noun and another name describes it."""
        nouns = self.lx.org_patterns.category_nouns
        starts = {m.start for m in orgs}
        return [m for m in orgs
                if not any(text.startswith(n, m.end) and m.end + len(n) in starts for n in nouns)]

    def step_times(self, text: str, ents: SentenceEntities, state: StepState) -> None:
        for time in self.dates.find(text, state.pub, state.context_year, state.context_time):
            ents.add(Mention(time.start, time.end, time.text, "TIME", "dates.patterns.v1", time))
        state.blocked = [(m.start, m.end) for m in ents.mentions] + state.suspect

    def step_units(self, text: str, ents: SentenceEntities, state: StepState) -> None:
        units = self.orgs.units(text, state.orgs, state.blocked)
        for mention in units:
            ents.add(mention)
        state.blocked += [(m.start, m.end) for m in units]

    def step_posts(self, text: str, ents: SentenceEntities, state: StepState) -> None:
        titles = self.orgs.posts(text, state.blocked)
        for mention in titles:
            ents.add(mention)
        state.blocked += [(m.start, m.end) for m in titles]

    def step_persons(self, text: str, ents: SentenceEntities, state: StepState) -> None:
        people = self.persons.transliterated(text, state.blocked)
        people += [m for m in self.persons.latin_names(text, state.blocked)
                   if not overlaps((m.start, m.end), [(p.start, p.end) for p in people])]
        blocked_people = state.blocked + [(m.start, m.end) for m in people]
        soft = [(m.start, m.end) for m in ents.mentions if m.label in ("TRIGGER", "TIME")]
        hard = [span for span in blocked_people if span not in soft]
        people += self.persons.chinese_names(text, hard, state.suspect, soft)
        for mention in people:
            ents.add(mention)
        state.blocked += [(m.start, m.end) for m in people]

    def step_anaphors_ranks(self, text: str, ents: SentenceEntities, state: StepState) -> None:
        for hit in self.lx.anaphor_index.hits(text):
            if not overlaps((hit.start, hit.end), state.blocked):
                ents.add(Mention(hit.start, hit.end, hit.surface, "ANAPHOR", "persons.anaphor.v1"))
        for mention in self.orgs.ranks(text):
            ents.add(mention)

    def short_form_ok(self, text: str, start: int, end: int, blocked: list[tuple[int, int]]) -> bool:
        """A one-character surname stands for a person only between clear edges (薄已经离职)."""
        before_ok = start == 0 or text[start - 1] in "，,。；;：:、（(“\" " or any(e == start for _, e in blocked)
        after_ok = end < len(text) and text[end] in self.lx.name_end_cues
        return before_ok and after_ok
