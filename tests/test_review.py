"""`departures review`: the judgment stores and the gold export, the app's safety (CSRF, hosts,
escaping), and the page itself in a real headless Chromium driven by playwright.

The events are the real pipeline's output on two seed articles (one simplified, one traditional, so
evidence offsets point into text that differs from the normalized evidence) and on an article holding
markup. Browser tests start `departures review` as a subprocess on a free loopback port.
"""
from __future__ import annotations

import io
import json
import os
import select
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient
from typer.testing import CliRunner

from extractor.batch.runner import run_extract
from extractor.cli import app as cli_app
from extractor.db import connect, load_events
from extractor.evaluation.evaluate import evaluate_files, read_gold
from extractor.ingest.inputs import iter_inputs
from extractor.models import Article, DepartureEvent
from extractor.review import (
    DbJudgmentStore,
    JsonlJudgmentStore,
    JudgmentFileError,
    load_corpus,
    open_store,
)
from extractor.review.app import make_app
from extractor.review.corpus import evidence_spans, read_events_file, segments
from extractor.review.judgments import CorrectionError, Judgment, SourceSpan, gold_from_event, gold_from_form
from extractor.review.store import export_gold, judgments_path
from pg_server import pg_server, pg_url  # noqa: F401  (fixtures)

SIMPLIFIED = "000_efa2dd144cc632d7"
TRADITIONAL = "002_7cb665f7f2a66f5a"
MARKUP = "markup_article"
MARKUP_RECORD = {
    "id": MARKUP,
    "title": "<b>标题</b>里有<i>标签</i>",
    "text": "<script>window.__injected = 1</script>\n据报道，星河科技公司首席技术官张伟已于2024年3月离职，加入字节跳动。"
            "<img src=x onerror=\"window.__injected = 2\">\n",
    "published_at": "2024-05-01",
}
TOKEN = "test-token"


@dataclass(frozen=True)
class Corpus:
    folder: Path
    articles: Path
    events: Path
    gold: Path
    texts: dict[str, Article]
    events_by_article: dict[str, list[DepartureEvent]]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory, seeds_dir: Path, gold_dir: Path) -> Corpus:
    """Two seed articles and one holding markup, extracted by the real pipeline, with the seeds' gold."""
    folder = tmp_path_factory.mktemp("review")
    records = [json.loads(line) for line in (seeds_dir / "seeds.jsonl").read_text(encoding="utf-8").splitlines()]
    articles = folder / "articles.jsonl"
    kept = [r for r in records if r["id"] in (SIMPLIFIED, TRADITIONAL)] + [MARKUP_RECORD]
    articles.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in kept), encoding="utf-8")
    gold = folder / "gold.jsonl"
    gold.write_text("".join(line + "\n" for line in (gold_dir / "seeds.jsonl").read_text(encoding="utf-8").splitlines()
                            if json.loads(line)["article_id"] in (SIMPLIFIED, TRADITIONAL)), encoding="utf-8")
    events = folder / "events.jsonl"
    summary = run_extract([str(articles)], events, None, workers=1, quiet=True, stderr=io.StringIO())
    assert summary.exit_code == 0
    texts = {a.id: a for a in iter_inputs([str(articles)]) if isinstance(a, Article)}
    by_article: dict[str, list[DepartureEvent]] = {}
    for event in read_events_file(events):
        by_article.setdefault(event.article_id, []).append(event)
    assert len(by_article.get(SIMPLIFIED, [])) >= 3, "the simplified seed should give several events"
    assert by_article.get(MARKUP), "the markup article tells one departure"
    return Corpus(folder, articles, events, gold, texts, by_article)


def fresh_events(corpus: Corpus, tmp_path: Path) -> Path:
    """A copy of the events file in `tmp_path`, so each test keeps its own judgments file."""
    copy = tmp_path / "events.jsonl"
    shutil.copyfile(corpus.events, copy)
    return copy


# --- judgments and their export ---------------------------------------------------------------------


