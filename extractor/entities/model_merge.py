"""How the rules' entities and the statistical model's (LAC) are merged, one rule per function.

The rules know the gazetteer, titles and context; the model knows what an unseen name looks like.
Each function takes the rules' mentions of one sentence and the model's words for it and says what
to keep, change or add; what it drops is returned with the reason, so `departures entities` can
show why an entity was or was not used. The rules, in the order the analyzer applies them:

1. a gazetteer hit the model reads as part of a longer word (华夏 in 华夏幸福, 平安 in 平安夜), as a
   person, or right after a place (西岭|猎豹 is not 猎豹移动) is dropped;
2. an organization found by its suffix that begins with common words the model keeps apart
   (中超球队滨海联队) starts where the model's organization starts; one the model reads as part of a
   longer organization (泰和|人寿保险股份有限公司, 赤焰电子|竞技俱乐部) takes the model's span; one
   holding the model's day or preposition starts after it (许嘉宁今日通过|经纪公司), and
   is dropped when what is left only names a kind of organization;
3. the model's organizations are added where the rules found no entity and the sentence gives them
   a role: a post after them, even across a stock code or a region (东岳股份董事长, 宜家华北区总经理),
   a departure or move word before them (离开凯诺), a category noun before them (初创公司栖木科技), a
   statement they make (YG发表声明); posts then stop at them;
4. a rule person whose edge differs from the model's by one character takes the model's edge when
   that character explains the rules' mistake: a function character or the start of the next word
   (张某以 → 张某, 刘某某递交 → 刘某某), a word the rules stopped at (孔维|新任 → 孔维新), a verb of two
   characters or more before the name (签下勒布朗·詹姆斯 → 勒布朗·詹姆斯);
5. a rule person the model reads as an organization, a place or a dictionary word stands only with
   strong context: a post right before it;
6. the model's persons are added where the rules found nothing, when the surname table agrees
   (a known surname, no ordinary word), or with context: a post or role noun right before, or a
   departure word right after; never a Latin name (the rules' own) or an alias in brackets;
7. a post's modifier holds no adverb, pronoun or clause-taking verb: it starts after the last one
   (有媒体报道称中国区总裁 → 中国区总裁, 同意接任执行董事 → 执行董事);
8. a short word in a 、-list of names whose neighbour is a person is a person too;
9. an unknown name before a post before a person is the organization (北岭雄鹰主教练韩卫东): the
   post's modifier, when it opens its clause, is a place or organization word with more after it
   (not a bare place), and not a region (华中区) or a unit;
10. one or two name-like words right after a group noun (女子组合星芒少女, CBA球队东海鲨鱼), or what quotes
    right after it hold (乐队“夜航”), name the group, over a shorter organization of the model's inside
    (球队韦斯特|福德城);
11. a proper noun of the model's right before an organization suffix is a name with it (北极光机器人),
    even where the suffix finder reads the word as an ordinary one;
12. frames name organizations nobody listed: 从X + a departure word (从南港海鸥转会), a departure word
    whose object ends its clause (离开北岭雄鹰后), an affiliation verb (效力西岭猎豹十一年), a move's
    object that reads as a name (转会至西岭猎豹); X is two to eight characters of the model's nouns, places
    and proper nouns, never a verb, a person, a time, a post, a field or a generic noun.
"""
from __future__ import annotations

import re
from typing import Callable, Protocol, Sequence

from extractor.rulebook.lexicon import OrgEntry
from .mentions import Mention


def _not_in_name(word: ModelWord) -> bool:
    """The model's words that never stand inside an organization's name: a preposition, a day, a
    date or a time after or before something (今日, 6月1日, 赛后; not 未来 of 绿色未来党, which the
    model also calls a time). Not its persons:
    it reads company names as persons at times (华晶半导体)."""
    return word.label == "p" or (word.label == "TIME" and (
        any(c.isdigit() for c in word.text) or word.text.endswith(("日", "天", "月", "年", "后", "前"))))

# a name in quotes right after a group noun (乐队“夜航”, 组合「星芒」)
_QUOTED = re.compile(r"[“「『\"]([^”」』\"，。,]{1,12})[”」』\"]")
# the model's labels of words that may open a name with it (社会|民主党, 新|进步党)
_NAME_WORDS = frozenset({"n", "nz", "a", "an", "b", "vn", "nw", "j"})
# a name with no punctuation or space inside: the model's word is one name, not a clause
_NAME_ONLY = re.compile(r"[\u4e00-\u9fffA-Za-z0-9·&]+")

