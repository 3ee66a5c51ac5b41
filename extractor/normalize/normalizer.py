"""Normalization: the article as given → clean simplified text, with a map back to the original.

Order: repairs of the scraped text (rules/repairs.yaml, stage before_conversion) → t2s conversion
when the article is in traditional script (protected spellings untouched) → repairs of conversion
output (after_conversion) → detection of unrepairable damage (suspect spans). Every step is
recorded as edits on one TrackedText, so `source_span` is exact whatever was removed.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Mapping

import ahocorasick

from extractor.normalize.convert import Converter, changed_characters, conversion_edits, make_converter
from extractor.normalize.offsets import Edit, OffsetMap, TrackedText
from extractor.normalize.repairs import RepairSet, make_repair_set
from extractor.rulebook.rule_models import ConversionFile
from extractor.rulebook.loader import rules
from extractor.normalize.throughput import mb_per_second


@dataclass(frozen=True)
class NormalizedText:
    original: str  # the decoded input text as given
    text: str  # clean simplified text; every later stage reads only this
    suspect_spans: tuple[tuple[int, int], ...]  # spans of `text` with characters lost as '?'
    offsets: OffsetMap = field(repr=False)
    converted: bool = False  # whether t2s conversion ran (the article was in traditional script)

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        """Normalized `[start, end)` → the original `[s, e)` it came from."""
        return self.offsets.source_span(start, end)

    def is_suspect(self, start: int, end: int) -> bool:
        """Whether `[start, end)` overlaps text damaged beyond repair."""
        return any(start < s_end and s_start < end for s_start, s_end in self.suspect_spans)


class TraditionalDetector:
    """Counts characters only traditional script writes, so simplified articles skip conversion."""

    def __init__(self, converter: Converter, settings: ConversionFile) -> None:
        traditional = changed_characters(converter) - set(settings.shared_characters)
        self._pattern = re.compile("[" + "".join(sorted(traditional)) + "]")
        self._needed = settings.min_traditional_characters

    def is_traditional(self, text: str) -> bool:
        if self._needed == 1:
            return self._pattern.search(text) is not None
        found = 0
        for _ in self._pattern.finditer(text):
            found += 1
            if found >= self._needed:
                return True
        return False


class Normalizer:
    """Built once (rules compiled, converter loaded); `normalize` is then called per article."""

    def __init__(
        self,
        rules_dir: Path | None = None,
        protected: Mapping[str, str] | None = None,
        converter: Converter | str | None = None,
    ) -> None:
        """`rules_dir` is a user's rules directory overlaid on the shipped rules.

        `protected` maps a spelling (usually traditional) to the simplified spelling that must come
        out of conversion (organization names, titles). Each simplified spelling also protects
        itself, so 乾 or 於 inside a name survive in simplified articles that get converted too.
        `converter` is a converter name (see convert.CONVERTERS) or object; by default the fast one.
        """
        self.converter = make_converter(converter) if converter is None or isinstance(converter, str) else converter
        self.repairs: RepairSet = make_repair_set(rules_dir)
        self.detector = TraditionalDetector(self.converter, rules("conversion", ConversionFile, rules_dir))
        self._protected = self._build_protected(protected or {})

    def _build_protected(self, protected: Mapping[str, str]) -> ahocorasick.Automaton | None:
        wanted: dict[str, str] = {value: value for value in protected.values() if value}
        wanted.update({key: value for key, value in protected.items() if key})
        # Only spellings plain conversion would get wrong need guarding; the rest convert as they should.
        needed = {key: value for key, value in wanted.items() if self.converter.convert(key) != value}
        if not needed:
            return None
        automaton = ahocorasick.Automaton()
        for key, value in needed.items():
            automaton.add_word(key, (len(key), value))
        automaton.make_automaton()
        return automaton

    def normalize(self, original: str, convert: bool | None = None) -> NormalizedText:
        """Normalize one article; `convert` forces t2s on or off instead of detecting the script."""
        tracked = TrackedText(original)
        for repair in self.repairs.before_conversion:
            tracked.apply(repair.edits(tracked.text))
        converted = self.detector.is_traditional(tracked.text) if convert is None else convert
        if converted:
            self._convert(tracked)
            for repair in self.repairs.after_conversion:
                tracked.apply(repair.edits(tracked.text))
        return NormalizedText(
            original=original,
            text=tracked.text,
            suspect_spans=self.repairs.find_suspects(tracked.text),
            offsets=tracked.freeze(),
            converted=converted,
        )

    def _convert(self, tracked: TrackedText) -> None:
        text = tracked.text
        if self._protected is None:
            same_length, edits = conversion_edits(text, self.converter)
            tracked.substitute(same_length)
            tracked.apply(edits)
            return
        # Convert the stretches between protected spellings; splice the protected ones in as given.
        pieces: list[str] = []
        edits = []
        position = 0
        for end_index, (length, value) in self._protected.iter_long(text):
            start = end_index + 1 - length
            gap, gap_edits = conversion_edits(text[position:start], self.converter)
            pieces.append(gap)
            edits.extend(Edit(s + position, e + position, r) for s, e, r in gap_edits)
            if len(value) == length:
                pieces.append(value)
            else:
                pieces.append(text[start : start + length])
                edits.append(Edit(start, start + length, value))
            position = start + length
        tail, tail_edits = conversion_edits(text[position:], self.converter)
        pieces.append(tail)
        edits.extend(Edit(s + position, e + position, r) for s, e, r in tail_edits)
        tracked.substitute("".join(pieces))
        tracked.apply(edits)


def normalization_throughput(texts: Iterable[str], normalizer: Normalizer | None = None, rounds: int = 3) -> float:
    """Best-of-`rounds` normalization speed in MB/s (UTF-8 bytes of input), for benchmarks."""
    return mb_per_second((normalizer or Normalizer()).normalize, texts, rounds)
