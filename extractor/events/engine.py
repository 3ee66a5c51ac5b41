"""The article pass: pick the paragraphs where a departure is possible, learn the article's names,
then build candidates from every departure word and former affiliation.
"""
from __future__ import annotations

import re
import time
from dataclasses import dataclass, replace
from typing import Callable

from extractor.entities.dates import DateFinder, PubDate
from ..entities.analyzer import SentenceAnalyzer, StepState
from ..entities.spacy_pipeline import MENTIONS, STATE, make_entity_nlp, tokens
from ..entities.mentions import Mention
from ..entities.model_merge import MODEL_SOURCE
from ..entities.persons import NameRegistry
from extractor.rulebook.lexicon import Lexicon, OrgEntry, PhraseIndex
from extractor.entities.segment import Segmenter
from extractor.entities.sentences import Sentence, split_sentences
from .arguments import ArgumentFiller
from .candidate import Candidate
from .frames import AnalyzedSentence, FrameBuilder, clause_bounds, org_entry


# An organization named this many times more than any other is what the whole article is about: it
# lends itself to departures told without one anywhere (a list of who left it); below that, only in
# paragraphs that name it.
STRONGLY_DOMINANT = 3.0
# what ends the name of a company inside a group (自动驾驶公司, 云计算子公司): a unit of the group
SUBSIDIARY_WORDS = ("公司", "子公司", "分公司")
_BRAND_BEFORE_BRACKET = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]{2,8}$")
_BRACKETED = re.compile(r"^\s*[（(][^（()）]*[）)]")
_BRACKET_GAP = re.compile(r"\s*(?:先生|女士|博士|教授)?\s*[（(][^（()）]{0,12}$")


@dataclass
class ReadingPlan:
    """An article's sentences, the window sentences read for entities, and which of those the
    statistical model reads (`holding`, one flag per window sentence)."""

    all_sentences: list[Sentence]
    sentences: list[Sentence]
    holding: list[bool]  # per window sentence: does the model read it
    departure: list[bool]  # per window sentence: can it hold a departure itself

    @property
    def to_tag(self) -> list[str]:
        return [s.text for s, hold in zip(self.sentences, self.holding) if hold]


