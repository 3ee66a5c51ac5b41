"""Arguments of a departure frame: post, unit, rank, date, destination, reason and certainty."""
from __future__ import annotations

import re

from extractor.entities.dates import TimeMention
from extractor.rulebook.lexicon import Lexicon, OrgEntry
from ..entities.mentions import Mention
from .candidate import Candidate
from .frames import AnalyzedSentence, FrameBuilder, clause_bounds

_NAMED_AS = re.compile(r"了?(?:一家|一个)?(?:名为|叫做|叫)([\u4e00-\u9fffA-Za-z0-9·]{2,10}?)的")
_VENTURE = re.compile(r"了?([\u4e00-\u9fffA-Za-z0-9·]{2,8})(?=[，,。；;（(]|$)")
_NOT_IN_VENTURE = set("的了一个这那其自己新该家并后和与")
_CLAUSE_END = re.compile(r"[，,。；;！？!?]")


class ArgumentFiller:
    def __init__(self, lexicon: Lexicon, frames: FrameBuilder) -> None:
        self.lx = lexicon
        self.frames = frames
        self.reason_cues = sorted(lexicon.triggers.reason_cues, key=len, reverse=True)

    # -- the post, unit and rank held when leaving ------------------------------------------

    def post_and_unit(self, cand: Candidate, item: AnalyzedSentence, person: Mention | None, org: Mention | None) -> None:
        if person is None:
            return
        d_start, d_end = self.frames.descriptor(item, person)
        titles = [t for t in item.ents.of("TITLE") if d_start <= t.start and t.end <= d_end]
        if titles and cand.position is None:
            cand.position = titles[-1].text
            cand.note("from.position", cand.position, titles[-1].source)
        units = [u for u in item.ents.of("UNIT") if d_start <= u.start and u.end <= d_end]
        if cand.unit is None:
            if units:
                unit = units[-1]
                text = unit.text
                division = self._division_before(item, unit)
                if division is not None and not text.startswith(division):
                    text = division + text
                cand.unit = text
                cand.note("from.unit", text, unit.source)
            elif org is not None and org.value.unit:  # type: ignore[union-attr]
                cand.unit = org.value.unit  # type: ignore[union-attr]
                cand.note("from.unit", cand.unit, "orgs.division.v1")
            elif org is not None:
                # 清华大学…证实，生命科学学院教授颜宁将告别清华园: a school or department named by itself
                # in the description, when the organization left is another, is the unit
                parts = [o for o in item.ents.of("ORG") if d_start <= o.start and o.end <= d_end
                         and o.value.canonical != org.value.canonical  # type: ignore[union-attr]
                         and o.text.endswith(tuple(self.lx.org_patterns.unit_suffixes))]
                if parts:
                    cand.unit = parts[-1].text
                    cand.note("from.unit", cand.unit, "unit.described_part.v1")
        for rank in item.ents.of("RANK"):  # in the description or the brackets after the name (职级P11)
            if d_start <= rank.start < person.end + 20 and cand.rank is None:
                cand.rank = rank.text
                cand.note("from.rank", rank.text, rank.source)

    def _division_before(self, item: AnalyzedSentence, unit: Mention) -> str | None:
        for org in item.ents.of("ORG"):
            if org.end == unit.start and org.value.unit:  # type: ignore[union-attr]
                return org.value.unit  # type: ignore[union-attr]
        return None

    def post_after_org(self, cand: Candidate, item: AnalyzedSentence, org: Mention) -> None:
        """离开AMD上海公司高级总监的岗位 / 从Google台湾董事总经理一职退休: the post follows the organization."""
        title = next((t for t in item.ents.of("TITLE") if 0 <= t.start - org.end <= 2), None)
        if title is not None:
            cand.position = title.text
            cand.note("from.position", title.text, "position.after_left_org.v1")

    def post_in_clause(self, cand: Candidate, item: AnalyzedSentence, trigger: Mention, with_unit: bool) -> None:
        """1. 袁栋。原销售副总裁，去年年中离职: a subject told by the paragraph, its post in the sentence."""
        titles = [t for t in item.ents.of("TITLE") if t.end <= trigger.start]
        if titles:
            cand.position = titles[-1].text
            cand.note("from.position", cand.position, "position.sentence_before_trigger.v1")
        units = [u for u in item.ents.of("UNIT") if u.end <= trigger.start]
        if with_unit and units and cand.unit is None:
            cand.unit = units[-1].text
            cand.note("from.unit", cand.unit, "unit.sentence_before_trigger.v1")

    def post_after_trigger(self, cand: Candidate, item: AnalyzedSentence, trigger: Mention) -> None:
        """卸任公司CEO一职, 辞去长城总经理一职, 不再担任集团CTO: the post is the object."""
        _, c_end = clause_bounds(item.ents.text, trigger.end)
        for title in item.ents.of("TITLE"):
            if trigger.end <= title.start < c_end and title.start - trigger.end <= 12:
                cand.position = title.text
                cand.note("from.position", title.text, "position.trigger_object.v1")
                return

    # -- when ----------------------------------------------------------------------------------

    def time(self, item: AnalyzedSentence, trigger: Mention, person: Mention | None) -> tuple[TimeMention | None, str]:
        text = item.ents.text
        c_start, c_end = clause_bounds(text, trigger.start)
        times = [m for m in item.ents.of("TIME") if m.value.value is not None]  # type: ignore[union-attr]
        joins = [h.start for h in self.lx.join_index.hits(text)]
        before = [t for t in times if t.end <= trigger.start]
        in_clause = [t for t in before if t.start >= c_start]
        if in_clause:
            told = [t for t in in_clause if not self.is_future(text, t)]
            if not told:
                # 同年6月27日，…宣布将于年底离开: the day it was told, from an earlier clause
                told = [t for t in before if not self.is_future(text, t) and not any(
                    t.end <= j <= t.end + 3 for j in joins)]
                told = told[-1:]
            # 于6月1日宣布将于今年秋天离职: the told date beats the announced one
            return (told or in_clause)[-1].value, "date.same_clause.v1"  # type: ignore[return-value]
        after = [t for t in times if trigger.end <= t.start < c_end]
        after = [t for t in after if not any(trigger.end <= j <= t.end + 3 for j in joins)]
        if after:
            return after[0].value, "date.after_trigger.v1"  # type: ignore[return-value]
        # 已辞任，自2024年6月1日起生效 / 最后工作日为4月30日: the day it takes effect, in a later clause
        effective = [t for t in times if t.start >= c_end and self.takes_effect(text, t)]
        if effective:
            return effective[0].value, "date.takes_effect.v1"  # type: ignore[return-value]
        if before:
            # an earlier clause of the sentence: "2022年5月，据报道，X离职"; not the date of a move told
            # in the time's own clause (2019年加入Y，后离开), but a purpose clause between is no move
            # (2018年1月，为了全力筹建X，Y请辞)
            last = before[-1]
            _, time_clause_end = clause_bounds(text, last.end)
            if not any(last.end < j < min(trigger.start, time_clause_end) for j in joins) and \
                    not any(last.end < j < trigger.start and not text[time_clause_end + 1:j].startswith("为")
                            for j in joins if j >= time_clause_end):
                return last.value, "date.sentence.v1"  # type: ignore[return-value]
        return None, ""

    def takes_effect(self, text: str, time: Mention) -> bool:
        """自6月1日起生效, 最后工作日为4月30日: the day the departure takes effect."""
        rest = text[time.end:time.end + 6].lstrip()
        before = text[max(0, time.start - 10):time.start].rstrip()
        return rest.startswith(tuple(self.lx.dates.effective_markers)) or \
            before.endswith(tuple(self.lx.dates.last_day_markers))

    def is_future(self, text: str, time: Mention) -> bool:
        return any(text[:time.start].endswith(m) for m in self.lx.dates.future_markers)

    # -- where to --------------------------------------------------------------------------------

    def object_destination(self, cand: Candidate, item: AnalyzedSentence, trigger: Mention) -> None:
        """跳槽字节, 转会西甲巴塞罗那, 被交易到同城对手快船: a departure word whose object is where the
        person went, maybe after a few words that place it (a league, 同城对手)."""
        target = self.frames.org_after_trigger(item, trigger)
        if target is None:
            text = item.ents.text
            target = next((o for o in item.ents.of("ORG") if trigger.end <= o.start <= trigger.end + 6
                           and not _CLAUSE_END.search(text[trigger.end:o.start])
                           and not any(trigger.end <= p.start < o.start for p, _ in item.persons)), None)
        if target is not None and (cand.org is None or target.value.canonical != cand.org.canonical):  # type: ignore[union-attr]
            cand.to_org = target.value.canonical  # type: ignore[union-attr]
            cand.to_kind = self.lx.dest_kind_of_org(target.value.kind)  # type: ignore[union-attr]
            cand.note("to.organization", cand.to_org, "destination.trigger_object.v1")

    def _signed_with(self, text: str, orgs: list[Mention], start: int, left: OrgEntry | None) -> Mention | None:
        """二人均已与南屿海豚队签约: the organization the person signs with, after the departure."""
        signing = tuple(self.lx.destinations.signing_words)
        for org in orgs:
            if org.start < start or text[org.start - 1:org.start] not in ("与", "和", "同"):
                continue
            if text[org.end:org.end + 6].lstrip("正式了").startswith(signing) and \
                    (left is None or org.value.canonical != left.canonical):  # type: ignore[union-attr]
                return org
        return None

    def destination(self, cand: Candidate, items: list[AnalyzedSentence], trigger_end: int, left: OrgEntry | None) -> None:
        """加入X / 出任X的Y / 创办了X / 被X招募, in the rest of the sentence or the next one."""
        for n, item in enumerate(items):
            text = item.ents.text
            start = trigger_end if n == 0 else 0
            if n > 0 and text.lstrip().startswith(("其中", "此外", "另外")):
                break  # 其中董俊良…: the next sentence tells of some of a list, or of others
            if n > 0 and any(full != cand.person for _, full in item.persons):
                # 他与同样出自AMD的彭莉等人创立沐曦: the sentence is still about our person when it opens with him
                anaphors = item.ents.of("ANAPHOR")
                first_person = min((m.start for m, _ in item.persons), default=len(text))
                if not (anaphors and anaphors[0].start < first_person and anaphors[0].start <= 2):
                    break
            orgs = item.ents.of("ORG")
            for hit in self.lx.join_index.hits(text):
                if hit.start < start or text[hit.end:hit.end + 1] in ("人", "者"):
                    continue  # 创办人, 创立者: a founder's title, not a move
                # a new venture is often described before its name: 创立了专注加密货币的AI初创公司EquiLibre
                reach = 40 if hit.value == "startup" else 6
                target = next((o for o in orgs if o.start >= hit.end and not _CLAUSE_END.search(text[hit.end:o.start])
                               and (o.start - hit.end <= reach or self.described_target(text, hit.end, o.start))),
                              None)
                if target is None or (left is not None and target.value.canonical == left.canonical):  # type: ignore[union-attr]
                    if hit.value == "startup":
                        cand.to_kind = cand.to_kind or "startup"
                        cand.note("to.kind", "startup", "destination.founding_verb.v1")
                        venture = self.venture_name(text, hit.end)
                        if venture is not None and cand.to_org is None:
                            cand.to_org = venture  # 翌年创办滴灌通: a new venture has no suffix to know it by
                            cand.note("to.organization", venture, "destination.founded_name.v1")
                            return
                    continue
                entry: OrgEntry = target.value  # type: ignore[assignment]
                cand.to_org = entry.canonical
                cand.note("to.organization", entry.canonical, "destination.join_verb.v1")
                cand.to_kind = "startup" if hit.value == "startup" else self.lx.dest_kind_of_org(entry.kind)
                cand.note("to.kind", cand.to_kind, "destination.org_kind.v1")
                title = next((t for t in item.ents.of("TITLE") if target.end <= t.start <= target.end + 8), None)
                if title is not None:
                    cand.to_position = title.text
                    cand.note("to.position", title.text, title.source)
                return
            signed = self._signed_with(text, orgs, start, left)
            if signed is not None:
                entry = signed.value  # type: ignore[assignment]
                cand.to_org = entry.canonical
                cand.to_kind = self.lx.dest_kind_of_org(entry.kind)
                cand.note("to.organization", entry.canonical, "destination.signed_with.v1")
                return
            for hit in self.lx.join_word_index.hits(text):
                if hit.surface in self.frames.recruit and (n > 0 or hit.start >= 0):
                    target = next((o for o in reversed(orgs) if o.end <= hit.start and hit.start - o.end <= 6), None)
                    first_person = min((m.start for m, _ in item.persons), default=len(text))
                    if target is None and orgs and orgs[0].end <= min(hit.start, first_person) and (
                            orgs[0].start <= 2 or any(text.endswith(n, 0, orgs[0].start)
                                                      for n in self.lx.org_patterns.category_nouns)):
                        # 港大其后经全球招聘，委任X为校长 / 零售商翠丰集团…任命X: the sentence's subject recruits
                        target = orgs[0]
                    if target is not None and (left is None or target.value.canonical != left.canonical):  # type: ignore[union-attr]
                        entry = target.value  # type: ignore[assignment]
                        cand.to_org = entry.canonical
                        cand.to_kind = self.lx.dest_kind_of_org(entry.kind)
                        cand.note("to.organization", entry.canonical, "destination.recruiter.v1")
                        return
            if cand.to_kind is None:
                titles = [(t.start - start, t.end - start) for t in item.ents.of("TITLE")]
                for hit in self.lx.kind_cue_index.hits(text[start:]):
                    if any(s <= hit.start and hit.end <= e for s, e in titles):
                        continue  # 曾任X终身教授: a cue inside a post describes the post, not a destination
                    cand.to_kind = hit.value  # type: ignore[assignment]
                    cand.note("to.kind", cand.to_kind, "destination.kind_cue.v1")
                    break

    def described_target(self, text: str, verb_end: int, org_start: int) -> bool:
        """加盟陈光明正在筹建的睿远基金, 加盟自动驾驶初创公司驭领智能: a destination described before its
        name, by a clause ending in 的 or by a category noun (公司, 厂牌)."""
        between = text[verb_end:org_start]
        return len(between) <= 20 and (between.endswith("的") or any(
            between.endswith(noun) for noun in self.lx.org_patterns.category_nouns))

    def venture_name(self, text: str, after_verb: int) -> str | None:
        """The name right after a founding verb (创办滴灌通, 创立了一家名为栖岸机器人的初创公司), when the
        text gives one rather than a description (创办了一家公司, 创立自己的公司)."""
        rest = text[after_verb:after_verb + 30]
        named = _NAMED_AS.match(rest)
        chunk = named.group(1) if named else _VENTURE.match(rest).group(1) if _VENTURE.match(rest) else None
        if chunk is None or any(c in _NOT_IN_VENTURE for c in chunk) or chunk in self.lx.not_org_names:
            return None
        if chunk.endswith(("公司", "企业", "机构", "团队", "项目", "业务", "初创", "新创")):
            return None
        return chunk

    # -- why and how sure -------------------------------------------------------------------------

    def reason(self, item: AnalyzedSentence, trigger: Mention) -> str | None:
        text = item.ents.text
        for cue in self.reason_cues:
            for match in re.finditer(re.escape(cue), text):
                tail = text[match.end():]
                end = _CLAUSE_END.search(tail)
                chunk = tail[: end.start() if end else len(tail)]
                if trigger.start > match.end() and trigger.start - match.end() < len(chunk):
                    chunk = text[match.end():trigger.start]
                closer = next((c for c in self.lx.triggers.reason_closers if c in chunk), None)
                if cue == "以" and closer != "为由":
                    continue
                if closer == "为由":
                    chunk = chunk.split("为由")[0]
                elif "原因" in chunk:
                    chunk = chunk[: chunk.index("原因") + 2]  # 因个人原因申请辞去 → 个人原因
                chunk = chunk.strip(" ，,")
                if 2 <= len(chunk) <= 30:
                    return chunk
        return None

    def certainty(self, item: AnalyzedSentence, trigger: Mention) -> tuple[str, str | None]:
        hits = [h for h in self.lx.certainty_index.hits(item.ents.text) if h.start < trigger.end + 6]
        if not hits:
            return "confirmed", None
        rank = {"rumored": 2, "reported": 1}
        best = max(hits, key=lambda h: (rank[h.value], h.start))  # type: ignore[index]
        return best.value, best.surface  # type: ignore[return-value]