def test_gold_from_form_reads_answers_and_checks_dates_and_kinds() -> None:
    gold = gold_from_form({"person": "沈加翔 | 五福", "from_org": "阿里巴巴|阿里| ", "date": "2023-07-08",
                           "to_kind": "startup", "optional": "on"}, note="…离职…")
    assert gold.person == ["沈加翔", "五福"] and gold.from_org == ["阿里巴巴", "阿里"]
    assert gold.position == [] and gold.optional and gold.note == "…离职…"
    with pytest.raises(CorrectionError, match="date"):
        gold_from_form({"person": "沈加翔", "date": "2023年7月"}, None)
    with pytest.raises(CorrectionError, match="to_kind"):
        gold_from_form({"person": "沈加翔", "to_kind": "university"}, None)
    with pytest.raises(CorrectionError, match="person"):
        gold_from_form({"person": " | "}, None)


def test_a_judgment_must_fit_its_verdict() -> None:
    with pytest.raises(ValueError, match="rejected"):
        Judgment(judgment_id="e1", article_id="a", event_id="e1", verdict="reject",
                 gold=gold_from_form({"person": "张伟"}, None))
    with pytest.raises(ValueError, match="missed"):
        Judgment(judgment_id="m1", article_id="a", event_id="e1", verdict="missed",
                 gold=gold_from_form({"person": "张伟"}, None))


def _judge_article(store: Any, events: list[DepartureEvent], article_id: str) -> None:
    """Accept the first event, reject the second, correct the third's position, mark one missed."""
    first, second, third = events[:3]
    store.save(Judgment(judgment_id=first.event_id, article_id=article_id, event_id=first.event_id,
                        verdict="accept", gold=gold_from_event(first), position=0))
    store.save(Judgment(judgment_id=second.event_id, article_id=article_id, event_id=second.event_id,
                        verdict="reject", position=1))
    corrected = gold_from_event(third).model_copy(update={"position": ["首席测试官"]})
    store.save(Judgment(judgment_id=third.event_id, article_id=article_id, event_id=third.event_id,
                        verdict="correct", gold=corrected, position=2))
    store.save(Judgment(judgment_id="missed-1", article_id=article_id, verdict="missed",
                        gold=gold_from_form({"person": "路人甲", "from_org": "阿里巴巴"}, "路人甲离职"),
                        span=SourceSpan(start=5, end=10, text="abcde"), position=3))


def test_judgments_survive_reopening_the_file(corpus: Corpus, tmp_path: Path) -> None:
    events = corpus.events_by_article[SIMPLIFIED]
    store = JsonlJudgmentStore(tmp_path / "j.jsonl")
    _judge_article(store, events, SIMPLIFIED)
    assert store.withdraw("missed-1") and not store.withdraw("missed-1")
    store.save(store.for_article(SIMPLIFIED)[events[1].event_id].model_copy(update={"verdict": "reject"}))

    reopened = JsonlJudgmentStore(tmp_path / "j.jsonl")
    assert {j.judgment_id: j for j in reopened.all()} == {j.judgment_id: j for j in store.all()}
    assert {j.verdict for j in reopened.all()} == {"accept", "reject", "correct"}
    assert reopened.for_article(SIMPLIFIED)[events[2].event_id].gold.position == ["首席测试官"]


def test_a_broken_judgments_file_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / "j.jsonl"
    path.write_text('{"judgment_id": "x", "withdrawn": true}\n\n{"judgment_id": "y"}\n', encoding="utf-8")
    with pytest.raises(JudgmentFileError, match=r"j\.jsonl, line 3"):
        JsonlJudgmentStore(path)


