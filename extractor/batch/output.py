"""Where a batch writes: events and errors appended as each article finishes, made final
atomically, and resumable after an interruption.

While running, lines go to `EVENTS.jsonl.partial` (and `ERRORS.jsonl.partial`), flushed per
article; then one line per finished article — even one with no event — goes to the journal
`EVENTS.jsonl.done`, recording the byte size both partial files had after it. On success the
partial files are fsynced and renamed over the final ones; the journal stays beside them.

`--resume` reads the journal, cuts the partial files back to the sizes its last complete line
records (dropping an article that was half written when the run stopped), and skips the ids it
lists, so an interrupted run finished by a resumed one writes exactly what one run would have.
A finished output can be resumed too (say, with new inputs): it is copied back to the partial
file first, so the final file stays whole until the new one replaces it.
"""
from __future__ import annotations

import json
import os
import shutil
from collections import Counter
from pathlib import Path
from typing import BinaryIO, TextIO

PARTIAL_SUFFIX = ".partial"
JOURNAL_SUFFIX = ".done"


class ResumeError(ValueError):
    """The files of an earlier run do not allow resuming it."""


def partial_path(path: Path) -> Path:
    return path.with_name(path.name + PARTIAL_SUFFIX)


def journal_path(path: Path) -> Path:
    return path.with_name(path.name + JOURNAL_SUFFIX)


class AtomicFile:
    """A file written as `<path>.partial` and renamed to `path` when complete."""

    def __init__(self, path: Path, keep: int | None) -> None:
        """Open the partial file: truncated to `keep` bytes, or emptied when `keep` is None."""
        self.path = path
        self.partial = partial_path(path)
        self.partial.parent.mkdir(parents=True, exist_ok=True)
        if keep is None:
            self.stream: BinaryIO = open(self.partial, "wb")
        else:
            self.stream = open(self.partial, "r+b")
            self.stream.truncate(keep)
            self.stream.seek(keep)

    def write_lines(self, lines: list[str]) -> None:
        if lines:
            self.stream.write("".join(line + "\n" for line in lines).encode("utf-8"))
            self.stream.flush()

    def tell(self) -> int:
        return self.stream.tell()

    def finish(self) -> None:
        self.stream.flush()
        os.fsync(self.stream.fileno())
        self.stream.close()
        os.replace(self.partial, self.path)
        _fsync_dir(self.path.parent)

    def suspend(self) -> None:
        """Keep what was written for a later --resume."""
        if not self.stream.closed:
            self.stream.flush()
            os.fsync(self.stream.fileno())
            self.stream.close()


class BatchOutput:
    """Events to `output` (or a text stream such as stdout), errors to `errors` (or nowhere:
    the caller reports them), with a journal of finished articles when `output` is a file."""

    def __init__(self, output: Path | TextIO, errors: Path | None, resume: bool) -> None:
        self.done: Counter[str] = Counter()
        self._stream = output if not isinstance(output, Path) else None
        self._journal: TextIO | None = None
        offsets: dict[str, int | None] = {"out": None, "err": None}
        if isinstance(output, Path):
            if resume:
                offsets = self._load_journal(output, errors)
            self._events: AtomicFile | None = AtomicFile(output, offsets["out"])
            self._journal = open(journal_path(output), "a" if resume else "w", encoding="utf-8")
        else:
            if resume:
                raise ResumeError("--resume needs an output file (-o): events on stdout cannot be resumed")
            self._events = None
        self._errors = AtomicFile(errors, offsets["err"]) if errors is not None else None

    def write(self, article_id: str, event_lines: list[str], error_line: str | None) -> None:
        """Record one finished article: its events, its error if any, then the journal line."""
        if self._events is not None:
            self._events.write_lines(event_lines)
        elif event_lines:
            self._stream.write("".join(line + "\n" for line in event_lines))
            self._stream.flush()
        if self._errors is not None and error_line is not None:
            self._errors.write_lines([error_line])
        if self._journal is not None:
            entry = {
                "id": article_id,
                "out": self._events.tell() if self._events else None,
                "err": self._errors.tell() if self._errors else None,
            }
            self._journal.write(json.dumps(entry, ensure_ascii=False) + "\n")
            self._journal.flush()

    def finish(self) -> None:
        for part in (self._events, self._errors):
            if part is not None:
                part.finish()
        if self._journal is not None:
            self._journal.close()

    def suspend(self) -> None:
        for part in (self._events, self._errors):
            if part is not None:
                part.suspend()
        if self._journal is not None and not self._journal.closed:
            self._journal.flush()
            os.fsync(self._journal.fileno())
            self._journal.close()

    def _load_journal(self, output: Path, errors: Path | None) -> dict[str, int | None]:
        journal = journal_path(output)
        if not journal.exists():
            if output.exists() or partial_path(output).exists():
                raise ResumeError(
                    f"cannot resume: {journal} (the list of finished articles) is missing; "
                    "run again without --resume to redo the whole batch"
                )
            return {"out": None, "err": None}  # nothing was started: a fresh run
        entries = _read_journal(journal)
        _truncate_torn_line(journal)
        last = entries[-1] if entries else {"out": 0, "err": 0}
        offsets = {
            "out": _restore(output, last.get("out") or 0),
            "err": _restore(errors, last.get("err") or 0) if errors is not None else None,
        }
        self.done.update(entry["id"] for entry in entries)
        return offsets


def _read_journal(journal: Path) -> list[dict]:
    entries = []
    with open(journal, encoding="utf-8") as stream:
        for number, line in enumerate(stream, 1):
            if not line.endswith("\n"):
                break  # the run stopped while writing this line: that article is redone
            try:
                entry = json.loads(line)
                if not isinstance(entry.get("id"), str):
                    raise ValueError("no id")
            except (ValueError, AttributeError) as exc:
                raise ResumeError(f"cannot resume: {journal} line {number} is damaged ({exc}); "
                                  "run again without --resume") from exc
            entries.append(entry)
    return entries


def _truncate_torn_line(journal: Path) -> None:
    data = journal.read_bytes()
    if data and not data.endswith(b"\n"):
        with open(journal, "r+b") as stream:
            stream.truncate(data.rfind(b"\n") + 1)


def _restore(path: Path, size: int) -> int:
    """Make `path`.partial hold the first `size` bytes written so far; return `size`."""
    partial = partial_path(path)
    if not partial.exists():
        if path.exists():
            shutil.copyfile(path, partial)  # resuming a finished run: the final file stays whole
        elif size == 0:
            partial.touch()
    if not partial.exists() or partial.stat().st_size < size:
        raise ResumeError(
            f"cannot resume: {partial} holds less than its journal records; "
            "run again without --resume to redo the whole batch"
        )
    return size


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return  # some platforms cannot open a directory; the rename itself is still atomic
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
