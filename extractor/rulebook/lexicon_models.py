"""Schemas of the extraction rules in `rules/` (organizations, titles, triggers, names, dates …).

Each file is validated on load; unknown keys are rejected so a typo in a user's overlay fails
loudly instead of silently doing nothing.
"""
from __future__ import annotations

import re
from typing import Literal, Optional, Union

from pydantic import Field, field_validator, model_validator

from extractor.rulebook.rule_models import Rule

OrgKind = Literal["company", "division", "fund", "university", "institute", "government", "charity", "club", "media",
                  "party", "hospital"]
DestKind = Literal["company", "startup", "academia", "other", "unknown"]


def _no_blank(values: list[str]) -> list[str]:
    for value in values:
        if not value or not value.strip():
            raise ValueError("empty entry: it would match everywhere")
    return values


class Organization(Rule):
    name: str = Field(min_length=1)
    kind: OrgKind
    aliases: list[str] = Field(default_factory=list)
    parent: Optional[str] = Field(default=None, description="a division reported as the unit of this organization")
    reason: Optional[str] = None

    _check_aliases = field_validator("aliases")(classmethod(lambda cls, v: _no_blank(v)))


class OrganizationsFile(Rule):
    organizations: list[Organization]

    @model_validator(mode="after")
    def _one_owner_per_alias(self) -> "OrganizationsFile":
        owner: dict[str, str] = {}
        names = {org.name for org in self.organizations}
        for org in self.organizations:
            if org.parent is not None and org.parent not in names:
                raise ValueError(f"{org.name}: parent {org.parent!r} is not a known organization")
            for alias in [org.name, *org.aliases]:
                if alias in owner and owner[alias] != org.name:
                    raise ValueError(f"alias {alias!r} points at both {owner[alias]!r} and {org.name!r}")
                owner[alias] = org.name
        return self


class OrgSuffix(Rule):
    suffix: str = Field(min_length=1)
    kind: OrgKind
    latin: bool = False
    descriptive: bool = Field(
        default=False,
        description="the suffix also ends plain descriptions (清洁机器人公司, 公募基金): a stem of common words is no name")
    not_followed_by: str = Field(
        default="", description="characters that, right after the suffix, make it part of another word (党委, 党员)")
    min_stem: int = Field(default=2, ge=1, description="the shortest name before the suffix (梅政府: 1)")
    reason: Optional[str] = None


class GroupNoun(Rule):
    noun: str = Field(min_length=1)
    kind: OrgKind
    reason: Optional[str] = None


class OrgPatternsFile(Rule):
    suffixes: list[OrgSuffix]
    group_nouns: list[GroupNoun] = Field(default_factory=list)
    unit_suffixes: list[str]
    remit_verbs: list[str]
    category_nouns: list[str]
    descriptors: list[str] = Field(default_factory=list)
    org_references: list[str] = Field(default_factory=list)
    former_prefixes: list[str] = Field(default_factory=list)
    issuer_patterns: list[str]
    place_prefixes: list[str]
    not_units: list[str]
    not_names: list[str]
    stock_code_pattern: str = Field(description="a stock code written after a company's name, not part of it")
    statement_verbs: list[str] = Field(default_factory=list)
    region_words: list[str] = Field(default_factory=list)
    region_prefixes: list[str] = Field(default_factory=list)
    place_suffixes: list[str] = Field(default_factory=list)

    _check = field_validator("unit_suffixes", "not_names")(classmethod(lambda cls, v: _no_blank(v)))

    @field_validator("stock_code_pattern")
    @classmethod
    def _code_compiles(cls, value: str) -> str:
        if re.compile(value).match(""):
            raise ValueError("stock_code_pattern matches the empty string")
        return value


class TitlesFile(Rule):
    titles: list[str]
    title_joiners: list[str]
    modifier_stops: str
    generic_prefixes: list[str]
    modifier_verbs: list[str]
    rank_pattern: str
    nationality_markers: list[str] = Field(default_factory=list)

    _check = field_validator("titles")(classmethod(lambda cls, v: _no_blank(v)))

    @field_validator("rank_pattern")
    @classmethod
    def _compiles(cls, value: str) -> str:
        re.compile(value)
        return value


class Trigger(Rule):
    word: str = Field(min_length=1)
    kind: Literal["leave_org", "leave_post", "fired"]
    object: Optional[Literal["after", "destination"]] = None
    destination: Optional[DestKind] = None
    requires_cue: list[str] = Field(
        default_factory=list,
        description="the word counts only in a sentence that also holds one of these (免去…职务 with 退休)")
    reason: Optional[str] = None


