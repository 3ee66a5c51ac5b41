"""The extraction pipeline for one article: normalize → sentences → entities → events → merge.

Built once per process (rules, tokenizer, automata); `extract` is then called per article, or
`extract_many` per group of articles (the statistical model then reads the group in one batch).
"""
from __future__ import annotations

import os
import time
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from extractor.entities.dates import PubDate
from .events.engine import EventEngine, ReadingPlan
from .events.merge import build_event, group_candidates
from extractor.rulebook.lexicon import Lexicon, load_lexicon
from .models import Article, DepartureEvent
from extractor.normalize.normalizer import NormalizedText, Normalizer
from extractor.entities.segment import Segmenter


@dataclass
class _Prepared:
    """An article normalized and planned, waiting for the model's words (`words`, once tagged)."""

    article: Article
    norm: NormalizedText
    plan: ReadingPlan
    words: list | None = None


class StageError(RuntimeError):
    """An article failed in a named stage; the batch records it and goes on."""

    def __init__(self, stage: str, reason: str) -> None:
        super().__init__(f"{stage}: {reason}")
        self.stage = stage
        self.reason = reason


def protected_spellings(lexicon: Lexicon) -> dict[str, str]:
    """Lexicon entries conversion must leave as written (organization names, titles)."""
    words = list(lexicon.org_by_surface) + list(lexicon.titles.titles)
    return {word: word for word in words}


def statistical_ner_default() -> bool:
    """The LAC model is on unless `DEPARTURES_STATISTICAL_NER` is 0/off/false (rules alone)."""
    return os.environ.get("DEPARTURES_STATISTICAL_NER", "on").strip().lower() not in ("0", "off", "false", "no")


