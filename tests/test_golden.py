"""The golden corpora: the real pipeline on the seeds and the dev set, scored against their gold.

Floors live in fixtures/floors.json and only go up: a change that drops a score under its floor fails here,
and the message shows the scores so the floor can be raised when the extractor improves.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest
from pydantic import BaseModel, ConfigDict, Field

from extractor.evaluation.evaluate import read_gold
from extractor.ingest.inputs import iter_inputs
from extractor.models import ErrorRecord
from extractor.pipeline import StageError, get_pipeline
from extractor.evaluation.report import floor_failures, format_table
from extractor.evaluation.scoring import FIELDS, CorpusScore, PredictedEvent, score_corpus

pytestmark = pytest.mark.golden

# corpus name -> (articles, gold), relative to the repository root
CORPORA = {
    "seeds": ("seeds/seeds.jsonl", "fixtures/gold/seeds.jsonl"),
    "dev": ("fixtures/dev/articles.jsonl", "fixtures/gold/dev.jsonl"),
    "holdout": ("fixtures/holdout/articles.jsonl", "fixtures/gold/holdout.jsonl"),
    "dev2": ("fixtures/dev2/articles.jsonl", "fixtures/gold/dev2.jsonl"),
    "blind": ("fixtures/blind/articles.jsonl", "fixtures/gold/blind.jsonl"),
}


class Floor(BaseModel):
    model_config = ConfigDict(extra="forbid")

    events_f1: float = Field(ge=0.0, le=1.0)
    fields_f1: dict[str, float]


@dataclass
class GoldenRun:
    name: str
    articles: int
    failures: list[str]  # one line per article the pipeline could not read or process
    score: CorpusScore


def load_floors(repo_root: Path) -> dict[str, Floor]:
    raw = json.loads((repo_root / "fixtures" / "floors.json").read_text(encoding="utf-8"))
    return {name: Floor.model_validate(floor) for name, floor in raw.items()}


def run_corpus(repo_root: Path, name: str) -> GoldenRun:
    articles_path, gold_path = (repo_root / part for part in CORPORA[name])
    pipeline = get_pipeline()
    failures: list[str] = []
    predictions: list[PredictedEvent] = []
    count = 0
    for item in iter_inputs([str(articles_path)]):
        count += 1
        if isinstance(item, ErrorRecord):
            failures.append(f"{item.article_id}: {item.stage}: {item.reason}")
            continue
        try:
            events = pipeline.extract(item)
        except StageError as exc:
            failures.append(f"{item.id}: {exc}")
            continue
        predictions += [PredictedEvent.model_validate(event.to_json_dict()) for event in events]
    return GoldenRun(name, count, failures, score_corpus(read_gold(gold_path), predictions))


@pytest.fixture(scope="module", params=sorted(CORPORA))
def golden(request: pytest.FixtureRequest, repo_root: Path) -> GoldenRun:
    return run_corpus(repo_root, request.param)


def describe(run: GoldenRun) -> str:
    return f"scores on the {run.name} corpus ({run.articles} articles):\n{format_table(run.score)}"


def test_floors_file_covers_every_corpus_and_field(repo_root):
    floors = load_floors(repo_root)
    assert set(floors) == set(CORPORA)
    for floor in floors.values():
        assert set(floor.fields_f1) == set(FIELDS)
        assert all(0.0 <= value <= 1.0 for value in floor.fields_f1.values())


def test_pipeline_reads_and_processes_every_article(golden):
    gold_ids = {article.article_id for article in golden.score.articles if article.in_gold}
    assert golden.articles == len(gold_ids), "the articles file and the gold list different articles"
    if golden.failures:
        pytest.fail(f"{len(golden.failures)} of {golden.articles} {golden.name} articles failed:\n  "
                    + "\n  ".join(golden.failures) + "\n" + describe(golden), pytrace=False)


def test_predictions_name_only_gold_articles(golden):
    if golden.score.unknown_articles:
        pytest.fail(f"events for articles not in the gold: {golden.score.unknown_articles}", pytrace=False)


def test_scores_hold_their_floors(golden, repo_root):
    floor = load_floors(repo_root)[golden.name]
    under = floor_failures(golden.score, floor.events_f1, floor.fields_f1)
    if under:
        pytest.fail("under the floors of fixtures/floors.json: " + "; ".join(under) + "\n" + describe(golden),
                    pytrace=False)
