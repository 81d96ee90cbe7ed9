"""Readers, one per input format: bytes or a binary stream in, `Document`s and `Rejection`s out.

The documents are as the input gives them (text, id, and the metadata the input itself carries);
`meta.finish` completes them. A problem with a whole input raises `InputError`; a problem with
one record of a multi-record input (a JSONL line, a WARC record) is yielded as a `Rejection`
and reading goes on.
"""

from __future__ import annotations

import hashlib
import io
import json
import zlib
from collections.abc import Iterable, Iterator
from typing import BinaryIO

import trafilatura
from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from ..errors import InputError
from ..schema import DATE_FROM_METADATA, DATE_NONE, Document, Rejection
from ..settings import Settings
from .decode import EMPTY, decode_bytes
from .meta import normalize_date

TEXT, HTML, JSON, WARC = "text", "html", "json", "warc"

NO_ARTICLE = ("no article text found in the HTML",
              "Check that the file is an article page, not an index or a login page")
_JSON_FIX = "Give one JSON object per line, each with the article text"
_WARC_FIX = "The records before the damage were read; download the archive again or repair it"


def sniff_format(data: bytes) -> str:
    """The format of content read without a file name (stdin): warc, json, html or text."""
    head = data[:64].removeprefix(b"\xef\xbb\xbf").lstrip()
    if data.startswith(b"\x1f\x8b") or head.startswith(b"WARC/"):
        return WARC  # a web archive, gzipped or plain
    if head[:1] in (b"{", b"["):
        return JSON
    if head[:1] == b"<":
        return HTML
    return TEXT


def make_document(doc_id: str, text: str, input: str, fmt: str, record: str | None = None,
                  title: str | None = None, published: str | None = None, url: str | None = None,
                  outlet: str | None = None) -> Document:
    """A `Document` with its content hash; `published` (if any) came from the input's metadata."""
    return Document(
        doc_id=doc_id,
        text=text,
        content_hash=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        title=title,
        published=published,
        date_source=DATE_FROM_METADATA if published else DATE_NONE,
        url=url,
        outlet=outlet,
        input=input,
        record=record,
        fmt=fmt,
    )


# -- text ---------------------------------------------------------------------------------------

def read_text(data: bytes, name: str, stem: str) -> Iterator[Document]:
    """A plain-text article, kept exactly as decoded; its id is the file stem."""
    yield make_document(stem, decode_bytes(data, name), name, TEXT)


# -- HTML -----------------------------------------------------------------------------------------

def read_html(data: bytes, name: str, stem: str) -> Iterator[Document]:
    """An HTML page: trafilatura's main text, and title, date, site name and URL from the page."""
    yield html_document(data, name, stem, HTML)


def html_document(data: bytes, name: str, doc_id: str, fmt: str, record: str | None = None,
                  url: str | None = None, fallback_date: str | None = None) -> Document:
    html = decode_bytes(data, name, record)
    text = trafilatura.extract(html, favor_precision=True, include_comments=False)
    if not text or not text.strip():
        raise InputError(name, *NO_ARTICLE, record=record)
    # extensive=False: take the date from the page's markup only, never from dates in its text
    meta = trafilatura.extract_metadata(html, extensive=False)
    return make_document(doc_id, text, name, fmt, record=record, title=meta.title or None,
                         published=normalize_date(meta.date) or fallback_date,
                         url=url or meta.url or None, outlet=meta.sitename or None)


# -- JSON and JSONL ---------------------------------------------------------------------------

def read_jsonl(lines: Iterable[bytes | None], name: str, stem: str,
               settings: Settings) -> Iterator[Document | Rejection]:
    """One JSON object per line, read line by line; a bad line is a Rejection naming it. A line
    given as None was too long to read (`ingest.bounded_lines`)."""
    for n, raw in enumerate(lines, 1):
        record = f"line {n}"
        if raw is None:
            yield Rejection(name, "line too long to be one article", "Split the article, or check that the file "
                            "has one JSON object per line", record)
            continue
        if not raw.strip():
            continue
        try:
            obj = json.loads(decode_bytes(raw, name, record))
        except InputError as err:
            yield Rejection(name, err.reason, err.fix, record)
            continue
        except json.JSONDecodeError as err:
            yield Rejection(name, f"not JSON ({err.msg})", _JSON_FIX, record)
            continue
        yield json_document(obj, name, record, f"{stem}-{n}", settings)


def read_json(data: bytes, name: str, stem: str, settings: Settings) -> Iterator[Document | Rejection]:
    """A JSON file: one object, or a list of objects. Content that is really JSONL (several
    lines, each an object) is read as JSONL."""
    text = decode_bytes(data, name)
    try:
        value = json.loads(text)
    except json.JSONDecodeError as err:
        if _first_line_is_object(text):
            yield from read_jsonl(io.BytesIO(data), name, stem, settings)
            return
        raise InputError(name, f"not valid JSON ({err.msg} at line {err.lineno})",
                         "Give one JSON object, a list of objects, or one object per line (.jsonl)") from err
    if isinstance(value, list):
        for i, obj in enumerate(value, 1):
            yield json_document(obj, name, f"item {i}", f"{stem}-{i}", settings)
    else:
        yield json_document(value, name, None, stem, settings)


