"""Running articles through the pipeline: one article or chunk at a time in this process
(`process_item`, `iter_chunk`, `process_items`), and in worker processes that each build their own
pipeline once (`WorkerPool`).

Workers are not forked from the parent: the pipeline holds native libraries (the OpenCC
converter among them) whose locks do not survive a fork of a process that has used them —
forked workers hung forever on their first article. They are forked from a "forkserver" that
has only imported the heavy modules (spaCy, jieba) and used none of them, so each worker starts
with those imports done and builds its own pipeline.
"""
from __future__ import annotations

import json
import multiprocessing
import os
import signal
import threading
import time
import traceback
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Protocol, Sequence, get_args

from extractor.models import Article, DepartureEvent, ErrorRecord, Stage
from extractor.pipeline import StageError

# What the fork server loads once for every worker; see preload.py for what may go there.
_PRELOAD = ["extractor.batch.preload"]

# Articles per task sent to a worker (and per group run in-process): enough to amortize the
# inter-process round trip and to keep the model's calls wide; small enough that an interrupted
# run loses little finished work.
CHUNK_SIZE = 32
# Chunks in flight per worker: keeps every worker busy while bounding memory.
CHUNKS_PER_WORKER = 4
# How often a worker checks that the process that started it is still there.
_PARENT_CHECK_SECONDS = 1.0
_STAGES = frozenset(get_args(Stage))

Item = Article | ErrorRecord


class Extractor(Protocol):
    """What runs articles: `extract`, and optionally `extract_many(articles)` giving per article
    an iterator of its events or the exception that stopped it (see Pipeline.extract_many)."""

    def extract(self, article: Article) -> list[DepartureEvent]: ...


PipelineFactory = Callable[[Path | None], Extractor]


@dataclass
class Outcome:
    """One article's result, as sent back from a worker: serialized events or an error."""

    article_id: str
    lines: list[str]
    error: ErrorRecord | None = None


def process_item(pipeline: Extractor, item: Item) -> Outcome:
    """Run one article through the pipeline; any failure becomes its ErrorRecord. An
    ErrorRecord from reading the input passes through, keeping its place in the output order."""
    return process_chunk(pipeline, [item])[0]


def process_chunk(pipeline: Extractor, items: Sequence[Item]) -> list[Outcome]:
    """`process_item` for each item, in order (see `iter_chunk`)."""
    return list(iter_chunk(pipeline, items))


def iter_chunk(pipeline: Extractor, items: Sequence[Item]) -> Iterator[Outcome]:
    """The outcome of each item, in order, each given as soon as it is done. A pipeline with
    `extract_many` gets the chunk's articles at once (its model then reads them in one batch); a
    failure is still one article's."""
    articles = [item for item in items if isinstance(item, Article)]
    extract_many = getattr(pipeline, "extract_many", None)
    results = extract_many(articles) if extract_many is not None else map(partial(_extract_one, pipeline), articles)
    for item in items:
        yield Outcome(item.article_id, [], item) if isinstance(item, ErrorRecord) else _outcome(item, next(results))


def process_items(pipeline: Extractor, items: Iterable[Item], chunk_size: int = CHUNK_SIZE) -> Iterator[Outcome]:
    """`iter_chunk` over consecutive chunks of `items`: outcomes in input order, in this process."""
    for chunk in _chunks(iter(items), chunk_size):
        yield from iter_chunk(pipeline, chunk)


def _extract_one(pipeline: Extractor, article: Article) -> list[DepartureEvent] | Exception:
    try:
        return pipeline.extract(article)
    except Exception as exc:  # a bug met by one article must not stop the batch
        return exc


def _outcome(item: Article, result: list[DepartureEvent] | Exception) -> Outcome:
    if isinstance(result, StageError):
        stage = result.stage if result.stage in _STAGES else "events"
        return Outcome(item.id, [], _error(item, stage, result.reason))
    if isinstance(result, Exception):
        return Outcome(item.id, [], _error(item, "events", _describe(result)))
    try:
        lines = [json.dumps(event.to_json_dict(), ensure_ascii=False) for event in result]
    except Exception as exc:
        return Outcome(item.id, [], _error(item, "output", _describe(exc)))
    return Outcome(item.id, lines)


def _error(article: Article, stage: str, reason: str) -> ErrorRecord:
    return ErrorRecord(article_id=article.id, source=article.source, stage=stage, reason=reason)


def _describe(exc: BaseException) -> str:
    frames = traceback.extract_tb(exc.__traceback__)
    where = f" (at {Path(frames[-1].filename).name}:{frames[-1].lineno})" if frames else ""
    return f"{type(exc).__name__}: {exc}{where}"


