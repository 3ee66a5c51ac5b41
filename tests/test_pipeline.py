"""Whole-pipeline properties on the fixtures: script independence, offsets, determinism."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
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
