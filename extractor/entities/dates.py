"""Time expressions: find them in a sentence and resolve them against the publication date.

Resolution rules (why): a bare month (7月) takes the year of the nearest earlier explicit year in
the same paragraph, because roundups say "2022年5月…；8月…"; failing that the publication year,
moved back a year when that would put a past departure after the article was published.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from extractor.rulebook.lexicon_models import DatesFile


@dataclass(frozen=True)
class PubDate:
    year: int
    month: int | None = None
    day: int | None = None

    @classmethod
    def parse(cls, value: str | None) -> "PubDate | None":
        if not value:
            return None
        match = re.match(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?", value.strip())
        if not match:
            return None
        year, month, day = match.groups()
        return cls(int(year), int(month) if month else None, int(day) if day else None)

    def as_tuple(self) -> tuple[int, int, int]:
        return (self.year, self.month or 12, self.day or 31)


@dataclass(frozen=True)
class TimeMention:
    start: int
    end: int
    text: str
    value: str | None
    precision: str | None
    explicit_year: bool  # the year was written out (2022年), so it can anchor later bare months
    year: int | None = None


# months and days in Chinese numerals (九月底, 十二月二十日); a month only with 月 after it
_CN_MONTH = "十[一二]|[一二三四五六七八九十]"
_CN_DAY = "三十[一]?|二十[一二三四五六七八九]?|十[一二三四五六七八九]?|[一二三四五六七八九]"
_CN_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")}


def _number(text: str) -> int:
    """12, 九, 十二, 二十三 → the number."""
    if text.isdigit():
        return int(text)
    if "十" in text:
        tens, _, ones = text.partition("十")
        return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[ones] if ones else 0)
    return _CN_DIGITS[text]


def _iso(year: int, month: int | None = None, day: int | None = None) -> str:
    if month is None:
        return f"{year:04d}"
    if day is None:
        return f"{year:04d}-{month:02d}"
    return f"{year:04d}-{month:02d}-{day:02d}"


def _valid(year: int, month: int | None, day: int | None) -> bool:
    if month is not None and not 1 <= month <= 12:
        return False
    if day is not None:
        try:
            date(year, month or 1, day)
        except ValueError:
            return False
    return 1900 <= year <= 2100


class DateFinder:
    def __init__(self, rules: DatesFile) -> None:
        self.rules = rules
        alt = lambda words: "|".join(sorted(map(re.escape, words), key=len, reverse=True))  # noqa: E731
        parts = alt(rules.year_parts)
        # after a written year "2021年" the part loses its 年: 2021年底, 2023年初
        short_parts = alt({k[1:] for k in rules.year_parts if k.startswith("年")} | {k for k in rules.year_parts if not k.startswith("年")})
        year_words = alt(rules.year_words)
        month_part = r"(?P<mpart>初|中旬|上旬|下旬|底|末|中)?"
        days = "".join(rules.weekdays)
        weekday = (
            rf"|(?P<week>{alt(rules.week_words)})(?P<wd>[{days}])?"
            rf"|(?:星期|礼拜)(?P<swd>[{days}])"
            rf"|(?<![上本这下])周(?P<bwd>[{days}])(?=[{re.escape(rules.weekday_followers)}])"
        ) if rules.weekdays else ""
        self._pattern = re.compile(
            rf"(?:(?P<y>(?:19|20)\d{{2}})年|(?P<yw>{year_words}))"
            rf"(?:(?P<m>\d{{1,2}}|{_CN_MONTH})月份?(?:(?P<d>\d{{1,2}}|{_CN_DAY})[日号])?{month_part}|(?P<part>{parts})|(?<=年)(?P<spart>{short_parts}))?"
            rf"|(?P<iso>(?:19|20)\d{{2}})[-/.](?P<im>\d{{1,2}})(?:[-/.](?P<id>\d{{1,2}}))?"
            rf"|(?<![\d年一二三四五六七八九十上下本个])(?P<bm>\d{{1,2}}|{_CN_MONTH})月份?(?:(?P<bd>\d{{1,2}}|{_CN_DAY})[日号])?(?P<bmpart>初|中旬|上旬|下旬|底|末)?"
            rf"|(?P<bpart>(?<!\d)(?:{parts}))"
            rf"|(?P<recent>{alt(rules.recent_words)})"
            rf"|(?P<prev>{alt(rules.previous_month_words)})"
            rf"|[（(](?P<pd>\d{{1,2}})日[）)]"
            # 今（12）日, 昨（11）日: today the 12th, yesterday the 11th (Taiwan's way of dating a report)
            rf"|[今昨][（(](?P<td>\d{{1,2}})[）)]日"
            rf"|(?P<holiday>{alt(rules.holidays)})"
            rf"|(?P<offset>{alt(rules.offsets)})"
            rf"|(?P<dayword>{alt(rules.day_words)})"
            rf"{weekday}"
            # a day told without its month (当地时间15日, 14日晚): the month in force
            rf"|(?<![\d月年/.\-])(?P<bday>[1-9]|[12]\d|3[01])[日号](?![\d])"
        )

    def find(
        self, text: str, pub: PubDate | None, context_year: int | None = None, context_time: "TimeMention | None" = None
    ) -> list[TimeMention]:
        """Time expressions in `text`, in order; `context_year` anchors bare months and
        `context_time` (the last time told before) anchors offsets such as 一年后."""
        mentions: list[TimeMention] = []
        anchor = context_year
        for match in self._pattern.finditer(text):
            if match.group("offset"):
                base = next((m for m in reversed(mentions) if m.value), context_time)
                mention = self._offset(match, base)
            elif match.group("dayword"):
                mention = self._day_word(match, pub)
            elif self.rules.weekdays and (match.group("week") or match.group("swd") or match.group("bwd")):
                mention = self._weekday(match, pub)
            elif match.group("bday"):
                base = next((m for m in reversed(mentions) if m.value and m.precision in ("day", "month")), context_time)
                mention = self._bare_day(match, pub, base)
            elif match.group("holiday"):
                year = anchor if anchor is not None else (pub.year if pub else None)
                month = self.rules.holidays[match.group("holiday")]
                mention = TimeMention(match.start(), match.end(), match.group(0),
                                      _iso(year, month) if year else None, "month" if year else None, False, year)
            else:
                mention = self._resolve(match, pub, anchor)
            if mention is None:
                continue
            last = mentions[-1] if mentions else None
            if last is not None and last.end == mention.start and last.value and last.value == mention.value:
                # 周二（9日）: one day told twice is one time
                mentions[-1] = TimeMention(last.start, mention.end, text[last.start:mention.end], last.value,
                                           last.precision, last.explicit_year or mention.explicit_year, last.year)
                continue
            if mention.explicit_year and mention.year is not None:
                anchor = mention.year
            mentions.append(mention)
        return mentions

    def _year_of_word(self, word: str, pub: PubDate | None, anchor: int | None) -> int | None:
        offset = self.rules.year_words[word]
        if offset == "same":
            return anchor
        return pub.year + offset if pub else None

    def _resolve(self, m: re.Match[str], pub: PubDate | None, anchor: int | None) -> TimeMention | None:
        g = m.groupdict()
        text = m.group(0)
        year: int | None
        if g["y"] or g["yw"]:
            explicit = bool(g["y"]) or self.rules.year_words.get(g["yw"] or "") != "same"
            year = int(g["y"]) if g["y"] else self._year_of_word(g["yw"], pub, anchor)
            if year is None:
                return TimeMention(m.start(), m.end(), text, None, None, False)
            if g["m"]:
                month, day = _number(g["m"]), _number(g["d"]) if g["d"] else None
                if not _valid(year, month, day):
                    # 2022年13月: a damaged month; the written year still holds
                    year_text = text[: text.index("年") + 1] if "年" in text else text
                    return TimeMention(m.start(), m.start() + len(year_text), year_text, _iso(year), "year", explicit, year)
                return TimeMention(m.start(), m.end(), text, _iso(year, month, day),
                                   "day" if day else "month", explicit, year)
            if g["part"] or g["spart"]:
                name = g["part"] or g["spart"]
                part = self.rules.year_parts.get(name) or self.rules.year_parts["年" + name]
                return TimeMention(m.start(), m.end(), text, _iso(year, part.month if part.precision != "year" else None),
                                   part.precision if part.month else "year", explicit, year)
            if not _valid(year, None, None):
                return None
            return TimeMention(m.start(), m.end(), text, _iso(year), "year", explicit, year)
        if g["iso"]:
            year, month = int(g["iso"]), int(g["im"])
            day = int(g["id"]) if g["id"] else None
            if not _valid(year, month, day):
                return None
            return TimeMention(m.start(), m.end(), text, _iso(year, month, day), "day" if day else "month", True, year)
        if g["bm"]:
            month, day = _number(g["bm"]), _number(g["bd"]) if g["bd"] else None
            year = self._year_for_month(month, day, pub, anchor)
            future = self._may_be_future(m) if anchor is None and pub is not None and pub.month is not None else None
            if future == "future":
                # 将于8月底卸任: a month still to come, this year or the next
                year = pub.year if (month, day or 31) >= (pub.month, pub.day or 1) else pub.year + 1  # type: ignore[union-attr]
            elif future == "effective":
                # 自7月1日起生效, 最后工作日为6月30日: a day of the publication's year, before or after it
                year = pub.year  # type: ignore[union-attr]
            if year is None:
                return TimeMention(m.start(), m.end(), text, None, None, False)
            if not _valid(year, month, day):
                return None
            return TimeMention(m.start(), m.end(), text, _iso(year, month, day), "day" if day else "month", False, year)
        if g["bpart"]:
            part = self.rules.year_parts[g["bpart"]]
            # 将于年底卸任: a bare part of a year is told from the publication date, not an earlier year
            year = pub.year if pub else anchor
            if year is None or part.month is None:
                return TimeMention(m.start(), m.end(), text, None, None, False)
            return TimeMention(m.start(), m.end(), text, _iso(year, part.month), part.precision, False, year)
        if g["recent"] or g["prev"]:
            if not pub or not pub.month:
                return TimeMention(m.start(), m.end(), text, None, None, False)
            year, month = pub.year, pub.month
            if g["prev"]:
                year, month = (year - 1, 12) if month == 1 else (year, month - 1)
            return TimeMention(m.start(), m.end(), text, _iso(year, month), "month", False, year)
        if g["td"]:
            if not pub or not pub.month:
                return TimeMention(m.start(), m.end(), text, None, None, False)
            day = int(g["td"])
            year, month = pub.year, pub.month
            if pub.day is not None and day > pub.day:  # reported in the month before
                year, month = (year, month - 1) if month > 1 else (year - 1, 12)
            if not _valid(year, month, day):
                return None
            return TimeMention(m.start(), m.end(), text, _iso(year, month, day), "day", False, year)
        if g["pd"]:
            if not pub or not pub.month:
                return None
            day = int(g["pd"])
            if not _valid(pub.year, pub.month, day):
                return None
            return TimeMention(m.start(), m.end(), text, _iso(pub.year, pub.month, day), "day", False, pub.year)
        return None

    def _day_word(self, m: re.Match[str], pub: PubDate | None) -> TimeMention:
        """昨日, 今天: a day relative to publication (only where the publication day is known)."""
        if pub is None or pub.month is None or pub.day is None:
            return TimeMention(m.start(), m.end(), m.group(0), None, None, False)
        day = date(pub.year, pub.month, pub.day) + timedelta(days=self.rules.day_words[m.group("dayword")])
        return TimeMention(m.start(), m.end(), m.group(0), day.isoformat(), "day", False, day.year)

    def _may_be_future(self, m: re.Match[str]) -> str | None:
        """"future" for a time told as still to come (将于); "effective" for the day a departure takes
        effect, which may be either side of publication (自…起生效, 最后工作日为); else None."""
        before = m.string[max(0, m.start() - 10):m.start()].rstrip()
        after = m.string[m.end():m.end() + 6].lstrip()
        if before.endswith(tuple(self.rules.future_markers)):
            return "future"
        if before.endswith((*self.rules.last_day_markers, "自")) or after.startswith(tuple(self.rules.effective_markers)):
            return "effective"
        return None

    def _weekday(self, m: re.Match[str], pub: PubDate | None) -> TimeMention:
        """周三, 上周一, 本周五: that day of the week of publication (or of the week a week word names);
        without a week word, the latest such day not after publication. 上周 alone: that week's month."""
        if pub is None or pub.month is None or pub.day is None:
            return TimeMention(m.start(), m.end(), m.group(0), None, None, False)
        published = date(pub.year, pub.month, pub.day)
        week = m.group("week")
        name = m.group("wd") or m.group("swd") or m.group("bwd")
        monday = published - timedelta(days=published.weekday())
        if name is None:  # 上周, 本周: the week only
            day = monday + timedelta(weeks=self.rules.week_words[week])
            return TimeMention(m.start(), m.end(), m.group(0), _iso(day.year, day.month), "month", False, day.year)
        day = monday + timedelta(days=self.rules.weekdays[name])
        if week is not None:
            day += timedelta(weeks=self.rules.week_words[week])
        elif day > published:
            day -= timedelta(weeks=1)
        return TimeMention(m.start(), m.end(), m.group(0), day.isoformat(), "day", False, day.year)

    def _bare_day(self, m: re.Match[str], pub: PubDate | None, base: "TimeMention | None") -> TimeMention | None:
        """15日: the day of the month told last in the paragraph, or else of the publication month
        (the month before when that day is still to come)."""
        day = int(m.group("bday"))
        if base is not None and base.value and len(base.value) >= 7:
            year, month = int(base.value[:4]), int(base.value[5:7])
        elif pub is not None and pub.month is not None:
            year, month = pub.year, pub.month
            if pub.day is not None and day > pub.day:
                year, month = (year, month - 1) if month > 1 else (year - 1, 12)
        else:
            return None
        if not _valid(year, month, day):
            return None
        return TimeMention(m.start(), m.end(), m.group(0), _iso(year, month, day), "day", False, year)

    def _offset(self, m: re.Match[str], base: "TimeMention | None") -> TimeMention | None:
        """一年后 after 2023年3月 → 2024 (told at the precision the offset supports)."""
        if base is None or not base.value:
            return TimeMention(m.start(), m.end(), m.group(0), None, None, False)
        offset = self.rules.offsets[m.group("offset")]
        parts = [int(p) for p in base.value.split("-")]
        year = parts[0] + offset.years
        if offset.years and not offset.months and not offset.days:
            return TimeMention(m.start(), m.end(), m.group(0), _iso(year), "year", False, year)
        if len(parts) < 2:
            return TimeMention(m.start(), m.end(), m.group(0), _iso(year), "year", False, year)
        month = parts[1] + offset.months
        year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
        if offset.days and len(parts) == 3:
            moved = date(year, month, parts[2]) + timedelta(days=offset.days)
            return TimeMention(m.start(), m.end(), m.group(0), moved.isoformat(), "day", False, moved.year)
        return TimeMention(m.start(), m.end(), m.group(0), _iso(year, month), "month", False, year)

    @staticmethod
    def _year_for_month(month: int, day: int | None, pub: PubDate | None, anchor: int | None) -> int | None:
        if anchor is not None:
            return anchor
        if pub is None:
            return None
        year = pub.year
        if pub.month is not None and (month, day or 1) > (pub.month, pub.day or 31):
            year -= 1  # a departure already told cannot be after the article
        return year
