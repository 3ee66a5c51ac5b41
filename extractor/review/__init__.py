"""The review page: each event on its article with its evidence marked, the rules behind each value,
the gold's verdict, and judgments (accept, reject, correct, mark missed) that export as gold.

Takes events (a JSON Lines file or the database), the articles and optionally gold; gives a local web app
and the judgments, saved beside the events or in the database and exported as SPEC gold.

Needs the `review` extra (Starlette, Jinja2, uvicorn): `pip install 'departures-extractor[review]'`.
"""
from .corpus import EventsFileError, ReviewCorpus, load_corpus
from .judgments import CorrectionError, Judgment
from .store import (
    DbJudgmentStore,
    GoldExport,
    JsonlJudgmentStore,
    JudgmentFileError,
    JudgmentStore,
    export_gold,
    judgments_path,
    open_store,
)

__all__ = [
    "CorrectionError", "DbJudgmentStore", "EventsFileError", "GoldExport", "JsonlJudgmentStore", "Judgment",
    "JudgmentFileError", "JudgmentStore", "ReviewCorpus", "export_gold", "judgments_path", "load_corpus",
    "open_store",
]
