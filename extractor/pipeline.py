"""The extraction pipeline for one article: normalize → sentences → entities → events → merge.

Built once per process (rules, tokenizer, automata); `extract` is then called per article.
"""
from __future__ import annotations

import time
from collections import defaultdict
from pathlib import Path

from .models import Article, DepartureEvent


class StageError(RuntimeError):
    """An article failed in a named stage; the batch records it and goes on."""

    def __init__(self, stage: str, reason: str) -> None:
        super().__init__(f"{stage}: {reason}")
        self.stage = stage
        self.reason = reason


class Pipeline:
    def __init__(self, rules_dir: Path | None = None) -> None:
        self.rules_dir = rules_dir
        # seconds spent per stage, summed over every article this instance processed (for the benchmark)
        self.stage_seconds: dict[str, float] = defaultdict(float)

    def extract(self, article: Article) -> list[DepartureEvent]:
        raise StageError("events", "extraction engine not built yet")


_shared: dict[str | None, Pipeline] = {}


def get_pipeline(rules_dir: Path | None = None) -> Pipeline:
    """One pipeline per process and rules directory: building it is the expensive part."""
    key = str(rules_dir) if rules_dir else None
    if key not in _shared:
        _shared[key] = Pipeline(rules_dir)
    return _shared[key]
