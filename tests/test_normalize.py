"""Normalization as later stages rely on it: simplified text, gold names readable, damage reported."""
from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from opencc_pyo3 import OpenCC
from typer.testing import CliRunner

from extractor.cli import app
from extractor.normalize.normalizer import Normalizer, normalization_throughput

TRADITIONAL_FIXTURES = {
    "002_7cb665f7f2a66f5a", "004_bf3e2d43395821a3", "d07_htc_maitre_tw", "d08_hk_univ_presidents",
    "d09_tw_second_careers", "d10_hk_ceo_chair_changes", "d11_alibaba_huaming_noisy", "d12_xiaomi_founders_noisy",
}
# s2t then t2s is not the identity where simplified merged characters: s2t writes 借 as 藉 in
# some words and t2s leaves a lone 藉 as it is.
ONE_TO_MANY = {("借", "藉")}
HAN = re.compile(r"[\u3400-\u9fff]")


@pytest.fixture(scope="module")
def normalizer() -> Normalizer:
    return Normalizer()


@pytest.fixture(scope="module")
def articles(repo_root: Path) -> dict[str, str]:
    paths = sorted((repo_root / "seeds").glob("*.txt")) + sorted((repo_root / "fixtures/dev/articles").glob("*.txt"))
    return {path.stem: path.read_text(encoding="utf-8") for path in paths}


def squeeze(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


def test_traditional_articles_are_converted_and_simplified_ones_are_not(articles: dict[str, str], normalizer: Normalizer) -> None:
    converted = {name for name, text in articles.items() if normalizer.normalize(text).converted}
    assert converted == TRADITIONAL_FIXTURES


def test_simplified_articles_keep_every_chinese_character(articles: dict[str, str], normalizer: Normalizer) -> None:
    for name, text in articles.items():
        if name not in TRADITIONAL_FIXTURES:
            assert HAN.findall(normalizer.normalize(text).text) == HAN.findall(text), name


def test_every_gold_answer_can_be_read_in_the_normalized_text(
    articles: dict[str, str], normalizer: Normalizer, gold_dir: Path
) -> None:
    checked = 0
    for gold_file in ["seeds.jsonl", "dev.jsonl"]:
        for line in (gold_dir / gold_file).read_text(encoding="utf-8").splitlines():
            gold = json.loads(line)
            text = squeeze(normalizer.normalize(articles[gold["article_id"]]).text)
            for event in gold["events"]:
                for field in ["person", "from_org", "from_unit", "position", "to_org"]:
                    if event[field]:
                        assert any(squeeze(value) in text for value in event[field]), (gold["article_id"], field, event[field])
                        checked += 1
    assert checked > 100


def test_regional_words_keep_their_own_wording(normalizer: Normalizer) -> None:
    text = normalizer.normalize("宏達電執行長請辭，技術長接任，港鐵行政總裁談硬體").text
    assert text == "宏达电执行长请辞，技术长接任，港铁行政总裁谈硬体"


def test_a_stray_traditional_character_is_converted(normalizer: Normalizer) -> None:
    assert normalizer.normalize("前宏達电高管离职").text == "前宏达电高管离职"


def test_characters_simplified_text_also_writes_do_not_trigger_conversion(normalizer: Normalizer) -> None:
    result = normalizer.normalize("於立新离职，著名的乾坤公司")
    assert not result.converted
    assert result.text == "於立新离职，著名的乾坤公司"


def test_conversion_can_be_forced_either_way(normalizer: Normalizer) -> None:
    assert normalizer.normalize("於立新離職", convert=False).text == "於立新離職"
    assert normalizer.normalize("总裁", convert=True).converted


def test_protected_spellings_are_not_converted() -> None:
    plain = Normalizer().normalize("於氏集團總裁於立新離職").text
    assert plain.startswith("于氏集团")
    protected = Normalizer(protected={"於氏集團": "於氏集团"})
    assert protected.normalize("於氏集團總裁於立新離職").text == "於氏集团总裁于立新离职"
    # The simplified spelling guards itself in a converted article too.
    assert protected.normalize("於氏集团總裁離職").text == "於氏集团总裁离职"


def test_a_protected_spelling_of_another_length_keeps_offsets_right() -> None:
    result = Normalizer(protected={"臺積電": "台积电公司"}).normalize("前臺積電總裁離職")
    assert result.text == "前台积电公司总裁离职"
    assert result.source_span(1, 6) == (1, 4)
    assert result.source_span(6, 8) == (4, 6)


def test_lost_characters_are_reported_not_rewritten(articles: dict[str, str], normalizer: Normalizer) -> None:
    expected = {"d11_alibaba_huaming_noisy": 3, "d12_xiaomi_founders_noisy": 3, "002_7cb665f7f2a66f5a": 1}
    for name, text in articles.items():
        result = normalizer.normalize(text)
        assert len(result.suspect_spans) == expected.get(name, 0), name
        assert result.text.count("?") == text.count("?"), name
        for start, end in result.suspect_spans:
            assert "?" in result.text[start:end]
    d11 = normalizer.normalize(articles["d11_alibaba_huaming_noisy"])
    at = d11.text.index("交易完?后")
    assert d11.is_suspect(at + 2, at + 4)
    assert not d11.is_suspect(0, 10)


def test_an_article_normalizes_the_same_in_either_script(articles: dict[str, str], normalizer: Normalizer) -> None:
    to_traditional = OpenCC("s2t")
    compared = differing = 0
    pairs: set[tuple[str, str]] = set()
    for name, text in articles.items():
        if name in TRADITIONAL_FIXTURES:
            continue
        simplified = normalizer.normalize(text).text
        traditional = normalizer.normalize(to_traditional.convert(text))
        assert traditional.converted, name
        assert len(traditional.text) == len(simplified), name
        pairs |= {(a, b) for a, b in zip(simplified, traditional.text) if a != b}
        differing += sum(a != b for a, b in zip(simplified, traditional.text))
        compared += len(simplified)
    assert pairs <= ONE_TO_MANY
    assert differing / compared < 0.001


def test_normalization_throughput_is_measurable(articles: dict[str, str], normalizer: Normalizer) -> None:
    assert normalization_throughput(list(articles.values())[:2], normalizer, rounds=1) > 0


# No HTML entities here: decoding is rightly done once ("&amp;lt;" is the text "&lt;").
_DAMAGE = list("據業界面領網域阿裡里著乾於漢語，。（）「」?•*;# \n\r\t\u3000\u200b\ufeffＡ１") + [
    "(jù)", "(chuàng)", " * ", "??", "\r\n",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_DAMAGE), max_size=40).map("".join))
