"""The entity stage as a spaCy pipeline: a blank Chinese `Language` whose tokenizer is the
pipeline's own jieba segmenter, and one component per finder step. A sentence the statistical model
read is tokenized by the model's own words instead (`tokens`).

Every mention becomes a span in `doc.spans["mentions"]` with its label and, in `span._.source`, the
component or rule that found it; persons, organizations and times also become `doc.ents`.
A trained pipeline a user installed (`zh_core_web_sm` or a path) can add its statistical entities
(`ner_model`); nothing is downloaded, and the default needs none.
"""
from __future__ import annotations

from typing import Any

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from extractor.entities.segment import Segmenter
from .analyzer import SentenceAnalyzer, StepState
from .mentions import Mention, SentenceEntities

# The components keep their state in doc.user_data (a plain dict: the `doc._` accessor costs more
# than the lookups it wraps on this hot path); `doc._.mentions` reads it for users.
MENTIONS = "departures.mentions"
STATE = "departures.step_state"
Doc.set_extension("mentions", getter=lambda doc: doc.user_data.get(MENTIONS), force=True)
Span.set_extension("source", default=None, force=True)

_ENT_LABELS = ("PERSON", "ORG", "TIME")


class JiebaTokenizer:
    """spaCy tokenizer over the pipeline's own jieba instance (never jieba's process-wide one)."""

    def __init__(self, vocab: Any, segmenter: Segmenter) -> None:
        self.vocab = vocab
        self.segmenter = segmenter

    def __call__(self, text: str) -> Doc:
        words = [w for w in self.segmenter.cut(text) if w]
        return Doc(self.vocab, words=words, spaces=[False] * len(words))


class EntityStep:
    """One finder step of `SentenceAnalyzer` as a pipeline component."""

    def __init__(self, step: str) -> None:
        if step not in SentenceAnalyzer.STEPS:
            raise ValueError(f"unknown entity step {step!r}; expected one of {SentenceAnalyzer.STEPS}")
        self.step = step
        self.analyzer: SentenceAnalyzer | None = None  # attached by make_entity_nlp

    def __call__(self, doc: Doc) -> Doc:
        if self.analyzer is None:
            raise RuntimeError(f"component for step {self.step!r} has no analyzer attached")
        data = doc.user_data
        mentions = data.get(MENTIONS)
        if mentions is None:
            mentions = data[MENTIONS] = SentenceEntities(doc.text)
        state = data.get(STATE)
        if state is None:
            state = data[STATE] = StepState()
        self.analyzer.run_step(self.step, mentions, state)
        return doc


@Language.factory("departures_entity_step", default_config={"step": "triggers"})
def make_entity_step(nlp: Language, name: str, step: str) -> EntityStep:
    return EntityStep(step)


class ModelEntities:
    """Entities of a trained pipeline, added where the rules found nothing, marked with the model."""

    def __init__(self, model: str) -> None:
        self.model_name = model
        self.model = spacy.load(model)

    def __call__(self, doc: Doc) -> Doc:
        mentions: SentenceEntities = doc.user_data[MENTIONS]
        taken = [(m.start, m.end) for m in mentions.mentions]
        for ent in self.model(doc.text).ents:
            label = {"PER": "PERSON", "PERSON": "PERSON", "ORG": "ORG"}.get(ent.label_)
            if label is None or any(s < ent.end_char and ent.start_char < e for s, e in taken):
                continue
            mentions.add(Mention(ent.start_char, ent.end_char, ent.text, label, f"spacy.{self.model_name}.ner"))
        mentions.sort()
        return doc


@Language.factory("departures_model_entities", default_config={"model": ""})
def make_model_entities(nlp: Language, name: str, model: str) -> ModelEntities:
    return ModelEntities(model)


@Language.component("departures_mention_spans")
def mention_spans(doc: Doc) -> Doc:
    """Mentions → `doc.spans["mentions"]` and non-overlapping `doc.ents`, each span marked with its source."""
    spans = []
    for mention in doc.user_data[MENTIONS].mentions:
        span = doc.char_span(mention.start, mention.end, label=mention.label, alignment_mode="expand")
        if span is None:
            continue
        span._.source = mention.source
        spans.append(span)
    doc.spans["mentions"] = spans
    doc.ents = filter_spans([s for s in spans if s.label_ in _ENT_LABELS])
    return doc


def make_entity_nlp(analyzer: SentenceAnalyzer, segmenter: Segmenter, ner_model: str | None = None) -> Language:
    nlp = spacy.blank("zh")
    nlp.tokenizer = JiebaTokenizer(nlp.vocab, segmenter)
    for step in SentenceAnalyzer.STEPS:
        component = nlp.add_pipe("departures_entity_step", name=f"entities_{step}", config={"step": step})
        component.analyzer = analyzer
        if step == "persons" and ner_model:
            nlp.add_pipe("departures_model_entities", name="model_entities", config={"model": ner_model})
    nlp.add_pipe("departures_mention_spans", name="mention_spans")
    return nlp


def tokens(nlp: Language, text: str, model_words: list | None = None) -> Doc:
    """The sentence as a Doc: its tokens are the statistical model's words when the model read it
    (LAC segments the sentence as it tags it, so jieba need not cut it again), jieba's otherwise."""
    if model_words and sum(len(w.text) for w in model_words) == len(text):
        return Doc(nlp.vocab, words=[w.text for w in model_words], spaces=[False] * len(model_words))
    return nlp.make_doc(text)


def analyze_doc(nlp: Language, text: str, state: StepState) -> Doc:
    """Tokenize and run the entity components on one sentence read in `state`'s context."""
    doc = tokens(nlp, text, state.model_words)
    doc.user_data[STATE] = state
    for _, component in nlp.pipeline:
        doc = component(doc)
    return doc
