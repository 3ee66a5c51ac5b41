"""Find every entity of one sentence, in an order where each finder knows what earlier ones took.

Triggers first, then the statistical model's words (LAC: names, organizations and ordinary words),
then organizations and times (lexicon and pattern hits, checked against the model), then units
and posts (which must not swallow an organization), then names (which must not start inside a
post), then pronouns and ranks. How rules and model are merged is written in model_merge.py. Each step is one spaCy component (see spacy_pipeline.py); the steps
read and extend the sentence's `SentenceEntities`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from extractor.entities.dates import DateFinder, PubDate, TimeMention
from extractor.rulebook.lexicon import Lexicon
from extractor.entities.segment import Segmenter
from extractor.rulebook.lexicon import OrgEntry
from . import model_merge
from .mentions import Mention, SentenceEntities
from .organizations import OrgFinder, overlaps
from .persons import PersonFinder


# a date or a time of day between an organization and what it does (北原银行6月6日晚间公告)
_LEADING_TIME = re.compile(r"^(?:\d{4}年)?(?:\d{1,2}月)?(?:\d{1,2}[日号])?(?:晚间|晚上|上午|下午|早间|傍晚|凌晨)?")


@dataclass
class StepState:
    """What one sentence's steps share: the context it is read in and the spans already taken."""

    pub: PubDate | None = None
    context_year: int | None = None
    suspect: list[tuple[int, int]] = field(default_factory=list)
    context_time: TimeMention | None = None  # the last time told earlier in the paragraph
    orgs: list[Mention] = field(default_factory=list)
    blocked: list[tuple[int, int]] = field(default_factory=list)
    # the statistical model's words for the sentence, when the article's sentences were tagged in one batch
    model_words: list | None = None


