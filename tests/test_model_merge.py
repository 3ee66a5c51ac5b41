"""How the rules' entities and the statistical model's (LAC) are merged: each rule of
extractor/entities/model_merge.py (1–11) on invented sentences through the pipeline, as
`departures entities` reports them and as departures come out, and each rule's function on
hand-made model words for its edge cases; the model offline and switched off; the command."""
from __future__ import annotations

import json
import socket
from typing import NamedTuple

import pytest
from typer.testing import CliRunner

from extractor.cli import app
from extractor.entities.dates import PubDate
from extractor.entities import model_merge as mm
from extractor.entities.mentions import Mention
from extractor.entity_report import article_entities
from extractor.rulebook.lexicon import OrgEntry
from extractor.models import Article
from extractor.pipeline import Pipeline, get_pipeline

LAC = "ner.lac.v1"


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    return get_pipeline()


def report(pipeline: Pipeline, text: str) -> list[dict]:
    return article_entities(pipeline, Article(id="t", text=text, published_at="2024-06-15"))["entities"]


def events(pipeline: Pipeline, text: str) -> set[tuple]:
    found = pipeline.extract(Article(id="t", text=text, published_at="2024-06-15"))
    return {(e.person.name, e.from_.organization, e.from_.position, e.to.organization if e.to else None) for e in found}


# rule, sentence, the entity (type, text), who found it, kept, why it was dropped
ENTITIES = [
    (1, "早餐吃了小米粥后，总经理王海涛宣布离职。", ("ORG", "小米"), "orgs.gazetteer.v1", False, "part of the word 小米粥"),
    (1, "据悉，高盛明已从北方证券离职，出任海川资本合伙人。", ("ORG", "高盛"), "orgs.gazetteer.v1", False,
     "the model reads 高盛明 as a person"),
    (1, "华硕电脑大中华区总经理林志远宣布离职。", ("ORG", "华硕"), "orgs.gazetteer.v1", True, None),
    (2, "地方国企岚川证券总裁刘振东离职。", ("ORG", "岚川证券"), "orgs.suffix_shape.v1", True, None),
    (3, "前锋周立航离开洛城队，加盟海湾队。", ("ORG", "洛城队"), f"{LAC}:after_departure_or_move", True, None),
    (3, "洛城队昨日宣布，主帅罗杰斯离任。", ("ORG", "洛城队"), f"{LAC}:statement", True, None),
    (3, "北岭雄鹰主教练韩卫东离任。", ("ORG", "北岭雄鹰"), f"{LAC}:before_post", True, None),
    (3, "北岭雄鹰主教练韩卫东离任。", ("TITLE", "主教练"), "titles.lexicon_modifier.v1", True, None),  # stops at it
    (3, "洛城队在比赛中获胜，主帅罗杰斯随后离任。", ("ORG", "洛城队"), LAC, False,
     "the model's organization has no post, departure or move beside it"),
    (3, "岚川科技首席技术官华瑞宣布离职。华瑞发表声明，确认已于上月离开公司。", ("ORG", "华瑞"), f"{LAC}:statement",
     False, "the article introduces this name as a person"),
    (4, "经理陈伟则表示将于月底离职。", ("PERSON", "陈伟"), f"persons.surname_context.v1+{LAC}.edge", True, None),
    (4, "董事王立新任职期间辞职。", ("PERSON", "王立新"), f"persons.surname_context.v1+{LAC}.edge", True, None),
    (4, "球队力邀迈克尔·罗斯，主帅罗杰斯随后离任。", ("PERSON", "迈克尔·罗斯"),
     f"persons.transliteration.v1+{LAC}.edge", True, None),
    (4, "董事欧阳伯权于上月离职。", ("PERSON", "欧阳伯权"), "persons.surname_context.v1", True, None),  # 欧阳伯 | 权于
    (5, "据悉，安康宣布离职后加入海川资本。", ("PERSON", "安康"), "persons.surname_context.v1", False,
     "the model reads 安康 as LOC"),
    (5, "据悉，经理安康宣布离职后加入海川资本。", ("PERSON", "安康"), "persons.surname_context.v1", True, None),
    (6, "公司董事刘某某递交辞呈。", ("PERSON", "刘某某"), LAC, True, None),
    (7, "有媒体报道称中国区总裁周海平将于月底离职。", ("TITLE", "中国区总裁"), "titles.lexicon_modifier.v1", True, None),
    (7, "岚川科技感知算法总监周启明离职。", ("TITLE", "感知算法总监"), "titles.lexicon_modifier.v1", True, None),
    (8, "女子组合星芒少女成员林小雨、蒂芙尼（Tiffany）、徐佳宣布退团。", ("PERSON", "蒂芙尼"), f"{LAC}.list_member",
     True, None),
    (9, "青州猎鹰主教练韩卫东离任。", ("ORG", "青州猎鹰"), "orgs.before_post.v1", True, None),
    (9, "华中区总经理陈立伟已经离职。", ("TITLE", "华中区总经理"), "titles.lexicon_modifier.v1", True, None),
    (10, "CBA球队东海鲨鱼总经理马腾飞离职。", ("ORG", "东海鲨鱼"), "orgs.after_group_noun.v1:球队", True, None),
    (11, "彩虹机器人首席执行官周启明离职。", ("ORG", "彩虹机器人"), f"{LAC}:proper_noun_suffix", True, None),
]


