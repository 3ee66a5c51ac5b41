"""Sentence-level cases for each event rule: what a reader would extract, and what must stay out."""
from __future__ import annotations

import pytest

from extractor.models import Article, DepartureEvent
from extractor.pipeline import get_pipeline


def extract(text: str, published_at: str | None = "2024-06-15") -> list[DepartureEvent]:
    return get_pipeline().extract(Article(id="case", text=text, published_at=published_at))


def summary(events: list[DepartureEvent]) -> list[tuple]:
    return [(e.person.name, e.from_.organization) for e in events]


# (rule, text, expected (person, organization left) pairs)
POSITIVE = [
    ("explicit trigger with post before the name",
     "2022年5月，阿里巴巴副总裁、达摩院副院长金榕离职。", [("金榕", "阿里巴巴")]),
    ("coordinated subjects share the trigger",
     "2022年5月，达摩院副院长金榕和达摩院城市大脑负责人华先胜离职。", [("金榕", "阿里巴巴"), ("华先胜", "阿里巴巴")]),
    ("organization as the object of 离开",
     "去年1月，张三丰离开DeepMind，创立了一家新公司。", [("张三丰", "DeepMind")]),
    ("organization after 从",
     "今年5月，技术专家吴清远从阿里离职，投身AI创业。", [("吴清远", "阿里巴巴")]),
    ("former affiliation with a new post is a move",
     "前Salesforce集团副总裁许洪波出任阿里集团副总裁。", [("许洪波", "Salesforce")]),
    ("原 + organization + post, recruited by another",
     "谷歌原项目负责人蒋一鸣被字节重金招募。", [("蒋一鸣", "谷歌")]),
    ("described by one organization, joining another",
     "智谱的视频模型负责人丁一鸣已经加入字节的大模型团队。", [("丁一鸣", "智谱")]),
    ("the post held before joining",
     "加入宏达电之前，他在Orange服务了14年，最后的职务是执行副总裁。", []),  # no person named: no event
    ("leaving a post but staying",
     "去年11月，滴滴宣布张伯涛不再担任集团CTO，他仍是班委成员。", [("张伯涛", "滴滴")]),
    ("fired: the person is the object",
     "4月29日，特斯拉又解雇了充电基础设施高级主管丽贝卡·蒂努奇（Rebecca Tinucci）。", [("丽贝卡·蒂努奇", "特斯拉")]),
    ("Latin name",
     "4月，Meta首席技术官Mike Schroepfer离职。", [("Mike Schroepfer", "Meta")]),
    ("one person leaving several boards",
     "郑家伟同日亦辞任新世界百货中国主席、周大福珠宝执行董事及新创建非执行董事。",
     [("郑家伟", "新世界百货中国"), ("郑家伟", "周大福珠宝"), ("郑家伟", "新创建")]),
    ("subject after 离职后",
     "去年5月从OpenAI离职后，伊利亚·苏茨克确定创业。", [("伊利亚·苏茨克", "OpenAI")]),
]

NEGATIVE = [
    ("denial", "公司否认了副总裁王建国离职的消息。"),
    ("rumour refuted", "针对王建国离职的传闻，阿里方面辟谣称其仍在岗。"),
    ("internal transfer", "阿里副总裁王建国调任集团战略部负责人。"),
    ("aggregate of unnamed people", "今年以来，已有26位AI大牛出走大厂。"),
    ("layoff of unnamed people", "其余近200人被裁，约占70%。"),
    ("appointment with no former organization", "罗晓丽正式加盟小米，负责大模型团队。"),
    ("biography line", "王建国2013年开始在英特尔工作，后履职亚马逊。"),
    ("the speaker is not the one leaving", "陶立新在长文中回忆，早些年大疆对员工跳槽相对宽容。"),
]


@pytest.mark.parametrize("rule,text,expected", POSITIVE, ids=[c[0] for c in POSITIVE])
def test_departures_found(rule: str, text: str, expected: list[tuple[str, str]]) -> None:
    assert sorted(summary(extract(text))) == sorted(expected)


@pytest.mark.parametrize("rule,text", NEGATIVE, ids=[c[0] for c in NEGATIVE])
def test_not_departures(rule: str, text: str) -> None:
    assert extract(text) == []


