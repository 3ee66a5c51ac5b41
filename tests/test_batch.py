"""The batch runner itself, with a fake pipeline whose behaviour is written in each article:
a line `EVENT name org` makes one event, `FAIL stage` raises StageError, `CRASH` a bug,
`EXIT` kills the worker process, `STOP` a KeyboardInterrupt (only when stopping is enabled)."""
from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from extractor.batch.runner import BatchInterrupted, BatchSummary, run_extract
from extractor.batch.output import ResumeError, journal_path, partial_path
from extractor.models import Article, DepartureEvent, FromSide, Person
from extractor.pipeline import StageError
from extractor.batch.progress import ProgressBar, count_articles
from extractor.batch.workers import process_item


class FakePipeline:
    def __init__(self, stop: bool = False) -> None:
        self.stop = stop

    def extract(self, article: Article) -> list[DepartureEvent]:
        events = []
        for line in article.text.splitlines():
            word, *args = line.split()
            if word == "EVENT":
                events.append(DepartureEvent(
                    event_id=f"{article.id}-{args[0]}", article_id=article.id, person=Person(name=args[0]),
                    from_=FromSide(organization=args[1]),
                ))
            elif word == "FAIL":
                raise StageError(args[0], "the fake stage failed")
            elif word == "CRASH":
                raise ZeroDivisionError("division by zero")
            elif word == "EXIT":
                os._exit(3)
            elif word == "STOP" and self.stop:
                raise KeyboardInterrupt
        return events


def fake_factory(rules_dir: Path | None) -> FakePipeline:
    return FakePipeline()


def stopping_factory(rules_dir: Path | None) -> FakePipeline:
    return FakePipeline(stop=True)


def write_batch(path: Path, texts: list[str], extra: list[str] = ()) -> Path:
    lines = [json.dumps({"id": f"a{i:03d}", "text": text}, ensure_ascii=False) for i, text in enumerate(texts)]
    path.write_text("\n".join(lines + list(extra)) + "\n", encoding="utf-8")
    return path


def mixed_texts(count: int) -> list[str]:
    texts = []
    for i in range(count):
        if i % 7 == 3:
            texts.append("FAIL entities")
        elif i % 5 == 0:
            texts.append("没有事件的文章")
        else:
            texts.append(f"EVENT 人{i} 公司{i}\nEVENT 人{i}b 公司{i}")
    return texts


def run(tmp_path: Path, inputs, name: str = "out", **kwargs) -> tuple[BatchSummary, Path, Path]:
    output, errors = tmp_path / f"{name}.jsonl", tmp_path / f"{name}.errors.jsonl"
    kwargs.setdefault("workers", 1)
    kwargs.setdefault("pipeline_factory", fake_factory)
    summary = run_extract([str(i) for i in inputs], output, errors, stderr=io.StringIO(), **kwargs)
    return summary, output, errors


