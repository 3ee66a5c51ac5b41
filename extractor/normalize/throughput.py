"""One way to time a text function over a corpus, for the benchmark and the converter choice."""
from __future__ import annotations

import time
from typing import Callable, Iterable


def mb_per_second(func: Callable[[str], object], texts: Iterable[str], rounds: int = 3) -> float:
    """Best-of-`rounds` speed of `func` over `texts`, in MB/s of UTF-8 input."""
    corpus = list(texts)
    size = sum(len(text.encode("utf-8")) for text in corpus)
    best = float("inf")
    for _ in range(rounds):
        began = time.perf_counter()
        for text in corpus:
            func(text)
        best = min(best, time.perf_counter() - began)
    return size / 1e6 / best if best > 0 else float("inf")
