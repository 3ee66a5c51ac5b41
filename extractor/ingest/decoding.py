"""Bytes to text for input as crawlers hand it over: UTF-8 (with or without BOM), UTF-16/32,
GB18030/GBK and Big5.

The order is chosen for Chinese news: byte-order marks, then strict UTF-8 (it almost never
decodes anything else by accident), then BOM-less UTF-16 when the bytes hold NULs, and finally
GB18030 against Big5 (and BOM-less UTF-16, whose pure-CJK text may hold no NUL). GB18030 and
Big5 overlap heavily (nearly every Big5 byte pair is also valid GB18030), so the strict decoding
that yields more *common* characters wins; "common" is read off the standards themselves —
GB2312 level 1 and Big5's 常用字 block — rather than from a word list.
"""
from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from functools import lru_cache

# (BOM, codec) — UTF-32 before UTF-16, whose little-endian BOM is a prefix of UTF-32's.
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Big5: the plain table first, then Microsoft's cp950 and the HKSCS extension, which add characters.
_CJK_CANDIDATES: tuple[str, ...] = ("gb18030", "big5", "cp950", "big5hkscs")
# Share of control characters (other than tab, newlines, form feed, vertical tab) that marks
# decoded "text" as binary data.
_CONTROL_SHARE = 0.01
_CONTROL_RE = re.compile("[\x00-\x08\x0e-\x1f\x7f]")
# Characters scored when choosing between candidate decodings: plenty to tell them apart.
_SCORE_SAMPLE = 20_000


class DecodeError(ValueError):
    """The bytes are not text in any supported encoding (or are binary data)."""


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str


def decode_bytes(data: bytes, declared: str | None = None) -> Decoded:
    """Decode `data`, trying a `declared` charset (e.g. from an HTML meta tag) when the
    unambiguous checks (UTF-8, BOMs) fail. Raise DecodeError when nothing fits."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return _checked(_strict(data, codec), codec, f"bytes start with a {codec} byte-order mark")
    text = _strict(data, "utf-8")
    if text is not None:
        return _checked(text, "utf-8", "")
    if b"\x00" in data:
        # GB18030 and Big5 text never holds a NUL byte; UTF-16 holds one per ASCII character.
        best = _best_of(data, ("utf-16-le", "utf-16-be"))
        if best is None:
            raise DecodeError("binary data: NUL bytes and not UTF-16 text")
        return best
    if declared:
        codec = _lookup(declared)
        if codec is not None:
            text = _strict(data, codec)
            if text is not None:
                return _checked(text, codec, "")
    best = _best_cjk(data)
    if best is None:
        raise DecodeError("not UTF-8, UTF-16, GB18030 or Big5 text")
    return best


def common_char_score(text: str) -> int:
    """How many characters of `text` are plausible in a correctly decoded Chinese article:
    printable ASCII, CJK punctuation and full-width forms, and frequent hanzi."""
    return sum(1 for ch in text if _is_common(ch))


def _is_common(ch: str) -> bool:
    code = ord(ch)
    if 0x20 <= code < 0x7F or ch in "\n\r\t":
        return True
    if 0x3000 <= code <= 0x303F or 0xFF01 <= code <= 0xFF5E or 0x2010 <= code <= 0x2027:
        return True
    return ch in _common_hanzi()


@lru_cache(maxsize=1)
def _common_hanzi() -> frozenset[str]:
    """GB2312 level 1 (rows 0xB0–0xD7: the 3,755 most frequent simplified hanzi) united with
    Big5 常用字 (0xA440–0xC67E: the 5,401 most frequent traditional ones)."""
    chars: set[str] = set()
    for lead in range(0xB0, 0xD8):
        for trail in range(0xA1, 0xFF):
            chars.update(bytes((lead, trail)).decode("gb2312", errors="ignore"))
    for code in range(0xA440, 0xC67F):
        chars.update(code.to_bytes(2, "big").decode("big5", errors="ignore"))
    return frozenset(ch for ch in chars if 0x4E00 <= ord(ch) <= 0x9FFF)


def _strict(data: bytes, codec: str) -> str | None:
    try:
        return data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def _lookup(name: str) -> str | None:
    try:
        codec = codecs.lookup(name.strip().lower()).name
    except LookupError:
        return None
    # Pages labelled gb2312/gbk are routinely GB18030 in fact; GB18030 is a superset of both.
    return "gb18030" if codec in ("gb2312", "gbk") else codec


def _best_cjk(data: bytes) -> Decoded | None:
    # BOM-less UTF-16 of pure CJK text may hold no NUL at all, so it stays a candidate.
    utf16 = ("utf-16-le", "utf-16-be") if len(data) % 2 == 0 else ()
    return _best_of(data, _CJK_CANDIDATES + utf16)


def _best_of(data: bytes, codecs_: tuple[str, ...]) -> Decoded | None:
    """The strict decoding with the most common characters; on a tie the earlier codec wins."""
    best: tuple[int, str, str] | None = None
    for codec in codecs_:
        text = _strict(data, codec)
        if text is None or _looks_binary(text):
            continue
        score = common_char_score(text[:_SCORE_SAMPLE])
        if best is None or score > best[0]:
            best = (score, codec, text)
    return None if best is None else Decoded(best[2], best[1])


def _checked(text: str | None, codec: str, context: str) -> Decoded:
    if text is None:
        raise DecodeError(f"{context}, but do not decode as {codec}" if context else f"not valid {codec}")
    if _looks_binary(text):
        raise DecodeError("binary data: too many control characters for text")
    return Decoded(text, codec)


def _looks_binary(text: str) -> bool:
    if not text:
        return False
    if "\x00" in text:
        return True
    return len(_CONTROL_RE.findall(text)) > _CONTROL_SHARE * len(text)