@pytest.mark.parametrize("rule,text,entity,found_by,kept,reason", ENTITIES)
def test_entity_report_shows_the_rule(pipeline, rule, text, entity, found_by, kept, reason) -> None:
    matches = [e for e in report(pipeline, text) if (e["type"], e["text"]) == entity and e["found_by"] == found_by]
    assert matches, report(pipeline, text)
    assert matches[0]["kept"] is kept
    assert ("reason" in matches[0]) is (reason is not None) and (reason or "") in matches[0].get("reason", "")


# rule, sentence, an entity the merge must not keep (type, text; None: any of that type)
NOT_KEPT = [
    (6, "岚川科技首席执行官Kevin宣布离职。", ("PERSON", None)),  # a Latin name is the rules'
    (6, "远航科技首席技术官周启明（花名“若曦”）宣布离职。", ("PERSON", "若曦")),  # an alias in brackets
    (8, "岚川科技、蒂芙尼、星澜集团等公司的高管相继离职。", ("PERSON", "蒂芙尼")),  # no person beside it
    (9, "华中区总经理陈立伟已经离职。", ("ORG", None)),  # a region
    (9, "北京主教练韩卫东离任。", ("ORG", None)),  # a bare place
    (10, "CBA球队篮球运营总裁马腾飞离职。", ("ORG", None)),  # 篮球 names no team
    (11, "周启明离职后创办了一家清洁机器人公司。", ("ORG", None)),  # a description
]


@pytest.mark.parametrize("rule,text,entity", NOT_KEPT)
def test_where_the_rule_must_not_fire(pipeline, rule, text, entity) -> None:
    kept = [(e["type"], e["text"]) for e in report(pipeline, text) if e["kept"]]
    assert not [k for k in kept if k[0] == entity[0] and entity[1] in (None, k[1])], kept


# rule, article, the departures (person, from organization, from post, to organization)
EVENTS = [
    (1, "早餐吃了小米粥后，总经理王海涛宣布离职。", {("王海涛", None, "总经理", None)}),
    (1, "据悉，高盛明已从北方证券离职，出任海川资本合伙人。", {("高盛明", "北方证券", "合伙人", "海川资本")}),
    (2, "地方国企岚川证券总裁刘振东离职。", {("刘振东", "岚川证券", "总裁", None)}),
    (3, "前锋周立航离开洛城队，加盟海湾队。", {("周立航", "洛城队", "前锋", "海湾队")}),
    (3, "岚川科技首席技术官华瑞宣布离职。华瑞发表声明，确认已于上月离开公司。", {("华瑞", "岚川科技", "首席技术官", None)}),
    (4, "董事王立新任职期间辞职。", {("王立新", None, "董事", None)}),
    (4, "董事欧阳伯权于上月离职。", {("欧阳伯权", None, "董事", None)}),
    (5, "据悉，经理安康宣布离职后加入海川资本。", {("安康", None, "经理", "海川资本")}),
    (6, "公司董事刘某某递交辞呈。", {("刘某某", None, "董事", None)}),
    (7, "有媒体报道称中国区总裁周海平将于月底离职。", {("周海平", None, "中国区总裁", None)}),
    (8, "女子组合星芒少女成员林小雨、蒂芙尼（Tiffany）、徐佳宣布退团。",
     {(name, "星芒少女", None, None) for name in ("林小雨", "蒂芙尼", "徐佳")}),
    (9, "青州猎鹰主教练韩卫东离任。", {("韩卫东", "青州猎鹰", "主教练", None)}),
    (10, "女子组合星芒少女成员林小雨宣布退团。", {("林小雨", "星芒少女", None, None)}),
    (11, "彩虹机器人首席执行官周启明离职。", {("周启明", "彩虹机器人", "首席执行官", None)}),
    (2, "泰和人寿保险股份有限公司副总经理龚立新已离职。", {("龚立新", "泰和人寿保险股份有限公司", "副总经理", None)}),
    (2, "省属国企江汉建工集团有限公司总经理曹启明退休。", {("曹启明", "江汉建工集团有限公司", "总经理", None)}),
    (6, "远航物流公司董事会收到董事长李文博先生的辞职报告。李先生因个人原因辞去董事长职务。",
     {("李文博", "远航物流公司", "董事长", None)}),
]


