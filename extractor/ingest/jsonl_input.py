"""Records of a JSON Lines batch, read one line at a time so that a file of any size streams.

Each line is `{"id", "title", "text", "published_at", "url"}`; other keys are ignored. A bad
line becomes an ErrorRecord and reading goes on with the next line. `read_line` (one line) and
`article_from_record` (one decoded record, or a table row) are the same checks for callers that
hold lines or rows already, such as the Spark job.
"""
from __future__ import annotations

import codecs
import io
import json
import re
from collections.abc import Callable, Iterator
from typing import Any, BinaryIO, Union

from extractor.ingest.datelines import find_dateline, normalize_date
from extractor.ingest.decoding import DecodeError, decode_bytes
from extractor.models import Article, ErrorRecord

# Read size when skipping the rest of an over-long line: memory stays bounded by it.
_DRAIN_CHUNK = 1 << 20
# How much of a broken or over-long line is searched for its record's id.
_ID_PREFIX = 65536
_ID_RE = re.compile(r'(?<!\\)"id"\s*:\s*("(?:[^"\\]|\\.)*"|-?\d+)')

Line = Union[bytes, str]


def iter_jsonl(
    stream: BinaryIO, name: str, max_bytes: int, published_at: str | None
) -> Iterator[Article | ErrorRecord]:
    """Articles and errors of the JSON Lines in `stream`, in order; `name` labels them."""
    number = 0
    try:
        for number, raw, oversized in _lines(stream, max_bytes):
            item = read_line(raw, oversized, f"{name}:{number}", number, max_bytes, published_at)
            if item is not None:  # blank lines are skipped
                yield item
    except DecodeError as exc:
        where = f"{name}:{number + 1}"
        yield ErrorRecord(article_id=where, source=where, stage="decode",
                          reason=f"{exc}; the rest of the file was not read")


def read_line(
    raw: Line, oversized: bool, where: str, number: int, max_bytes: int, published_at: str | None
) -> Article | ErrorRecord | None:
    """Line `number` of a batch as an Article or an ErrorRecord, None when it is blank; `where`
    (`file:line`) labels it, `oversized` says `raw` is only a prefix of a line over `max_bytes`."""
    if oversized:
        return ErrorRecord(
            article_id=_recover_id(raw) or where, source=where, stage="read",
            reason=f"record over the {max_bytes / 2**20:g} MB size limit (raise it with --max-mb)",
        )
    try:
        line = _decode_line(raw, first=number == 1)
    except DecodeError as exc:
        return ErrorRecord(article_id=where, source=where, stage="decode", reason=f"line {number}: {exc}")
    return _record(line, where, number, published_at) if line.strip() else None


def _lines(stream: BinaryIO, max_bytes: int) -> Iterator[tuple[int, Line, bool]]:
    """(line number, line, over the limit?) for each line; an over-long line is cut to a
    prefix and the rest skipped in chunks, so no line is ever held whole beyond the limit."""
    head = stream.peek(4)[:4] if hasattr(stream, "peek") else b""
    utf16 = _utf16_codec(head)
    if utf16 is not None:
        # ASCII newlines are two bytes in UTF-16, so lines are split after decoding.
        text = io.TextIOWrapper(stream, encoding=utf16, errors="strict", newline="\n")
        yield from _split(text.readline, max_bytes // 2, "\n")
        return
    yield from _split(stream.readline, max_bytes, b"\n")


def _split(readline: Callable[[int], Line], limit: int, newline: Line) -> Iterator[tuple[int, Line, bool]]:
    number = 0
    while True:
        try:
            line = readline(limit + 1)
        except UnicodeDecodeError as exc:
            raise DecodeError(f"not valid UTF-16 after line {number}: {exc.reason}") from exc
        if not line:
            return
        number += 1
        if len(line) > limit and not line.endswith(newline):
            prefix = line[:_ID_PREFIX]
            while (chunk := readline(_DRAIN_CHUNK)) and not chunk.endswith(newline):
                pass
            yield number, prefix, True
        else:
            yield number, line, False


def _utf16_codec(head: bytes) -> str | None:
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) and not head.startswith(codecs.BOM_UTF32_LE):
        return "utf-16"
    # A JSON object opens with "{" (or whitespace): in BOM-less UTF-16 one byte of it is NUL.
    if len(head) >= 2 and head[1] == 0 and head[0] in b"{ \t\r\n":
        return "utf-16-le"
    if len(head) >= 2 and head[0] == 0 and head[1] in b"{ \t\r\n":
        return "utf-16-be"
    return None


def _decode_line(raw: Line, first: bool) -> str:
    if isinstance(raw, str):
        return raw.lstrip("\ufeff") if first else raw
    if first and raw.startswith(codecs.BOM_UTF8):
        raw = raw[len(codecs.BOM_UTF8):]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        # Crawlers do write GBK or Big5 JSON Lines; each line is detected on its own.
        return decode_bytes(raw).text


def _recover_id(prefix: Line) -> str | None:
    text = prefix.decode("utf-8", errors="replace") if isinstance(prefix, bytes) else prefix
    match = _ID_RE.search(text[:_ID_PREFIX])
    if match is None:
        return None
    try:
        value = json.loads(match.group(1))
    except json.JSONDecodeError:
        return None
    return str(value) or None


def _record(line: str, where: str, number: int, published_at: str | None) -> Article | ErrorRecord:
    try:
        data = json.loads(line)
    except json.JSONDecodeError as exc:
        return ErrorRecord(article_id=_recover_id(line) or where, source=where, stage="parse",
                           reason=f"line {number}: not valid JSON ({exc.msg} at column {exc.colno})")
    return article_from_record(data, where, f"line {number}", published_at)


def article_from_record(data: Any, where: str, label: str, published_at: str | None) -> Article | ErrorRecord:
    """A decoded record (a JSON value, or a table row as a dict) as an Article, or the ErrorRecord
    saying what is wrong with it. `where` is its source (and its id when it has none); `label`
    ("line 3") opens the reason; `published_at` is the date for a record that gives none."""
    def error(reason: str, article_id: str | None = None) -> ErrorRecord:
        return ErrorRecord(article_id=article_id or where, source=where, stage="parse", reason=f"{label}: {reason}")

    if not isinstance(data, dict):
        return error(f"expected a JSON object, found {type(data).__name__}")
    article_id = data.get("id")
    if isinstance(article_id, int) and not isinstance(article_id, bool):
        article_id = str(article_id)
    if not isinstance(article_id, str) or not article_id.strip():
        return error('the record has no "id" (a non-empty string)')
    text = data.get("text")
    if not isinstance(text, str):
        return error('the record has no "text" string', article_id)
    if not text.strip():
        return error('the record\'s "text" is empty', article_id)
    given = data.get("published_at")
    date = normalize_date(given) if isinstance(given, str) else None
    title = data.get("title")
    url = data.get("url")
    return Article(
        id=article_id,
        title=title if isinstance(title, str) else "",
        text=text,
        published_at=date or find_dateline(text) or published_at,
        url=url if isinstance(url, str) else None,
        source=where,
    )
