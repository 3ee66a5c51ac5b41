"""The benchmark corpus generator: deterministic, sized, mixed as promised, valid Article records."""
from __future__ import annotations

import io
import json
import re
from datetime import date

import pytest
from opencc_pyo3 import OpenCC

from bench.__main__ import main as bench_main
from bench.corpus import DEPARTURE_SECTION, MIXES, generate, parse_size, write_corpus
from extractor.rulebook.lexicon_models import TriggersFile
from extractor.models import Article
from extractor.rulebook.loader import load_rule_file

T2S = OpenCC("t2s")
# The SPEC's own examples of departure words, checked besides whatever the rulebook holds.
SPEC_WORDS = ("离职", "辞职", "请辞", "卸任", "离开", "出走", "告别", "退休", "退出", "跳槽", "被裁", "被优化",
              "宣布离开", "回归学术界", "调任", "转岗", "另有任用", "加盟", "出任", "曾任")


@pytest.fixture(scope="module")
def departure_words() -> tuple[str, ...]:
    rules = load_rule_file("triggers", TriggersFile)
    return tuple(sorted({t.word for t in rules.triggers} | set(SPEC_WORDS)))


def corpus_text(mix: str, size: int, seed: int) -> str:
    out = io.StringIO()
    write_corpus(out, mix, size, seed)
    return out.getvalue()


@pytest.fixture(scope="module")
def daily() -> list[dict]:
    return [json.loads(line) for line in corpus_text("daily", 1_500_000, 11).splitlines()]


@pytest.fixture(scope="module")
def dense() -> list[dict]:
    return [json.loads(line) for line in corpus_text("dense", 400_000, 11).splitlines()]


def is_departure(record: dict) -> bool:
    return record["id"].endswith("-" + DEPARTURE_SECTION)


def test_same_seed_gives_the_same_corpus_and_another_seed_another():
    first = corpus_text("daily", 200_000, 5)
    assert first == corpus_text("daily", 200_000, 5)
    assert first != corpus_text("daily", 200_000, 6)
    assert corpus_text("dense", 100_000, 5) == corpus_text("dense", 100_000, 5)


@pytest.mark.parametrize("mix", sorted(MIXES))
@pytest.mark.parametrize("size", [1, 30_000, 300_000])
def test_size_is_reached_and_overshot_by_less_than_one_article(mix, size):
    text = corpus_text(mix, size, 2)
    lines = text.splitlines(keepends=True)
    total = len(text.encode("utf-8"))
    assert total >= size
    assert total - len(lines[-1].encode("utf-8")) < size


def test_write_corpus_counts_what_it_wrote():
    out = io.StringIO()
    stats = write_corpus(out, "daily", 250_000, 4)
    lines = out.getvalue().splitlines()
    assert stats.articles == len(lines)
    assert stats.bytes == len(out.getvalue().encode("utf-8"))
    assert stats.departures == sum(is_departure(json.loads(line)) for line in lines)


@pytest.mark.parametrize("records", ["daily", "dense"])
def test_every_line_is_an_article_record(records, request):
    records = request.getfixturevalue(records)
    ids = set()
    for record in records:
        assert set(record) == {"id", "title", "text", "published_at", "url"}
        article = Article.model_validate(record)
        assert article.title and len(article.text) > 200
        assert re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", article.published_at)
        assert record["url"].startswith("https://")
        ids.add(article.id)
    assert len(ids) == len(records)


def test_daily_mix_is_about_five_percent_departures(daily):
    share = sum(map(is_departure, daily)) / len(daily)
    assert len(daily) > 800
    assert 0.03 <= share <= 0.075


def test_daily_has_every_ordinary_section(daily):
    sections = {r["id"].rsplit("-", 1)[1] for r in daily}
    assert sections == {"business", "technology", "sports", "city", DEPARTURE_SECTION}


def test_ordinary_articles_hold_no_departure_word(daily, departure_words):
    for record in daily:
        if is_departure(record):
            continue
        text = T2S.convert(record["title"] + "\n" + record["text"])
        found = [w for w in departure_words if w in text]
        assert not found, f"{record['id']} holds {found}"


def test_dense_mix_is_all_departure_stories(dense, departure_words):
    assert all(map(is_departure, dense))
    with_word = sum(any(w in T2S.convert(r["text"]) for w in departure_words) for r in dense)
    assert with_word / len(dense) >= 0.9


def test_dense_people_are_varied(dense):
    # the sources tell about two dozen stories; swapped names make most titles unique
    assert len({r["title"] for r in dense}) >= 0.5 * len(dense)


@pytest.mark.parametrize("records", ["daily", "dense"])
def test_both_scripts_appear(records, request):
    records = request.getfixturevalue(records)
    traditional = sum(T2S.convert(r["text"]) != r["text"] for r in records) / len(records)
    assert 0.1 <= traditional <= 0.6


def test_dates_are_iso_and_in_range(daily):
    for record in daily:
        if not is_departure(record):
            assert date(2023, 1, 1) <= date.fromisoformat(record["published_at"]) <= date(2025, 12, 31)


@pytest.mark.parametrize(
    "text, expected",
    [("20MB", 20_000_000), ("2M", 2_000_000), ("500kb", 500_000), ("1GiB", 2**30), ("1.5MB", 1_500_000), ("123", 123)],
)
def test_parse_size(text, expected):
    assert parse_size(text) == expected


@pytest.mark.parametrize("text", ["", "MB", "20 parsecs", "-3MB"])
def test_parse_size_rejects_nonsense(text):
    with pytest.raises(ValueError, match="cannot read size"):
        parse_size(text)


def test_unknown_mix_is_refused():
    with pytest.raises(ValueError, match="unknown mix 'weekly'"):
        next(generate("weekly", 1000, 1))


def test_command_line_writes_the_same_corpus(tmp_path, capsys):
    target = tmp_path / "corpus.jsonl"
    assert bench_main(["corpus", "--mix", "dense", "--size", "60KB", "--seed", "9", "-o", str(target)]) == 0
    assert target.read_text(encoding="utf-8") == corpus_text("dense", 60_000, 9)
    assert "articles" in capsys.readouterr().err
    assert not (tmp_path / "corpus.jsonl.partial").exists()


def test_command_line_rejects_a_bad_size(capsys):
    with pytest.raises(SystemExit) as exit_info:
        bench_main(["corpus", "--size", "lots"])
    assert exit_info.value.code == 2
    assert "cannot read size 'lots'" in capsys.readouterr().err
