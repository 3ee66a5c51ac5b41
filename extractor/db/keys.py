"""Keys that decide identity in the database: event ids, organization and person-name match keys.

Two organizations are the same when their canonical names are equal after NFKC, whitespace removal and
case folding; two names likewise, with the dots of transliterated names (伊利亚·苏茨克维) also ignored.
"""
from __future__ import annotations

import hashlib
import re
import unicodedata
from typing import Optional

_WHITESPACE = re.compile(r"\s+")
# Middle dots and bullets used between the parts of a transliterated name; writers mix them freely.
_NAME_DOTS = re.compile(r"[·•・‧∙⋅]")
# A lone character (薄, 钟) given as an alias names nobody in particular across articles.
MIN_ALIAS_KEY_LENGTH = 2


def text_key(value: str) -> str:
    """NFKC, no whitespace, case-folded: the comparison form of a name."""
    return _WHITESPACE.sub("", unicodedata.normalize("NFKC", value)).casefold()


def org_key(name: Optional[str]) -> Optional[str]:
    if name is None:
        return None
    key = text_key(name)
    return key or None


def name_key(name: str, *, is_primary: bool) -> Optional[str]:
    """The key a person name is matched on, or None for an alias too short to identify anybody."""
    key = _NAME_DOTS.sub("", text_key(name)) or text_key(name)
    if not key:
        return None
    if not is_primary and len(key) < MIN_ALIAS_KEY_LENGTH:
        return None
    return key


def stable_event_id(article_id: str, person_name: str, organization: Optional[str]) -> str:
    """The id of an event that arrives without one: sha1 over article, person and organization left.

    The three parts are joined with U+001F (unit separator) so that no concatenation of two different
    triples can collide; a missing organization counts as the empty string.
    """
    raw = "\x1f".join((article_id, person_name, organization or ""))
    return hashlib.sha1(raw.encode("utf-8")).hexdigest()[:16]


def content_hash(serialized: str) -> str:
    """A digest of an event's serialized content, so a reload can tell unchanged events from changed ones."""
    return hashlib.sha1(serialized.encode("utf-8")).hexdigest()


def derived_id(kind: str, *parts: str) -> str:
    """Deterministic ids for resolved rows (people, departures): same inputs, same id."""
    raw = "\x1f".join((kind, *parts))
    return hashlib.sha1(raw.encode("utf-8")).hexdigest()[:16]
