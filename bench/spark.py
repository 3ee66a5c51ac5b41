"""`departures spark` measured against `departures extract --workers N` on the same corpus.

Takes a JSON Lines corpus; gives throughput (articles and MB of input per second) of the Spark job in
local mode at 1 and N cores, JVM start included, and the peak resident memory of one executor's
Python worker (the process that holds a pipeline). Each Spark run is a child process
(`python -m bench child-spark INPUT --master local[N]`) that reports on itself, as `child-extract`
does. Without pyspark or Java the section says why it was skipped instead of failing the run.
"""
from __future__ import annotations

import importlib.util
import json
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path
from collections.abc import Iterable, Iterator
from typing import Any, Optional

MB = 1e6
# Tasks of the memory probe: more than the cores, so that every idle Python worker is handed one.
_PROBE_TASKS = 16


def unavailable_reason() -> Optional[str]:
    if importlib.util.find_spec("pyspark") is None:
        return "pyspark is not installed (pip install -e '.[spark]')"
    if not os.environ.get("JAVA_HOME") and shutil.which("java") is None:
        return "no Java on PATH (Spark needs Java 17 or later)"
    return None


def _worker_memory(batches: Iterable[Any]) -> Iterator[Any]:
    """mapInArrow's function, in a Python worker: its pid, peak RSS in KB, and whether it holds a pipeline."""
    import pyarrow as pa

    for _ in batches:
        pass
    pipeline_module = sys.modules.get("extractor.pipeline")
    holds = bool(getattr(pipeline_module, "_shared", None))
    yield pa.RecordBatch.from_pydict({
        "pid": [os.getpid()], "rss_kb": [resource.getrusage(resource.RUSAGE_SELF).ru_maxrss], "holds": [holds]})


def child_spark(input_path: Path, master: str) -> dict:
    """In a child process: run the job as `departures spark` does, then ask the Python workers,
    which Spark keeps for reuse, for their peak memory."""
    from extractor.spark_job import make_session, run_job

    started = time.perf_counter()
    spark = make_session(master, "departures-bench", conf={"spark.ui.enabled": "false"})
    spark.sparkContext.setLogLevel("ERROR")
    session_seconds = time.perf_counter() - started
    with tempfile.TemporaryDirectory(prefix="bench-spark-") as scratch:
        summary = run_job(spark, str(input_path), str(Path(scratch) / "events"), errors=str(Path(scratch) / "errors"))
        seconds = time.perf_counter() - started
        # the same kind of Python function as the extraction, so that Spark hands it the same workers
        probes = (spark.range(_PROBE_TASKS, numPartitions=_PROBE_TASKS)
                  .mapInArrow(_worker_memory, "pid long, rss_kb long, holds boolean").collect())
    spark.stop()
    workers = {row["pid"]: row["rss_kb"] for row in probes if row["holds"]}
    return {
        "master": master,
        "seconds": round(seconds, 3),
        "session_seconds": round(session_seconds, 3),
        "job_seconds": round(summary.seconds, 3),
        "articles": summary.articles,
        "events": summary.events,
        "errors": summary.failures,
        "workers_with_pipeline": len(workers),
        "worker_peak_rss_mb": round(max(workers.values()) / 1024, 1) if workers else None,
    }


def spark_timing(path: Path, cores: int, timeout: float) -> dict:
    from . import measure

    run = measure.run_child(["-m", "bench", "child-spark", str(path), "--master", f"local[{cores}]"], timeout)
    report, size = run.report, path.stat().st_size
    return {
        **report,
        "cores": cores,
        "bytes": size,
        "articles_per_s": round(report["articles"] / report["seconds"], 1),
        "mb_per_s": round(size / MB / report["seconds"], 3),
        "job_articles_per_s": round(report["articles"] / report["job_seconds"], 1),
        "job_mb_per_s": round(size / MB / report["job_seconds"], 3),
    }


