"""The extraction pipeline for one article: normalize → sentences → entities → events → merge.

Built once per process (rules, tokenizer, automata); `extract` is then called per article.
"""
from __future__ import annotations

import os
import time
from collections import defaultdict
from pathlib import Path

from extractor.entities.dates import PubDate
from .events.engine import EventEngine
from .events.merge import build_event, group_candidates
from extractor.rulebook.lexicon import Lexicon, load_lexicon
from .models import Article, DepartureEvent
from extractor.normalize.normalizer import NormalizedText, Normalizer
from extractor.entities.segment import Segmenter


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
        if not article.text.strip():
            raise StageError("normalize", "the article has no text")
        norm = self.normalize(article)
        pub = PubDate.parse(article.published_at)
        segmented = self.engine.segment_seconds
        analyzed, registry = self._timed("entities", self.engine.analyze, norm.text, pub, list(norm.suspect_spans))
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
