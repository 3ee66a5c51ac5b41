"""Schemas of the files in `rules/`: one pydantic model per file, unknown keys rejected.

A rule that cannot be validated stops loading with the file, entry and reason, because a
silently skipped rule changes extraction without anyone noticing.
"""
from __future__ import annotations

import re
from typing import Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator


class Rule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Example(Rule):
    input: str
    output: str


class Repair(Rule):
    """One repair of scraper or conversion damage, applied before or after t2s conversion.

    A repair either substitutes `replacement` (re.sub syntax) or applies a named `transform`
    to each match, for rewrites a template cannot express (decoding an HTML entity).
    """

    name: str = Field(min_length=1)
    pattern: str = Field(min_length=1, description="a Python regular expression")
    replacement: Optional[str] = Field(default=None, description="re.sub replacement; \\g<name> groups allowed")
    transform: Optional[Literal["html_unescape", "to_halfwidth"]] = None
    stage: Literal["before_conversion", "after_conversion"]
    reason: str = Field(min_length=1)
    examples: list[Example] = Field(min_length=1, description="each one checked by the tests")

    @field_validator("pattern")
    @classmethod
    def _compiles(cls, value: str) -> str:
        compiled = re.compile(value)
        if compiled.match(""):
            raise ValueError(f"pattern {value!r} matches the empty string and would fire everywhere")
        return value

    @model_validator(mode="after")
    def _one_rewrite(self) -> "Repair":
        if (self.replacement is None) == (self.transform is None):
            raise ValueError(f"repair {self.name!r}: give exactly one of `replacement` and `transform`")
        return self


class SuspectExample(Rule):
    input: str
    spans: list[str] = Field(description="the suspect stretches the rule must report, in order")


class Suspect(Rule):
    """A shape of text damaged beyond repair (characters lost as '?'): reported, never rewritten."""

    name: str = Field(min_length=1)
    pattern: str = Field(min_length=1, description="a Python regular expression; the whole match is the suspect span")
    contains: str = Field(
        min_length=1,
        description="characters one of which every match holds; a text with none of them is skipped without a scan",
    )
    only_with_fullwidth_punctuation: bool = Field(
        default=False,
        description="fire only in articles punctuated with full-width marks, where a half-width '?' is not the article's own",
    )
    reason: str = Field(min_length=1)
    examples: list[SuspectExample] = Field(min_length=1, description="each one checked by the tests")

    @field_validator("pattern")
    @classmethod
    def _compiles(cls, value: str) -> str:
        if re.compile(value).match(""):
            raise ValueError(f"pattern {value!r} matches the empty string and would fire everywhere")
        return value


class RepairsFile(Rule):
    repairs: list[Repair]
    suspects: list[Suspect] = Field(default_factory=list)


class ConversionFile(Rule):
    """How traditional script is recognised before t2s conversion (rules/conversion.yaml)."""

    shared_characters: str = Field(
        default="",
        description="characters t2s may change that simplified text also writes; alone they do not make an article traditional",
    )
    min_traditional_characters: int = Field(
        default=1, ge=1, description="traditional-only characters an article needs before it is converted"
    )
