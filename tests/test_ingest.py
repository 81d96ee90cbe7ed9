"""Ingest: every format from real files written in tmp_path, stdin sniffing, titles and
datelines, the metadata sidecar, and the rejections (with their exact reasons)."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import sys
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from conftest import SEEDS
from dragoman.errors import InputError
from dragoman.ingest import check_inputs, format_of, iter_bytes, iter_inputs, sniff_format
from dragoman.schema import Document, Rejection
from dragoman.settings import Settings

ARTICLE = (
    "Ghana and Togo sign border pact\n\n"
    "The foreign ministers of Ghana and Togo signed an agreement on Thursday to reopen three crossings "
    "along their shared border, officials in Accra said.\n\n"
    "The pact ends a dispute that had kept traders waiting for weeks.\n"
)

PAGE = """<!DOCTYPE html><html><head><title>Ghana and Togo sign border pact | Coastal Times</title>
<meta property="og:title" content="Ghana and Togo sign border pact">
<meta property="og:site_name" content="Coastal Times">
<meta property="og:url" content="https://coastal.example/ghana-togo-pact">
{date}
</head><body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li></ul></nav>
<article><h1>Ghana and Togo sign border pact</h1>
<p>The foreign ministers of Ghana and Togo signed an agreement on Thursday to reopen three crossings along
their shared border, officials in Accra said.</p>
<p>The pact ends a dispute that had kept traders waiting for weeks, and both governments promised to review
customs rules before the end of the year.</p>
</article></body></html>"""
DATED = '<meta property="article:published_time" content="2023-05-04T09:30:00Z">'


def read(inputs, **settings) -> list[Document | Rejection]:
    return list(iter_inputs([str(i) for i in inputs], Settings(**settings)))


def one(path: Path, **settings) -> Document | Rejection:
    (item,) = read([path], **settings)
    return item


def write(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_bytes(content)
    return path


# -- check_inputs: the errors a user sees before anything runs ------------------------------------

def test_a_missing_path_is_an_error_naming_it_and_the_fix(tmp_path):
    missing = tmp_path / "nope.txt"
    with pytest.raises(InputError) as err:
        check_inputs(["-", str(missing)])
    assert str(err.value) == (f"{missing}: no such file or folder. "
                              "Check the path, or use '-' to read from standard input")


def test_an_unknown_format_is_an_error_naming_the_file_and_the_fix(tmp_path):
    notes = write(tmp_path / "notes.pdf", "x")
    with pytest.raises(InputError) as err:
        check_inputs([str(notes)])
    assert str(err.value) == (f"{notes}: unknown format '.pdf'. Use .txt, .html/.htm, .json/.jsonl or "
                              ".warc/.warc.gz, or rename the file to one of these")


def test_folders_and_known_formats_pass_the_check(tmp_path):
    write(tmp_path / "docs" / "odd.pdf", "x")  # inside a folder: a rejection later, not an error
    files = [write(tmp_path / n, "x") for n in ("a.txt", "b.HTM", "c.jsonl", "d.warc.gz")]
    check_inputs([str(tmp_path / "docs"), *map(str, files), "-"])
    assert [format_of(f) for f in files] == ["text", "html", "jsonl", "warc"]


# -- plain text -----------------------------------------------------------------------------------

def test_a_text_file_is_kept_exactly_with_its_stem_hash_and_title(tmp_path):
    text = "Latest news\r\n" + ARTICLE.replace("\n", "\r\n")
    d = one(write(tmp_path / "ghana-togo.txt", text.encode("utf-8")))
    assert d.text == text  # line ends and all
    assert d.doc_id == "ghana-togo" and d.fmt == "text" and d.record is None
    assert d.input == str(tmp_path / "ghana-togo.txt")
    assert d.content_hash == hashlib.sha256(text.encode("utf-8")).hexdigest()
    assert d.title == "Ghana and Togo sign border pact"
    assert (d.published, d.date_source) == (None, "none")


def test_the_title_skips_a_date_a_menu_item_and_a_breadcrumb(tmp_path):
    text = "Saturday, 6 May 2023\nTop stories\nHome » Africa » Togo and Ghana end border row\n\n" \
           "The two governments ended the dispute on Friday, officials said in a statement."
    d = one(write(tmp_path / "a.txt", text))
    assert d.title == "Togo and Ghana end border row"


def test_the_seed_reports_get_their_headlines_as_titles():
    titles = {d.doc_id[:3]: d.title for d in read([SEEDS / "docs"])}
    assert titles == {
        "000": "Iran Leader’s Aide to Visit Moscow, Beijing to Convey Important Messages",
        "001": "Putin hosts aide to Iran's supreme leader amid Syria talks",
        "002": "Putin replies to Leader’s message",
        "003": "Iran-Russia Ties Strategic, Longstanding: Velayati",
        "004": "Leader’s message to Putin provides opportunity to deal with common threats",
    }


# -- datelines and the order of date sources ------------------------------------------------------

@pytest.mark.parametrize(
    "top, expected",
    [
        ("Ghana and Togo sign border pact\n\nMarch 7, 2021 - 21:54\n\n", "2021-03-07"),
        ("Ghana and Togo sign border pact\n14 July 2018\n", "2018-07-14"),
        ("2021-03-07\nGhana and Togo sign border pact\n\n", "2021-03-07"),  # the only date, above the headline
        ("Published: 5 January 2022\n\nGhana and Togo sign border pact\n\n", "2022-01-05"),
        # two dates that disagree: the banner above the headline is the site's "today"
        ("Thursday, 21 February 2019\nGhana and Togo sign border pact\n\n14 July 2018\n\n", "2018-07-14"),
        ("Ghana and Togo sign border pact\n\nUpdated 2 hours ago\n\n", None),  # relative: never guessed
        ("Ghana and Togo sign border pact\n\nJuly\n\n", None),
        ("Ghana and Togo sign border pact\n\n" + "A short line.\n" * 8 + "14 July 2018\n\n", None),  # too far down
    ],
)
def test_a_dateline_near_the_top_dates_a_text(tmp_path, top, expected):
    d = one(write(tmp_path / "a.txt", top + ARTICLE.split("\n\n", 1)[1]))
    assert d.published == expected
    assert d.date_source == ("dateline" if expected else "none")


def test_the_published_option_is_the_last_resort(tmp_path):
    undated = one(write(tmp_path / "a.txt", ARTICLE), published="2024-05-08")
    assert (undated.published, undated.date_source) == ("2024-05-08", "option")
    dated = one(write(tmp_path / "b.txt", "Ghana and Togo sign border pact\n14 July 2018\n\nText."),
                published="2024-05-08")
    assert (dated.published, dated.date_source) == ("2018-07-14", "dateline")


def test_the_inputs_own_metadata_beats_a_dateline(tmp_path):
    obj = {"id": "g1", "published": "2020-02-02T08:00:00+01:00", "text": "Ghana and Togo\n\n14 July 2018\n\nText."}
    d = one(write(tmp_path / "a.json", json.dumps(obj)))
    assert (d.published, d.date_source) == ("2020-02-02", "metadata")


# -- HTML -----------------------------------------------------------------------------------------

def test_an_html_page_gives_the_article_text_and_the_pages_metadata(tmp_path):
    d = one(write(tmp_path / "pact.html", PAGE.format(date=DATED)))
    assert d.fmt == "html" and d.doc_id == "pact"
    assert "signed an agreement on Thursday to reopen three crossings" in d.text
    assert "Home" not in d.text  # the menu is not article text
    assert d.title == "Ghana and Togo sign border pact"
    assert (d.published, d.date_source) == ("2023-05-04", "metadata")
    assert d.url == "https://coastal.example/ghana-togo-pact"
    assert d.outlet == "Coastal Times"
    assert d.content_hash == hashlib.sha256(d.text.encode("utf-8")).hexdigest()


def test_an_html_page_without_a_date_is_undated(tmp_path):
    d = one(write(tmp_path / "pact.htm", PAGE.format(date="")))
    assert (d.published, d.date_source) == (None, "none")


def test_a_page_without_article_text_is_rejected(tmp_path):
    login = write(tmp_path / "login.html", "<html><head><title>Sign in</title></head><body><form>"
                                           "<input name='user'><button>Log in</button></form></body></html>")
    assert one(login) == Rejection(str(login), "no article text found in the HTML",
                                   "Check that the file is an article page, not an index or a login page")


# -- JSON and JSONL -------------------------------------------------------------------------------

def test_jsonl_reads_each_line_and_rejects_bad_lines_by_number(tmp_path):
    lines = [
        json.dumps({"id": "a1", "text": "Ghana praised Togo.", "title": "Praise", "url": "https://x.example/a1",
                    "outlet": "Coastal Times", "published": "7 March 2021"}),
        "",  # blank lines are skipped, but still counted
        "{not json",
        json.dumps({"id": "a3", "title": "No text here"}),
        json.dumps({"text": "Togo thanked Ghana.", "published": "2021-03"}),
        json.dumps(["a list"]),
    ]
    path = write(tmp_path / "feed.jsonl", "\n".join(lines) + "\n")
    items = read([path])
    assert [type(i).__name__ for i in items] == ["Document", "Rejection", "Rejection", "Document", "Rejection"]
    first, bad, no_text, no_id, not_object = items
    assert (first.doc_id, first.title, first.url) == ("a1", "Praise", "https://x.example/a1")
    assert first.outlet == "Coastal Times"
    assert (first.published, first.date_source, first.record, first.fmt) == ("2021-03-07", "metadata", "line 1", "json")
    assert (bad.input, bad.record) == (str(path), "line 3") and bad.reason.startswith("not JSON")
    assert no_text.record == "line 4"
    assert no_text.reason == "no article text in the field 'text'"
    assert no_text.fix == "Put the text in 'text', or name the field that holds it with --json-field text=FIELD"
    assert (no_id.doc_id, no_id.record, no_id.published) == ("feed-5", "line 5", "2021-03")
    assert (not_object.record, not_object.reason) == ("line 6", "not a JSON object")


def test_json_field_names_are_remapped(tmp_path):
    path = write(tmp_path / "feed.jsonl", json.dumps({"uid": 7, "body": "Mali thanked Niger.", "date": "2022-09-01"}))
    (d,) = read([path], json_fields=(("text", "body"), ("id", "uid"), ("published", "date")))
    assert (d.doc_id, d.text, d.published) == ("7", "Mali thanked Niger.", "2022-09-01")
    (r,) = read([path])  # without the mapping there is no text
    assert r.reason == "no article text in the field 'text'"


def test_a_json_file_holds_one_object_or_a_list(tmp_path):
    single = one(write(tmp_path / "one.json", json.dumps({"text": "Chad thanked Sudan.", "published": "garbage"})))
    assert (single.doc_id, single.record, single.published) == ("one", None, None)
    items = read([write(tmp_path / "many.json", json.dumps([{"id": "x", "text": "A."}, {"text": "B."}, {"id": "z"}]))])
    assert [(getattr(i, "doc_id", None), i.record) for i in items] == [("x", "item 1"), ("many-2", "item 2"),
                                                                       (None, "item 3")]
    # JSONL content in a .json file is read line by line
    jl = write(tmp_path / "lines.json", '{"id": "p", "text": "P."}\n{"id": "q", "text": "Q."}\n')
    assert [d.doc_id for d in read([jl])] == ["p", "q"]
    broken = write(tmp_path / "broken.json", '["unclosed"')
    (r,) = read([broken])
    assert r.reason.startswith("not valid JSON") and r.record is None


# -- WARC -----------------------------------------------------------------------------------------

def warc_bytes(pages: list[tuple[str, bytes, str]], gz: bool = True) -> bytes:
    """A web archive with an HTML response per (url, html, warc date), plus an image and a request."""
    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=gz)
    for url, html, when in pages:
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(html), http_headers=headers,
                                                      warc_headers_dict={"WARC-Date": when}))
        writer.write_record(writer.create_warc_record(url, "request", payload=io.BytesIO(b"GET / HTTP/1.1\r\n\r\n")))
    image = StatusAndHeaders("200 OK", [("Content-Type", "image/png")], protocol="HTTP/1.1")
    writer.write_record(writer.create_warc_record("https://coastal.example/logo.png", "response",
                                                  payload=io.BytesIO(b"\x89PNG\r\n\x1a\n\x00\x00"), http_headers=image))
    return buf.getvalue()


PAGES = [
    ("https://coastal.example/a", PAGE.format(date=DATED).encode("utf-8"), "2023-06-01T10:00:00Z"),
    ("https://coastal.example/b", PAGE.format(date="").replace("Thursday", "Friday").encode("utf-8"),
     "2023-06-02T10:00:00Z"),
]


def test_a_warc_gives_its_html_responses_with_url_date_and_record_id(tmp_path):
    path = write(tmp_path / "crawl.warc.gz", warc_bytes(PAGES))
    docs = read([path])
    assert [d.fmt for d in docs] == ["warc", "warc"]  # the image and the requests are not articles
    a, b = docs
    assert (a.url, a.published, a.date_source) == ("https://coastal.example/a", "2023-05-04", "metadata")  # page meta
    assert (b.url, b.published, b.date_source) == ("https://coastal.example/b", "2023-06-02", "metadata")  # WARC-Date
    assert "on Friday to reopen three crossings" in b.text
    assert a.record.startswith("<urn:uuid:") and a.record != b.record
    assert a.doc_id.startswith("warc-") and a.doc_id != b.doc_id
    assert [d.doc_id for d in read([path])] == [a.doc_id, b.doc_id]  # stable
    plain = write(tmp_path / "crawl.warc", warc_bytes(PAGES, gz=False))
    assert [d.url for d in read([plain])] == [a.url, b.url]


@pytest.mark.parametrize("gz", [True, False])
def test_a_truncated_warc_gives_what_was_read_and_a_rejection(tmp_path, gz):
    data = warc_bytes(PAGES, gz=gz)
    path = write(tmp_path / ("cut.warc.gz" if gz else "cut.warc"), data[: len(data) * 3 // 4])
    items = read([path])
    assert isinstance(items[0], Document) and items[0].url == "https://coastal.example/a"
    assert isinstance(items[-1], Rejection)
    assert items[-1].reason == "truncated or corrupt WARC archive"
    assert items[-1].input == str(path)
    assert all(isinstance(i, Document) for i in items[:-1])


def test_a_file_that_is_not_a_warc_is_rejected(tmp_path):
    (r,) = read([write(tmp_path / "fake.warc", "WARC/1.0\r\nthis is not a record\r\n\r\n")])
    assert r.reason == "truncated or corrupt WARC archive" and r.record == "after 0 HTML records"


# -- stdin ----------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "head, fmt",
    [
        (b"WARC/1.0\r\nWARC-Type: warcinfo", "warc"),
        (gzip.compress(b"WARC/1.0\r\n"), "warc"),
        (b'  {"id": 1, "text": "x"}', "json"),
        (b'\xef\xbb\xbf[{"text": "x"}]', "json"),
        (b"\n<!DOCTYPE html><html>", "html"),
        (b"Ghana and Togo sign border pact", "text"),
        (b"", "text"),
    ],
)
def test_stdin_content_is_sniffed(head, fmt):
    assert sniff_format(head) == fmt


def test_stdin_is_read_whole_and_dispatched_by_content(monkeypatch):
    feed = b'{"id": "s1", "text": "Mali thanked Niger."}\n{"text": "Niger thanked Mali."}\n'
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(feed)))
    docs = list(iter_inputs(["-"], Settings()))
    assert [(d.doc_id, d.input, d.record) for d in docs] == [("s1", "-", "line 1"), ("stdin-2", "-", "line 2")]


def test_stdin_text_html_and_warc(tmp_path):
    (text,) = iter_bytes(ARTICLE.encode("utf-8"), Settings())
    assert (text.doc_id, text.fmt, text.input, text.title) == ("stdin", "text", "-", "Ghana and Togo sign border pact")
    (page,) = iter_bytes(PAGE.format(date=DATED).encode("utf-8"), Settings())
    assert (page.fmt, page.outlet) == ("html", "Coastal Times")
    docs = list(iter_bytes(warc_bytes(PAGES), Settings()))
    assert [d.fmt for d in docs] == ["warc", "warc"]
    (empty,) = iter_bytes(b"  \n", Settings())
    assert isinstance(empty, Rejection) and empty.input == "-" and empty.reason == "empty file"


# -- the metadata sidecar -------------------------------------------------------------------------

def test_the_sidecar_matches_by_relative_path_basename_or_id_and_overrides(tmp_path):
    write(tmp_path / "in" / "sub" / "a.txt", "Ghana and Togo sign border pact\n14 July 2018\n\nText.")
    write(tmp_path / "in" / "b.txt", ARTICLE)
    write(tmp_path / "in" / "feed.jsonl",
          json.dumps({"id": "j1", "text": "Mali thanked Niger.", "published": "2001-01-01"}))
    meta = write(tmp_path / "in" / "meta.jsonl", "\n".join(json.dumps(r) for r in [
        {"file": "sub/a.txt", "published": "2019-02-21", "outlet": "Coastal Times", "title": "Pact signed"},
        {"file": "elsewhere/b.txt", "url": "https://coastal.example/b", "published": None},
        {"id": "j1", "published": "3 March 2003"},
    ]))
    docs = {d.doc_id: d for d in read([tmp_path / "in"], meta=meta)}
    assert sorted(docs) == ["a", "b", "j1"]  # the sidecar itself is not read as articles
    a, b, j1 = docs["a"], docs["b"], docs["j1"]
    assert (a.published, a.date_source, a.outlet, a.title) == ("2019-02-21", "metadata", "Coastal Times", "Pact signed")
    assert (b.url, b.published, b.date_source) == ("https://coastal.example/b", None, "none")
    assert (b.title, b.outlet) == ("Ghana and Togo sign border pact", None)  # null and absent say nothing
    assert (j1.published, j1.date_source) == ("2003-03-03", "metadata")


def test_the_seed_sidecar_dates_the_seed_reports():
    docs = read([SEEDS / "docs"], meta=SEEDS / "meta.jsonl")
    assert [(d.doc_id[:3], d.published, d.date_source) for d in docs] == [
        ("000", "2018-07-10", "metadata"), ("001", "2018-07-14", "metadata"), ("002", "2021-03-07", "metadata"),
        ("003", "2018-07-12", "metadata"), ("004", "2018-07-12", "metadata")]
    assert docs[0].doc_id == "000_046bf18c5b616fc5"  # the id stays the file stem
    assert docs[2].outlet == "Tehran Times"


def test_a_malformed_sidecar_line_is_an_error_naming_it(tmp_path):
    meta = write(tmp_path / "meta.jsonl",
                 '{"file": "a.txt", "published": "2020-01-01"}\n{"file": "b.txt", "published": "soon"}\n')
    write(tmp_path / "a.txt", ARTICLE)
    with pytest.raises(InputError) as err:
        read([tmp_path / "a.txt"], meta=meta)
    assert str(err.value) == f"{meta}:line 2: published 'soon' is not a date. Write dates as YYYY-MM-DD"


# -- folders and rejections -----------------------------------------------------------------------

def test_a_folder_is_walked_recursively_in_name_order_skipping_hidden_entries(tmp_path):
    for name in ("b.txt", "a/z.txt", "a/c/d.txt", "C.txt", ".hidden.txt", ".git/x.txt", "notes.pdf"):
        write(tmp_path / "in" / name, ARTICLE)
    items = read([tmp_path / "in"])
    assert [Path(i.input).relative_to(tmp_path / "in").as_posix() for i in items] == [
        "C.txt", "a/c/d.txt", "a/z.txt", "b.txt", "notes.pdf"]
    assert items[-1] == Rejection(
        str(tmp_path / "in" / "notes.pdf"), "unknown format '.pdf'",
        "Use .txt, .html/.htm, .json/.jsonl or .warc/.warc.gz, or rename the file to one of these")


def test_empty_and_whitespace_files_are_rejected(tmp_path):
    for name, content in (("empty.txt", b""), ("blank.txt", b" \n\t\n"), ("empty.html", b"")):
        r = one(write(tmp_path / name, content))
        assert r == Rejection(str(tmp_path / name), "empty file", "Remove it or add the article text")


def test_binary_content_is_rejected(tmp_path):
    r = one(write(tmp_path / "image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00"))
    assert r.reason == "binary content, not text" and r.input == str(tmp_path / "image.txt")


def test_legacy_encodings_and_byte_order_marks_are_decoded(tmp_path):
    text = ("Le président a visité São Paulo.\n\n"
            "La délégation a rencontré le ministre à Genève, où les négociations ont duré trois jours.")
    assert one(write(tmp_path / "latin1.txt", text.encode("latin-1"))).text == text
    quoted = "The minister said “we will not bow” and left – abruptly."
    assert one(write(tmp_path / "cp1252.txt", quoted.encode("cp1252"))).text == quoted
    assert one(write(tmp_path / "bom.txt", b"\xef\xbb\xbf" + quoted.encode("utf-8"))).text == quoted
    assert one(write(tmp_path / "utf16.txt", quoted.encode("utf-16"))).text == quoted


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root can read any file")
def test_an_unreadable_file_is_rejected(tmp_path):
    path = write(tmp_path / "secret.txt", ARTICLE)
    path.chmod(0)
    r = one(path)
    assert r.reason.startswith("cannot read the file") and r.input == str(path)


def test_a_missing_path_in_iter_inputs_is_a_rejection_and_the_run_goes_on(tmp_path):
    good = write(tmp_path / "a.txt", ARTICLE)
    items = read([tmp_path / "gone.txt", good])
    assert items[0] == Rejection(str(tmp_path / "gone.txt"), "no such file or folder",
                                 "Check the path, or use '-' to read from standard input")
    assert isinstance(items[1], Document)


def test_inputs_are_read_lazily(tmp_path):
    write(tmp_path / "in" / "a.txt", ARTICLE)
    write(tmp_path / "in" / "b.txt", ARTICLE)
    stream = iter_inputs([str(tmp_path / "in")], Settings())
    first = next(stream)
    (tmp_path / "in" / "b.txt").write_text("Changed after the first document was read.\n", encoding="utf-8")
    assert first.doc_id == "a"
    assert next(stream).text == "Changed after the first document was read.\n"