class NotTrigger(Rule):
    """A phrase that holds a departure word but tells no departure (任期届满之日止, 退出机制)."""

    phrase: str = Field(min_length=1)
    reason: Optional[str] = None


class CertaintyCues(Rule):
    reported: list[str]
    rumored: list[str]


class Suppressors(Rule):
    denial: list[str]
    transfer: list[str]
    negation: list[str]
    hypothetical: list[str] = Field(default_factory=list)
    # a reassignment told after the departure word, anywhere in the sentence (不再担任X，另有任用)
    reassigned_after: list[str] = Field(default_factory=list)


class TriggersFile(Rule):
    triggers: list[Trigger]
    not_triggers: list[NotTrigger] = Field(default_factory=list)
    place_objects: list[str] = Field(default_factory=list)
    object_markers: list[str] = Field(default_factory=list)
    receipt_verbs: list[str] = Field(default_factory=list)
    affiliation_verbs: list[str] = Field(default_factory=list)
    not_org_objects: list[str] = Field(default_factory=list)
    not_org_object_endings: list[str] = Field(default_factory=list)
    relation_nouns: list[str] = Field(default_factory=list)
    former_markers: list[str]
    former_window_markers: list[str]
    join_words: list[str]
    certainty: CertaintyCues
    suppressors: Suppressors
    reason_cues: list[str]
    reason_closers: list[str]
    subjects_after_cues: list[str]
    speech_verbs: list[str]
    before_join_cues: list[str]
    aggregate_pattern: str

    @field_validator("aggregate_pattern")
    @classmethod
    def _compiles(cls, value: str) -> str:
        if re.compile(value).match(""):
            raise ValueError("aggregate_pattern matches the empty string")
        return value

    @model_validator(mode="after")
    def _unique(self) -> "TriggersFile":
        seen: set[str] = set()
        for trigger in self.triggers:
            if trigger.word in seen:
                raise ValueError(f"trigger {trigger.word!r} is listed twice")
            seen.add(trigger.word)
        return self


class AliasIntro(Rule):
    label: str = Field(min_length=1)
    reason: str


class NameCuesFile(Rule):
    alias_intro: list[AliasIntro]
    honorifics: list[str]
    name_end_cues: str
    transliteration_marks: list[str]
    transliteration_end_cues: str
    role_nouns: list[str]
    name_left_verbs: list[str]
    not_person_words: list[str]
    not_in_given_name: str
    strong_right_cues: str
    anaphors: list[str]
    transliteration_notes: list[str]
    group_roles: list[str] = Field(default_factory=list)


class SurnamesFile(Rule):
    single: str = Field(min_length=1)
    double: list[str]
    japanese: list[str] = Field(default_factory=list)
    weak: str = ""

    @field_validator("single", "weak")
    @classmethod
    def _strip_spaces(cls, value: str) -> str:
        return "".join(value.split())


class JoinVerb(Rule):
    word: str = Field(min_length=1)
    kind: DestKind
    reason: Optional[str] = None


class NeighbourExclusion(Rule):
    before: str = ""
    after: str = ""


class DestinationsFile(Rule):
    join_verbs: list[JoinVerb]
    join_verb_exclusions: dict[str, NeighbourExclusion] = Field(default_factory=dict)
    recruit_verbs: list[str]
    kind_cues: dict[DestKind, list[str]]
    kind_of_org: dict[OrgKind, DestKind]
    signing_words: list[str] = Field(default_factory=list)


class YearPart(Rule):
    month: Optional[int] = Field(default=None, ge=1, le=12)
    precision: Literal["month", "season", "year"]


class DateOffset(Rule):
    days: int = 0
    months: int = 0
    years: int = 0


class DatesFile(Rule):
    year_words: dict[str, Union[int, Literal["same"]]]
    holidays: dict[str, int]
    offsets: dict[str, DateOffset]
    year_parts: dict[str, YearPart]
    recent_words: list[str]
    same_day_words: list[str]
    future_markers: list[str]
    previous_month_words: list[str]
    day_words: dict[str, int]
    vague_words: list[str] = Field(default_factory=list)
    effective_markers: list[str] = Field(default_factory=list)
    last_day_markers: list[str] = Field(default_factory=list)
    weekdays: dict[str, int] = Field(default_factory=dict)
    week_words: dict[str, int] = Field(default_factory=dict)
    weekday_followers: str = ""
