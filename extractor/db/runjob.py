"""The main job: extract events from articles, load them into the database, resolve departures.

`run_job` checks the database first (a wrong --db should fail before hours of extraction), extracts
with `batch.run_extract` into an events file (a temporary one unless the caller keeps it), then loads
that file as `departures load` does. The load also clears the earlier events of articles extracted
without error that yield none now; an article that failed keeps what an earlier run loaded for it.
"""
from __future__ import annotations

import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Optional

from extractor.db import LoadSummary, connect, load_events, migrate

if TYPE_CHECKING:
    from extractor.batch.runner import BatchSummary


@dataclass(frozen=True)
class RunSummary:
    extract: "BatchSummary"
    load: LoadSummary

    @property
    def ok(self) -> bool:
        return self.extract.failures == 0 and not self.load.errors

    def line(self) -> str:
        return (
            f"{self.extract.articles} article(s), {self.extract.failures} failed, {self.load.events} event(s) "
            f"loaded, {self.load.departures} departure(s) in {self.load.database}"
        )


def run_job(
    inputs: Sequence[str],
    db_url: Optional[str] = None,
    *,
    events_path: Optional[Path] = None,
    errors_path: Optional[Path] = None,
    workers: Optional[int] = None,
    published_at: Optional[str] = None,
    quiet: bool = False,
    rules_dir: Optional[Path] = None,
) -> RunSummary:
    """Extract, load and merge.

    Raises `DatabaseError`/`DatabaseUrlError` before extracting when the database cannot be used, and
    whatever `run_extract` raises (bad rules, an interruption); failed articles are counted, not raised.
    Without `errors_path` the extraction reports failed articles on stderr.
    """
    from extractor.batch.runner import run_extract  # imported here: extraction pulls in the whole NLP stack

    with connect(db_url) as db, db.reporting("preparing"):
        migrate(db)
    with tempfile.TemporaryDirectory(prefix="departures-run-") as scratch:
        events = events_path or Path(scratch) / "events.jsonl"
        extracted = run_extract(
            [str(source) for source in inputs], events, errors_path, workers=workers, resume=False,
            quiet=quiet, published_at=published_at, rules_dir=rules_dir, keep_ids=True,
        )
        loaded = load_events(events, db_url, extracted_articles=extracted.extracted_ids)
    return RunSummary(extract=extracted, load=loaded)
