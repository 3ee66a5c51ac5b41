"""`departures extract` as a user runs it: exit codes, stdout carrying data only, errors where
asked, every input kind. The pipeline is a fake whose events are written in each article
(`EVENT name org`, `FAIL stage`), so these tests check the command, not extraction quality."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

import extractor.batch.runner
from extractor.cli import app
from extractor.models import Article, DepartureEvent, DateValue, FromSide, Person
from extractor.pipeline import StageError
from extractor.rulebook.loader import RuleFileError


class EchoPipeline:
    def extract(self, article: Article) -> list[DepartureEvent]:
        events = []
        for line in article.text.splitlines():
            word, *args = line.split() or [""]
            if word == "EVENT":
                events.append(DepartureEvent(
                    article_id=article.id, person=Person(name=args[0]), from_=FromSide(organization=args[1]),
                    date=DateValue(value=article.published_at),
                ))
            elif word == "FAIL":
                raise StageError(args[0], "the fake stage failed")
        return events


def echo_factory(rules_dir: Path | None = None) -> EchoPipeline:
    return EchoPipeline()


def broken_rules_factory(rules_dir: Path | None = None) -> EchoPipeline:
    raise RuleFileError("triggers.yaml line 3: unknown key 'kind2'")


@pytest.fixture(autouse=True)
def fake_pipeline(monkeypatch):
    monkeypatch.setattr(extractor.batch.runner, "get_pipeline", echo_factory)


def extract(*args: str, input: bytes | None = None):
    return CliRunner().invoke(app, ["extract", *args], input=input)


def events_of(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines()]


@pytest.fixture
def articles(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "gbk.txt").write_bytes("标题\n2023年1月25日01时\nEVENT 王刚 阿里巴巴\n".encode("gbk"))
    (folder / "big5.txt").write_bytes("標題\nEVENT 梅特爾 宏達電\n".encode("big5"))
    (folder / "utf16.txt").write_bytes("标题\nEVENT 李四 华为\n".encode("utf-16"))
    (folder / "bom.txt").write_bytes("标题\nEVENT 赵六 腾讯\n".encode("utf-8-sig"))
    (folder / "page.html").write_text(
        '<html><head><meta charset="utf-8"><title>页面</title>'
        '<meta property="article:published_time" content="2021-11-11"></head><body><article>'
        "<p>EVENT 史维 香港科技大学</p><p>" + "这是一段足够长的正文，用来让正文抽取认出文章主体。" * 5 +
        "</p></article></body></html>", encoding="utf-8")
    (folder / "batch.jsonl").write_text(
        json.dumps({"id": "j1", "text": "EVENT 付强 滴滴", "published_at": "2025-10-14"}, ensure_ascii=False) + "\n",
        encoding="utf-8")
    return folder


def test_every_input_kind_and_encoding_exits_0_with_events_on_stdout(articles):
    result = extract(str(articles), "--workers", "1")
    assert result.exit_code == 0, result.stderr
    found = {(e["article_id"], e["person"]["name"], e["from"]["organization"], e["date"]["value"])
             for e in events_of(result.stdout)}
    assert found == {
        ("j1", "付强", "滴滴", "2025-10-14"),
        ("big5", "梅特爾", "宏達電", None),
        ("bom", "赵六", "腾讯", None),
        ("gbk", "王刚", "阿里巴巴", "2023-01-25"),
        ("page", "史维", "香港科技大学", "2021-11-11"),
        ("utf16", "李四", "华为", None),
    }
    assert result.stderr.startswith("extract: 6 articles, 6 events, 0 failed")


def test_output_file_is_complete_and_nothing_else_is_left_but_the_journal(articles, tmp_path):
    result = extract(str(articles), "-o", str(tmp_path / "out" / "e.jsonl"), "--errors", str(tmp_path / "err.jsonl"),
                     "--workers", "1")
    assert result.exit_code == 0 and result.stdout == ""
    assert len(events_of((tmp_path / "out" / "e.jsonl").read_text(encoding="utf-8"))) == 6
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["e.jsonl", "e.jsonl.done"]
    assert (tmp_path / "err.jsonl").read_text() == ""


def test_failures_exit_1_and_go_to_the_errors_file(tmp_path):
    batch = tmp_path / "b.jsonl"
    batch.write_text('{"id": "ok", "text": "EVENT 甲 乙"}\n{"id": "bad", "text": "FAIL entities"}\n'
                     '{"id": "broken", "text": \n{"id": "empty", "text": ""}\n', encoding="utf-8")
    result = extract(str(batch), "-o", str(tmp_path / "e.jsonl"), "--errors", str(tmp_path / "err.jsonl"), "--workers", "1")
    assert result.exit_code == 1
    errors = events_of((tmp_path / "err.jsonl").read_text(encoding="utf-8"))
    assert [(e["article_id"], e["stage"]) for e in errors] == [("bad", "entities"), ("broken", "parse"),
                                                               ("empty", "parse")]
    assert [e["article_id"] for e in events_of((tmp_path / "e.jsonl").read_text(encoding="utf-8"))] == ["ok"]
    assert "3 failed" in result.stderr


def test_without_errors_file_failures_are_readable_on_stderr_and_stdout_stays_data(tmp_path):
    (tmp_path / "bin.txt").write_bytes(b"\x00\x01\x02\x03" * 100)
    (tmp_path / "ok.txt").write_text("题\nEVENT 甲 乙\n", encoding="utf-8")
    result = extract(str(tmp_path), "--workers", "2")
    assert result.exit_code == 1
    assert [e["article_id"] for e in events_of(result.stdout)] == ["ok"]
    assert f"error: bin ({tmp_path / 'bin.txt'}): decode: binary data" in result.stderr


def test_stderr_that_is_no_terminal_gets_the_summary_line_and_no_progress(tmp_path):
    batch = tmp_path / "b.jsonl"
    batch.write_text('{"id": "ok", "text": "EVENT 甲 乙"}\n{"id": "bad", "text": "FAIL entities"}\n', encoding="utf-8")
    result = extract(str(batch), "-o", str(tmp_path / "e.jsonl"), "--errors", str(tmp_path / "err.jsonl"),
                     "--workers", "1")
    assert result.exit_code == 1
    assert re.fullmatch(r"extract: 2 articles, 1 events, 1 failed, \d+\.\d s\n", result.stderr)


def test_stdin_and_published_at(tmp_path):
    result = extract("-", "--published-at", "2024-05-02", "--workers", "1",
                     input='{"id": "s", "text": "EVENT 甲 乙"}\n'.encode("utf-8"))
    assert result.exit_code == 0
    [event] = events_of(result.stdout)
    assert (event["article_id"], event["date"]["value"]) == ("s", "2024-05-02")


def test_resume_finishes_a_run_without_doubling(tmp_path):
    batch = tmp_path / "b.jsonl"
    batch.write_text("".join(f'{{"id": "a{i}", "text": "EVENT 人{i} 公司"}}\n' for i in range(5)), encoding="utf-8")
    out = tmp_path / "e.jsonl"
    assert extract(str(batch), "-o", str(out), "--workers", "1").exit_code == 0
    with open(batch, "a", encoding="utf-8") as stream:
        stream.write('{"id": "new", "text": "EVENT 新人 公司"}\n')
    result = extract(str(batch), "-o", str(out), "--resume", "--workers", "1")
    assert result.exit_code == 0
    assert [e["article_id"] for e in events_of(out.read_text(encoding="utf-8"))] == [
        "a0", "a1", "a2", "a3", "a4", "new"]
    assert "1 articles" in result.stderr and "5 already done" in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["missing.txt"], "no such input: missing.txt"),
        (["{in}", "--published-at", "2023-02-30"], "is not a date"),
        (["{in}", "--published-at", "14/10/2025"], "is not a date"),
        (["{in}", "--resume"], "--resume needs -o"),
        (["{in}", "--rules", "{in}"], "not a folder"),
        (["{in}", "--workers", "0"], ""),
    ],
)
def test_usage_errors_exit_2(tmp_path, args, message):
    path = tmp_path / "a.txt"
    path.write_text("题\nEVENT 甲 乙\n", encoding="utf-8")
    result = extract(*[a.replace("{in}", str(path)) for a in args])
    assert result.exit_code == 2
    assert message in result.stderr
    assert result.stdout == ""


def test_resume_with_an_output_of_unknown_origin_is_a_usage_error(tmp_path):
    (tmp_path / "a.txt").write_text("题\nEVENT 甲 乙\n", encoding="utf-8")
    (tmp_path / "e.jsonl").write_text("", encoding="utf-8")
    result = extract(str(tmp_path / "a.txt"), "-o", str(tmp_path / "e.jsonl"), "--resume", "--workers", "1")
    assert result.exit_code == 2 and "without --resume" in result.stderr


def test_bad_rules_are_a_usage_error_before_anything_is_written(tmp_path, monkeypatch):
    monkeypatch.setattr(extractor.batch.runner, "get_pipeline", broken_rules_factory)
    (tmp_path / "a.txt").write_text("题\nEVENT 甲 乙\n", encoding="utf-8")
    for workers in ["1", "2"]:
        result = extract(str(tmp_path / "a.txt"), "-o", str(tmp_path / "out" / "e.jsonl"), "--workers", workers)
        assert result.exit_code == 2 and "triggers.yaml line 3" in result.stderr
        assert not (tmp_path / "out").exists()


def test_extract_has_help():
    result = CliRunner().invoke(app, ["extract", "--help"])
    assert result.exit_code == 0
    for option in ["--output", "--errors", "--published-at", "--workers", "--resume", "--quiet", "--rules"]:
        assert option in result.stdout
