"""Incidents: reports of one real-world event merged across documents, and kept apart otherwise.

The unit tests build event mentions by hand (made-up people and dates); the expected incidents were
worked out by hand from the module's rules. The seed test checks the issue's done-when points
against the seed reports, read by hand: four reports of the Velayati-Putin meeting of
12 July 2018, and the delivery of Putin's reply on 6 March 2021.
"""

from __future__ import annotations

import json

import pytest

from dragoman.incidents import assign, incident_id, window
from dragoman.schema import EventMention, Party
from dragoman.settings import Settings
from dragoman.store import Store

LUND = Party("p-lund", "Eva Lund", "SWE", "person", "Foreign Minister")
OKAFOR = Party("p-okafor", "Ade Okafor", "NGA", "person", "President")
SWEDEN = Party("c-swe", "Sweden", "SWE", "country", None)
NIGERIA = Party("c-nga", "Nigeria", "NGA", "country", None)
ENVOY = Party("p-berg", "Nils Berg", "SWE", "person", "Special Envoy")
SWEDISH_AIDE = Party("aide-of-sweden", "Aide of Sweden", "SWE", "person", "Aide")
ADVISER = Party("p-holm", "Ida Holm", "SWE", "person", "Senior Adviser")


def mention(n: int, doc: str, source, target, *, type="CONSULT", mode=None, status="occurred", date=None,
            precision=None, date_source="sentence", published="2024-03-10", outlet=None, via=None,
            incident_id=None) -> EventMention:
    if date is not None and precision is None:
        precision = {10: "day", 7: "month", 4: "year"}[len(date)]
    if date is None:
        date_source = "unresolved"
    return EventMention(f"{doc}:e{n}", doc, outlet or f"outlet-{doc}", published, type, mode, status, date,
                        precision, date_source, source, target, via, incident_id)


def incidents_of(new, existing=()):
    incident_of, changed = assign(new, existing)
    return incident_of, {i.incident_id: i for i in changed}


def test_reports_of_one_meeting_in_several_documents_are_one_incident():
    new = [mention(0, "a", LUND, OKAFOR, date="2024-03-09"),
           mention(0, "b", OKAFOR, LUND, date="2024-03-09", published="2024-03-11"),  # the other way round
           mention(0, "c", LUND, OKAFOR, date="2024-03-10", published="2024-03-10", outlet="outlet-a")]  # a day off
    incident_of, incs = incidents_of(new)
    assert len(set(incident_of.values())) == 1
    (inc,) = incs.values()
    assert (inc.source, inc.target, inc.date) == (LUND, OKAFOR, "2024-03-09")
    assert (inc.num_mentions, inc.num_documents, inc.num_sources) == (3, 3, 2)  # c shares a's outlet
    assert (inc.date_reports, inc.dated_reports) == (2, 3)
    assert inc.first_reported == "2024-03-10" and inc.doc_ids == ("a", "b", "c")


def test_the_same_dyad_weeks_apart_is_two_incidents():
    new = [mention(0, "a", LUND, OKAFOR, date="2024-03-09"),
           mention(0, "b", LUND, OKAFOR, date="2024-04-02", published="2024-04-03")]
    incident_of, incs = incidents_of(new)
    assert len(set(incident_of.values())) == 2
    assert sorted(i.date for i in incs.values()) == ["2024-03-09", "2024-04-02"]


def test_different_types_or_a_phone_call_are_not_the_meeting():
    new = [mention(0, "a", LUND, OKAFOR, date="2024-03-09"),
           mention(1, "a", LUND, OKAFOR, date="2024-03-09", mode="phone"),
           mention(2, "a", LUND, OKAFOR, date="2024-03-09", type="ACCUSE")]
    incident_of, _ = incidents_of(new)
    assert len(set(incident_of.values())) == 3


def test_a_visit_to_a_country_is_the_meeting_with_its_leader_but_two_stand_ins_are_not():
    new = [mention(0, "a", LUND, NIGERIA, mode="visit", date="2024-03-09"),
           mention(0, "b", LUND, OKAFOR, date="2024-03-09")]
    incident_of, incs = incidents_of(new)
    assert len(set(incident_of.values())) == 1
    (inc,) = incs.values()
    assert inc.target == OKAFOR  # the most specific actor the reports give
    # "Sweden and Nigeria agreed" is not "Lund agreed with Okafor": both sides would be stand-ins.
    new = [mention(0, "a", LUND, OKAFOR, type="AGREE", date="2024-03-09"),
           mention(0, "b", SWEDEN, NIGERIA, type="AGREE", date="2024-03-09")]
    incident_of, _ = incidents_of(new)
    assert len(set(incident_of.values())) == 2


