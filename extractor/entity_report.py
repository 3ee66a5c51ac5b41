"""Every entity the entity stage saw in an article, kept or dropped, with where and who found it.

`article_entities(pipeline, article)` gives one JSON-ready record per article: for each entity its
type, text, offsets into the normalized text and into the text as given, the component or rule that
found it, and whether the merge of rules and model kept it (with the reason when it did not). It is
how a user sees why an event was or was not found (`departures entities`).
"""
from __future__ import annotations

from typing import Any

from extractor.entities.dates import PubDate
from extractor.entities.mentions import Mention
from extractor.models import Article
from extractor.normalize.normalizer import NormalizedText
from extractor.pipeline import Pipeline

# labels worth showing: the entities and the words that open frames
REPORTED = ("PERSON", "ORG", "UNIT", "TITLE", "TIME", "TRIGGER", "RANK")


def _entry(mention: Mention, base: int, norm: NormalizedText, kept: bool, reason: str | None) -> dict[str, Any]:
    start, end = base + mention.start, base + mention.end
    source_start, source_end = norm.source_span(start, end)
    value = mention.value
    record: dict[str, Any] = {
        "type": mention.label, "text": mention.text, "start": start, "end": end,
        "source_start": source_start, "source_end": source_end, "found_by": mention.source, "kept": kept,
    }
    canonical = getattr(value, "canonical", None)
    if canonical is not None and canonical != mention.text:
        record["canonical"] = canonical
    if reason:
        record["reason"] = reason
    return record


def article_entities(pipeline: Pipeline, article: Article) -> dict[str, Any]:
    """The entities of the sentences the engine read (paragraphs that can hold a departure)."""
    norm = pipeline.normalize(article)
    analyzed, _ = pipeline.engine.analyze(norm.text, PubDate.parse(article.published_at), list(norm.suspect_spans))
    entities: list[dict[str, Any]] = []
    for item in analyzed:
        base = item.sentence.start
        # persons are reported as the events read them: after the article's names were learned
        persons = {(m.start, m.end): full for m, full in item.persons}
        for mention in item.ents.mentions:
            if mention.label not in REPORTED:
                continue
            if mention.label == "PERSON" and (mention.start, mention.end) not in persons:
                entities.append(_entry(mention, base, norm, False, "dropped: a longer or known name covers it"))
                continue
            record = _entry(mention, base, norm, True, None)
            if mention.label == "PERSON" and persons[(mention.start, mention.end)] != mention.text:
                record["canonical"] = persons[(mention.start, mention.end)]
            entities.append(record)
        for (start, end), full in persons.items():
            if not any(m.label == "PERSON" and (m.start, m.end) == (start, end) for m in item.ents.mentions):
                known = Mention(start, end, item.ents.text[start:end], "PERSON", "persons.registry.v1")
                record = _entry(known, base, norm, True, None)
                if full != known.text:
                    record["canonical"] = full
                entities.append(record)
        for mention, reason in item.ents.rejected:
            entities.append(_entry(mention, base, norm, False, reason))
    entities.sort(key=lambda e: (e["start"], -e["end"], e["type"]))
    return {"article_id": article.id, "sentences_read": len(analyzed), "entities": entities}
