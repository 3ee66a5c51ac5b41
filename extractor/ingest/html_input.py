"""Main text, headline and publication date of a web page, via trafilatura (and htmldate).

htmldate's extensive search guesses dates from any number in the page (it dated a page with
no date at all 1999-01-01), so only its metadata search is used here; a dateline in the main
text is looked for afterwards by the caller.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import trafilatura
from trafilatura.settings import set_date_params

from extractor.ingest.datelines import normalize_date

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
# A declared charset is looked for in the head only, as browsers do.
_HEAD_BYTES = 4096


class HtmlError(ValueError):
    """The page holds no main text."""


@dataclass(frozen=True)
class Page:
    title: str
    text: str
    published_at: str | None


def declared_charset(data: bytes) -> str | None:
    """The charset a page declares in a <meta> tag near its top, if any."""
    match = _META_CHARSET.search(data[:_HEAD_BYTES])
    return match.group(1).decode("ascii") if match else None


def parse_page(html: str) -> Page:
    """Extract the main text of a decoded page; raise HtmlError when there is none."""
    try:
        doc = trafilatura.bare_extraction(
            html,
            with_metadata=True,
            include_comments=False,
            include_tables=True,
            favor_recall=True,
            date_extraction_params=set_date_params(False),
        )
    except Exception as exc:  # lxml and trafilatura raise many kinds on malformed markup
        raise HtmlError(f"cannot parse the page: {type(exc).__name__}: {exc}") from exc
    text = (doc.text or "").strip() if doc is not None else ""
    if not text:
        raise HtmlError("no main text found in the page")
    date = normalize_date(doc.date) if doc.date else None
    return Page(title=(doc.title or "").strip(), text=text, published_at=date)
