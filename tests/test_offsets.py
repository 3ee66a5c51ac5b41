"""The offset map: every span of the normalized text points at the original text it came from."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extractor.normalize.normalizer import NormalizedText, Normalizer
from extractor.normalize.offsets import Edit, TrackedText


@pytest.fixture(scope="module")
def normalizer() -> Normalizer:
    return Normalizer()


def fixture_articles(repo_root: Path) -> list[Path]:
    return sorted((repo_root / "seeds").glob("*.txt")) + sorted((repo_root / "fixtures/dev/articles").glob("*.txt"))


def assert_map_sound(result: NormalizedText) -> None:
    """Monotonic, in bounds, and each character's span is where it came from."""
    previous = (0, 0)
    for index in range(len(result.text)):
        start, end = result.source_span(index, index + 1)
        assert 0 <= start <= end <= len(result.original)
        assert start >= previous[0] and end >= previous[1], f"map goes backwards at {index}"
        previous = (start, end)
    assert result.source_span(0, len(result.text))[1] <= len(result.original)
    end_of_text = len(result.text)
    assert result.source_span(end_of_text, end_of_text) == (len(result.original), len(result.original))


def test_deleting_keeps_the_kept_characters_on_themselves() -> None:
    tracked = TrackedText("根據(jù)其")
    tracked.apply([Edit(0, 6, "根據")])
    result = tracked.freeze()
    assert tracked.text == "根據其"
    assert result.source_span(1, 2) == (1, 2)  # 據, not 據(jù)
    assert result.source_span(2, 3) == (6, 7)  # 其


def test_a_replacement_of_another_length_maps_to_the_whole_stretch() -> None:
    tracked = TrackedText("A&amp;B&#x4e2d;")
    tracked.apply([Edit(1, 6, "&"), Edit(7, 15, "中")])
    result = tracked.freeze()
    assert tracked.text == "A&B中"
    assert result.source_span(1, 2) == (1, 2)  # '&' kept at the front of "&amp;"
    assert result.source_span(3, 4) == (7, 15)
    assert result.source_span(0, 4) == (0, 15)


def test_same_length_rewrites_map_character_for_character() -> None:
    tracked = TrackedText("ＣＥＯ離職")
    tracked.apply([Edit(0, 3, "CEO")])
    tracked.substitute("CEO离职")
    result = tracked.freeze()
    assert [result.source_span(i, i + 1) for i in range(5)] == [(i, i + 1) for i in range(5)]


def test_an_insertion_maps_to_an_empty_original_span() -> None:
    tracked = TrackedText("甲乙")
    tracked.apply([Edit(1, 1, "，")])
    assert tracked.text == "甲，乙"
    assert tracked.freeze().source_span(1, 2) == (1, 1)
    assert tracked.freeze().source_span(0, 3) == (0, 2)


def test_untouched_text_keeps_an_identity_map() -> None:
    tracked = TrackedText("阿里巴巴")
    tracked.apply([])
    result = tracked.freeze()
    assert result.is_identity
    assert result.source_span(1, 3) == (1, 3)


def test_spans_outside_the_text_are_refused() -> None:
    result = TrackedText("阿里").freeze()
    with pytest.raises(IndexError, match="outside the normalized text of length 2"):
        result.source_span(1, 3)
    with pytest.raises(IndexError):
        result.source_span(2, 1)


def test_overlapping_edits_are_refused() -> None:
    tracked = TrackedText("abcdef")
    with pytest.raises(ValueError, match="overlaps"):
        tracked.apply([Edit(0, 3, "x"), Edit(2, 4, "y")])


def test_substitute_refuses_another_length() -> None:
    with pytest.raises(ValueError, match="same length"):
        TrackedText("abc").substitute("ab")


def clauses(text: str) -> list[tuple[int, int]]:
    """Stretches between punctuation and line breaks, trimmed of spaces: the shape of evidence."""
    spans = []
    for match in re.finditer(r"[^。，、；：！？!?,;\n]+", text):
        stripped = match.group().strip(" ")
        if stripped:
            start = match.start() + match.group().index(stripped)
            spans.append((start, start + len(stripped)))
    return spans


def test_fixture_spans_renormalize_to_themselves(repo_root: Path, normalizer: Normalizer) -> None:
    checked = 0
    for path in fixture_articles(repo_root):
        result = normalizer.normalize(path.read_text(encoding="utf-8"))
        assert_map_sound(result)
        for start, end in clauses(result.text):
            source_start, source_end = result.source_span(start, end)
            again = normalizer.normalize(result.original[source_start:source_end], convert=result.converted)
            assert again.text == result.text[start:end], f"{path.name} [{start}, {end})"
            checked += 1
    assert checked > 1000


def test_a_whole_article_maps_back_to_its_original_text(repo_root: Path, normalizer: Normalizer) -> None:
    path = repo_root / "fixtures/dev/articles/d11_alibaba_huaming_noisy.txt"
    result = normalizer.normalize(path.read_text(encoding="utf-8"))
    start = result.text.index("据阿里集团方面披露")
    source_start, source_end = result.source_span(start, start + len("据阿里集团方面披露"))
    assert result.original[source_start:source_end] == "據(jù)阿里集團方面披露"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec=None, exclude_categories=())))
def test_any_text_normalizes_with_a_sound_map(normalizer: Normalizer, text: str) -> None:
    result = normalizer.normalize(text)
    assert_map_sound(result)
    for start, end in result.suspect_spans:
        assert 0 <= start < end <= len(result.text)


_DAMAGE = list("據(jù)業(yè)界 * 面領網域阿裡里著乾於\n\r\t\u3000ＡＢ１２&amp;#x4e2d;•?\u200b\ufeff漢語，。（）「」 ")


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_DAMAGE + ["(jù)", "(chuàng)", " * ", "&nbsp;", "&#x4e2d;", "??"]), max_size=40).map("".join))
def test_damaged_text_normalizes_with_a_sound_map(normalizer: Normalizer, text: str) -> None:
    result = normalizer.normalize(text)
    assert_map_sound(result)
    assert "\r" not in result.text and "\u200b" not in result.text