# --- inside a worker process --------------------------------------------------------------------

_worker_pipeline: Extractor | None = None
_worker_error: Exception | None = None


def _init_worker(factory: PipelineFactory, rules_dir: Path | None, parent: int) -> None:
    global _worker_pipeline, _worker_error
    # The parent decides when to stop: a Ctrl-C in the terminal must not kill workers mid-article.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_exit_with_parent, args=(parent,), daemon=True).start()
    try:
        _worker_pipeline = factory(rules_dir)
    except Exception as exc:  # reported to the parent by the first task, see _run_chunk
        _worker_error = exc


def _exit_with_parent(parent: int) -> None:
    """A worker whose parent was killed outright would otherwise wait for work forever.

    The worker's own parent is the fork server, so the batch process is watched by its pid."""
    while True:
        try:
            os.kill(parent, 0)
        except ProcessLookupError:
            os._exit(1)
        except PermissionError:
            pass  # alive, owned by someone else
        time.sleep(_PARENT_CHECK_SECONDS)


def _run_chunk(chunk: list[Item]) -> list[Outcome]:
    if _worker_error is not None:
        raise _worker_error
    assert _worker_pipeline is not None, "worker used before _init_worker"
    return process_chunk(_worker_pipeline, chunk)


# --- in the parent ------------------------------------------------------------------------------

class WorkerPool:
    """Worker processes running articles in input order, with a bounded window in flight."""

    def __init__(self, factory: PipelineFactory, rules_dir: Path | None, workers: int) -> None:
        """Start the workers and wait until one has built its pipeline, so that an error
        building it (bad rules) is raised here, before the caller writes anything."""
        self.factory = factory
        self.rules_dir = rules_dir
        self.workers = workers
        self.pool = self._start()
        try:
            self.pool.submit(_run_chunk, []).result()
        except BaseException:
            self.close()
            raise

    def outcomes(self, items: Iterator[Item]) -> Iterator[Outcome]:
        """Outcomes in input order. A worker that dies (killed, out of memory) breaks the
        pool: the chunks in flight are then rerun one article at a time in a new pool, and the
        article that breaks it again becomes an error."""
        window: deque[tuple[list[Item], Future[list[Outcome]]]] = deque()
        chunks = _chunks(items, CHUNK_SIZE)
        while True:
            while len(window) < self.workers * CHUNKS_PER_WORKER:
                chunk = next(chunks, None)
                if chunk is None:
                    break
                window.append((chunk, self._submit(chunk)))
            if not window:
                return
            chunk, future = window.popleft()
            try:
                yield from future.result()
            except BrokenProcessPool:
                stranded = [chunk] + [c for c, _ in window]
                window.clear()
                self._restart()
                for lost in stranded:
                    for item in lost:
                        yield self._run_alone(item)

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)

    def _submit(self, chunk: list[Item]) -> Future[list[Outcome]]:
        """Submit a chunk; a pool that broke since the last result fails the chunk in order, where
        `outcomes` reruns it, instead of raising out of the loop."""
        try:
            return self.pool.submit(_run_chunk, chunk)
        except BrokenProcessPool as exc:
            failed: Future[list[Outcome]] = Future()
            failed.set_exception(exc)
            return failed

    def _run_alone(self, item: Item) -> Outcome:
        try:
            return self.pool.submit(_run_chunk, [item]).result()[0]
        except BrokenProcessPool:
            self._restart()
            assert isinstance(item, Article)  # an ErrorRecord is passed through and cannot crash
            return Outcome(item.id, [], _error(
                item, "events", "the worker process died while extracting this article (killed, or out of memory)"))

    def _restart(self) -> None:
        _discard_broken(self.pool)
        self.pool = self._start()

    def _start(self) -> ProcessPoolExecutor:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(_PRELOAD)
        return ProcessPoolExecutor(
            max_workers=self.workers,
            mp_context=context,
            initializer=_init_worker,
            initargs=(self.factory, self.rules_dir, os.getpid()),
        )


def _discard_broken(pool: ProcessPoolExecutor) -> None:
    """Stop a pool a worker broke. Waiting for it (shutdown(wait=True)) can block forever: the
    surviving workers are still waiting for work that will never come. They are ended first."""
    for process in list((getattr(pool, "_processes", None) or {}).values()):
        if process.is_alive():
            process.terminate()
    pool.shutdown(wait=False, cancel_futures=True)


def _chunks(items: Iterator[Item], size: int) -> Iterator[list[Item]]:
    chunk: list[Item] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
