"""Paragraphs and sentences with offsets into the normalized text."""
from __future__ import annotations

import re
from dataclasses import dataclass

# A sentence ends at 。！？!? ； or a line break; closing quotes/brackets stay with it.
_SENTENCE = re.compile(r"[^。！？!?；;\n]*(?:[。！？!?；;]+[”’」』）)]*|\n|$)")


@dataclass(frozen=True)
class Sentence:
    index: int
    paragraph: int
    start: int
    end: int
    text: str


def split_sentences(text: str) -> list[Sentence]:
    sentences: list[Sentence] = []
    paragraph = 0
    for match in _SENTENCE.finditer(text):
        raw = match.group(0)
        if raw == "\n" or not raw:
            if raw == "\n":
                paragraph += 1
            continue
        body = raw.rstrip("\n")
        lead = len(body) - len(body.lstrip())
        body = body.strip()
        if body:
            start = match.start() + lead
            sentences.append(Sentence(len(sentences), paragraph, start, start + len(body), body))
        if raw.endswith("\n"):
            paragraph += 1
    return sentences