@pytest.mark.parametrize("rule,text,expected", EVENTS)
def test_departures_with_the_merge(pipeline, rule, text, expected) -> None:
    assert events(pipeline, text) == expected


# -- the rules' functions on hand-made model words ------------------------------------------------

W = NamedTuple("W", [("start", int), ("end", int), ("text", str), ("label", str)])  # stands in for TaggedWord


def words(tagged: str) -> list[W]:
    """'华夏幸福/nz 副总裁/n' → words laid end to end, with their offsets."""
    out, pos = [], 0
    for item in tagged.split():
        text, label = item.rsplit("/", 1)
        out.append(W(pos, pos + len(text), text, label))
        pos += len(text)
    return out


def at(text: str, part: str, label: str, source: str = "test", value: object = None) -> Mention:
    start = text.index(part)
    return Mention(start, start + len(part), part, label, source, value)


KNOWN = {"集团", "电池", "递交", "新任", "业务", "米粒"}.__contains__
GAZ = "orgs.gazetteer.v1"


@pytest.mark.parametrize("tagged,name,dropped", [
    ("阿里集团/ORG 副总裁/n", "阿里", None),  # the name plus a suffix
    ("大疆电池/ORG 业务/n", "大疆", None),  # the name plus an ordinary word
    ("华山路/LOC 门店/n", "华山", None),  # inside a place
    ("华夏幸福/nz 副总裁/n", "华夏", "part of the word 华夏幸福 (nz)"),
    ("中信建投/ORG 副总裁/n", "中信", "part of the model's organization 中信建投"),
    ("中国平安/ORG 副总裁/n", "平安", "part of the model's organization 中国平安"),  # it starts inside
    ("高盛明/PER 离职/v", "高盛", "the model reads 高盛明 as a person"),
    ("小/a 米粒/n", "小米", "the model's word 米粒 (n) crosses it"),
])
def test_rule_1_veto_gazetteer(tagged, name, dropped) -> None:
    ws = words(tagged)
    text = "".join(w.text for w in ws)
    org = at(text, name, "ORG", GAZ)
    kept, out = mm.veto_gazetteer([org], ws, ["集团", "公司"], ["实验室"], KNOWN)
    assert (kept, out) == (([org], []) if dropped is None else ([], [(org, f"dropped: {dropped}")]))


def test_rule_1_leaves_long_names_other_finders_and_sentences_without_words() -> None:
    text = "阿里巴巴集团"
    orgs = [at(text, "阿里巴巴", "ORG", GAZ), at(text, "阿里", "ORG", "orgs.suffix_shape.v1")]
    assert mm.veto_gazetteer(orgs, words("阿里巴巴集团/nz"), ["集团"], [], KNOWN) == (orgs, [])
    assert mm.veto_gazetteer(orgs[1:], [], ["集团"], [], KNOWN) == (orgs[1:], [])


