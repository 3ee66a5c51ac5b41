"""The compiled lexicon: every rules file turned into the lookup structures the stages use.

Built once per pipeline. One lexicon feeds segmentation (user words), conversion (protected
spellings), entity finders (automata) and event rules, so a name added to `rules/` takes effect
everywhere at once.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import ahocorasick

from extractor.rulebook.lexicon_models import (
    DatesFile,
    DestinationsFile,
    NameCuesFile,
    OrganizationsFile,
    OrgPatternsFile,
    SurnamesFile,
    TitlesFile,
    Trigger,
    TriggersFile,
)
from extractor.rulebook.loader import load_rule_file

def _is_latin(char: str) -> bool:
    return char.isascii() and char.isalnum()


@dataclass(frozen=True)
class OrgEntry:
    canonical: str  # the organization reported as from.organization / to.organization
    kind: str
    unit: str | None = None  # set for a division: reported as from.unit


@dataclass(frozen=True)
class Hit:
    start: int
    end: int
    surface: str
    value: object


class PhraseIndex:
    """Aho–Corasick over a phrase list, giving leftmost-longest, non-overlapping hits.

    Latin phrases only match at word edges (MIT must not fire inside MITx).
    """

    CACHE_SIZE = 256  # sentences: the event rules ask the same index about the same sentence often

    def __init__(self, phrases: dict[str, object]) -> None:
        self._automaton = ahocorasick.Automaton()
        for phrase, value in phrases.items():
            # the edges to check are known once per phrase, not looked up per hit
            edges = (_is_latin(phrase[0]), _is_latin(phrase[-1]))
            self._automaton.add_word(phrase, (phrase, value, edges))
        self._empty = not phrases
        self._has_latin = any(_is_latin(p[0]) or _is_latin(p[-1]) for p in phrases)
        self._cache: dict[str, list[Hit]] = {}
        if not self._empty:
            self._automaton.make_automaton()

    def all_hits(self, text: str) -> list[Hit]:
        if self._empty:
            return []
        hits = []
        for end_index, (phrase, value, (latin_start, latin_end)) in self._automaton.iter(text):
            start = end_index - len(phrase) + 1
            end = end_index + 1
            if latin_start and start > 0 and _is_latin(text[start - 1]):
                continue
            if latin_end and end < len(text) and _is_latin(text[end]):
                continue
            hits.append(Hit(start, end, phrase, value))
        return hits

    def hits(self, text: str) -> list[Hit]:
        """Leftmost-longest hits that do not overlap (cached for the last few sentences asked about)."""
        cached = self._cache.get(text)
        if cached is not None:
            return cached
        if self._empty:
            return []
        if self._has_latin:
            chosen = self._longest_with_edges(text)
        else:
            # no Latin edge to check: pyahocorasick's own leftmost-longest scan does it in C
            chosen = [Hit(end + 1 - len(phrase), end + 1, phrase, value)
                      for end, (phrase, value, _) in self._automaton.iter_long(text)]
        if len(self._cache) >= self.CACHE_SIZE:
            self._cache.clear()
        self._cache[text] = chosen
        return chosen

    def _longest_with_edges(self, text: str) -> list[Hit]:
        """Leftmost-longest hits where a Latin phrase must not run into more Latin (AI in OpenAI).
        pyahocorasick's scan in C gives them, unless one of its hits fails that check: then every
        hit is weighed in Python."""
        chosen: list[Hit] = []
        for end_index, (phrase, value, (latin_start, latin_end)) in self._automaton.iter_long(text):
            start, end = end_index - len(phrase) + 1, end_index + 1
            if (latin_start and start > 0 and _is_latin(text[start - 1])) or \
                    (latin_end and end < len(text) and _is_latin(text[end])):
                break
            chosen.append(Hit(start, end, phrase, value))
        else:
            return chosen
        chosen = []
        for hit in sorted(self.all_hits(text), key=lambda h: (h.start, -(h.end - h.start))):
            if chosen and hit.start < chosen[-1].end:
                continue
            chosen.append(hit)
        return chosen

    def contains_any(self, text: str) -> bool:
        if self._empty:
            return False
        if not self._has_latin:
            return next(self._automaton.iter(text), None) is not None
        return bool(self.all_hits(text))


class MoveIndex(PhraseIndex):
    """Move verbs, leaving out one-character ones that are part of a longer word here (去年, 辞去)."""

    def __init__(self, phrases: dict[str, object], exclusions: dict) -> None:  # type: ignore[type-arg]
        super().__init__(phrases)
        self._exclusions = exclusions

    def hits(self, text: str) -> list[Hit]:
        found = super().hits(text)
        if not self._exclusions:
            return found
        kept = []
        for hit in found:
            rule = self._exclusions.get(hit.surface)
            if rule is not None and (
                (hit.start > 0 and text[hit.start - 1] in rule.before)
                or (hit.end < len(text) and text[hit.end] in rule.after)
            ):
                continue
            kept.append(hit)
        return kept


@dataclass
class Lexicon:
    organizations: OrganizationsFile
    org_patterns: OrgPatternsFile
    titles: TitlesFile
    triggers: TriggersFile
    name_cues: NameCuesFile
    surnames: SurnamesFile
    destinations: DestinationsFile
    dates: DatesFile
    org_by_surface: dict[str, OrgEntry] = field(default_factory=dict)

    def __post_init__(self) -> None:
        by_name = {org.name: org for org in self.organizations.organizations}
        for org in self.organizations.organizations:
            parent = by_name.get(org.parent) if org.parent else None
            entry = (
                OrgEntry(parent.name, parent.kind, unit=org.name)
                if parent is not None
                else OrgEntry(org.name, org.kind)
            )
            for surface in [org.name, *org.aliases]:
                self.org_by_surface[surface] = entry
        self.org_index = PhraseIndex(dict(self.org_by_surface))
        self.title_index = PhraseIndex({t: t for t in self.titles.titles})
        # phrases that hold a departure word but tell none win as the longer match and are then skipped
        self.trigger_index = PhraseIndex({**{n.phrase: None for n in self.triggers.not_triggers},
                                          **{t.word: t for t in self.triggers.triggers}})
        self.unit_suffix_index = PhraseIndex({u: u for u in self.org_patterns.unit_suffixes})
        self.rank_re = re.compile(self.titles.rank_pattern)
        self.single_surnames = frozenset(self.surnames.single)
        self.double_surnames = frozenset(self.surnames.double) | frozenset(self.surnames.japanese)
        self.weak_surnames = frozenset(self.surnames.weak)
        self.not_org_names = frozenset(self.org_patterns.not_names)
        self.stock_code_re = re.compile(self.org_patterns.stock_code_pattern)
        cert = self.triggers.certainty
        self.certainty_index = PhraseIndex(
            {**{w: "reported" for w in cert.reported}, **{w: "rumored" for w in cert.rumored}}
        )
        sup = self.triggers.suppressors
        self.suppressor_index = PhraseIndex(
            {**{w: "denial" for w in sup.denial}, **{w: "transfer" for w in sup.transfer},
             **{w: "negation" for w in sup.negation}, **{w: "hypothetical" for w in sup.hypothetical},
             **{w: "reassigned_after" for w in sup.reassigned_after}}
        )
        self.join_index = MoveIndex(
            {v.word: v.kind for v in self.destinations.join_verbs}, self.destinations.join_verb_exclusions)
        self.kind_cue_index = PhraseIndex(
            {cue: kind for kind, cues in self.destinations.kind_cues.items() for cue in cues}
        )
        self.former_markers = tuple(sorted(self.triggers.former_markers, key=len, reverse=True))
        self.join_word_index = PhraseIndex({w: w for w in self.triggers.join_words})
        self.speech_index = PhraseIndex({w: w for w in self.triggers.speech_verbs})
        self.anaphor_index = PhraseIndex({a: a for a in self.name_cues.anaphors})
        self.name_end_cues = frozenset(self.name_cues.name_end_cues)
        self.role_index = PhraseIndex({r: r for r in self.name_cues.role_nouns})
        self.name_left_verb_index = PhraseIndex({v: v for v in self.name_cues.name_left_verbs})
        self.role_words = frozenset(self.name_cues.role_nouns) | frozenset(self.titles.titles)
        self.group_roles = tuple(self.name_cues.group_roles)
        self.not_person_words = frozenset(self.name_cues.not_person_words)
        self.not_in_given_name = frozenset(self.name_cues.not_in_given_name)
        self.strong_right_cues = frozenset(self.name_cues.strong_right_cues)

    # -- views used by other stages -------------------------------------------------------

    def user_words(self) -> Iterator[str]:
        """Words jieba must keep whole: organization surfaces, titles and triggers."""
        yield from self.org_by_surface
        yield from self.titles.titles
        for trigger in self.triggers.triggers:
            yield trigger.word

    def trigger_words(self) -> list[Trigger]:
        return list(self.triggers.triggers)

    def dest_kind_of_org(self, org_kind: str) -> str:
        return self.destinations.kind_of_org.get(org_kind, "company")  # type: ignore[arg-type]


def load_lexicon(rules_dir: Path | None = None) -> Lexicon:
    return Lexicon(
        organizations=load_rule_file("organizations", OrganizationsFile, rules_dir),
        org_patterns=load_rule_file("org_patterns", OrgPatternsFile, rules_dir),
        titles=load_rule_file("titles", TitlesFile, rules_dir),
        triggers=load_rule_file("triggers", TriggersFile, rules_dir),
        name_cues=load_rule_file("name_cues", NameCuesFile, rules_dir),
        surnames=load_rule_file("surnames", SurnamesFile, rules_dir),
        destinations=load_rule_file("destinations", DestinationsFile, rules_dir),
        dates=load_rule_file("dates", DatesFile, rules_dir),
    )
