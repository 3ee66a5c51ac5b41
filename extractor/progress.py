"""A one-line progress display for a terminal: articles done, rate, failures, ETA.

Hand-written (a carriage return and a padded line) rather than a dependency: it only ever
draws one line, and redraws at most a few times a second so it costs nothing per article.
"""
from __future__ import annotations

import os
import time
from collections.abc import Sequence
from typing import TextIO

from .ingest import STDIN, is_jsonl, iter_sources

# JSON Lines files up to this total size are counted (by newlines) to give an ETA; beyond it
# the count would cost a noticeable share of the run, so the total stays unknown.
COUNT_LIMIT_BYTES = 256 * 2**20
_REDRAW_SECONDS = 0.2
_COUNT_CHUNK = 1 << 20


def count_articles(paths: Sequence[str | os.PathLike[str]], limit_bytes: int = COUNT_LIMIT_BYTES) -> int | None:
    """How many articles `paths` hold, when that is cheap to know: one per document file,
    one per line of small JSON Lines files; None for stdin or large batches."""
    total = 0
    scanned = 0
    for source in iter_sources(paths):
        if source == STDIN:
            return None
        if not is_jsonl(source):
            total += 1
            continue
        try:
            scanned += os.path.getsize(source)
            if scanned > limit_bytes:
                return None
            total += _count_lines(source)
        except OSError:
            total += 1  # it will show up as one error
    return total


def _count_lines(path: str) -> int:
    count = 0
    last = b"\n"
    with open(path, "rb") as stream:
        while chunk := stream.read(_COUNT_CHUNK):
            count += chunk.count(b"\n")
            last = chunk[-1:]
    return count + (last != b"\n")


class ProgressBar:
    """Draws `done/total articles  rate/s  N failed  ETA` on one line of `stream`."""

    def __init__(self, stream: TextIO, total: int | None = None) -> None:
        self.stream = stream
        self.total = total
        self._start = time.monotonic()
        self._last_draw = 0.0
        self._width = 0

    def update(self, done: int, failures: int) -> None:
        now = time.monotonic()
        if now - self._last_draw < _REDRAW_SECONDS:
            return
        self._last_draw = now
        self._draw(self.render(done, failures, now - self._start))

    def render(self, done: int, failures: int, elapsed: float) -> str:
        rate = done / elapsed if elapsed > 0 else 0.0
        count = f"{done}/{self.total}" if self.total is not None else str(done)
        parts = [f"{count} articles", f"{rate:.1f}/s", f"{failures} failed"]
        if self.total is not None and rate > 0 and done <= self.total:
            parts.append(f"ETA {_clock((self.total - done) / rate)}")
        return "  ".join(parts)

    def close(self) -> None:
        """Erase the line, leaving the terminal as it was for the summary that follows."""
        if self._width:
            self.stream.write("\r" + " " * self._width + "\r")
            self.stream.flush()
            self._width = 0

    def _draw(self, line: str) -> None:
        padding = " " * max(0, self._width - len(line))
        self.stream.write("\r" + line + padding)
        self.stream.flush()
        self._width = len(line)


def _clock(seconds: float) -> str:
    seconds = int(seconds + 0.5)
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}"
