"""The DuckDB store: round trips, idempotence, the actor upsert, atomic batches, refusals."""

from __future__ import annotations

import hashlib
import subprocess
import threading
import sys
import time
from dataclasses import replace

import duckdb
import pytest

from dragoman.errors import StoreError
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
    RunSummary,
)
from dragoman.store import SCHEMA_VERSION, Store

# Two made-up articles naming the same two leaders.
TEXT_1 = ('Chancellor Ilse Brandt met Prime Minister Tomas Varga in Vienna on 3 May. '
          'Brandt said: "Our talks were frank." Varga will visit Berlin, aides said.')
TEXT_2 = 'On Friday, Tomas Varga sent Ilse Brandt a message through envoy Karl Ode.'


def at(text: str, words: str, nth: int = 0) -> tuple[int, int]:
    """Offsets of the `nth` occurrence of `words` in `text`."""
    start = -1
    for _ in range(nth + 1):
        start = text.index(words, start + 1)
    return start, start + len(words)


def ref(text: str, actor_id: str, name: str, country: str | None, words: str, nth: int = 0) -> ActorRef:
    return ActorRef(actor_id, name, country, "GOV", words, *at(text, words, nth))


def document(doc_id: str, text: str, published: str | None) -> Document:
    return Document(doc_id=doc_id, text=text, content_hash=hashlib.sha256(text.encode()).hexdigest(),
                    title=f"Title of {doc_id}", published=published, date_source="metadata",
                    url=f"https://example.org/{doc_id}", outlet="Example News", input="in.jsonl", record="1")


def event(doc: Document, n: int, sentence: str, trigger: str, **fields) -> Event:
    start, end = at(doc.text, sentence)
    t_start, t_end = at(doc.text, trigger)
    values = dict(event_id=f"{doc.doc_id}:e{n}", doc_id=doc.doc_id, type="CONSULT", mode=None, quad=1,
                  cameo_root="04", status="occurred", date=EventDate(None, None, "unresolved"), source=None,
                  target=None, via=None, location=None, evidence=sentence, start=start, end=end, trigger=trigger,
                  trigger_start=t_start, trigger_end=t_end, confidence=0.75, coder_version="test-1", rule="r1")
    values.update(fields)
    return Event(**values)


def mention(text: str, actor_id: str, words: str, how: str = "name", nth: int = 0) -> Mention:
    return Mention(actor_id, words, *at(text, words, nth), how)


def coded_1(doc_id: str = "art-1", published: str | None = "2024-05-04") -> CodedDocument:
    doc = document(doc_id, TEXT_1, published)
    t = doc.text
    brandt = ref(t, "deu-brandt", "Ilse Brandt", "DEU", "Chancellor Ilse Brandt")
    varga = ref(t, "hun-varga", "Tomas Varga", "HUN", "Prime Minister Tomas Varga")
    met = event(doc, 0, "Chancellor Ilse Brandt met Prime Minister Tomas Varga in Vienna on 3 May.", "met",
                source=brandt, target=varga, location=Location("Vienna", "AUT", "Vienna", *at(t, "Vienna")),
                date=EventDate("2024-05-03", "day", "sentence", "on 3 May", *at(t, "on 3 May")), confidence=0.9)
    visit = event(doc, 1, "Varga will visit Berlin, aides said.", "visit", mode="visit", status="future",
                  source=ref(t, "hun-varga", "Tomas Varga", "HUN", "Varga", nth=1), rule="visit-X")
    quotes = (Quote(f"{doc_id}:q0", doc_id, ref(t, "deu-brandt", "Ilse Brandt", "DEU", "Brandt", nth=1),
                    "Our talks were frank.", *at(t, "Our talks were frank."), True, "said"),
              Quote(f"{doc_id}:q1", doc_id, None, "Varga will visit Berlin", *at(t, "Varga will visit Berlin"), False,
                    "said"))
    actors = (Actor("deu-brandt", "Ilse Brandt", "DEU", "GOV", "person", "Chancellor", ("Brandt",)),
              Actor("hun-varga", "Tomas Varga", "HUN", "GOV", "person", "Prime Minister", ("Varga",)))
    mentions = (mention(t, "deu-brandt", "Chancellor Ilse Brandt", "title"), mention(t, "deu-brandt", "Brandt", nth=1),
                mention(t, "hun-varga", "Prime Minister Tomas Varga", "title"),
                mention(t, "hun-varga", "Varga", nth=1))
    blocks = (Block(0, len(t), "body"),)
    return CodedDocument(doc, blocks, actors, mentions, (met, visit), quotes, n_sentences=3)


