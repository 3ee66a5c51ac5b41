"""Encoding detection on the encodings crawlers produce, measured on the seeds and a traditional
dev article re-encoded by the tests themselves."""
from __future__ import annotations

import codecs
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from extractor.ingest.decoding import DecodeError, decode_bytes

ENCODINGS = ["utf-8", "utf-8-sig", "gb18030", "gbk", "big5", "utf-16", "utf-16-le", "utf-16-be", "utf-32"]


def corpus(repo_root: Path) -> list[Path]:
    return sorted((repo_root / "seeds").glob("*.txt")) + [
        repo_root / "fixtures" / "dev" / "articles" / "d07_htc_maitre_tw.txt"
    ]


def encodable(text: str, encoding: str) -> str:
    """`text` without the characters `encoding` cannot represent (Big5 has no simplified ones)."""
    return "".join(ch for ch in text if ch.encode(encoding, errors="ignore"))


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_every_article_decodes_back_in_every_encoding(repo_root, encoding):
    for path in corpus(repo_root):
        original = path.read_text(encoding="utf-8")
        text = encodable(original, encoding)
        assert len(text) > len(original) / 2, path  # the article is still mostly there
        assert decode_bytes(text.encode(encoding)).text == text, f"{path.name} in {encoding}"


@pytest.mark.parametrize("encoding", ["gb18030", "big5"])
def test_short_headlines_are_told_apart(repo_root, encoding):
    # Headlines are ~20 characters: little evidence, where GB18030 and Big5 overlap most.
    headlines = [p.read_text(encoding="utf-8").split("\n", 1)[0]
                 for p in sorted((repo_root / "fixtures" / "dev" / "articles").glob("*.txt"))]
    for headline in headlines:
        text = encodable(headline, encoding)
        assert decode_bytes(text.encode(encoding)).text == text


def test_traditional_text_is_read_as_big5_not_as_gb18030_garbage(repo_root):
    text = (repo_root / "fixtures" / "dev" / "articles" / "d07_htc_maitre_tw.txt").read_text(encoding="utf-8")
    data = encodable(text, "big5").encode("big5")
    data.decode("gb18030")  # the trap: the Big5 bytes are valid GB18030 too
    assert decode_bytes(data).encoding in {"big5", "cp950", "big5hkscs"}


def test_a_declared_charset_settles_what_the_bytes_cannot():
    text = "執行長請辭"
    assert decode_bytes(text.encode("big5"), declared="big5").text == text


def test_a_wrong_declared_charset_does_not_win_over_valid_utf8():
    assert decode_bytes("阿里巴巴".encode("utf-8"), declared="gbk").text == "阿里巴巴"


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00",
        bytes(range(256)) * 4,
        b"\x1f\x8b\x08\x00" + bytes(200),
        codecs.BOM_UTF8 + b"\xff\xfe\xfd",
    ],
)
def test_binary_data_is_refused(data):
    with pytest.raises(DecodeError):
        decode_bytes(data)


def test_text_full_of_control_characters_is_binary():
    with pytest.raises(DecodeError, match="binary"):
        decode_bytes(b"\x01\x02\x03\x04abc" * 50)


@given(st.text())
def test_any_utf8_text_round_trips(text):
    try:
        decoded = decode_bytes(text.encode("utf-8"))
    except DecodeError:
        return  # control characters and NULs are binary by design
    assert decoded.text == text