class Pipeline:
    def __init__(self, rules_dir: Path | None = None, ner_model: str | None = None,
                 statistical_ner: bool | None = None) -> None:
        """`ner_model`: a trained spaCy pipeline (package name or path) whose entities are merged
        with the rules'; by default `DEPARTURES_NER_MODEL`, and none when that is unset.
        `statistical_ner`: run the bundled LAC model beside the rules (default on, see
        `statistical_ner_default`)."""
        self.rules_dir = rules_dir
        ner_model = ner_model if ner_model is not None else os.environ.get("DEPARTURES_NER_MODEL") or None
        if statistical_ner is None:
            statistical_ner = statistical_ner_default()
        self.lexicon = load_lexicon(rules_dir)
        self.normalizer = Normalizer(rules_dir, protected=protected_spellings(self.lexicon))
        self.segmenter = Segmenter(self.lexicon.user_words())
        tagger = None
        if statistical_ner:
            from .entities.lac_tagger import LacTagger

            tagger = LacTagger()  # its ONNX session is made on first use in each process
        self.engine = EventEngine(self.lexicon, self.segmenter, ner_model, tagger)
        # seconds spent per stage, summed over every article this instance processed (for the benchmark)
        self.stage_seconds: dict[str, float] = defaultdict(float)

    def _timed(self, stage: str, func, *args):  # type: ignore[no-untyped-def]
        started = time.perf_counter()
        try:
            return func(*args)
        except StageError:
            raise
        except Exception as exc:  # one article's failure is reported with its stage, never hidden
            raise StageError(stage, f"{type(exc).__name__}: {exc}") from exc
        finally:
            self.stage_seconds[stage] += time.perf_counter() - started

    def normalize(self, article: Article) -> NormalizedText:
        return self._timed("normalize", self.normalizer.normalize, article.text)

    def extract(self, article: Article) -> list[DepartureEvent]:
        """The departure events of one article; raises StageError naming the stage that failed."""
        result = next(self.extract_many([article]))
        if isinstance(result, Exception):
            raise result
        return result

    def extract_many(self, articles: Sequence[Article]) -> Iterator[list[DepartureEvent] | Exception]:
        """The events of each article in order, or the exception that stopped it (a StageError, or
        an unexpected one, which the caller reports with its place): one article's failure never
        touches another's result. Each result is yielded as soon as that article is done.

        The statistical model reads the sentences of all the articles in one batch, which keeps its
        calls wide (a model call costs less per character the more sentences it holds); every
        other step runs per article, as `extract` would."""
        prepared: list[_Prepared | Exception] = [self._prepare(article) for article in articles]
        ready = [p for p in prepared if isinstance(p, _Prepared)]
        self._tag_together(ready)
        for item in prepared:
            yield item if isinstance(item, Exception) else self._finish(item)

    def _prepare(self, article: Article) -> _Prepared | Exception:
        try:
            if not article.text.strip():
                raise StageError("normalize", "the article has no text")
            norm = self.normalize(article)
            plan = self._timed("entities", self.engine.plan, norm.text)
            return _Prepared(article, norm, plan)
        except Exception as exc:
            return exc

    def _tag_together(self, prepared: list[_Prepared]) -> None:
        """The model's words for every article's sentences, from one batch; when the batch fails,
        each article is tagged alone in `_finish`, so the failure is reported as its own."""
        if self.engine.analyzer.tagger is None:
            return
        sentences = [p.plan.to_tag for p in prepared]
        try:
            tagged = self._timed("entities", self.engine.analyzer.tag, [s for group in sentences for s in group])
        except StageError:
            return
        found = iter(tagged or [])
        for item, group in zip(prepared, sentences):
            item.words = [next(found) for _ in group]

    def _finish(self, prepared: _Prepared) -> list[DepartureEvent] | Exception:
        try:
            return self._extract_prepared(prepared)
        except Exception as exc:
            return exc

    def _extract_prepared(self, prepared: _Prepared) -> list[DepartureEvent]:
        article, norm = prepared.article, prepared.norm
        pub = PubDate.parse(article.published_at)
        segmented = self.engine.segment_seconds
        analyzed, registry = self._timed("entities", self.engine.analyze, norm.text, pub, list(norm.suspect_spans),
                                         prepared.plan, prepared.words)
        jieba_seconds = self.engine.segment_seconds - segmented
        self.stage_seconds["segment"] += jieba_seconds
        self.stage_seconds["entities"] -= jieba_seconds
        candidates = self._timed("events", self.engine.candidates, analyzed)
        if not candidates:
            return []
        about = self.engine.fallback_org(analyzed, norm.text, lambda: self.normalizer.normalize(article.title).text)
        groups = self._timed("events", group_candidates, candidates, about)
        return self._timed("output", self._events, article.id, groups, norm, analyzed, registry)

    def _events(self, article_id, groups, norm, analyzed, registry) -> list[DepartureEvent]:  # type: ignore[no-untyped-def]
        aliases = {full: list(dict.fromkeys(a for a in names if a != full))
                   for full, names in registry.full_names.items()}
        profiles = self.engine.profiles(analyzed)
        joins = self.engine.join_statements(analyzed)
        units = self.engine.unit_profiles(analyzed)
        events = [
            build_event(article_id, group, norm, aliases.get(group[0].person, []),
                        profiles.get(group[0].person, []), joins.get(group[0].person, []),
                        units.get(group[0].person, []))
            for group in groups
        ]
        # a person who "left" with neither an organization nor a post is not a departure a reader
        # could record (他离开北京, 张大爷退休后): leave it out rather than guess
        events = [e for e in events if e.from_.organization or e.from_.position]
        events.sort(key=lambda e: (e.evidence[0].start if e.evidence else 0, e.person.name))
        return events


_shared: dict[str | None, Pipeline] = {}


def get_pipeline(rules_dir: Path | None = None) -> Pipeline:
    """One pipeline per process and rules directory: building it is the expensive part."""
    key = str(rules_dir) if rules_dir else None
    if key not in _shared:
        _shared[key] = Pipeline(rules_dir)
    return _shared[key]
