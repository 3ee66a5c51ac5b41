"""Time expressions resolved against the publication date, with their precision."""
from __future__ import annotations

import pytest

from extractor.entities.dates import DateFinder, PubDate
from extractor.rulebook.lexicon import load_lexicon


@pytest.fixture(scope="module")
def finder() -> DateFinder:
    return DateFinder(load_lexicon().dates)


CASES = [
    # text, published, expected [(value, precision)]
    ("2022年5月", "2023-01-25", [("2022-05", "month")]),
    ("2022年3月14日晚间", "2023-01-25", [("2022-03-14", "day")]),
    ("2021年底", "2023-01-25", [("2021-12", "month")]),
    ("2023年春天", "2025-10-14", [("2023-03", "season")]),
    ("今年3月", "2023-07", [("2023-03", "month")]),
    ("去年7月13日", "2023-01-25", [("2022-07-13", "day")]),
    ("去年年中", "2025-11-24", [("2024-06", "month")]),
    ("年初", "2023-07", [("2023-01", "month")]),
    ("上月", "2023-03-14", [("2023-02", "month")]),
    ("上月", "2023-01-14", [("2022-12", "month")]),
    ("近日", "2022-02-17", [("2022-02", "month")]),
    ("9月初", "2023-01-25", [("2022-09", "month")]),  # a month after publication is last year's
    ("7月8日", "2023-07-20", [("2023-07-08", "day")]),
    ("2022年8月和9月", "2023-07", [("2022-08", "month"), ("2022-09", "month")]),
    ("周二（9日）", "2021-11-11", [("2021-11-09", "day")]),
    ("周三宣布退出", "2024-06-15", [("2024-06-12", "day")]),  # the latest Wednesday up to a Saturday
    ("星期五离职", "2024-06-13", [("2024-06-07", "day")]),  # a Friday still to come is last week's
    ("本周一", "2024-06-15", [("2024-06-10", "day")]),
    ("上周三，", "2024-06-15", [("2024-06-05", "day")]),
    ("下周二卸任", "2024-06-15", [("2024-06-18", "day")]),
    ("上周离职", "2024-06-15", [("2024-06", "month")]),
    ("周一鸣表示", "2024-06-15", []),  # a name, not Monday
    ("将于8月底卸任", "2024-06-15", [("2024-08", "month")]),  # a month still to come is this year's
    ("将于3月卸任", "2024-06-15", [("2025-03", "month")]),
    ("最后上班日为6月30日", "2024-06-28", [("2024-06-30", "day")]),
    ("自7月1日起生效", "2024-06-12", [("2024-07-01", "day")]),
    ("将于今年九月底荣休", "2024-06-19", [("2024-09", "month")]),  # a month in Chinese numerals
    ("2023年十二月二十日", None, [("2023-12-20", "day")]),
    ("财團法人仁康醫院今（12）日宣布", "2024-06-12", [("2024-06-12", "day")]),
    ("立委蘇文彬昨（11）日召開記者會", "2024-06-12", [("2024-06-11", "day")]),
    ("2019年", None, [("2019", "year")]),
    ("今年3月", None, [(None, None)]),  # unresolvable without a publication date
    ("2022年13月", "2023-01-01", [("2022", "year")]),  # no month 13: only the year is read
]


@pytest.mark.parametrize("text,published,expected", CASES)
def test_resolution(finder: DateFinder, text: str, published: str | None, expected) -> None:  # type: ignore[no-untyped-def]
    found = finder.find(text, PubDate.parse(published))
    assert [(m.value, m.precision) for m in found] == expected


def test_bare_month_takes_the_paragraph_year(finder: DateFinder) -> None:
    [found] = finder.find("6月1日", PubDate.parse("2023-01-25"), context_year=2021)
    assert found.value == "2021-06-01"


def test_publication_date_forms() -> None:
    assert PubDate.parse("2023-07") == PubDate(2023, 7)
    assert PubDate.parse("2023-07-08T10:00:00+08:00") == PubDate(2023, 7, 8)
    assert PubDate.parse("not a date") is None
