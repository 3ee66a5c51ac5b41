"""Generate a benchmark corpus: JSON Lines of articles, deterministic by seed, at any size.

Two mixes: `dense`, every article about departures (recombined seeds and dev fixtures with people
and organizations swapped), and `daily`, a crawl-like day where about 5% of articles are departure
stories and the rest are ordinary business, technology, sports and city news. A share of articles is
converted to traditional script, as a crawl of mainland, Hong Kong and Taiwan sites would be.
"""
from __future__ import annotations

import json
import random
import re
import sys
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Iterator, TextIO

from opencc_pyo3 import OpenCC

from .ordinary import SECTIONS, ordinary_article, person_name
from .sources import Source, load_sources, org_kind

# Share of departure articles in each mix.
MIXES: dict[str, float] = {"dense": 1.0, "daily": 0.05}
# Share of simplified-script articles converted to traditional, and of traditional-script
# departure sources converted to simplified (half the sources are traditional).
TRADITIONAL_SHARE = 0.25
SIMPLIFIED_SHARE = 0.5
DEPARTURE_SECTION = "people"

_FIRST_DAY = date(2023, 1, 1)
_DAYS = 3 * 365
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmg]i?b?|b)?\s*$", re.IGNORECASE)
_UNITS = {"": 1, "b": 1, "k": 10**3, "m": 10**6, "g": 10**9, "ki": 2**10, "mi": 2**20, "gi": 2**30}


def parse_size(text: str) -> int:
    """'20MB' -> 20_000_000 bytes; K/M/G are decimal, KiB/MiB/GiB binary; a bare number is bytes."""
    match = _SIZE.match(text)
    if not match:
        raise ValueError(f"cannot read size {text!r}: use a number with an optional unit, e.g. 500KB, 20MB, 1GiB")
    number, unit = match.groups()
    unit = (unit or "").lower()
    unit = unit[:-1] if unit.endswith("b") else unit
    return int(float(number) * _UNITS[unit])


@dataclass
class CorpusStats:
    articles: int = 0
    departures: int = 0
    bytes: int = 0


class _Recombiner:
    """Builds departure articles from the sources with fresh people and, often, other organizations."""

    def __init__(self, sources: list[Source], s2t: OpenCC) -> None:
        self.sources = sources
        self.s2t = s2t
        canonical: dict[str, None] = {}
        for source in sources:
            for group in source.organizations:
                canonical[group[0]] = None
        self.by_kind: dict[str, list[str]] = {}
        for name in canonical:
            self.by_kind.setdefault(org_kind(name), []).append(name)

    def article(self, rng: random.Random) -> tuple[str, list[str], Source]:
        base = rng.choice(self.sources)
        paragraphs = self._excerpt(rng, base)
        used = [base]
        if rng.random() < 0.3:
            donor = rng.choice([s for s in self.sources if s.traditional == base.traditional])
            for _ in range(rng.randint(1, 2)):
                paragraphs.insert(rng.randint(1, len(paragraphs)), rng.choice(donor.paragraphs))
            used.append(donor)
        mapping = self._substitutions(rng, used, base.traditional)
        if mapping:
            pattern = re.compile("|".join(map(re.escape, sorted(mapping, key=len, reverse=True))))
            swap = lambda m: mapping[m.group()]  # noqa: E731
            return pattern.sub(swap, base.title), [pattern.sub(swap, p) for p in paragraphs], base
        return base.title, paragraphs, base

    @staticmethod
    def _excerpt(rng: random.Random, source: Source) -> list[str]:
        paragraphs = list(source.paragraphs)
        if sum(map(len, paragraphs)) > 6000:  # the long seed analyses: a run of paragraphs, like a shorter report
            target = rng.randint(800, 2500)  # characters: the length of the dev fixtures up to a long report
            start = rng.randrange(len(paragraphs))
            while start > 0 and sum(map(len, paragraphs[start:])) < target:
                start -= 1
            end = start
            while end < len(paragraphs) and sum(map(len, paragraphs[start:end])) < target:
                end += 1
            return paragraphs[start:end]
        if len(paragraphs) > 3 and rng.random() < 0.3:
            del paragraphs[rng.randint(1, len(paragraphs) - 1)]
        return paragraphs

    def _substitutions(self, rng: random.Random, used: list[Source], traditional: bool) -> dict[str, str]:
        mapping: dict[str, str] = {}

        def put(old: str, new: str) -> None:
            mapping.setdefault(old, new)
            if traditional:  # gold names are simplified; the article spells them in traditional script
                mapping.setdefault(self.s2t.convert(old), self.s2t.convert(new))

        for source in used:
            for name in source.people:
                put(name, person_name(rng))
            for group in source.organizations:
                if rng.random() < 0.6:
                    choices = [c for c in self.by_kind[org_kind(group[0])] if c != group[0]]
                    if choices:
                        target = rng.choice(choices)
                        for alias in group:
                            put(alias, target)
        return mapping