def records(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_events_in_input_order_and_failures_in_the_errors_file(tmp_path):
    batch = write_batch(tmp_path / "in.jsonl", ["EVENT 张三 阿里巴巴", "FAIL normalize", "", "CRASH", "EVENT 李四 华为"],
                        extra=['{"id": "broken", "text": '])
    summary, output, errors = run(tmp_path, [batch])
    assert [(e["article_id"], e["person"]["name"], e["from"]["organization"]) for e in records(output)] == [
        ("a000", "张三", "阿里巴巴"), ("a004", "李四", "华为")]
    assert records(output)[0]["event_id"] == "a000-张三"  # the engine's ids are kept
    failed = {(e["article_id"], e["stage"]) for e in records(errors)}
    assert failed == {("a001", "normalize"), ("a002", "parse"), ("a003", "events"), ("broken", "parse")}
    crash = next(e for e in records(errors) if e["article_id"] == "a003")
    assert "ZeroDivisionError" in crash["reason"] and "test_batch.py" in crash["reason"]
    assert (summary.articles, summary.events, summary.failures, summary.exit_code) == (6, 2, 4, 1)
    assert not partial_path(output).exists() and not partial_path(errors).exists()


def test_a_clean_batch_exits_0_with_an_empty_errors_file(tmp_path):
    summary, output, errors = run(tmp_path, [write_batch(tmp_path / "in.jsonl", ["EVENT 张三 阿里巴巴"])])
    assert summary.exit_code == 0
    assert errors.read_text() == ""
    assert len(records(output)) == 1


def test_every_article_is_journaled_even_with_no_event(tmp_path):
    _, output, _ = run(tmp_path, [write_batch(tmp_path / "in.jsonl", ["无事件", "FAIL events", "EVENT 张三 阿里"])])
    assert [entry["id"] for entry in records(journal_path(output))] == ["a000", "a001", "a002"]


def test_without_errors_file_failures_are_readable_lines_on_stderr(tmp_path):
    stdout, stderr = io.StringIO(), io.StringIO()
    batch = write_batch(tmp_path / "in.jsonl", ["EVENT 张三 阿里巴巴", "FAIL segment"])
    summary = run_extract([str(batch)], None, None, workers=1, pipeline_factory=fake_factory,
                          stdout=stdout, stderr=stderr)
    assert [json.loads(line)["article_id"] for line in stdout.getvalue().splitlines()] == ["a000"]
    assert stderr.getvalue() == f"error: a001 ({batch}:2): segment: the fake stage failed\n"
    assert summary.exit_code == 1


@pytest.mark.parametrize(
    ("raised", "stage"),
    [(StageError("normalize", "x"), "normalize"), (StageError("no-such-stage", "x"), "events"),
     (RecursionError("deep"), "events")],
)
def test_any_exception_of_one_article_becomes_its_error(raised, stage):
    class Raising:
        def extract(self, article):
            raise raised

    outcome = process_item(Raising(), Article(id="x", text="正文", source="f.txt"))
    assert (outcome.article_id, outcome.lines, outcome.error.stage, outcome.error.source) == ("x", [], stage, "f.txt")


def test_workers_give_the_same_output_in_the_same_order(tmp_path):
    batch = write_batch(tmp_path / "in.jsonl", mixed_texts(90))
    _, out1, err1 = run(tmp_path, [batch], name="one", workers=1)
    summary, out2, err2 = run(tmp_path, [batch], name="two", workers=2)
    assert out1.read_bytes() == out2.read_bytes()
    assert err1.read_bytes() == err2.read_bytes()
    assert summary.articles == 90 and summary.events > 100


def test_a_worker_that_dies_fails_only_its_article(tmp_path):
    texts = mixed_texts(30)
    texts[12] = "EXIT"
    batch = write_batch(tmp_path / "in.jsonl", texts)
    summary, output, errors = run(tmp_path, [batch], name="pool", workers=2)
    texts[12] = "无事件"
    _, expected, _ = run(tmp_path, [write_batch(tmp_path / "ok.jsonl", texts)], name="ref")
    assert output.read_bytes() == expected.read_bytes()
    died = [e for e in records(errors) if e["article_id"] == "a012"]
    assert len(died) == 1 and "worker process died" in died[0]["reason"]
    assert summary.articles == 30


# --- interruption and --resume ----------------------------------------------------------------

def test_an_interrupted_run_resumed_equals_one_uninterrupted_run(tmp_path):
    texts = mixed_texts(40)
    texts[17] = "EVENT 王五 腾讯\nSTOP"
    batch = write_batch(tmp_path / "in.jsonl", texts)
    _, expected_out, expected_err = run(tmp_path, [batch], name="whole")

    with pytest.raises(BatchInterrupted) as stopped:
        run(tmp_path, [batch], pipeline_factory=stopping_factory)
    output, errors = tmp_path / "out.jsonl", tmp_path / "out.errors.jsonl"
    assert stopped.value.summary.articles == 17
    assert not output.exists() and partial_path(output).exists()
    assert len(records(journal_path(output))) == 17

    summary, output, errors = run(tmp_path, [batch], resume=True)
    assert (summary.resumed, summary.articles) == (17, 23)
    assert output.read_bytes() == expected_out.read_bytes()
    assert errors.read_bytes() == expected_err.read_bytes()


def test_an_article_half_written_when_the_run_stopped_is_redone_once(tmp_path):
    texts = mixed_texts(12)
    batch = write_batch(tmp_path / "in.jsonl", texts)
    _, expected, _ = run(tmp_path, [batch], name="whole")
    texts[6] = "EVENT 甲 乙\nSTOP"
    with pytest.raises(BatchInterrupted):
        run(tmp_path, [write_batch(tmp_path / "in.jsonl", texts)], pipeline_factory=stopping_factory)
    output = tmp_path / "out.jsonl"
    # as if killed between writing an article's events and journaling it, mid-way through a line
    with open(partial_path(output), "a", encoding="utf-8") as stream:
        stream.write('{"article_id": "a006", "person": {"name": "甲"}}\n{"article_id": "a0')
    with open(journal_path(output), "a", encoding="utf-8") as stream:
        stream.write('{"id": "a00')
    run(tmp_path, [write_batch(tmp_path / "in.jsonl", mixed_texts(12))], resume=True)
    assert output.read_bytes() == expected.read_bytes()


def test_resuming_a_finished_run_only_adds_new_inputs(tmp_path):
    first = write_batch(tmp_path / "a.jsonl", ["EVENT 张三 阿里巴巴", "无事件"])
    second = tmp_path / "b.txt"
    second.write_text("标题\nEVENT 李四 华为\n", encoding="utf-8")
    run(tmp_path, [first])
    summary, output, _ = run(tmp_path, [first, second], resume=True)
    assert (summary.resumed, summary.articles) == (2, 1)
    assert [e["article_id"] for e in records(output)] == ["a000", "b"]


def test_duplicate_ids_resume_like_an_uninterrupted_run(tmp_path):
    batch = tmp_path / "dup.jsonl"
    batch.write_text('{"id": "same", "text": "EVENT 甲 乙"}\n{"id": "same", "text": "EVENT 丙 丁"}\n'
                     '{"id": "last", "text": "EVENT 戊 己\\nSTOP"}\n', encoding="utf-8")
    with pytest.raises(BatchInterrupted):
        run(tmp_path, [batch], pipeline_factory=stopping_factory)
    summary, output, errors = run(tmp_path, [batch], resume=True)
    assert [e["person"]["name"] for e in records(output)] == ["甲", "戊"]
    assert [(e["article_id"], e["stage"]) for e in records(errors)] == [("same", "read")]
    assert (summary.resumed, summary.articles) == (2, 1)


def test_resume_refuses_an_output_without_its_journal(tmp_path):
    (tmp_path / "out.jsonl").write_text("", encoding="utf-8")
    with pytest.raises(ResumeError, match="missing"):
        run(tmp_path, [write_batch(tmp_path / "in.jsonl", ["无事件"])], resume=True)


def test_resume_of_nothing_is_a_fresh_run(tmp_path):
    summary, output, _ = run(tmp_path, [write_batch(tmp_path / "in.jsonl", ["EVENT 张三 阿里巴巴"])], resume=True)
    assert (summary.resumed, summary.articles) == (0, 1) and len(records(output)) == 1


def test_resume_needs_an_output_file(tmp_path):
    with pytest.raises(ResumeError):
        run_extract([str(write_batch(tmp_path / "in.jsonl", ["x"]))], None, None, resume=True,
                    workers=1, pipeline_factory=fake_factory, stdout=io.StringIO())


class SlowPipeline(FakePipeline):
    def extract(self, article: Article) -> list[DepartureEvent]:
        time.sleep(0.02)
        return super().extract(article)


def slow_factory(rules_dir: Path | None) -> SlowPipeline:
    return SlowPipeline()


SIGTERM_SCRIPT = """
import sys
from pathlib import Path
from extractor.batch.runner import BatchInterrupted, run_extract
from test_batch import slow_factory

try:
    run_extract([sys.argv[1]], Path(sys.argv[2]), None, workers=int(sys.argv[3]), quiet=True,
                pipeline_factory=slow_factory)
except BatchInterrupted as exc:
    sys.exit(128 + exc.signum)
"""


@pytest.mark.parametrize("workers", [1, 2])
def test_sigterm_keeps_finished_articles_for_resume(tmp_path, repo_root, workers):
    batch = write_batch(tmp_path / "in.jsonl", mixed_texts(400))
    output = tmp_path / "out.jsonl"
    # the script imports this module (for slow_factory), and so do its spawned workers
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(repo_root), str(Path(__file__).parent)])}
    process = subprocess.Popen([sys.executable, "-c", SIGTERM_SCRIPT, str(batch), str(output), str(workers)],
                               cwd=repo_root, env=env, stderr=subprocess.PIPE)
    journal = journal_path(output)
    deadline = time.monotonic() + 120
    while not (journal.exists() and journal.read_text(encoding="utf-8").count("\n") >= 20):
        assert process.poll() is None, process.stderr.read().decode()
        assert time.monotonic() < deadline, "the run never got going"
        time.sleep(0.05)
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=60) == 128 + signal.SIGTERM
    done = len(records(journal))
    assert 20 <= done < 400 and not output.exists()

    summary, output, _ = run(tmp_path, [batch], resume=True)
    _, expected, _ = run(tmp_path, [batch], name="whole")
    assert summary.resumed == done and summary.articles == 400 - done
    assert output.read_bytes() == expected.read_bytes()


