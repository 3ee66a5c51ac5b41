"""Whole-pipeline properties on the fixtures: script independence, offsets, determinism."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from opencc_pyo3 import OpenCC

from extractor.models import Article
from extractor.pipeline import StageError, get_pipeline


def articles(path: Path) -> list[Article]:
    return [Article.model_validate(json.loads(line)) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def fixture_articles(repo_root: Path) -> list[Article]:
    return articles(repo_root / "seeds" / "seeds.jsonl") + articles(repo_root / "fixtures" / "dev" / "articles.jsonl")


def key(events) -> list[tuple]:  # type: ignore[no-untyped-def]
    return sorted((e.person.name, e.from_.organization, e.from_.position, e.date.value, e.to.organization)
                  for e in events)


def test_traditional_script_gives_the_same_events(fixture_articles: list[Article]) -> None:
    to_traditional = OpenCC("s2t")
    pipeline = get_pipeline()
    for article in fixture_articles:
        if article.id not in ("003_08bd5f78e4228db7", "d02_dji_talent_outflow", "d05_us_tech_exits"):
            continue
        traditional = article.model_copy(update={"text": to_traditional.convert(article.text)})
        assert key(pipeline.extract(traditional)) == key(pipeline.extract(article)), article.id


def test_evidence_maps_back_to_the_original_text(fixture_articles: list[Article]) -> None:
    pipeline = get_pipeline()
    checked = 0
    for article in fixture_articles:
        norm = pipeline.normalize(article)
        for event in pipeline.extract(article):
            for evidence in event.evidence:
                assert norm.text[evidence.start:evidence.end] == evidence.text
                original = article.text[evidence.source_start:evidence.source_end]
                assert pipeline.normalizer.normalize(original).text.strip() == evidence.text
                checked += 1
    assert checked > 100


def test_output_is_deterministic(fixture_articles: list[Article]) -> None:
    pipeline = get_pipeline()
    article = fixture_articles[0]
    first = [e.to_json_dict() for e in pipeline.extract(article)]
    assert first == [e.to_json_dict() for e in pipeline.extract(article)]


def test_empty_text_is_a_stage_error() -> None:
    with pytest.raises(StageError) as error:
        get_pipeline().extract(Article(id="empty", text="   \n"))
    assert error.value.stage == "normalize"


_PIECES = ["离职", "离开", "原", "前", "阿里巴巴", "副总裁", "张三", "·", "（", "）", "，", "。", "\n", "2023年", "5月",
           "加入", "创办", "他", "花名", "Mike Chen", "的", "和", "?", "出任", "公司", "有限公司", "上月"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(st.sampled_from(_PIECES), st.text(max_size=3)), min_size=1, max_size=40),
       st.sampled_from([None, "2024-06-15", "2024-06", "2024"]))
def test_any_text_gives_events_or_a_stage_error(pieces: list[str], published_at: str | None) -> None:
    """Whatever the text, an article either yields valid events or fails with a named stage."""
    text = "".join(pieces)
    try:
        events = get_pipeline().extract(Article(id="fuzz", text=text, published_at=published_at))
    except StageError as error:
        assert error.stage == "normalize" and not text.strip()
        return
    for event in events:
        assert event.from_.organization or event.from_.position
        for evidence in event.evidence:
            assert 0 <= evidence.start <= evidence.end


def test_articles_extracted_together_give_what_each_gives_alone(fixture_articles: list[Article]) -> None:
    pipeline = get_pipeline()
    together = list(pipeline.extract_many(fixture_articles))
    assert len(together) == len(fixture_articles)
    for article, events in zip(fixture_articles, together):
        assert not isinstance(events, Exception), article.id
        assert [e.to_json_dict() for e in events] == [e.to_json_dict() for e in pipeline.extract(article)], article.id


def test_a_broken_article_among_others_fails_alone(fixture_articles: list[Article]) -> None:
    pipeline = get_pipeline()
    group = [fixture_articles[0], Article(id="empty", text=" "), fixture_articles[1]]
    first, broken, last = pipeline.extract_many(group)
    assert isinstance(broken, StageError) and broken.stage == "normalize"
    assert [e.to_json_dict() for e in first] == [e.to_json_dict() for e in pipeline.extract(group[0])]
    assert [e.to_json_dict() for e in last] == [e.to_json_dict() for e in pipeline.extract(group[2])]


def test_a_model_failure_on_one_article_is_that_articles_entity_error(fixture_articles: list[Article]) -> None:
    """The model reads a group's sentences in one call; when that call fails, each article is read
    alone, so only the article the model cannot read fails, in the entities stage."""
    pipeline = get_pipeline()
    tagger = pipeline.engine.analyzer.tagger
    assert tagger is not None

    class Breaks:
        def tag(self, sentences: list[str]) -> list:
            if any("无法读取" in s for s in sentences):
                raise ValueError("the model cannot read this")
            return tagger.tag(sentences)

    poison = Article(id="poison", text="原某公司副总裁李某离职，无法读取。")
    group = [fixture_articles[0], poison, fixture_articles[1]]
    expected = [[e.to_json_dict() for e in pipeline.extract(a)] for a in (group[0], group[2])]
    pipeline.engine.analyzer.tagger = Breaks()
    try:
        first, broken, last = pipeline.extract_many(group)
    finally:
        pipeline.engine.analyzer.tagger = tagger
    assert isinstance(broken, StageError) and broken.stage == "entities" and "cannot read" in broken.reason
    assert [[e.to_json_dict() for e in found] for found in (first, last)] == expected
