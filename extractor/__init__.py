"""departures: who left which organization, extracted from Chinese news articles.

From Python: `Pipeline().extract(Article(...))`, or `extract_text(text, ...)` with a pipeline shared per
process (see `extractor.api`). These names are imported on first use: the pipeline pulls in spaCy and
jieba (most of a second), which `import extractor` alone, as the command line and the database code
do it, should not pay for.
"""
from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .api import extract_text, text_id
    from .models import Article, DepartureEvent
    from .pipeline import Pipeline, StageError

# exported name -> the module that defines it
_EXPORTS = {
    "Article": "models",
    "DepartureEvent": "models",
    "Pipeline": "pipeline",
    "StageError": "pipeline",
    "extract_text": "api",
    "text_id": "api",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))
