"""Stories: documents about the same story share a story_id; undated ones get an inferred window.

The unit tests build documents by hand (made-up people, outlets and dates, texts written for the
tests); which documents belong together was decided by reading them, before running the code. The
pipeline tests use a real store: a story grows across runs, and an undated report of a dated story
is dated against the window the story implies. The seed test checks the issue's done-when point:
documents 000, 001, 003 and 004 report the July 2018 visit, 002 the 2021 reply.
"""

from __future__ import annotations

import json

import pytest

from dragoman.dates import redate
from dragoman.schema import CodedDocument, Event, EventDate, StoryDocument
from dragoman.settings import Settings
from dragoman.store import Store
from dragoman.stories import assign, story_id, terms_of

VISIT = ("Swedish Foreign Minister Eva Lund arrived in Lagos for talks with President Ade Okafor on trade, "
         "fisheries and the security of shipping in the Gulf of Guinea. Lund said the visit would open a new "
         "chapter in relations between Sweden and Nigeria.")
VISIT_OTHER_OUTLET = ("Nigeria's president Ade Okafor received the Swedish foreign minister in Lagos. Okafor and "
                      "Lund discussed shipping security in the Gulf of Guinea and fisheries, his spokesman said.")
VISIT_BARE = ("Talks in Lagos. Officials met on Monday to discuss the Gulf of Guinea. Okafor hosted Lund; "
              "fisheries and shipping were on the agenda.")
FLOODS = ("Heavy rain flooded farms along the river Danube. Farmers counted the cost of ruined wheat and maize "
          "harvests as the water receded, and the regional council promised compensation.")
FLOODS_AGAIN = ("Farmers along the Danube counted losses after floods ruined wheat and maize harvests; the "
                "regional council said compensation for the flooded farms would be paid soon.")


def doc(doc_id, text, published=None, actors=(), incidents=(), story=None, inferred=None) -> StoryDocument:
    return StoryDocument(doc_id, published, terms_of(text), frozenset(actors), frozenset(incidents), story, inferred)


def test_reports_of_one_visit_share_a_story_and_an_unrelated_report_does_not():
    placed = assign([doc("a", VISIT, "2024-03-10", {"p-lund", "p-okafor"}),
                     doc("b", VISIT_OTHER_OUTLET, "2024-03-11", {"p-lund", "p-okafor"}),
                     doc("c", FLOODS, "2024-03-10")], [])
    assert placed.story_of["a"] == placed.story_of["b"] == story_id("a")
    assert placed.story_of["c"] == story_id("c")
    assert placed.inferred == {}


def test_a_shared_incident_links_reports_that_share_few_words():
    bare = doc("b", VISIT_BARE, "2024-03-12", incidents={"i-1"})
    apart = assign([doc("a", VISIT, "2024-03-10", incidents={"i-1"}), bare], [])
    assert apart.story_of["a"] == apart.story_of["b"]
    alone = assign([doc("a", VISIT, "2024-03-10"), doc("b", VISIT_BARE, "2024-03-12")], [])
    assert alone.story_of["a"] != alone.story_of["b"]  # the same words without incident or actor: too few


def test_the_same_people_and_words_years_apart_are_two_stories():
    placed = assign([doc("a", VISIT, "2021-03-10", {"p-lund", "p-okafor"}),
                     doc("b", VISIT_OTHER_OUTLET, "2024-03-11", {"p-lund", "p-okafor"})], [])
    assert placed.story_of["a"] != placed.story_of["b"]


def test_similar_words_alone_link_dated_reports_but_not_undated_ones():
    dated = assign([doc("a", FLOODS, "2024-05-02"), doc("b", FLOODS_AGAIN, "2024-05-04")], [])
    assert dated.story_of["a"] == dated.story_of["b"]
    undated = assign([doc("a", FLOODS, "2024-05-02"), doc("b", FLOODS_AGAIN)], [])
    assert undated.story_of["a"] != undated.story_of["b"]  # nothing says it is not last year's flood
    assert undated.inferred == {}


def test_an_undated_report_of_a_dated_story_gets_an_inferred_window():
    placed = assign([doc("u", VISIT_OTHER_OUTLET, None, {"p-lund", "p-okafor"}),
                     doc("a", VISIT, "2024-03-10", {"p-lund", "p-okafor"}),
                     doc("b", VISIT_BARE, "2024-03-12", incidents={"i-1"})], [])
    assert placed.story_of["u"] == placed.story_of["a"]
    # linked to a (10 March; b shares no actor or incident with u): three days either side of it
    assert placed.inferred == {"u": ("2024-03-07", "2024-03-13")}