def test_judgments_survive_reopening_the_database(corpus: Corpus, tmp_path: Path) -> None:
    db = str(tmp_path / "d.db")
    load_events(corpus.events, db)
    events = corpus.events_by_article[SIMPLIFIED]
    _judge_article(DbJudgmentStore(db), events, SIMPLIFIED)
    store = DbJudgmentStore(db)
    assert sorted(j.verdict for j in store.all()) == ["accept", "correct", "missed", "reject"]
    assert store.withdraw("missed-1") and not store.withdraw("missed-1")
    assert len(DbJudgmentStore(db).for_article(SIMPLIFIED)) == 3
    # loading the events again (a new extraction) keeps the judgments
    load_events(corpus.events, db)
    assert len(DbJudgmentStore(db).all()) == 3


def test_judgments_in_postgresql(corpus: Corpus, pg_url: str) -> None:
    load_events(corpus.events, pg_url)
    events = corpus.events_by_article[SIMPLIFIED]
    _judge_article(DbJudgmentStore(pg_url), events, SIMPLIFIED)
    store = DbJudgmentStore(pg_url)
    again = store.for_article(SIMPLIFIED)[events[0].event_id].model_copy(update={"verdict": "reject", "gold": None})
    store.save(again)  # judging an event again replaces its judgment
    assert sorted(j.verdict for j in DbJudgmentStore(pg_url).all()) == ["correct", "missed", "reject", "reject"]


def test_the_export_is_gold_that_evaluate_reads(corpus: Corpus, tmp_path: Path) -> None:
    events = corpus.events_by_article[SIMPLIFIED]
    markup_events = corpus.events_by_article[MARKUP]
    store = JsonlJudgmentStore(tmp_path / "j.jsonl")
    _judge_article(store, events, SIMPLIFIED)
    for event in markup_events:  # every event of this article accepted as it is
        store.save(Judgment(judgment_id=event.event_id, article_id=MARKUP, event_id=event.event_id,
                            verdict="accept", gold=gold_from_event(event), published_at="2024-05-01"))
    gold_file = tmp_path / "gold.jsonl"
    summary = export_gold(store, gold_file)
    assert (summary.articles, summary.events, summary.rejected) == (2, 3 + len(markup_events), 1)

    gold = {a.article_id: a for a in read_gold(gold_file)}
    assert [g.person[0] for g in gold[SIMPLIFIED].events] == [
        events[0].person.name, events[2].person.name, "路人甲"]
    assert gold[SIMPLIFIED].events[1].position == ["首席测试官"]
    assert gold[MARKUP].published_at == "2024-05-01"

    score = evaluate_files(gold_file, corpus.events)
    by_article = {a.article_id: a for a in score.articles}
    accepted_all = by_article[MARKUP]
    assert accepted_all.events.f1 == 1.0
    assert all(accepted_all.fields[name].f1 == 1.0 for name in accepted_all.fields)
    judged = by_article[SIMPLIFIED]
    # accepted and corrected match; the rejected and the unjudged events are false alarms; the marked one is missed
    assert (judged.events.tp, judged.events.fp, judged.events.fn) == (2, len(events) - 2, 1)
    assert judged.fields["position"].fn >= 1  # the corrected post is not what the extractor said


def test_segments_cut_overlapping_spans_and_skip_impossible_ones() -> None:
    text = "0123456789"
    pieces = segments(text, [(2, 6, "a"), (4, 8, "b"), (7, 30, "c"), (5, 5, "d")])
    assert "".join(p.text for p in pieces) == text
    assert [(p.start, p.end, p.events) for p in pieces] == [
        (0, 2, ()), (2, 4, ("a",)), (4, 6, ("a", "b")), (6, 8, ("b",)), (8, 10, ())]


# --- the app without a browser ----------------------------------------------------------------------


def _client(corpus: Corpus, events: Path, gold: bool = True) -> tuple[TestClient, Any]:
    review = load_corpus(events_path=events, article_inputs=[str(corpus.articles)],
                         gold_path=corpus.gold if gold else None)
    store = open_store(events)
    return TestClient(make_app(review, store, csrf_token=TOKEN), base_url="http://127.0.0.1"), store