def test_rule_2_shape_orgs_start_where_the_models_start() -> None:
    text = "中超球队滨海联队主教练"
    org = at(text, "中超球队滨海联队", "ORG", "orgs.suffix_shape.v1", OrgEntry("中超球队滨海联队", "club"))
    [trimmed] = mm.trim_shape_orgs([org], words("中超/ORG 球队/n 滨海联队/ORG 主教练/n"), text)
    assert (trimmed.text, trimmed.start, trimmed.value) == ("滨海联队", 4, OrgEntry("滨海联队", "club"))
    for tagged in ("中超球队滨海联队/ORG 主教练/n",  # the model's organization is the whole
                   "中超/ORG 球队/n 滨海/LOC 联队/n 主教练/n"):  # none ends with the name
        assert mm.trim_shape_orgs([org], words(tagged), text) == [org]
    gazetteer = Mention(0, 8, text[:8], "ORG", GAZ)
    assert mm.trim_shape_orgs([gazetteer], words("中超/ORG 球队/n 滨海联队/ORG"), text) == [gazetteer]


@pytest.mark.parametrize("text,found,tagged,whole", [
    ("泰和人寿保险股份有限公司总精算师", "人寿保险股份有限公司", "泰和人寿保险股份有限公司/ORG 总/a 精算师/n", "泰和人寿保险股份有限公司"),
    ("告别北原铁骑足球俱乐部", "铁骑足球俱乐部", "告别/v 北原铁骑足球俱乐部/ORG", "北原铁骑足球俱乐部"),
    ("赤焰电子竞技俱乐部官方", "赤焰电子", "赤焰电子竞技俱乐部/ORG 官方/n", "赤焰电子竞技俱乐部"),
    # not the same name: a category noun on the left, a unit on the right, too much on the left
    ("中超球队赤城火焰俱乐部主教练", "赤城火焰俱乐部", "中超球队赤城火焰俱乐部/ORG 主教练/n", None),
    ("华川银行零售金融部总经理", "华川银行", "华川银行零售金融部/ORG 总经理/n", None),
    ("江州大学生命科学学院院长", "江州大学", "江州大学生命科学学院/ORG 院长/n", None),
    ("原北辰大学物理学院教授", "物理学院", "原/a 北辰大学物理学院/ORG 教授/n", None),
    ("英国家居建材翠丰集团", "翠丰集团", "英国家居建材翠丰集团/ORG", None),
])
def test_rule_2_shape_orgs_take_the_models_whole_name(text, found, tagged, whole) -> None:
    org = at(text, found, "ORG", "orgs.suffix_shape.v1", OrgEntry(found, "company"))
    [out] = mm.trim_shape_orgs([org], words(tagged), text, ["公司", "俱乐部", "集团", "银行", "电子", "大学", "学院"],
                               ["部"], ["球队"], ["公司", "俱乐部", "集团", "银行", "大学", "学院"])
    assert (out.text, out.value) == ((whole, OrgEntry(whole, "company")) if whole else (found, org.value))


def test_rule_3_model_orgs_need_a_role() -> None:
    ws = words("离开/v 洛城队/ORG ，/w 加盟/v 海湾队/ORG 和/c 湖/ORG")
    taken = [Mention(0, 2, "离开", "TRIGGER", "triggers.lexicon.v1")]
    found, dropped = mm.model_orgs(ws, taken, lambda n: OrgEntry(n, "club"),
                                   lambda w: "after_departure_or_move" if w.text == "洛城队" else None)
    assert [(m.text, m.source) for m in found] == [("洛城队", f"{LAC}:after_departure_or_move")]
    assert [(m.text, r) for m, r in dropped] == [
        ("海湾队", "dropped: the model's organization has no post, departure or move beside it")]
    person = Mention(2, 5, "洛城队", "PERSON", "test")  # a rule entity there wins
    assert [m.text for m in mm.model_orgs(ws, [person], lambda n: None, lambda w: "statement")[0]] == ["海湾队"]


