"""Repairs of scraper and conversion damage, and detection of damage that cannot be repaired.

The rules live in rules/repairs.yaml; this module compiles them once and turns each into edits
(see offsets.Edit), so the offset map stays exact whatever a repair removes or rewrites.
"""
from __future__ import annotations

import html
from html.entities import html5 as html5_entities
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from extractor.normalize.offsets import Edit
from extractor.rulebook.rule_models import Repair, RepairsFile, Suspect
from extractor.rulebook.loader import rules

_FULLWIDTH_TO_HALFWIDTH = {code: code - 0xFEE0 for code in range(0xFF10, 0xFF1A)}  # ０-９
_FULLWIDTH_TO_HALFWIDTH.update({code: code - 0xFEE0 for code in range(0xFF21, 0xFF3B)})  # Ａ-Ｚ
_FULLWIDTH_TO_HALFWIDTH.update({code: code - 0xFEE0 for code in range(0xFF41, 0xFF5B)})  # ａ-ｚ
_FULLWIDTH_TO_HALFWIDTH[0x3000] = 0x20  # ideographic space


def _to_halfwidth(match: re.Match[str]) -> str:
    # Letters, digits and the ideographic space only: full-width punctuation (，。：（）「」) is
    # what the gold and the sentence splitter read, so it stays.
    return match.group().translate(_FULLWIDTH_TO_HALFWIDTH)


def _html_unescape(match: re.Match[str]) -> str:
    entity = match.group()
    while entity.startswith("&amp;") and len(entity) > len("&amp;"):
        entity = "&" + entity[len("&amp;") :]  # escaped twice by the scraper: "&amp;nbsp;" is "&nbsp;"
    if entity.startswith("&#"):
        return html.unescape(entity)
    # Named entities only when the whole name is one: html.unescape would read "&notit;" as "¬it;".
    return html5_entities.get(entity[1:], entity)


TRANSFORMS: dict[str, Callable[[re.Match[str]], str]] = {
    "html_unescape": _html_unescape,
    "to_halfwidth": _to_halfwidth,
}


@dataclass(frozen=True)
class CompiledRepair:
    rule: Repair
    pattern: re.Pattern[str]

    @classmethod
    def compile(cls, rule: Repair) -> "CompiledRepair":
        return cls(rule, re.compile(rule.pattern))

    def rewrite(self, match: re.Match[str]) -> str:
        if self.rule.transform is not None:
            return TRANSFORMS[self.rule.transform](match)
        assert self.rule.replacement is not None
        if "\\" not in self.rule.replacement:
            return self.rule.replacement  # a plain string: skip parsing the template for every match
        return match.expand(self.rule.replacement)

    def edits(self, text: str) -> list[Edit]:
        found: list[Edit] = []
        for match in self.pattern.finditer(text):
            replacement = self.rewrite(match)
            if replacement != match.group():
                found.append(Edit(match.start(), match.end(), replacement))
        return found

    def apply(self, text: str) -> str:
        """This rule alone on a string (for checking a rule's examples)."""
        return self.pattern.sub(self.rewrite, text)


@dataclass(frozen=True)
class CompiledSuspect:
    rule: Suspect
    pattern: re.Pattern[str]

    @classmethod
    def compile(cls, rule: Suspect) -> "CompiledSuspect":
        return cls(rule, re.compile(rule.pattern))

    def spans(self, text: str, fullwidth_punctuation: bool) -> list[tuple[int, int]]:
        if self.rule.only_with_fullwidth_punctuation and not fullwidth_punctuation:
            return []
        if not any(char in text for char in self.rule.contains):
            return []
        return [match.span() for match in self.pattern.finditer(text)]


def uses_fullwidth_punctuation(text: str) -> bool:
    """Whether the article punctuates with full-width commas (then a half-width '?' is foreign to it)."""
    return text.count("，") > text.count(",")


def merge_spans(spans: list[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return tuple(merged)


@dataclass(frozen=True)
class RepairSet:
    before_conversion: tuple[CompiledRepair, ...]
    after_conversion: tuple[CompiledRepair, ...]
    suspects: tuple[CompiledSuspect, ...]

    def find_suspects(self, text: str) -> tuple[tuple[int, int], ...]:
        if not self.suspects:
            return ()
        fullwidth = uses_fullwidth_punctuation(text)
        return merge_spans([span for suspect in self.suspects for span in suspect.spans(text, fullwidth)])


def make_repair_set(rules_dir: Path | None = None) -> RepairSet:
    """Compile rules/repairs.yaml (plus a user's overlay in `rules_dir`), in file order."""
    loaded: RepairsFile = rules("repairs", RepairsFile, rules_dir)
    compiled = [CompiledRepair.compile(rule) for rule in loaded.repairs]
    return RepairSet(
        before_conversion=tuple(r for r in compiled if r.rule.stage == "before_conversion"),
        after_conversion=tuple(r for r in compiled if r.rule.stage == "after_conversion"),
        suspects=tuple(CompiledSuspect.compile(rule) for rule in loaded.suspects),
    )
