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
