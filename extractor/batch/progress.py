"""A progress bar for a terminal: articles done, rate, failures, ETA.

Drawn by rich on stderr, only when stderr is a terminal (the caller decides); redrawn at most a few
times a second from the batch's own loop, so it costs nothing per article, and erased when the batch
ends, so the summary line that follows is all that stays.
"""
from __future__ import annotations

import os
import time
from collections.abc import Sequence
from typing import TextIO

from extractor.ingest.inputs import STDIN, is_jsonl, iter_sources

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
    """One rich bar on `stream`, followed by `done/total articles  rate/s  N failed  ETA`."""

    def __init__(self, stream: TextIO, total: int | None = None) -> None:
        # imported here: rich costs a few hundredths of a second, paid only when a bar is drawn
        from rich.console import Console
        from rich.progress import BarColumn, Progress, TextColumn

        self.stream = stream
        self.total = total
        self._start = time.monotonic()
        self._last_draw = 0.0
        # The caller has found `stream` to be a terminal; a dumb one (TERM=dumb) cannot move the cursor
        # back over the bar, so nothing is drawn there.
        console = Console(file=stream, force_terminal=True, highlight=False, emoji=False, markup=False)
        self._progress = Progress(
            BarColumn(),
            TextColumn("{task.description}", markup=False),
            console=console,
            auto_refresh=False,  # redrawn by update(): no thread of its own
            transient=True,
            redirect_stdout=False,  # stdout carries data only
            redirect_stderr=False,
            disable=not console.is_interactive,
        )
        self._task = self._progress.add_task(self.render(0, 0, 0.0), total=total)
        self._progress.start()

    def update(self, done: int, failures: int) -> None:
        now = time.monotonic()
        if now - self._last_draw < _REDRAW_SECONDS:
            return
        self._last_draw = now
        self._progress.update(self._task, completed=done, description=self.render(done, failures, now - self._start))
        self._progress.refresh()

    def render(self, done: int, failures: int, elapsed: float) -> str:
        rate = done / elapsed if elapsed > 0 else 0.0
        count = f"{done}/{self.total}" if self.total is not None else str(done)
        parts = [f"{count} articles", f"{rate:.1f}/s", f"{failures} failed"]
        if self.total is not None and rate > 0 and done <= self.total:
            parts.append(f"ETA {_clock((self.total - done) / rate)}")
        return "  ".join(parts)

    def print(self, line: str) -> None:
        """Write a line of text above the bar, which is drawn again below it."""
        if self._progress.disable:
            self.stream.write(line + "\n")
            self.stream.flush()
            return
        self._progress.console.print(line, soft_wrap=True)

    def close(self) -> None:
        """Erase the bar, leaving the terminal as it was for the summary that follows."""
        self._progress.stop()


def _clock(seconds: float) -> str:
    seconds = int(seconds + 0.5)
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}"