def coded_2(doc_id: str = "art-2") -> CodedDocument:
    doc = document(doc_id, TEXT_2, "2023-11-10")
    t = doc.text
    sent = event(doc, 0, t, "sent", source=ref(t, "hun-varga", "Tomas Varga", "HUN", "Tomas Varga"),
                 target=ref(t, "deu-brandt", "Ilse Brandt", "DEU", "Ilse Brandt"),
                 via=ref(t, "hun-ode", "Karl Ode", "HUN", "envoy Karl Ode"),
                 date=EventDate("2023-11-10", "day", "sentence", "On Friday", *at(t, "On Friday")))
    actors = (Actor("hun-varga", "Tomas Varga", "HUN", "GOV", "person", None, ("Tomas Varga",)),
              Actor("deu-brandt", "Ilse Brandt", "DEU", "GOV", "person", "Federal Chancellor", ("Ilse Brandt",)),
              Actor("hun-ode", "Karl Ode", "HUN", "GOV", "person", "Envoy", ()))
    mentions = (mention(t, "hun-varga", "Tomas Varga"), mention(t, "deu-brandt", "Ilse Brandt"),
                mention(t, "hun-ode", "envoy Karl Ode", "title"))
    return CodedDocument(doc, (Block(0, len(t), "body"),), actors, mentions, (sent,), (), n_sentences=1)


@pytest.fixture
def db(tmp_path):
    return tmp_path / "store.duckdb"


def actor_rows(store: Store) -> dict[str, dict]:
    names = ("actor_id", "office", "aliases", "mentions", "documents", "first_seen", "last_seen")
    return {row[0]: dict(zip(names, row)) for row in store.rows("actors", names)}


def test_offsets_in_the_test_records_index_the_text():
    # the builders above must be right for the other tests to mean anything
    cd = coded_1()
    t = cd.document.text
    for e in cd.events:
        assert t[e.start:e.end] == e.evidence
        assert t[e.trigger_start:e.trigger_end] == e.trigger
    assert [(m.start, t[m.start:m.end]) for m in cd.mentions] == [
        (0, "Chancellor Ilse Brandt"), (74, "Brandt"), (27, "Prime Minister Tomas Varga"), (111, "Varga")]
    visit = cd.events[1]
    assert (visit.source.start, visit.source.end) == (111, 116)
    assert t[cd.quotes[0].speaker.start:cd.quotes[0].speaker.end] == "Brandt"


def test_events_quotes_and_documents_round_trip(db):
    one, two = coded_1(), coded_2()
    with Store(db) as store:
        run_id = store.start_run(["in.jsonl"], {"workers": 1}, {"coder": "test-1"})
        assert store.write(run_id, [one, two]) == 2
    with Store(db, read_only=True) as store:
        assert store.events() == [*one.events, *two.events]
        assert store.events(["art-2"]) == list(two.events)
        assert store.events([]) == []
        assert store.quotes() == list(one.quotes)
        assert store.quotes(["art-2"]) == []
        assert store.documents() == [one.document, two.document]
        counts = store.counts()
    assert (counts["documents"], counts["events"], counts["quotes"], counts["actors"]) == (2, 3, 2, 3)
    assert (counts["mentions"], counts["blocks"], counts["rejections"]) == (7, 2, 0)


def test_events_come_back_in_document_and_offset_order(db):
    one = coded_1()
    backwards = replace(one, events=one.events[::-1])
    with Store(db) as store:
        store.write(store.start_run([], {}, {}), [backwards])
        assert [e.event_id for e in store.events()] == ["art-1:e0", "art-1:e1"]


def test_same_content_is_written_once(db):
    one = coded_1()
    with Store(db) as store:
        run_id = store.start_run([], {}, {})
        assert store.write(run_id, [one]) == 1
        before = store.counts()
        assert store.write(run_id, [one]) == 0
        # the same text under another id is the same content: skipped too
        assert store.write(run_id, [coded_1(doc_id="copy-of-art-1")]) == 0
        assert store.counts() == before
        assert actor_rows(store)["deu-brandt"]["mentions"] == 2
        assert store.known_hash(one.document.content_hash) == "art-1"
        assert store.known_hash("0" * 64) is None
        assert store.hash_of("art-1") == one.document.content_hash
        assert store.hash_of("copy-of-art-1") is None


def test_same_content_twice_in_one_batch_is_written_once(db):
    with Store(db) as store:
        assert store.write(store.start_run([], {}, {}), [coded_2(), coded_2(doc_id="art-2-again")]) == 1
        assert [d.doc_id for d in store.documents()] == ["art-2"]


def test_a_reused_id_with_other_content_is_refused_not_overwritten(db):
    with Store(db) as store:
        run_id = store.start_run([], {}, {})
        store.write(run_id, [coded_1()])
        with pytest.raises(StoreError, match="art-1"):
            store.write(run_id, [coded_2(doc_id="art-1")])
        assert store.documents()[0].text == TEXT_1


