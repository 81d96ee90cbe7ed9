"""Property tests (hypothesis): arbitrary input never raises in cleaning, ingestion, date
resolution and actor resolution, and every offset lies inside the document and points at the
text it claims."""

from __future__ import annotations

import hashlib
import re
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dragoman.clean import clean
from dragoman.dates import event_date, find_time_expressions
from dragoman.ingest import iter_bytes
from dragoman.ingest.formats import make_document, read_jsonl
from dragoman.schema import Document, Rejection
from dragoman.settings import Settings

# Text that looks like news as often as like noise: words, names, dates, quotes, blank lines,
# control characters and other scripts.
_PIECES = st.sampled_from([
    "Iran", "Russia's", "President Vladimir Putin", "met", "said", "on Saturday", "last week", "in March",
    "2021", "12 February 2021", "“We agree,”", "he said.", "Recent Posts", "Leave a Reply", "\n", "\n\n",
    "  ", ".", ",", "—", "Ayatollah", "the ambassador", "delivered", "a message", "by", "to", "Mr.", "\t",
    "\x00", "\x0c", "Путин", "北京", "😀", "<b>", "&amp;", "'", "\"", "-", "Jan.", "yesterday", "tomorrow",
])
NEWSY = st.lists(st.one_of(_PIECES, st.text(max_size=12)), max_size=60).map(" ".join)
DAYS = st.one_of(st.none(), st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)).map(date.isoformat),
                 st.integers(1900, 2100).map(str))


def _document(text: str) -> Document:
    return make_document("p", text, "-", "text")


@settings(max_examples=300, deadline=None)
@given(NEWSY)
def test_cleaning_covers_the_text_with_ordered_blocks_inside_it(text):
    cd = clean(_document(text))
    end = 0
    for b in cd.blocks:
        assert end <= b.start < b.end <= len(text)
        assert text[b.start:b.end].strip()  # a block holds text
        assert text[end:b.start].strip() == ""  # what lies between blocks is blank
        end = b.end
    assert text[end:].strip() == ""


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.binary(max_size=400), NEWSY.map(lambda t: t.encode("utf-8")),
                 NEWSY.map(lambda t: t.encode("cp1252", errors="replace"))))
def test_ingesting_any_bytes_gives_documents_or_rejections(data):
    for item in iter_bytes(data, Settings()):
        assert isinstance(item, (Document, Rejection))
        if isinstance(item, Document):
            assert item.text.strip()
            assert item.content_hash == hashlib.sha256(item.text.encode("utf-8")).hexdigest()
        else:
            assert item.reason and item.fix


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.binary(max_size=80), st.just(b'{"text": "Iran met Russia."}'),
                          st.just(b'{"id": 3, "text": ""}'), st.just(b"[1, 2]")), max_size=8))
def test_jsonl_lines_are_each_a_document_or_a_rejection_naming_the_line(lines):
    items = list(read_jsonl([line + b"\n" for line in lines], "f.jsonl", "f", Settings()))
    assert len(items) == sum(1 for line in lines if line.strip())
    for item in items:
        if isinstance(item, Rejection):
            assert re.fullmatch(r"line \d+", item.record)


@settings(max_examples=400, deadline=None)
@given(NEWSY, st.integers(0, 5000), DAYS, st.sampled_from([None, "past", "future"]), st.data())
def test_dates_resolve_without_error_and_point_into_the_sentence(sentence, offset, published, tense, data):
    for e in find_time_expressions(sentence, offset):
        assert sentence[e.start - offset:e.end - offset] == e.text
    trigger = offset + data.draw(st.integers(0, len(sentence)))
    d = event_date(sentence, offset, trigger, published, tense)
    if d.value is not None:
        assert re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", d.value)
        assert d.precision == {10: "day", 7: "month", 4: "year"}[len(d.value)]
    if d.start is not None:
        assert offset <= d.start < d.end <= offset + len(sentence)
        assert sentence[d.start - offset:d.end - offset] == d.text


@pytest.mark.model
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(NEWSY)
def test_actors_events_and_quotes_point_at_their_words(pipeline, text):
    if not text.strip():
        return
    (cd,) = list(pipeline.code([_document(text)]))
    if isinstance(cd, Rejection):  # not English
        return
    t = cd.document.text
    for m in cd.mentions:
        assert 0 <= m.start < m.end <= len(t) and t[m.start:m.end] == m.text
    for e in cd.events:
        assert t[e.start:e.end] == e.evidence and t[e.trigger_start:e.trigger_end] == e.trigger
        for ref in (e.source, e.target, e.via):
            if ref is not None:
                assert t[ref.start:ref.end] == ref.text
    for q in cd.quotes:
        assert 0 <= q.start < q.end <= len(t) and t[q.start:q.end] == q.text
        if q.speaker is not None:
            assert t[q.speaker.start:q.speaker.end] == q.speaker.text