@pytest.mark.parametrize("text,rule_name,tagged,expected", [
    ("张某以个人原因", "张某以", "张某/PER 以/p 个人/n 原因/n", "张某"),  # a function character
    ("刘某某递交辞呈", "刘某某递", "刘某某/PER 递交/v 辞呈/n", "刘某某"),  # the start of the next word
    ("孔维新任期满", "孔维", "孔维新/PER 任期/n 满/a", "孔维新"),  # the rules stopped at 新任
    ("签下勒布朗·詹姆斯", "签下勒布朗·詹姆斯", "签下/v 勒布朗·詹姆斯/PER", "勒布朗·詹姆斯"),  # a verb before
    ("夏斌强于上月", "夏斌强", "夏斌/PER 强/a 于/p 上月/TIME", "夏斌强"),  # the model's cut is not trusted
    ("欧阳伯权于上月", "欧阳伯权", "欧阳伯/PER 权于/v 上月/TIME", "欧阳伯权"),
    ("封嘉怡离职", "封嘉怡", "封/v 嘉怡/PER 离职/v", "封嘉怡"),  # one character: maybe a surname
])
def test_rule_4_person_edges(text, rule_name, tagged, expected) -> None:
    person = at(text, rule_name, "PERSON", "persons.surname_context.v1")
    [fixed] = mm.fix_person_edges([person], words(tagged), text, [], frozenset("以于则"), KNOWN)
    assert fixed.text == expected == text[fixed.start:fixed.end]
    assert fixed.source.endswith(f"{LAC}.edge") is (expected != rule_name)
    if rule_name == "孔维":  # not where the longer name runs into a span already taken
        assert mm.fix_person_edges([person], words(tagged), text, [(2, 4)], frozenset(), KNOWN) == [person]


def test_rule_5_a_surname_guess_the_model_reads_otherwise_needs_a_post() -> None:
    text = "经理安康宣布离职"
    ws = words("经理/n 安康/LOC 宣布/v 离职/v")
    guess = at(text, "安康", "PERSON", "persons.surname_context.v1")
    title = at(text, "经理", "TITLE")
    assert mm.veto_persons([guess], ws, [], KNOWN) == ([], [(guess, "dropped: the model reads 安康 as LOC")])
    assert mm.veto_persons([guess], ws, [title], KNOWN) == ([guess], [])
    other = at(text, "安康", "PERSON", "persons.transliteration.v1")
    assert mm.veto_persons([other], ws, [], KNOWN) == ([other], [])
    unknown = Mention(0, 2, "毕然", "PERSON", "persons.surname_context.v1")  # unknown to jieba: the model errs
    assert mm.veto_persons([unknown], words("毕然/d 离职/v"), [], KNOWN) == ([unknown], [])


def test_rule_6_model_persons_with_context_or_the_surname_tables_consent() -> None:
    def persons(text, tagged, titles=(), triggers=(), chinese=lambda n: False):
        return [m.text for m in mm.model_persons(text, words(tagged), [], list(titles), list(triggers),
                                                 frozenset("已也"), chinese)]
    text = "监事刘某某递交辞呈"
    assert persons(text, "监事/n 刘某某/PER 递交/v 辞呈/n", [at(text, "监事", "TITLE")]) == ["刘某某"]
    assert persons(text, "监事/n 刘某某/PER 递交/v 辞呈/n") == []  # no context, no consent
    text = "周立航已离职"
    assert persons(text, "周立航/PER 已/d 离职/v", triggers=[at(text, "离职", "TRIGGER")]) == ["周立航"]
    assert persons("陈文中表示", "陈文/PER 中/f 表示/v", chinese=lambda n: True) == []  # a cut through a word
    assert persons("陈文表示", "陈文/PER 表示/v", chinese=lambda n: True) == ["陈文"]
    text = "总裁Kevin宣布"
    assert persons(text, "总裁/n Kevin/PER 宣布/v", [at(text, "总裁", "TITLE")]) == []  # Latin: the rules'
    assert persons("（花名“若曦”）", "（/w 花名/n “/w 若曦/PER ”/w ）/w", chinese=lambda n: True) == []
    # a surname with an honorific refers back to someone named in full: no name of its own
    text = "李先生已辞任"
    assert mm.model_persons(text, words("李先生/PER 已/d 辞任/v"), [], [], [at(text, "辞任", "TRIGGER")],
                            frozenset("已"), lambda n: True, ["先生"], frozenset("李")) == []


