"""Single measurements on one corpus file: baselines, the in-process pipeline, child processes.

Every function returns plain numbers; `bench.run` decides what to run and how to report it.
Set-up (dictionary loading, automaton building, the pipeline's first article) is excluded from
the timed part wherever the measurement is about steady-state speed.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from itertools import islice
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable


@dataclass
class Timing:
    """How long one pass over a corpus took, and how much it processed."""

    seconds: float
    articles: int
    bytes: int
    extra: dict = field(default_factory=dict)

    @property
    def articles_per_s(self) -> float:
        return self.articles / self.seconds if self.seconds > 0 else 0.0

    @property
    def mb_per_s(self) -> float:
        return self.bytes / 1e6 / self.seconds if self.seconds > 0 else 0.0

    def as_dict(self) -> dict:
        return {
            "seconds": round(self.seconds, 3),
            "articles": self.articles,
            "bytes": self.bytes,
            "articles_per_s": round(self.articles_per_s, 1),
            "mb_per_s": round(self.mb_per_s, 3),
            **self.extra,
        }


def pipeline_worked(entry: dict | None) -> bool:
    """A pipeline figure counts only when the pipeline got through at least one article:
    failing fast on every article is not throughput."""
    if not entry or "unavailable" in entry:
        return False
    errors = entry.get("errors", 0)
    failed = sum(errors.values()) if isinstance(errors, dict) else errors
    return entry.get("articles", 0) > failed


def read_texts(path: Path) -> list[str]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line)["text"] for line in handle if line.strip()]


def _timed_loop(texts: list[str], size: int, work: Callable[[str], object]) -> Timing:
    start = time.perf_counter()
    for text in texts:
        work(text)
    return Timing(time.perf_counter() - start, len(texts), size)


def jieba_alone(texts: list[str], size: int, hmm: bool = True) -> Timing:
    """`jieba.lcut` with its defaults (HMM on) is the reference; HMM off shows what the HMM costs."""
    import jieba

    jieba.setLogLevel(60)  # its dictionary-loading chatter would land in the report
    jieba.initialize()
    return _timed_loop(texts, size, lambda text: jieba.lcut(text, HMM=hmm))


def opencc_reimplemented(texts: list[str], size: int) -> Timing:
    import opencc

    return _timed_loop(texts, size, opencc.OpenCC("t2s").convert)


def opencc_pyo3(texts: list[str], size: int) -> Timing:
    from opencc_pyo3 import OpenCC

    return _timed_loop(texts, size, OpenCC("t2s").convert)


def departure_words() -> list[str]:
    """The rulebook's departure words in both scripts: the floor scans raw, unconverted text."""
    from opencc_pyo3 import OpenCC

    from extractor.rulebook.lexicon_models import TriggersFile
    from extractor.rulebook.loader import load_rule_file

    s2t = OpenCC("s2t")
    words = {t.word for t in load_rule_file("triggers", TriggersFile).triggers}
    return sorted(words | {s2t.convert(w) for w in words})


def trigger_scan(path: Path, words: Iterable[str]) -> Timing:
    """The floor: read bytes, decode, parse JSON and look for any departure word, nothing else."""
    import ahocorasick

    automaton = ahocorasick.Automaton()
    for word in words:
        automaton.add_word(word, word)
    automaton.make_automaton()
    articles = hits = 0
    start = time.perf_counter()
    with path.open("rb") as handle:
        for line in handle:
            record = json.loads(line.decode("utf-8"))
            articles += 1
            for _ in automaton.iter(record["title"] + "\n" + record["text"]):
                hits += 1
                break
    seconds = time.perf_counter() - start
    return Timing(seconds, articles, path.stat().st_size, {"articles_with_a_departure_word": hits})


def lac_tagger_alone(texts: list[str], words: Iterable[str]) -> Timing:
    """The NER step alone: the LAC tagger on the sentences holding a departure word, one call per
    chunk of `CHUNK_SIZE` articles (as the pipeline calls it); bytes are those sentences' UTF-8
    bytes. A sentence repeated within a chunk is tagged once, as in the pipeline: `extra` says how
    many characters that left to tag."""
    import ahocorasick

    from extractor.batch.workers import CHUNK_SIZE
    from extractor.entities.lac_tagger import LacTagger
    from extractor.entities.sentences import split_sentences

    automaton = ahocorasick.Automaton()
    for word in words:
        automaton.add_word(word, word)
    automaton.make_automaton()
    articles = [
        kept for kept in (
            [s.text for s in split_sentences(text) if next(automaton.iter(s.text), None) is not None]
            for text in texts
        ) if kept
    ]
    chunks = [[s for sentences in articles[i:i + CHUNK_SIZE] for s in sentences]
              for i in range(0, len(articles), CHUNK_SIZE)]
    size = sum(len(sentence.encode("utf-8")) for chunk in chunks for sentence in chunk)
    tagger = LacTagger()
    tagger.tag(chunks[0][:1] if chunks else ["。"])  # the session is made outside the timed part
    start = time.perf_counter()
    for chunk in chunks:
        tagger.tag(chunk)
    seconds = time.perf_counter() - start
    return Timing(seconds, len(articles), size, {
        "sentences": sum(map(len, chunks)),
        "characters": sum(len(s) for chunk in chunks for s in chunk),
        "characters_tagged": sum(len(s) for chunk in chunks for s in set(chunk)),
    })