def compare(path: Path, workers: int, extract_timings: dict[int, dict] | None = None,
            mb_per_s: Optional[float] = None, repeats: int = 1) -> dict:
    """Spark at local[1] and local[workers] against `departures extract --workers 1` and `--workers
    workers` (run here unless their timings on the same corpus are given, keyed by workers). With
    `repeats`, the runs are interleaved that many times and the fastest of each kept: on a machine
    shared with other work, the least disturbed run."""
    from .run import _attempt, _child_timing, _say

    out: dict = {"corpus": path.name, "workers": workers, "repeats": repeats}
    reason = unavailable_reason()
    if reason is not None:
        _say(f"spark: skipped: {reason}")
        out["unavailable"] = reason
        return out
    timeout = 300 + 3 * path.stat().st_size / MB / (mb_per_s or 0.05)
    runs: dict[str, list[dict]] = {}
    for _ in range(repeats):
        for cores in sorted({1, workers}):
            if extract_timings is None:
                _say(f"spark: departures extract --workers {cores} on {path.name}")
                runs.setdefault(f"extract_{cores}", []).append(
                    _attempt("extract", lambda: _child_timing(path, cores, mb_per_s)))
            _say(f"spark: departures spark --master local[{cores}] on {path.name}")
            runs.setdefault(f"local_{cores}", []).append(
                _attempt(f"spark local[{cores}]", lambda: spark_timing(path, cores, timeout)))
    for name, attempts in runs.items():
        timed = [a for a in attempts if "seconds" in a]
        out[name] = min(timed, key=lambda a: a["seconds"]) if timed else attempts[-1]
    for cores, timing in (extract_timings or {}).items():
        out[f"extract_{cores}"] = timing
    one, many = out.get("local_1", {}), out.get(f"local_{workers}", {})
    if "articles_per_s" in one and "articles_per_s" in many:
        out["speedup"] = round(many["articles_per_s"] / one["articles_per_s"], 3)
        out["job_speedup"] = round(many["job_articles_per_s"] / one["job_articles_per_s"], 3)
    if "articles_per_s" in many and "articles_per_s" in out.get(f"extract_{workers}", {}):
        out["spark_over_extract"] = round(many["articles_per_s"] / out[f"extract_{workers}"]["articles_per_s"], 3)
    peaks = [t.get("worker_peak_rss_mb") for t in (one, many) if t.get("worker_peak_rss_mb")]
    out["worker_peak_rss_mb"] = max(peaks) if peaks else None
    return out


def render(section: dict) -> str:
    """The Spark rows as Markdown: the report's table, or why there is none."""
    from .report import _cells, _num, _table

    if "unavailable" in section:
        return f"`departures spark`: not measured: {section['unavailable']}."
    workers = section["workers"]
    rows = []
    for cores in sorted({1, workers}):
        rows.append([f"`departures extract --workers {cores}` (cold)", *_cells(section.get(f"extract_{cores}"), True),
                     "", ""])
        entry = section.get(f"local_{cores}") or {}
        job = ([_num(entry["job_articles_per_s"]), _num(entry["job_mb_per_s"], 2)]
               if "job_articles_per_s" in entry else ["pending", "pending"])
        rows.append([f"`departures spark`, local[{cores}] (cold: JVM start included)", *_cells(entry, True), *job])
    table = _table(["measure (dense corpus)", "art/s", "MB/s", "art/s, job only", "MB/s, job only"], rows)
    notes = [
        f"local[{workers}] ÷ local[1]: {_num(section.get('speedup'), 2, '×')} "
        f"(job only: {_num(section.get('job_speedup'), 2, '×')}); "
        f"local[{workers}] ÷ extract --workers {workers}: {_num(section.get('spark_over_extract'), 2, '×')}; "
        f"peak RSS of one Python worker: {_num(section.get('worker_peak_rss_mb'), 1, ' MB')}.",
    ]
    return table + "\n\n" + "\n".join(notes)


def main(size: int, seed: int, workers: int, repeats: int = 1) -> dict:
    """`python -m bench spark`: only this comparison, on a dense corpus of `size` bytes."""
    from .run import RESULTS_DIR, corpus_file, machine

    path = corpus_file("dense", size, seed)
    section = {"machine": machine(), "load_average_before": os.getloadavg(), **compare(path, workers, repeats=repeats)}
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    (RESULTS_DIR / "spark.json").write_text(json.dumps(section, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return section