@pytest.mark.parametrize("text,tagged,post", [
    ("有媒体报道称中国区总裁", "有/v 媒体/n 报道/v 称/v 中国/LOC 区/n 总裁/n", "中国区总裁"),
    ("同意接任执行董事", "同意/v 接任/v 执行/vn 董事/n", "执行董事"),
    ("再度出任总经理", "再度/d 出任/v 总经理/n", "总经理"),  # an adverb, then a verb that takes a post
    ("信任与安全主管", "信任/vn 与/c 安全/an 主管/n", "信任与安全主管"),
    ("感知算法总监", "感知/v 算法/n 总监/n", "感知算法总监"),  # a verb that names a field
])
def test_rule_7_post_modifiers(text, tagged, post) -> None:
    head = next(h for h in ("总经理", "总裁", "董事", "总监", "主管") if text.endswith(h))
    title = Mention(0, len(text), text, "TITLE", "titles.lexicon_modifier.v1", head)
    [trimmed] = mm.trim_post_modifiers([title], words(tagged), text, frozenset({"称", "接任", "出任", "报道称"}))
    assert trimmed.text == post == text[trimmed.start:trimmed.end]


def test_rule_8_list_members() -> None:
    text = "林小雨、蒂芙尼（Tiffany）、徐佳"
    ws = words("林小雨/PER 、/w 蒂芙尼/ORG （/w Tiffany/ORG ）/w 、/w 徐佳/PER")
    persons = [at(text, "林小雨", "PERSON"), at(text, "徐佳", "PERSON")]
    found = mm.list_members(text, ws, persons, [])
    assert [(m.text, m.source) for m in found] == [("蒂芙尼", f"{LAC}.list_member")]
    assert [m.text for m in mm.list_members(text, ws, persons[1:], [])] == ["蒂芙尼"]  # the person after
    assert mm.list_members(text, ws, [], []) == []  # no person beside it
    text = "岚川科技、蒂芙尼、星澜集团"
    assert mm.list_members(text, words("岚川科技/ORG 、/w 蒂芙尼/ORG 、/w 星澜集团/ORG"), [], []) == []


@pytest.mark.parametrize("text,tagged,post,org,not_name", [
    ("北岭雄鹰主教练韩卫东", "北岭/LOC 雄鹰/n 主教练/n 韩卫东/PER", "北岭雄鹰主教练", "北岭雄鹰", False),
    ("，北岭雄鹰主教练韩卫东", "，/w 北岭/LOC 雄鹰/n 主教练/n 韩卫东/PER", "北岭雄鹰主教练", "北岭雄鹰", False),
    ("华中区总经理陈立伟", "华中/LOC 区/n 总经理/n 陈立伟/PER", "华中区总经理", None, True),  # a region
    ("北京主教练韩卫东", "北京/LOC 主教练/n 韩卫东/PER", "北京主教练", None, False),  # a bare place
    ("足球青训主教练韩卫东", "足球/n 青训/n 主教练/n 韩卫东/PER", "足球青训主教练", None, False),  # no place or name
    ("感谢北岭雄鹰主教练韩卫东", "感谢/v 北岭/LOC 雄鹰/n 主教练/n 韩卫东/PER", "北岭雄鹰主教练", None, False),  # mid-clause
    ("北岭雄鹰主教练表示", "北岭/LOC 雄鹰/n 主教练/n 表示/v", "北岭雄鹰主教练", None, False),  # no person after
])
def test_rule_9_orgs_before_posts(text, tagged, post, org, not_name) -> None:
    head = post[-3:]
    title = at(text, post, "TITLE", "titles.lexicon_modifier.v1", head)
    orgs, titles = mm.orgs_before_posts(text, [title], words(tagged), frozenset("，。"), KNOWN, lambda n: not_name,
                                        lambda n: OrgEntry(n, "club"))
    assert [m.text for m in orgs] == ([org] if org else [])
    assert titles[0].text == (head if org else post)


def test_rule_10_names_after_group_nouns() -> None:
    def names(text, tagged, stops_at):
        return [m.text for m in mm.orgs_after_group_nouns(
            text, words(tagged), {"组合": "media", "球队": "club"}, [], lambda i: text[i:].startswith(stops_at),
            lambda w: w in {"篮球", "少女"}, lambda n, k: OrgEntry(n, k))]
    assert names("女子组合星芒少女成员林小雨", "女子/n 组合/v 星芒/n 少女/n 成员/n 林小雨/PER", "成员") == ["星芒少女"]
    assert names("CBA球队东海鲨鱼总经理", "CBA/nz 球队/n 东海/LOC 鲨鱼/n 总经理/n", "总经理") == ["东海鲨鱼"]
    assert names("CBA球队篮球运营总裁", "CBA/nz 球队/n 篮球/n 运营/vn 总裁/n", "总裁") == []  # no proper noun
    assert names("球队东海鲨鱼海豚总经理", "球队/n 东海/LOC 鲨鱼/n 海豚/n 总经理/n", "总经理") == ["东海鲨鱼"]  # two at most


