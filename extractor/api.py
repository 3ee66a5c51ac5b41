"""Calling the extractor from Python: build the pipeline once, then extract as many articles as needed.

    from extractor import Article, Pipeline, extract_text

    pipeline = Pipeline()                      # reads the rules and builds the tokenizer: about a second
    events = pipeline.extract(Article(id="a1", title="…", text="…", published_at="2024-09-01"))
    events = extract_text("…", published_at="2024-09-01")   # the same, with a pipeline shared per process

Events are `DepartureEvent` models, the ones `departures schema` describes; `event.to_json_dict()` is the
line `departures extract` writes. An article that cannot be processed raises `StageError`, whose `stage`
and `reason` are what the errors file of a batch would say.
"""
from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path
from typing import Optional, Union

from extractor.ingest.datelines import find_dateline, normalize_date
from .models import Article, DepartureEvent
from .pipeline import Pipeline, StageError, get_pipeline

__all__ = ["Article", "DepartureEvent", "Pipeline", "StageError", "extract_text", "text_id"]


def extract_text(
    text: str,
    *,
    title: str = "",
    published_at: Union[str, date, None] = None,
    article_id: Optional[str] = None,
    rules_dir: Optional[Path] = None,
) -> list[DepartureEvent]:
    """The departure events of one article's text, extracted by this process's shared pipeline.

    `published_at` (a `date`, or a string such as `2024-09-01`, `2024-09` or an ISO timestamp) is what
    relative dates (今年3月, 上月) resolve against; without it, a dateline at the top of the text is used,
    as `departures extract` does. `article_id` goes into every event and its `event_id`; by default it
    is `text_id(text)`, so the same text always gives the same ids. `rules_dir` overlays a folder of rule
    files on the shipped rules (one pipeline is built and kept per folder). Raises `StageError` when the
    text cannot be processed (an empty text, for one) and `ValueError` for a `published_at` that is no date.
    """
    article = Article(
        id=article_id or text_id(text),
        title=title,
        text=text,
        published_at=_publication_date(published_at) or find_dateline(text),
    )
    return get_pipeline(rules_dir).extract(article)


def text_id(text: str) -> str:
    """An article id made from the text itself: 16 hex digits of its SHA-1."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]


def _publication_date(value: Union[str, date, None]) -> Optional[str]:
    if value is None:
        return None
    if isinstance(value, date):  # a datetime is a date too; its time of day does not matter here
        return value.strftime("%Y-%m-%d")
    normalized = normalize_date(value)
    if normalized is None:
        raise ValueError(f"published_at {value!r} is not a date: give YYYY-MM-DD, YYYY-MM or YYYY")
    return normalized
