"""Ordinary news articles (business, technology, sports, city) built from `bench.templates`.

A slot keeps one value within an article, so `{company}` names the same company in the title
and the body, while the numbered slots (`{pct1}`, `{pct2}` …) are independent draws.
"""
from __future__ import annotations

import random
import re
from datetime import date

from . import templates as t

SECTIONS = tuple(sorted(t.STORIES))

# Numeric slot families: name prefix -> a function of the article's random generator.
_NUMBERS = {
    "pct": lambda r: f"{r.uniform(0.5, 48.0):.1f}",
    "amt": lambda r: f"{r.uniform(1.2, 480.0):.1f}",
    "big": lambda r: str(r.randint(120, 9800)),
    "num": lambda r: str(r.randint(10, 48)),
    "few": lambda r: str(r.randint(2, 9)),
    "founded": lambda r: str(r.randint(2008, 2021)),
    "distance": lambda r: r.choice(("50", "100", "200", "400", "800", "1500")),
    "score": lambda r: str(r.randint(1, 4)),
    "pts": lambda r: str(r.randint(78, 126)),
    "sec": lambda r: f"{r.uniform(24.0, 59.0):.2f}",
}
_NUMBER_SLOT = re.compile(r"([a-z]+)\d*$")


def person_name(rng: random.Random) -> str:
    given = "".join(rng.choice(t.GIVEN_CHARS) for _ in range(rng.choice((1, 2, 2, 2))))
    return rng.choice(t.SURNAMES) + given


def company_name(rng: random.Random) -> str:
    return rng.choice(t.COMPANY_HEADS) + rng.choice(t.COMPANY_TAILS) + rng.choice(t.COMPANY_KINDS)


class _Slots(dict):
    """Fills a slot on first use and remembers it for the rest of the article."""

    def __init__(self, rng: random.Random, published: date) -> None:
        super().__init__()
        self.rng = rng
        self["year"] = str(published.year)
        self["month"] = str(published.month)
        self["day"] = str(published.day)
        self["date"] = f"{published.month}月{published.day}日"
        self["q"] = str((published.month - 1) // 3 + 1)

    def __missing__(self, key: str) -> str:
        value = self._draw(key)
        self[key] = value
        return value

    def _draw(self, key: str) -> str:
        r = self.rng
        base = key.rstrip("0123456789")
        if base == "company":
            return company_name(r)
        if base == "person":
            return person_name(r)
        if base == "city":
            return r.choice(t.CITIES)
        if base == "team":
            return r.choice(t.CITIES) + r.choice(t.TEAM_MASCOTS) + "队"
        if base == "region":
            return r.choice(t.REGIONS)
        if base == "segment":
            return r.choice(t.SEGMENTS)
        if base == "round":
            return r.choice(t.ROUNDS)
        if base == "investor":
            return r.choice(t.INVESTOR_WORDS) + r.choice(t.INVESTOR_SUFFIXES)
        if base == "product":
            return f"{r.choice(t.PRODUCT_SERIES)}{r.randint(3, 15)}系列{r.choice(t.PRODUCT_KINDS)}"
        if key in ("score2", "pts2"):  # the home side wins: the report's verbs say so
            winner = int(self[key[:-1] + "1"])
            return str(r.randint(winner - 12 if key == "pts2" else 0, winner - 1))
        match = _NUMBER_SLOT.match(key)
        if match and match.group(1) in _NUMBERS:
            return _NUMBERS[match.group(1)](r)
        raise KeyError(f"template slot {{{key}}} has no value source in bench/ordinary.py")


def ordinary_article(rng: random.Random, section: str, published: date) -> tuple[str, str]:
    """A (title, text) pair: one story of the section, its lead, 3+ of its paragraphs, often a closer."""
    story = rng.choice(t.STORIES[section])
    slots = _Slots(rng, published)
    title = rng.choice(story["titles"]).format_map(slots)
    body = story["body"]
    chosen = rng.sample(body, k=rng.randint(min(3, len(body)), len(body)))
    paragraphs = [rng.choice(story["leads"]), *chosen]
    if rng.random() < 0.7:
        paragraphs.append(rng.choice(t.CLOSERS[section]))
    dateline = f"{published.isoformat()} {rng.randint(6, 22):02d}:{rng.randint(0, 59):02d}"
    text = "\n\n".join([dateline, *(p.format_map(slots) for p in paragraphs)])
    return title, text