def test_a_new_batch_joins_the_stored_story_and_never_renames_it():
    stored = [doc("a", VISIT, "2024-03-10", {"p-lund", "p-okafor"}, story="s-stored"),
              doc("c", FLOODS, "2024-03-10", story="s-floods")]
    placed = assign([doc("b", VISIT_OTHER_OUTLET, "2024-03-11", {"p-lund", "p-okafor"})], stored)
    assert placed.story_of == {"b": "s-stored"}  # only the new documents are assigned


def test_the_outcome_does_not_depend_on_the_order_of_the_batch():
    docs = [doc("a", VISIT, "2024-03-10", {"p-lund", "p-okafor"}),
            doc("b", VISIT_OTHER_OUTLET, "2024-03-11", {"p-lund", "p-okafor"}),
            doc("c", FLOODS, "2024-03-10"), doc("d", FLOODS_AGAIN, "2024-03-12")]
    assert assign(docs, []).story_of == assign(docs[::-1], []).story_of


def test_an_actor_in_most_documents_does_not_link_them():
    # Two reports on one pier, alike enough for a shared actor (cosine about 0.29) but not alone.
    pier = "The harbour authority in Kestrel Bay closed the northern pier after storm damage to the ferry terminal."
    repairs = "Repairs to the Kestrel Bay pier will take weeks, the council said."
    others = ["Wheat prices fell", "A new bridge opened", "The striker scored twice", "Shares in the bank rose",
              "A film won an award", "The choir sang", "Snow closed the pass", "The museum reopened",
              "A ferry was delayed", "The council met"]

    def placed(others_name_it: bool):
        docs = [doc("pier", pier, "2024-03-10", {"o-outlet"}), doc("repairs", repairs, "2024-03-10", {"o-outlet"})]
        docs += [doc(f"d{i}", f"{text} report number {i}", "2024-03-10", {"o-outlet"} if others_name_it else ())
                 for i, text in enumerate(others)]
        return assign(docs, []).story_of

    assert placed(others_name_it=False)["pier"] == placed(others_name_it=False)["repairs"]
    # named by all twelve ("told the BBC"): it says nothing about which story a report is in
    common = placed(others_name_it=True)
    assert common["pier"] != common["repairs"] and len(set(common.values())) == 12


# -- dates against an inferred window -------------------------------------------------------------

def _event(sentence: str, expression: str | None, status: str = "occurred") -> Event:
    at = sentence.index(expression) if expression else None
    date = EventDate(None, None, "unresolved", expression, at, at + len(expression) if expression else None)
    return Event("u:e0", "u", "CONSULT", None, 1, "04", status, date, None, None, None, None, sentence, 0,
                 len(sentence), "met", sentence.index("met"), sentence.index("met") + 3, 0.9, "test")


def test_relative_dates_resolve_against_the_inferred_window():
    window = ("2024-03-10", "2024-03-16")  # Sunday to Saturday
    monday = redate(_event("Lund met Okafor on Monday.", "on Monday"), window)
    # the last Monday on or before any day of the window: 4 March (from the 10th) to 11 March (the 16th)
    assert (monday.date.value, monday.date.precision, monday.date.source) == ("2024-03", "month", "inferred")
    assert (monday.date.text, monday.date.start) == ("on Monday", 16)
    may = redate(_event("They met in May.", "in May"), window)
    assert (may.date.value, may.date.precision) == ("2023-05", "month")  # the last May before March 2024
    narrow = redate(_event("Lund met Okafor yesterday.", "yesterday"), ("2024-03-12", "2024-03-12"))
    assert (narrow.date.value, narrow.date.precision) == ("2024-03-11", "day")


def test_an_event_without_expression_takes_the_window_and_dates_of_its_own_stay():
    bare = redate(_event("Lund met Okafor.", None), ("2024-03-10", "2024-03-16"))
    assert (bare.date.value, bare.date.precision, bare.date.source, bare.date.text) == (
        "2024-03", "month", "inferred", None)
    across = redate(_event("Lund met Okafor.", None), ("2024-02-27", "2024-03-04"))
    assert (across.date.value, across.date.precision) == ("2024", "year")
    dated = _event("Lund met Okafor on 2 March 2024.", "on 2 March 2024")
    dated = Event(**{**dated.__dict__, "date": EventDate("2024-03-02", "day", "sentence", "on 2 March 2024", 16, 31)})
    assert redate(dated, ("2024-03-10", "2024-03-16")) is dated
    anaphoric = _event("Lund met Okafor a day later.", "a day later")
    assert redate(anaphoric, ("2024-03-10", "2024-03-16")) is anaphoric  # relative to an unknown event


