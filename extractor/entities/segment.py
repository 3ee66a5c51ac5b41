"""Word segmentation with a jieba tokenizer owned by the pipeline.

jieba's module-level tokenizer is process-global: words added to it leak into every other user
in the process. The pipeline builds its own `jieba.Tokenizer` and feeds it the lexicon, so
organization names, titles and triggers come out as one token each.
"""
from __future__ import annotations

import logging
import re
from typing import Iterable

import jieba
import jieba.posseg

jieba.setLogLevel(logging.WARNING)  # jieba prints its dictionary loading to stderr otherwise

_CJK = re.compile(r"[\u4e00-\u9fff]")
_JIEBA_WORD = re.compile(r"^[\u4E00-\u9FD5a-zA-Z0-9+#&._%\-]+$")  # what jieba keeps in one block
USER_WORD_FREQ = 200_000  # high enough that the lexicon wins over jieba's own splits


_default_dictionary: tuple[dict[str, int], int] | None = None


def default_dictionary() -> tuple[dict[str, int], int]:
    """jieba's default dictionary (word frequencies, total), read once per process and never
    changed: each Segmenter copies it before adding its own words. Loading it takes most of a
    pipeline's start-up, so worker processes inherit it from the fork server (see preload.py)."""
    global _default_dictionary
    if _default_dictionary is None:
        base = jieba.Tokenizer()
        base.initialize()
        _default_dictionary = (base.FREQ, base.total)
    return _default_dictionary


class Segmenter:
    def __init__(self, user_words: Iterable[str]) -> None:
        frequencies, total = default_dictionary()
        self.tokenizer = jieba.Tokenizer()
        self.tokenizer.FREQ, self.tokenizer.total = dict(frequencies), total
        self.tokenizer.initialized = True
        self.user_words: list[str] = []
        for word in dict.fromkeys(user_words):
            # jieba splits on spaces and punctuation (安德森·霍洛维茨) whatever its dictionary says;
            # such words are matched by the phrase automata instead.
            if _CJK.search(word) and _JIEBA_WORD.match(word):
                self.tokenizer.add_word(word, freq=USER_WORD_FREQ)
                self.user_words.append(word)

    def cut(self, text: str) -> list[str]:
        # Without jieba's HMM: it guesses unknown words (mostly names), which the name finders do
        # from context instead, and it costs 40% of segmentation time.
        return self.tokenizer.lcut(text, HMM=False)

    def boundaries(self, text: str) -> set[int]:
        """Character offsets where a token starts or ends."""
        edges = {0}
        position = 0
        for token in self.tokenizer.cut(text, HMM=False):
            position += len(token)
            edges.add(position)
        return edges

    def word_frequency(self, word: str) -> int:
        return self.tokenizer.FREQ.get(word, 0) or 0

    def tag_of(self, word: str) -> str:
        """jieba's part-of-speech tag of a dictionary word ('' when unknown).

        Read from jieba's own tag table: tagging running text (posseg) is never needed, because
        names are found by context, and it is eight times slower than segmenting."""
        return jieba.posseg.dt.word_tag_tab.get(word, "") or ""

    def ignored_user_words(self) -> list[str]:
        """User words jieba does not return whole (the tests require this to be empty)."""
        return [word for word in self.user_words if self.cut(word) != [word]]