@pytest.mark.parametrize("one_batch", [False, True])
def test_actors_are_upserted_across_documents(db, one_batch):
    # art-2 (2023) first, then art-1 (2024): counts add up, aliases merge, dates span both
    with Store(db) as store:
        run_id = store.start_run([], {}, {})
        if one_batch:
            store.write(run_id, [coded_2(), coded_1()])
        else:
            store.write(run_id, [coded_2()])
            store.write(run_id, [coded_1()])
        actors = actor_rows(store)
    brandt, varga, ode = actors["deu-brandt"], actors["hun-varga"], actors["hun-ode"]
    assert (brandt["documents"], brandt["mentions"]) == (2, 3)
    assert brandt["aliases"] == ["Brandt", "Ilse Brandt"]
    assert (brandt["first_seen"], brandt["last_seen"]) == ("2023-11-10", "2024-05-04")
    assert brandt["office"] == "Federal Chancellor"  # the first known value is kept
    assert varga["office"] == "Prime Minister"  # a NULL is filled in
    assert (varga["documents"], varga["mentions"], varga["aliases"]) == (2, 3, ["Tomas Varga", "Varga"])
    assert (ode["documents"], ode["mentions"], ode["aliases"]) == (1, 1, [])


def test_undated_documents_leave_first_and_last_seen_alone(db):
    with Store(db) as store:
        run_id = store.start_run([], {}, {})
        store.write(run_id, [coded_1(published=None)])
        assert actor_rows(store)["hun-varga"]["first_seen"] is None
        store.write(run_id, [coded_2()])
        varga = actor_rows(store)["hun-varga"]
    assert (varga["first_seen"], varga["last_seen"]) == ("2023-11-10", "2023-11-10")


def test_a_failing_batch_stores_nothing(db):
    two = coded_2()
    clash = coded_1()
    # the second document's event reuses the first one's event_id: the insert must fail
    clash = replace(clash, events=(replace(clash.events[0], event_id=two.events[0].event_id),))
    rejected = Rejection("bad.html", "no text", "Check the file")
    with Store(db) as store:
        run_id = store.start_run([], {}, {})
        store.write(run_id, [], [Rejection("a.txt", "empty", "Fill it")])
        with pytest.raises(StoreError, match="Nothing of this batch was stored"):
            store.write(run_id, [two, clash], [rejected])
        counts = store.counts()
        assert store.documents() == []
        # the store is still usable after the failed batch
        assert store.write(run_id, [two]) == 1
    assert {t: counts[t] for t in ("documents", "events", "actors", "mentions", "quotes", "blocks")} == dict.fromkeys(
        ("documents", "events", "actors", "mentions", "quotes", "blocks"), 0)
    assert counts["rejections"] == 1  # only the one from the earlier batch


def test_runs_are_recorded_newest_first(db):
    with Store(db) as store:
        first = store.start_run(["a.txt"], {"workers": 2, "meta": None}, {"coder": "test-1"})
        store.finish_run(first, RunSummary(first, coded=3, skipped=1, rejected=2, events=7))
        second = store.start_run(["b.txt", "-"], {}, {})
        runs = store.runs()
        with pytest.raises(StoreError, match="no run 'nope'"):
            store.finish_run("nope", RunSummary("nope"))
    assert [r["run_id"] for r in runs] == [second, first]
    assert runs[1]["status"] == "finished" and runs[0]["status"] == "running"
    assert (runs[1]["coded"], runs[1]["skipped"], runs[1]["rejected"], runs[1]["events"]) == (3, 1, 2, 7)
    assert runs[1]["settings"] == {"workers": 2, "meta": None}
    assert runs[1]["versions"] == {"coder": "test-1"}
    assert runs[0]["inputs"] == ["b.txt", "-"]
    assert runs[1]["finished_at"] >= runs[1]["started_at"]


def test_summary(db):
    with Store(db) as store:
        store.write(store.start_run([], {}, {}), [coded_1(), coded_2()])
        s = store.summary()
    assert (s.documents, s.events, s.actors, s.quotes) == (2, 3, 3, 2)
    assert s.events_by_type == (("CONSULT", 3),)
    # the future visit (HUN -> nobody) is not an occurred event
    assert s.top_dyads == ((("DEU", "HUN"), 1), (("HUN", "DEU"), 1))


def test_a_batch_of_thousands_of_events_is_written_quickly(db):
    one = coded_1()
    many = tuple(replace(one.events[0], event_id=f"art-1:e{n}") for n in range(5000))
    with Store(db) as store:
        started = time.perf_counter()
        store.write(store.start_run([], {}, {}), [replace(one, events=many)])
        elapsed = time.perf_counter() - started
        assert store.counts()["events"] == 5000
    assert elapsed < 5  # one statement per table takes well under a second; a row at a time takes many


