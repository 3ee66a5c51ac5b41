"""Organizations, units, posts and ranks in a sentence.

Known organizations come from the gazetteer (canonical name, aliases, divisions); unknown ones
are recognized by their shape: a short name ending with a suffix such as 科技, 集团, 大学.
Units end with a unit suffix (实验室, 团队, 事业部). A post is a title word with the modifier
written before it (视觉搜索总监), stopping where the organization or a clause ends.
"""
from __future__ import annotations

import re

from extractor.rulebook.lexicon import Hit, Lexicon, OrgEntry, PhraseIndex
from extractor.entities.segment import Segmenter
from .mentions import Mention

# a registered company form after a place in brackets: （上海）有限公司, (香港)股份有限公司
_PLACE_IN_BRACKETS = re.compile(r"[（(][\u4e00-\u9fff]{2,4}[）)](?:股份有限公司|有限责任公司|有限公司|集团有限公司)")
# measure words after a number (5只基金, 3家公司): what follows is counted, not named
_MEASURES = frozenset("只家个名位支款")
_NAME_CHAR = re.compile(r"[\u4e00-\u9fffA-Za-z0-9\-]")  # AI-lab
# Words that end the left edge of a shape-recognized name: verbs, particles, quantifiers.
_LEFT_STOP = set("母子去到赴往入进的、，,。；;：:（(）)“”\"「」《》在从于和与及被是为到任向由了家个位名将又也已曾原前现即其该这那并而对给让把兼")
_TIME_IN_STEM = re.compile(r"\d+[年月日]|[年月]$")
_LATIN_STEM = re.compile(r"^[A-Za-z][A-Za-z0-9.\- ]*\s?$")
_GENERIC_BEFORE = ("一家", "家", "个", "这家", "那家", "该")