MODEL_SOURCE = "ner.lac.v1"
# Parts of speech of ordinary words (proper nouns `nz` and works `nw` are not ordinary).
ORDINARY = frozenset({"n", "v", "vd", "vn", "a", "ad", "an", "d", "f", "r", "s", "t", "m", "q", "p", "c", "u", "xc"})


class ModelWord(Protocol):
    start: int
    end: int
    text: str
    label: str


Dropped = tuple[Mention, str]
_OPENERS = frozenset("“\"「『‘（(")
# what may stand between a name and its departure word: nothing, or an adverb of time (也已将于)
_BEFORE_DEPARTURE = frozenset("也已将于曾则再又均都亦正经")


def _covering(words: Sequence[ModelWord], start: int, end: int) -> list[ModelWord]:
    return [w for w in words if w.start < end and start < w.end]


def veto_gazetteer(orgs: list[Mention], words: Sequence[ModelWord], org_suffixes: Sequence[str],
                   unit_suffixes: Sequence[str], is_word: Callable[[str], bool]) -> tuple[list[Mention], list[Dropped]]:
    """Rule 1: short gazetteer names inside other words or names (华夏 in 华夏幸福, 中信 in 中信建投).

    A model organization that is the name plus a suffix (阿里巴巴集团) or plus an ordinary word
    (大疆电池: its battery business) or a unit (达摩院XR实验室) keeps the gazetteer's name."""
    if not words:
        return orgs, []
    kept, dropped = [], []
    for org in orgs:
        if org.source != "orgs.gazetteer.v1" or len(org.text) > 3:
            kept.append(org)
            continue
        reason = None
        for word in _covering(words, org.start, org.end):
            inside = word.start <= org.start and org.end <= word.end and (word.end - word.start) > len(org.text)
            crossing = word.start < org.start < word.end or word.start < org.end < word.end
            if word.label == "PER" and (inside or crossing):
                reason = f"the model reads {word.text} as a person"
            elif inside and word.label == "ORG":
                rest = word.text[org.end - word.start:]
                ordinary = any(rest.startswith(s) for s in org_suffixes) or any(rest.endswith(u) for u in unit_suffixes) \
                    or (len(rest) >= 2 and (is_word(rest[:2]) or is_word(rest)))  # not 夜 of 平安夜
                if word.start < org.start or not ordinary:
                    reason = f"part of the model's organization {word.text}"
            elif inside and word.label != "LOC":
                reason = f"part of the word {word.text} ({word.label})"
            elif crossing and word.label in ORDINARY and (word.end - word.start) >= 2:
                reason = f"the model's word {word.text} ({word.label}) crosses it"
            if reason:
                break
        place = next((w for w in words if w.end == org.start and w.label == "LOC"), None)
        if reason is None and place is not None and len(org.text) <= 2:
            reason = f"a place before it ({place.text}{org.text}) names another organization"
        if reason:
            dropped.append((org, f"dropped: {reason}"))
        else:
            kept.append(org)
    return kept, dropped


def _extends_name(org: Mention, longer: ModelWord, text: str, suffixes: Sequence[str],
                  unit_suffixes: Sequence[str], nouns: Sequence[str], complete_suffixes: Sequence[str],
                  former: Sequence[str]) -> bool:
    """Whether the model's longer organization is the same name made whole: at most four characters
    more on the left (泰和, 北原, 赤焰电子), holding no category noun (中超球队|赤城火焰俱乐部); on the right only
    after a descriptive suffix (赤焰电子|竞技俱乐部, not 江州大学|生命科学学院) and up to an
    organization's suffix, never a unit's (华川银行|零售金融部)."""
    left, right = text[longer.start:org.start], text[org.end:longer.end]
    if len(left) > 4 or any(noun in left for noun in nouns) or left.endswith(tuple(complete_suffixes)) \
            or left.startswith(tuple(former)):
        return False  # 北辰大学|物理学院: a whole name before is the organization of a unit; 原|澜沧重工集团
    if right:
        if org.text.endswith(tuple(complete_suffixes)):
            return False  # 江州大学|生命科学学院: a name already whole, with a unit after it
        # the longest suffix it ends with decides: 俱乐部 is an organization's, though 部 is a unit's
        as_org = max((len(s) for s in suffixes if right.endswith(s)), default=0)
        as_unit = max((len(s) for s in unit_suffixes if right.endswith(s)), default=0)
        return as_org > as_unit
    return True


