"""Where judgments are kept, and their export as gold (SPEC section 3).

Two stores with one interface: a JSON Lines file next to the events file (`events.jsonl` keeps its
judgments in `events.judgments.jsonl`), or the `review_judgments` table of the database. Either way a
judgment is written before the page that shows it is answered, so it survives the server stopping.
"""
from __future__ import annotations

import json
import os
import tempfile
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Optional, Protocol

from pydantic import ValidationError

from ..db import Database, connect, migrate
from ..models import DepartureEvent
from extractor.evaluation.scoring import GoldArticle
from .judgments import Judgment


class JudgmentFileError(ValueError):
    """A judgments file that cannot be read; the message names the file and line."""


class JudgmentStore(Protocol):
    location: str

    def all(self) -> list[Judgment]: ...

    def for_article(self, article_id: str) -> dict[str, Judgment]: ...

    def save(self, judgment: Judgment) -> None: ...

    def withdraw(self, judgment_id: str) -> bool: ...


def judgments_path(events_path: Path) -> Path:
    """The judgments file kept next to an events file."""
    return events_path.with_name(f"{events_path.stem}.judgments.jsonl")


class JsonlJudgmentStore:
    """An append-only log: each line saves a judgment or withdraws one; the last line for an id wins.

    Appending never rewrites what is already on disk, so a crash loses at most the line being written.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.location = str(path)
        self._lock = threading.Lock()  # the server answers requests from a pool of threads
        self._judgments: dict[str, Judgment] = {}
        if path.exists():
            self._replay()

    def _replay(self) -> None:
        with open(self.path, encoding="utf-8") as stream:
            for number, line in enumerate(stream, start=1):
                if not line.strip():
                    continue
                try:
                    record = json.loads(line)
                    if not isinstance(record, dict):
                        raise ValueError(f"expected a JSON object, found {type(record).__name__}")
                    if record.get("withdrawn") is True:
                        self._judgments.pop(str(record["judgment_id"]), None)
                        continue
                    judgment = Judgment.model_validate(record)
                except (ValueError, KeyError, ValidationError) as exc:
                    raise JudgmentFileError(f"{self.path}, line {number}: not a judgment ({exc})") from exc
                self._judgments[judgment.judgment_id] = judgment

    def _append(self, record: dict) -> None:
        with open(self.path, "a", encoding="utf-8") as stream:
            stream.write(json.dumps(record, ensure_ascii=False) + "\n")
            stream.flush()
            os.fsync(stream.fileno())

    def all(self) -> list[Judgment]:
        with self._lock:
            return list(self._judgments.values())

    def for_article(self, article_id: str) -> dict[str, Judgment]:
        with self._lock:
            return {key: j for key, j in self._judgments.items() if j.article_id == article_id}

    def save(self, judgment: Judgment) -> None:
        with self._lock:
            self._append(judgment.model_dump(mode="json", exclude_none=True))
            self._judgments[judgment.judgment_id] = judgment

    def withdraw(self, judgment_id: str) -> bool:
        with self._lock:
            if judgment_id not in self._judgments:
                return False
            self._append({"judgment_id": judgment_id, "withdrawn": True})
            del self._judgments[judgment_id]
            return True


class DbJudgmentStore:
    """The `review_judgments` table. A connection per call: the server's threads never share one."""

    def __init__(self, db_url: Optional[str]) -> None:
        self.db_url = db_url
        with self._open() as db, db.reporting("preparing"):
            migrate(db)  # a database loaded before the review page existed gets its table here
            self.location = f"{db.target.describe()} (table review_judgments)"

    def _open(self) -> Database:
        return connect(self.db_url, must_exist=True)

    def _select(self, where: str = "", params: tuple = ()) -> list[Judgment]:
        with self._open() as db, db.reporting("reading judgments from"):
            rows = db.query(f"SELECT document FROM review_judgments {where} ORDER BY judged_at, judgment_id", params)
        return [Judgment.model_validate_json(document) for (document,) in rows]

    def all(self) -> list[Judgment]:
        return self._select()

    def for_article(self, article_id: str) -> dict[str, Judgment]:
        return {j.judgment_id: j for j in self._select("WHERE article_id = ?", (article_id,))}

    def save(self, judgment: Judgment) -> None:
        document = json.dumps(judgment.model_dump(mode="json", exclude_none=True), ensure_ascii=False)
        with self._open() as db, db.reporting("saving a judgment into"), db.transaction():
            db.execute(
                "INSERT INTO review_judgments (judgment_id, article_id, event_id, verdict, document, judged_at) "
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (judgment_id) DO UPDATE SET article_id = excluded.article_id, "
                "event_id = excluded.event_id, verdict = excluded.verdict, document = excluded.document, "
                "judged_at = excluded.judged_at",
                (judgment.judgment_id, judgment.article_id, judgment.event_id, judgment.verdict, document,
                 judgment.judged_at),
            )

    def withdraw(self, judgment_id: str) -> bool:
        with self._open() as db, db.reporting("withdrawing a judgment from"), db.transaction():
            found = db.query("SELECT 1 FROM review_judgments WHERE judgment_id = ?", (judgment_id,))
            db.execute("DELETE FROM review_judgments WHERE judgment_id = ?", (judgment_id,))
        return bool(found)


