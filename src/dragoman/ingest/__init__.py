"""Ingest stage: files, folders and standard input to `Document`s (or `Rejection`s).

Reads: paths (files, folders walked recursively) or "-" for stdin; `Settings.meta` (the
sidecar), `Settings.published` and `Settings.json_fields`.
Adds: `Document`s with the exact text, content hash, id, title, publication date and where it
came from, url, outlet, input and record; a `Rejection` (reason and fix) for every input or
record that cannot be read. Bad input never stops the stream.

Formats: .txt, .html/.htm (trafilatura), .json/.jsonl, .warc/.warc.gz (warcio); stdin is
recognised from its content. Inputs are read one at a time and JSONL line by line.
"""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

from ..errors import InputError
from ..schema import Document, Rejection
from ..settings import Settings
from .formats import HTML, JSON, TEXT, WARC, read_html, read_json, read_jsonl, read_text, read_warc, sniff_format
from .meta import Sidecar, finish

__all__ = ["check_inputs", "iter_inputs", "iter_bytes", "format_of", "sniff_format"]

_JSONL = "jsonl"  # JSON read line by line
_EXTENSIONS = {".txt": TEXT, ".html": HTML, ".htm": HTML, ".json": JSON, ".jsonl": _JSONL, ".warc": WARC}
NO_SUCH_PATH = ("no such file or folder", "Check the path, or use '-' to read from standard input")
UNKNOWN_FORMAT_FIX = "Use .txt, .html/.htm, .json/.jsonl or .warc/.warc.gz, or rename the file to one of these"
_UNREADABLE_FIX = "Check that the file exists and that you may read it"
# Bounds on what is read whole: a file of one article (text, HTML, JSON), a JSONL line, and an
# article's text (spaCy, and the reader, need it in memory). JSONL and WARC files stream: any size.
MAX_FILE_BYTES = 50_000_000
MAX_LINE_BYTES = 10_000_000
MAX_TEXT_CHARS = 1_000_000
_SPLIT_FIX = ("Split it into articles: one per file, or one JSON object per line in a .jsonl file "
              "(read line by line, of any size)")


def format_of(path: str | Path) -> str | None:
    """The reader for a file name: text, html, json, jsonl or warc; None for an unknown one."""
    name = Path(path).name.lower()
    if name.endswith(".warc.gz"):
        return WARC
    return _EXTENSIONS.get(os.path.splitext(name)[1])


def _unknown_format(path: str) -> tuple[str, str]:
    ext = os.path.splitext(path)[1]
    reason = f"unknown format '{ext}'" if ext else "unknown format (no file extension)"
    return reason, UNKNOWN_FORMAT_FIX


def check_inputs(inputs: Sequence[str]) -> None:
    """Raise `InputError` for an input named on the command line that cannot be read at all: a
    path that does not exist, or a file whose format is unknown. Folders are checked file by
    file while reading (an odd file there is a Rejection, not an error)."""
    for item in inputs:
        if item == "-":
            continue
        path = Path(item)
        if not path.exists():
            raise InputError(item, *NO_SUCH_PATH)
        if path.is_file() and format_of(path) is None:
            raise InputError(item, *_unknown_format(item))


def iter_inputs(inputs: Sequence[str], settings: Settings) -> Iterator[Document | Rejection]:
    """Documents and rejections from `inputs`, lazily and in a deterministic order: inputs as
    given, folders walked recursively in name order (hidden files and folders skipped)."""
    sidecar = Sidecar.load(settings.meta)
    for item in inputs:
        if item == "-":
            yield from iter_bytes(sys.stdin.buffer.read(), settings, sidecar=sidecar)
            continue
        path = Path(item)
        if path.is_dir():
            for found in _walk(path):
                if isinstance(found, Rejection):
                    yield found
                elif not sidecar.is_sidecar(found):  # the --meta file is not an article
                    yield from _read_file(found, settings, sidecar)
        elif path.exists():
            yield from _read_file(path, settings, sidecar)
        else:
            yield Rejection(item, *NO_SUCH_PATH)