class EventEngine:
    def __init__(self, lexicon: Lexicon, segmenter: Segmenter, ner_model: str | None = None,
                 tagger=None) -> None:  # type: ignore[no-untyped-def]
        self.lx = lexicon
        self.analyzer = SentenceAnalyzer(lexicon, DateFinder(lexicon.dates), segmenter, tagger)
        self.nlp = make_entity_nlp(self.analyzer, segmenter, ner_model)
        self.segment_seconds = 0.0  # making the spaCy tokens (jieba's or the model's), reported as its own stage
        self.frames = FrameBuilder(lexicon)
        self.args = ArgumentFiller(lexicon, self.frames)
        self.issuer_patterns = [re.compile(p) for p in lexicon.org_patterns.issuer_patterns]
        self.departure_words = PhraseIndex(
            {**{t.word: "trigger" for t in lexicon.triggers.triggers},
             **{w: "former" for w in lexicon.triggers.former_window_markers}}
        )

    # -- stage 1: where to look, and entities there -------------------------------------------

    def can_hold_departure(self, text: str) -> bool:
        """A departure word, or a move (加入, 出任 …) told of someone with a post or a former affiliation.

        A bare move word is common in ordinary news (成立, 进入, 担任); alone it does not open a window.
        """
        if self.departure_words.contains_any(text):
            return True
        if not self.lx.join_word_index.contains_any(text):
            return False
        return any(m in text for m in ("原", "前", "从")) or self.lx.title_index.contains_any(text)

    def plan(self, text: str) -> ReadingPlan:
        """Which sentences of an article are read, and which of them the statistical model reads."""
        return self.plan_sentences(split_sentences(text))

    def plan_sentences(self, all_sentences: list[Sentence]) -> ReadingPlan:
        """The window: every paragraph that holds a departure word or a move."""
        can_hold = [self.can_hold_departure(s.text) for s in all_sentences]
        paragraphs = {s.paragraph for s, hold in zip(all_sentences, can_hold) if hold}
        kept = [i for i, s in enumerate(all_sentences) if s.paragraph in paragraphs]
        # the model reads the sentences that can hold a departure; their neighbours, which only lend
        # names and dates, are read by the rules alone (and those that name a group, 女子组合少女时代…,
        # whose name only the model's words give, are read by the model too)
        groups = tuple(self.analyzer.group_nouns)
        sentences = [all_sentences[i] for i in kept]
        departure = [can_hold[i] for i in kept]
        holding = [hold or any(g in s.text for g in groups) for s, hold in zip(sentences, departure)]
        return ReadingPlan(all_sentences, sentences, holding, departure)

    def analyze(
        self, text: str, pub: PubDate | None, suspect: list[tuple[int, int]],
        plan: ReadingPlan | None = None, words: list | None = None,
    ) -> tuple[list[AnalyzedSentence], NameRegistry]:
        """Entities of every window sentence, and the names the article introduces.

        `plan` is `self.plan(text)` when the caller made it already; `words` the model's words for
        the plan's `to_tag` sentences when the caller tagged them (several articles in one batch)."""
        plan = plan or self.plan(text)
        all_sentences, sentences, holding = plan.all_sentences, plan.sentences, plan.holding
        if not sentences:
            return [], NameRegistry()  # most of a daily crawl: nothing that can hold a departure
        if words is None:
            words = self.analyzer.tag(plan.to_tag)
        if words is None:
            tagged: list = [None] * len(sentences)
        else:
            found = iter(words)
            tagged = [next(found) if hold else [] for hold in holding]
        analyzed = []
        anchor: int | None = None
        last_time = None
        paragraph = -1
        for sentence, words, departure in zip(sentences, tagged, plan.departure):
            if sentence.paragraph != paragraph:
                paragraph, anchor, last_time = sentence.paragraph, None, None
            local_suspect = [(s - sentence.start, e - sentence.start) for s, e in suspect
                             if s < sentence.end and e > sentence.start]
            state = StepState(pub, anchor, local_suspect, last_time, model_words=words)
            if departure:
                # a sentence that can hold a departure: its tokens and the spaCy components
                started = time.perf_counter()
                doc = tokens(self.nlp, sentence.text, words)
                self.segment_seconds += time.perf_counter() - started
                doc.user_data[STATE] = state
                for _, component in self.nlp.pipeline:
                    doc = component(doc)
                ents = doc.user_data[MENTIONS]
            else:
                # its neighbours only lend names, times and organizations: the same steps, no tokens
                ents = self.analyzer.analyze(sentence.text, pub, anchor, local_suspect, last_time, words)
            for mention in ents.of("TIME"):
                if mention.value.explicit_year:  # type: ignore[union-attr]
                    anchor = mention.value.year  # type: ignore[union-attr]
                if mention.value.value:  # type: ignore[union-attr]
                    last_time = mention.value
            analyzed.append(AnalyzedSentence(sentence, ents, []))
        window_paragraphs = {a.sentence.paragraph for a in analyzed}
        others = [s for s in all_sentences if s.paragraph not in window_paragraphs]
        self._add_org_short_forms(analyzed, others)
        registry = self._registry(analyzed, others)
        index = PhraseIndex({surface: full for surface, full in registry.surface_to_full.items() if full})
        for item in analyzed:
            self.analyzer_add_known(item, index, registry)
        return analyzed, registry

    def org_short_forms(self, analyzed: list[AnalyzedSentence], others: list[Sentence] = ()) -> dict[str, OrgEntry]:  # type: ignore[assignment]
        """Short names of the unknown organizations the article introduces in full:
        上海澄观智能科技有限公司 → 澄观, so that 离开澄观 names the same organization. Registered names
        are also looked for outside the windows (an article often introduces the company first)."""
        suffixes = sorted({s.suffix for s in self.lx.org_patterns.suffixes}, key=len, reverse=True)
        places = self.lx.org_patterns.place_prefixes
        forms: dict[str, OrgEntry] = {}
        shaped = [(item.ents.text, org) for item in analyzed for org in item.ents.of("ORG")]
        for sentence in others:
            if "有限公司" in sentence.text:
                taken = [(h.start, h.end) for h in self.lx.org_index.hits(sentence.text)]
                shaped += [(sentence.text, org) for org in self.analyzer.orgs.by_shape(sentence.text, taken)]
        for text, org in shaped:
            entry = org.value
            if org.source == "orgs.gazetteer.v1" and entry.canonical.endswith("队") and len(entry.canonical) >= 3:  # type: ignore[union-attr]
                # 萨克拉门托国王队 … 国王解雇了主帅: a club the article names is then called without 队
                short = entry.canonical[:-1]  # type: ignore[union-attr]
                if short not in self.lx.org_by_surface:
                    forms.setdefault(short, entry)  # type: ignore[arg-type]
                continue
            if org.source == "orgs.registered_place.v1":
                # 恒宇银行（香港）有限公司: the name before the place is the same company
                stem = org.text[:min(i for i in (org.text.find("（"), org.text.find("(")) if i >= 0)]
                if stem not in self.lx.org_by_surface:
                    forms.setdefault(stem, org.value)  # type: ignore[arg-type]
                continue
            if org.source != "orgs.suffix_shape.v1":
                continue
            # 澄观智驾（上海澄观智能科技有限公司）: the name before the bracket is the same organization
            if text[org.start - 1:org.start] in "（(" and org.start >= 3:
                brand = _BRAND_BEFORE_BRACKET.search(text, 0, org.start - 1)
                if brand and brand.group(0) not in self.lx.org_by_surface:
                    forms.setdefault(brand.group(0), org.value)  # type: ignore[arg-type]
            core = org.text
            stripped = True
            while stripped:  # 智能科技有限公司 comes off in three suffixes
                stripped = False
                for suffix in suffixes:
                    if core.endswith(suffix) and len(core) - len(suffix) >= 2:
                        core, stripped = core[: -len(suffix)], True
                        break
            core = next((core[len(p):] for p in places if core.startswith(p) and len(core) - len(p) >= 2), core)
            if core.endswith(tuple(self.lx.org_patterns.place_suffixes)):
                continue  # 青溪市政府 → 青溪市: a place, not the body's short name
            if core != org.text and core not in self.lx.org_by_surface and core not in self.lx.not_org_names:
                forms.setdefault(core, org.value)  # type: ignore[arg-type]
        return forms

    def _add_org_short_forms(self, analyzed: list[AnalyzedSentence], others: list[Sentence]) -> None:
        forms = self.org_short_forms(analyzed, others)
        if not forms:
            return
        index = PhraseIndex(dict(forms))
        for item in analyzed:
            # a short form the article introduced in full beats a guess by a frame or the model (离开澄光)
            guessed = [m for m in item.ents.of("ORG") if m.source.startswith(("orgs.frame", MODEL_SOURCE))]
            guessed = [g for g in guessed if any(h.start <= g.start and g.end <= h.end for h in index.hits(item.ents.text))]
            taken = [(m.start, m.end) for m in item.ents.mentions if m.label in ("ORG", "PERSON", "UNIT")
                     and m not in guessed]
            added = False
            for hit in index.hits(item.ents.text):
                if any(s < hit.end and hit.start < e for s, e in taken):
                    continue
                for guess in [g for g in guessed if g.start < hit.end and hit.start < g.end]:
                    item.ents.mentions.remove(guess)
                    guessed.remove(guess)
                for title in [t for t in item.ents.of("TITLE") if t.start <= hit.start < t.end]:
                    # 澄观智驾CTO: the post's modifier was the organization's name
                    item.ents.mentions.remove(title)
                    if hit.end < title.end:
                        item.ents.add(Mention(hit.end, title.end, item.ents.text[hit.end:title.end], "TITLE",
                                              title.source, title.value))
                item.ents.add(Mention(hit.start, hit.end, hit.surface, "ORG", "orgs.short_form.v1", hit.value))
                added = True
            if added:
                item.ents.sort()

    def _registry(self, analyzed: list[AnalyzedSentence], others: list[Sentence] = ()) -> NameRegistry:  # type: ignore[assignment]
        """Names of the article: those found in the windows, plus foreign names introduced elsewhere
        (OpenAI原联创伊利亚·苏茨克维 in one paragraph, 伊利亚离职 in another)."""
        registry = NameRegistry()
        finder = self.analyzer.persons
        marks = self.lx.name_cues.transliteration_marks
        for sentence in others:
            if not any(mark in sentence.text for mark in marks):
                continue
            blocked = [(h.start, h.end) for h in self.lx.title_index.hits(sentence.text)]
            blocked += [(h.start, h.end) for h in self.lx.org_index.hits(sentence.text)]
            for person in finder.transliterated(sentence.text, blocked):
                registry.add_full(person.text)
                for alias, _ in finder.aliases_after(sentence.text, person.end):
                    registry.add_alias(person.text, alias)
        # foreign names first, with their short forms, so that 艾夫 (强尼·艾夫) is not taken for a name of
        # its own; then Chinese names; then the model's, which are often a short form or an alias the
        # rules learn from the full introduction (基辛格, 肖博)
        people = [(item, person) for item in analyzed for person in item.ents.of("PERSON")]
        def finder_pass(person: Mention) -> int:
            if person.source.startswith(MODEL_SOURCE):
                return 2
            return 1 if person.source.startswith("persons.surname_context.v1") else 0

        for current in (0, 1, 2):
            for item, person in people:
                if finder_pass(person) != current:
                    continue
                aliases = finder.aliases_after(item.ents.text, finder.strip_honorific(item.ents.text, person.end))
                known = registry.surface_to_full.get(person.text)
                if current and known is not None or \
                        current == 2 and any(person.text in full for full in registry.full_names):
                    for alias, _ in aliases:  # 周畅，花名钟煌 told after 周畅 was first named
                        if known is not None and alias not in registry.surface_to_full:
                            registry.add_alias(known, alias)
                    continue
                registry.add_full(person.text)
                for alias, _ in aliases:
                    registry.add_alias(person.text, alias)
            for full in list(registry.full_names):
                if registry.surface_to_full.get(full) != full:
                    continue
                for short in finder.short_forms(full):
                    registry.add_short(full, short)
        return registry

    def analyzer_add_known(self, item: AnalyzedSentence, index: PhraseIndex, registry: NameRegistry) -> None:
        text = item.ents.text
        # the model reads a name as an organization at times (延揽关润担任…): a name the article
        # introduces as a person is one
        misread = [m for m in item.ents.of("ORG") if m.source.startswith(MODEL_SOURCE)
                   and m.text in registry.surface_to_full]
        for mention in misread:
            item.ents.mentions.remove(mention)
            item.ents.reject([(mention, "dropped: the article introduces this name as a person")])
        persons: list[tuple[Mention, str]] = []
        occupied = [(m.start, m.end) for m in item.ents.mentions if m.label != "PERSON"]
        found = {(m.start, m.end): m for m in item.ents.of("PERSON")}
        for hit in index.hits(text):
            if any(s < hit.end and hit.start < e for s, e in occupied):
                continue
            overlapping = [k for k in found if k[0] < hit.end and hit.start < k[1]]
            if overlapping and (hit.start, hit.end) not in found:
                if any(e - s > hit.end - hit.start for s, e in overlapping):
                    continue  # the finder read a longer name here (司睿博, not the short form 司睿)
                # a known longer form beats a finder's guess that overlaps it
                found = {k: v for k, v in found.items() if k not in overlapping}
            if len(hit.surface) == 1 and not self.analyzer.short_form_ok(text, hit.start, hit.end, occupied):
                continue
            if (hit.start, hit.end) in found:
                continue  # keep the finder that first found it as its source
            found[(hit.start, hit.end)] = Mention(hit.start, hit.end, hit.surface, "PERSON", "persons.registry.v1")
        for span in sorted(found):
            mention = found[span]
            full = registry.resolve(mention.text) or mention.text
            if persons and persons[-1][1] == full and _BRACKET_GAP.match(text, persons[-1][0].end, mention.start):
                continue  # 德鲁·巴格利诺（Drew Baglino）: the bracketed alias is the same mention
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
            denied_next = self._denied_next(item, following)
            next_text = following[0].ents.text if following else ""
            for trigger in item.ents.of("TRIGGER"):
                if self.frames.is_suppressed(item, trigger, next_text):
                    continue
                subjects, rule = self.frames.subjects(item, trigger, paragraph_topic or any_topic)
                if rule == "subject.paragraph_topic.v1" and paragraph_topic is None:
                    continue
                subjects = [s for s in subjects if s[1] not in denied_next]
                out.extend(self._explicit(item, following, trigger, subjects, rule, self._context_time(analyzed, n)))
            for cand in self._implied(item, following, paragraph_topic):
                if cand.time is None and self._context_time(analyzed, n) is not None and \
                        not self._vague(item.ents.text):
                    cand.time = self._borrowed(self._context_time(analyzed, n), item.ents.text)
                    if cand.time is not None:
                        cand.note("date", cand.time.value, "date.paragraph_context.v1")
                out.append(cand)
            if item.persons:
                topic = (self.frames.main_person(item), item.sentence.paragraph)
        self._date_by_receipt(analyzed, out)
        return out

    def _denied_next(self, item: AnalyzedSentence, following: list[AnalyzedSentence]) -> set[str]:
        """有传言称X已经辞职。…该消息不实，X目前正常履职: people whose reported departure the next
        sentence denies (it names them, or names no one)."""
        if not following or not self.lx.certainty_index.contains_any(item.ents.text):
            return set()  # only a report or a rumour is denied afterwards
        nxt = following[0]
        if not any(h.value in ("denial", "negation") for h in self.lx.suppressor_index.hits(nxt.ents.text)):
            return set()
        named = {full for _, full in nxt.persons}
        mine = {full for _, full in item.persons}
        return mine & named if named else mine

    def _date_by_receipt(self, analyzed: list[AnalyzedSentence], candidates: list[Candidate]) -> None:
        """董事会于2017年8月14日收到A、B提交的书面辞职报告: the receipt dates A's and B's departures
        where the notice tells them without a date."""
        for item in analyzed:
            text = item.ents.text
            verb = next((text.find(v) for v in self.lx.triggers.receipt_verbs if v in text), -1)
            if verb < 0 or not item.ents.of("TRIGGER"):
                continue
            times = [t for t in item.ents.of("TIME") if t.end <= verb and t.value.value]  # type: ignore[union-attr]
            named = {full for mention, full in item.persons if mention.start > verb}
            if not times or not named:
                continue
            for cand in candidates:
                borrowed = any(f == "date" and r == "date.paragraph_context.v1" for f, _, r in cand.provenance)
                if (cand.time is None or borrowed) and cand.person in named:
                    cand.time = times[-1].value  # type: ignore[assignment]
                    cand.note("date", cand.time.value, "date.notice_receipt.v1")  # type: ignore[union-attr]

    def profiles(self, analyzed: list[AnalyzedSentence]) -> dict[str, list[tuple[str | None, str]]]:
        """Posts each person is described with anywhere in the windows: (organization, post), in order.

        A departure told through a pronoun (他已决定离开特斯拉) takes its post from the introduction.
        """
        out: dict[str, list[tuple[str | None, str]]] = {}
        for item in analyzed:
            for mention, full in item.persons:
                d_start, d_end = self.frames.descriptor(item, mention)
                titles = [t for t in item.ents.of("TITLE") if d_start <= t.start and t.end <= d_end]
                if not titles or mention.start - titles[-1].end > 1:
                    continue  # only a post written right before the name describes it
                orgs = [o for o in item.ents.of("ORG") if d_start <= o.start and o.end <= titles[-1].start]
                org = orgs[-1].value.canonical if orgs else None  # type: ignore[union-attr]
                out.setdefault(full, []).append((org, titles[-1].text))
            for mention, full in item.persons:
                # 欧阳伯权自2019年7月出任港铁主席: the post taken then is the post left later
                _, c_end = clause_bounds(item.ents.text, mention.end)
                for hit in self.lx.join_index.hits(item.ents.text[mention.end:c_end]):
                    start = mention.end + hit.end
                    org = next((o for o in item.ents.of("ORG") if 0 <= o.start - start <= 1), None)
                    after = org.end if org else start
                    title = next((t for t in item.ents.of("TITLE") if 0 <= t.start - after <= 1), None)
                    if title is not None:
                        out.setdefault(full, []).append((org.value.canonical if org else None, title.text))  # type: ignore[union-attr]
                    break
        return out

    def join_statements(self, analyzed: list[AnalyzedSentence]) -> dict[str, list[tuple]]:
        """Where each person went, wherever the article says it: (paragraph, offset, organization, post,
        kind, time).

        清华大学智能产业研究院宣布陈亦伦加盟 / 2021年初，他加入Tenstorrent: a departure told in one
        sentence takes its destination from the next statement that the same person joined somewhere.
        """
        out: dict[str, list[tuple]] = {}
        last_named: str | None = None  # who 他/她 stands for: the last person named before
        for item in analyzed:
            text = item.ents.text
            orgs = item.ents.of("ORG")
            for hit in self.lx.join_index.hits(text):
                if any(neg in text[max(0, hit.start - 3):hit.start] for neg in ("不", "未", "没")):
                    continue  # 据称不会加入菜鸟集团
                subject = [(m, f) for m, f in item.persons if m.end <= hit.start]
                _, c_end = clause_bounds(text, hit.start)
                target = next((o for o in orgs if o.end <= c_end and o.start >= hit.end and (
                    o.start - hit.end <= 6 or self.args.described_target(text, hit.end, o.start))), None)
                if target is None and subject:
                    # ORG宣布NAME加盟: the organization announcing the arrival
                    target = next((o for o in reversed(orgs) if o.end <= subject[-1][0].start
                                   and _BRACKETED.sub("", text[o.end:subject[-1][0].start]).startswith(("宣布", "官宣"))),
                                  None)
                if target is None:
                    continue
                full = subject[-1][1] if subject else None
                if full is None and last_named is not None and any(
                        a.end <= hit.start for a in item.ents.of("ANAPHOR") if a.text in ("他", "她")):
                    full = last_named  # 2021年初，他加入Tenstorrent
                if full is None:
                    continue
                entry: OrgEntry = target.value  # type: ignore[assignment]
                title = next((t for t in item.ents.of("TITLE") if 0 <= t.start - target.end <= 2), None)
                kind = "startup" if hit.value == "startup" else self.lx.dest_kind_of_org(entry.kind)
                times = [t.value for t in item.ents.of("TIME") if t.end <= hit.start and t.value.value]  # type: ignore[union-attr]
                out.setdefault(full, []).append(
                    (item.sentence.paragraph, item.sentence.start, entry.canonical, title.text if title else None, kind,
                     times[-1] if times else None))
            for full, entry, title in self._recruited(item):
                times = [t.value for t in item.ents.of("TIME") if t.value.value]  # type: ignore[union-attr]
                out.setdefault(full, []).append(
                    (item.sentence.paragraph, item.sentence.start, entry.canonical, title,
                     self.lx.dest_kind_of_org(entry.kind), times[0] if times else None))
            if item.persons:
                last_named = self.frames.main_person(item)
        return out

    def _recruited(self, item: AnalyzedSentence) -> list[tuple[str, OrgEntry, str | None]]:
        """翠丰集团…发布公告，任命唐嘉年为集团新任首席执行官: the organization that recruits, names
        or hires a person is where that person goes."""
        text = item.ents.text
        orgs = item.ents.of("ORG")
        found = []
        for hit in self.lx.join_word_index.hits(text):
            if hit.surface not in self.frames.recruit:
                continue
            person = next(((m, f) for m, f in item.persons if 0 <= m.start - hit.end <= 1), None)
            if person is None:
                continue
            before = [o for o in orgs if o.end <= hit.start]
            recruiter = next((o for o in reversed(before) if hit.start - o.end <= 6), None)
            if recruiter is None and before and not any(m.start < before[0].start for m, _ in item.persons):
                recruiter = before[0]  # the sentence's subject
            if recruiter is None:
                continue
            title = next((t.text for t in item.ents.of("TITLE") if 0 <= t.start - person[0].end <= 12), None)
            found.append((person[1], recruiter.value, title))  # type: ignore[arg-type]
        # 萨克拉门托国王队已与沃顿达成协议: an organization that signs a person is where the person goes
        for mention, full in item.persons:
            head = text[max(0, mention.start - 4):mention.start]
            signing = tuple(self.lx.destinations.signing_words)
            if not head.endswith(("与", "和")) or not text.startswith(signing, mention.end):
                continue
            signer = next((o for o in reversed(orgs) if 0 <= mention.start - o.end <= 5), None)
            if signer is not None:
                found.append((full, signer.value, None))  # type: ignore[arg-type]
        return found

    def unit_profiles(self, analyzed: list[AnalyzedSentence]) -> dict[str, list[tuple[str, str]]]:
        """Units each person is placed in anywhere in the windows: (organization, unit).

        梅晓在字节的AI-lab智能语音部门…; 陈亦伦曾担任华为公司智能汽车解决方案事业部自动驾驶系统CTO.
        """
        out: dict[str, list[tuple[str, str]]] = {}
        groups = {o.text for item in analyzed for o in item.ents.of("ORG")
                  if o.source.startswith("orgs.after_group_noun") and o.value.kind == "media"}  # type: ignore[union-attr]
        for item in analyzed:
            text = item.ents.text
            units = item.ents.of("UNIT")
            for mention, full in item.persons:
                _, c_end = clause_bounds(text, mention.end)
                for org in item.ents.of("ORG"):
                    if not (mention.end <= org.start < c_end and org.start - mention.end <= 8):
                        continue
                    if not text[mention.end:org.start].endswith(("在", "担任", "任", "于")):
                        continue
                    unit = next((u for u in units if 0 <= u.start - org.end <= 1), None)
                    if unit is not None:
                        out.setdefault(full, []).append((org.value.canonical, unit.text))  # type: ignore[union-attr]
                    break
            # 女子组合少女时代…成员秀英、蒂芙尼: a member of the one group the article names is in it
            for mention, full in item.persons:
                if groups and len(groups) == 1 and \
                        text[max(0, mention.start - 4):mention.start].endswith(tuple(self.lx.group_roles)):
                    out.setdefault(full, []).append((None, next(iter(groups))))  # type: ignore[arg-type]
            # 他从顺为资本…转到滴滴，出任刚刚独立运营的自动驾驶公司COO: a post at a subsidiary of the
            # organization the person joined names the unit
            joined = [o for o in item.ents.of("ORG")
                      if any(0 <= o.start - h.end <= 2 for h in self.lx.join_index.hits(text))]
            owner = self.frames.main_person(item) if item.persons else None
            for title in item.ents.of("TITLE"):
                head = title.value if isinstance(title.value, str) else ""
                part = title.text[:len(title.text) - len(head)] if head and title.text.endswith(head) else ""
                org = next((o for o in reversed(joined) if o.end <= title.start), None)
                if owner and org is not None and len(part) > 2 and part.endswith(SUBSIDIARY_WORDS):
                    out.setdefault(owner, []).append((org.value.canonical, part))  # type: ignore[union-attr]
            # 特斯拉解雇了主管X，她所在的超级充电团队…: the unit the person (or 她/他 for them) is in
            for unit in units:
                if not text[max(0, unit.start - 3):unit.start].endswith(("所在的", "所在")):
                    continue
                owner = text[:unit.start].rstrip("的").removesuffix("所在")
                named = [(m, f) for m, f in item.persons if m.end <= len(owner)]
                if not named or not (owner.endswith(named[-1][0].text) or owner.endswith(("他", "她"))):
                    continue
                org = next((o for o in reversed(item.ents.of("ORG")) if o.end <= named[-1][0].start), None)
                if org is not None:
                    out.setdefault(named[-1][1], []).append((org.value.canonical, unit.text))  # type: ignore[union-attr]
        return out

    def dominant_org(self, text: str, title: str = "",
                     analyzed: list[AnalyzedSentence] = ()) -> OrgEntry | None:  # type: ignore[assignment]
        """An announcement says 本公司 and a roundup says 公司: the organization the article is about.

        Counted over the gazetteer's hits in the headline (twice) and the text, and over every
        organization the entity stage found in the windows (names the gazetteer does not know)."""
        counts: dict[str, int] = {}
        entries: dict[str, OrgEntry] = {}

        def count(entry: OrgEntry, weight: int) -> None:
            counts[entry.canonical] = counts.get(entry.canonical, 0) + weight
            entries.setdefault(entry.canonical, entry)

        for weight, part in ((2, title), (1, text)):  # the headline names what the article is about
            for hit in self.lx.org_index.hits(part):
                count(hit.value, weight)  # type: ignore[arg-type]
        known = set(counts)
        for item in analyzed:
            for org in item.ents.of("ORG"):
                entry: OrgEntry = org.value  # type: ignore[assignment]
                if entry.canonical not in known:
                    count(entry, 1)
        for name in [n for n in counts if n not in known and n in title]:
            counts[name] += 2
        ranked = sorted(counts.items(), key=lambda kv: -kv[1])
        if not ranked or ranked[0][1] < 3 or (len(ranked) > 1 and ranked[1][1] * 2 > ranked[0][1]):
            return self._issuer(title + "\n" + text[:300])
        self._dominance = ranked[0][1] / max(1, ranked[1][1] if len(ranked) > 1 else 0)
        return entries[ranked[0][0]]

    def fallback_org(self, analyzed: list[AnalyzedSentence], text: str, title: Callable[[], str]):  # type: ignore[no-untyped-def]
        """For a departure told with no organization: an announcement's issuer, or the organization the
        article is about where the candidate's paragraph names it (a roundup about many companies
        does not lend its headline's company to everyone in it)."""
        cache: dict[str, OrgEntry | None] = {}

        def about() -> OrgEntry | None:
            if "about" not in cache:
                cache["issuer"] = self._issuer(title() + "\n" + text[:300])
                self._dominance = 0.0
                cache["about"] = self.dominant_org(text, title(), analyzed)
            return cache["about"]

        def for_candidate(cand: Candidate) -> tuple[OrgEntry, str] | None:
            entry = about()
            if cache["issuer"] is not None:
                return cache["issuer"], "org.article_issuer.v1"  # an announcement speaks for its issuer
            if entry is None:
                return None
            if self._dominance >= STRONGLY_DOMINANT:
                return entry, "org.article_dominant.v1"  # an article about one organization
            paragraph = [a for a in analyzed if a.sentence.paragraph == cand.sentence.paragraph]
            named = any(org.value.canonical == entry.canonical  # type: ignore[union-attr]
                        for item in paragraph for org in item.ents.of("ORG"))
            if named or any(h.value.canonical == entry.canonical  # type: ignore[union-attr]
                            for h in self.lx.org_index.hits(cand.sentence.text)):
                return entry, "org.article_dominant.v1"
            return None

        def with_announcer(cand: Candidate) -> tuple[OrgEntry, str] | None:
            return for_candidate(cand) or self._paragraph_announcer(analyzed, cand) \
                or self._paragraph_referent(analyzed, cand)

        return with_announcer

    def _paragraph_announcer(self, analyzed: list[AnalyzedSentence], cand: Candidate) -> tuple[OrgEntry, str] | None:
        """海澄银行召开董事会。次日，行长X辞去行长职务。: an organization that opens a sentence of the
        paragraph, up to the candidate's, as the subject of an announcement or a meeting, is the one
        a departure told there without an organization is from."""
        verbs = tuple(self.lx.org_patterns.statement_verbs)
        for item in analyzed:
            if item.sentence.paragraph != cand.sentence.paragraph or item.sentence.start > cand.sentence.start:
                continue
            text = item.ents.text
            mentions = sorted(item.ents.mentions, key=lambda m: m.start)
            # what opens the sentence, after a time that may open it (6月2日，海澄银行召开…)
            skip = 1 if mentions and mentions[0].label == "TIME" and not text[:mentions[0].start].strip() else 0
            lead_end = mentions[0].end if skip else 0
            first = mentions[skip] if len(mentions) > skip else None
            if first is None or first.label != "ORG" or text[lead_end:first.start].strip(" ，,\u3000"):
                continue
            after = text[first.end:]
            told = next((t for t in item.ents.of("TIME") if t.start == first.end), None)
            if told is not None:  # 星穹娱乐6月3日发布声明
                after = text[told.end:]
            if after.lstrip().startswith(verbs):
                return first.value, "org.paragraph_announcer.v1"  # type: ignore[return-value]
        return None

    def _paragraph_referent(self, analyzed: list[AnalyzedSentence], cand: Candidate) -> tuple[OrgEntry, str] | None:
        """公司6月2日公告称，董事长X…辞职 / 该行董事会收到…: a sentence that refers to an organization
        by a word for it (公司, 该行, 该校) means the one organization its paragraph has named so far."""
        text = cand.sentence.text
        refs = [text.find(word) for word in self.lx.org_patterns.org_references if word in text]
        if not refs:
            return None
        first_ref = min(refs)
        named: dict[str, OrgEntry] = {}
        for item in analyzed:
            if item.sentence.paragraph != cand.sentence.paragraph or item.sentence.start > cand.sentence.start:
                continue
            own = item.sentence.start == cand.sentence.start
            for org in item.ents.of("ORG"):
                if own and org.end > first_ref:
                    continue  # named after the reference (返回天穹排球俱乐部): not what it refers back to
                named.setdefault(org.value.canonical, org.value)  # type: ignore[union-attr]
        if len(named) != 1:
            return None
        return next(iter(named.values())), "org.paragraph_referent.v1"

    def _issuer(self, head: str) -> OrgEntry | None:
        """证券简称：某某股份 / 某某股份有限公司关于…的公告: the company an announcement speaks for."""
        for pattern in self.issuer_patterns:
            match = pattern.search(head)
            if match:
                name = match.group("name")
                known = self.lx.org_by_surface.get(name)
                return known or OrgEntry(name, "company")
        return None

    def _context_time(self, analyzed: list[AnalyzedSentence], n: int):  # type: ignore[no-untyped-def]
        """The last time told in the two sentences before, in the same paragraph (今年也不例外。如…离职)."""
        paragraph = analyzed[n].sentence.paragraph
        for item in reversed(analyzed[max(0, n - 3):n]):
            if item.sentence.paragraph != paragraph:
                break
            text = item.ents.text
            joins = [h.start for h in self.lx.join_index.hits(text)]
            times = [t for t in item.ents.of("TIME") if t.value.value  # type: ignore[union-attr]
                     and not any(t.end <= j <= t.end + 4 for j in joins) and not self.args.is_future(text, t)]
            if times:
                return times[-1].value
        return None

    def _vague(self, text: str) -> bool:
        """近几年相继离开: the sentence tells its own vague time, so it borrows no date."""
        return any(word in text for word in self.lx.dates.vague_words)

    def _borrowed(self, time, text: str):  # type: ignore[no-untyped-def]
        """A date borrowed from an earlier sentence keeps its day only when the text says 同日."""
        if time.precision != "day" or any(w in text for w in self.lx.dates.same_day_words):
            return time
        return replace(time, value=time.value[:7], precision="month")

    def _explicit(self, item, following, trigger, subjects, rule, context_time=None) -> list[Candidate]:  # type: ignore[no-untyped-def]
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
            if org is not None and org_rule in ("org.trigger_object.v1", "org.from_cong.v1", "org.after_object.v1",
                                                "org.held_before_leaving.v1"):
                self.args.post_after_org(cand, item, org)
            if mention is None and cand.position is None:
                self.args.post_in_clause(cand, item, trigger, with_unit=rule == "subject.paragraph_topic.v1")
            if trigger.value.kind == "leave_post":
                self.args.post_after_trigger(cand, item, trigger)
            if cand.position is None and k > 0 and found and found[-1].position:
                # 联合创始人黄江吉与周光平: the post covers the list, from the nearest name that has one
                # (前董事长A、副总经理B以及基金经理C、D: D is a 基金经理)
                cand.position = found[-1].position
                cand.note("from.position", cand.position, "position.shared_by_list.v1")
            if spread:
                cand.time = times[k].value
                cand.note("date", cand.time.value, "date.distributed_in_order.v1")
            else:
                cand.time, date_rule = self.args.time(item, trigger, mention)
                if cand.time is not None:
                    cand.note("date", cand.time.value, date_rule)
            if cand.time is None:
                # 他的最后工作日为3月29日: the day it takes effect, told in the next sentence
                told = next((t for f in following for t in f.ents.of("TIME")
                             if t.value.value and self.args.takes_effect(f.ents.text, t)), None)  # type: ignore[union-attr]
                if told is not None:
                    cand.time = told.value  # type: ignore[assignment]
                    cand.note("date", cand.time.value, "date.takes_effect_next.v1")  # type: ignore[union-attr]
            if cand.time is None and context_time is not None and not self._vague(item.ents.text):
                cand.time = self._borrowed(context_time, item.ents.text)
                cand.note("date", cand.time.value, "date.paragraph_context.v1")
            if trigger.value.destination:
                cand.to_kind = trigger.value.destination
                cand.note("to.kind", cand.to_kind, "destination.trigger.v1")
            if trigger.value.object == "destination":
                self.args.object_destination(cand, item, trigger)
            if cand.to_org is None:
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
            if any(rule == "org.trigger_object.v1" for f, _, rule in cand.provenance if f == "from.organization"):
                found.extend(self._more_objects(item, trigger, cand))
        return found

    def _more_objects(self, item: AnalyzedSentence, trigger: Mention, first: Candidate) -> list[Candidate]:
        """辞任A主席、B执行董事及C非执行董事: one departure per organization listed."""
        text = item.ents.text
        orgs = [o for o in item.ents.of("ORG") if o.start >= trigger.end]
        titles = item.ents.of("TITLE")
        extra = []
        position = trigger.end
        for org in orgs:
            gap = text[position:org.start]
            if position > trigger.end and gap not in ("、", "及", "和", "与", "以及", ""):
                break
            if position == trigger.end and len(gap) > 3:
                break
            position = org.end
            title = next((t for t in titles if 0 <= t.start - org.end <= 1), None)
            if title is not None:
                position = title.end
            if first.org is not None and org.value.canonical == first.org.canonical:  # type: ignore[union-attr]
                continue
            cand = Candidate(person=first.person, sentence=item.sentence, kind=first.kind, confidence=first.confidence)
            cand.org = org.value  # type: ignore[assignment]
            cand.position = title.text if title else None
            cand.time, cand.certainty, cand.reason = first.time, first.certainty, first.reason
            cand.note("person", first.person, "subject.shared_with_list.v1")
            cand.note("from.organization", org.value.canonical, "org.trigger_object_list.v1")  # type: ignore[union-attr]
            extra.append(cand)
        return extra

    def _implied(self, item: AnalyzedSentence, following: list[AnalyzedSentence], topic) -> list[Candidate]:  # type: ignore[no-untyped-def]
        """Moves that imply a departure: a former affiliation with a new post, 加入X之前 + the post held,
        从X加盟Y, and a person described by one organization who joins another."""
        text = item.ents.text
        if not self.lx.join_word_index.contains_any(text) and not any(m in text for m in self.lx.triggers.former_window_markers):
            return []
        found = self._before_join(item, topic)
        claimed = {c.person for c in found}
        dest = self.frames.destination_orgs(item)
        has_trigger = bool(item.ents.of("TRIGGER"))
        inherited: Mention | None = None
        previous: Mention | None = None
        for mention, full in item.persons:
            d_start, d_end = self.frames.descriptor(item, mention)
            formers = [o for o in self.frames.former_orgs(item, (d_start, d_end)) if o.start not in dest]
            rule = "implied.former_descriptor.v1"
            current = None
            own_orgs = [o for o in item.ents.of("ORG") if d_start <= o.start and o.end <= d_end]
            if not formers and not own_orgs and inherited is not None and previous is not None and \
                    self.frames.coordinated_pair(text, previous, mention):
                formers, rule = [inherited], "implied.former_shared_by_list.v1"
            if not formers:
                next_start = min([p.start for p, _ in item.persons if p.start > mention.end] + [len(text)])
                formers = [o for o in self.frames.former_orgs(item, (mention.end, next_start)) if o.start not in dest]
                rule = "implied.former_after_name.v1"
                if formers:
                    current = next((o for o in item.ents.of("ORG") if d_start <= o.start and o.end <= d_end), None)
            if not formers:
                formers = self._cong_join(item, mention)
                rule = "implied.from_then_join.v1"
            if not formers and not has_trigger:
                formers = self._described_then_joined(item, mention, dest)
                rule = "implied.described_then_joined.v1"
            previous = mention
            inherited = formers[0] if formers else None
            if not formers or full in claimed:
                continue
            if current is not None and current.value.canonical == formers[0].value.canonical:  # type: ignore[union-attr]
                current = None
            cand = self._implied_candidate(item, following, full, mention.source, formers[0], rule, mention.end,
                                           mention, current)
            if cand is None:
                continue
            claimed.add(full)
            found.append(cand)
        if not item.persons and topic is not None:
            # "7. 高修峰。原大疆系统工程部负责人，现任拓竹CTO。": the list item's name is the subject
            head = text.lstrip()
            org = next(iter(item.ents.of("ORG")), None)
            if org is not None and any(head.startswith(m) for m in self.lx.former_markers) and org.start <= 4:
                cand = self._implied_candidate(item, following, topic[0], "subject.paragraph_topic.v1", org,
                                               "implied.former_topic.v1", org.end)
                if cand is not None:
                    found.append(cand)
        return found

    def _implied_candidate(self, item, following, full, person_rule, org, rule, search_from, mention=None,  # type: ignore[no-untyped-def]
                           current=None) -> Candidate | None:
        """`current`: the organization the person is introduced with now (Inflection创始人X，曾是DeepMind…)."""
        cand = Candidate(person=full, sentence=item.sentence, kind="implied", confidence=0.7)
        if current is not None:
            cand.to_org = current.value.canonical
            cand.to_kind = self.lx.dest_kind_of_org(current.value.kind)
            cand.note("to.organization", cand.to_org, "destination.current_descriptor.v1")
        cand.org = org_entry(org)
        cand.note("person", full, person_rule)
        cand.note("from.organization", cand.org.canonical, rule)  # type: ignore[union-attr]
        if mention is not None and org.end <= mention.start and current is None:
            self.args.post_and_unit(cand, item, mention, org)
        titles = [t for t in item.ents.of("TITLE") if t.start >= org.end and t.start - org.end <= 12]
        if titles and cand.position is None:
            cand.position = titles[0].text
            cand.note("from.position", cand.position, titles[0].source)
        units = [u for u in item.ents.of("UNIT") if u.start >= org.start and u.start - org.end <= 2]
        if cand.unit is None and units:
            cand.unit = units[0].text
            cand.note("from.unit", cand.unit, units[0].source)
        elif cand.unit is None and cand.org.unit:  # type: ignore[union-attr]
            cand.unit = cand.org.unit  # type: ignore[union-attr]
            cand.note("from.unit", cand.unit, "orgs.division.v1")
        # 王某曾任X教授。2014年加入Y: a former post told after the name reads as a biography unless the
        # same sentence tells the move
        told_in = [item] if rule == "implied.former_after_name.v1" else [item, *following]
        self.args.destination(cand, told_in, min(search_from, org.end), cand.org)
        text = item.ents.text
        joins = [h.start for h in self.lx.join_word_index.hits(text) if h.start >= search_from]
        limit = joins[0] if joins else len(text)
        times = [t for t in item.ents.of("TIME") if t.end <= limit and t.value.value]  # type: ignore[union-attr]
        if times:
            cand.time = times[-1].value  # type: ignore[assignment]
            cand.note("date", cand.time.value, "date.move_time.v1")  # type: ignore[union-attr]
        moved = any(h.start >= search_from for h in self.lx.join_word_index.hits(text))
        if cand.to_org is None and cand.to_kind is None and self._current_post(item, cand) is None and not moved:
            return None  # a former post with nothing new: a biography line, not a move
        return cand

    def _current_post(self, item: AnalyzedSentence, cand: Candidate) -> str | None:
        """X是Adept AI CTO / 现任拓竹CTO: a post at another organization held now."""
        text = item.ents.text
        for org in item.ents.of("ORG"):
            if cand.org is not None and org.value.canonical == cand.org.canonical:  # type: ignore[union-attr]
                continue
            before = text[max(0, org.start - 3):org.start]
            title = next((t for t in item.ents.of("TITLE") if 0 <= t.start - org.end <= 2), None)
            if title is not None and any(before.endswith(c) for c in ("是", "现任", "如今是", "目前是", "担任")):
                cand.to_org = org.value.canonical  # type: ignore[union-attr]
                cand.to_position = title.text
                cand.to_kind = cand.to_kind or self.lx.dest_kind_of_org(org.value.kind)  # type: ignore[union-attr]
                cand.note("to.organization", cand.to_org, "destination.current_post.v1")
                return cand.to_org
        return None

    def _cong_join(self, item: AnalyzedSentence, person: Mention) -> list[Mention]:
        """刚从吉利加盟不久的易寒 / 他从顺为资本执行董事的位置转到滴滴."""
        text = item.ents.text
        out = []
        for org in item.ents.of("ORG"):
            if text[org.start - 1:org.start] != "从":
                continue
            rest = text[org.end:org.end + 20]
            join = self.lx.join_index.hits(rest)
            if join and (abs(org.start - person.end) <= 20 or abs(person.start - org.end) <= 30):
                out.append(org)
                break
        return out

    def _described_then_joined(self, item: AnalyzedSentence, person: Mention, dest: set[int]) -> list[Mention]:
        """智谱的视频模型负责人丁铭，也已经加入字节: described by one organization, joining another."""
        text = item.ents.text
        d_start, d_end = self.frames.descriptor(item, person)
        described = [o for o in item.ents.of("ORG") if d_start <= o.start and o.end <= d_end and o.start not in dest]
        if not described or not any(t for t in item.ents.of("TITLE") if d_start <= t.start and t.end <= d_end):
            return []
        c_start, _ = clause_bounds(text, person.start)
        for hit in self.lx.join_word_index.hits(text[c_start:person.start]):
            # 字节挖来了谷歌DeepMind研究副总裁吴永辉: the recruiter is named before its verb
            if hit.surface in self.frames.recruit:
                verb_end = c_start + hit.end
                recruiter = next((o for o in reversed(item.ents.of("ORG")) if o.end <= c_start + hit.start), None)
                recruited_from = [o for o in described if o.start >= verb_end]
                if recruiter is not None and recruited_from and \
                        recruiter.value.canonical != recruited_from[-1].value.canonical:  # type: ignore[union-attr]
                    return [recruited_from[-1]]
        next_person = min([p.start for p, _ in item.persons if p.start > person.end] + [len(text)])
        for hit in self.lx.join_index.hits(text[person.end:next_person]):
            start = person.end + hit.end
            target = next((o for o in item.ents.of("ORG") if 0 <= o.start - start <= 6), None)
            if target is not None and target.value.canonical != described[-1].value.canonical:  # type: ignore[union-attr]
                return [described[-1]]
        return []

    def _before_join(self, item: AnalyzedSentence, topic) -> list[Candidate]:  # type: ignore[no-untyped-def]
        """加入宏达电之前，他在Orange…最后的职务是执行副总裁: the post held before the move."""
        text = item.ents.text
        found = []
        for hit in self.lx.join_index.hits(text):
            target = next((o for o in item.ents.of("ORG") if 0 <= o.start - hit.end <= 2), None)
            if target is None:
                continue
            after = text[target.end:target.end + 3]
            if not any(after.startswith(cue) for cue in self.lx.triggers.before_join_cues):
                continue
            origin = next((o for o in item.ents.of("ORG") if o.start > target.end
                           and o.value.canonical != target.value.canonical), None)  # type: ignore[union-attr]
            if origin is None:
                continue
            named = [(m, f) for m, f in item.persons if m.start < origin.start]
            if named:
                full, rule = named[-1][1], named[-1][0].source
            elif topic is not None:
                full, rule = topic[0], "subject.anaphor.v1"
            else:
                continue
            cand = Candidate(person=full, sentence=item.sentence, kind="implied", confidence=0.7)
            cand.org = org_entry(origin)
            cand.note("person", full, rule)
            cand.note("from.organization", cand.org.canonical, "implied.before_joining.v1")  # type: ignore[union-attr]
            titles = [t for t in item.ents.of("TITLE") if t.start > origin.end]
            if titles:
                cand.position = titles[-1].text
                cand.note("from.position", cand.position, titles[-1].source)
            units = [u for u in item.ents.of("UNIT") if u.start > origin.end]
            if units:
                cand.unit = units[-1].text
            cand.to_org = target.value.canonical  # type: ignore[union-attr]
            cand.to_kind = self.lx.dest_kind_of_org(target.value.kind)  # type: ignore[union-attr]
            cand.note("to.organization", cand.to_org, "implied.before_joining.v1")
            times = [t for t in item.ents.of("TIME") if t.end <= hit.start and t.value.value]  # type: ignore[union-attr]
            if times:
                cand.time = times[-1].value  # type: ignore[assignment]
                cand.note("date", cand.time.value, "date.join_date.v1")  # type: ignore[union-attr]
            found.append(cand)
        return found