# -- through the pipeline and a real store ----------------------------------------------------------

LUND_MEETS = ("Lund meets Mensah in Accra\n\nSwedish Foreign Minister Eva Lund met Ghanaian President John "
              "Mensah in Accra on Monday to discuss cocoa trade, fisheries and port security.")
MENSAH_HOSTS = ("Mensah hosts Swedish minister\n\nGhanaian President John Mensah received Swedish Foreign "
                "Minister Eva Lund in Accra on Monday. They discussed cocoa trade, fisheries and port security, "
                "his office said.")


def _jsonl(path, *records):
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return str(path)


@pytest.mark.model
def test_a_later_run_adds_reports_to_the_stored_story_and_dates_an_undated_one(tmp_path, pipeline):
    from dragoman.pipeline import run

    db = tmp_path / "stories.duckdb"
    first = _jsonl(tmp_path / "first.jsonl",
                   {"id": "a", "published": "2024-03-13", "outlet": "Outlet A", "text": LUND_MEETS},
                   {"id": "f", "published": "2024-03-13", "outlet": "Outlet A", "text":
                    "Floods ruin harvests\n\nHeavy rain flooded farms along the Volta river, and farmers counted "
                    "the cost of ruined maize harvests."})
    second = _jsonl(tmp_path / "second.jsonl",
                    {"id": "b", "outlet": "Outlet B", "text": MENSAH_HOSTS})
    with Store(db) as store:
        run([first], Settings(db=db, quiet=True), store, pipeline=pipeline)
        before = store.story_of()
        run([second], Settings(db=db, quiet=True), store, pipeline=pipeline)
        after = store.story_of()
        stories = {s.story_id: s for s in store.stories()}
        docs = {r[0]: r[1:] for r in store.rows("documents", ["doc_id", "published", "inferred_from", "inferred_to"])}
        events = [e for e in store.events(["b"]) if e.type == "CONSULT"]
    assert before["a"] != before["f"]
    assert after["a"] == after["b"] == before["a"] and after["f"] == before["f"]  # stored ids never change
    story = stories[after["a"]]
    assert (story.num_documents, story.num_sources, story.doc_ids) == (2, 2, ("a", "b"))
    assert (story.first_published, story.last_published, story.title) == ("2024-03-13", "2024-03-13",
                                                                           "Lund meets Mensah in Accra")
    assert {"Eva Lund", "John Mensah"} <= set(story.actors)
    # b has no date of its own: published in the three days either side of a's, read from its story
    assert docs["b"] == (None, "2024-03-10", "2024-03-16")
    # "on Monday" from any day of that window: 4 or 11 March, so March 2024
    assert events and all((e.date.value, e.date.source) == ("2024-03", "inferred") for e in events)


@pytest.mark.model
def test_a_stored_undated_report_is_dated_when_its_story_gets_a_dated_one(tmp_path, pipeline):
    from dragoman.pipeline import run

    db = tmp_path / "late.duckdb"
    undated = _jsonl(tmp_path / "undated.jsonl", {"id": "b", "outlet": "Outlet B", "text": MENSAH_HOSTS})
    dated = _jsonl(tmp_path / "dated.jsonl", {"id": "a", "published": "2024-03-13", "outlet": "Outlet A",
                                              "text": LUND_MEETS})
    with Store(db) as store:
        run([undated], Settings(db=db, quiet=True), store, pipeline=pipeline)
        before = {e.event_id: e for e in store.events(["b"])}
        run([dated], Settings(db=db, quiet=True), store, pipeline=pipeline)
        story_of = store.story_of()
        docs = {r[0]: r[1:] for r in store.rows("documents", ["doc_id", "published", "inferred_from", "inferred_to"])}
        events = store.events()
        incident_of = dict(store.rows("events", ["event_id", "incident_id"]))
        stored_incidents = {r[0]: r[1] for r in store.rows("incidents", ["incident_id", "doc_ids"])}
    assert story_of["a"] == story_of["b"]
    assert docs["b"] == (None, "2024-03-10", "2024-03-16")  # learnt from a, coded after it
    meeting = [e for e in events if e.doc_id == "b" and e.type == "CONSULT"]
    assert meeting and all(before[e.event_id].date.source == "unresolved" for e in meeting)
    assert all((e.date.value, e.date.source) == ("2024-03", "inferred") for e in meeting)
    # b's meeting is now a's: one incident, and no incident row is left without its events
    a_meeting = {incident_of[e.event_id] for e in events if e.doc_id == "a" and e.type == "CONSULT"}
    assert {incident_of[e.event_id] for e in meeting} == a_meeting and None not in a_meeting
    assert all(stored_incidents[i] == ["a", "b"] for i in a_meeting)
    assert {i for i in incident_of.values() if i} == set(stored_incidents)


