"""rules/repairs.yaml: every rule's examples, and the damage in the fixtures actually repaired."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic import ValidationError

from extractor.normalize.normalizer import Normalizer
from extractor.normalize.repairs import CompiledRepair, CompiledSuspect, make_repair_set, uses_fullwidth_punctuation
from extractor.rulebook.rule_models import Repair, RepairsFile, Suspect
from extractor.rulebook.loader import load_rule_file

RULES = load_rule_file("repairs", RepairsFile)
TONE_MARKS = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ"


@pytest.fixture(scope="module")
def normalizer() -> Normalizer:
    return Normalizer()


def read(repo_root: Path, relative: str) -> str:
    return (repo_root / relative).read_text(encoding="utf-8")


@pytest.mark.parametrize("rule", RULES.repairs, ids=lambda rule: rule.name)
def test_repair_examples(rule: Repair) -> None:
    compiled = CompiledRepair.compile(rule)
    for example in rule.examples:
        assert compiled.apply(example.input) == example.output, example.input
    # A rule whose examples never change anything shows nothing about what it repairs.
    assert any(example.input != example.output for example in rule.examples)


@pytest.mark.parametrize("rule", RULES.suspects, ids=lambda rule: rule.name)
def test_suspect_examples(rule: Suspect) -> None:
    compiled = CompiledSuspect.compile(rule)
    for example in rule.examples:
        text = example.input
        found = [text[start:end] for start, end in compiled.spans(text, uses_fullwidth_punctuation(text))]
        assert found == example.spans, text
    assert any(example.spans for example in rule.examples)


def test_rule_names_are_unique() -> None:
    names = [rule.name for rule in RULES.repairs] + [rule.name for rule in RULES.suspects]
    assert len(names) == len(set(names))


def test_a_rule_gives_a_replacement_or_a_transform_not_both() -> None:
    base = {"name": "x", "pattern": "a", "stage": "before_conversion", "reason": "r", "examples": [{"input": "a", "output": ""}]}
    with pytest.raises(ValidationError, match="exactly one of `replacement` and `transform`"):
        Repair.model_validate({**base, "replacement": "", "transform": "to_halfwidth"})
    with pytest.raises(ValidationError, match="exactly one"):
        Repair.model_validate(base)


def test_a_pattern_matching_nothing_at_all_is_refused() -> None:
    with pytest.raises(ValidationError, match="matches the empty string"):
        Repair.model_validate(
            {"name": "x", "pattern": "a*", "replacement": "", "stage": "before_conversion", "reason": "r",
             "examples": [{"input": "a", "output": ""}]}
        )


def test_unknown_keys_are_refused() -> None:
    with pytest.raises(ValidationError, match="extra"):
        RepairsFile.model_validate({"repairs": [], "unknown": 1})


def test_a_users_rules_directory_adds_repairs(tmp_path: Path) -> None:
    (tmp_path / "repairs.yaml").write_text(
        "repairs:\n"
        "  - name: house_typo\n"
        "    pattern: '字節調動'\n"
        "    replacement: '字節跳動'\n"
        "    stage: before_conversion\n"
        "    reason: a typo one source repeats\n"
        "    examples: [{input: '字節調動', output: '字節跳動'}]\n",
        encoding="utf-8",
    )
    assert [rule.rule.name for rule in make_repair_set(tmp_path).before_conversion][-1] == "house_typo"
    assert Normalizer(rules_dir=tmp_path).normalize("離開字節調動").text == "离开字节跳动"


def test_pinyin_readings_are_removed_from_the_seed(repo_root: Path, normalizer: Normalizer) -> None:
    original = read(repo_root, "seeds/002_7cb665f7f2a66f5a.txt")
    readings = re.findall(rf"[(（][a-zü]*[{TONE_MARKS}][a-zü]*[)）]", original)
    assert len(readings) >= 170
    text = normalizer.normalize(original).text
    assert not re.search(rf"[(（][a-zü]*[{TONE_MARKS}][a-zü]*[)）]", text)
    for kept in ["(微信ID:tech618)", "沈加翔(花名:五福)", "(职级P11)", "(AI Lab)", "(AI·OS)"]:
        assert kept in text
    assert "根据其钉钉信息显示" in text and "投身创业" in text


def test_real_parentheses_survive(normalizer: Normalizer) -> None:
    text = "華盛頓大學(UW)的團隊(AVT, Applied Vision Team)負責人(花名:五福)，與(Applied Vision Team)"
    expected = "华盛顿大学(UW)的团队(AVT, Applied Vision Team)负责人(花名:五福)，与(Applied Vision Team)"
    assert normalizer.normalize(text).text == expected


def test_inserted_separators_are_removed(repo_root: Path, normalizer: Normalizer) -> None:
    for relative in ["fixtures/dev/articles/d11_alibaba_huaming_noisy.txt", "fixtures/dev/articles/d12_xiaomi_founders_noisy.txt",
                     "seeds/004_bf3e2d43395821a3.txt"]:
        original = read(repo_root, relative)
        assert " * " in original
        assert not re.search(r"[\u4e00-\u9fff] ?\* ?[\u4e00-\u9fff]", normalizer.normalize(original).text)
    assert "界面新闻报道称" in normalizer.normalize(read(repo_root, "seeds/004_bf3e2d43395821a3.txt")).text
    assert "创始团队一员" in normalizer.normalize(read(repo_root, "fixtures/dev/articles/d11_alibaba_huaming_noisy.txt")).text


def test_bad_conversions_are_undone(repo_root: Path, normalizer: Normalizer) -> None:
    for relative in ["fixtures/dev/articles/d11_alibaba_huaming_noisy.txt", "seeds/004_bf3e2d43395821a3.txt"]:
        text = normalizer.normalize(read(repo_root, relative)).text
        assert "网域" not in text and "领域" in text
    assert normalizer.normalize("阿裡招攬了許主洪").text == "阿里招揽了许主洪"
    assert normalizer.normalize("阿里招揽了许主洪").text == "阿里招揽了许主洪"


def test_full_width_letters_and_digits_become_half_width_and_punctuation_stays(normalizer: Normalizer) -> None:
    text = "２０２３年，ＣＥＯ　李偉星（花名「ＫＫ」）：離職。"
    assert normalizer.normalize(text).text == "2023年，CEO李伟星（花名「KK」）：离职。"


def test_entities_controls_and_layout_are_cleaned(normalizer: Normalizer) -> None:
    text = "  • 小米&amp;華為&nbsp;&nbsp;高管\u200b離職\r\n\r\n\r\n\x07第二段  &#x4e2d;國"
    assert normalizer.normalize(text).text == "小米&华为 高管离职\n\n第二段 中国"


def test_layout_debris_is_gone_from_the_seed(repo_root: Path, normalizer: Normalizer) -> None:
    text = normalizer.normalize(read(repo_root, "seeds/003_08bd5f78e4228db7.txt")).text
    assert not re.search(r"(?m)^[ •]|  | $|\n\n\n", text)
    assert text.startswith("bg\nAI前线\n2023年1月25日01时")
