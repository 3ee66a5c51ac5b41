"""Publication dates: normalizing a given date, and finding a dateline at the top of a text.

A dateline is a line near the top that *is* a date, perhaps with a time, a weekday, a label
(发布时间：) or a short section tag after a space ("2025-10-14 10:26　出行快讯",
"2021年11月11日（星期四）", "• 2023年1月25日01时"). A date that opens a sentence
("2025年3月31日晚間，據…", "2023年10月,一则…") is news, not a dateline, and is left alone.
"""
from __future__ import annotations

import datetime as _dt
import re

# Lines of the text (blank ones not counted) searched for a dateline.
DATELINE_LINES = 5

_YMD = (
    r"(?P<y>(?:19|20)\d{2})\s*(?:年\s*(?P<m1>\d{1,2})\s*月(?:\s*(?P<d1>\d{1,2})\s*[日号])?"
    r"|(?P<sep>[-/.])(?P<m2>\d{1,2})(?P=sep)(?P<d2>\d{1,2})(?!\d))"
)
_TIME = r"(?:\s*\d{1,2}(?:[:：]\d{2}(?:[:：]\d{2})?|\s*[时時點点](?:\s*\d{1,2}\s*分)?))"
_WEEKDAY = r"(?:\s*[（(](?:星期|周|週|礼拜|禮拜)[一二三四五六日天][）)])"
_LABEL = r"(?:(?:发布|發布|更新|刊登|出版)?(?:时间|時間|日期|于|於)\s*[:：]?\s*)"
_DATELINE = re.compile(
    rf"^[\s•·‧*\-|]*{_LABEL}?{_YMD}{_WEEKDAY}?{_TIME}?{_WEEKDAY}?(?P<rest>.*)$"
)
# What may follow a dateline on its line: nothing, or a short tag after whitespace, never a
# sentence (sentence punctuation or a character straight after the date).
_REST = re.compile(r"^(?:[\s\u3000]+[^，。；！？,;!?]{0,30})?$")
_ISO = re.compile(r"(?P<y>\d{4})(?:-(?P<m>\d{2})(?:-(?P<d>\d{2}))?)?")
_GIVEN = re.compile(
    r"^\s*(?P<y>(?:19|20)\d{2})(?:[-/.年](?P<m>\d{1,2})(?:[-/.月](?P<d>\d{1,2})日?)?月?)?"
    r"(?:[T\s].*)?$"
)


def find_dateline(text: str, max_lines: int = DATELINE_LINES) -> str | None:
    """The publication date given by a dateline in the first `max_lines` non-blank lines of
    `text`, as YYYY-MM-DD or YYYY-MM; None when there is no dateline."""
    seen = 0
    for line in text.splitlines():
        if not line.strip():
            continue
        seen += 1
        if seen > max_lines:
            break
        found = _parse_dateline(line)
        if found is not None:
            return found
    return None


def normalize_date(value: str) -> str | None:
    """A given publication date (a record's field, a page's metadata, an ISO timestamp) as
    YYYY-MM-DD, YYYY-MM or YYYY; None when it is not a valid date."""
    match = _GIVEN.match(value)
    if match is None:
        return None
    return _iso(match["y"], match["m"], match["d"])


def parse_iso_date(value: str) -> str | None:
    """`value` when it is a valid YYYY, YYYY-MM or YYYY-MM-DD date (as a user types it on the
    command line), else None."""
    match = _ISO.fullmatch(value.strip())
    if match is None:
        return None
    return _iso(match["y"], match["m"], match["d"])


def _parse_dateline(line: str) -> str | None:
    match = _DATELINE.match(line)
    if match is None or not _REST.match(match["rest"]):
        return None
    month = match["m1"] or match["m2"]
    day = match["d1"] or match["d2"]
    return _iso(match["y"], month, day)


def _iso(year: str, month: str | None, day: str | None) -> str | None:
    y = int(year)
    if month is None:
        return f"{y:04d}"
    m = int(month)
    if not 1 <= m <= 12:
        return None
    if day is None:
        return f"{y:04d}-{m:02d}"
    try:
        return _dt.date(y, m, int(day)).isoformat()
    except ValueError:
        return None