def trim_shape_orgs(orgs: list[Mention], words: Sequence[ModelWord], text: str, suffixes: Sequence[str] = (),
                    unit_suffixes: Sequence[str] = (), nouns: Sequence[str] = (),
                    complete_suffixes: Sequence[str] = (), former: Sequence[str] = ()) -> list[Mention]:
    """Rule 2: 中超球队滨海联队 → 滨海联队 where the model's organization ends with the name; and
    泰和|人寿保险股份有限公司, 北原|铁骑足球俱乐部, 赤焰电子|竞技俱乐部 → the model's whole name where
    the suffix finder stopped at a character that often ends a name on the left (和, 原) or at a
    shorter suffix, and the model reads one organization over it. `former`: former-affiliation markers
    (原, 前), never the start of a name the model's word makes whole (原|澜沧重工集团)."""
    out = []
    for org in orgs:
        longer = next((w for w in words if w.label == "ORG" and w.start <= org.start and org.end <= w.end
                       and w.end - w.start > org.end - org.start and _NAME_ONLY.fullmatch(w.text)), None)
        if longer is not None and not _extends_name(org, longer, text, suffixes, unit_suffixes, nouns,
                                                    complete_suffixes, former):
            longer = None
        if org.source == "orgs.suffix_shape.v1":
            # 许嘉宁今日通过经纪公司: a day or a preposition the model reads inside is no part of a name
            cut = max((w.end for w in words if org.start <= w.start and w.end < org.end and _not_in_name(w)),
                      default=org.start)
            if cut > org.start:
                rest = text[cut:org.end]
                if len(rest) < 3 or rest in nouns:
                    continue  # 经纪公司: what is left names a kind of organization, not one
                value = org.value
                if getattr(value, "canonical", None) == org.text:
                    value = type(value)(rest, value.kind)  # type: ignore[union-attr,call-arg]
                org = Mention(cut, org.end, rest, org.label, org.source, value)
        if org.source == "orgs.suffix_shape.v1" and longer is not None:
            value = org.value
            if getattr(value, "canonical", None) == org.text:
                value = type(value)(longer.text, value.kind)  # type: ignore[union-attr,call-arg]
            out.append(Mention(longer.start, longer.end, longer.text, org.label, org.source, value))
            continue
        if org.source == "orgs.suffix_shape.v1":
            model = next((w for w in words if w.label == "ORG" and w.end == org.end
                          and org.start < w.start and len(w.text) >= 2), None)
            prefix = text[org.start:model.start] if model is not None else ""
            before = [w for w in words if org.start <= w.start < model.start] if model is not None else []
            # only a prefix that says what the name is, where it is, or a verb (中超球队, 英国, 效力): a
            # prefix of nouns and adjectives alone is part of the name (社会|民主党, 新|进步党)
            if model is not None and any(w.end == model.start for w in words) and \
                    all(w.label in ORDINARY | {"LOC", "ORG", "nz"} for w in before) and \
                    (not nouns or any(n in prefix for n in nouns) or any(w.label not in _NAME_WORDS for w in before)):
                value = org.value
                if getattr(value, "canonical", None) == org.text:
                    value = type(value)(model.text, value.kind)  # type: ignore[union-attr,call-arg]
                org = Mention(model.start, org.end, text[model.start:org.end], org.label, org.source, value)
        out.append(org)
    # a name made whole covers the suffix finder's other piece of it (赤焰电子竞技俱乐部 ⊃ 竞技俱乐部)
    return [o for o in out if not any(p is not o and p.start <= o.start and o.end <= p.end
                                      and (p.start, p.end) != (o.start, o.end) for p in out)]


def model_orgs(words: Sequence[ModelWord], taken: list[Mention], make_entry: Callable[[str], object],
               in_context: Callable[[ModelWord], str | None]) -> tuple[list[Mention], list[Dropped]]:
    """Rule 3: the model's organizations where the rules found no organization, person, time or
    departure word, and where the sentence gives them a role: `in_context(word)` names the context
    (a post after it, a departure or move word before it, a statement it makes) or gives None."""
    found, dropped = [], []
    for word in words:
        if word.label != "ORG" or len(word.text) < 2:
            continue
        if any(m.start < word.end and word.start < m.end for m in taken if m.label != "TITLE"):
            continue
        mention = Mention(word.start, word.end, word.text, "ORG", MODEL_SOURCE, make_entry(word.text))
        context = in_context(word)
        if context is None:
            dropped.append((mention, "dropped: the model's organization has no post, departure or move beside it"))
        else:
            found.append(Mention(word.start, word.end, word.text, "ORG", f"{MODEL_SOURCE}:{context}",
                                 mention.value))
    return found, dropped