# --- progress -----------------------------------------------------------------------------------

class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_is_drawn_only_on_a_terminal(tmp_path):
    batch = write_batch(tmp_path / "in.jsonl", ["EVENT 张三 阿里巴巴", "FAIL events"])
    for stream, quiet, drawn in [(Terminal(), False, True), (Terminal(), True, False), (io.StringIO(), False, False)]:
        run_extract([str(batch)], tmp_path / "o.jsonl", tmp_path / "e.jsonl", workers=1, quiet=quiet,
                    pipeline_factory=fake_factory, stderr=stream)
        assert ("\r" in stream.getvalue()) == drawn


def test_nothing_but_error_lines_reaches_stderr_when_it_is_not_a_terminal(tmp_path):
    batch = write_batch(tmp_path / "in.jsonl", ["EVENT 张三 阿里巴巴", "FAIL events", "EVENT 李四 华为"])
    quiet_stream, reporting_stream = io.StringIO(), io.StringIO()
    run_extract([str(batch)], tmp_path / "o.jsonl", tmp_path / "e.jsonl", workers=1,
                pipeline_factory=fake_factory, stderr=quiet_stream)
    run_extract([str(batch)], tmp_path / "o.jsonl", None, workers=1,
                pipeline_factory=fake_factory, stderr=reporting_stream)
    assert quiet_stream.getvalue() == ""
    assert reporting_stream.getvalue() == f"error: a001 ({batch}:2): events: the fake stage failed\n"


