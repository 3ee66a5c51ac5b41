"""Traditional → simplified conversion (OpenCC t2s) behind one interface, and alignment of its output.

Two implementations: opencc-python-reimplemented is the reference (pure Python, the designed
library), opencc-pyo3 the default because it is about a hundred times faster on this corpus with
the same output apart from the documented differences (see tests/test_convert.py). Plain `t2s`,
never `tw2sp`: regional words keep their own wording (執行長 → 执行长, 硬體 → 硬体).
"""
from __future__ import annotations

from typing import Callable, Iterable, Protocol

from extractor.normalize.offsets import Edit, common_ends
from extractor.normalize.throughput import mb_per_second

FAST = "opencc-pyo3"
REFERENCE = "opencc-python-reimplemented"
CONVERTERS = (FAST, REFERENCE)

# A known pair that any t2s table converts: used to check that the module behind `import opencc`
# is a working converter (the official OpenCC binding installs a package of the same name).
_PROBE = ("漢語轉換", "汉语转换")

# Every character a t2s table could change lives in these blocks (CJK unified ideographs, extension A,
# compatibility ideographs); the detector asks the converter about each of them once.
_CJK_BLOCKS = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF))


class ConverterError(RuntimeError):
    """The requested converter is not installed or does not convert."""


class Converter(Protocol):
    name: str

    def convert(self, text: str) -> str: ...


class _Pyo3Converter:
    name = FAST

    def __init__(self) -> None:
        try:
            from opencc_pyo3 import OpenCC
        except ImportError as exc:
            raise ConverterError(f"{FAST} is not installed: pip install {FAST}") from exc
        self._opencc = OpenCC("t2s")

    def convert(self, text: str) -> str:
        return self._opencc.convert(text)


class _ReimplementedConverter:
    name = REFERENCE

    def __init__(self) -> None:
        try:
            import opencc
        except ImportError as exc:
            raise ConverterError(f"{REFERENCE} is not installed: pip install {REFERENCE}") from exc
        try:
            self._opencc = opencc.OpenCC("t2s")
        except Exception as exc:  # the official binding wants 't2s.json' in some versions
            raise ConverterError(
                f"the installed `opencc` package ({getattr(opencc, '__file__', '?')}) is not {REFERENCE}: "
                f"both it and the official OpenCC binding install `opencc`; uninstall the other one"
            ) from exc

    def convert(self, text: str) -> str:
        return self._opencc.convert(text)


_FACTORIES: dict[str, Callable[[], Converter]] = {FAST: _Pyo3Converter, REFERENCE: _ReimplementedConverter}


def make_converter(name: str | None = None) -> Converter:
    """The named t2s converter; by default the fast one, falling back to the reference if it is missing."""
    if name is None:
        try:
            return make_converter(FAST)
        except ConverterError:
            return make_converter(REFERENCE)
    if name not in _FACTORIES:
        raise ConverterError(f"unknown converter {name!r}: choose one of {', '.join(CONVERTERS)}")
    converter = _FACTORIES[name]()
    if converter.convert(_PROBE[0]) != _PROBE[1]:
        raise ConverterError(f"{name} converted {_PROBE[0]!r} to {converter.convert(_PROBE[0])!r}, not {_PROBE[1]!r}")
    return converter


def changed_characters(converter: Converter) -> frozenset[str]:
    """The characters the converter changes when they stand alone (its character table)."""
    candidates = "".join(chr(code) for low, high in _CJK_BLOCKS for code in range(low, high + 1))
    converted = converter.convert(candidates)
    if len(converted) != len(candidates):
        # A table mapping one character to several: fall back to asking one character at a time.
        return frozenset(char for char in candidates if converter.convert(char) != char)
    return frozenset(old for old, new in zip(candidates, converted) if old != new)


def conversion_edits(text: str, converter: Converter) -> tuple[str, list[Edit]]:
    """Convert `text`, as a same-length text plus edits for wherever conversion changed the length.

    OpenCC's t2s maps one character to one character for every entry shipped today, so the
    first text is normally the whole answer. Should a phrase change length, only the stretch that
    differs inside its line becomes an edit; the rest of the line stays character for character.
    """
    converted = converter.convert(text)
    if len(converted) == len(text):
        return converted, []
    # t2s never touches line breaks, so lines correspond one to one.
    same_length: list[str] = []
    edits: list[Edit] = []
    offset = 0
    for old_line, new_line in zip(text.split("\n"), converted.split("\n")):
        if len(old_line) == len(new_line):
            same_length.append(new_line)
        else:
            by_char = [converter.convert(char) for char in old_line]
            head, tail = common_ends(by_char, new_line)
            middle_end = len(old_line) - tail
            same_length.append(new_line[:head] + old_line[head:middle_end] + new_line[len(new_line) - tail :])
            edits.append(Edit(offset + head, offset + middle_end, new_line[head : len(new_line) - tail]))
        offset += len(old_line) + 1
    return "\n".join(same_length), edits


def converter_throughput(converter: Converter, texts: Iterable[str], rounds: int = 3) -> float:
    """Best-of-`rounds` conversion speed in MB/s (UTF-8 bytes of input), for benchmarks."""
    return mb_per_second(converter.convert, texts, rounds)
