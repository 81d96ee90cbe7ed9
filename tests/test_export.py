"""Export: the column contract in every format, nested JSONL objects, flat CSV/TSV/Parquet, stdout."""

from __future__ import annotations

import csv
import hashlib
import io
import json

import duckdb
import pytest

from dragoman.errors import UsageError
from dragoman.export import export
from dragoman.pipeline import across_documents
from dragoman.schema import (
    Actor,
    ActorRef,
    Block,
    CodedDocument,
    Document,
    Event,
    EventDate,
    Location,
    Mention,
    Quote,
    Rejection,
)
from dragoman.store import Store

# Made-up articles; non-ASCII names and a paragraph break on purpose.
TEXT_A = ('Ana Sánchez, the Spanish foreign minister, met Swiss envoy Jürg Keller in Zürich on Monday.\n\n'
          'Keller later phoned Sánchez through an aide, Bo Lind. "We remain close partners," Sánchez said.')
TEXT_B = 'Rebels shelled a village, the army said.'

# The contract, written out by hand: scripts depend on these names.
EVENTS_JSONL = ["doc_id", "event_id", "type", "mode", "quad", "cameo_root", "status", "date", "date_precision",
                "date_source", "source", "target", "via", "location", "evidence", "start", "end", "trigger",
                "confidence", "coder_version", "trigger_start", "trigger_end", "rule", "incident_id"]
EVENTS_FLAT = ["doc_id", "event_id", "type", "mode", "quad", "cameo_root", "status", "date", "date_precision",
               "date_source",
               "source_name", "source_country", "source_sector", "source_text", "source_start", "source_end",
               "target_name", "target_country", "target_sector", "target_text", "target_start", "target_end",
               "via_name", "via_country", "via_sector", "via_text", "via_start", "via_end",
               "location_name", "location_country", "location_text", "location_start", "location_end",
               "evidence", "start", "end", "trigger", "confidence", "coder_version",
               "trigger_start", "trigger_end", "rule", "incident_id"]
QUOTES_JSONL = ["doc_id", "quote_id", "speaker", "text", "start", "end", "direct", "cue"]
QUOTES_FLAT = ["doc_id", "quote_id", "speaker_name", "speaker_country", "speaker_sector", "speaker_text",
               "speaker_start", "speaker_end", "text", "start", "end", "direct", "cue"]
ACTORS = ["actor_id", "name", "country", "sector", "aliases", "mentions", "documents", "kind", "office",
          "first_seen", "last_seen"]
DOCUMENTS = ["doc_id", "title", "published", "date_source", "url", "outlet", "input", "record", "content_hash",
             "n_sentences", "n_events", "story_id", "inferred_from", "inferred_to", "text"]
REJECTIONS = ["run_id", "input", "record", "reason", "fix", "at"]
INCIDENTS_JSONL = ["incident_id", "type", "mode", "status", "source", "target", "via", "date", "date_precision",
                   "date_reports", "dated_reports", "num_mentions", "num_documents", "num_sources", "first_reported",
                   "doc_ids"]
INCIDENTS_FLAT = ["incident_id", "type", "mode", "status", "source_actor_id", "source_name", "source_country",
                  "target_actor_id", "target_name", "target_country", "via_actor_id", "via_name", "via_country",
                  "date", "date_precision", "date_reports", "dated_reports", "num_mentions", "num_documents",
                  "num_sources", "first_reported", "doc_ids"]
STORIES = ["story_id", "title", "first_published", "last_published", "num_documents", "num_sources",
           "num_incidents", "actors", "doc_ids"]
JSONL_FIELDS = {"events": EVENTS_JSONL, "quotes": QUOTES_JSONL, "actors": ACTORS, "documents": DOCUMENTS,
                "rejections": REJECTIONS, "incidents": INCIDENTS_JSONL, "stories": STORIES}
FLAT_COLUMNS = {"events": EVENTS_FLAT, "quotes": QUOTES_FLAT, "actors": ACTORS, "documents": DOCUMENTS,
                "rejections": REJECTIONS, "incidents": INCIDENTS_FLAT, "stories": STORIES}
# three events, each its own incident: a meeting, a phone call (another CONSULT family), a shelling;
# two stories: the two documents share no actor, incident or words
ROWS = {"events": 3, "quotes": 2, "actors": 4, "documents": 2, "rejections": 1, "incidents": 3, "stories": 2}