def open_store(events_path: Optional[Path] = None, db_url: Optional[str] = None) -> JudgmentStore:
    """The judgments of an events file (kept next to it), else those of the database."""
    if events_path is not None:
        return JsonlJudgmentStore(judgments_path(events_path))
    return DbJudgmentStore(db_url)


@dataclass
class GoldExport:
    articles: int = 0
    events: int = 0     # gold events written: accepted, corrected and marked missed
    rejected: int = 0   # left out

    def line(self, where: str) -> str:
        return (f"wrote {self.events} gold event(s) of {self.articles} article(s) to {where}; "
                f"{self.rejected} rejected event(s) left out")


def gold_articles(judgments: Iterable[Judgment]) -> tuple[list[GoldArticle], GoldExport]:
    """Judgments grouped into gold articles, by article id; events in the order the article tells them.

    Every judged article is written, even one whose events were all rejected: its gold then says the
    article holds no departure, so an extractor that finds one there is wrong.
    """
    by_article: dict[str, list[Judgment]] = {}
    for judgment in judgments:
        by_article.setdefault(judgment.article_id, []).append(judgment)
    summary = GoldExport(articles=len(by_article))
    articles = []
    for article_id in sorted(by_article):
        judged = sorted(by_article[article_id],
                        key=lambda j: (j.position is None, j.position or 0, j.judgment_id))
        kept = [j.gold for j in judged if j.gold is not None]
        summary.events += len(kept)
        summary.rejected += len(judged) - len(kept)
        published_at = next((j.published_at for j in judged if j.published_at), None)
        articles.append(GoldArticle(article_id=article_id, published_at=published_at, events=kept))
    return articles, summary


def export_gold(store: JudgmentStore, output: Path) -> GoldExport:
    """Write the store's judgments as gold JSON Lines, atomically: a failed export leaves no half file."""
    articles, summary = gold_articles(store.all())
    handle, temporary = tempfile.mkstemp(dir=output.parent, prefix=f".{output.name}.")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as sink:
            for article in articles:
                sink.write(json.dumps(article.model_dump(mode="json", exclude_none=True), ensure_ascii=False) + "\n")
        os.replace(temporary, output)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return summary


def unjudged_events(events: dict[str, list[DepartureEvent]], judgments: Iterable[Judgment]) -> int:
    """Events of judged articles that have no judgment: an export leaves them out of the gold."""
    judgments = list(judgments)
    judged = {j.judgment_id for j in judgments}
    articles = {j.article_id for j in judgments}
    return sum(1 for article_id in articles for event in events.get(article_id, []) if event.event_id not in judged)