def fix_person_edges(persons: list[Mention], words: Sequence[ModelWord], text: str,
                     blocked: list[tuple[int, int]], function_chars: frozenset[str],
                     is_word: Callable[[str], bool]) -> list[Mention]:
    """Rule 4: a rule name one character longer or shorter than the model's, at its end, takes the
    model's edge when the character in question explains the rules' mistake:
    - longer (张某以, 刘某某递): the extra character is a function character, or begins the model's
      next word and that word is a dictionary word (递交);
    - shorter (孔维 in 孔维新任期): the model's last character and the one after it form a word
      (新任), which is why the rules stopped early.
    The model's edge is not trusted otherwise: it errs too (夏斌 | 强, 欧阳伯 | 权于)."""
    out = []
    for person in persons:
        model = [w for w in _covering(words, person.start, person.end) if w.label == "PER"]
        prefix = [w for w in words if person.start <= w.start and w.end <= (model[0].start if model else 0)]
        if len(model) == 1 and model[0].end == person.end and model[0].start > person.start and \
                len(model[0].text) >= 2 and model[0].start - person.start >= 2 and prefix and \
                all(w.label in ("v", "p", "d", "c", "u") for w in prefix):
            # 签下勒布朗·詹姆斯: a verb before a name is not part of it (one character may be a
            # surname the model read as a verb: 封嘉怡)
            word = model[0]
            person = Mention(word.start, word.end, word.text, person.label,
                             f"{person.source}+{MODEL_SOURCE}.edge", person.value)
        elif len(model) == 1 and model[0].start == person.start and len(model[0].text) >= 2:
            word = model[0]
            grows_into = [s for s in blocked if s[0] < word.end and word.start < s[1]
                          and not (s[0] < person.end and person.start < s[1])]
            fixed = False
            if word.end == person.end - 1:
                extra = text[word.end]
                following = next((w for w in words if w.start == word.end), None)
                fixed = extra in function_chars or (
                    following is not None and len(following.text) >= 2 and is_word(following.text))
            elif word.end == person.end + 1 and not grows_into:
                fixed = is_word(text[person.end:person.end + 2])
            if fixed:
                person = Mention(word.start, word.end, word.text, person.label,
                                 f"{person.source}+{MODEL_SOURCE}.edge", person.value)
        out.append(person)
    return out


def veto_persons(persons: list[Mention], words: Sequence[ModelWord], titles: list[Mention],
                 is_word: Callable[[str], bool]) -> tuple[list[Mention], list[Dropped]]:
    """Rule 5: a surname-table guess that the model reads as an organization, a place or a
    dictionary word (那一批, 奥斯汀) needs a post before it. The model's reading of a name as a word
    jieba does not know (毕然 as an adverb) is the model's mistake, not the rules'."""
    if not words:
        return persons, []
    kept, dropped = [], []
    for person in persons:
        if person.source != "persons.surname_context.v1":
            kept.append(person)
            continue
        cover = _covering(words, person.start, person.end)
        if any(w.label == "PER" for w in cover):
            kept.append(person)
            continue
        other = next((w for w in cover if w.label in ("ORG", "LOC")
                      or (w.label in ORDINARY and len(w.text) >= 2 and is_word(w.text))), None)
        titled = any(0 <= person.start - t.end <= 1 for t in titles)
        if other is not None and not titled:
            dropped.append((person, f"dropped: the model reads {other.text} as {other.label}"))
        else:
            kept.append(person)
    return kept, dropped