def test_an_unnamed_office_holder_is_the_named_one_with_the_same_kind_of_post():
    new = [mention(0, "a", SWEDISH_AIDE, OKAFOR, date="2024-03-09"),
           mention(0, "b", ADVISER, OKAFOR, date="2024-03-09")]
    incident_of, incs = incidents_of(new)
    assert len(set(incident_of.values())) == 1
    assert next(iter(incs.values())).source == ADVISER
    # another post of the same country is another person
    new = [mention(0, "a", SWEDISH_AIDE, OKAFOR, date="2024-03-09"),
           mention(0, "b", LUND, OKAFOR, date="2024-03-09")]
    assert len(set(incidents_of(new)[0].values())) == 2


def test_the_carrier_of_a_message_stands_for_its_sender():
    # "Lund's message was delivered to Okafor by envoy Berg" and "Berg met Okafor"
    new = [mention(0, "a", LUND, OKAFOR, via=ENVOY, date="2024-03-09"),
           mention(0, "b", ENVOY, OKAFOR, date="2024-03-09")]
    incident_of, incs = incidents_of(new)
    assert len(set(incident_of.values())) == 1
    assert next(iter(incs.values())).via == ENVOY


def test_a_report_may_agree_with_another_report_of_its_own_document_only():
    # b and c: "envoy Berg met Okafor"; a: "Sweden's message was delivered to Okafor by Berg", then
    # "Sweden's message reached Nigeria": the incident reads Berg -> Okafor, which a's second report
    # meets only through two stand-ins; it agrees with a's first report (a country for its
    # president), so it joins. The same words in document d agree with no report of d: d is apart.
    new = [mention(0, "b", ENVOY, OKAFOR, date="2024-03-09"), mention(0, "c", ENVOY, OKAFOR, date="2024-03-09"),
           mention(0, "a", SWEDEN, OKAFOR, via=ENVOY, date="2024-03-09"),
           mention(1, "a", SWEDEN, NIGERIA, date="2024-03-09"), mention(0, "d", SWEDEN, NIGERIA, date="2024-03-09")]
    incident_of, incs = incidents_of(new)
    assert incident_of["a:e1"] == incident_of["a:e0"] == incident_of["b:e0"] != incident_of["d:e0"]
    inc = incs[incident_of["b:e0"]]
    assert (inc.source, inc.target, inc.via, inc.num_documents) == (ENVOY, OKAFOR, None, 3)


def test_a_named_sender_is_the_source_and_the_carrier_the_via():
    # "Lund's message was delivered to Okafor by Berg" and "Berg met Okafor" (twice)
    new = [mention(0, "b", ENVOY, OKAFOR, date="2024-03-09"), mention(0, "c", ENVOY, OKAFOR, date="2024-03-09"),
           mention(0, "a", LUND, OKAFOR, via=ENVOY, date="2024-03-09")]
    _, incs = incidents_of(new)
    (inc,) = incs.values()
    assert (inc.source, inc.target, inc.via) == (LUND, OKAFOR, ENVOY)


def test_reports_are_taken_in_document_order():
    later, first = mention(10, "a", LUND, OKAFOR, date="2024-03-09"), mention(2, "a", LUND, OKAFOR, date="2024-03-09")
    incident_of, _ = incidents_of([later, first])
    assert set(incident_of.values()) == {incident_id(first)}  # e2 starts it, not e10


def test_a_report_that_it_happened_sets_the_date_over_the_plan():
    # planned for the 11th (read in the sentence), reported as done on the 12th (publication dates)
    new = [mention(0, "a", LUND, OKAFOR, status="future", date="2024-03-11", published="2024-03-09"),
           mention(0, "b", LUND, OKAFOR, date="2024-03-12", date_source="publication", published="2024-03-12"),
           mention(0, "c", LUND, OKAFOR, date="2024-03-12", date_source="publication", published="2024-03-12")]
    incident_of, incs = incidents_of(new)
    assert len(set(incident_of.values())) == 1
    (inc,) = incs.values()
    assert (inc.status, inc.date, inc.date_reports, inc.dated_reports) == ("occurred", "2024-03-12", 2, 3)