def test_rule_11_proper_noun_before_a_suffix() -> None:
    Suffix = NamedTuple("Suffix", [("suffix", str), ("kind", str)])

    def suffix_at(text, i):
        return Suffix("机器人", "company") if text.startswith("机器人", i) else None

    found = mm.proper_noun_with_suffix("彩虹机器人首席", words("彩虹/nz 机器人/n 首席/n"), suffix_at, [])
    assert [(m.text, m.source, m.value) for m in found] == [
        ("彩虹机器人", f"{LAC}:proper_noun_suffix", OrgEntry("彩虹机器人", "company"))]
    assert mm.proper_noun_with_suffix("极光机器人", words("极光/n 机器人/n"), suffix_at, []) == []
    assert mm.proper_noun_with_suffix("Nova机器人", words("Nova/nz 机器人/n"), suffix_at, []) == []
    taken = [Mention(0, 5, "彩虹机器人", "ORG", "orgs.suffix_shape.v1")]
    assert mm.proper_noun_with_suffix("彩虹机器人", words("彩虹/nz 机器人/n"), suffix_at, taken) == []


# -- the model offline and switched off ---------------------------------------------------------

SENTENCE = "前锋周立航离开洛城队，加盟海湾队。"


def sources(p: Pipeline, text: str) -> set[str]:
    """Who found each entity of the analyzed sentences, kept or dropped."""
    analyzed, _ = p.engine.analyze(text, PubDate.parse("2024-06-15"), [])
    return {m.source for item in analyzed for m in item.ents.mentions + [m for m, _ in item.ents.rejected]}


def test_model_loads_and_tags_with_the_network_blocked(monkeypatch) -> None:
    def refuse(*args, **kwargs):
        raise OSError("network blocked in this test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.delenv("DEPARTURES_STATISTICAL_NER", raising=False)
    p = Pipeline()  # the default has the model on
    assert p.engine.analyzer.tagger is not None
    assert f"{LAC}:after_departure_or_move" in sources(p, SENTENCE)


def test_rules_alone_without_the_model() -> None:
    rules = Pipeline(statistical_ner=False)
    assert rules.engine.analyzer.tagger is None
    assert not [s for s in sources(rules, SENTENCE) if LAC in s]
    for _, text, *_ in ENTITIES:
        assert not [e for e in report(rules, text) if LAC in e["found_by"]], text


# -- departures entities ------------------------------------------------------------------------

def test_entities_command_lines_offsets_and_broken_records(tmp_path) -> None:
    given = "岚川科技人事变动\r\n\u3000\u3000据悉，  岚川科技董事长周海平宣布辞职，前锋周立航离开洛城队，加盟海湾队。"
    batch = tmp_path / "b.jsonl"
    batch.write_text("\n".join([
        json.dumps({"id": "a1", "text": given, "published_at": "2024-06-15"}, ensure_ascii=False),
        '{"id": "broken", "text": ',
        json.dumps({"id": "a2", "text": "有媒体报道称中国区总裁周海平将于月底离职。"}, ensure_ascii=False),
    ]) + "\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["entities", str(batch), "--published-at", "2024-06-15"])
    assert result.exit_code == 1
    assert "entities: broken: parse:" in result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["article_id"] for r in lines] == ["a1", "a2"]
    normalized = get_pipeline().normalize(Article(id="a1", text=given, published_at="2024-06-15")).text
    first = lines[0]["entities"]
    assert {("ORG", "洛城队"), ("PERSON", "周海平")} <= {(e["type"], e["text"]) for e in first}
    assert any(e["start"] != e["source_start"] for e in first)
    for e in first:
        assert normalized[e["start"]:e["end"]] == e["text"]
        assert given[e["source_start"]:e["source_end"]] == e["text"]