@pytest.mark.model
def test_seed_reports_of_the_visit_share_a_story_and_the_reply_does_not(coded_store_path):
    with Store(coded_store_path, read_only=True) as store:
        story_of = {doc_id.split("_")[0]: sid for doc_id, sid in store.story_of().items()}
        stories = {s.story_id: s for s in store.stories()}
    assert story_of["000"] == story_of["001"] == story_of["003"] == story_of["004"]
    assert story_of["002"] != story_of["000"]
    visit = stories[story_of["000"]]
    assert (visit.first_published, visit.last_published, visit.num_documents) == ("2018-07-10", "2018-07-14", 4)
    assert visit.actors[:2] == ("Ali Akbar Velayati", "Vladimir Putin")
    # no dev article (other news of 2004-2005 and 2020s) joins the seed stories
    assert stories[story_of["002"]].num_documents == 1


# -- a real store, documents made by hand (no model) --------------------------------------------------

def _coded(doc_id: str, text: str, published: str | None, people=()) -> CodedDocument:
    import hashlib

    from dragoman.schema import Actor, Block, Document, Mention

    document = Document(doc_id, text, hashlib.sha256(text.encode()).hexdigest(), title=f"About {doc_id}",
                        published=published, date_source="metadata" if published else "none", outlet=f"Outlet {doc_id}")
    actors = tuple(Actor(f"p-{name.lower()}", name, "SWE", "GOV", "person", None, (name,)) for name in people)
    mentions = tuple(Mention(f"p-{name.lower()}", name, text.index(name), text.index(name) + len(name), "name")
                     for name in people)
    return CodedDocument(document, (Block(0, len(text), "body"),), actors, mentions, (), ())


def _write_in_batches(path, *batches):
    from dragoman.pipeline import across_documents

    with Store(path) as store:
        run_id = store.start_run(["test"], {}, {})
        for batch in batches:
            placed = across_documents(store, list(batch))
            store.write(run_id, placed.coded, placement=placed)
        return store.story_of(), {s.story_id: s for s in store.stories()}


def test_a_stored_report_dated_to_the_month_is_found_by_a_later_batch(tmp_path):
    # "2024-03" reaches the 13th, though as text it sorts before "2024-03-06"
    story_of, stories = _write_in_batches(
        tmp_path / "s.duckdb",
        [_coded("a", "Lund visited Accra for talks on cocoa trade and port security with Mensah.", "2024-03",
                ["Lund", "Mensah"])],
        [_coded("b", "In Accra, Mensah and Lund discussed port security and the cocoa trade.", "2024-03-13",
                ["Lund", "Mensah"])])
    assert story_of["a"] == story_of["b"]
    story = stories[story_of["a"]]
    # the month starts before the 13th: the earlier report gives the title
    assert (story.title, story.first_published, story.last_published) == ("About a", "2024-03", "2024-03-13")


def test_similar_words_alone_link_dated_reports_across_batches(tmp_path):
    story_of, _ = _write_in_batches(tmp_path / "s.duckdb", [_coded("a", FLOODS, "2024-05-02")],
                                    [_coded("b", FLOODS_AGAIN, "2024-05-04")], [_coded("c", VISIT, "2024-05-04")])
    assert story_of["a"] == story_of["b"] != story_of["c"]


def test_a_date_of_a_month_or_a_year_infers_no_window():
    for coarse in ("2024-03", "2024"):
        placed = assign([doc("a", VISIT, coarse, {"p-lund", "p-okafor"}),
                         doc("u", VISIT_OTHER_OUTLET, None, {"p-lund", "p-okafor"})], [])
        assert placed.story_of["u"] == placed.story_of["a"] and placed.inferred == {}
