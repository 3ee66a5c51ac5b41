"""Person names: Chinese names from a surname table plus context, transliterated foreign names,
Latin names, and the aliases an article introduces (花名, English names, short forms).

jieba alone mis-tags about one name mention in six here (it splits 杨红霞, glues 谭平和), so a
Chinese name is proposed from a surname and accepted only with context on both sides: what comes
before (a title, an organization, a list separator, the clause start) and what comes after (a
departure word, a cue such as 也/已/于, punctuation). jieba's dictionary vetoes ordinary words.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import jieba.posseg

from extractor.rulebook.lexicon import Lexicon
from extractor.entities.segment import Segmenter
from .mentions import Mention

_CJK = "\u4e00-\u9fff"
_IS_CJK = re.compile(rf"[{_CJK}]")
# Latin names with their accented letters (Samir Kovač, José Mourinho)
_UPPER = "A-ZÀ-ÖØ-ÞĀĂĄĆĈĊČĎĐĒĔĖĘĚĜĞĠĢĤĦĨĪĬĮİĴĶĹĻĽĿŁŃŅŇŊŌŎŐŒŔŖŘŚŜŞŠŢŤŦŨŪŬŮŰŲŴŶŸŹŻŽ"
_LOWER = "a-zß-öø-ÿāăąćĉċčďđēĕėęěĝğġģĥħĩīĭįıĵķĺļľŀłńņňŋōŏőœŕŗřśŝşšţťŧũūŭůűųŵŷźżž"
_LATIN_NAME = re.compile(rf"(?<![A-Za-z.{_LOWER[3:]}])[{_UPPER}][{_LOWER}]+(?:[ \-][{_UPPER}][{_LOWER}]+){{1,2}}(?![A-Za-z{_LOWER[3:]}])")
_NUMERALS = set("一二三四五六七八九十百千万两几")
_MEASURES = set("年月日天岁个次届任位名")
_LIST_ITEM = re.compile(r"^\s*(?:\d{1,3}|[一二三四五六七八九十]{1,3})\s*[.、．)）]\s*")
_BRACKET = re.compile(r"^\s*[（(]([^（()）]{1,60})[）)]")
_QUOTED = re.compile(r"[「“\"『‘]([^」”\"』’]{1,12})[」”\"』’]")
_LATIN_ALIAS = re.compile(rf"^[{_UPPER}a-z][A-Za-z{_LOWER[3:]}.\- ']{{0,40}}$")
_LEFT_OK = set("，,。；;：:、和与及同（(“「\"《 前原由被把让令将对\n") | {"的"}
# ordinary words that can follow a surname-like character and still pass jieba's veto
_LATIN_STOPWORDS = {"Team", "Lab", "Labs", "Vision", "Applied", "Brain", "Technologies", "Origin", "Materials",
                    "Superintelligence", "Platforms", "Group", "Inc", "Ltd", "Capital", "Cloud", "Research",
                    "Phone", "Windows", "Surface", "Gemini", "Pro", "Max", "Plus", "Mini", "Series", "Model"}


@dataclass
class NameRegistry:
    """Names known in one article: each surface form points at the full name it stands for."""

    full_names: dict[str, list[str]] = field(default_factory=dict)  # full name -> aliases in order
    surface_to_full: dict[str, str] = field(default_factory=dict)

    def add_full(self, name: str) -> None:
        if name in self.surface_to_full and self.surface_to_full[name] != name:
            return  # already known as someone's alias
        self.full_names.setdefault(name, [])
        self.surface_to_full.setdefault(name, name)

    def add_alias(self, full: str, alias: str) -> None:
        self.add_full(full)
        full = self.surface_to_full.get(full, full)
        if alias == full or alias in self.full_names.get(full, []):
            return
        if alias in self.full_names and alias != full:
            # the alias was first seen as a name of its own: fold it into this person
            self.full_names[full].extend(a for a in self.full_names.pop(alias) if a != full)
        self.full_names[full].append(alias)
        self.surface_to_full[alias] = full

    def add_short(self, full: str, short: str) -> None:
        """A short form (surname, family name) is linked only while it is unambiguous."""
        owner = self.surface_to_full.get(short)
        if owner is None:
            self.surface_to_full[short] = full
        elif owner != full and short not in self.full_names:
            self.surface_to_full[short] = ""  # ambiguous: two people share it

    def resolve(self, surface: str) -> str | None:
        full = self.surface_to_full.get(surface)
        return full or None


class PersonFinder:
    def __init__(self, lexicon: Lexicon, segmenter: Segmenter) -> None:
        self.lx = lexicon
        # jieba's dictionary, read only: its part-of-speech tags veto ordinary words as names
        self.word_tags = jieba.posseg.dt.word_tag_tab
        self.segmenter = segmenter
        marks = "".join(re.escape(m) for m in lexicon.name_cues.transliteration_marks)
        self._translit = re.compile(
            rf"(?:[A-Z]{{1,3}}|[{_CJK}]{{1,5}})(?:[{marks}][{_CJK}]{{1,7}})+"
        )
        labels = "|".join(re.escape(a.label) for a in lexicon.name_cues.alias_intro)
        self._alias_label = re.compile(rf"(?:{labels})\s*[:：为是]?\s*")
        self.translit_end_cues = frozenset(lexicon.name_cues.transliteration_end_cues)
        self._honorific = re.compile("|".join(map(re.escape, lexicon.name_cues.honorifics)))

    # -- Chinese names ------------------------------------------------------------------

    def freq(self, word: str) -> int:
        return self.segmenter.word_frequency(word)

    def _is_word(self, candidate: str) -> bool:
        tag = self.word_tags.get(candidate)
        # jieba's dictionary holds rare entries such as 付强 (v, 3 uses): only common words veto a name
        return tag is not None and not tag.startswith("nr") and self.freq(candidate) >= 20

    def _right_strength(self, text: str, end: int, blocked_starts: set[int]) -> int:
        """2: a cue that a name just ended (离职, 也, 先生, an alias bracket); 1: punctuation; 0: none."""
        if end >= len(text):
            return 1
        char = text[end]
        if end in blocked_starts or char in self.lx.strong_right_cues or char in "（(" or self._honorific.match(text, end):
            return 2
        if self._starts_word(text, end):
            return 2  # 顾捷承接: an ordinary word starts right after the name
        if not _IS_CJK.match(char):
            # 王刚，于2022年1月离职 / 王大明，今年1月离职: the next clause goes on with the same subject
            if char in "，," and end + 1 < len(text) and (text[end + 1] in "于已也将在曾" or end + 1 in self._soft_starts):
                return 2
            return 1
        return 0

    def _left_strength(self, text: str, start: int, blocked_ends: set[int], weak: bool = False) -> int:
        """2: right after a post, organization or role noun (负责人沈加翔); 1: a clause edge; 0: none."""
        if start in blocked_ends:
            return 2
        if start in self._soft_ends:
            return 1
        if _LIST_ITEM.fullmatch(text[:start]):
            return 2  # 1. 张三丰：原百度副总裁…: a name opening a numbered item
        if start == 0:
            return 1
        char = text[start - 1]
        if char.isdigit() or char in _NUMERALS:
            return 0  # 4000万欧元, 三万人: a count, not a surname
        if char in "、和与及":
            return 2 if not weak else 1
        if char in _LEFT_OK or not _IS_CJK.match(char):
            return 1
        return 0

    def _starts_word(self, text: str, position: int) -> bool:
        """Whether an ordinary two-character word starts at `position` (宣布, 承接, 发布)."""
        word = text[position:position + 2]
        return len(word) == 2 and self.freq(word) >= 100 and not (self.word_tags.get(word) or "").startswith("nr")

    def agrees_with_surnames(self, name: str) -> bool:
        """A name the model found that the surname table would accept: a known surname, one or two
        given-name characters, and not an ordinary word or a word listed as no name."""
        surname_len = 2 if name[:2] in self.lx.double_surnames else 1 if name[:1] in self.lx.single_surnames else 0
        if not surname_len or not 1 <= len(name) - surname_len <= 2 or not all(_IS_CJK.match(c) for c in name):
            return False
        return self._plausible(name, surname_len)

    def _plausible(self, candidate: str, surname_len: int) -> bool:
        given = candidate[surname_len:]
        if any(c in self.lx.not_in_given_name for c in given):
            return False
        if candidate in self.lx.role_words or candidate in self.lx.not_person_words:
            return False
        if any(c in _NUMERALS for c in given) and given[-1] in _MEASURES:
            return False  # 满六年, 第三次: a count, not a name
        tag = self.word_tags.get(given) or ""
        if len(given) == 2 and tag[:1] in ("v", "p", "d", "c", "u") and self.freq(given) >= 1000:
            return False  # 曾担任, 曾任: a surname-like character before a verb
        if self._is_word(candidate) or candidate in self.lx.not_org_names:
            return False
        # 信息显, 公司存: the surname and the next character make an ordinary word
        head = candidate[: surname_len + 1]
        return not (self._is_word(head) and self.freq(head) >= 50)

    def chinese_names(
        self, text: str, blocked: list[tuple[int, int]], suspect: list[tuple[int, int]],
        soft: list[tuple[int, int]] = (),  # type: ignore[assignment]
    ) -> list[Mention]:
        """`blocked`: posts, organizations (a name may follow them); `soft`: triggers, times (weaker left edges)."""
        self._soft_ends = {e for _, e in soft} | {h.end for h in self.lx.name_left_verb_index.hits(text)}
        self._soft_starts = {s for s, _ in soft}
        blocked = list(blocked) + list(soft)
        covered = bytearray(len(text))
        for start, end in blocked + suspect:
            covered[start:end] = b"\x01" * (end - start)
        blocked_starts = {s for s, _ in blocked}
        blocked_ends = {e for _, e in blocked} - self._soft_ends
        for hit in self.lx.role_index.hits(text):
            blocked_ends.add(hit.end)
        found: list[Mention] = []
        whole = _LIST_ITEM.sub("", text).rstrip("。.；; ")
        i = 0
        n = len(text)
        while i < n:
            char = text[i]
            surname_len = 2 if text[i:i + 2] in self.lx.double_surnames else 1 if char in self.lx.single_surnames else 0
            if not surname_len or covered[i]:
                i += 1
                continue
            if self._honorific.match(text, i + surname_len):
                i += surname_len  # 李先生, 梁女士: a reference back to a person named in full (see NameRegistry)
                continue
            weak = surname_len == 1 and char in self.lx.weak_surnames
            left = self._left_strength(text, i, blocked_ends, weak)
            if left == 0 or (weak and left < 2):
                i += 1
                continue
            options = []
            for given in (2, 1):
                end = i + surname_len + given
                if end > n or any(covered[i:end]):
                    continue
                candidate = text[i:end]
                if not all(_IS_CJK.match(c) for c in candidate) or not self._plausible(candidate, surname_len):
                    continue
                if given == 1 and end < n and self._starts_word(text, end - 1):
                    continue  # 梅任命X: a one-character given name would end inside the word 任命
                right = self._right_strength(text, end, blocked_starts)
                if candidate == whole:
                    right = 2  # a list item that is only a name: "7. 高修峰。"
                if right == 0 or (left + right) < 3 or (weak and right < 2):
                    continue
                options.append((right, given, end, candidate))
            best = None
            if options:
                if len(options) == 2 and options[1][0] == 2 and self._starts_word(text, i + surname_len + 1):
                    best = options[1][2:]  # 李磊宣布: 宣 starts a word, so the name is 李磊
                else:
                    best = max(options, key=lambda o: (o[0], o[1]))[2:]
            if best is None:
                i += 1
                continue
            end, candidate = best
            found.append(Mention(i, end, candidate, "PERSON", "persons.surname_context.v1"))
            i = end
        return found

    # -- foreign names ----------------------------------------------------------------------

    def transliterated(self, text: str, blocked: list[tuple[int, int]]) -> list[Mention]:
        found = []
        blocked_ends = sorted(e for _, e in blocked)
        for match in self._translit.finditer(text):
            start, end = match.start(), match.end()
            # the first part must not swallow the title or organization before it
            for blocked_end in blocked_ends:
                if start < blocked_end <= match.group(0).find(self.lx.name_cues.transliteration_marks[0]) + start or (
                    start < blocked_end < end and blocked_end - start <= 5
                ):
                    start = blocked_end
            # the last part stops at a cue (帕特尔也宣布 → 帕特尔)
            last_mark = max(text.rfind(m, start, end) for m in self.lx.name_cues.transliteration_marks)
            for k in range(last_mark + 2, end):
                if text[k] in self.translit_end_cues or any(s == k for s, _ in blocked) or (
                    k >= last_mark + 3 and self.freq(text[k:k + 2]) >= 500
                    and (self.word_tags.get(text[k:k + 2]) or "")[:1] in ("v", "d", "p", "c", "u")
                ):
                    end = k  # 苏茨克维确定创业: an ordinary word (确定) starts after the name
                    break
            while start < end and text[start] in self.lx.name_end_cues:
                start += 1
            # 签下勒布朗·詹姆斯: an ordinary verb before the first part is not part of the name
            first_mark = min(k for k in (text.find(m, start, end) for m in self.lx.name_cues.transliteration_marks)
                             if k >= 0) if any(m in text[start:end] for m in self.lx.name_cues.transliteration_marks) else end
            if first_mark - start >= 4 and self.freq(text[start:start + 2]) >= 1 and \
                    (self.word_tags.get(text[start:start + 2]) or "")[:1] in ("v", "p", "d", "c"):
                start += 2
            name = text[start:end]
            if len(name) >= 3 and any(m in name for m in self.lx.name_cues.transliteration_marks):
                found.append(Mention(start, end, name, "PERSON", "persons.transliteration.v1"))
        return found

    def latin_names(self, text: str, org_spans: list[tuple[int, int]]) -> list[Mention]:
        found = []
        for match in _LATIN_NAME.finditer(text):
            words = re.split(r"[ \-]", match.group(0))
            if any(w in _LATIN_STOPWORDS for w in words):
                continue
            if any(s <= match.start() < e or s < match.end() <= e for s, e in org_spans):
                continue
            if match.group(0) in self.lx.org_by_surface:
                continue
            if text[max(0, match.start() - 1):match.start()] in ("（", "(") and \
                    any(e == match.start() - 1 for _, e in org_spans):
                continue  # 豪森联队（Hausen United）: the organization's own name in Latin
            after = text[match.end():match.end() + 1]
            if after and _IS_CJK.match(after) and after not in self.lx.strong_right_cues and not any(
                s == match.end() for s, _ in org_spans
            ):
                continue  # Business Insider报道: a source, not a person
            found.append(Mention(match.start(), match.end(), match.group(0), "PERSON", "persons.latin.v1"))
        return found

    # -- aliases ------------------------------------------------------------------------------

    def aliases_after(self, text: str, end: int) -> list[tuple[str, str]]:
        """Aliases introduced in brackets right after a name: (花名:五福), （Drew Baglino）, （KK）."""
        match = _BRACKET.match(text[end:])
        if not match:
            # 周畅，花名钟煌。: an alias introduced right after the name, in the next clause
            plain = re.match(r"\s*[，,]\s*", text[end:end + 3])
            label = self._alias_label.match(text, end + plain.end()) if plain else None
            if label is None:
                return []
            value = re.split(r"[\s，,。；;：:（(）)]", text[label.end():label.end() + 14])[0].strip("「」“”\"'『』")
            return [(value, "persons.alias_intro.v1")] if 1 <= len(value) <= 12 else []
        inner = match.group(1).strip()
        if inner in self.lx.name_cues.transliteration_notes:
            return []
        aliases: list[tuple[str, str]] = []
        if self._alias_label.search(inner):
            for part in re.split(r"[，,；;]", inner):
                label = self._alias_label.search(part)
                if not label:
                    continue
                rest = part[label.end():].strip()
                quoted = _QUOTED.findall(rest)
                value = quoted[0] if quoted else re.split(r"[\s，,）)]", rest)[0]
                value = value.strip("「」“”\"'『』")
                if 1 <= len(value) <= 12:
                    aliases.append((value, "persons.alias_intro.v1"))
        elif _LATIN_ALIAS.match(inner) and inner[0].isupper():
            aliases.append((inner, "persons.bracketed_latin.v1"))
        return aliases

    def short_forms(self, full: str) -> list[str]:
        """Forms a later mention may use: Karpathy for Andrej Karpathy, 巴格利诺 for 德鲁·巴格利诺."""
        for mark in self.lx.name_cues.transliteration_marks:
            if mark in full:
                parts = full.split(mark)
                return [p for p in (parts[-1], parts[0]) if len(p) >= 2]
        if " " in full:
            return [full.split(" ")[-1]]
        if _IS_CJK.match(full[:1]):
            surname_len = 2 if full[:2] in self.lx.double_surnames else 1
            return [full[:surname_len]]
        return []

    def honorific_at(self, text: str, start: int) -> bool:
        return self._honorific.match(text, start) is not None

    def strip_honorific(self, text: str, end: int) -> int:
        match = self._honorific.match(text, end)
        return match.end() if match else end