def test_arguments_of_an_explicit_departure() -> None:
    [event] = extract("2020年7月，字节跳动副总裁、人工智能实验室主任马维英离职，赴清华大学智能产业研究院任职。")
    assert event.from_.organization == "字节跳动"
    assert event.from_.unit == "人工智能实验室"
    assert event.from_.position == "主任"
    assert (event.date.value, event.date.precision) == ("2020-07", "month")
    assert event.to.organization == "清华大学智能产业研究院"
    assert event.to.kind == "academia"
    assert event.certainty == "confirmed"


def test_alias_rank_and_relative_date() -> None:
    text = "阿里达摩院自动驾驶实验室负责人沈加明（花名：五福），职级P11，已于近期离职，离职时间为7月8日。消息人士透露，或投身创业。"
    [event] = extract(text, published_at="2023-07-20")
    assert event.person.aliases == ["五福"]
    assert event.from_.unit == "达摩院自动驾驶实验室"
    assert event.from_.rank == "P11"
    assert event.date.value == "2023-07-08"


def test_dates_distributed_in_order() -> None:
    events = extract("2022年8月和9月，达摩院XR实验室负责人谭一鸣和达摩院大模型M6带头人杨红艳也相继离职。")
    assert {(e.person.name, e.date.value) for e in events} == {("谭一鸣", "2022-08"), ("杨红艳", "2022-09")}


def test_certainty_cues() -> None:
    [reported] = extract("据知情人士透露，小鹏汽车动力总成副总裁刘明远已于上月离职。")
    assert reported.certainty == "reported"
    assert reported.date.value == "2024-05"
    [rumored] = extract("五一假期后，传出阿里技术高管薄一峰离职的消息。")
    assert rumored.certainty == "rumored"


def test_reason_is_quoted() -> None:
    [event] = extract("2018年4月27日，小米联合创始人黄江海因个人原因辞职。")
    assert event.reason == "个人原因"


def test_pronoun_resolves_to_the_last_person() -> None:
    events = extract("张建华曾是英伟达全球副总裁。2020年，他辞去英伟达的职务回国创业。")
    assert summary(events) == [("张建华", "英伟达")]
    assert events[0].to.kind == "startup"


def test_one_event_per_person_and_organization_with_all_evidence() -> None:
    text = "阿里副总裁王建国离职。\n据悉，王建国已于3月离开阿里。"
    [event] = extract(text)
    assert len(event.evidence) == 2
    assert [text[e.start:e.end] for e in event.evidence] == [e.text for e in event.evidence]


def test_every_value_has_provenance() -> None:
    [event] = extract("2020年7月，字节跳动副总裁马维英离职，赴清华大学智能产业研究院任职。")
    fields = {p.field for p in event.provenance}
    assert {"person", "trigger", "from.organization", "from.position", "date", "to.organization"} <= fields
    assert all(p.rule for p in event.provenance)


def test_event_ids_are_stable() -> None:
    text = "2022年5月，阿里巴巴副总裁金榕离职。"
    first = extract(text)[0].event_id
    assert first == extract(text)[0].event_id
    assert first != get_pipeline().extract(Article(id="other", text=text))[0].event_id


def test_an_announcement_speaks_for_its_issuer() -> None:
    text = ("证券代码：600001 证券简称：星河股份\n关于公司副总经理辞职的公告\n"
            "本公司董事会近日收到公司副总经理王建华先生的书面辞职报告。王建华先生因个人原因申请辞去公司副总经理职务。")
    [event] = extract(text, published_at="2024-03-02")
    assert (event.from_.organization, event.from_.position, event.reason) == ("星河股份", "副总经理", "个人原因")
    assert any(p.rule == "org.article_issuer.v1" for p in event.provenance)


def test_a_brand_and_its_registered_name_are_one_organization() -> None:
    text = ("澄光智驾（上海澄光智能科技有限公司）回应称，技术副总裁罗景明仍在正常履职。\n"
            "一周后，罗景明离开澄光，加入一家初创公司。")
    [event] = extract(text)
    assert event.from_.organization == "上海澄光智能科技有限公司"