def model_persons(text: str, words: Sequence[ModelWord], taken: list[Mention], titles: list[Mention],
                  triggers: list[Mention], right_cues: frozenset[str],
                  chinese_name: Callable[[str], bool], honorifics: Sequence[str] = (),
                  surnames: frozenset[str] = frozenset()) -> list[Mention]:
    """Rule 6: the model's persons the rules missed: a Chinese name the surname table agrees with
    (`chinese_name`: a known surname and no ordinary word), or any name with a departure word right
    after, or a post right before and a clear right edge (punctuation or a cue such as 也, 已, 宣布).
    A surname with an honorific (黄先生, 欧阳女士) is no name of its own: it refers back to a person
    named in full, which the article's short forms resolve."""
    honorific_endings = tuple(honorifics)
    found = []
    for word in words:
        if word.label != "PER" or len(word.text) < 2 or word.text.isascii():
            continue  # Latin names are the rules' (the model calls words such as Tech names)
        if word.text.endswith(honorific_endings) and any(
                word.text.endswith(h) and word.text[:-len(h)] in surnames for h in honorifics):
            continue
        if any(m.start < word.end and word.start < m.end for m in taken):
            continue
        if word.start > 0 and text[word.start - 1] in _OPENERS:
            continue  # (花名“肖博”): an alias, which the rules tie to the name before it
        # a clear right edge: the name is not the model's cut through a longer word (陈文 | 中): a cue,
        # punctuation, or a next word of two characters or more (林语桐 | 选择)
        following = next((w for w in words if w.start == word.end), None)
        edge = word.end == len(text) or text[word.end] in right_cues or not text[word.end].isalnum() or (
            following is not None and len(following.text) >= 2)
        # a post or role noun right before the name (歌手林语桐), or one 的 away with a clear right edge
        titled = any(t.end == word.start for t in titles) or (edge and any(word.start - t.end == 1 for t in titles))
        leaving = any(t.start >= word.end and set(text[word.end:t.start]) <= _BEFORE_DEPARTURE for t in triggers)
        if titled or leaving or (edge and chinese_name(word.text)):
            end = word.end
            if len(word.text) >= 4 and word.text[-1] in right_cues:
                end -= 1  # 夏斌强称将离职: the model took the verb after the name
            found.append(Mention(word.start, end, text[word.start:end], "PERSON", MODEL_SOURCE))
    return found


# parts of speech that never stand inside a post's modifier (adverbs 一度/再度, pronouns, names, times);
# verbs only where they are known to take a clause or a post (称, 接任, 盛传): many verbs also name a
# field (感知算法总监, 执行长, 销售副总裁)
_NOT_IN_MODIFIER = frozenset({"d", "vd", "r", "PER", "TIME"})


def trim_post_modifiers(titles: list[Mention], words: Sequence[ModelWord], text: str,
                        stop_verbs: frozenset[str]) -> list[Mention]:
    """Rule 7: a post starts after the last adverb, pronoun, name, time or clause-taking verb
    (`stop_verbs`) of its modifier."""
    out = []
    for title in titles:
        head = title.value if isinstance(title.value, str) else ""
        head_start = title.end - len(head) if head and text.endswith(head, 0, title.end) else title.end
        stops = [w.end for w in words if title.start < w.end <= head_start and w.start >= title.start - 4
                 and ((w.label in _NOT_IN_MODIFIER and len(w.text) >= 2) or w.text in stop_verbs)]
        if stops:
            start = max(stops)
            title = Mention(start, title.end, text[start:title.end], title.label, title.source, title.value)
        out.append(title)
    return out


_LIST_NAME = frozenset({"PER", "ORG", "nz", "LOC"})


def list_members(text: str, words: Sequence[ModelWord], persons: list[Mention],
                 taken: list[Mention]) -> list[Mention]:
    """Rule 8: a short word in a 、-list of names whose neighbour is a person is a person too
    (秀英、蒂芙尼（Tiffany）、徐玄: the model reads 蒂芙尼 as an organization)."""
    starts = {p.start for p in persons}
    ends = {p.end for p in persons}
    found = []
    for word in words:
        if word.label not in _LIST_NAME or not 2 <= len(word.text) <= 5 or not word.text.isalpha():
            continue
        if any(m.start < word.end and word.start < m.end for m in taken + persons):
            continue
        after = word.end
        bracket = _TRAILING_BRACKET.match(text, after)
        if bracket:
            after = bracket.end()  # the item's bracketed alias
        before_ok = word.start > 0 and text[word.start - 1] == "、" and _ends_item(text, word.start - 1, ends)
        after_ok = text[after:after + 1] == "、" and after + 1 in starts
        if before_ok or after_ok:
            found.append(Mention(word.start, word.end, word.text, "PERSON", f"{MODEL_SOURCE}.list_member"))
    return found