def _first_line_is_object(text: str) -> bool:
    first = next((line for line in text.splitlines() if line.strip()), "")
    try:
        return isinstance(json.loads(first), dict)
    except json.JSONDecodeError:
        return False


def json_document(obj: object, name: str, record: str | None, default_id: str,
                  settings: Settings) -> Document | Rejection:
    """A document from one JSON object, with field names mapped by `settings.json_field`."""
    if not isinstance(obj, dict):
        return Rejection(name, "not a JSON object", _JSON_FIX, record)
    field = settings.json_field("text")
    text = obj.get(field)
    if not isinstance(text, str) or not text.strip():
        return Rejection(name, f"no article text in the field '{field}'",
                         f"Put the text in '{field}', or name the field that holds it with --json-field text=FIELD",
                         record)
    doc_id = obj.get(settings.json_field("id"))
    return make_document(
        str(doc_id) if doc_id not in (None, "") else default_id,
        text,
        name,
        JSON,
        record=record,
        title=_string(obj.get(settings.json_field("title"))),
        published=normalize_date(obj.get(settings.json_field("published"))),
        url=_string(obj.get(settings.json_field("url"))),
        outlet=_string(obj.get(settings.json_field("outlet"))),
    )


def _string(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    return value.strip() or None


# -- WARC -----------------------------------------------------------------------------------------

def read_warc(stream: BinaryIO, name: str) -> Iterator[Document | Rejection]:
    """The HTML responses of a web archive (.warc or .warc.gz). A truncated or corrupt archive
    yields the documents read before the damage, then a Rejection."""
    # warcio stops quietly inside a truncated gzip member: check the compression first
    intact = not stream.seekable() or stream.read(2) != b"\x1f\x8b" or _gzip_intact(stream)
    if stream.seekable():
        stream.seek(0)
    archive = ArchiveIterator(stream)
    n = n_records = 0
    while True:
        try:
            rec = next(archive)
            n_records += 1
            length = (rec.rec_headers.get_header("Content-Length") or "").strip()
            if not (rec.rec_type and rec.rec_headers.get_header("WARC-Record-ID") and length.isdigit()):
                raise ArchiveLoadFailed("a record header without type, id or length (not WARC, or cut short)")
            page = _html_response(rec)
        except StopIteration:
            break
        # warcio reports damage with many exception types (even AttributeError); all mean the
        # same here: the archive cannot be read past this point
        except Exception as err:  # noqa: BLE001
            yield _damaged(name, n, f"{type(err).__name__}: {err}")
            return
        if page is None:
            continue
        n += 1
        record_id, url, warc_date, payload = page
        try:
            yield html_document(payload, name, "warc-" + hashlib.sha256(record_id.encode("utf-8")).hexdigest()[:12],
                                WARC, record=record_id, url=url, fallback_date=normalize_date(warc_date))
        except InputError as err:
            yield Rejection(name, err.reason, err.fix, err.record)
    if not intact:
        yield _damaged(name, n, "the compressed data ends too early")
    elif stream.seekable():
        # warcio also stops quietly where a record header is cut short: look for data after
        # the last record it read
        stream.seek(archive.get_record_offset() + archive.get_record_length() if n_records else 0)
        if stream.read(1 << 16).strip():
            yield _damaged(name, n, "data after the last complete record")
        elif not n_records:
            yield Rejection(name, *EMPTY)


def _html_response(rec) -> tuple[str, str | None, str | None, bytes] | None:
    """(record id, target URL, WARC date, payload) of a successful HTML response, else None.
    Raises `ArchiveLoadFailed` when the record is cut short."""
    wanted = False
    if rec.rec_type == "response" and rec.http_headers is not None:
        ctype = (rec.http_headers.get_header("Content-Type") or "").lower()
        status = rec.http_headers.get_statuscode() or ""
        wanted = "html" in ctype and status.startswith("2")  # not images, scripts, redirects
    if wanted:
        payload = rec.content_stream().read()
    else:
        while rec.raw_stream.read(1 << 16):  # skipped, but read to see that it is whole
            continue
    if getattr(rec.raw_stream, "limit", 0):
        raise ArchiveLoadFailed("a record ends before its Content-Length")
    if not wanted:
        return None
    get = rec.rec_headers.get_header
    return get("WARC-Record-ID"), get("WARC-Target-URI"), get("WARC-Date"), payload


def _damaged(name: str, n: int, detail: str) -> Rejection:
    return Rejection(name, "truncated or corrupt WARC archive", f"{_WARC_FIX} ({detail})", f"after {n} HTML records")


def _gzip_intact(stream: BinaryIO) -> bool:
    """Whether a gzip stream of one or more members ends exactly at the end of a member."""
    stream.seek(0)
    inflater = zlib.decompressobj(zlib.MAX_WBITS | 16)
    pending = False  # data was fed to a member that has not ended
    try:
        while chunk := stream.read(1 << 16):
            while chunk:
                inflater.decompress(chunk)  # the output is not needed, only where members end
                pending, chunk = not inflater.eof, inflater.unused_data
                if inflater.eof:
                    inflater = zlib.decompressobj(zlib.MAX_WBITS | 16)
    except zlib.error:
        return False
    return not pending
