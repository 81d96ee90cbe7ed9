"""Bytes to text: UTF-8 first, then a detected encoding; binary and empty content refused."""

from __future__ import annotations

import codecs
import re

import charset_normalizer

from ..errors import InputError

EMPTY = ("empty file", "Remove it or add the article text")
BINARY = ("binary content, not text", "Check that the file is an article in text, HTML, JSON or WARC form")
_UNDECODABLE = ("the text encoding could not be recognised", "Convert the file to UTF-8 (e.g. with iconv)")
_TYPOGRAPHIC = frozenset("“”‘’–—…•€™°£«»\xa0")
_CONTROL_SHARE = 0.01  # more control characters than this and it is not text
_CONTROLS = re.compile("[\x00-\x08\x0e-\x1f]")  # below space, other than \t \n \v \f \r


def decode_bytes(data: bytes, name: str, record: str | None = None) -> str:
    """Decode `data` (from input `name`) to text: UTF-8 with any BOM removed, UTF-16 with a BOM,
    else the encoding detected by charset_normalizer. Raises `InputError` naming `name` for
    empty, whitespace-only or binary content."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = _or_binary(lambda: data.decode("utf-16"), name, record)
    elif b"\x00" in data:
        raise InputError(name, *BINARY, record=record)
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = _detected(data, name, record)
    if not text.strip():
        raise InputError(name, *EMPTY, record=record)
    controls = len(_CONTROLS.findall(text))
    if controls > _CONTROL_SHARE * len(text):
        raise InputError(name, *BINARY, record=record)
    return text


def _or_binary(decode, name: str, record: str | None) -> str:
    try:
        return decode()
    except UnicodeDecodeError as err:
        raise InputError(name, *BINARY, record=record) from err


def _detected(data: bytes, name: str, record: str | None) -> str:
    western = _as_western(data)
    if western is not None:
        return western
    best = charset_normalizer.from_bytes(data).best()
    if best is None:
        raise InputError(name, *BINARY, record=record)
    try:
        return data.decode(best.encoding)
    except (UnicodeDecodeError, LookupError) as err:
        raise InputError(name, *_UNDECODABLE, record=record) from err


def _as_western(data: bytes) -> str | None:
    """The text as Windows-1252 when that reads as Western European text: mostly ASCII, and
    every other character an accented letter or typographic punctuation. English news in a
    legacy encoding is nearly always in it, and detectors guess poorly on short texts with
    only a few curly quotes (cp775 turns “ into ō)."""
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        return None
    others = [c for c in text if ord(c) > 127]
    if len(others) > 0.3 * len(text):
        return None  # another alphabet (Cyrillic or Greek read as cp1252 is all accents)
    if all(c in _TYPOGRAPHIC or ("À" <= c <= "ÿ" and c not in "×÷") for c in others):
        return text
    return None
