"""Entity finders, and the spaCy pipeline that runs them over the pipeline's own jieba tokens."""
from __future__ import annotations

from pathlib import Path

import pytest
import spacy

from extractor.entities.analyzer import StepState
from extractor.entities.spacy_pipeline import analyze_doc
from extractor.models import Article
from extractor.pipeline import Pipeline, get_pipeline


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    return get_pipeline()


def labelled(pipeline: Pipeline, text: str, label: str) -> list[str]:
    return [m.text for m in pipeline.engine.analyzer.analyze(text, None).of(label)]


@pytest.mark.parametrize("text,names", [
    ("达摩院XR实验室负责人谭平和达摩院大模型M6带头人杨红霞也相继离职", ["谭平", "杨红霞"]),  # jieba glues 平和
    ("阿里巴巴副总裁、达摩院副院长金榕和达摩院城市大脑负责人华先胜离职", ["金榕", "华先胜"]),
    ("字节跳动AI实验室总监李磊宣布重返学术界", ["李磊"]),  # not 李磊宣
    ("首席财务官扎克·柯克霍恩（Zachary Kirkhorn）递交辞呈", ["扎克·柯克霍恩", "Zachary Kirkhorn"]),
    ("Meta首席技术官Mike Schroepfer离职", ["Mike Schroepfer"]),
    ("7. 高修峰。", ["高修峰"]),  # a list item that is only a name
])
def test_person_names(pipeline: Pipeline, text: str, names: list[str]) -> None:
    assert labelled(pipeline, text, "PERSON") == names


@pytest.mark.parametrize("text", [
    "根据其钉钉信息显示，离职时间为7月8日",  # 信息显 is not a name
    "AI、元宇宙等新风口的出现",
    "据Business Insider报道",
    "曾担任人工智能实验室总监一职",
])
def test_no_person_in_ordinary_text(pipeline: Pipeline, text: str) -> None:
    assert labelled(pipeline, text, "PERSON") == []


@pytest.mark.parametrize("text,orgs", [
    ("离职并创办了智行合一科技有限公司", ["智行合一科技有限公司"]),
    ("去AI公司至像科技担任CEO", ["至像科技"]),
    ("创立了专注加密货币领域的AI初创公司EquiLibre Technologies", ["EquiLibre Technologies"]),
    ("共同创立了一家清洁机器人公司", []),  # a description, not a name
    ("在长文中说服公司管理层", []),
])
def test_organizations_by_shape(pipeline: Pipeline, text: str, orgs: list[str]) -> None:
    assert labelled(pipeline, text, "ORG") == orgs


def test_gazetteer_gives_canonical_names_and_divisions(pipeline: Pipeline) -> None:
    [org] = pipeline.engine.analyzer.analyze("阿里达摩院", None).of("ORG")
    assert (org.value.canonical, org.value.unit) == ("阿里巴巴", "达摩院")


@pytest.mark.parametrize("text,post", [
    ("零一万物的算法负责人黄文灏", "算法负责人"),
    ("技术委员会副主席兼秘书长李伟星", "副主席兼秘书长"),
    ("收到董事长郑杨先生的辞呈", "董事长"),
    ("辞去公司CEO一职", "CEO"),
])
def test_posts_keep_their_modifier(pipeline: Pipeline, text: str, post: str) -> None:
    assert post in labelled(pipeline, text, "TITLE")


def test_spacy_doc_carries_spans_with_their_sources(pipeline: Pipeline) -> None:
    doc = analyze_doc(pipeline.engine.nlp, "2022年5月，阿里巴巴副总裁金榕离职。", StepState())
    assert [t.text for t in doc][:3] == ["2022", "年", "5"]  # tokens come from jieba
    sources = {span.label_: span._.source for span in doc.spans["mentions"]}
    assert sources["PERSON"] == "persons.surname_context.v1"
    assert sources["ORG"] == "orgs.gazetteer.v1"
    assert sources["TRIGGER"] == "triggers.lexicon.v1"
    assert {e.label_ for e in doc.ents} == {"PERSON", "ORG", "TIME"}


def test_a_sentence_the_model_read_is_tokenized_by_its_words(pipeline: Pipeline) -> None:
    text = "2022年5月，阿里巴巴副总裁金榕离职。"
    words = pipeline.engine.analyzer.tag([text])[0]
    doc = analyze_doc(pipeline.engine.nlp, text, StepState(model_words=words))
    assert [t.text for t in doc] == [w.text for w in words]
    assert doc.text == text
    assert "金榕" in [e.text for e in doc.ents if e.label_ == "PERSON"]


def test_a_trained_pipeline_adds_names_the_rules_miss(tmp_path: Path) -> None:
    """Stand-in for a user's zh_core_web_*: a saved pipeline whose `ner` names one person."""
    model = spacy.blank("zh")
    model.add_pipe("entity_ruler").add_patterns([{"label": "PERSON", "pattern": "蒂姆库克"}])
    model.to_disk(tmp_path / "model")
    article = Article(id="a", text="苹果首席执行官蒂姆库克宣布离职。", published_at="2024-01-02")
    assert Pipeline(statistical_ner=False).extract(article) == []
    [event] = Pipeline(ner_model=str(tmp_path / "model"), statistical_ner=False).extract(article)
    assert event.person.name == "蒂姆库克"
    assert any(p.rule == f"spacy.{tmp_path / 'model'}.ner" for p in event.provenance if p.field == "person")


@pytest.mark.parametrize("text,names", [
    ("1. 张三丰：原百度副总裁，已于3月离职", ["张三丰"]),  # a name opening a numbered item
    ("2018年加入阿里的王大明，今年1月从阿里云离职", ["王大明"]),  # the next clause opens with a time
    ("快手副总裁宋婷婷或将离职", ["宋婷婷"]),
])
def test_names_at_clause_edges(pipeline: Pipeline, text: str, names: list[str]) -> None:
    assert labelled(pipeline, text, "PERSON") == names


@pytest.mark.parametrize("text", [
    "公司独立董事柯振宇先生因连续担任公司独立董事即将满六年，申请辞去职务",  # 满六年 is a count
])
def test_counts_are_not_names(pipeline: Pipeline, text: str) -> None:
    assert "满六年" not in labelled(pipeline, text, "PERSON")


def test_a_registered_name_keeps_its_legal_suffix(pipeline: Pipeline) -> None:
    assert labelled(pipeline, "江苏禾元精密科技股份有限公司董事会", "ORG") == ["江苏禾元精密科技股份有限公司"]
