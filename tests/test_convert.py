"""t2s conversion: the fast converter agrees with the reference one, and regional words stay."""
from __future__ import annotations

from pathlib import Path

import pytest

from extractor.normalize.convert import (
    FAST,
    REFERENCE,
    ConverterError,
    changed_characters,
    conversion_edits,
    converter_throughput,
    make_converter,
)
from extractor.normalize.normalizer import Normalizer
from extractor.normalize.offsets import TrackedText

# Where the two t2s tables disagree on the fixtures, as (reference, fast): the reference keeps 著
# where the fast one writes the particle 着 (有著 → 有着). The zhe_particle repair settles it.
KNOWN_DIFFERENCES = {("著", "着")}


def fixture_texts(repo_root: Path) -> dict[str, str]:
    paths = sorted((repo_root / "seeds").glob("*.txt")) + sorted((repo_root / "fixtures/dev/articles").glob("*.txt"))
    return {path.name: path.read_text(encoding="utf-8") for path in paths}


@pytest.fixture(scope="module", params=[FAST, REFERENCE])
def converter(request: pytest.FixtureRequest):
    return make_converter(request.param)


def test_the_default_converter_is_the_fast_one() -> None:
    assert make_converter().name == FAST


def test_an_unknown_converter_is_named_in_the_error() -> None:
    with pytest.raises(ConverterError, match="unknown converter 'tw2sp'"):
        make_converter("tw2sp")


@pytest.mark.parametrize(
    ("traditional", "simplified"),
    [
        ("執行長", "执行长"), ("技術長", "技术长"), ("行政總裁", "行政总裁"), ("硬體", "硬体"),
        ("阿裡巴巴", "阿里巴巴"), ("乾隆", "乾隆"),
    ],
)
def test_plain_t2s_keeps_regional_wording(converter, traditional: str, simplified: str) -> None:
    assert converter.convert(traditional) == simplified


def test_the_fast_converter_matches_the_reference_on_the_fixtures(repo_root: Path) -> None:
    fast, reference = make_converter(FAST), make_converter(REFERENCE)
    differences: set[tuple[str, str]] = set()
    for name, text in fixture_texts(repo_root).items():
        fast_text, reference_text = fast.convert(text), reference.convert(text)
        assert len(fast_text) == len(reference_text) == len(text), name
        differences |= {(r, f) for r, f in zip(reference_text, fast_text) if r != f}
    assert differences <= KNOWN_DIFFERENCES


def test_normalization_is_the_same_with_either_converter(repo_root: Path) -> None:
    fast, reference = Normalizer(converter=FAST), Normalizer(converter=REFERENCE)
    for name, text in fixture_texts(repo_root).items():
        assert fast.normalize(text).text == reference.normalize(text).text, name


def test_changed_characters_are_the_traditional_ones(converter) -> None:
    changed = changed_characters(converter)
    assert {"漢", "發", "業", "據", "裡"} <= changed
    assert not {"汉", "发", "业", "据", "里", "阿"} & changed


class _ShorteningConverter:
    """A t2s stand-in with one phrase that changes length, as a future OpenCC table might."""

    name = "shortening"

    def convert(self, text: str) -> str:
        return text.replace("甲乙", "丙").replace("漢", "汉")


def test_a_phrase_that_changes_length_keeps_the_rest_of_its_line_exact() -> None:
    same_length, edits = conversion_edits("漢甲乙漢\n漢漢", _ShorteningConverter())
    assert same_length == "汉甲乙汉\n汉汉"
    assert [tuple(edit) for edit in edits] == [(1, 3, "丙")]
    tracked = TrackedText("漢甲乙漢\n漢漢")
    tracked.substitute(same_length)
    tracked.apply(edits)
    assert tracked.text == "汉丙汉\n汉汉"
    offsets = tracked.freeze()
    assert [offsets.source_span(i, i + 1) for i in range(len(tracked.text))] == [(0, 1), (1, 3), (3, 4), (4, 5), (5, 6), (6, 7)]


def test_the_normalizer_accepts_a_converter_object() -> None:
    result = Normalizer(converter=_ShorteningConverter()).normalize("前甲乙後", convert=True)
    assert result.text == "前丙後"
    assert result.source_span(1, 2) == (1, 3)


def test_throughput_is_reported_in_megabytes_per_second() -> None:
    assert converter_throughput(make_converter(FAST), ["發展" * 100], rounds=1) > 0