def iter_bytes(data: bytes, settings: Settings, name: str = "-", stem: str = "stdin",
               sidecar: Sidecar | None = None) -> Iterator[Document | Rejection]:
    """Documents from content without a file name (stdin), its format sniffed from the content."""
    sidecar = sidecar or Sidecar.load(settings.meta)
    fmt = sniff_format(data)
    if fmt == WARC:
        items = read_warc(io.BytesIO(data), name)
    elif fmt == JSON:
        items = read_json(data, name, stem, settings)
    elif fmt == HTML:
        items = read_html(data, name, stem)
    else:
        items = read_text(data, name, stem)
    yield from _finished(items, fmt, settings, sidecar)


def _read_file(path: Path, settings: Settings, sidecar: Sidecar) -> Iterator[Document | Rejection]:
    name = str(path)
    fmt = format_of(path)
    if fmt is None:
        yield Rejection(name, *_unknown_format(name))
        return
    stem = path.name[: -len(".warc.gz")] if path.name.lower().endswith(".warc.gz") else path.stem
    try:
        if fmt in (_JSONL, WARC):  # streamed: never the whole file in memory
            with path.open("rb") as stream:
                items = (read_jsonl(bounded_lines(stream, MAX_LINE_BYTES), name, stem, settings) if fmt == _JSONL
                         else read_warc(stream, name))
                yield from _finished(items, fmt, settings, sidecar)
            return
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            yield Rejection(name, f"too large for one article ({size / 1e6:.0f} MB; the limit is "
                                  f"{MAX_FILE_BYTES / 1e6:.0f} MB)", _SPLIT_FIX)
            return
        data = path.read_bytes()
    except OSError as err:
        yield Rejection(name, f"cannot read the file ({err.strerror or err})", _UNREADABLE_FIX)
        return
    reader = {TEXT: read_text, HTML: read_html}.get(fmt)
    items = reader(data, name, stem) if reader else read_json(data, name, stem, settings)
    yield from _finished(items, fmt, settings, sidecar)


def _finished(items: Iterator[Document | Rejection], fmt: str, settings: Settings,
              sidecar: Sidecar) -> Iterator[Document | Rejection]:
    """Complete each document (sidecar, title, date); an error reading the whole input becomes
    one Rejection."""
    whole_file = fmt in (TEXT, HTML)  # one document per file: the sidecar may name the file
    try:
        for item in items:
            if isinstance(item, Rejection):
                yield item
            elif len(item.text) > MAX_TEXT_CHARS:
                yield Rejection(item.input, f"too long for one article ({len(item.text):,} characters; the limit "
                                            f"is {MAX_TEXT_CHARS:,})", _SPLIT_FIX, item.record)
            else:
                yield finish(item, settings, sidecar, whole_file)
    except InputError as err:
        yield Rejection(err.input, err.reason, err.fix, err.record)


def bounded_lines(stream, limit: int) -> Iterator[bytes | None]:
    """The lines of a binary stream, each read with at most `limit` bytes in memory; a longer
    line is skipped to its end and given as None (its number still counts)."""
    while True:
        line = stream.readline(limit + 1)
        if not line:
            return
        if len(line) > limit and not line.endswith(b"\n"):
            while (rest := stream.readline(1 << 20)) and not rest.endswith(b"\n"):
                pass
            yield None
            continue
        yield line


def _walk(folder: Path) -> Iterator[Path | Rejection]:
    """Files under `folder`, recursively, in name order; hidden entries and symlinked folders
    (which could loop) are skipped. An unreadable folder is a Rejection."""
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError as err:
        yield Rejection(str(folder), f"cannot read the folder ({err.strerror or err})", _UNREADABLE_FIX)
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        path = folder / entry.name
        if entry.is_dir(follow_symlinks=False):
            yield from _walk(path)
        elif entry.is_file():
            yield path
        elif not entry.is_dir():  # a link to a folder is skipped (it could loop); anything else is said
            what = "a broken link" if entry.is_symlink() else "not a regular file (a pipe, socket or device)"
            yield Rejection(str(path), f"cannot read the file: {what}", "Remove it from the folder, or point the "
                            "link at an article file")
