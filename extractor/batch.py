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
import traceback
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, TextIO, get_args

from .batch_output import BatchOutput
from .ingest import DEFAULT_MAX_BYTES, iter_inputs
from .models import Article, DepartureEvent, ErrorRecord, Stage
from .pipeline import StageError, get_pipeline
from .progress import ProgressBar, count_articles

# Articles per task sent to a worker: enough to amortize the inter-process round trip.
CHUNK_SIZE = 8
# Chunks in flight per worker: keeps every worker busy while bounding memory.
CHUNKS_PER_WORKER = 4
_STAGES = frozenset(get_args(Stage))


class Extractor(Protocol):
    def extract(self, article: Article) -> list[DepartureEvent]: ...


PipelineFactory = Callable[[Path | None], Extractor]


@dataclass
class BatchSummary:
    articles: int = 0  # articles processed in this run, failed ones included
    events: int = 0
    failures: int = 0
    resumed: int = 0  # articles skipped because an earlier run finished them
    seconds: float = 0.0
    interrupted: bool = False

    @property
    def exit_code(self) -> int:
        return 1 if self.failures else 0

    def line(self) -> str:
        resumed = f", {self.resumed} already done" if self.resumed else ""
        return (f"{self.articles} articles, {self.events} events, {self.failures} failed{resumed}, "
                f"{self.seconds:.1f} s")


class BatchInterrupted(Exception):
    """The run was stopped by a signal; what was finished is kept for --resume."""

    def __init__(self, summary: BatchSummary, signum: int) -> None:
        super().__init__(f"interrupted by signal {signum}")
        self.summary = summary
        self.signum = signum


@dataclass
class Outcome:
    """One article's result, as sent back from a worker: serialized events or an error."""

    article_id: str
    lines: list[str]
    error: ErrorRecord | None = None


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
) -> BatchSummary:
    """Extract events from every article of `inputs` into `output` (stdout when None).

    Errors go to `errors` as JSON Lines, or to stderr as readable lines when it is None. A
    progress line is drawn on stderr when it is a terminal and not `quiet`. Raises
    BatchInterrupted on SIGINT/SIGTERM, ResumeError when `resume` cannot be honoured, and
    whatever building the pipeline raises (e.g. a RuleFileError) before anything is written.
    `pipeline_factory` (default: get_pipeline) builds the pipeline from `rules_dir`, once per
    process.
    """
    pipeline_factory = pipeline_factory or get_pipeline
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    workers = workers or os.cpu_count() or 1
    started = time.monotonic()
    summary = BatchSummary()
    # Built here first so that bad rules fail before any output exists; forked workers inherit it.
    pipeline = pipeline_factory(rules_dir)
    sink = BatchOutput(output if output is not None else stdout, errors, resume)
    pending = Counter(sink.done)
    progress = _make_progress(inputs, stderr, quiet, already_done=sum(pending.values()))
    items = _skip_done(iter_inputs(inputs, published_at, max_bytes=max_bytes), pending, summary)
    outcomes = _outcomes(items, pipeline, pipeline_factory, rules_dir, workers)
    caught: dict[str, int] = {}
    try:
        with _signals_raise_interrupt(caught):
            for outcome in outcomes:
                _record(outcome, sink, summary, stderr if errors is None else None)
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
        outcomes.close()  # stops the worker pool now, not whenever the generator is collected
        if progress is not None:
            progress.close()
    sink.finish()
    summary.seconds = time.monotonic() - started
    return summary


def process_item(pipeline: Extractor, item: Article | ErrorRecord) -> Outcome:
    """Run one article through the pipeline; any failure becomes its ErrorRecord."""
    if isinstance(item, ErrorRecord):
        return Outcome(item.article_id, [], item)
    try:
        events = pipeline.extract(item)
    except StageError as exc:
        stage = exc.stage if exc.stage in _STAGES else "events"
        return Outcome(item.id, [], _error(item, stage, exc.reason))
    except Exception as exc:  # a bug in one article must not stop the batch
        return Outcome(item.id, [], _error(item, "events", _describe(exc)))
    try:
        lines = [json.dumps(event.to_json_dict(), ensure_ascii=False) for event in events]
    except Exception as exc:
        return Outcome(item.id, [], _error(item, "output", _describe(exc)))
    return Outcome(item.id, lines)