def test_undated_reports_fall_in_the_week_before_publication():
    m = mention(0, "a", LUND, OKAFOR, published="2024-03-10")
    assert [d.isoformat() for d in window(m)] == ["2024-03-03", "2024-03-10"]
    planned = mention(0, "a", LUND, OKAFOR, status="future", published="2024-03-10")
    assert [d.isoformat() for d in window(planned)] == ["2024-03-10", "2024-05-09"]
    # no date and no publication: only an incident of its own document
    lost = mention(0, "z", LUND, OKAFOR, published=None)
    incident_of, _ = incidents_of([mention(0, "a", LUND, OKAFOR, date="2024-03-09"), lost])
    assert len(set(incident_of.values())) == 2


def test_a_new_batch_joins_the_incidents_already_stored():
    first_of, first = incidents_of([mention(0, "a", LUND, OKAFOR, date="2024-03-09")])
    (iid,) = first
    stored = [mention(0, "a", LUND, OKAFOR, date="2024-03-09", incident_id=iid)]
    incident_of, changed = incidents_of([mention(0, "b", OKAFOR, LUND, date="2024-03-09", published="2024-03-11")],
                                        stored)
    assert incident_of == {"b:e0": iid}
    assert changed[iid].num_documents == 2 and changed[iid].doc_ids == ("a", "b")


# -- through the pipeline and a real store ----------------------------------------------------------

@pytest.mark.model
def test_a_later_run_attaches_its_reports_to_the_stored_incident(tmp_path, pipeline):
    from dragoman.pipeline import run

    db = tmp_path / "inc.duckdb"
    first = tmp_path / "first.jsonl"
    second = tmp_path / "second.jsonl"

    first.write_text(json.dumps({"id": "a", "published": "2024-03-12", "outlet": "Outlet A", "text":
                                 "Lund meets Mensah\n\nSwedish Foreign Minister Eva Lund met Ghanaian President "
                                 "John Mensah in Accra on Monday."}) + "\n", encoding="utf-8")
    second.write_text(json.dumps({"id": "b", "published": "2024-03-13", "outlet": "Outlet B", "text":
                                  "Mensah receives Swedish minister\n\nGhanaian President John Mensah received "
                                  "Swedish Foreign Minister Eva Lund in Accra on Monday, his office said."}) + "\n",
                      encoding="utf-8")
    with Store(db) as store:
        run([str(first)], Settings(db=db, quiet=True), store, pipeline=pipeline)
        after_first = store.rows("incidents", ["incident_id", "num_documents"])
        (iid, n), = [r for r in after_first]
        assert n == 1
        run([str(second)], Settings(db=db, quiet=True), store, pipeline=pipeline)
        rows = list(store.rows("incidents", ["incident_id", "type", "date", "num_documents", "num_sources",
                                             "doc_ids"]))
        linked = list(store.rows("events", ["doc_id", "incident_id"]))
    assert rows == [(iid, "CONSULT", "2024-03-11", 2, 2, ["a", "b"])]  # Monday before the 12th and the 13th
    assert {doc for doc, i in linked if i == iid} == {"a", "b"}


# -- the seed reports ---------------------------------------------------------------------------------

@pytest.mark.model
def test_seed_meeting_and_reply_are_one_incident_each(coded_store_path):
    with Store(coded_store_path, read_only=True) as store:
        cols = ["incident_id", "type", "source_name", "target_name", "via_name", "date", "num_documents", "doc_ids"]
        incs = [dict(zip(cols, r)) for r in store.rows("incidents", cols)]

    def ids(inc):
        return {d.split("_")[0] for d in inc["doc_ids"]}

    def between(inc, *names):
        return {inc["source_name"], inc["target_name"], inc["via_name"]} >= set(names)

    meetings = [i for i in incs if i["type"] == "CONSULT" and between(i, "Ali Akbar Velayati", "Vladimir Putin")
                and i["date"] and i["date"].startswith("2018")]
    assert len(meetings) == 1, meetings
    assert meetings[0]["date"] == "2018-07-12" and meetings[0]["num_documents"] >= 3
    assert {"003", "004"} <= ids(meetings[0]) and "002" not in ids(meetings[0])
    replies = [i for i in incs if i["type"] == "CONSULT" and i["date"] == "2021-03-06"
               and between(i, "Vladimir Putin", "Ali Akbar Velayati")]
    assert len(replies) == 1 and replies[0]["via_name"] == "Levan Jagarian", replies
    # no incident merges reports of 2018 with reports of 2021
    assert not any(ids(i) & {"000", "001", "003", "004"} and "002" in ids(i) for i in incs)
