"""Schemas of the files in `rules/`: one pydantic model per file, unknown keys rejected.

A rule that cannot be validated stops loading with the file, entry and reason, because a
silently skipped rule changes extraction without anyone noticing.
"""
from __future__ import annotations

import re
from typing import Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, field_validator


class Rule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Example(Rule):
    input: str
    output: str


class Repair(Rule):
    """One repair of scraper or conversion damage, applied before or after t2s conversion."""

    name: str = Field(min_length=1)
    pattern: str = Field(min_length=1, description="a Python regular expression")
    replacement: str = Field(description="re.sub replacement; \\g<name> groups allowed")
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


class RepairsFile(Rule):
    repairs: list[Repair]