def _error(article: Article, stage: str, reason: str) -> ErrorRecord:
    return ErrorRecord(article_id=article.id, source=article.source, stage=stage, reason=reason)


def _describe(exc: BaseException) -> str:
    frames = traceback.extract_tb(exc.__traceback__)
    where = f" (at {Path(frames[-1].filename).name}:{frames[-1].lineno})" if frames else ""
    return f"{type(exc).__name__}: {exc}{where}"


def _record(outcome: Outcome, sink: BatchOutput, summary: BatchSummary, report_to: TextIO | None) -> None:
    error = outcome.error
    sink.write(outcome.article_id, outcome.lines,
               json.dumps(error.model_dump(mode="json"), ensure_ascii=False) if error else None)
    summary.articles += 1
    summary.events += len(outcome.lines)
    if error is not None:
        summary.failures += 1
        if report_to is not None:
            where = f" ({error.source})" if error.source and error.source != error.article_id else ""
            report_to.write(f"error: {error.article_id}{where}: {error.stage}: {error.reason}\n")
            report_to.flush()


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


# --- running articles: in this process, or in worker processes -------------------------------

def _outcomes(
    items: Iterator[Article | ErrorRecord],
    pipeline: Extractor,
    factory: PipelineFactory,
    rules_dir: Path | None,
    workers: int,
) -> Iterator[Outcome]:
    if workers <= 1:
        for item in items:
            yield process_item(pipeline, item)
    else:
        yield from _pooled(items, factory, rules_dir, workers)


_worker_pipeline: Extractor | None = None


def _init_worker(factory: PipelineFactory, rules_dir: Path | None) -> None:
    global _worker_pipeline
    # The parent decides when to stop: a Ctrl-C in the terminal must not kill workers mid-article.
    # SIGTERM gets its default back: the parent's handler, inherited by fork, is for the parent.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _worker_pipeline = factory(rules_dir)


def _run_chunk(chunk: list[Article | ErrorRecord]) -> list[Outcome]:
    assert _worker_pipeline is not None, "worker used before _init_worker"
    return [process_item(_worker_pipeline, item) for item in chunk]


def _chunks(items: Iterator[Article | ErrorRecord], size: int) -> Iterator[list[Article | ErrorRecord]]:
    chunk: list[Article | ErrorRecord] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _pooled(
    items: Iterator[Article | ErrorRecord], factory: PipelineFactory, rules_dir: Path | None, workers: int
) -> Iterator[Outcome]:
    """Outcomes in input order from a pool of workers, with a bounded window of chunks in
    flight. A worker that dies (killed, out of memory) breaks the pool: the chunks in flight
    are then rerun one article at a time, and the article that breaks it again is an error."""
    pool = _new_pool(factory, rules_dir, workers)
    window: deque[tuple[list[Article | ErrorRecord], Future[list[Outcome]]]] = deque()
    chunks = _chunks(items, CHUNK_SIZE)
    try:
        while True:
            while len(window) < workers * CHUNKS_PER_WORKER:
                chunk = next(chunks, None)
                if chunk is None:
                    break
                window.append((chunk, pool.submit(_run_chunk, chunk)))
            if not window:
                return
            chunk, future = window.popleft()
            try:
                yield from future.result()
            except BrokenProcessPool:
                stranded = [chunk] + [c for c, _ in window]
                window.clear()
                pool.shutdown(wait=True, cancel_futures=True)
                pool = _new_pool(factory, rules_dir, workers)
                for lost in stranded:
                    for item in lost:
                        outcome, pool = _run_alone(pool, item, factory, rules_dir, workers)
                        yield outcome
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _run_alone(
    pool: ProcessPoolExecutor, item: Article | ErrorRecord, factory: PipelineFactory,
    rules_dir: Path | None, workers: int,
) -> tuple[Outcome, ProcessPoolExecutor]:
    try:
        return pool.submit(_run_chunk, [item]).result()[0], pool
    except BrokenProcessPool:
        pool.shutdown(wait=True, cancel_futures=True)
        assert isinstance(item, Article)  # an ErrorRecord is passed through and cannot crash
        error = _error(item, "events", "the worker process died while extracting this article "
                                      "(killed, or out of memory)")
        return Outcome(item.id, [], error), _new_pool(factory, rules_dir, workers)


def _new_pool(factory: PipelineFactory, rules_dir: Path | None, workers: int) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(max_workers=workers, initializer=_init_worker, initargs=(factory, rules_dir))
