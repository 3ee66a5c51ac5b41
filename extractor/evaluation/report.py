"""Render a score: a readable table, a JSON report, the list of mistakes, and floor checks."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Optional

from extractor.evaluation.scoring import FIELDS, ArticleScore, CorpusScore, Counts, Mistake


def _row(label: str, width: int, counts: Counts) -> str:
    return (f"{label:<{width}}  {counts.tp:>5} {counts.fp:>5} {counts.fn:>5}  "
            f"{counts.precision:>6.3f} {counts.recall:>6.3f} {counts.f1:>6.3f}")


def _header(label: str, width: int) -> str:
    return f"{label:<{width}}  {'TP':>5} {'FP':>5} {'FN':>5}  {'P':>6} {'R':>6} {'F1':>6}"


def format_table(score: CorpusScore) -> str:
    """Corpus rows (events, then each field), then each article's event scores."""
    width = max([len("article"), *(len(a.article_id) for a in score.articles), *(len(f) for f in FIELDS)])
    lines = [_header("corpus", width), _row("events", width, score.events)]
    lines += [_row(name, width, score.fields[name]) for name in FIELDS]
    lines += ["", _header("article", width)]
    for article in score.articles:
        lines.append(_row(article.article_id, width, article.events) + ("" if article.in_gold else "  (not in gold)"))
    return "\n".join(lines) + "\n"


def _article_dict(article: ArticleScore) -> dict[str, Any]:
    return {
        "article_id": article.article_id,
        "in_gold": article.in_gold,
        "gold_events": article.gold_events,
        "predicted_events": article.predicted_events,
        "events": article.events.as_dict(),
        "fields": {name: article.fields[name].as_dict() for name in FIELDS},
    }


def _mistake_dict(mistake: Mistake) -> dict[str, Any]:
    return {
        "article_id": mistake.article_id,
        "person": mistake.person,
        "kind": mistake.kind,
        "field": mistake.field,
        "predicted": mistake.predicted,
        "gold": list(mistake.gold),
        "detail": mistake.detail,
    }


def report_dict(score: CorpusScore, show: bool = False) -> dict[str, Any]:
    report: dict[str, Any] = {
        "corpus": {
            "articles": len(score.articles),
            "gold_events": sum(a.gold_events for a in score.articles),
            "predicted_events": sum(a.predicted_events for a in score.articles),
            "events": score.events.as_dict(),
            "fields": {name: score.fields[name].as_dict() for name in FIELDS},
        },
        "articles": [_article_dict(a) for a in score.articles],
        "articles_not_in_gold": score.unknown_articles,
    }
    if show:
        report["mistakes"] = [_mistake_dict(m) for m in score.mistakes]
    return report


_KIND_LABELS = {
    "missed": "MISSED",
    "false_alarm": "FALSE ALARM",
    "wrong_value": "WRONG",
    "missing_value": "NO VALUE",
    "unexpected_value": "UNEXPECTED",
}


def _gold_list(values: tuple[str, ...]) -> str:
    return " | ".join(values) if values else "(empty)"


def format_mistakes(score: CorpusScore) -> str:
    """One line per miss, false alarm and wrong field value, grouped by article."""
    lines = []
    for mistake in score.mistakes:
        head = f"{mistake.article_id}\t{mistake.person}\t{_KIND_LABELS[mistake.kind]}"
        if mistake.kind == "missed":
            body = f"from {_gold_list(mistake.gold)}" + (f"  -- {mistake.detail}" if mistake.detail else "")
        elif mistake.kind == "false_alarm":
            body = f"from {mistake.predicted or '(none)'}  -- {mistake.detail}"
        else:
            body = f"{mistake.field}: predicted {mistake.predicted or '(none)'}, gold {_gold_list(mistake.gold)}"
        lines.append(f"{head}\t{body}")
    return "\n".join(lines) + ("\n" if lines else "")


# F1 is a ratio of small integers: a floor written as 0.6 must hold for a computed 0.5999999999
_TOLERANCE = 1e-9


def floor_failures(score: CorpusScore, min_event_f1: Optional[float],
                   min_field_f1: Optional[float | Mapping[str, float]]) -> list[str]:
    """Why the score is under a floor; empty when every given floor holds.

    `min_field_f1` is one floor for every field, or a floor per field name (fields left out are not checked).
    """
    failures = []
    if min_event_f1 is not None and score.events.f1 < min_event_f1 - _TOLERANCE:
        failures.append(f"events F1 {score.events.f1:.3f} is under the floor {min_event_f1:.3f}")
    if min_field_f1 is None:
        field_floors: Mapping[str, float] = {}
    elif isinstance(min_field_f1, Mapping):
        field_floors = min_field_f1
    else:
        field_floors = dict.fromkeys(FIELDS, min_field_f1)
    for name in FIELDS:
        if name in field_floors and score.fields[name].f1 < field_floors[name] - _TOLERANCE:
            failures.append(f"{name} F1 {score.fields[name].f1:.3f} is under the floor {field_floors[name]:.3f}")
    return failures