class SentenceAnalyzer:
    STEPS = ("triggers", "model", "organizations", "times", "units", "posts", "persons", "anaphors_ranks")

    def __init__(self, lexicon: Lexicon, date_finder: DateFinder, segmenter: Segmenter, tagger=None) -> None:  # type: ignore[no-untyped-def]
        """`tagger`: a statistical tagger with `tag(sentences) -> [[word(start, end, text, label)]]`
        (LacTagger), or None for the rules alone."""
        self.lx = lexicon
        self.dates = date_finder
        self.orgs = OrgFinder(lexicon, segmenter)
        self.persons = PersonFinder(lexicon, segmenter)
        self.tagger = tagger
        # characters that end a name rather than continue it (以, 并, 则 …), for the model's name edges
        self.function_chars = frozenset(lexicon.name_cues.not_in_given_name) | self.lx.name_end_cues
        self.is_word = lambda w: segmenter.word_frequency(w) >= 100
        self.surnames = lexicon.single_surnames | lexicon.double_surnames
        self.descriptors = sorted(lexicon.org_patterns.descriptors, key=len, reverse=True)
        # what _without_descriptor drops: descriptors, then a former marker read into a name
        self.name_prefixes = self.descriptors + list(lexicon.org_patterns.former_prefixes)
        # words that say what kind of organization follows (球队, 零售商, 国企), never part of its name
        self.category_nouns = tuple(lexicon.org_patterns.category_nouns)
        # former-affiliation markers (原, 前, 曾任): what the model may read into the start of a name
        self.former_marks = tuple(lexicon.triggers.former_markers)
        self.complete_suffixes = [s.suffix for s in lexicon.org_patterns.suffixes if not s.descriptive]
        self.kind_nouns = frozenset(lexicon.org_patterns.category_nouns) | frozenset(self.descriptors) \
            | frozenset(g.noun for g in lexicon.org_patterns.group_nouns)
        self.right_cues = frozenset(lexicon.name_cues.strong_right_cues) | self.lx.name_end_cues
        # what may stand before a clause-opening name: punctuation, a column's bracket, a former marker
        self.clause_openers = frozenset("，,。；;：:、】」）) \n原前")
        # verbs that take a clause or a post: never part of a post's modifier (称中国区总裁, 接任执行董事)
        cues = lexicon.triggers.certainty
        self.clause_verbs = frozenset(v for v in lexicon.titles.modifier_verbs if len(v) > 1) | frozenset(lexicon.triggers.speech_verbs) \
            | frozenset(cues.reported) | frozenset(cues.rumored)
        self.org_suffixes = sorted({s.suffix for s in lexicon.org_patterns.suffixes}, key=len, reverse=True)
        self.group_nouns = {g.noun: g.kind for g in lexicon.org_patterns.group_nouns}
        # nouns that name a kind of organization, never one (公司, 球队, 电视台)
        self.generic_names = frozenset(self.org_suffixes) | frozenset(lexicon.org_patterns.category_nouns) \
            | frozenset(self.group_nouns)
        patterns = lexicon.org_patterns
        alternatives = lambda words: "|".join(map(re.escape, sorted(words, key=len, reverse=True)))  # noqa: E731
        # a region at the end of a name the model read whole: 家乐福华中区, 宜家亚太地区
        self.region_end = re.compile(rf"(?:{alternatives(patterns.region_prefixes)})?(?:{alternatives(patterns.region_words)})$")

    def tag(self, sentences: list[str]) -> list[list] | None:
        """The model's words for many sentences in one batch (None without a model)."""
        return self.tagger.tag(sentences) if self.tagger is not None else None

    def org_entry_for(self, name: str) -> OrgEntry:
        """An organization only the model found: its kind from its suffix (大学 → university)."""
        suffix = next((s for s in self.lx.org_patterns.suffixes if name.endswith(s.suffix)), None)
        return OrgEntry(name, suffix.kind if suffix else "company")

    def analyze(
        self,
        text: str,
        pub: PubDate | None,
        context_year: int | None = None,
        suspect: list[tuple[int, int]] | None = None,
        context_time: TimeMention | None = None,
        model_words: list | None = None,
    ) -> SentenceEntities:
        """All steps in order, without spaCy (the components call the same steps one by one)."""
        ents = SentenceEntities(text)
        state = StepState(pub, context_year, list(suspect or []), context_time, model_words=model_words)
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

    def step_model(self, text: str, ents: SentenceEntities, state: StepState) -> None:
        if state.model_words is None:
            words = self.tag([text])
            state.model_words = words[0] if words else []

    def step_organizations(self, text: str, ents: SentenceEntities, state: StepState) -> None:
        taken = [(m.start, m.end) for m in ents.mentions]
        words = state.model_words or []
        orgs = [m for m in self.orgs.known(text) if not overlaps((m.start, m.end), state.suspect)]
        orgs, dropped = model_merge.veto_gazetteer(orgs, words, self.org_suffixes, self.lx.org_patterns.unit_suffixes,
                                                   self.is_word)
        ents.reject(dropped)
        # a trigger inside an organization name (退出 in 退出机制) yields to the longer organization
        orgs = [m for m in orgs if not overlaps((m.start, m.end), taken) or (m.end - m.start) > 3]
        orgs += self.orgs.registered_with_place(text, taken + [(m.start, m.end) for m in orgs] + state.suspect)
        orgs += self.orgs.latin_after_kind(text, taken + [(m.start, m.end) for m in orgs] + state.suspect)
        shape = self.orgs.by_shape(text, taken + [(m.start, m.end) for m in orgs] + state.suspect)
        shape = model_merge.trim_shape_orgs(shape, words, text, self.org_suffixes, self.lx.org_patterns.unit_suffixes,
                                            self.kind_nouns, self.complete_suffixes, self.former_marks)
        state.orgs = self._units_of_orgs(text, self._drop_category_descriptions(text, orgs + shape))
        if words:
            state.orgs += model_merge.proper_noun_with_suffix(text, words, self.suffix_at, ents.mentions + state.orgs)
            added, dropped = model_merge.model_orgs(self._without_regions(words), ents.mentions + state.orgs,
                                                    self.org_entry_for, lambda word: self.org_context(text, word))
            ents.reject(dropped)
            state.orgs += [m for m in added if not overlaps((m.start, m.end), state.suspect)
                           and m.text not in self.lx.not_org_names]
            # move verbs, and departure words whose object is the destination (转会至X)
            moves = [(h.start, h.end) for h in self.lx.join_index.hits(text)] + [
                (t.start, t.end) for t in ents.of("TRIGGER") if getattr(t.value, "object", None) == "destination"]
            state.orgs += model_merge.orgs_in_frames(
                text, words, ents.of("TRIGGER"), self.lx.triggers.affiliation_verbs, moves, ents.mentions + state.orgs,
                self.not_frame_name, self.org_entry_for)
            groups = model_merge.orgs_after_group_nouns(
                text, words, self.group_nouns, ents.mentions + state.orgs, self._name_stops(text), self.is_word,
                lambda name, kind: OrgEntry(name, kind))
            state.orgs = [o for o in state.orgs if not any(g.start <= o.start and o.end <= g.end for g in groups)]
            state.orgs += groups
        state.orgs = [self._without_descriptor(org) for org in state.orgs]
        for mention in state.orgs:
            ents.add(mention)

    def _without_descriptor(self, org: Mention) -> Mention:
        """省属国企江汉建工集团 → 江汉建工集团: what the organization is, written before its name, is
        not part of the name (a name of two characters or more must be left before any suffix)."""
        for descriptor in self.name_prefixes:
            if org.text.startswith(descriptor) and len(org.text) - len(descriptor) >= 4:
                start = org.start + len(descriptor)
                text = org.text[len(descriptor):]
                value = org.value
                if getattr(value, "canonical", None) == org.text:
                    value = OrgEntry(text, value.kind)  # type: ignore[union-attr]
                return Mention(start, org.end, text, org.label, org.source, value)
        return org

    def _names_before_posts_of_others(self, text: str, people: list[Mention], ents: SentenceEntities,
                                      state: StepState) -> list[Mention]:
        """蓝帆云首席运营官骆翰林: a "name" right before another person's post is that person's
        organization, not a person (nobody is written before someone else's title)."""
        titles = ents.of("TITLE")
        kept = []
        for person in people:
            title = next((t for t in titles if t.start == person.end), None)
            if title is not None and any(p.start == title.end for p in people) and \
                    person.source.startswith("persons.surname_context"):
                org = Mention(person.start, person.end, person.text, "ORG", "orgs.before_post_of_person.v1",
                              self.org_entry_for(person.text))
                ents.add(org)
                state.orgs.append(org)
                ents.reject([(person, "dropped: it stands before another person's post, as an organization")])
                continue
            kept.append(person)
        return kept

    def suffix_at(self, text: str, start: int):  # type: ignore[no-untyped-def]
        """The organization suffix that starts at `start`, if any (北极光|机器人), but not one that opens a
        post (局 of 局长)."""
        if any(h.start == 0 for h in self.lx.title_index.hits(text[start:start + 8])):
            return None
        hit = next((h for h in self.orgs.suffix_index.hits(text[start:start + 8]) if h.start == 0), None)
        return hit.value if hit is not None else None

    def _units_of_orgs(self, text: str, orgs: list[Mention]) -> list[Mention]:
        """北辰大学物理学院: a name right after an organization that ends like a unit is its unit."""
        ends = {m.end for m in orgs}
        unit_suffixes = self.lx.org_patterns.unit_suffixes
        kept = []
        for org in orgs:
            if org.start in ends and org.source == "orgs.suffix_shape.v1" and any(org.text.endswith(u) for u in unit_suffixes):
                continue  # the unit finder reads it, after the organizations
            kept.append(org)
        return kept

    def _name_stops(self, text: str):  # type: ignore[no-untyped-def]
        """Offsets where a group's name must end: a post, a role noun or a departure word starts."""
        starts = {h.start for h in self.lx.title_index.hits(text)} | {h.start for h in self.lx.role_index.hits(text)} \
            | {h.start for h in self.lx.trigger_index.hits(text) if h.value is not None}
        return lambda offset: offset in starts

    def _without_regions(self, words: list) -> list:  # type: ignore[type-arg]
        """家乐福华中区 read as one organization is 家乐福 and its region: the region is not the name."""
        out = []
        for word in words:
            cut = self.region_end.search(word.text) if word.label == "ORG" else None
            if cut and cut.start() >= 2:
                word = word._replace(end=word.start + cut.start(), text=word.text[:cut.start()])
            out.append(word)
        return out

    def not_frame_name(self, name: str) -> bool:
        """What a frame's slot may hold that names no organization: generic words (公司, 该公司), places
        alone, posts and units."""
        generic = self.generic_names
        suffix = next((s for s in self.lx.org_patterns.suffixes if name.endswith(s.suffix) and name != s.suffix), None)
        if suffix is not None and not self.orgs.name_like(name[:-len(suffix.suffix)], suffix):
            return True  # 自行创立AI服务公司: a description, as the suffix finder reads it
        return name in self.lx.not_org_names or name in generic or self.lx.title_index.contains_any(name) or \
            any(name.startswith(g) for g in ("该", "这", "那", "本", "其", "原", "前", "公司", "此")) or \
            any(name.endswith(u) for u in self.lx.org_patterns.unit_suffixes) or \
            any(name.endswith(p) for p in self.lx.triggers.place_objects) or \
            any(name.endswith(w) for w in self.lx.triggers.not_org_objects + self.lx.triggers.not_org_object_endings)

    def not_org_before_post(self, name: str) -> bool:
        """A post's modifier that is no organization: a region (华中区), a unit (研发中心), a listed non-name."""
        patterns = self.lx.org_patterns
        return name in self.lx.not_org_names or any(name.endswith(u) for u in patterns.unit_suffixes) \
            or any(r in name for r in patterns.region_words)

    def org_context(self, text: str, word) -> str | None:  # type: ignore[no-untyped-def]
        """What gives a model organization a role in the sentence (see model_merge rule 3), or None."""
        name = word.text
        if any(name.endswith(u) for u in self.lx.org_patterns.unit_suffixes) and \
                not any(name.endswith(s) for s in self.org_suffixes):
            return None  # 技术委员会, XR实验室: a unit, which the unit finder reads
        after = self.lx.stock_code_re.sub("", text[word.end:word.end + 20], count=1)
        after = after.lstrip(" 的")
        # a region of the company between it and the post (宜家华北区总经理)
        region = re.match(r"^[\u4e00-\u9fff]{1,4}?(?:" + "|".join(map(re.escape, self.lx.org_patterns.region_words))
                          + ")", after)
        title = next(iter(self.lx.title_index.hits(after[:16])), None)
        if title is not None and (title.start == 0 or (region is not None and title.start == region.end())) \
                and not name.isascii():
            return "before_post"  # 东岳股份董事长张某, 汇添富基金的首席策略师: even a name of common words
        suffix = next((s for s in self.lx.org_patterns.suffixes if name.endswith(s.suffix)), None)
        if suffix is not None and len(name) > len(suffix.suffix) and \
                not self.orgs.name_like(name[:-len(suffix.suffix)], suffix):
            return None  # 自行创立AI服务公司: a description, as the suffix finder reads it
        if name.isascii() and not any(text.endswith(noun, 0, word.start) for noun in self.lx.org_patterns.category_nouns):
            return None  # Latin words the model calls organizations are often products (Surface)
        if title is not None and title.start == 0:
            return "before_post"
        clause = text[max(0, word.start - 20):word.start]
        clause = clause[max(clause.rfind(c) for c in "，,；;。") + 1:]
        if clause.endswith("的") and (self.lx.join_word_index.contains_any(clause) or any(
                h.value is not None for h in self.lx.trigger_index.hits(clause))):
            return "described_object"  # 告别效力多年的家乐福, 加盟陈光明正在筹建的睿远基金
        before = text[max(0, word.start - 4):word.start].rstrip("了的其")
        if before.endswith("从") or any(before.endswith(h.surface) for h in self.lx.trigger_index.hits(before)
                                        if h.value is not None) or \
                any(before.endswith(h.surface) for h in self.lx.join_word_index.hits(before)):
            if self.is_word(name) and len(name) <= 2 and self._noun_follows(text, word.end):
                return None  # 加盟国际公益组织X: a common word that opens a description, not a name
            return "after_departure_or_move"  # 离开凯诺, 从东岳股份离职, 加盟睿远基金
        if any(text.endswith(noun, 0, word.start) for noun in self.lx.org_patterns.category_nouns):
            return "after_category_noun"  # 初创公司栖木科技, 嘻哈厂牌AOMG, 零售商翠丰集团
        if text[word.start - 1:word.start] in ("与", "和", "同") and \
                after.lstrip("正式了").startswith(tuple(self.lx.destinations.signing_words)):
            return "signing"  # 已与南屿海豚队签约
        if _LEADING_TIME.sub("", after, count=1).startswith(tuple(self.lx.org_patterns.statement_verbs)):
            return "statement"  # YG发表声明, 俱乐部宣布, 球队与主教练解约, 北原银行6月6日晚间公告
        return None

    def _noun_follows(self, text: str, end: int) -> bool:
        """Whether a dictionary noun starts at `end` (公益 in 国际公益组织)."""
        return any(self.is_word(text[end:end + n]) for n in (2, 3)) and text[end:end + 1].isalpha()

    def _drop_category_descriptions(self, text: str, orgs: list[Mention]) -> list[Mention]:
        """法国电信业者Orange: an organization followed by a category noun and another name describes it."""
        nouns = self.lx.org_patterns.category_nouns
        starts = {m.start for m in orgs}
        return [m for m in orgs if not (text.startswith(self.category_nouns, m.end) and any(
            text.startswith(n, m.end) and m.end + len(n) in starts for n in nouns))]

    def _clean_post_start(self, text: str, title: Mention) -> Mention:
        """A post the model's words trimmed may start anew with a verb or generic word (收到公司总经理)."""
        head = title.value if isinstance(title.value, str) else ""
        head_start = title.end - len(head) if head and text.endswith(head, 0, title.end) else title.end
        start = self.orgs.post_start(text, title.start, head_start)
        if start == title.start:
            return title
        return Mention(start, title.end, text[start:title.end], title.label, title.source, title.value)

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
        if state.model_words:
            titles = model_merge.trim_post_modifiers(titles, state.model_words, text, self.clause_verbs)
            titles = [self._clean_post_start(text, t) for t in titles]
            orgs, titles = model_merge.orgs_before_posts(
                text, titles, state.model_words, self.clause_openers, self.is_word, self.not_org_before_post,
                self.org_entry_for)
            for org in orgs:
                ents.add(org)
            state.orgs += orgs
        for mention in titles:
            ents.add(mention)
        state.blocked += [(m.start, m.end) for m in titles]

    def step_persons(self, text: str, ents: SentenceEntities, state: StepState) -> None:
        # a role noun before a transliterated name is no part of it (外援贾马尔·威廉姆斯)
        # posts and role nouns (成员, 员工, 高管, 外援) introduce a name and are never part of one
        roles = [Mention(h.start, h.end, h.surface, "ROLE", "persons.role_noun.v1") for h in self.lx.role_index.hits(text)]
        people = self.persons.transliterated(text, state.blocked + [(r.start, r.end) for r in roles])
        people += [m for m in self.persons.latin_names(text, state.blocked)
                   if not overlaps((m.start, m.end), [(p.start, p.end) for p in people])]
        blocked_people = state.blocked + [(m.start, m.end) for m in people]
        soft = [(m.start, m.end) for m in ents.mentions if m.label in ("TRIGGER", "TIME")]
        hard = [span for span in blocked_people if span not in soft]
        people += self.persons.chinese_names(text, hard, state.suspect, soft)
        words = state.model_words or []
        if words:
            people = model_merge.fix_person_edges(people, words, text, hard, self.function_chars, self.is_word)
            people, dropped = model_merge.veto_persons(people, words, ents.of("TITLE"), self.is_word)
            ents.reject(dropped)
            # posts and role nouns (成员, 员工, 高管) both introduce a name
            people += model_merge.model_persons(text, words, ents.mentions + people, ents.of("TITLE") + roles,
                                                ents.of("TRIGGER"), self.right_cues, self.persons.agrees_with_surnames,
                                                self.lx.name_cues.honorifics, self.surnames)
            people += model_merge.list_members(text, words, people, [m for m in ents.mentions if m.label != "ORG"]
                                               + [m for m in ents.of("ORG") if not m.source.startswith("ner.")])
        people = self._names_before_posts_of_others(text, people, ents, state)
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
        """A one-character surname stands for a person only between clear edges (薄已经离职) or with
        an honorific after it (黄先生已辞任)."""
        before_ok = start == 0 or text[start - 1] in "，,。；;：:、（(“\" " or any(e == start for _, e in blocked)
        after_ok = end < len(text) and (text[end] in self.lx.name_end_cues or self.persons.honorific_at(text, end))
        return before_ok and after_ok
