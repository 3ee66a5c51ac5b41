"""`departures load`, `export` and `run` as a user runs them: exit codes, messages, stdout carrying data only."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import extractor.batch.runner as batch
from extractor.cli import app
from extractor.db import connect
from extractor.models import Article, DepartureEvent
from extractor.pipeline import StageError
from test_db_sqlite import SAMPLE, event, write_jsonl


def invoke(*args: str, stdin: str | None = None) -> Any:
    return CliRunner().invoke(app, list(args), input=stdin)


@pytest.fixture
def events_file(tmp_path: Path) -> Path:
    return write_jsonl(tmp_path / "events.jsonl", SAMPLE)


@pytest.mark.parametrize("command", ["load", "export", "run"])
def test_every_database_command_has_help(command: str) -> None:
    result = invoke(command, "--help")
    assert result.exit_code == 0
    assert "--db" in result.stdout


def test_load_then_export_merged(events_file: Path, tmp_path: Path) -> None:
    db = str(tmp_path / "d.db")
    loaded = invoke("load", str(events_file), "--db", db)
    assert loaded.exit_code == 0, loaded.stderr
    assert loaded.stdout == ""
    assert "4 new" in loaded.stderr and "3 departure(s)" in loaded.stderr

    exported = invoke("export", "--merged", "--db", db)
    assert exported.exit_code == 0
    departures = [json.loads(line) for line in exported.stdout.splitlines()]
    assert sorted(d["person"]["name"] for d in departures) == ["周畅", "梁军", "薄列峰"]
    assert all(d["sources"] for d in departures)


def test_loading_again_reports_everything_unchanged(events_file: Path, tmp_path: Path) -> None:
    db = str(tmp_path / "d.db")
    invoke("load", str(events_file), "--db", db)
    again = invoke("load", str(events_file), "--db", db)
    assert again.exit_code == 0
    assert "0 new, 0 updated, 4 unchanged" in again.stderr


def test_the_default_database_is_departures_db_in_the_current_folder(
    events_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert invoke("load", str(events_file)).exit_code == 0
    assert (tmp_path / "departures.db").is_file()
    assert len(invoke("export").stdout.splitlines()) == 4


def test_a_broken_line_is_named_and_exits_1(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "events.jsonl", [SAMPLE[0], "{oops", SAMPLE[1]])
    result = invoke("load", str(path), "--db", str(tmp_path / "d.db"))
    assert result.exit_code == 1
    assert f"{path}:2: not valid JSON" in result.stderr
    assert "2 new" in result.stderr


def test_load_reads_stdin(tmp_path: Path) -> None:
    stdin = "\n".join(json.dumps(e, ensure_ascii=False) for e in SAMPLE) + "\n"
    result = invoke("load", "-", "--db", str(tmp_path / "d.db"), stdin=stdin)
    assert result.exit_code == 0
    assert "4 new" in result.stderr


def test_usage_errors_exit_2(events_file: Path, tmp_path: Path) -> None:
    missing = invoke("load", str(tmp_path / "missing.jsonl"), "--db", str(tmp_path / "d.db"))
    assert missing.exit_code == 2
    assert "no events file" in missing.stderr
    bad_url = invoke("load", str(events_file), "--db", "mysql://localhost/x")
    assert bad_url.exit_code == 2
    assert "unsupported database URL scheme 'mysql'" in bad_url.stderr


def test_export_of_a_missing_database_fails_without_creating_it(tmp_path: Path) -> None:
    result = invoke("export", "--merged", "--db", str(tmp_path / "none.db"))
    assert result.exit_code == 1
    assert "departures load" in result.stderr
    assert not (tmp_path / "none.db").exists()


def test_export_writes_to_a_file(events_file: Path, tmp_path: Path) -> None:
    db, out = str(tmp_path / "d.db"), tmp_path / "merged.jsonl"
    invoke("load", str(events_file), "--db", db)
    result = invoke("export", "--merged", "--db", db, "-o", str(out))
    assert result.exit_code == 0 and result.stdout == ""
    assert len(out.read_text(encoding="utf-8").splitlines()) == 3


# -- run: extraction is replaced by a fake pipeline, the rest is real --------------------------------

ARTICLES = [
    {"id": "000", "text": "后脚就传出技术高管薄列峰离职的消息。"},
    {"id": "001", "text": "薄列峰已于10月离职。"},
    {"id": "002", "text": "一篇让引擎出错的文章。"},
]
FAKE_EVENTS = {
    "000": [event("000", "薄列峰", "阿里巴巴", date="2025-05")],
    "001": [event("001", "薄列峰", "阿里巴巴", date="2023-10")],
}


class FakePipeline:
    def __init__(self) -> None:
        self.seen: list[str] = []

    def extract(self, article: Article) -> list[DepartureEvent]:
        self.seen.append(article.id)
        if article.id not in FAKE_EVENTS:
            raise StageError("events", "no frame fits")
        return [DepartureEvent.model_validate(e) for e in FAKE_EVENTS[article.id]]


@pytest.fixture
def fake_pipeline(monkeypatch: pytest.MonkeyPatch) -> FakePipeline:
    fake = FakePipeline()
    real = batch.run_extract
    monkeypatch.setattr(batch, "run_extract",
                        lambda *args, **kwargs: real(*args, pipeline_factory=lambda _rules: fake, **kwargs))
    return fake


def test_run_extracts_loads_and_merges(fake_pipeline: FakePipeline, tmp_path: Path) -> None:
    articles = write_jsonl(tmp_path / "articles.jsonl", ARTICLES[:2])
    db, kept = str(tmp_path / "d.db"), tmp_path / "events.jsonl"
    result = invoke("run", str(articles), "--db", db, "--events", str(kept), "--workers", "1", "--quiet")

    assert result.exit_code == 0, result.stderr
    assert "2 article(s), 0 failed, 2 event(s) loaded, 1 departure(s)" in result.stderr
    assert len(kept.read_text(encoding="utf-8").splitlines()) == 2
    with connect(db) as database:
        assert database.query("SELECT person, n_articles, conflict FROM departures") == [("薄列峰", 2, True)]


def test_run_exits_1_when_an_article_fails_and_still_loads_the_rest(
    fake_pipeline: FakePipeline, tmp_path: Path
) -> None:
    articles = write_jsonl(tmp_path / "articles.jsonl", ARTICLES)
    db, errors = str(tmp_path / "d.db"), tmp_path / "errors.jsonl"
    result = invoke("run", str(articles), "--db", db, "--errors", str(errors), "--workers", "1", "--quiet")

    assert result.exit_code == 1
    assert "3 article(s), 1 failed" in result.stderr
    (failure,) = [json.loads(line) for line in errors.read_text(encoding="utf-8").splitlines()]
    assert failure["article_id"] == "002"
    with connect(db) as database:
        assert database.query("SELECT n_sources FROM departures") == [(2,)]


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return str(tmp_path / "d.db")


def run_twice(db_url: str, tmp_path: Path, change: Any) -> Any:
    """`run` on articles 000 and 001, then `change()` to the extraction, then `run` on them again."""
    articles = write_jsonl(tmp_path / "articles.jsonl", ARTICLES[:2])
    first = invoke("run", str(articles), "--db", db_url, "--workers", "1", "--quiet")
    assert first.exit_code == 0, first.stderr
    change()
    return invoke("run", str(articles), "--db", db_url, "--workers", "1", "--quiet")


def test_run_clears_an_article_that_now_yields_no_event(
    fake_pipeline: FakePipeline, db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    again = run_twice(db_url, tmp_path, lambda: monkeypatch.setitem(FAKE_EVENTS, "000", []))

    assert again.exit_code == 0, again.stderr
    assert "1 removed" in again.stderr
    with connect(db_url) as database:
        assert database.query("SELECT article_id FROM events") == [("001",)]
        assert database.query("SELECT n_sources, date_value, conflict FROM departures") == [(1, "2023-10", False)]


def test_run_keeps_the_events_of_an_article_that_failed(
    fake_pipeline: FakePipeline, db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    again = run_twice(db_url, tmp_path, lambda: monkeypatch.delitem(FAKE_EVENTS, "001"))

    assert again.exit_code == 1
    assert "2 article(s), 1 failed" in again.stderr and "0 removed" in again.stderr
    with connect(db_url) as database:
        assert sorted(database.query("SELECT article_id FROM events")) == [("000",), ("001",)]
        assert database.query("SELECT n_sources FROM departures") == [(2,)]


def test_run_checks_the_database_before_extracting(fake_pipeline: FakePipeline, tmp_path: Path) -> None:
    articles = write_jsonl(tmp_path / "articles.jsonl", ARTICLES[:1])
    result = invoke("run", str(articles), "--db", str(tmp_path / "no" / "such" / "d.db"), "--quiet")
    assert result.exit_code == 1
    assert "does not exist" in result.stderr
    assert fake_pipeline.seen == []


def test_run_usage_errors_exit_2(fake_pipeline: FakePipeline, tmp_path: Path) -> None:
    missing = invoke("run", str(tmp_path / "nothing.jsonl"), "--db", str(tmp_path / "d.db"))
    assert missing.exit_code == 2 and "no such input" in missing.stderr
    articles = write_jsonl(tmp_path / "articles.jsonl", ARTICLES[:1])
    bad_date = invoke("run", str(articles), "--db", str(tmp_path / "d.db"), "--published-at", "May 2025")
    assert bad_date.exit_code == 2 and "--published-at" in bad_date.stderr
    assert fake_pipeline.seen == []