def pipeline_in_process(path: Path, events_out: Path) -> Timing:
    """The whole pipeline in this process, one worker: ingest → extract → JSON Lines, articles
    taken in chunks of `CHUNK_SIZE` (`Pipeline.extract_many`), as `departures extract` takes them.

    The pipeline is built and run on one article first, so the figure is steady-state speed.
    Stage times come from `Pipeline.stage_seconds`; ingest and output are timed here when the
    pipeline does not report them itself.
    """
    from extractor.batch.workers import CHUNK_SIZE
    from extractor.ingest.inputs import iter_inputs
    from extractor.models import ErrorRecord
    from extractor.pipeline import StageError, get_pipeline

    pipeline = get_pipeline()
    first = next(a for a in iter_inputs([str(path)]) if not isinstance(a, ErrorRecord))
    list(pipeline.extract_many([first]))
    before = dict(pipeline.stage_seconds)
    errors: Counter[str] = Counter()
    own = Counter({"ingest": 0.0, "output": 0.0})
    articles = events = 0
    start = time.perf_counter()
    inputs = iter(iter_inputs([str(path)]))
    with events_out.open("w", encoding="utf-8") as out:
        while True:
            t0 = time.perf_counter()
            chunk = list(islice(inputs, CHUNK_SIZE))
            own["ingest"] += time.perf_counter() - t0
            if not chunk:
                break
            articles += len(chunk)
            errors.update(item.stage for item in chunk if isinstance(item, ErrorRecord))
            results = pipeline.extract_many([item for item in chunk if not isinstance(item, ErrorRecord)])
            t2 = time.perf_counter()
            for found in results:
                if isinstance(found, Exception):
                    errors[found.stage if isinstance(found, StageError) else "events"] += 1
                    continue
                for event in found:
                    out.write(json.dumps(event.to_json_dict(), ensure_ascii=False) + "\n")
                events += len(found)
            own["output"] += time.perf_counter() - t2
    seconds = time.perf_counter() - start
    stages = {k: v - before.get(k, 0.0) for k, v in pipeline.stage_seconds.items()}
    for name, value in own.items():
        stages.setdefault(name, value)
    stages["other"] = max(0.0, seconds - sum(stages.values()))
    return Timing(
        seconds,
        articles,
        path.stat().st_size,
        {"events": events, "errors": dict(errors), "stage_seconds": {k: round(v, 3) for k, v in stages.items()}},
    )


@dataclass
class ChildRun:
    seconds: float          # wall time of the whole child, interpreter start to exit
    report: dict            # the JSON line the child printed about itself (see bench.child)


def run_child(args: list[str], timeout: float) -> ChildRun:
    """Run `python ARGS` with this interpreter; its last stdout line is its JSON report.

    Peak memory is reported by the child itself: ru_maxrss seen from here would include this
    (large) process's size, which Linux carries across fork and exec. A child still running after
    `timeout` seconds is killed with all its workers (it runs in its own process group).
    """
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True
    )
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        raise RuntimeError(f"child {' '.join(args)} still running after {timeout:.0f} s: killed") from None
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        tail = err.decode("utf-8", "replace").strip().splitlines()[-5:]
        raise RuntimeError(f"child {' '.join(args)} exited {proc.returncode}: " + " | ".join(tail))
    lines = out.decode("utf-8").strip().splitlines()
    return ChildRun(seconds, json.loads(lines[-1]) if lines else {})


def cold_start(command: list[str], timeout: float = 120.0) -> dict:
    """Wall time from process start to its first line of output, and to its exit."""
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=err, start_new_session=True)
        assert proc.stdout is not None
        # A timer, not communicate(timeout=…): the wait for the first line must be bounded too.
        killer = threading.Timer(timeout, os.killpg, (proc.pid, signal.SIGKILL))
        killer.start()
        try:
            first_line = proc.stdout.readline()
            first = time.perf_counter() - start if first_line else None
            rest = proc.stdout.read()
            proc.wait()
        finally:
            killer.cancel()
        total = time.perf_counter() - start
        err.seek(0)
        stderr_tail = err.read().decode("utf-8", "replace").strip().splitlines()[-3:]
    if proc.returncode == -signal.SIGKILL:
        raise RuntimeError(f"{' '.join(command)} still running after {timeout:.0f} s: killed")
    lines = [line for line in (first_line + rest).splitlines() if line.strip()]
    return {
        "seconds_to_first_event": None if first is None else round(first, 3),
        "seconds_to_exit": round(total, 3),
        "events": len(lines),
        "returncode": proc.returncode,
        "stderr_tail": stderr_tail,
    }