def _lines(mix: str, size: int, seed: int, sources: list[Source] | None) -> Iterator[tuple[dict, str]]:
    """(record, its JSON line) until `size` UTF-8 bytes of JSON Lines have been produced."""
    if mix not in MIXES:
        raise ValueError(f"unknown mix {mix!r}: choose one of {', '.join(MIXES)}")
    rng = random.Random(f"{mix}:{seed}")
    s2t, t2s = OpenCC("s2t"), OpenCC("t2s")
    recombiner = _Recombiner(sources if sources is not None else load_sources(), s2t)

    def vary_script(title: str, text: str, traditional: bool) -> tuple[str, str]:
        if traditional:
            if rng.random() < SIMPLIFIED_SHARE:
                return t2s.convert(title), t2s.convert(text)
        elif rng.random() < TRADITIONAL_SHARE:
            return s2t.convert(title), s2t.convert(text)
        return title, text

    written = index = 0
    while written < size:
        published = _FIRST_DAY + timedelta(days=rng.randrange(_DAYS))
        if rng.random() < MIXES[mix]:
            section = DEPARTURE_SECTION
            title, paragraphs, base = recombiner.article(rng)
            title, text = vary_script(title, "\n\n".join(paragraphs), base.traditional)
            published_at = base.published_at or published.isoformat()
        else:
            section = rng.choice(SECTIONS)
            title, text = vary_script(*ordinary_article(rng, section, published), traditional=False)
            published_at = published.isoformat()
        record = {
            "id": f"{mix}-s{seed}-{index:07d}-{section}",
            "title": title,
            "text": text,
            "published_at": published_at,
            "url": f"https://news.example.com/{section}/{published:%Y/%m%d}/{index}.html",
        }
        line = json.dumps(record, ensure_ascii=False) + "\n"
        written += len(line.encode("utf-8"))
        index += 1
        yield record, line


def generate(mix: str, size: int, seed: int, sources: list[Source] | None = None) -> Iterator[dict]:
    """Article records ({"id","title","text","published_at","url"}) until `size` UTF-8 bytes of JSON Lines."""
    return (record for record, _ in _lines(mix, size, seed, sources))


def write_corpus(out: TextIO, mix: str, size: int, seed: int) -> CorpusStats:
    stats = CorpusStats()
    for record, line in _lines(mix, size, seed, None):
        out.write(line)
        stats.articles += 1
        stats.departures += record["id"].endswith(DEPARTURE_SECTION)
        stats.bytes += len(line.encode("utf-8"))
    return stats


def write_corpus_file(path: Path | str, mix: str, size: int, seed: int) -> CorpusStats:
    """Write to `path` ('-' for stdout). The file is written whole or not at all."""
    if str(path) == "-":
        return write_corpus(sys.stdout, mix, size, seed)
    path = Path(path)
    partial = path.with_name(path.name + ".partial")
    with partial.open("w", encoding="utf-8", newline="\n") as out:
        stats = write_corpus(out, mix, size, seed)
    partial.replace(path)
    return stats
