"""The batch runner behind `departures extract`: inputs in, events and errors out, streaming.

Articles flow from ingest through the pipeline in input order, in this process or in worker
processes that each build the pipeline once. At most a few chunks of articles are in flight,
so memory stays flat whatever the input size. An article that fails in any stage becomes an
ErrorRecord and the batch goes on; an interruption (Ctrl-C, SIGTERM) keeps everything finished
so far for `--resume` (see batch_output).
"""
from __future__ import annotations

import json
import os
import signal
import sys
import threading
import time
from collections import Counter
from itertools import chain, islice
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from extractor.batch.output import BatchOutput
from extractor.ingest.inputs import DEFAULT_MAX_BYTES, iter_inputs
from extractor.models import Article, ErrorRecord
from extractor.pipeline import get_pipeline
from extractor.batch.progress import ProgressBar, count_articles
from extractor.batch.workers import Outcome, PipelineFactory, WorkerPool, process_item, process_items

__all__ = ["BatchInterrupted", "BatchSummary", "process_item", "run_extract"]

SMALL_BATCH = 24  # articles; fewer than this are extracted faster than worker processes start


@dataclass
class BatchSummary:
    articles: int = 0  # articles processed in this run, failed ones included
    events: int = 0
    failures: int = 0
    resumed: int = 0  # articles skipped because an earlier run finished them
    repeated: int = 0  # second copies of an article already read in this run (same id, same text)
    seconds: float = 0.0
    interrupted: bool = False
    # ids of the articles extracted without error in this run, kept only when asked (`keep_ids`)
    extracted_ids: list[str] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        return 1 if self.failures else 0

    def line(self) -> str:
        resumed = f", {self.resumed} already done" if self.resumed else ""
        resumed += f", {self.repeated} repeated copies skipped" if self.repeated else ""
        return (f"{self.articles} articles, {self.events} events, {self.failures} failed{resumed}, "
                f"{self.seconds:.1f} s")


class BatchInterrupted(Exception):
    """The run was stopped by a signal; what was finished is kept for --resume."""

    def __init__(self, summary: BatchSummary, signum: int) -> None:
        super().__init__(f"interrupted by signal {signum}")
        self.summary = summary
        self.signum = signum


def run_extract(
    inputs: Sequence[str | os.PathLike[str]],
    output: Path | None,
    errors: Path | None,
    *,
    workers: int | None = None,
    resume: bool = False,
    quiet: bool = False,
    published_at: str | None = None,
    rules_dir: Path | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    pipeline_factory: PipelineFactory | None = None,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
    keep_ids: bool = False,
) -> BatchSummary:
    """Extract events from every article of `inputs` into `output` (stdout when None).

    Errors go to `errors` as JSON Lines, or to stderr as readable lines when it is None. A
    progress bar is drawn on stderr when it is a terminal and not `quiet`. Raises
    BatchInterrupted on SIGINT/SIGTERM, ResumeError when `resume` cannot be honoured, and
    whatever building the pipeline raises (e.g. a RuleFileError) before anything is written.
    `pipeline_factory` (default: get_pipeline) builds the pipeline from `rules_dir`, once per
    process. With `keep_ids`, the summary lists the articles extracted without error
    (`extracted_ids`), so that a database can drop the events of those that yield none now.
    """
    pipeline_factory = pipeline_factory or get_pipeline
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    workers = workers or os.cpu_count() or 1
    started = time.monotonic()
    summary = BatchSummary()
    # A few articles are done before worker processes (each building its own pipeline) have started:
    # a small batch runs in this process.
    source = iter_inputs(inputs, published_at, max_bytes=max_bytes)
    head = list(islice(source, SMALL_BATCH))
    if len(head) < SMALL_BATCH:
        workers = 1
    # The pipeline is built (and bad rules fail) before any output exists.
    pool = WorkerPool(pipeline_factory, rules_dir, workers) if workers > 1 else None
    pipeline = pipeline_factory(rules_dir) if pool is None else None
    try:
        sink = BatchOutput(output if output is not None else stdout, errors, resume)
    except BaseException:
        if pool is not None:
            pool.close()
        raise
    pending = Counter(sink.done)
    progress = _make_progress(inputs, stderr, quiet, already_done=sum(pending.values()))
    report = progress.print if progress is not None else _line_writer(stderr)  # errors go above the bar
    # repeated ids are judged before resuming skips anything, so a resumed run decides as an uninterrupted one
    items = _skip_done(_skip_repeated(chain(head, source), summary), pending, summary)
    outcomes = pool.outcomes(items) if pool is not None else process_items(pipeline, items)
    caught: dict[str, int] = {}
    try:
        with _signals_raise_interrupt(caught):
            for outcome in outcomes:
                _record(outcome, sink, summary, report if errors is None else None)
                if keep_ids and outcome.error is None:
                    summary.extracted_ids.append(outcome.article_id)
                if progress is not None:
                    progress.update(summary.articles, summary.failures)
    except KeyboardInterrupt:
        sink.suspend()
        summary.interrupted = True
        summary.seconds = time.monotonic() - started
        raise BatchInterrupted(summary, caught.get("signum", signal.SIGINT)) from None
    except BaseException:
        sink.suspend()
        raise
    finally:
        if pool is not None:
            pool.close()
        if progress is not None:
            progress.close()
    sink.finish()
    summary.seconds = time.monotonic() - started
    return summary


