"""Document metadata: publication dates, the --meta sidecar, and finishing a read document.

`finish` takes a document as a reader produced it (text and whatever the input said) and fills
in the rest in a fixed order: the sidecar's row overrides the input's own metadata; then a
title from the text's headline; then, for the date, the input's metadata or the sidecar
("metadata"), a dateline near the top of the text ("dateline"), `Settings.published`
("option"), else no date ("none"). Dates are never guessed.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from itertools import islice
from pathlib import Path

from ..clean import date_line, find_headline
from ..dates import parse_absolute_date
from ..errors import InputError
from ..schema import DATE_FROM_DATELINE, DATE_FROM_METADATA, DATE_FROM_OPTION, DATE_NONE, Document
from ..settings import Settings

_DATELINE_LINES = 8  # a dateline is among the first non-empty lines


def normalize_date(value: object) -> str | None:
    """YYYY-MM-DD (or YYYY-MM / YYYY) for a date or timestamp given as metadata, else None."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not value.strip():
        return None
    found = parse_absolute_date(value)
    return found[0] if found else None


def find_dateline(text: str) -> str | None:
    """The date of a dateline near the top of `text`: a short line that is (mostly) a date,
    among the first non-empty lines. When date lines disagree, the first one after the headline
    wins, since a date above the headline is usually the site's "today" banner."""
    found: list[tuple[int, str]] = []
    for start, end in islice(_nonblank_lines(text), _DATELINE_LINES):
        parsed = date_line(text[start:end])
        if parsed:
            found.append((start, parsed[0]))
    if not found:
        return None
    if len({value for _, value in found}) > 1:
        headline = find_headline(text)
        after = [value for start, value in found if headline is not None and start >= headline[1]]
        if after:
            return after[0]
    return found[0][1]


def _nonblank_lines(text: str) -> Iterator[tuple[int, int]]:
    pos = 0
    for raw in text.split("\n"):
        if raw.strip():
            lead = len(raw) - len(raw.lstrip())
            yield pos + lead, pos + len(raw.rstrip())
        pos += len(raw) + 1


@dataclass(frozen=True)
class MetaRow:
    """One row of the sidecar: what it says about one document (None = says nothing)."""

    line: int
    published: str | None = None
    title: str | None = None
    outlet: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class Sidecar:
    """The --meta file, indexed by resolved file path, file name and document id."""

    path: Path | None
    by_path: dict[str, MetaRow] = field(default_factory=dict)
    by_name: dict[str, MetaRow] = field(default_factory=dict)
    by_id: dict[str, MetaRow] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path | None) -> "Sidecar":
        """Read the sidecar JSONL; raises `InputError` naming the line for a malformed row."""
        if path is None:
            return cls(None)
        by_path: dict[str, MetaRow] = {}
        by_name: dict[str, MetaRow] = {}
        by_id: dict[str, MetaRow] = {}
        fix = "Each line must be a JSON object with 'file' or 'id' and any of published, title, outlet, url"
        try:
            lines = path.read_text(encoding="utf-8-sig").splitlines()
        except (OSError, UnicodeDecodeError) as err:
            raise InputError(str(path), f"cannot read the metadata file ({err})", "Check the --meta path") from err
        for n, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as err:
                raise InputError(str(path), f"not JSON ({err.msg})", fix, record=f"line {n}") from err
            if not isinstance(obj, dict) or not (obj.get("file") or obj.get("id") is not None):
                raise InputError(str(path), "no 'file' or 'id' to match a document", fix, record=f"line {n}")
            published = None
            if obj.get("published") is not None:
                published = normalize_date(obj["published"])
                if published is None:
                    raise InputError(str(path), f"published {obj['published']!r} is not a date",
                                     "Write dates as YYYY-MM-DD", record=f"line {n}")
            row = MetaRow(n, published, _text(obj.get("title")), _text(obj.get("outlet")), _text(obj.get("url")))
            if obj.get("file"):
                file = str(obj["file"])
                by_path.setdefault(_resolved(path.parent / file), row)
                by_name.setdefault(os.path.basename(file), row)
            if obj.get("id") is not None:
                by_id.setdefault(str(obj["id"]), row)
        return cls(path, by_path, by_name, by_id)

    def row_for(self, input: str, doc_id: str, whole_file: bool) -> MetaRow | None:
        """The row about a document: by its file (for inputs holding one document), else by id."""
        if whole_file and input != "-":
            found = self.by_path.get(_resolved(Path(input))) or self.by_name.get(os.path.basename(input))
            if found:
                return found
        return self.by_id.get(doc_id)

    def is_sidecar(self, path: Path) -> bool:
        return self.path is not None and _resolved(path) == _resolved(self.path)


def _text(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    return value.strip() or None


def _resolved(path: Path) -> str:
    return str(path.resolve())


def finish(doc: Document, settings: Settings, sidecar: Sidecar, whole_file: bool) -> Document:
    """Apply the sidecar, then fill title and publication date from the text or the settings."""
    row = sidecar.row_for(doc.input, doc.doc_id, whole_file)
    if row is not None:
        doc = replace(
            doc,
            title=row.title or doc.title,
            outlet=row.outlet or doc.outlet,
            url=row.url or doc.url,
            published=row.published or doc.published,
            date_source=DATE_FROM_METADATA if row.published else doc.date_source,
        )
    if doc.title is None:
        headline = find_headline(doc.text)
        if headline is not None:
            doc = replace(doc, title=doc.text[headline[0] : headline[1]])
    if doc.published:
        return replace(doc, date_source=DATE_FROM_METADATA)
    dateline = find_dateline(doc.text)
    if dateline:
        return replace(doc, published=dateline, date_source=DATE_FROM_DATELINE)
    if settings.published:
        return replace(doc, published=settings.published, date_source=DATE_FROM_OPTION)
    return replace(doc, published=None, date_source=DATE_NONE)
