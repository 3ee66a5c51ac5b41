"""Read gold (SPEC section 3) and predicted events (SPEC section 2) from JSON Lines and score them.

Every problem in an input names the file and line, so a broken record can be found and fixed.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import IO, Iterator, TypeVar, Union

from pydantic import BaseModel, ValidationError

from extractor.evaluation.scoring import CorpusScore, GoldArticle, PredictedEvent, score_corpus

Source = Union[str, Path, IO[bytes]]
Record = TypeVar("Record", bound=BaseModel)


class EvaluationInputError(ValueError):
    """A gold or prediction file that cannot be read as the SPEC describes."""

    def __init__(self, where: str, line: int | None, reason: str) -> None:
        location = f"{where}, line {line}" if line is not None else where
        super().__init__(f"{location}: {reason}")
        self.where = where
        self.line = line
        self.reason = reason


def _describe(error: ValidationError) -> str:
    first = error.errors()[0]
    path = ".".join(str(part) for part in first["loc"]) or "record"
    more = f" (and {error.error_count() - 1} more)" if error.error_count() > 1 else ""
    return f"{path}: {first['msg']}{more}"


def _records(source: Source, label: str, model: type[Record]) -> Iterator[tuple[int, Record]]:
    """Yield (line number, validated record) for every non-blank line."""
    if isinstance(source, (str, Path)):
        try:
            stream: IO[bytes] = open(source, "rb")
        except OSError as exc:
            raise EvaluationInputError(str(source), None, f"cannot open the {label} file ({exc.strerror})") from exc
        where = str(source)
    else:
        stream, where = source, getattr(source, "name", label)
    with stream:
        for number, raw in enumerate(stream, start=1):
            try:
                line = raw.decode("utf-8-sig" if number == 1 else "utf-8")
            except UnicodeDecodeError as exc:
                raise EvaluationInputError(where, number, f"not UTF-8 ({exc.reason})") from exc
            if not line.strip():
                continue
            try:
                data = json.loads(line)
            except json.JSONDecodeError as exc:
                raise EvaluationInputError(where, number, f"invalid JSON ({exc.msg}, column {exc.colno})") from exc
            if not isinstance(data, dict):
                raise EvaluationInputError(where, number, f"expected one JSON object per line, got {type(data).__name__}")
            try:
                yield number, model.model_validate(data)
            except ValidationError as exc:
                raise EvaluationInputError(where, number, f"not a {label} record: {_describe(exc)}") from exc


def read_gold(source: Source) -> list[GoldArticle]:
    """Gold articles in file order; an article listed twice is an error."""
    articles: list[GoldArticle] = []
    first_line: dict[str, int] = {}
    where = str(source) if isinstance(source, (str, Path)) else getattr(source, "name", "gold")
    for number, record in _records(source, "gold", GoldArticle):
        if record.article_id in first_line:
            raise EvaluationInputError(
                where, number, f"article {record.article_id!r} already given on line {first_line[record.article_id]}")
        first_line[record.article_id] = number
        articles.append(record)
    return articles


def read_predictions(source: Source) -> list[PredictedEvent]:
    events: list[PredictedEvent] = []
    for _, record in _records(source, "predicted event", PredictedEvent):
        events.append(record)
    return events


def evaluate_files(gold: Source, predictions: Source) -> CorpusScore:
    return score_corpus(read_gold(gold), read_predictions(predictions))
