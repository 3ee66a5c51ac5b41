"""Input as a crawler hands it over, turned into Articles — or ErrorRecords, one per input
that cannot be read — lazily, one at a time.

- `.txt`: the first line is the headline, the rest is the text;
- `.html` / `.htm`: main text, headline and date extracted from the page;
- `.jsonl`: one record per line, streamed (see jsonl_input);
- a directory: its files of those kinds, recursively, in sorted order with JSON Lines batches
  first (other files skipped);
- `-`: JSON Lines on standard input;
- any other file named explicitly: read as `.txt`.

The publication date comes from the record or the page's metadata, else from a dateline at the
top of the text, else from the `published_at` given by the caller.
"""
from __future__ import annotations

import os
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

from extractor.ingest.datelines import find_dateline
from extractor.ingest.decoding import DecodeError, decode_bytes
from extractor.ingest.html_input import HtmlError, declared_charset, parse_page
from extractor.ingest.jsonl_input import iter_jsonl
from extractor.models import Article, ErrorRecord

DEFAULT_MAX_BYTES = 10 * 2**20
STDIN = "-"
TEXT_SUFFIXES = frozenset({".txt"})
HTML_SUFFIXES = frozenset({".html", ".htm"})
JSONL_SUFFIXES = frozenset({".jsonl"})
KNOWN_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | JSONL_SUFFIXES


def iter_inputs(
    paths: Sequence[str | os.PathLike[str]], published_at: str | None = None, *, max_bytes: int = DEFAULT_MAX_BYTES
) -> Iterator[Article | ErrorRecord]:
    """Every article of `paths`, in order; an input that cannot be read yields an ErrorRecord
    and the others go on. Texts (or records) over `max_bytes` are errors, never read whole."""
    for source in iter_sources(paths):
        if source == STDIN:
            yield from iter_jsonl(sys.stdin.buffer, "<stdin>", max_bytes, published_at)
        elif Path(source).suffix.lower() in JSONL_SUFFIXES:
            yield from _read_jsonl_file(source, max_bytes, published_at)
        else:
            yield _read_document(source, max_bytes, published_at)


def iter_sources(paths: Sequence[str | os.PathLike[str]]) -> Iterator[str]:
    """The files (and `-`) that `paths` name: directories walked recursively in sorted order,
    keeping only known kinds; files named explicitly kept whatever their kind."""
    for path in map(os.fspath, paths):
        if path != STDIN and os.path.isdir(path):
            yield from _walk(path)
        else:
            yield path


def is_jsonl(source: str) -> bool:
    return source == STDIN or Path(source).suffix.lower() in JSONL_SUFFIXES


def _walk(root: str) -> Iterator[str]:
    for folder, dirs, files in os.walk(root):
        dirs.sort()  # os.walk visits sub-directories in this list's order
        # batches before single documents: a crawler's JSON Lines carry publication dates that a
        # .txt copy of the same article lacks, and the batch runner keeps the first copy of an id
        for name in sorted(files, key=lambda n: (not is_jsonl(n), n)):
            if Path(name).suffix.lower() in KNOWN_SUFFIXES:
                yield os.path.join(folder, name)


def _read_jsonl_file(path: str, max_bytes: int, published_at: str | None) -> Iterator[Article | ErrorRecord]:
    try:
        stream = open(path, "rb")
    except OSError as exc:
        yield _error(path, "read", _os_reason(exc))
        return
    with stream:
        yield from iter_jsonl(stream, path, max_bytes, published_at)


def _read_document(path: str, max_bytes: int, published_at: str | None) -> Article | ErrorRecord:
    try:
        data = _read_bounded(path, max_bytes)
    except OSError as exc:
        return _error(path, "read", _os_reason(exc))
    return document_article(path, data, max_bytes, published_at)


def document_article(path: str, data: bytes | None, max_bytes: int, published_at: str | None) -> Article | ErrorRecord:
    """The article a `.txt` or `.html` file's bytes hold (None: the file is over `max_bytes`), or
    the ErrorRecord saying why it cannot be read; the id is the file name without its extension."""
    if data is None or len(data) > max_bytes:
        return _error(path, "read", f"file over the {max_bytes / 2**20:g} MB size limit (raise it with --max-mb)")
    is_html = Path(path).suffix.lower() in HTML_SUFFIXES
    try:
        text = decode_bytes(data, declared_charset(data) if is_html else None).text
    except DecodeError as exc:
        return _error(path, "decode", str(exc))
    try:
        title, body, date = _parse_html(text) if is_html else _parse_text(text)
    except (HtmlError, ValueError) as exc:
        return _error(path, "parse", str(exc))
    return Article(
        id=_article_id(path),
        title=title,
        text=body,
        published_at=date or find_dateline(body) or published_at,
        source=path,
    )


def _read_bounded(path: str, max_bytes: int) -> bytes | None:
    """The file's bytes, or None when it is over `max_bytes` (checked before reading, and
    again while reading, for files whose size the OS does not know)."""
    with open(path, "rb") as stream:
        size = os.fstat(stream.fileno()).st_size
        if size > max_bytes:
            return None
        data = stream.read(max_bytes + 1)
    return None if len(data) > max_bytes else data


def _parse_text(text: str) -> tuple[str, str, None]:
    title, _, body = text.partition("\n")
    if not body.strip():
        raise ValueError("no text after the headline (the first line is the headline)" if title.strip() else "empty file")
    return title.strip(), body, None


def _parse_html(html: str) -> tuple[str, str, str | None]:
    page = parse_page(html)
    return page.title, page.text, page.published_at


def _article_id(path: str) -> str:
    return Path(path).stem or Path(path).name


def _error(path: str, stage: str, reason: str) -> ErrorRecord:
    return ErrorRecord(article_id=_article_id(path) or path, source=path, stage=stage, reason=reason)


def _os_reason(exc: OSError) -> str:
    return f"cannot read: {exc.strerror or exc}"