def at(text: str, words: str, nth: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(nth + 1):
        start = text.index(words, start + 1)
    return start, start + len(words)


def ref(text, actor_id, name, country, sector, words, nth=0) -> ActorRef:
    return ActorRef(actor_id, name, country, sector, words, *at(text, words, nth))


def document(doc_id: str, text: str, published: str) -> Document:
    return Document(doc_id, text, hashlib.sha256(text.encode()).hexdigest(), title=f"About {doc_id}",
                    published=published, date_source="metadata", url=None, outlet="Example Wire",
                    input="feed.jsonl", record=doc_id[0])


def event(doc: Document, n: int, sentence: str, trigger: str, **fields) -> Event:
    values = dict(event_id=f"{doc.doc_id}:e{n}", doc_id=doc.doc_id, type="CONSULT", mode=None, quad=1,
                  cameo_root="04", status="occurred", date=EventDate(None, None, "unresolved"), source=None,
                  target=None, via=None, location=None, evidence=sentence, start=at(doc.text, sentence)[0],
                  end=at(doc.text, sentence)[1], trigger=trigger, trigger_start=at(doc.text, trigger)[0],
                  trigger_end=at(doc.text, trigger)[1], confidence=0.5, coder_version="test-2", rule="r")
    values.update(fields)
    return Event(**values)


def coded_a() -> CodedDocument:
    doc = document("a-doc", TEXT_A, "2025-03-11")
    t = doc.text
    sanchez = ref(t, "esp-sanchez", "Ana Sánchez", "ESP", "GOV", "Ana Sánchez")
    keller = ref(t, "che-keller", "Jürg Keller", "CHE", "GOV", "Swiss envoy Jürg Keller")
    first = "Ana Sánchez, the Spanish foreign minister, met Swiss envoy Jürg Keller in Zürich on Monday."
    met = event(doc, 0, first, "met", source=sanchez, target=keller,
                location=Location("Zurich", "CHE", "Zürich", *at(t, "Zürich")),
                date=EventDate("2025-03-10", "day", "sentence", "on Monday", *at(t, "on Monday")), confidence=0.8,
                rule="meet-X")
    phoned = event(doc, 1, "Keller later phoned Sánchez through an aide, Bo Lind.", "phoned", mode="phone",
                   source=ref(t, "che-keller", "Jürg Keller", "CHE", "GOV", "Keller", nth=1),
                   target=ref(t, "esp-sanchez", "Ana Sánchez", "ESP", "GOV", "Sánchez", nth=1),
                   via=ref(t, "p-lind", "Bo Lind", None, None, "Bo Lind"))
    quote = Quote("a-doc:q0", "a-doc", ref(t, "esp-sanchez", "Ana Sánchez", "ESP", "GOV", "Sánchez", nth=2),
                  "We remain close partners,", *at(t, "We remain close partners,"), True, "said")
    actors = (Actor("esp-sanchez", "Ana Sánchez", "ESP", "GOV", "person", "Foreign Minister",
                    ("Sánchez", "Ana Sánchez")),
              Actor("che-keller", "Jürg Keller", "CHE", "GOV", "person", "Envoy", ("Keller",)),
              Actor("p-lind", "Bo Lind", None, None, "person", None, ()))
    mentions = (Mention("esp-sanchez", "Ana Sánchez", *at(t, "Ana Sánchez"), "name"),
                Mention("esp-sanchez", "Sánchez", *at(t, "Sánchez", 1), "name"),
                Mention("esp-sanchez", "Sánchez", *at(t, "Sánchez", 2), "name"),
                Mention("che-keller", "Jürg Keller", *at(t, "Jürg Keller"), "name"),
                Mention("p-lind", "Bo Lind", *at(t, "Bo Lind"), "name"))
    # events given in reverse: the export must still come out in offset order
    return CodedDocument(doc, (Block(0, 91, "body"), Block(93, len(t), "body")), actors, mentions,
                         (phoned, met), (quote,), n_sentences=3)


def coded_b() -> CodedDocument:
    doc = document("b-doc", TEXT_B, "2025-03-12")
    t = doc.text
    shelled = event(doc, 0, t, "shelled", type="ASSAULT", quad=4, cameo_root="19",
                    source=ref(t, "grp-rebels", "rebels", None, "REB", "Rebels"), confidence=0.6)
    quote = Quote("b-doc:q0", "b-doc", None, "Rebels shelled a village", *at(t, "Rebels shelled a village"), False,
                  "said")
    actors = (Actor("grp-rebels", "rebels", None, "REB", "group"),)
    mentions = (Mention("grp-rebels", "Rebels", 0, 6, "nominal"),)
    return CodedDocument(doc, (Block(0, len(t), "body"),), actors, mentions, (shelled,), (quote,), n_sentences=1)


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = tmp_path_factory.mktemp("export") / "store.duckdb"
    with Store(path) as store:
        run_id = store.start_run(["feed.jsonl"], {}, {})
        for batch, rejections in (([coded_b()], [Rejection("feed.jsonl", "no text field",
                                                           "Map it with --json-field text=body", record="7")]),
                                  ([coded_a()], [])):
            placed = across_documents(store, batch)
            store.write(run_id, placed.coded, rejections, placement=placed)
    return path


@pytest.fixture
def store(db):
    with Store(db, read_only=True) as s:
        yield s


def read_jsonl(path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def read_flat(path, fmt: str) -> list[list[str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh, delimiter="," if fmt == "csv" else "\t"))


def read_parquet(path) -> tuple[list[str], list[tuple]]:
    con = duckdb.connect()
    rel = con.read_parquet(str(path))
    return rel.columns, rel.fetchall()


def test_the_test_blocks_match_the_paragraphs():
    cd = coded_a()
    assert cd.document.text[cd.blocks[0].start:cd.blocks[0].end].endswith("on Monday.")
    assert cd.document.text[cd.blocks[1].start:].startswith("Keller later")


@pytest.mark.parametrize("table", ["events", "quotes", "actors", "documents", "rejections", "incidents"])
def test_jsonl_fields_are_the_contract(store, tmp_path, table):
    out = tmp_path / f"{table}.jsonl"
    assert export(store, table, "jsonl", out) == ROWS[table]
    rows = read_jsonl(out)
    assert len(rows) == ROWS[table]
    assert all(list(row) == JSONL_FIELDS[table] for row in rows)


@pytest.mark.parametrize("fmt", ["csv", "tsv"])
@pytest.mark.parametrize("table", ["events", "quotes", "actors", "documents", "rejections", "incidents"])
def test_csv_and_tsv_columns_are_the_contract(store, tmp_path, table, fmt):
    out = tmp_path / f"{table}.{fmt}"
    assert export(store, table, fmt, out) == ROWS[table]
    header, *rows = read_flat(out, fmt)
    assert header == FLAT_COLUMNS[table]
    assert len(rows) == ROWS[table]
    assert all(len(row) == len(header) for row in rows)


@pytest.mark.parametrize("table", ["events", "quotes", "actors", "documents", "rejections", "incidents"])
def test_parquet_columns_are_the_contract(store, tmp_path, table):
    out = tmp_path / f"{table}.parquet"
    assert export(store, table, "parquet", out) == ROWS[table]
    names, rows = read_parquet(out)
    assert names == FLAT_COLUMNS[table]
    assert len(rows) == ROWS[table]


def test_jsonl_events_nest_roles_and_location(store, tmp_path):
    out = tmp_path / "events.jsonl"
    export(store, "events", "jsonl", out)
    met, phoned, shelled = read_jsonl(out)
    assert [met["event_id"], phoned["event_id"], shelled["event_id"]] == ["a-doc:e0", "a-doc:e1", "b-doc:e0"]
    assert met["source"] == {"name": "Ana Sánchez", "country": "ESP", "sector": "GOV", "text": "Ana Sánchez",
                             "start": 0, "end": 11}
    assert met["target"] == {"name": "Jürg Keller", "country": "CHE", "sector": "GOV",
                             "text": "Swiss envoy Jürg Keller", "start": 47, "end": 70}
    assert met["location"] == {"name": "Zurich", "country": "CHE", "text": "Zürich", "start": 74, "end": 80}
    assert met["via"] is None
    assert (met["date"], met["date_precision"], met["date_source"]) == ("2025-03-10", "day", "sentence")
    assert (met["start"], met["end"], met["trigger"], met["confidence"]) == (0, 91, "met", 0.8)
    assert phoned["via"] == {"name": "Bo Lind", "country": None, "sector": None, "text": "Bo Lind",
                             "start": 138, "end": 145}
    assert phoned["mode"] == "phone" and phoned["location"] is None
    assert shelled["target"] is None and shelled["quad"] == 4
    assert shelled["source"]["country"] is None and shelled["source"]["sector"] == "REB"


def test_jsonl_keeps_non_ascii_characters(store, tmp_path):
    out = tmp_path / "events.jsonl"
    export(store, "events", "jsonl", out)
    raw = out.read_text(encoding="utf-8")
    assert "Zürich" in raw and "\\u00fc" not in raw


def test_jsonl_quotes_nest_the_speaker(store, tmp_path):
    out = tmp_path / "quotes.jsonl"
    export(store, "quotes", "jsonl", out)
    said, reported = read_jsonl(out)
    # the speaker's words are the last "Sánchez" of TEXT_A, at 175-182 (counted by hand)
    assert said["speaker"] == {"name": "Ana Sánchez", "country": "ESP", "sector": "GOV", "text": "Sánchez",
                               "start": 175, "end": 182}
    assert (said["text"], said["direct"], said["cue"]) == ("We remain close partners,", True, "said")
    assert reported["speaker"] is None and reported["direct"] is False


def test_csv_flattens_objects_and_joins_lists(store, tmp_path):
    export(store, "events", "csv", tmp_path / "events.csv")
    export(store, "actors", "csv", tmp_path / "actors.csv")
    export(store, "quotes", "csv", tmp_path / "quotes.csv")
    with open(tmp_path / "events.csv", encoding="utf-8", newline="") as fh:
        met = next(csv.DictReader(fh))
    assert (met["target_name"], met["target_text"], met["target_start"], met["target_end"]) == (
        "Jürg Keller", "Swiss envoy Jürg Keller", "47", "70")
    assert (met["via_name"], met["via_start"], met["location_name"]) == ("", "", "Zurich")
    assert met["confidence"] == "0.8"
    with open(tmp_path / "actors.csv", encoding="utf-8", newline="") as fh:
        actors = {row["actor_id"]: row for row in csv.DictReader(fh)}
    assert list(actors) == ["che-keller", "esp-sanchez", "grp-rebels", "p-lind"]
    assert actors["esp-sanchez"]["aliases"] == "Ana Sánchez|Sánchez"
    assert (actors["esp-sanchez"]["mentions"], actors["esp-sanchez"]["documents"]) == ("3", "1")
    assert actors["p-lind"]["aliases"] == "" and actors["p-lind"]["country"] == ""
    with open(tmp_path / "quotes.csv", encoding="utf-8", newline="") as fh:
        quotes = list(csv.DictReader(fh))
    assert [q["direct"] for q in quotes] == ["true", "false"]


@pytest.mark.parametrize("fmt", ["csv", "tsv"])
def test_document_text_with_line_breaks_survives_csv_and_tsv(store, tmp_path, fmt):
    out = tmp_path / f"documents.{fmt}"
    export(store, "documents", fmt, out)
    header, first, second = read_flat(out, fmt)
    row = dict(zip(header, first))
    assert (row["doc_id"], row["text"]) == ("a-doc", TEXT_A)
    assert (row["n_sentences"], row["n_events"], row["url"]) == ("3", "2", "")
    assert dict(zip(header, second))["doc_id"] == "b-doc"


def test_parquet_is_flat_with_native_types(store, tmp_path):
    export(store, "actors", "parquet", tmp_path / "actors.parquet")
    names, rows = read_parquet(tmp_path / "actors.parquet")
    sanchez = dict(zip(names, rows[1]))
    assert sanchez["actor_id"] == "esp-sanchez"
    assert sanchez["aliases"] == ["Ana Sánchez", "Sánchez"]
    assert sanchez["mentions"] == 3
    export(store, "events", "parquet", tmp_path / "events.parquet")
    names, rows = read_parquet(tmp_path / "events.parquet")
    phoned = dict(zip(names, rows[1]))
    assert (phoned["event_id"], phoned["via_name"], phoned["via_start"]) == ("a-doc:e1", "Bo Lind", 138)
    assert phoned["target_country"] == "ESP" and phoned["location_name"] is None


def test_stories_export_their_documents_and_named_actors(store, tmp_path):
    export(store, "stories", "jsonl", tmp_path / "stories.jsonl")
    export(store, "stories", "csv", tmp_path / "stories.csv")
    export(store, "documents", "jsonl", tmp_path / "documents.jsonl")
    a, b = read_jsonl(tmp_path / "stories.jsonl")  # earliest first: a-doc was published a day before b-doc
    assert (a["title"], a["first_published"], a["last_published"], a["doc_ids"]) == (
        "About a-doc", "2025-03-11", "2025-03-11", ["a-doc"])
    assert (a["num_documents"], a["num_sources"], a["num_incidents"]) == (1, 1, 2)  # the meeting and the call
    assert a["actors"] == ["Ana Sánchez", "Bo Lind", "Jürg Keller"]  # one document each: by name
    assert (b["doc_ids"], b["actors"], b["num_incidents"]) == (["b-doc"], [], 1)  # "rebels" is no named actor
    with open(tmp_path / "stories.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert rows[0]["actors"] == "Ana Sánchez|Bo Lind|Jürg Keller" and rows[1]["actors"] == ""
    docs = {d["doc_id"]: d for d in read_jsonl(tmp_path / "documents.jsonl")}
    assert (docs["a-doc"]["story_id"], docs["b-doc"]["story_id"]) == (a["story_id"], b["story_id"])
    assert docs["a-doc"]["inferred_from"] is None  # dated documents get no inferred window


def test_rejections_export(store, tmp_path):
    out = tmp_path / "rejections.jsonl"
    export(store, "rejections", "jsonl", out)
    (row,) = read_jsonl(out)
    assert (row["input"], row["record"], row["reason"]) == ("feed.jsonl", "7", "no text field")
    assert row["fix"] == "Map it with --json-field text=body"
    assert row["at"][:2] == "20" and "T" in row["at"]


def test_export_to_stdout(store, capsys):
    assert export(store, "quotes", "jsonl", None) == 2
    lines = capsys.readouterr().out.splitlines()
    assert [json.loads(line)["quote_id"] for line in lines] == ["a-doc:q0", "b-doc:q0"]
    assert export(store, "rejections", "tsv", None) == 1
    header, row = list(csv.reader(io.StringIO(capsys.readouterr().out), delimiter="\t"))
    assert header == REJECTIONS and row[1:5] == ["feed.jsonl", "7", "no text field",
                                                 "Map it with --json-field text=body"]


def test_an_empty_table_exports_a_header_only(tmp_path):
    with Store(tmp_path / "empty.duckdb") as store:
        assert export(store, "events", "csv", tmp_path / "events.csv") == 0
    assert (tmp_path / "events.csv").read_bytes() == (",".join(EVENTS_FLAT) + "\n").encode()


def test_parquet_needs_a_file(store):
    with pytest.raises(UsageError, match="^parquet needs -o FILE"):
        export(store, "events", "parquet", None)


def test_unknown_table_or_format_is_a_usage_error(store, tmp_path):
    with pytest.raises(UsageError, match="choose one of events, quotes, actors, documents, rejections"):
        export(store, "blocks", "jsonl", tmp_path / "x.jsonl")
    with pytest.raises(UsageError, match="choose one of jsonl, csv, tsv, parquet"):
        export(store, "events", "xlsx", tmp_path / "x.xlsx")


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_an_output_in_a_missing_folder_is_a_usage_error(store, tmp_path, fmt):
    out = tmp_path / "no-such-folder" / f"events.{fmt}"
    with pytest.raises(UsageError) as err:
        export(store, "events", fmt, out)
    assert str(err.value) == f"cannot write {out}: no such folder {out.parent}. Check the -o path"


def test_an_existing_output_file_is_replaced(store, tmp_path):
    out = tmp_path / "quotes.parquet"
    out.write_bytes(b"old contents")
    assert export(store, "quotes", "parquet", out) == 2
    assert len(read_parquet(out)[1]) == 2


def test_parquet_export_right_after_a_write_on_the_same_store(tmp_path):
    # DuckDB 2 refuses new work on a connection with a half-read result; the store must not leave one
    with Store(tmp_path / "fresh.duckdb") as store:
        run_id = store.start_run([], {}, {})
        store.write(run_id, [coded_b()])
        assert store.known_hash(coded_b().document.content_hash) == "b-doc"
        assert export(store, "events", "parquet", tmp_path / "events.parquet") == 1
    assert read_parquet(tmp_path / "events.parquet")[1][0][1] == "b-doc:e0"
