"""Departure frames: from a sentence's entities to candidates (who, which organization, which post).

Two frames:
- explicit: a departure word (离职, 离开X, 卸任CEO); its subject is the person before it in the
  clause (with people coordinated by 和/、), a person after it for 解雇了X or 还有X, a pronoun
  resolved to the last person named, or the topic of the paragraph;
- implied: a former affiliation (原/前/曾是 + organization) told together with a new post
  (加入, 出任, 被…招募, 现任), or 加入X之前 + the post held before.
Denials, internal transfers and aggregates suppress the frame in their clause.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from extractor.rulebook.lexicon import Lexicon, OrgEntry
from extractor.entities.sentences import Sentence
from ..entities.mentions import Mention, SentenceEntities

_CLAUSE_BREAK = re.compile(r"[，,；;：:]")
_TIMED_BY = re.compile(r"(?:之后|之前|以后|以前|后|前)")
_AFTER_EVENT = re.compile(r"(?:之?后|以后)?[，,]")
_LIST_JOIN = re.compile(r"[，,](?=以及|及|和|还有)")
_COORD = re.compile(r"^[^，,；;。]*?[和与及、跟][^，,；;。]*$")
_BEFORE_LEAVING = re.compile(r"(?:之)?前(?:是|为|担任|任|曾任)")
_COUNT = re.compile(r"^\s*(?:这|上述|以上)?([两二三四五六七八九十]|\d{1,2})(?:人|位|名)")
_COUNT_VALUES = {**{c: n for n, c in enumerate("一二三四五六七八九十", 1)}, "两": 2,
                 **{str(n): n for n in range(1, 21)}}


@dataclass
class AnalyzedSentence:
    sentence: Sentence
    ents: SentenceEntities
    persons: list[tuple[Mention, str]]  # mention, full name


def clause_bounds(text: str, position: int) -> tuple[int, int]:
    start = 0
    for match in _CLAUSE_BREAK.finditer(text, 0, position):
        start = match.end()
    end_match = _CLAUSE_BREAK.search(text, position)
    return start, end_match.start() if end_match else len(text)


class FrameBuilder:
    def __init__(self, lexicon: Lexicon) -> None:
        self.lx = lexicon
        self.aggregate = re.compile(lexicon.triggers.aggregate_pattern)
        self.subjects_after = tuple(lexicon.triggers.subjects_after_cues)
        self.before_join = tuple(lexicon.triggers.before_join_cues)
        self.recruit = set(lexicon.destinations.recruit_verbs)
        self.object_markers = tuple(lexicon.triggers.object_markers)

    # -- subjects ---------------------------------------------------------------------------

    def _coordinated(self, text: str, persons: list[tuple[Mention, str]], last: int, floor: int) -> list[int]:
        """Indices of persons coordinated with persons[last] (金榕和…华先胜, A、B、C)."""
        chosen = [last]
        k = last
        while k > 0:
            prev = persons[k - 1][0]
            gap = _LIST_JOIN.sub("和", text[prev.end:persons[k][0].start])
            if prev.start < floor or not _COORD.match(gap) or len(gap) > 25:
                break
            chosen.insert(0, k - 1)
            k -= 1
        return chosen

    def _only_descriptors(self, item: AnalyzedSentence, start: int, end: int) -> bool:
        """Whether text[start:end] only describes a person: posts, role nouns, and a short noun (经济学家)."""
        text = item.ents.text
        covered = [m for m in item.ents.mentions if m.label in ("TITLE", "ORG", "UNIT")]
        covered += self.lx.role_index.hits(text)  # type: ignore[arg-type]
        rest = [k for k in range(start, end) if not any(m.start <= k < m.end for m in covered)]
        return len(rest) <= 5 and not any(text[k] in "，,。；;" for k in rest)

    def main_person(self, item: AnalyzedSentence) -> str:
        """Who a later 他/她 stands for: the sentence's last person that is neither the object of
        another action (向总统, 任命X) nor someone's relation (X的同学)."""
        text = item.ents.text
        subjects = [full for mention, full in item.persons
                    if not self.is_object(text, mention) and not self.is_relation_of(text, mention)]
        return (subjects or [full for _, full in item.persons])[-1]

    def is_relation_of(self, text: str, person: Mention) -> bool:
        """汪滔的高中同学: the name owns the person the clause is about."""
        if text[person.end:person.end + 1] != "的":
            return False
        after = text[person.end + 1:person.end + 7]
        return any(word in after[:len(word) + 2] for word in self.lx.triggers.relation_nouns)

    def is_object(self, text: str, person: Mention) -> bool:
        """向特朗普递交辞呈, 被特朗普免职, 任命X为: the name is another action's object or agent."""
        head = text[max(0, person.start - 4):person.start].rstrip("了")
        return head.endswith(self.object_markers)

    def _counted_list(self, text: str, persons, before: list[int], c_start: int, trigger_start: int) -> list[int]:  # type: ignore[no-untyped-def]
        """Indices of the names a count (三人, 两人) at the head of the departure's clause sums up."""
        head = text[c_start:trigger_start]
        match = _COUNT.match(head)
        if match is None or not before:
            return []
        count = _COUNT_VALUES.get(match.group(1))
        group = self._coordinated(text, persons, before[-1], 0)
        return group if count is not None and len(group) == count and len(group) > 1 else []

    def coordinated_pair(self, text: str, first: Mention, second: Mention) -> bool:
        gap = _LIST_JOIN.sub("和", text[first.end:second.start])
        return bool(_COORD.match(gap)) and len(gap) <= 25

    def subjects(
        self, item: AnalyzedSentence, trigger: Mention, topic: tuple[str, str] | None
    ) -> tuple[list[tuple[Mention | None, str]], str]:
        text = item.ents.text
        c_start, c_end = clause_bounds(text, trigger.start)
        persons = item.persons
        before = [i for i, (m, _) in enumerate(persons) if m.end <= trigger.start]
        after_in_clause = [i for i, (m, _) in enumerate(persons) if trigger.end <= m.start < c_end]
        # 接替退休的祈耀年 / 离职的王某 / 辞去北辰大学教职的经济学家程立华: the person the departure
        # (with its object) describes
        of = text.find("的", trigger.end, min(c_end, trigger.end + 13))
        if of >= 0 and not any(p.start < of for p, _ in persons if p.start >= trigger.end):
            described = [i for i, (m, _) in enumerate(persons) if 1 <= m.start - of <= 8 and m.start < c_end]
            if described and self._only_descriptors(item, of + 1, persons[described[0]][0].start):
                return [persons[described[0]]], "subject.described_by_departure.v1"
        fired_active = trigger.value.kind == "fired" and not trigger.text.startswith("被")
        if fired_active and after_in_clause:
            i = after_in_clause[0]
            return [persons[i]], "subject.after_fired.v1"
        # 和他一同离开英伟达的，还有X和Y
        next_clause = text[c_end:c_end + 6].lstrip("，,；;：: ")
        if any(next_clause.startswith(cue) for cue in self.subjects_after):
            later = [i for i, (m, _) in enumerate(persons) if m.start > c_end]
            if later:
                group = self._coordinated(text, persons, later[-1], c_end)
                stop = later[0]
                group = [i for i in group if i >= stop]
                return [persons[i] for i in group], "subject.still_more.v1"
        # a person who speaks before the departure word is not the one leaving, nor one it is timed by
        # (在袁栋之后也离开了大疆)
        speech = [h.end for h in self.lx.speech_index.hits(text) if h.end <= trigger.start]
        def timed_by(mention: Mention) -> bool:
            return mention.start > 0 and text[mention.start - 1] in "在继于" and bool(_TIMED_BY.match(text, mention.end))

        speakers = [i for i in before if any(persons[i][0].end <= s for s in speech)]
        before = [i for i in before
                  if not any(persons[i][0].end <= s for s in speech) and not timed_by(persons[i][0])
                  and not self.is_object(text, persons[i][0]) and not self.is_relation_of(text, persons[i][0])]
        # A、B、C与公司的合约到期，三人决定不再续约: a count of people that sums up the names before it
        counted = self._counted_list(text, persons, before, c_start, trigger.start)
        if counted:
            return [persons[i] for i in counted], "subject.counted_list.v1"
        in_clause = [i for i in before if persons[i][0].start >= c_start]
        # 在他之前…: a pronoun the departure is timed by is not its subject
        anaphors = [m for m in item.ents.of("ANAPHOR") if m.end <= trigger.start and not timed_by(m)]
        if not in_clause and self.aggregate.search(text[c_start:trigger.start]):
            return [], ""  # 小米的联合创始人中已有三位先后离开: unnamed people
        if anaphors and before and anaphors[0].start < persons[before[0]][0].start and topic is not None \
                and anaphors[0].start - clause_bounds(text, anaphors[0].start)[0] <= 6 \
                and not any(persons[i][0].start >= c_start for i in before):
            # 2006年他申请退休，2009年应创办人X之邀回锅，…第二度从台积电退休: the sentence is about 他
            return [(None, topic[0])], "subject.anaphor.v1"
        if in_clause:
            last = in_clause[-1]
            if anaphors and anaphors[-1].start > persons[last][0].end and topic is not None:
                return [(None, topic[0])], "subject.anaphor.v1"
            group = self._coordinated(text, persons, last, c_start if c_start > 0 else 0)
            return [persons[i] for i in group], "subject.same_clause.v1"
        clause_anaphor = [m for m in anaphors if m.start >= c_start]
        if clause_anaphor and speakers and not before and clause_anaphor[0].text in ("他", "她") and \
                persons[speakers[-1]][0].end <= clause_anaphor[0].start:
            # 普里伯斯随后对媒体说，他前一天已私下向总统请辞: the speaker tells of himself
            return [persons[speakers[-1]]], "subject.speaker_anaphor.v1"
        if clause_anaphor and before and clause_anaphor[0].text in ("他", "她"):
            # 李某，合约于…到期，她最终选择约满离巢: the pronoun stands for the person named earlier in
            # the sentence, not for the paragraph's last name
            return [persons[before[0]]], "subject.anaphor_in_sentence.v1"
        if clause_anaphor and topic is not None:
            return [(None, topic[0])], "subject.anaphor.v1"
        # 从OpenAI离职后，伊利亚确定创业 / 离开星衡智能后，前算法负责人X加盟了Y: the subject opens the
        # next clause, maybe after its post
        left = self.org_after_trigger(item, trigger)
        if _AFTER_EVENT.match(text, trigger.end) or (left is not None and _AFTER_EVENT.match(text, left.end)):
            described = item.ents.of("TITLE") + item.ents.of("ORG") + item.ents.of("UNIT") + item.ents.of("TIME")
            for i, (m, _) in enumerate(persons):
                if not 0 <= m.start - c_end <= 16:
                    continue
                gap = [k for k in range(c_end + 1, m.start)
                       if not any(d.start <= k < d.end for d in described) and text[k] not in "，, 原前的"]
                if len(gap) <= 2:
                    return [persons[i]], "subject.next_clause.v1"
                break
        head = text[c_start:trigger.start]
        if before and not self.aggregate.search(head):
            last = before[-1]
            group = self._coordinated(text, persons, last, 0)
            return [persons[i] for i in group], "subject.same_sentence.v1"
        if anaphors and topic is not None:
            return [(None, topic[0])], "subject.anaphor.v1"
        if topic is not None and not self.aggregate.search(head) and not any(
            m.start >= c_start and m.end <= trigger.start for m in item.ents.of("ORG")
        ):
            return [(None, topic[0])], "subject.paragraph_topic.v1"
        return [], ""

    # -- organizations ------------------------------------------------------------------------

    def org_after_trigger(self, item: AnalyzedSentence, trigger: Mention) -> Mention | None:
        text = item.ents.text
        for org in item.ents.of("ORG"):
            if org.start >= trigger.end:
                gap = text[trigger.end:org.start]
                if len(gap) <= 3 and not _CLAUSE_BREAK.search(gap) and set(gap) <= set("了在的其原前至到"):
                    return org  # 离开了X, 转会至X
                if len(gap) <= 12 and gap.endswith("的") and not _CLAUSE_BREAK.search(gap) and \
                        not any(p.start >= trigger.end and p.end <= org.start for p, _ in item.persons):
                    return org  # 告别效力多年的家乐福: the organization left, described first
                break
        return None

    def org_from_cong(self, item: AnalyzedSentence, trigger: Mention, c_start: int) -> Mention | None:
        """从阿里离职 / 从顺为资本执行董事的位置转到滴滴."""
        text = item.ents.text
        for org in reversed(item.ents.of("ORG")):
            if c_start <= org.start and org.end <= trigger.start and text[org.start - 1:org.start] == "从":
                return org
        return None

    def descriptor(self, item: AnalyzedSentence, person: Mention) -> tuple[int, int]:
        """The span before a name that describes it: from the clause start or previous name."""
        text = item.ents.text
        start, _ = clause_bounds(text, person.start)
        for other, _ in item.persons:
            if other.end <= person.start and other.end > start:
                start = other.end
        for trig in item.ents.of("TRIGGER"):
            if trig.end <= person.start and trig.end > start:
                start = trig.end
        return start, person.start

    def destination_orgs(self, item: AnalyzedSentence) -> set[int]:
        """Start offsets of organizations that are destinations (加入X, 被X招募), not origins."""
        text = item.ents.text
        dest: set[int] = set()
        orgs = item.ents.of("ORG")
        for hit in self.lx.join_index.hits(text):
            for org in orgs:
                if org.start >= hit.end and org.start - hit.end <= 4:
                    if not (hit.value == "company" and text[hit.end:org.start].startswith("的")):
                        dest.add(org.start)
                    break
        for hit in self.lx.join_word_index.hits(text):
            if hit.surface in self.recruit:
                for org in reversed(orgs):
                    if org.end <= hit.start and hit.start - org.end <= 6:
                        dest.add(org.start)
                        break
        return dest

    def former_orgs(self, item: AnalyzedSentence, span: tuple[int, int]) -> list[Mention]:
        """Organizations in `span` marked as former: 原X, 前X, X原TITLE, 曾是X的."""
        text = item.ents.text
        found = []
        # 阿里通义大模型原技术负责人: a 原/前 before the post marks every organization before it
        marks = [i for i in range(span[0], span[1]) if text[i] in "原前"
                 and any(0 <= t.start - i - 1 <= 1 for t in item.ents.of("TITLE") + item.ents.of("UNIT"))]
        for org in item.ents.of("ORG"):
            if not (span[0] <= org.start and org.end <= span[1]):
                continue
            before = text[max(span[0], org.start - 3):org.start]
            if any(before.endswith(m) for m in self.lx.former_markers) or any(m >= org.end for m in marks):
                found.append(org)
        return found

    def is_suppressed(self, item: AnalyzedSentence, trigger: Mention, next_text: str = "") -> str | None:
        """Why a departure word tells no departure here, or None. `next_text`: the next sentence of
        the paragraph, which may hold the cue a word needs (免去X的局长职务。X已到龄退休。)."""
        text = item.ents.text
        c_start, c_end = clause_bounds(text, trigger.start)
        cues = trigger.value.requires_cue  # type: ignore[union-attr]
        if cues and not any(cue in text or cue in next_text for cue in cues):
            return "suppress.needs_cue.v1"  # 免去…职务 alone is a reassignment; with 退休 it is a departure
        if trigger.value.object == "after":  # type: ignore[union-attr]
            obj = text[trigger.end:min(c_end, trigger.end + 10)]
            if any(place in obj for place in self.lx.triggers.place_objects) and not any(
                    trigger.end <= o.start < trigger.end + 10 for o in item.ents.of("ORG")):
                return "suppress.place_object.v1"  # 退出中国市场, 离开会场: a place, not a body the person was in
            named = re.match(r"[\u4e00-\u9fff]{2,4}?(?=[，,。；;、 ]|$)", obj)
            place = next((p for p in self.lx.org_patterns.place_prefixes if obj.startswith(p)), None) or (
                # 结束对南屿市的考察，于昨日离开南屿。: a place the sentence names with its suffix
                named.group(0) if named and any(named.group(0) + suffix in text
                                                for suffix in self.lx.org_patterns.place_suffixes) else None)
            if place is not None and obj[len(place):len(place) + 1] in ("", "，", ",", "。", "；", ";", "、", " ") \
                    and not any(o.start == trigger.end for o in item.ents.of("ORG")):
                return "suppress.place_object.v1"  # 离开南京，前往德国: a city the person left, not a body
        for hit in self.lx.suppressor_index.hits(text):
            if hit.value in ("denial", "negation"):
                # a denial anywhere in the sentence covers it (公司否认X离职的消息)
                if hit.value == "negation" and not (c_start <= hit.start < c_end):
                    continue
                return f"suppress.{hit.value}.v1"
            if c_start <= hit.start < c_end:
                return f"suppress.{hit.value}.v1"
            if hit.value == "hypothetical" and hit.start < c_start:
                return "suppress.hypothetical.v1"  # 如果X，他可能下课: the departure is the condition's outcome
            if hit.value == "reassigned_after":
                if hit.start >= trigger.end:
                    return "suppress.transfer.v1"  # 不再担任X局长，另有任用: what follows says it was a transfer
                continue
        return None

    def org_candidates(self, item: AnalyzedSentence, trigger: Mention, person: Mention | None) -> tuple[Mention | None, str]:
        text = item.ents.text
        c_start, _ = clause_bounds(text, trigger.start)
        if trigger.value.object == "after":
            org = self.org_after_trigger(item, trigger)
            if org is not None:
                return org, "org.trigger_object.v1"
        org = self.org_from_cong(item, trigger, c_start)
        if org is not None:
            return org, "org.from_cong.v1"
        told_before = _BEFORE_LEAVING.match(text, trigger.end)
        if told_before:
            # 离开前是英伟达全球副总裁: the organization of the post held before leaving
            org = next((o for o in item.ents.of("ORG") if 0 <= o.start - told_before.end() <= 2), None)
            if org is not None:
                return org, "org.held_before_leaving.v1"
        dest = self.destination_orgs(item)
        if trigger.value.object == "destination":
            after = self.org_after_trigger(item, trigger)
            if after is not None:
                dest.add(after.start)
        if person is not None:
            d_start, d_end = self.descriptor(item, person)
            in_desc = [o for o in item.ents.of("ORG") if d_start <= o.start and o.end <= d_end and o.start not in dest]
            if in_desc:
                formers = self.former_orgs(item, (d_start, d_end))
                chosen = formers[-1] if formers else in_desc[-1]
                return chosen, "org.descriptor.v1"
            between = [o for o in item.ents.of("ORG") if person.end <= o.start and o.end <= trigger.start and o.start not in dest]
            if between:
                return between[-1], "org.before_trigger.v1"
            if person.start >= trigger.end:
                # 免去X的A公司董事长职务 / 解雇了X: the organization told after the person, in the clause
                _, c_end = clause_bounds(text, person.end)
                after = [o for o in item.ents.of("ORG") if person.end <= o.start < c_end and o.start not in dest]
                if after and text[person.end:after[0].start] in ("的", "在", "在其", "同志的", ""):
                    return after[0], "org.after_object.v1"
        before = [o for o in item.ents.of("ORG") if o.end <= trigger.start and o.start not in dest]
        if before:
            return before[-1], "org.sentence_before.v1"
        return None, ""


def org_entry(mention: Mention | None) -> OrgEntry | None:
    return mention.value if mention is not None else None  # type: ignore[return-value]