_TRAILING_BRACKET = re.compile(r"[（(][^（()）]{1,30}[）)]")


def _ends_item(text: str, separator: int, ends: set[int]) -> bool:
    """Whether a person's name (maybe with a bracketed alias) ends right before `separator`."""
    if separator in ends:
        return True
    if separator > 0 and text[separator - 1] in "）)":
        opening = max(text.rfind("（", 0, separator), text.rfind("(", 0, separator))
        return opening in ends
    return False


_NAME_PARTS = frozenset({"LOC", "ORG", "nz", "n", "nw", "j", "an", "a"})


def orgs_before_posts(text: str, titles: list[Mention], words: Sequence[ModelWord], clause_openers: frozenset[str],
                      is_word: Callable[[str], bool], not_names: Callable[[str], bool],
                      make_entry: Callable[[str], object]) -> tuple[list[Mention], list[Mention]]:
    """Rule 9: split `X + post` before a person into an organization and the post. Gives the new
    organizations and the posts, trimmed to their head where an organization was split off."""
    orgs, out = [], []
    for title in titles:
        head = title.value if isinstance(title.value, str) else ""
        head_start = title.end - len(head) if head and text.endswith(head, 0, title.end) else title.end
        name = text[title.start:head_start]
        follower = next((w for w in words if w.start == title.end), None)
        opens = title.start == 0 or text[title.start - 1] in clause_openers
        inner = [w for w in words if title.start <= w.start and w.end <= head_start]
        covered = sum(len(w.text) for w in inner) == len(name)
        if (2 <= len(name) <= 8 and opens and follower is not None and follower.label == "PER" and covered
                and all(w.label in _NAME_PARTS for w in inner)
                and any(w.label in ("LOC", "ORG") for w in inner) and len(inner) >= 2 and not not_names(name)):
            orgs.append(Mention(title.start, head_start, name, "ORG", "orgs.before_post.v1", make_entry(name)))
            title = Mention(head_start, title.end, text[head_start:title.end], title.label, title.source, title.value)
        out.append(title)
    return orgs, out


_GROUP_NAME_PARTS = frozenset({"n", "nz", "LOC", "ORG", "j", "nw", "PER"})


def orgs_after_group_nouns(text: str, words: Sequence[ModelWord], nouns: dict[str, str], taken: list[Mention],
                           stops: Callable[[int], bool], is_word: Callable[[str], bool], make_entry) -> list[Mention]:  # type: ignore[no-untyped-def]
    """Rule 10: the name after 组合, 球队, 厂牌 …: up to two name-like words, 2 to 8 characters,
    ending where a post, a role noun, a verb or punctuation starts (`stops(offset)`), and holding a
    proper noun or a word no dictionary knows (球队篮球运营总裁 names no team)."""
    found = []
    for noun, kind in nouns.items():
        at = text.find(noun)
        while at >= 0:
            start = at + len(noun)
            if any(m.label == "ORG" and m.end == start for m in taken):
                at = text.find(noun, at + 1)
                continue  # 苍岭足球俱乐部主场: the noun ends a name already found, it introduces none
            quoted = _QUOTED.match(text, start)
            if quoted is not None:  # 乐队“夜航”: the name is what the quotes hold
                name = quoted.group(1)
                if not any(m.start < quoted.end(1) and quoted.start(1) < m.end for m in taken):
                    found.append(Mention(quoted.start(1), quoted.end(1), name, "ORG", f"orgs.after_group_noun.v1:{noun}",
                                         make_entry(name, kind)))
                at = text.find(noun, at + 1)
                continue
            parts = []
            for word in words:
                if word.start < start:
                    continue
                if word.start != (parts[-1].end if parts else start) or \
                        (word.label not in _GROUP_NAME_PARTS and not word.text.isascii()) \
                        or stops(word.start) or len(parts) == 2:
                    break
                parts.append(word)
            name = text[start:parts[-1].end] if parts else ""
            proper = any(w.label in ("LOC", "ORG", "nz", "j", "nw", "PER") or (w.text.isascii() and not w.text.isdigit())
                         or not is_word(w.text) for w in parts)
            inside = lambda m: m.source.startswith(MODEL_SOURCE) and start <= m.start and m.end <= start + len(name)  # noqa: E731
            if 2 <= len(name) <= 8 and proper and not any(m.start < start + len(name) and start < m.end and not inside(m)
                                                          for m in taken):
                found.append(Mention(start, start + len(name), name, "ORG", f"orgs.after_group_noun.v1:{noun}",
                                     make_entry(name, kind)))
            at = text.find(noun, at + 1)
    return found


