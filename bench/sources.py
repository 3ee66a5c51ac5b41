"""Departure articles to recombine: the seeds and the dev fixtures, with the names their gold lists.

The gold files say who left which organization in each article; the generator uses that to swap
people and organizations for others, so a large corpus is not the same dozen stories repeated.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from opencc_pyo3 import OpenCC

REPO_ROOT = Path(__file__).resolve().parent.parent
SOURCE_GLOBS = ("seeds/*.txt", "fixtures/dev/articles/*.txt")
GOLD_FILES = ("fixtures/gold/seeds.jsonl", "fixtures/gold/dev.jsonl")

_HAN_NAME = re.compile(r"^[\u4e00-\u9fff]{2,4}$")
# Suffixes that tell an institution from a company, so a swap keeps the story plausible.
_INSTITUTION_MARKS = ("大学", "学院", "研究院", "研究所", "银行", "局", "央行", "基金会", "中研院")


@dataclass
class Source:
    id: str
    title: str
    paragraphs: list[str]
    traditional: bool
    published_at: str | None
    people: list[str] = field(default_factory=list)  # full Han names, replaceable
    organizations: list[tuple[str, ...]] = field(default_factory=list)  # alias groups, canonical first


def org_kind(canonical: str) -> str:
    return "institution" if any(mark in canonical for mark in _INSTITUTION_MARKS) else "company"


def _read_gold(root: Path) -> dict[str, dict]:
    gold: dict[str, dict] = {}
    for name in GOLD_FILES:
        path = root / name
        if not path.is_file():
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                record = json.loads(line)
                gold[record["article_id"]] = record
    return gold


def _entities(record: dict | None) -> tuple[list[str], list[tuple[str, ...]]]:
    if record is None:
        return [], []
    people: dict[str, None] = {}
    orgs: dict[tuple[str, ...], None] = {}
    for event in record.get("events", []):
        name = event["person"][0] if event.get("person") else ""
        if _HAN_NAME.match(name):
            people[name] = None
        for key in ("from_org", "to_org"):
            if event.get(key):
                orgs[tuple(a for a in event[key] if len(a) >= 2)] = None
    return list(people), [group for group in orgs if group]


def _is_traditional(text: str, t2s: OpenCC) -> bool:
    changed = sum(a != b for a, b in zip(text, t2s.convert(text)))
    return changed > len(text) * 0.01


def load_sources(root: Path = REPO_ROOT) -> list[Source]:
    """Every seed and dev fixture article, in a stable order, with its gold people and organizations."""
    paths = sorted(p for pattern in SOURCE_GLOBS for p in root.glob(pattern))
    if not paths:
        raise FileNotFoundError(
            f"no source articles under {root} ({', '.join(SOURCE_GLOBS)}): run from a source checkout"
        )
    gold = _read_gold(root)
    t2s = OpenCC("t2s")
    sources = []
    for path in paths:
        title, _, body = path.read_text(encoding="utf-8").partition("\n")
        paragraphs = [p.strip() for p in re.split(r"\n\s*\n|\n", body) if p.strip()]
        record = gold.get(path.stem)
        people, orgs = _entities(record)
        sources.append(
            Source(
                id=path.stem,
                title=title.strip(),
                paragraphs=paragraphs,
                traditional=_is_traditional(body, t2s),
                published_at=record.get("published_at") if record else None,
                people=people,
                organizations=orgs,
            )
        )
    return sources