def test_on_a_terminal_the_bar_is_erased_and_error_lines_stay_whole(tmp_path, monkeypatch):
    monkeypatch.setenv("TERM", "xterm-256color")  # a dumb terminal gets no bar
    batch = write_batch(tmp_path / "in.jsonl", ["EVENT 张三 阿里巴巴", "FAIL events", "EVENT 李四 华为"])
    stream = Terminal()
    run_extract([str(batch)], tmp_path / "o.jsonl", None, workers=1, pipeline_factory=fake_factory, stderr=stream)
    drawn = stream.getvalue()

    assert "━" in drawn and "/3 articles" in drawn
    assert f"\x1b[2Kerror: a001 ({batch}:2): events: the fake stage failed\n" in drawn
    assert drawn.endswith("\x1b[2K")  # the bar's line is cleared for the summary that follows


def test_a_dumb_terminal_gets_no_bar(tmp_path, monkeypatch):
    monkeypatch.setenv("TERM", "dumb")
    batch = write_batch(tmp_path / "in.jsonl", ["EVENT 张三 阿里巴巴"])
    stream = Terminal()
    run_extract([str(batch)], tmp_path / "o.jsonl", tmp_path / "e.jsonl", workers=1,
                pipeline_factory=fake_factory, stderr=stream)
    assert stream.getvalue() == ""


def test_progress_line_shows_count_rate_failures_and_eta():
    bar = ProgressBar(io.StringIO(), total=100)
    assert bar.render(25, 2, 10.0) == "25/100 articles  2.5/s  2 failed  ETA 0:00:30"
    assert ProgressBar(io.StringIO()).render(25, 0, 10.0) == "25 articles  2.5/s  0 failed"


def test_count_articles_when_cheap(tmp_path):
    write_batch(tmp_path / "in.jsonl", ["a", "b", "c"])
    (tmp_path / "x.txt").write_text("t\nx", encoding="utf-8")
    assert count_articles([str(tmp_path)]) == 4
    assert count_articles([str(tmp_path)], limit_bytes=10) is None
    assert count_articles(["-"]) is None


def test_the_same_article_read_twice_is_extracted_once(tmp_path):
    """seeds/ holds each seed as a .txt file and in seeds.jsonl: one copy is extracted, none fails."""
    folder = tmp_path / "in"
    folder.mkdir()
    write_batch(folder / "batch.jsonl", ["EVENT 张三 阿里巴巴"])
    (folder / "a000.txt").write_text("标题\nEVENT 张三 阿里巴巴\n", encoding="utf-8")
    summary, output, errors = run(tmp_path, [folder])
    assert [e["article_id"] for e in records(output)] == ["a000"]
    assert (summary.articles, summary.repeated, summary.exit_code) == (1, 1, 0)


def test_one_id_for_two_different_texts_is_an_error(tmp_path):
    first = write_batch(tmp_path / "one.jsonl", ["EVENT 张三 阿里巴巴"])
    second = write_batch(tmp_path / "two.jsonl", ["EVENT 李四 华为"])
    summary, output, errors = run(tmp_path, [first, second])
    assert [e["person"]["name"] for e in records(output)] == ["张三"]
    [error] = records(errors)
    assert (error["article_id"], error["stage"]) == ("a000", "read")
    assert "already used by a different text" in error["reason"]
    assert summary.exit_code == 1
