"""What a measured child process runs: the batch extractor over one input, then one JSON line.

Run as `python -m bench child-extract INPUT --workers N`; the parent measures wall time and peak
memory from outside (see `measure.run_child`), the child reports what it did.
"""
from __future__ import annotations

import json
import resource
import sys
import tempfile
import time
from pathlib import Path


def peak_rss_mb() -> float:
    """Peak resident memory of this process and of the workers it waited for, in MB.

    The process's own peak is VmHWM, not ru_maxrss: Linux carries ru_maxrss across exec, so a child
    started from a big parent would report the parent's size. Workers forked from here are small
    at fork, so their ru_maxrss is their own.
    """
    own_kb = 0
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            own_kb = int(line.split()[1])
    workers_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own_kb, workers_kb) / 1024


def _count_lines(path: Path) -> int:
    if not path.exists():
        return 0
    with path.open("rb") as handle:
        return sum(1 for line in handle if line.strip())


def child_extract(input_path: Path, workers: int) -> dict:
    """Extract `input_path` with `extractor.batch.runner.run_extract` when it exists, else with a plain
    loop over the pipeline (one worker only); return timings and counts."""
    with tempfile.TemporaryDirectory(prefix="bench-child-") as scratch:
        events, errors = Path(scratch) / "events.jsonl", Path(scratch) / "errors.jsonl"
        start = time.perf_counter()
        try:
            from extractor.batch.runner import run_extract
        except ImportError:
            if workers != 1:
                raise SystemExit("extractor.batch.runner.run_extract is not available: only --workers 1 can run")
            mode = "pipeline loop"
            _loop(input_path, events, errors)
        else:
            mode = "run_extract"
            run_extract(
                [input_path], events, errors, workers=workers, resume=False, quiet=True,
                published_at=None, rules_dir=None,
            )
        seconds = time.perf_counter() - start
        return {
            "mode": mode,
            "workers": workers,
            "seconds": round(seconds, 3),
            "events": _count_lines(events),
            "errors": _count_lines(errors),
            "peak_rss_mb": round(peak_rss_mb(), 1),
        }


def _loop(input_path: Path, events: Path, errors: Path) -> None:
    from extractor.ingest.inputs import iter_inputs
    from extractor.models import ErrorRecord
    from extractor.pipeline import StageError, get_pipeline

    pipeline = get_pipeline()
    with events.open("w", encoding="utf-8") as out, errors.open("w", encoding="utf-8") as bad:
        for article in iter_inputs([str(input_path)]):
            if isinstance(article, ErrorRecord):
                bad.write(article.model_dump_json() + "\n")
                continue
            try:
                found = pipeline.extract(article)
            except StageError as exc:
                record = ErrorRecord(article_id=article.id, source=article.source, stage=exc.stage, reason=exc.reason)
                bad.write(record.model_dump_json() + "\n")
                continue
            for event in found:
                out.write(json.dumps(event.to_json_dict(), ensure_ascii=False) + "\n")


def main(input_path: Path, workers: int) -> None:
    sys.stdout.write(json.dumps(child_extract(input_path, workers)) + "\n")