def _skip_repeated(items: Iterable[Article | ErrorRecord], summary: BatchSummary) -> Iterator[Article | ErrorRecord]:
    """The same article read twice (seeds/x.txt and seeds/seeds.jsonl) is extracted once.

    A second copy with the same id and text is skipped and counted; a second article with the
    same id and a different text is an error, because its events would share their ids.
    """
    seen: dict[str, tuple[int, str | None]] = {}
    for item in items:
        if isinstance(item, Article):
            fingerprint = hash(item.text.strip())
            first = seen.get(item.id)
            if first is None:
                seen[item.id] = (fingerprint, item.source)
            elif first[0] == fingerprint:
                summary.repeated += 1
                continue
            else:
                item = ErrorRecord(article_id=item.id, source=item.source, stage="read",
                                   reason=f"article id already used by a different text in {first[1]}; "
                                          "give each article its own id")
        yield item


def _record(
    outcome: Outcome, sink: BatchOutput, summary: BatchSummary, report: Callable[[str], None] | None
) -> None:
    error = outcome.error
    sink.write(outcome.article_id, outcome.lines,
               json.dumps(error.model_dump(mode="json"), ensure_ascii=False) if error else None)
    summary.articles += 1
    summary.events += len(outcome.lines)
    if error is not None:
        summary.failures += 1
        if report is not None:
            where = f" ({error.source})" if error.source and error.source != error.article_id else ""
            report(f"error: {error.article_id}{where}: {error.stage}: {error.reason}")


def _line_writer(stream: TextIO) -> Callable[[str], None]:
    def write(line: str) -> None:
        stream.write(line + "\n")
        stream.flush()

    return write


def _skip_done(
    items: Iterable[Article | ErrorRecord], pending: Counter[str], summary: BatchSummary
) -> Iterator[Article | ErrorRecord]:
    """Drop the articles an earlier run finished: each journal entry skips one occurrence
    of its id, so duplicated ids in the input are handled like an uninterrupted run would."""
    for item in items:
        key = item.article_id if isinstance(item, ErrorRecord) else item.id
        if pending[key] > 0:
            pending[key] -= 1
            summary.resumed += 1
            continue
        yield item


def _make_progress(inputs: Sequence[str | os.PathLike[str]], stderr: TextIO, quiet: bool, already_done: int) -> ProgressBar | None:
    if quiet or not _is_tty(stderr):
        return None
    total = count_articles(inputs)
    return ProgressBar(stderr, None if total is None else max(0, total - already_done))


def _is_tty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


@contextmanager
def _signals_raise_interrupt(caught: dict[str, int]) -> Iterator[None]:
    """Turn SIGTERM into KeyboardInterrupt (as SIGINT already is) so that both stop the run
    through the same path; `caught` records which signal it was."""
    if threading.current_thread() is not threading.main_thread():
        yield  # signal handlers can only be set from the main thread
        return

    def handler(signum: int, frame: Any) -> None:
        caught["signum"] = signum
        raise KeyboardInterrupt

    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)