class OrgFinder:
    def __init__(self, lexicon: Lexicon, segmenter: "Segmenter | None" = None) -> None:
        self.lx = lexicon
        self.segmenter = segmenter
        self.suffix_index = PhraseIndex({s.suffix: s for s in lexicon.org_patterns.suffixes})
        self.stops = set(lexicon.titles.modifier_stops)
        self.joiners = lexicon.titles.title_joiners
        self.move_verbs = [v.word for v in lexicon.destinations.join_verbs]
        # what a name never runs back over: category nouns and move verbs of two characters or more
        # move verbs and departure words whose object is the destination (加盟, 跳槽): 跳槽至X
        self._movers = tuple({*(v for v in self.move_verbs if len(v) > 1),
                              *(t.word for t in lexicon.triggers.triggers if t.object == "destination")})
        self._name_openers = tuple({*lexicon.org_patterns.category_nouns, *self._movers})
        patterns = lexicon.org_patterns
        self._kind_of_noun = {g.noun: g.kind for g in patterns.group_nouns}
        # what may stand right before a Latin name of an organization: what it is (芯片企业, 竞争对手),
        # a former affiliation (原NovaTech, 曾在NovaTech), a move (加盟BlueOcean) or leaving (离开NovaTech)
        openers = {*patterns.category_nouns, *self._kind_of_noun, *lexicon.triggers.former_markers,
                   *(v.word for v in lexicon.destinations.join_verbs if len(v.word) > 1 and v.kind == "company"
                     and not lexicon.title_index.contains_any(v.word) and v.word not in ("出任", "担任")),
                   *(t.word for t in lexicon.triggers.triggers if t.object == "after" and len(t.word) > 1)}
        self._latin_titles = frozenset(lexicon.titles.titles)
        # per unit suffix, the organization suffixes that end with it (部: 俱乐部)
        self._longer_org_suffixes = {u: tuple(s.suffix for s in patterns.suffixes
                                              if s.suffix.endswith(u) and len(s.suffix) > len(u))
                                     for u in patterns.unit_suffixes}
        self._unit_words = frozenset(patterns.unit_suffixes)
        nouns = sorted(openers, key=len, reverse=True)
        self._latin_after_kind = re.compile(
            r"(?P<noun>" + "|".join(map(re.escape, nouns)) + r")\s?"
            r"(?P<name>[A-Z][A-Za-z0-9&.\-]*(?: [A-Z][A-Za-z0-9&.\-]*){0,3})(?![A-Za-z0-9])")

    def known(self, text: str) -> list[Mention]:
        return [
            Mention(h.start, h.end, h.surface, "ORG", "orgs.gazetteer.v1", h.value)
            for h in self.lx.org_index.hits(text)
        ]

    def _extend_left(self, text: str, end_of_stem: int, floor: int, max_chars: int) -> int:
        start = end_of_stem
        while start > floor and end_of_stem - start < max_chars:
            char = text[start - 1]
            if not _NAME_CHAR.match(char):
                break
            if char in _LEFT_STOP and not self._ends_a_word(text, start, floor):
                break
            # 投资机构启衡资本, 转签橙果互娱: a category noun or a move verb is not part of the name,
            # nor the 至 or 到 after a move verb (加盟至长青资本)
            if start < end_of_stem and (text.endswith(self._name_openers, floor, start) or (
                    text[start - 1] in "至到" and text.endswith(self._movers, 0, start - 1))):
                break
            if char in _MEASURES and start - 2 >= floor and text[start - 2].isdigit():
                break  # 全部5只基金: a count, not a name
            start -= 1
        return start

    def _ends_a_word(self, text: str, end: int, floor: int) -> bool:
        """先进 in 南方先进计算研究院: a stop character that ends an ordinary word (not a verb) is part of the
        name, unlike the 进 of 进入."""
        if self.segmenter is None or end - 2 < floor:
            return False
        word = text[end - 2:end]
        # an adjective or a noun, but not one of the posts' time words (新任, 前任, 现任)
        return self.segmenter.word_frequency(word) >= 100 and self.segmenter.tag_of(word) in ("a", "an", "b", "n", "nz", "ns") \
            and word[-1] != "任"

    def latin_after_kind(self, text: str, taken: list[tuple[int, int]]) -> list[Mention]:
        """A Latin name right after a word saying what it is (芯片企业Veridian Semiconductor, 初创公司
        QubitWorks, 竞争对手Ashford Partners), a former affiliation (原NovaTech中国区总裁), a move
        (加盟BlueOcean) or leaving (离开NovaTech). Capitalized words only, never a post (原CEO)."""
        found = []
        for match in self._latin_after_kind.finditer(text):
            start, end = match.span("name")
            name = match.group("name")
            if any(s < end and start < e for s, e in taken) or name in self._latin_titles or len(name) < 3 \
                    or name.split(" ")[-1] in self._unit_words or any(h.start == 0 for h in self.suffix_index.hits(text[end:end + 6])):
                continue  # 原CEO: a post; 出任AI Lab副主任: a unit; 原RNX战队: the suffix finder's name
            kind = self._kind_of_noun.get(match.group("noun"), "company")
            found.append(Mention(start, end, match.group("name"), "ORG", "orgs.latin_after_kind.v1",
                                 OrgEntry(match.group("name"), kind)))  # type: ignore[arg-type]
        return found

    def registered_with_place(self, text: str, taken: list[tuple[int, int]]) -> list[Mention]:
        """蓝芯半导体（上海）有限公司, 安信人寿保险（香港）有限公司: a registered name with its place in
        brackets before the company form is one name."""
        found = []
        for match in _PLACE_IN_BRACKETS.finditer(text):
            floor = max([e for s, e in taken if e <= match.start()], default=0)
            start = self._extend_left(text, match.start(), floor, 12)
            if match.start() - start < 2 or any(s < match.end() and start < e for s, e in taken):
                continue
            name = text[start:match.end()]
            found.append(Mention(start, match.end(), name, "ORG", "orgs.registered_place.v1", OrgEntry(name, "company")))
        return found

    def by_shape(self, text: str, taken: list[tuple[int, int]]) -> list[Mention]:
        """Organizations unknown to the gazetteer: 智行合一科技有限公司, 至像科技, 两氢一氧公司."""
        found = []
        suffix_ends: list[int] = []
        # a suffix that opens a post is the post's (局 of 局长, 基金 of 基金经理), and a name never runs
        # back over a post (联网总监兼屯门医院 is 屯门医院)
        posts = self.lx.title_index.hits(text)
        starts_post = {h.start for h in posts}
        post_ends = [h.end for h in posts]
        hits = [h for h in self.suffix_index.hits(text) if h.start not in starts_post
                and not (h.end < len(text) and text[h.end] in h.value.not_followed_by)]
        # 智能 + 科技有限公司: suffixes in a row end one name
        merged: list[Hit] = []
        for hit in hits:
            if merged and merged[-1].end == hit.start and not hit.value.latin:
                merged[-1] = Hit(merged[-1].start, hit.end, merged[-1].surface + hit.surface, hit.value)
            else:
                merged.append(hit)
        for hit in merged:
            if any(s < hit.end and hit.start < e for s, e in taken):
                continue
            registered = len(hit.surface) >= 4  # 有限公司: a registered name, written whole
            floor = max([e for s, e in taken if e <= hit.start] + [e for e in post_ends if e <= hit.start] +
                        ([] if registered else [e for e in suffix_ends if e <= hit.start]), default=0)
            # AI公司至像科技: a name never runs across another suffix, except a registered name
            # (东方证券资产管理有限公司, 华骏智能装备股份有限公司), which holds its own
            suffix_ends.append(hit.end)
            if hit.value.latin:
                start = hit.start  # EquiLibre Technologies: Latin words joined by spaces
                while start > floor and (text[start - 1].isascii() and (text[start - 1].isalnum() or text[start - 1] in " .-&")):
                    start -= 1
                while start < hit.start and not text[start].isalnum():
                    start += 1
            else:
                start = self._extend_left(text, hit.start, floor, 16 if registered else 8)
                # 加盟栖木科技, 随后转投北极光机器人, 宣布退出社会进步党: a move or departure word before
                # the name is not part of it
                stem_text = text[start:hit.start]
                verbs = self.lx.join_word_index.hits(stem_text) + [
                    h for h in self.lx.trigger_index.hits(stem_text) if h.value is not None]
                if verbs:
                    start += max(v.end for v in verbs)
            if hit.start - start < (1 if len(hit.surface) >= 3 else hit.value.min_stem):
                continue  # 市财政局: a long suffix names a body after one character
            if len(hit.surface) == 1 and self.segmenter is not None and \
                    self.segmenter.word_frequency(text[hit.start - 1:hit.end]) >= 100:
                continue  # 全球布局, 新格局: a one-character suffix inside an ordinary word
            before = text[max(0, start - 2):start]
            if any(before.endswith(g) for g in _GENERIC_BEFORE):
                continue  # 一家清洁机器人公司: a description, not a name
            name = text[start:hit.end]
            stem = text[start:hit.start]
            if any(stem.endswith(noun) for noun in self.lx.org_patterns.category_nouns):
                continue  # 物联网初创公司: a kind of company, not a name
            if name in self.lx.not_org_names or not self.name_like(stem, hit.value):
                continue
            # 两氢一氧公司 is 两氢一氧: a bare 公司 is a common noun, not part of the name
            entry = OrgEntry(stem if hit.surface == "公司" else name, hit.value.kind)
            found.append(Mention(start, hit.end, name, "ORG", "orgs.suffix_shape.v1", entry))
        # a registered name swallows the shorter names inside it (上海东方证券 in 上海东方证券资产管理有限公司)
        return [m for m in found if not any(o is not m and o.start <= m.start and m.end <= o.end for o in found)]

    def name_like(self, stem: str, suffix) -> bool:  # type: ignore[no-untyped-def]
        """A proper name, not a description: 两氢一氧公司 yes, 清洁机器人公司 or 通知公司 no."""
        if suffix.latin:
            return bool(_LATIN_STEM.match(stem))
        if self.segmenter is None:
            return True
        if _TIME_IN_STEM.search(stem):
            return False  # 2019年公司: a time, not a name
        if len(suffix.suffix) >= 4:
            return True  # 智行合一科技有限公司: a registered name
        words = self.segmenter.cut(stem)
        if (suffix.descriptive or len(suffix.suffix) < 3) and \
                any(len(w) > 1 and self.segmenter.tag_of(w).startswith("v") for w in words):
            return False  # 说服公司, 通知公司: a verb makes it a clause (北欧合作基金会 is a name)
        # ordinary: a common word (清洁, 机器人), not a rare dictionary entry that is also a brand (澄观)
        known = [len(w) > 1 and (self.segmenter.word_frequency(w) >= 100 or (w.isascii() and len(w) <= 3)) for w in words]
        if all(known) and suffix.descriptive:
            return False  # 清洁机器人公司, AI初创公司, 技术创新: ordinary words describing a kind of company
        return True

    def units(self, text: str, orgs: list[Mention], blocked: list[tuple[int, int]]) -> list[Mention]:
        """Named parts of an organization: 自动驾驶实验室, 语音团队, 智能驾驶事业群组, AI Lab."""
        found = []
        starts_post = {h.start for h in self.lx.title_index.hits(text)}
        for hit in self.lx.unit_suffix_index.hits(text):
            if any(m.start <= hit.start and hit.end <= m.end for m in orgs) or hit.start in starts_post:
                continue  # inside an organization, or the 部 of 部长
            if text.endswith(self._longer_org_suffixes.get(hit.surface, ()), 0, hit.end):
                continue  # the 部 of 俱乐部: an organization's suffix, not a unit's
            floor = max([e for s, e in blocked if e <= hit.start], default=0)
            start = self._extend_left(text, hit.start, floor, 10)
            while start > floor + 1 and text[start - 1] == " " and text[start - 2].isascii() and text[start - 2].isalnum():
                start = self._extend_left(text, start - 1, floor, 10)  # AI Labs, Applied Vision Team
            while start < hit.start and text[start] == " ":
                start += 1
            if start > 0 and text[start - 1] in "该本此" and start + 1 < hit.start and text[start] in "校院所司":
                start += 1  # 该校信息工程学院: 校 is the school the article names, not the unit's name
            for prefix in self.lx.titles.generic_prefixes:
                if text.startswith(prefix, start) and start + len(prefix) < hit.start:
                    start += len(prefix)
                    break
            if hit.start - start < 1 and hit.surface not in ("Lab", "Labs"):
                before = next((m for m in orgs if m.end == hit.start), None)
                if before is None and len(hit.surface) < 4:
                    continue
                if before is not None and len(hit.surface) < 4:
                    start = before.start  # 阿里云研究院: a bare unit word named by its organization
            remit = self.lx.org_patterns.remit_verbs
            if any(text[:start].endswith(v) or text.startswith(v, start) for v in remit):
                continue  # 负责车型项目: what someone is in charge of, not where they sit
            if text[start:hit.end] in self.lx.org_patterns.not_units:
                continue
            found.append(Mention(start, hit.end, text[start:hit.end], "UNIT", "orgs.unit_suffix.v1"))
        return found

    def posts(self, text: str, blocked: list[tuple[int, int]]) -> list[Mention]:
        """Posts: a title word, its modifier, and titles joined by 兼/暨 (副主席兼秘书长)."""
        hits = self.lx.title_index.hits(text)
        found: list[Mention] = []
        for hit in hits:
            if text[hit.end:hit.end + 1] == "会":
                continue  # 董事会, 理事会: the board, not a post
            floor = max([e for s, e in blocked if e <= hit.start], default=0)
            if found and found[-1].end <= hit.start:
                floor = max(floor, found[-1].end)
            start = hit.start
            while start > floor and hit.start - start < 12:
                char = text[start - 1]
                if char in self.stops or not _NAME_CHAR.match(char):
                    break
                start -= 1
            start = self.post_start(text, start, hit.start)
            if found and text[found[-1].end:start] in self.joiners[:2] and start == found[-1].end + 1:
                previous = found.pop()
                start = previous.start
            found.append(Mention(start, hit.end, text[start:hit.end], "TITLE", "titles.lexicon_modifier.v1", hit.surface))
        return found

    def post_start(self, text: str, start: int, head_start: int) -> int:
        """Where a post whose modifier begins at `start` really begins: 收到公司副总经理 → 副总经理
        (a verb, then a generic word, may open the modifier)."""
        for _ in range(2):
            start = self._drop_leading_function_words(text, start, head_start)
            for prefix in self.lx.titles.generic_prefixes:
                if text.startswith(prefix, start) and start + len(prefix) <= head_start:
                    start += len(prefix)
                    break
        # 葡萄牙籍主教练: the nationality is the person's
        marks = [text.find(m, start, min(head_start, start + 7)) for m in self.lx.titles.nationality_markers]
        marks = [i for i in marks if i > start]
        if marks:
            start = min(marks) + 1
        return start

    def _drop_leading_function_words(self, text: str, start: int, end: int) -> int:
        """收到董事长 → 董事长: the verbs in titles.yaml `modifier_verbs` never start a post."""
        verbs = self.lx.titles.modifier_verbs
        moved = True
        while moved and start < end:
            moved = False
            for verb in verbs:
                if text.startswith(verb, start) and start + len(verb) <= end:
                    start += len(verb)
                    moved = True
                    break
        return start

    def ranks(self, text: str) -> list[Mention]:
        return [
            Mention(m.start(1), m.end(1), m.group(1).upper(), "RANK", "titles.rank_pattern.v1")
            for m in self.lx.rank_re.finditer(text)
        ]


def overlaps(a: tuple[int, int], spans: list[tuple[int, int]]) -> bool:
    return any(s < a[1] and a[0] < e for s, e in spans)


def hit_spans(hits: list[Hit]) -> list[tuple[int, int]]:
    return [(h.start, h.end) for h in hits]