def test_a_new_venture_named_without_a_suffix() -> None:
    [event] = extract("港交所行政总裁李晓嘉退任后并未退休，翌年创办滴灌通，以收入分成模式投资小微企业。")
    assert (event.to.organization, event.to.kind) == ("滴灌通", "startup")
    [described] = extract("王大伟离开百度后创办了自己的公司。")
    assert (described.to.organization, described.to.kind) == (None, "startup")


def test_去年_is_not_a_move() -> None:
    """去 is a move verb (去AI公司至像科技担任CEO) but not inside 去年, 辞去 or 过去."""
    [event] = extract("去年，原蚂蚁集团产品总监曹晓悦（花名“青禾”）加盟栖木科技，出任首席运营官。")
    assert (event.from_.organization, event.to.organization) == ("蚂蚁集团", "栖木科技")


# -- arguments that hold up outside the articles the rules were grown on (invented sentences) --------------

@pytest.mark.parametrize("text,published_at,value", [
    ("星川电子昨日公告，首席财务官鲁明远因个人原因辞职。", "2024-06-15", "2024-06-14"),  # 昨日: publication day - 1
    ("当地时间12日，北港能源董事长韦思成宣布辞职。", "2024-06-15", "2024-06-12"),  # a day without its month
    ("3月4日晚，蓝海物流召开董事会。第二天一早，总裁邹立伟递交了辞呈。", "2024-06-15", "2024-03-05"),  # 第二天
])
def test_dates_told_relative_to_the_paper_or_the_sentence_before(text: str, published_at: str, value: str) -> None:
    [event] = extract(text, published_at=published_at)
    assert event.date.value == value


def test_a_vague_time_borrows_no_date() -> None:
    text = "2023年春节前后，青湖基金总经理闵一舟离职。此外，副总经理窦文清等人近几年也相继离开青湖基金。"
    events = {e.person.name: e for e in extract(text)}
    assert events["闵一舟"].date.value == "2023-02"
    assert events["窦文清"].date.value is None


def test_a_notice_dates_its_officers_by_the_day_the_board_received_their_reports() -> None:
    text = ("证券简称：云岭股份\n公司董事会于2024年5月6日收到副总经理庞思远先生、财务总监祁晓雯女士提交的书面辞职报告。\n"
            "庞思远先生因个人原因辞去副总经理职务。祁晓雯女士因工作调整辞去财务总监职务。")
    events = extract(text, published_at="2024-05-08")
    assert {(e.person.name, e.date.value) for e in events} == {("庞思远", "2024-05-06"), ("祁晓雯", "2024-05-06")}


@pytest.mark.parametrize("text,destination", [
    ("原青石科技副总裁洪振宇离职后，加盟了正在筹建中的远帆基金。", "远帆基金"),  # described before its name
    ("麦丘智能首席科学家晏书航离职，随后加入自动驾驶初创公司驭风科技。", "驭风科技"),  # after a category noun
])
def test_a_destination_described_before_its_name(text: str, destination: str) -> None:
    [event] = extract(text)
    assert event.to.organization == destination


def test_the_company_a_person_founded_is_where_they_went() -> None:
    text = ("光羽科技创始人邓启航在华晶半导体工作了十年，离开前是华晶半导体副总裁。"
            "2021年，他辞去华晶半导体的职务，回国创业。")
    [event] = extract(text)
    assert (event.from_.organization, event.to.organization, event.to.kind) == ("华晶半导体", "光羽科技", "startup")


def test_a_kind_cue_inside_the_post_left_is_no_destination() -> None:
    [event] = extract("前北辰大学终身教授岑立行已于今年3月离职。")
    assert event.to.kind in (None, "unknown")


@pytest.mark.parametrize("text,leaving", [
    ("秘书长卢明哲因反对任命钟一帆，向理事长提交了辞呈。", "卢明哲"),  # 任命X: X is not the one leaving
    ("6月2日，青川队主帅郁可凡被俱乐部老板解雇。", "郁可凡"),
    ("冯立明的大学同学梁思远，2015年加入星海科技负责销售，后来也离开了星海科技。", "梁思远"),  # X的同学
])
def test_the_subject_is_not_someone_else_named_in_the_sentence(text: str, leaving: str) -> None:
    assert [e.person.name for e in extract(text)] == [leaving]