def test_normalizing_normalized_text_changes_nothing(normalizer: Normalizer, text: str) -> None:
    once = normalizer.normalize(text).text
    assert normalizer.normalize(once).text == once


def test_the_normalize_command_prints_clean_text_and_reports_lost_characters(repo_root: Path) -> None:
    path = repo_root / "fixtures/dev/articles/d12_xiaomi_founders_noisy.txt"
    result = CliRunner().invoke(app, ["normalize", str(path), "--suspects"])
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("小米12号员工李伟星离职 创始「喝粥」团队再少一人\n2022年2月17日\n据报道，")
    assert result.stderr.splitlines()[0] == "suspect 117-122 (original 126-131): 小米?的共"


def test_the_normalize_command_reads_gbk_from_stdin() -> None:
    result = CliRunner().invoke(app, ["normalize", "-"], input="阿里巴巴副总裁离职".encode("gbk"))
    assert result.exit_code == 0
    assert result.stdout == "阿里巴巴副总裁离职\n"


def test_the_normalize_command_exit_codes(tmp_path: Path) -> None:
    missing = CliRunner().invoke(app, ["normalize", str(tmp_path / "none.txt")])
    assert missing.exit_code == 1 and "cannot read" in missing.stderr
    bad = CliRunner().invoke(app, ["normalize", "-", "--converter", "tw2sp"], input=b"x")
    assert bad.exit_code == 2 and "unknown converter 'tw2sp'" in bad.stderr
