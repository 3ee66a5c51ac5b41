"""The article pass: pick the paragraphs where a departure is possible, learn the article's names,
then build candidates from every departure word and former affiliation.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..dates import DateFinder, PubDate
from ..entities.analyzer import SentenceAnalyzer
from ..entities.mentions import Mention
from ..entities.persons import NameRegistry
from ..lexicon import Lexicon, PhraseIndex
from ..segment import Segmenter
from ..sentences import Sentence, split_sentences
from .arguments import ArgumentFiller
from .candidate import Candidate
from .frames import AnalyzedSentence, FrameBuilder, clause_bounds, org_entry


@dataclass
class EngineTimings:
    entities: float = 0.0
    events: float = 0.0


class EventEngine:
    def __init__(self, lexicon: Lexicon, segmenter: Segmenter) -> None:
        self.lx = lexicon
        self.analyzer = SentenceAnalyzer(lexicon, DateFinder(lexicon.dates), segmenter)
        self.frames = FrameBuilder(lexicon)
        self.args = ArgumentFiller(lexicon, self.frames)
        self.interest = PhraseIndex(
            {**{t.word: "trigger" for t in lexicon.triggers.triggers},
             **{w: "join" for w in lexicon.triggers.join_words}}
        )

    # -- stage 1: where to look, and entities there -------------------------------------------

    def windows(self, sentences: list[Sentence]) -> list[Sentence]:
        """Sentences of every paragraph that holds a departure word or a move."""
        paragraphs = {s.paragraph for s in sentences if self.interest.contains_any(s.text)}
        return [s for s in sentences if s.paragraph in paragraphs]

    def analyze(self, text: str, pub: PubDate | None, suspect: list[tuple[int, int]]) -> list[AnalyzedSentence]:
        sentences = self.windows(split_sentences(text))
        analyzed = []
        anchor: int | None = None
        paragraph = -1
        for sentence in sentences:
            if sentence.paragraph != paragraph:
                paragraph, anchor = sentence.paragraph, None
            local_suspect = [(s - sentence.start, e - sentence.start) for s, e in suspect
                             if s < sentence.end and e > sentence.start]
            ents = self.analyzer.analyze(sentence.text, pub, anchor, local_suspect)
            for time in ents.of("TIME"):
                if time.value.explicit_year:  # type: ignore[union-attr]
                    anchor = time.value.year  # type: ignore[union-attr]
            analyzed.append(AnalyzedSentence(sentence, ents, []))
        registry = self._registry(analyzed)
        index = PhraseIndex({surface: full for surface, full in registry.surface_to_full.items() if full})
        for item in analyzed:
            self.analyzer_add_known(item, index, registry)
        return analyzed

    def _registry(self, analyzed: list[AnalyzedSentence]) -> NameRegistry:
        registry = NameRegistry()
        finder = self.analyzer.persons
        for item in analyzed:
            for person in item.ents.of("PERSON"):
                registry.add_full(person.text)
                for alias, _ in finder.aliases_after(item.ents.text, finder.strip_honorific(item.ents.text, person.end)):
                    registry.add_alias(person.text, alias)
        for full in list(registry.full_names):
            if registry.surface_to_full.get(full) != full:
                continue
            for short in finder.short_forms(full):
                registry.add_short(full, short)
        return registry

    def analyzer_add_known(self, item: AnalyzedSentence, index: PhraseIndex, registry: NameRegistry) -> None:
        text = item.ents.text
        persons: list[tuple[Mention, str]] = []
        occupied = [(m.start, m.end) for m in item.ents.mentions if m.label != "PERSON"]
        found = {(m.start, m.end): m for m in item.ents.of("PERSON")}
        for hit in index.hits(text):
            if any(s < hit.end and hit.start < e for s, e in occupied):
                continue
            if any(s < hit.end and hit.start < e for s, e in found) and (hit.start, hit.end) not in found:
                # a known longer form beats a finder's guess that overlaps it
                found = {k: v for k, v in found.items() if not (k[0] < hit.end and hit.start < k[1])}
            if len(hit.surface) == 1 and not self.analyzer._short_form_ok(text, hit.start, hit.end, occupied):
                continue
            found[(hit.start, hit.end)] = Mention(hit.start, hit.end, hit.surface, "PERSON", "persons.registry.v1")
        for span in sorted(found):
            mention = found[span]
            full = registry.resolve(mention.text) or mention.text
            persons.append((mention, full))
        item.persons = persons

    # -- stage 2: candidates ---------------------------------------------------------------------

    def candidates(self, analyzed: list[AnalyzedSentence]) -> list[Candidate]:
        out: list[Candidate] = []
        topic: tuple[str, int] | None = None
        for n, item in enumerate(analyzed):
            paragraph_topic = (topic[0], "") if topic and topic[1] == item.sentence.paragraph else None
            any_topic = (topic[0], "") if topic else None
            following = [a for a in analyzed[n + 1:n + 2] if a.sentence.paragraph == item.sentence.paragraph]
            for trigger in item.ents.of("TRIGGER"):
                if self.frames.is_suppressed(item, trigger):
                    continue
                subjects, rule = self.frames.subjects(item, trigger, paragraph_topic or any_topic)
                if rule == "subject.paragraph_topic.v1" and paragraph_topic is None:
                    continue
                out.extend(self._explicit(item, following, trigger, subjects, rule))
            out.extend(self._implied(item, following, paragraph_topic))
            if item.persons:
                topic = (item.persons[-1][1], item.sentence.paragraph)
        return out

    def _explicit(self, item, following, trigger, subjects, rule) -> list[Candidate]:  # type: ignore[no-untyped-def]
        found = []
        times = [t for t in item.ents.of("TIME") if t.end <= trigger.start and t.value.value]
        spread = len(subjects) > 1 and len(times) == len(subjects)
        for k, (mention, full) in enumerate(subjects):
            cand = Candidate(person=full, sentence=item.sentence, kind="explicit", confidence=0.85)
            cand.note("person", full, mention.source if mention else rule)
            cand.note("trigger", trigger.text, f"{rule}|{trigger.source}")
            org, org_rule = self.frames.org_candidates(item, trigger, mention)
            cand.org = org_entry(org)
            if org is not None:
                cand.note("from.organization", cand.org.canonical, org_rule)  # type: ignore[union-attr]
            self.args.post_and_unit(cand, item, mention, org)
            if trigger.value.kind == "leave_post":
                self.args.post_after_trigger(cand, item, trigger)
            if spread:
                cand.time = times[k].value
                cand.note("date", cand.time.value, "date.distributed_in_order.v1")
            else:
                cand.time, date_rule = self.args.time(item, trigger, mention)
                if cand.time is not None:
                    cand.note("date", cand.time.value, date_rule)
            if trigger.value.destination:
                cand.to_kind = trigger.value.destination
                cand.note("to.kind", cand.to_kind, "destination.trigger.v1")
            self.args.destination(cand, [item, *following], trigger.end, cand.org)
            cand.reason = self.args.reason(item, trigger)
            cand.certainty, cue = self.args.certainty(item, trigger)
            if cue:
                cand.note("certainty", cand.certainty, f"certainty.cue.v1:{cue}")
            if mention is None:
                cand.confidence = 0.6
            if cand.org is None:
                cand.confidence -= 0.2
            found.append(cand)
        return found

    def _implied(self, item: AnalyzedSentence, following: list[AnalyzedSentence], topic) -> list[Candidate]:  # type: ignore[no-untyped-def]
        """原/前/曾是 + organization with a new post in the same sentence; 加入X之前 + the post held."""
        text = item.ents.text
        if not self.lx.join_word_index.contains_any(text):
            return []
        found = []
        claimed: set[str] = set()
        for mention, full in item.persons:
            d_start, d_end = self.frames.descriptor(item, mention)
            formers = self.frames.former_orgs(item, (d_start, d_end))
            rule = "implied.former_descriptor.v1"
            if not formers:
                # X，曾是阿里巴巴的视觉搜索总监 / X是前OpenAI…副总裁
                _, c_end = clause_bounds(text, mention.end)
                next_start = min([p.start for p, _ in item.persons if p.start > mention.end] + [len(text)])
                formers = self.frames.former_orgs(item, (mention.end, min(next_start, len(text))))
                rule = "implied.former_after_name.v1"
            if not formers or full in claimed:
                continue
            org = formers[0]
            dest = self.frames.destination_orgs(item)
            if org.start in dest:
                continue
            cand = Candidate(person=full, sentence=item.sentence, kind="implied", confidence=0.7)
            cand.org = org_entry(org)
            cand.note("person", full, mention.source)
            cand.note("from.organization", cand.org.canonical, rule)  # type: ignore[union-attr]
            titles = [t for t in item.ents.of("TITLE") if t.start >= org.end and t.start - org.end <= 12]
            if titles:
                cand.position = titles[0].text
                cand.note("from.position", cand.position, titles[0].source)
            units = [u for u in item.ents.of("UNIT") if u.start >= org.start and u.start - org.end <= 2]
            if units:
                cand.unit = units[0].text
                cand.note("from.unit", cand.unit, units[0].source)
            elif cand.org.unit:  # type: ignore[union-attr]
                cand.unit = cand.org.unit  # type: ignore[union-attr]
            self.args.destination(cand, [item, *following], 0, cand.org)
            if cand.to_org is None and cand.to_kind is None:
                continue  # a former post with nothing new: a biography line, not a move
            claimed.add(full)
            found.append(cand)
        return found