def proper_noun_with_suffix(text: str, words: Sequence[ModelWord], suffix_at: Callable[[str, int], object],
                            taken: list[Mention]) -> list[Mention]:
    """Rule 11: a proper noun (nz, or a word the model calls an organization) followed by a suffix."""
    found = []
    for word in words:
        if word.label not in ("nz", "ORG") or len(word.text) < 2 or word.text.isascii():
            continue
        suffix = suffix_at(text, word.end)
        own = suffix_at(word.text, len(word.text) - 1) if suffix is None else None
        if suffix is None and own is None:
            continue
        if suffix is None:  # 青溪市审计局: the proper noun ends with a suffix of its own
            suffix, end = own, word.end
        else:
            end = word.end + len(suffix.suffix)  # type: ignore[attr-defined]
        if any(m.start < end and word.start < m.end for m in taken):
            continue
        name = text[word.start:end]
        found.append(Mention(word.start, end, name, "ORG", f"{MODEL_SOURCE}:proper_noun_suffix",
                             OrgEntry(name, suffix.kind)))  # type: ignore[attr-defined]
    return found


_FRAME_NAME_PARTS = frozenset({"n", "nz", "LOC", "ORG", "j", "nw", "an"})
_MOVE_OBJECT_END = re.compile(r"(?:出任|担任|任职|，|,|。|；|;|的|$)")
_FRAME_END = re.compile(r"(?:之后|以后|后|时|前|期间|多年|\d|[一二两三四五六七八九十]+年|[，,。；;的])")


def orgs_in_frames(text: str, words: Sequence[ModelWord], triggers: list[Mention], affiliation: Sequence[str],
                   moves: Sequence[tuple[int, int]], taken: list[Mention], not_names: Callable[[str], bool],
                   make_entry) -> list[Mention]:  # type: ignore[no-untyped-def]
    """Rule 12: names in the frames 从X离职, 离开X后, 效力X, and a move verb's object (转会至X, 加盟X,
    `moves`: the spans of the move verbs)."""
    spans: list[tuple[int, int, str]] = []
    for _, verb_end in moves:
        start = verb_end + (1 if text[verb_end:verb_end + 1] in "了至到" else 0)
        end = _MOVE_OBJECT_END.search(text, start + 1)
        if end is not None:
            spans.append((start, end.start(), "move_object"))
    for trigger in triggers:
        cong = text.rfind("从", max(0, trigger.start - 10), trigger.start)
        if cong >= 0:
            spans.append((cong + 1, trigger.start, "from_then_departure"))
        if trigger.value is not None and getattr(trigger.value, "object", None) == "after":
            end = _FRAME_END.search(text, trigger.end + 1)
            if end is not None and end.start() - trigger.end <= 9:
                spans.append((trigger.end + (1 if text[trigger.end:trigger.end + 1] == "了" else 0), end.start(),
                              "departure_object"))
    for verb in affiliation:
        at = text.find(verb)
        while at >= 0:
            end = _FRAME_END.search(text, at + len(verb) + 1)
            if end is not None:
                spans.append((at + len(verb), end.start(), "affiliation"))
            at = text.find(verb, at + len(verb))
    found: list[Mention] = []
    for start, end, frame in spans:
        name = text[start:end]
        inner = [w for w in words if start <= w.start and w.end <= end]
        if not 2 <= len(name) <= 8 or sum(len(w.text) for w in inner) != len(name):
            continue  # the model's words must cover the name exactly: no cut through a word
        if not all(w.label in _FRAME_NAME_PARTS or (w.text.isascii() and w.text.isalnum()) for w in inner):
            continue
        if all(w.label == "LOC" for w in inner):
            continue  # 离开北京后: a place, not an organization
        if frame == "move_object" and (len(inner) > 2 or not any(
                w.label in ("LOC", "ORG", "nz", "j") or (w.text.isascii() and w.text.isalnum()) for w in inner)):
            continue  # 加入竞队, 加盟同城对手X: a move's object must read as a name (西岭猎豹)
        if not_names(name) or any(m.start < end and start < m.end for m in taken + found):
            continue
        found.append(Mention(start, end, name, "ORG", f"orgs.frame.v1:{frame}", make_entry(name)))
    return found
