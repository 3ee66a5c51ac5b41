"""Track every rewrite of an article's text so any span of the result maps back to the original.

Each character of the current text carries the original span it came from, `[starts[i], ends[i])`.
Rewrites are given as edits (replace `text[start:end]` with a string); characters an edit keeps
at its front or back keep their own spans, so removing `(jù)` after `據` leaves `據` mapped to
itself. A text nobody rewrote keeps no arrays at all (identity map).
"""
from __future__ import annotations

from array import array
from typing import NamedTuple, Sequence



def common_ends(old: Sequence[str], new: Sequence[str]) -> tuple[int, int]:
    """Lengths of the shared start and the shared end of two sequences, not overlapping."""
    shortest = min(len(old), len(new))
    head = 0
    while head < shortest and old[head] == new[head]:
        head += 1
    tail = 0
    while tail < shortest - head and old[-1 - tail] == new[-1 - tail]:
        tail += 1
    return head, tail

class Edit(NamedTuple):
    """Replace `text[start:end]` with `replacement` (positions in the text before the rewrite)."""

    start: int
    end: int
    replacement: str


class OffsetMap:
    """Maps spans of a rewritten text to spans of the original text; monotonic and in bounds."""

    __slots__ = ("_starts", "_ends", "_length", "_original_length")

    def __init__(self, starts: array | None, ends: array | None, length: int, original_length: int) -> None:
        self._starts = starts
        self._ends = ends
        self._length = length
        self._original_length = original_length

    @classmethod
    def identity(cls, length: int) -> "OffsetMap":
        return cls(None, None, length, length)

    @property
    def is_identity(self) -> bool:
        return self._starts is None

    def __len__(self) -> int:
        return self._length

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        """Original `[s, e)` of the rewritten `[start, end)`: the smallest original stretch it came from."""
        if not 0 <= start <= end <= self._length:
            raise IndexError(f"span [{start}, {end}) is outside the normalized text of length {self._length}")
        if self._starts is None or self._ends is None:
            return start, end
        if start == end:
            at = self._starts[start] if start < self._length else self._original_length
            return at, at
        return self._starts[start], self._ends[end - 1]


class TrackedText:
    """A text being rewritten step by step, with the map from its characters to the original."""

    def __init__(self, original: str) -> None:
        self.original = original
        self.text = original
        self._starts: array | None = None
        self._ends: array | None = None

    def substitute(self, new_text: str) -> None:
        """Swap in a text of the same length whose characters correspond one to one (e.g. t2s output)."""
        if len(new_text) != len(self.text):
            raise ValueError(
                f"substitute needs a text of the same length ({len(self.text)}), got {len(new_text)}; use apply()"
            )
        self.text = new_text

    def apply(self, edits: Sequence[Edit]) -> None:
        """Apply edits sorted by position and not overlapping; keeps the map exact."""
        if not edits:
            return
        text = self.text
        if self._starts is None or self._ends is None:
            self._starts = array("q", range(len(text)))
            self._ends = array("q", range(1, len(text) + 1))
        starts, ends = self._starts, self._ends
        new_starts, new_ends = array("q"), array("q")
        pieces: list[str] = []
        pos = 0
        for start, end, replacement in edits:
            if start < pos or end < start or end > len(text):
                raise ValueError(
                    f"edit [{start}, {end}) overlaps an earlier one or leaves the text (length {len(text)})"
                )
            pieces.append(text[pos:start])
            new_starts.extend(starts[pos:start])
            new_ends.extend(ends[pos:start])
            self._map_block(text, start, end, replacement, new_starts, new_ends)
            pieces.append(replacement)
            pos = end
        pieces.append(text[pos:])
        new_starts.extend(starts[pos:])
        new_ends.extend(ends[pos:])
        self.text = "".join(pieces)
        self._starts, self._ends = new_starts, new_ends

    def _map_block(self, text: str, start: int, end: int, replacement: str, out_starts: array, out_ends: array) -> None:
        assert self._starts is not None and self._ends is not None
        starts, ends = self._starts, self._ends
        head, tail = common_ends(text[start:end], replacement)
        old_mid_start, old_mid_end = start + head, end - tail
        new_mid = len(replacement) - head - tail
        out_starts.extend(starts[start:old_mid_start])
        out_ends.extend(ends[start:old_mid_start])
        if new_mid == old_mid_end - old_mid_start:
            # Same length in the middle: character for character (full-width to half-width, variants).
            out_starts.extend(starts[old_mid_start:old_mid_end])
            out_ends.extend(ends[old_mid_start:old_mid_end])
        elif new_mid > 0:
            if old_mid_end > old_mid_start:
                # Lengths differ: each new character stands for the whole old stretch.
                first, last = starts[old_mid_start], ends[old_mid_end - 1]
            else:
                # Pure insertion: an empty original span where it happened.
                first = last = starts[old_mid_start] if old_mid_start < len(starts) else len(self.original)
            out_starts.extend(array("q", [first]) * new_mid)
            out_ends.extend(array("q", [last]) * new_mid)
        out_starts.extend(starts[old_mid_end:end])
        out_ends.extend(ends[old_mid_end:end])

    def freeze(self) -> OffsetMap:
        return OffsetMap(self._starts, self._ends, len(self.text), len(self.original))