def test_writes_need_the_csrf_token(corpus: Corpus, tmp_path: Path) -> None:
    client, store = _client(corpus, fresh_events(corpus, tmp_path))
    event = corpus.events_by_article[SIMPLIFIED][0]
    form = {"article_id": SIMPLIFIED, "event_id": event.event_id, "action": "reject"}
    assert client.post("/judge", data=form).status_code == 403
    assert client.post("/judge", data={**form, "csrf_token": "wrong"}).status_code == 403
    assert client.post("/judge", data={**form, "csrf_token": TOKEN},
                       headers={"Origin": "http://evil.example"}).status_code == 403
    assert store.all() == []
    answer = client.post("/judge", data={**form, "csrf_token": TOKEN}, follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"].endswith(f"#event-{event.event_id}")
    assert [j.verdict for j in store.all()] == ["reject"]
    assert client.get("/judge").status_code == 405  # no write by GET


def test_only_loopback_names_and_the_apps_own_files_are_served(corpus: Corpus, tmp_path: Path) -> None:
    client, _ = _client(corpus, fresh_events(corpus, tmp_path))
    assert client.get("/", headers={"Host": "attacker.example"}).status_code == 400
    assert client.get("/", headers={"Host": "localhost:8765"}).status_code == 200
    assert client.get("/assets/review.js").status_code == 200
    for path in ("/assets/..%2F__init__.py", "/assets/../app.py", "/assets/templates", f"/{corpus.events}",
                 "/articles/no-such-article"):
        assert client.get(path).status_code == 404, path
    assert "script-src 'self'" in client.get("/").headers["content-security-policy"]


def test_article_text_is_escaped(corpus: Corpus, tmp_path: Path) -> None:
    client, _ = _client(corpus, fresh_events(corpus, tmp_path))
    page = client.get(f"/articles/{MARKUP}").text
    assert "&lt;script&gt;window.__injected = 1&lt;/script&gt;" in page
    assert "<script>window" not in page and "<img src=x" not in page and "<b>标题" not in page


def test_a_bad_correction_is_shown_and_not_saved(corpus: Corpus, tmp_path: Path) -> None:
    client, store = _client(corpus, fresh_events(corpus, tmp_path))
    event = corpus.events_by_article[SIMPLIFIED][0]
    answer = client.post("/judge", data={"csrf_token": TOKEN, "article_id": SIMPLIFIED, "event_id": event.event_id,
                                         "action": "correct", "person": event.person.name, "date": "五一"})
    assert answer.status_code == 422 and "Not saved: date" in answer.text
    answer = client.post("/judge", data={"csrf_token": TOKEN, "article_id": SIMPLIFIED, "action": "missed",
                                         "person": "路人甲", "start": "5", "end": "999999"})
    assert answer.status_code == 422 and "outside the article" in answer.text
    assert store.all() == []


def test_a_missed_event_quotes_the_article_not_the_request(corpus: Corpus, tmp_path: Path) -> None:
    client, store = _client(corpus, fresh_events(corpus, tmp_path))
    text = corpus.texts[SIMPLIFIED].text
    start = text.index("薄列峰")
    client.post("/judge", data={"csrf_token": TOKEN, "article_id": SIMPLIFIED, "action": "missed",
                                "person": "路人甲", "start": str(start), "end": str(start + 3), "text": "forged"})
    (judgment,) = store.all()
    assert judgment.span is not None and judgment.span.text == "薄列峰" and judgment.gold.note == "薄列峰"


def test_list_scores_are_those_of_evaluate(corpus: Corpus, tmp_path: Path) -> None:
    client, _ = _client(corpus, fresh_events(corpus, tmp_path))
    score = evaluate_files(corpus.gold, corpus.events)
    page = client.get("/").text
    totals = score.events
    assert f"TP {totals.tp}, FP {totals.fp}, FN {totals.fn}" in page
    filtered = client.get("/", params={"certainty": "reported"}).text
    reported = {a for a, events in corpus.events_by_article.items() if any(e.certainty == "reported" for e in events)}
    assert {a for a in corpus.events_by_article if f'data-article="{a}"' in filtered} == reported


def _departure_event(article_id: str, date: str, to_org: str) -> dict[str, Any]:
    return {"article_id": article_id, "person": {"name": "梁军", "aliases": []},
            "from": {"organization": "寒武纪", "position": "首席技术官"}, "to": {"organization": to_org},
            "date": {"text": date, "value": date, "precision": "month"}, "certainty": "confirmed",
            "evidence": [{"text": f"梁军于{date}离职，加入{to_org}。", "start": 0, "end": 12}]}


def test_departure_pages_show_sources_and_conflicts(tmp_path: Path) -> None:
    events = tmp_path / "events.jsonl"
    rows = [_departure_event("a1", "2022-03", "百度"), _departure_event("a2", "2022-05", "腾讯")]
    events.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    db = str(tmp_path / "d.db")
    load_events(events, db)
    review = load_corpus(db_url=db)
    client = TestClient(make_app(review, open_store(db_url=db), csrf_token=TOKEN), base_url="http://127.0.0.1")
    listing = client.get("/departures", params={"conflict": "1"}).text
    (departure,) = review.departures or []
    assert f'data-departure="{departure["departure_id"]}"' in listing
    page = client.get(f"/departures/{departure['departure_id']}").text
    assert "The sources disagree on" in page and "the date" in page and "the destination" in page
    assert page.count('class="conflict"') >= 3  # the merged rows and the source values at odds with them
    assert "/articles/a1#event-" in page and "梁军于2022-05离职" in page
    article = client.get("/articles/a1").text  # no --articles: the evidence sentences stand in for the text
    assert "was not given" in article and "梁军于2022-03离职" in article
    with connect(db) as database:
        assert database.query("SELECT COUNT(*) FROM review_judgments") == [(0,)]


# --- the command line -------------------------------------------------------------------------------


def invoke(*args: str) -> Any:
    return CliRunner().invoke(cli_app, list(args))


def test_review_usage_errors(corpus: Corpus, tmp_path: Path) -> None:
    assert invoke("review", "--help").exit_code == 0
    assert invoke("review", "--events", str(tmp_path / "none.jsonl")).exit_code == 2
    both = invoke("review", "--events", str(corpus.events), "--db", str(tmp_path / "d.db"))
    assert both.exit_code == 2 and "not both" in both.stderr
    missing = invoke("review", "--events", str(corpus.events), "--articles", str(tmp_path / "none.txt"))
    assert missing.exit_code == 2 and "no such input" in missing.stderr
    no_db = invoke("review", "--db", str(tmp_path / "none.db"))
    assert no_db.exit_code == 1 and "no database" in no_db.stderr


def test_export_gold_writes_the_judgments_and_warns_about_unjudged_events(corpus: Corpus, tmp_path: Path) -> None:
    events = fresh_events(corpus, tmp_path)
    empty = invoke("review", "--export-gold", str(tmp_path / "empty.jsonl"), "--events", str(events))
    assert empty.exit_code == 0 and "no judgments" in empty.stderr
    assert (tmp_path / "empty.jsonl").read_text() == ""

    _judge_article(JsonlJudgmentStore(judgments_path(events)), corpus.events_by_article[SIMPLIFIED], SIMPLIFIED)
    result = invoke("review", "--export-gold", str(tmp_path / "gold.jsonl"), "--events", str(events))
    assert result.exit_code == 0, result.stderr
    assert "wrote 3 gold event(s) of 1 article(s)" in result.stderr
    assert f"{len(corpus.events_by_article[SIMPLIFIED]) - 3} event(s) of the exported articles are not judged" \
        in result.stderr
    evaluated = invoke("evaluate", "--gold", str(tmp_path / "gold.jsonl"), "--pred", str(events), "--json")
    assert evaluated.exit_code == 0
    assert json.loads(evaluated.stdout)["corpus"]["gold_events"] == 3


# --- in a real browser -------------------------------------------------------------------------------


def chromium_binary() -> str | None:
    for candidate in (os.environ.get("DEPARTURES_CHROMIUM"), "chromium", "chromium-browser", "google-chrome"):
        if candidate and shutil.which(candidate):
            return shutil.which(candidate)
    return None


CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run", "--disable-quic"]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    binary = chromium_binary()
    if binary is None:
        pytest.skip("no chromium binary on PATH (install Debian's chromium: apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        # the installed browser: playwright's own downloads are never used
        launched = playwright.chromium.launch(executable_path=binary, args=CHROMIUM_FLAGS)
        yield launched
        launched.close()


class ReviewServer:
    """`departures review … --port 0` in a subprocess; its URL is read from the line it prints."""

    def __init__(self, *args: str, cwd: Path | None = None) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-c", "from extractor.cli import app; app()", "review", "--port", "0", *args],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, cwd=cwd)
        self.url = self._wait_for_url()

    def _wait_for_url(self, timeout: float = 60.0) -> str:
        assert self.process.stderr is not None
        deadline, seen = time.monotonic() + timeout, []
        while time.monotonic() < deadline:
            ready, _, _ = select.select([self.process.stderr], [], [], 0.5)
            if ready:
                line = self.process.stderr.readline()
                seen.append(line)
                if line.startswith("review: http://"):
                    return line.split()[1]
            if self.process.poll() is not None:
                break
        self.process.kill()
        raise AssertionError("departures review did not start: " + "".join(seen))

    def stop(self) -> int:
        self.process.send_signal(signal.SIGINT)  # what Ctrl-C does
        return self.process.wait(timeout=20)


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.console_errors = []
    page.on("console", lambda m: page.console_errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: page.console_errors.append(str(e)))
    yield page
    context.close()


def _serve(corpus: Corpus, events: Path, *more: str) -> ReviewServer:
    return ReviewServer("--events", str(events), "--articles", str(corpus.articles), *more)


def test_the_list_loads_sorts_and_filters(corpus: Corpus, page: Any, tmp_path: Path) -> None:
    server = _serve(corpus, fresh_events(corpus, tmp_path), "--gold", str(corpus.gold))
    try:
        page.goto(server.url)
        rows = page.locator("#articles tbody tr")
        assert sorted(rows.evaluate_all("rows => rows.map(r => r.dataset.article)")) == sorted(
            [SIMPLIFIED, TRADITIONAL, MARKUP])
        page.click("a[data-sort=events]")
        page.click("a[data-sort=events]")  # the second click sorts the other way: most events first
        counts = [int(c) for c in page.locator("#articles tbody td:nth-child(3)").all_inner_texts()]
        assert counts == sorted(counts, reverse=True) == sorted(
            (len(e) for e in corpus.events_by_article.values()), reverse=True)
        organization = corpus.events_by_article[MARKUP][0].from_.organization
        page.select_option("select[name=organization]", organization)
        page.click("form.filters button")
        assert sorted(rows.evaluate_all("rows => rows.map(r => r.dataset.article)")) == sorted(
            a for a in (SIMPLIFIED, TRADITIONAL, MARKUP)
            if any(e.from_.organization == organization for e in corpus.events_by_article.get(a, [])))
        assert page.console_errors == []
    finally:
        assert server.stop() == 0


@pytest.mark.parametrize("article_id", [SIMPLIFIED, TRADITIONAL])
def test_evidence_is_highlighted_at_the_right_characters(corpus: Corpus, page: Any, tmp_path: Path,
                                                         article_id: str) -> None:
    server = _serve(corpus, fresh_events(corpus, tmp_path))
    try:
        page.goto(server.url + f"articles/{article_id}")
        text = corpus.texts[article_id].text
        # the page holds the text exactly as given, every character once
        assert page.locator("#article-text").evaluate("node => node.textContent") == text
        marks = page.locator("#article-text mark").evaluate_all(
            "ms => ms.map(m => [Number(m.dataset.start), m.textContent, m.dataset.events.split(' ')])")
        checked = 0
        for event in corpus.events_by_article[article_id]:
            for evidence in event.evidence:
                start, end = evidence.source_start, evidence.source_end
                shown = "".join(t for s, t, ids in marks if start <= s < end and event.event_id in ids)
                assert shown == text[start:end]
                if article_id == SIMPLIFIED:  # no repair or conversion: the source text is the evidence
                    assert shown == evidence.text
                checked += 1
        assert checked == len(evidence_spans(corpus.events_by_article[article_id])) > 0
        assert page.console_errors == []
    finally:
        server.stop()


def _select(page: Any, start: int, end: int) -> None:
    """Select characters start..end of the article text (BMP text: code points are UTF-16 units)."""
    page.evaluate("""([start, end]) => {
        const spans = Array.from(document.querySelectorAll('#article-text [data-start]'));
        const at = (offset) => {
            const el = spans.find(e => Number(e.dataset.start) <= offset && offset <= Number(e.dataset.end));
            return [el.firstChild, offset - Number(el.dataset.start)];
        };
        const range = document.createRange();
        range.setStart(...at(start));
        range.setEnd(...at(end));
        const selection = window.getSelection();
        selection.removeAllRanges();
        selection.addRange(range);
        document.getElementById('article-text').dispatchEvent(new MouseEvent('mouseup', {bubbles: true}));
    }""", [start, end])


@pytest.fixture(scope="module")
def judged_in_the_browser(corpus: Corpus, browser: Any, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Judge four things on the page, stop the server, start it again and read the page back."""
    folder = tmp_path_factory.mktemp("judged")
    events_file = folder / "events.jsonl"
    shutil.copyfile(corpus.events, events_file)
    events = corpus.events_by_article[SIMPLIFIED]
    accepted, rejected = events[0], events[1]
    corrected = next(e for e in events[2:] if e.from_.position)
    text = corpus.texts[SIMPLIFIED].text
    quote = "接替谭平执掌达摩院XR实验室"
    start = text.index(quote)

    context = browser.new_context()
    page = context.new_page()
    server = _serve(corpus, events_file)
    try:
        page.goto(server.url + f"articles/{SIMPLIFIED}")
        for event, button in ((accepted, "button.accept"), (rejected, "button.reject")):
            with page.expect_navigation():
                page.click(f"#event-{event.event_id} {button}")
        card = f"#event-{corrected.event_id}"
        page.click(f"{card} summary")
        page.fill(f"{card} form.correct input[name=position]", "首席测试官")
        with page.expect_navigation():
            page.click(f"{card} form.correct button")
        _select(page, start, start + len(quote))
        assert page.inner_text("#selection-text") == quote
        page.fill("#missed input[name=person]", "路人甲")
        page.fill("#missed input[name=from_org]", "阿里巴巴 | 阿里")
        with page.expect_navigation():
            page.click("#missed button")
        first_exit = server.stop()

        server = _serve(corpus, events_file)
        page.goto(server.url + f"articles/{SIMPLIFIED}")
        after = {
            "verdicts": {e.event_id: page.locator(f"#event-{e.event_id} .verdict").all_inner_texts()
                         for e in (accepted, rejected, corrected)},
            "position": page.input_value(f"{card} form.correct input[name=position]"),
            "missed": page.inner_text("section.event.missed"),
        }
        page.goto(server.url)
        after["judged"] = page.inner_text(f"tr[data-article='{SIMPLIFIED}'] td:nth-child(4)")
    finally:
        server.stop()
        context.close()
    return {"events_file": events_file, "accepted": accepted, "rejected": rejected, "corrected": corrected,
            "quote": quote, "first_exit": first_exit, "after": after}


def test_a_judgment_survives_a_restart(judged_in_the_browser: dict[str, Any]) -> None:
    judged = judged_in_the_browser
    assert judged["first_exit"] == 0  # Ctrl-C stops the server cleanly
    after = judged["after"]
    assert after["verdicts"] == {judged["accepted"].event_id: ["accepted"], judged["rejected"].event_id: ["rejected"],
                                 judged["corrected"].event_id: ["corrected"]}
    assert after["position"] == "首席测试官"
    assert "路人甲" in after["missed"] and judged["quote"] in after["missed"]
    assert after["judged"] == "4"


def test_export_gold_of_browser_judgments_is_read_by_evaluate(judged_in_the_browser: dict[str, Any],
                                                              tmp_path: Path) -> None:
    judged = judged_in_the_browser
    gold_file = tmp_path / "gold.jsonl"
    exported = invoke("review", "--events", str(judged["events_file"]), "--export-gold", str(gold_file))
    assert exported.exit_code == 0, exported.stderr
    (article,) = read_gold(gold_file)
    assert sorted(g.person[0] for g in article.events) == sorted(
        [judged["accepted"].person.name, judged["corrected"].person.name, "路人甲"])
    missed = next(g for g in article.events if g.person == ["路人甲"])
    assert missed.from_org == ["阿里巴巴", "阿里"] and missed.note == judged["quote"]
    assert next(g for g in article.events if g.person[0] == judged["corrected"].person.name).position == ["首席测试官"]

    result = invoke("evaluate", "--gold", str(gold_file), "--pred", str(judged["events_file"]), "--json", "--show")
    assert result.exit_code == 0
    report = json.loads(result.stdout)
    (row,) = [a for a in report["articles"] if a["article_id"] == SIMPLIFIED]
    assert (row["events"]["tp"], row["events"]["fn"]) == (2, 1)
    assert any(m["kind"] == "missed" and m["person"] == "路人甲" for m in report["mistakes"])
    assert any(m["field"] == "position" and m["gold"] == ["首席测试官"] for m in report["mistakes"])


def test_an_article_holding_markup_is_shown_as_text(corpus: Corpus, page: Any, tmp_path: Path) -> None:
    server = _serve(corpus, fresh_events(corpus, tmp_path))
    try:
        page.goto(server.url + f"articles/{MARKUP}")
        assert page.locator("#article-text").evaluate("node => node.textContent") == MARKUP_RECORD["text"]
        assert "<script>window.__injected = 1</script>" in page.inner_text("#article-text")
        assert page.inner_text("h1") == MARKUP_RECORD["title"]
        assert page.evaluate("() => window.__injected") is None
        assert page.locator("#article-text script, #article-text img, h1 b").count() == 0
        assert page.locator("#article-text mark").count() >= 1  # the departure told after the markup
        assert page.console_errors == []
    finally:
        server.stop()


def test_screenshot_of_the_article_page(corpus: Corpus, page: Any, tmp_path: Path, repo_root: Path) -> None:
    """The README's picture: the traditional seed with its evidence marked, fields, rules and the gold's verdict."""
    fresh_events(corpus, tmp_path)
    for name in ("articles.jsonl", "gold.jsonl"):
        shutil.copyfile(corpus.folder / name, tmp_path / name)
    # relative paths, as a user types them: the picture shows no temporary folder
    server = ReviewServer("--events", "events.jsonl", "--articles", "articles.jsonl", "--gold", "gold.jsonl",
                          cwd=tmp_path)
    try:
        page.goto(server.url + f"articles/{TRADITIONAL}")
        first = corpus.events_by_article[TRADITIONAL][0].event_id
        page.hover(f"#event-{first} h3")
        assert page.locator("#article-text mark.focus").count() >= 1
        target = repo_root / "docs" / "review-article.png"
        target.parent.mkdir(exist_ok=True)
        page.screenshot(path=str(target))
        assert target.stat().st_size > 20_000
        assert page.locator("section.event .badge").count() == len(corpus.events_by_article[TRADITIONAL])
    finally:
        server.stop()