def test_another_schema_version_is_refused(db):
    Store(db).close()
    con = duckdb.connect(str(db))
    con.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    con.close()
    with pytest.raises(StoreError) as err:
        Store(db)
    assert str(err.value) == (f"{db} was written by dragoman schema 99; this is schema {SCHEMA_VERSION}. "
                              "Re-code into a new --db FILE, or upgrade dragoman")


def test_a_file_that_is_not_duckdb_is_refused(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("not a database\n" * 200)
    with pytest.raises(StoreError, match=f"{path} is not a DuckDB file"):
        Store(path)


def test_a_duckdb_file_of_another_program_is_refused(db):
    con = duckdb.connect(str(db))
    con.execute("CREATE TABLE sales (id INTEGER)")
    con.close()
    with pytest.raises(StoreError, match=r"not a dragoman store \(it holds other tables \(sales\)\)"):
        Store(db)


def test_read_only_needs_an_existing_store_and_refuses_writes(db):
    with pytest.raises(StoreError, match="no such store"):
        Store(db, read_only=True)
    assert not db.exists()
    Store(db).close()
    with Store(db, read_only=True) as store:
        with pytest.raises(StoreError, match="read-only"):
            store.start_run([], {}, {})
        with pytest.raises(StoreError, match="read-only"):
            store.write("r", [coded_1()])


HOLD_LOCK = """
import sys
from dragoman.store import Store
store = Store(sys.argv[1])
print("ready", flush=True)
sys.stdin.read()  # hold the store open until the test closes our stdin
store.close()
"""


@pytest.mark.parametrize("read_only", [False, True])
def test_a_store_in_use_by_another_process_gives_a_clear_error(db, read_only):
    Store(db).close()
    holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(db)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ready"
        with pytest.raises(StoreError) as err:
            Store(db, read_only=read_only)
        # a writer is stopped by the writer's lock file, a reader by DuckDB's lock on the store
        what = "in use by" if read_only else "being written by"
        assert str(err.value) == (f"{db} is {what} another dragoman process. Wait for it to finish, "
                                  "or use another --db FILE")
    finally:
        holder.stdin.close()
        holder.wait(timeout=60)
    assert holder.returncode == 0
    with Store(db) as store:  # free again once the other process is done
        assert store.counts()["documents"] == 0


HOLD_SHARED = """
import sys
from dragoman.store import Store
store = Store(sys.argv[1], shared=True)
print("ready", flush=True)
line = sys.stdin.readline()
with store.session():  # hold the file until told to let go
    print("holding", flush=True)
    sys.stdin.readline()
print("released", flush=True)
sys.stdin.read()
store.close()
"""


def test_a_shared_writer_lets_readers_in_between_batches_and_keeps_other_writers_out(db):
    Store(db).close()
    writer = subprocess.Popen([sys.executable, "-c", HOLD_SHARED, str(db)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert writer.stdout.readline().strip() == "ready"
        with Store(db, read_only=True) as reader:  # the writer holds the file only in a session
            assert reader.counts()["documents"] == 0
        with pytest.raises(StoreError, match="being written by another dragoman process"):
            Store(db, shared=True, wait=5)  # a second writer stops at once, shared or not
        writer.stdin.write("hold\n")
        writer.stdin.flush()
        assert writer.stdout.readline().strip() == "holding"
        with pytest.raises(StoreError, match=r"in use by another dragoman process \(waited 1 s\)"):
            Store(db, read_only=True, wait=1)
        # a reader that waits long enough gets in once the batch is written
        threading.Timer(0.5, lambda: (writer.stdin.write("go\n"), writer.stdin.flush())).start()
        with Store(db, read_only=True, wait=30) as reader:
            assert reader.counts()["documents"] == 0
        assert writer.stdout.readline().strip() == "released"
    finally:
        writer.stdin.close()
        writer.wait(timeout=60)
    assert writer.returncode == 0


def test_a_file_that_is_not_a_store_is_named_at_once_whatever_its_path(tmp_path):
    # DuckDB's messages carry the path: a path with "lock" in it must not read as a locked store
    bad = tmp_path / "clock.duckdb"
    bad.write_text("not a database", encoding="utf-8")
    started = time.monotonic()
    with pytest.raises(StoreError, match="is not a DuckDB file"):
        Store(bad, read_only=True, wait=10)
    assert time.monotonic() - started < 5  # refused, not waited for


def test_a_closed_store_is_not_opened_again_behind_the_callers_back(db):
    store = Store(db, shared=True)
    store.close()
    with pytest.raises(StoreError, match="the store was closed"):
        store.counts()
    # and a session closed from inside ends cleanly
    store = Store(db, shared=True)
    with store.session():
        store.release()
    assert store.counts()["documents"] == 0
    store.close()
