"""The explorer's channels and messages: /channels, /channels/{id}, the document page's ?message=,
and /api/channels and /api/messages, spoken to over HTTP on a real server (`dragoman serve` in a
subprocess) over a real store the CLI coded from the five seeds, and driven in Debian's headless
Chromium.

What the API and the pages say is checked against the DuckDB file (read-only) and against facts
read by hand from the seed texts:
  - 000 (published Tuesday 2018-07-10): Velayati "will visit Moscow on Wednesday" (2018-07-11) to
    hand Putin messages from Khamenei (and Rouhani);
  - 002 (published 2021-03-07): Qalibaf "traveled to Moscow in February" with a message from the
    Leader, received by Volodin as Putin's special representative, "an important message about
    strategic issues"; "Putin's reply was delivered to Velayati on Saturday [2021-03-06] by Russian
    Ambassador to Iran Levan Jagarian".
So the channel Ali Khamenei <-> Vladimir Putin has three messages, the last a reply to the second,
33 days after it (from 2021-02-01, the first day of a date known to the month, to 2021-03-06)."""

from __future__ import annotations

import re
import urllib.parse
from pathlib import Path

import lxml.html
import pytest

from conftest import SEEDS
from dragoman.channels import chain
from dragoman.schema import Channel, Envoy, Evidence, Message, Principal
from dragoman.web.render import channel_layout, channel_timeline_svg, evidence_sentences, highlight
from test_web import (
    dragoman,
    fetch,
    has_class,
    normalized,
    one,
    rows,
    seed_id,
    start_server,
    stop_server,
    text_before,
)

pytestmark = pytest.mark.model

KHAMENEI, PUTIN, VELAYATI = "Ali Khamenei", "Vladimir Putin", "Ali Akbar Velayati"
# the three messages of the channel, as read from the texts (see the module docstring)
KP_MESSAGES = [
    ("2018-07-11", False, "Ali Khamenei -> [Ali Akbar Velayati] -> Vladimir Putin"),
    ("2021-02", False, "Ali Khamenei -> [Mohammad Baqer Qalibaf -> Vyacheslav Volodin] -> Vladimir Putin"),
    ("2021-03-06", True, "Vladimir Putin -> [Levan Jagarian -> Ali Akbar Velayati] -> Ali Khamenei"),
]
KP_CARRIERS = {VELAYATI: 2, "Levan Jagarian": 1, "Mohammad Baqer Qalibaf": 1, "Vyacheslav Volodin": 1}
JAGARIAN = "Putin’s reply was delivered to Velayati on Saturday by Russian Ambassador to Iran Levan Jagarian."
# the sentences of 002 that speak of Putin's reply: the headline, the lead and the delivery
REPLY_SENTENCES = ["Putin replies to Leader’s message",
                   "TEHRAN - Ali Akbar Velayati, a senior advisor to Leader of the Islamic Revolution Ayatollah "
                   "Seyyed Ali Khamenei, has received a reply from Russian President Vladimir Putin to a message "
                   "the Leader had sent through Parliament Speaker Mohammad Baqer Qalibaf.",
                   JAGARIAN]
PRINCIPAL_KEYS = {"actor_id", "name", "country", "sector"}
MESSAGE_KEYS = {"message_id", "kind", "reply", "status", "sender", "recipient", "carriers", "chain", "date",
                "sent_date", "delivered_date", "topic", "in_reply_to", "channel_id", "report_ids", "doc_ids"}
CHANNEL_KEYS = {"channel_id", "a", "b", "num_messages", "num_replies", "carriers", "median_reply_days",
                "first_date", "last_date", "message_ids"}


# ---------------------------------------------------------------------------------------------
# The store, the server and what the store holds


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("channels") / "store.duckdb"
    r = dragoman("code", str(SEEDS / "docs"), "--meta", str(SEEDS / "meta.jsonl"), "--db", str(db), "--quiet")
    assert r.returncode == 0, r.stderr
    return db


@pytest.fixture(scope="module")
def server(store, tmp_path_factory):
    s = start_server(store, tmp_path_factory.mktemp("serve") / "serve.log")
    yield s
    stop_server(s)


@pytest.fixture(scope="module")
def db_channels(store) -> dict[str, dict]:
    return {r["channel_id"]: r for r in rows(store, "SELECT * FROM channels")}


@pytest.fixture(scope="module")
def db_messages(store) -> dict[str, dict]:
    return {r["message_id"]: r for r in rows(store, "SELECT * FROM messages")}


@pytest.fixture(scope="module")
def texts(store) -> dict[str, str]:
    return {r["doc_id"]: r["text"] for r in rows(store, "SELECT doc_id, text FROM documents")}


@pytest.fixture(scope="module")
def kp(server) -> dict:
    """The channel Ali Khamenei <-> Vladimir Putin, with its messages (the API's)."""
    found = [c for c in server.all_items("/api/channels")
             if {c["a"]["name"], c["b"]["name"]} == {KHAMENEI, PUTIN}]
    assert len(found) == 1, found
    return server.json("/api/channels/" + found[0]["channel_id"])


def principal_of(row: dict, role: str) -> dict | None:
    value = {k: row[f"{role}_{k}"] for k in PRINCIPAL_KEYS}
    return None if value["actor_id"] is None else value


def channel_from_store(r: dict) -> dict:
    return {"channel_id": r["channel_id"], "a": principal_of(r, "a"), "b": principal_of(r, "b"),
            "num_messages": r["num_messages"], "num_replies": r["num_replies"],
            "carriers": [{"name": n, "count": k} for n, k in zip(r["carrier_names"], r["carrier_counts"])],
            "median_reply_days": r["median_reply_days"], "first_date": r["first_date"], "last_date": r["last_date"],
            "message_ids": list(r["message_ids"])}


def message_from_store(r: dict) -> dict:
    carriers = [{"actor": {"actor_id": i, "name": n, "country": c, "sector": s}, "role": role}
                for i, n, c, s, role in zip(r["carrier_actor_ids"], r["carrier_names"], r["carrier_countries"],
                                            r["carrier_sectors"], r["carrier_roles"])]
    return {"message_id": r["message_id"], "kind": r["kind"], "reply": r["reply"], "status": r["status"],
            "sender": principal_of(r, "sender"), "recipient": principal_of(r, "recipient"), "carriers": carriers,
            "chain": r["chain"], "date": r["date"], "sent_date": r["sent_date"], "delivered_date": r["delivered_date"],
            "topic": r["topic"], "in_reply_to": r["in_reply_to"], "channel_id": r["channel_id"],
            "report_ids": list(r["report_ids"]), "doc_ids": list(r["doc_ids"])}


def evidence_from_store(r: dict) -> list[dict]:
    return [{"doc_id": d, "field": f, "start": s, "end": e, "text": t} for d, f, s, e, t in zip(
        r["evidence_doc_ids"], r["evidence_fields"], r["evidence_starts"], r["evidence_ends"], r["evidence_texts"])]


# ---------------------------------------------------------------------------------------------
# The JSON API


def test_channels_are_the_stores_most_messages_first(server, db_channels):
    items = server.all_items("/api/channels")
    assert len(items) == len(db_channels) >= 2
    for item in items:
        assert set(item) == CHANNEL_KEYS
        assert item == channel_from_store(db_channels[item["channel_id"]])
    counts = [c["num_messages"] for c in items]
    assert counts == sorted(counts, reverse=True)


def test_the_khamenei_putin_channel_as_read_from_the_texts(kp):
    assert (kp["a"]["name"], kp["a"]["country"], kp["b"]["name"], kp["b"]["country"]) == (
        KHAMENEI, "IRN", PUTIN, "RUS")
    assert (kp["num_messages"], kp["num_replies"]) == (3, 1)
    assert {c["name"]: c["count"] for c in kp["carriers"]} == KP_CARRIERS
    assert kp["carriers"][0] == {"name": VELAYATI, "count": 2}  # most used first
    assert kp["median_reply_days"] == 33
    assert (kp["first_date"], kp["last_date"]) == ("2018-07-11", "2021-03-06")
    messages = kp["messages"]
    assert [(m["date"], m["reply"], m["chain"]) for m in messages] == KP_MESSAGES
    assert kp["message_ids"] == [m["message_id"] for m in messages]
    first, second, reply = messages
    assert [(c["actor"]["name"], c["role"]) for c in second["carriers"]] == [
        ("Mohammad Baqer Qalibaf", "carried"), ("Vyacheslav Volodin", "received")]
    assert [(c["actor"]["name"], c["role"]) for c in reply["carriers"]] == [
        ("Levan Jagarian", "carried"), (VELAYATI, "received")]
    assert second["topic"] == "strategic issues"
    assert reply["in_reply_to"] == second["message_id"] and first["in_reply_to"] is None
    assert reply["delivered_date"] == "2021-03-06"  # "on Saturday", in 002 of Sunday 2021-03-07
    assert {seed_id("000")} <= set(first["doc_ids"]) and reply["doc_ids"] == [seed_id("002")]
    assert all(m["channel_id"] == kp["channel_id"] for m in messages)


def test_one_channel_is_the_stores(server, db_channels, db_messages):
    for channel_id, row in db_channels.items():
        got = server.json("/api/channels/" + channel_id)
        assert {k: v for k, v in got.items() if k != "messages"} == channel_from_store(row)
        assert [m["message_id"] for m in got["messages"]] == list(row["message_ids"])
        for m in got["messages"]:
            assert m.pop("evidence") == evidence_from_store(db_messages[m["message_id"]])
            assert m == message_from_store(db_messages[m["message_id"]])


@pytest.mark.parametrize("params, where", [
    ({"actor": "khamenei"}, lambda c: "khamenei" in (c["a_name"] + c["b_name"]).lower()),
    ({"actor": "vladimir-putin.rus"}, lambda c: "vladimir-putin.rus" in (c["a_actor_id"], c["b_actor_id"])),
    ({"country": "irn"}, lambda c: "IRN" in (c["a_country"], c["b_country"])),
    # both of one principal: Putin is Russian, Rouhani is not
    ({"country": "RUS", "actor": "putin"},
     lambda c: any(c[f"{p}_country"] == "RUS" and "putin" in c[f"{p}_name"].lower() for p in "ab")),
    ({"country": "RUS", "actor": "ROUHANI"}, lambda c: False),
])
def test_channel_filters(server, db_channels, params, where):
    got = {c["channel_id"] for c in server.all_items("/api/channels", params)}
    assert got == {k for k, c in db_channels.items() if where(c)}
    assert got or params["actor"] == "ROUHANI"  # a filter test must select something


def test_the_channel_filters_by_hand(server, kp):
    assert kp["channel_id"] in {c["channel_id"] for c in server.all_items("/api/channels", {"actor": "KHAMENEI"})}
    assert kp["channel_id"] in {c["channel_id"] for c in server.all_items("/api/channels", {"country": "rus"})}
    # Velayati carries messages, he sends none: no channel is his
    assert server.all_items("/api/channels", {"actor": "velayati"}) == []


def test_messages_are_the_stores_earliest_first(server, db_messages):
    items = server.all_items("/api/messages")
    assert {m["message_id"] for m in items} == set(db_messages)
    for m in items:
        assert "evidence" not in m  # a list leaves it out; one message has it
        assert m == message_from_store(db_messages[m["message_id"]])
        row = db_messages[m["message_id"]]
        assert m["chain"] == chain(Message(m["message_id"], m["kind"], m["reply"], m["status"],
                                           principal(m["sender"]), principal(m["recipient"]),
                                           tuple(Envoy(principal(c["actor"]), c["role"]) for c in m["carriers"]),
                                           row["sent_date"], row["delivered_date"], None, None, None, (), (), ()))
    dates = [(m["date"] is None, m["date"] or "") for m in items]
    assert dates == sorted(dates)
    # pages of two walk the same list
    seen = []
    for offset in range(0, len(items) + 2, 2):
        page = server.json("/api/messages", {"limit": 2, "offset": offset})
        assert (page["total"], page["limit"], page["offset"]) == (len(items), 2, offset)
        seen += [m["message_id"] for m in page["items"]]
    assert seen == [m["message_id"] for m in items]


def principal(p: dict | None) -> Principal | None:
    return Principal(**p) if p else None


@pytest.mark.parametrize("params, where", [
    # a carrier counts: the messages Velayati carried or received
    ({"actor": "velayati"}, lambda m: any("velayati" in (n or "").lower()
                                          for n in [m["sender_name"], m["recipient_name"], *m["carrier_names"]])),
    ({"country": "rus"}, lambda m: "RUS" in [m["sender_country"], m["recipient_country"], *m["carrier_countries"]]),
    ({"actor": "ali-khamenei.irn"}, lambda m: "ali-khamenei.irn" in [m["sender_actor_id"], m["recipient_actor_id"],
                                                                     *m["carrier_actor_ids"]]),
])
def test_message_filters(server, db_messages, params, where):
    got = {m["message_id"] for m in server.all_items("/api/messages", params)}
    assert got and got == {k for k, m in db_messages.items() if where(m)}


def test_the_message_filters_by_hand(server, kp):
    jagarian = {m["message_id"] for m in server.all_items("/api/messages", {"actor": "JAGARIAN"})}
    assert jagarian == {kp["messages"][2]["message_id"]}  # he carried the reply, and nothing else


def test_one_message_with_its_evidence(server, db_messages, texts):
    for message_id, row in db_messages.items():
        got = server.json("/api/messages/" + message_id)
        assert set(got) == MESSAGE_KEYS | {"evidence"}
        evidence = got.pop("evidence")
        assert got == message_from_store(row)
        assert evidence == evidence_from_store(row) and evidence
        for e in evidence:
            assert e["doc_id"] in got["doc_ids"]
            assert texts[e["doc_id"]][e["start"]:e["end"]] == e["text"]  # the offsets point at the sentence


def test_the_replys_evidence_as_read_from_002(server, kp, texts):
    reply = server.json("/api/messages/" + kp["messages"][2]["message_id"])
    sentences = {e["text"]: set() for e in reply["evidence"]}
    for e in reply["evidence"]:
        sentences[e["text"]].add(e["field"])
    assert list(sentences) == REPLY_SENTENCES
    assert {"delivered_date", "carrier", "sender", "recipient"} <= sentences[JAGARIAN]
    start = texts[seed_id("002")].index(JAGARIAN)
    assert {(e["start"], e["end"]) for e in reply["evidence"] if e["text"] == JAGARIAN} == {
        (start, start + len(JAGARIAN))}


@pytest.mark.parametrize("path", ["/api/channels/c-0000000000000000", "/api/messages/m-0000000000000000",
                                  "/api/channels/nope", "/api/messages/nope"])
def test_unknown_ids_are_404(server, path):
    r = server.get(path)
    assert r.status == 404 and r.content_type.startswith("application/json") and r.json()["error"]


@pytest.mark.parametrize("path, parameter, value", [
    ("/api/channels", "country", "IR"), ("/api/channels", "country", "1RN"), ("/api/channels", "limit", "0"),
    ("/api/channels", "offset", "-1"), ("/api/messages", "country", "IRAN"), ("/api/messages", "limit", "501"),
    ("/api/messages", "limit", "ten"), ("/api/messages", "offset", "-5"),
])
def test_an_invalid_parameter_is_a_400_naming_it(server, path, parameter, value):
    r = server.get(path, {parameter: value})
    assert r.status == 400, (r.status, r.text[:300])
    body = r.json()
    assert body["parameter"] == parameter and parameter in body["error"]


def test_openapi_lists_the_channels_and_messages(server):
    paths = server.json("/openapi.json")["paths"]
    for path in ("/api/channels", "/api/channels/{channel_id}", "/api/messages", "/api/messages/{message_id}"):
        assert set(paths[path]) == {"get"} and paths[path]["get"]["tags"] == ["api"], path
    names = {p["name"] for p in paths["/api/messages"]["get"]["parameters"]}
    assert {"actor", "country", "limit", "offset"} <= names
    assert server.get("/api/messages", method="POST").status == 405


# ---------------------------------------------------------------------------------------------
# The pages, read as HTML


def test_the_nav_links_the_channels(server):
    for path in ("/", "/channels"):
        assert "/channels" in {a.get("href") for a in server.html(path).xpath("//header//nav//a")}


def test_channels_page(server, db_channels, kp):
    root = server.html("/channels")
    graph = one(root, "//svg[@id='channels-graph']")
    nodes = {c.get("data-id"): c for c in graph.xpath(f".//circle[{has_class('node')}]")}
    principals = {r[f"{p}_actor_id"]: r[f"{p}_name"] for r in db_channels.values() for p in "ab"}
    assert set(nodes) == set(principals)
    labels = {normalized(t.text_content()) for t in graph.xpath(f".//text[{has_class('label')}]")}
    assert {KHAMENEI, PUTIN} <= labels and labels == set(principals.values())
    edges = graph.xpath(f".//line[{has_class('channel-edge')}]")
    assert sorted(e.get("data-channel-id") for e in edges) == sorted(db_channels)
    for e in edges:  # each edge links its channel
        assert e.getparent().get("href") == "/channels/" + e.get("data-channel-id")
    label = one(graph, f".//text[{has_class('carriers')}][@data-channel-id='{kp['channel_id']}']")
    lines = [normalized(t.text_content()) for t in label.xpath("./tspan")]
    assert lines[:2] == [f"{VELAYATI} ×2", "Levan Jagarian ×1"]  # the two most used; two more in the title
    assert lines[2] == "+2 more"
    table = one(root, "//table[@id='channels']")
    shown = table.xpath(f".//tr[{has_class('channel')}]")
    assert [r.get("data-channel-id") for r in shown] == [c["channel_id"] for c in server.all_items("/api/channels")]
    row = one(table, f".//tr[@data-channel-id='{kp['channel_id']}']")
    cells = [normalized(td.text_content()) for td in row.xpath("./td")]
    assert cells[0] == f"{KHAMENEI} IRN" and cells[1] == f"{PUTIN} RUS"
    assert cells[2:4] == ["3", "1"] and cells[5] == "33" and cells[6:] == ["2018-07-11", "2021-03-06"]
    for name, count in KP_CARRIERS.items():
        assert f"{name} ×{count}" in cells[4]
    assert {a.get("href") for a in row.xpath(".//a")} == {f"/channels/{kp['channel_id']}"}


def test_channels_page_filters(server):
    for params in ({"country": "rus"}, {"actor": "Khamenei"}, {"actor": "nobody at all"}):
        expected = [c["channel_id"] for c in server.all_items("/api/channels", params)]
        root = server.html("/channels", params)
        assert [r.get("data-channel-id") for r in root.xpath(f"//table[@id='channels']//tr[{has_class('channel')}]")
                ] == expected
        assert sorted(e.get("data-channel-id") for e in root.xpath("//svg[@id='channels-graph']//line")) == sorted(
            expected)
        form = one(root, "//form[@action='/channels']")
        assert {i.get("name") for i in form.xpath(".//input")} == {"actor", "country"}
    assert server.get("/channels", {"country": "Iran"}).status == 400
    assert "No channels" in server.html("/channels", {"actor": "nobody at all"}).text_content()


def test_channel_page(server, kp, texts):
    root = server.html("/channels/" + kp["channel_id"])
    facts = normalized(one(root, "//*[@id='channel']").text_content())
    assert "3, of them 1 reply" in facts and "33 (median)" in facts and "2018-07-11 – 2021-03-06" in facts
    assert all(f"{n} ×{k}" in facts for n, k in KP_CARRIERS.items())
    first, second, reply = (m["message_id"] for m in kp["messages"])
    # the timeline: two messages and a reply, a link from the reply to what it answers
    svg = one(root, "//svg[@id='channel-timeline']")
    assert [c.get("data-message-id") for c in svg.xpath(f".//circle[{has_class('message')}]")] == [first, second]
    assert [p.get("data-message-id") for p in svg.xpath(f".//path[{has_class('reply')}]")] == [reply]
    link = one(svg, f".//path[{has_class('reply-link')}]")
    assert (link.get("data-from"), link.get("data-to")) == (reply, second)
    xs = [float(c.get("cx")) for c in svg.xpath(f".//circle[{has_class('message')}]")]
    assert xs[0] < xs[1]  # 2018 left of 2021
    # the list, in time order
    items = one(root, "//ol[@id='channel-messages']").xpath("./li")
    assert [li.get("id") for li in items] == [first, second, reply]
    for li, (day, is_reply, way) in zip(items, KP_MESSAGES):
        assert normalized(one(li, f".//*[{has_class('date')}]").text_content()) == day
        assert normalized(one(li, f".//*[{has_class('chain')}]").text_content()) == way
        assert ("reply" in li.get("class").split()) == is_reply
    answer = one(items[2], f".//a[{has_class('reply-to')}]")
    assert answer.get("href") == "#" + second and "2021-02" in answer.text_content()
    assert not items[0].xpath(f".//a[{has_class('reply-to')}]")
    assert "strategic issues" in items[1].text_content()
    # each evidence sentence links to the document page that marks it
    for li, message in zip(items, kp["messages"]):
        wanted: dict[tuple, set] = {}
        for e in message["evidence"]:
            wanted.setdefault((e["doc_id"], e["start"], e["end"]), set()).add(e["field"])
        links = li.xpath(f".//a[{has_class('evidence-link')}]")
        got = {}
        for a in links:
            doc_id, start, end = a.get("data-doc-id"), int(a.get("data-start")), int(a.get("data-end"))
            assert a.text_content() == texts[doc_id][start:end]
            assert a.get("href") == (f"/documents/{urllib.parse.quote(doc_id)}?message={message['message_id']}"
                                     f"#evidence-{start}")
            fields = one(a.getparent(), f"./span[{has_class('fields')}]").text_content()
            got[(doc_id, start, end)] = set(fields.split(", "))
        assert got == wanted and len(links) == len(wanted)
    assert server.get("/channels/c-0000000000000000").status == 404


def marked(root) -> list:
    return one(root, "//article[@id='text']").xpath(f".//mark[{has_class('message-evidence')}]")


def test_document_page_marks_the_messages_evidence(server, kp, texts):
    reply = server.json("/api/messages/" + kp["messages"][2]["message_id"])
    doc_id = seed_id("002")
    root = server.html(f"/documents/{doc_id}", {"message": reply["message_id"]})
    article = one(root, "//article[@id='text']")
    text = texts[doc_id]
    assert normalized(article.text_content()) == normalized(text)  # the labels add no text
    marks = marked(root)
    assert [m.text_content() for m in marks] == REPLY_SENTENCES  # exactly the evidence sentences, by hand
    fields: dict[int, set] = {}
    for e in reply["evidence"]:
        fields.setdefault(e["start"], set()).add(e["field"])
    for m in marks:
        start = int(m.get("id").removeprefix("evidence-"))
        assert normalized(text_before(article, m)) == normalized(text[:start])  # where the offsets say
        assert m.text_content() == text[start:start + len(m.text_content())]
        assert set(m.get("data-fields").split(", ")) == fields[start]
    assert "delivered_date" in one(article, f".//mark[@id='evidence-{text.index(JAGARIAN)}']").get("data-fields")
    aside = one(root, "//*[@id='doc-message']")
    assert aside.get("data-message-id") == reply["message_id"] and reply["chain"] in normalized(aside.text_content())
    assert not root.xpath("//*[@id='selected-event']")  # no event selected


def test_document_page_marks_only_the_evidence_in_that_document(server, kp, texts):
    first = kp["messages"][0]  # reported in 000, 001 and 003
    for doc_id in first["doc_ids"]:
        root = server.html(f"/documents/{doc_id}", {"message": first["message_id"]})
        spans = {(e["start"], e["end"]) for e in first["evidence"] if e["doc_id"] == doc_id}
        assert spans
        got = {(int(m.get("id").removeprefix("evidence-")),
                int(m.get("id").removeprefix("evidence-")) + len(m.text_content())) for m in marked(root)}
        assert got == spans
    # 000 by hand: the sentence that says when Velayati hands Putin the messages
    root = server.html(f"/documents/{seed_id('000')}", {"message": first["message_id"]})
    wednesday = [m for m in marked(root) if "Velayati will visit Moscow on Wednesday" in m.text_content()]
    assert len(wednesday) == 1 and "delivered_date" in wednesday[0].get("data-fields")


def test_document_page_with_an_unknown_message_is_404(server, kp):
    assert server.get(f"/documents/{seed_id('002')}", {"message": "m-0000000000000000"}).status == 404
    # a known message without evidence in this document
    assert server.get(f"/documents/{seed_id('002')}", {"message": kp["messages"][0]["message_id"]}).status == 404
    # with an event as well: both marked
    event = server.json("/api/events", {"doc_id": seed_id("002"), "limit": 1})["items"][0]
    root = server.html(f"/documents/{seed_id('002')}", {"message": kp["messages"][2]["message_id"],
                                                        "event": event["event_id"]})
    assert root.xpath("//mark[@id='selected-event']") and len(marked(root)) == 3


def test_channel_pages_use_only_the_packages_assets(server, kp):
    for path in ("/channels", f"/channels/{kp['channel_id']}",
                 f"/documents/{seed_id('002')}?message={kp['messages'][2]['message_id']}"):
        r = fetch(server.url + path)
        assert r.status == 200
        assert "<script" not in r.text.lower() and " style=" not in r.text
        root = lxml.html.document_fromstring(r.text)
        for element in root.iter():
            if isinstance(element.tag, str):
                for name in ("src", "href", "action"):
                    assert not re.match(r"(?i)(https?:)?//", (element.get(name) or "").strip()), (path, name)


# ---------------------------------------------------------------------------------------------
# The pieces, without a server: escaping and grouping


EVIL = Principal("evil.xxx", "<script>alert(1)</script> & Co", "IRN", None)
PUTIN_P = Principal("vladimir-putin.rus", PUTIN, "RUS", "GOV")


def test_the_timeline_and_graph_escape_names():
    note = Message("m-1", "note", False, "occurred", EVIL, PUTIN_P, (Envoy(EVIL, "carried"),), "2021-02-03", None,
                   None, None, "c-1", ("d:m0",), ("d",), ())
    answer = Message("m-2", "reply", True, "occurred", PUTIN_P, EVIL, (), None, "2021-03", None, "m-1", "c-1",
                     ("d:m1",), ("d",), ())
    channel = Channel("c-1", EVIL, PUTIN_P, ("m-1", "m-2"), 2, 1, ((EVIL.name, 1),), 26.0, "2021-02-03", "2021-03")
    svg = str(channel_timeline_svg(channel, [note, answer]))
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert svg.count('class="message mark"') == 1 and svg.count('class="reply mark"') == 1
    assert 'data-from="m-2" data-to="m-1"' in svg
    assert svg.count('class="date-span"') == 1  # March 2021 spans its days; 3 February is a day
    nodes, edges = channel_layout([channel])
    assert {n.node_id for n in nodes} == {"evil.xxx", "vladimir-putin.rus"} and len(edges) == 1
    assert edges[0].label == [f"{EVIL.name} ×1"]  # escaped by the template (autoescape)


def test_evidence_sentences_group_fields_and_the_marks_escape():
    text = "A <b>note</b> went. Putin sent it on Monday. Nothing else."
    s1, s2 = (0, text.index(" Putin")), (text.index("Putin"), text.index(" Nothing"))
    evidence = [Evidence("d", "recipient", *s2, text[s2[0]:s2[1]]), Evidence("d", "sender", *s2, text[s2[0]:s2[1]]),
                Evidence("d", "topic", *s1, text[s1[0]:s1[1]]), Evidence("e", "sender", 0, 3, "xyz"),
                Evidence("d", "sent_date", *s2, text[s2[0]:s2[1]])]
    sentences = evidence_sentences(evidence, "d")
    assert [(s.start, s.fields) for s in sentences] == [(s1[0], ("topic",)),
                                                         (s2[0], ("sender", "recipient", "sent_date"))]
    assert len(evidence_sentences(evidence)) == 3
    html = str(highlight(text, None, [], (), sentences))
    assert "<b>" not in html and "&lt;b&gt;note&lt;/b&gt;" in html
    assert re.findall(r'<mark id="evidence-(\d+)" class="evidence message-evidence"[^>]*data-fields="([^"]*)">', html
                      ) == [(str(s1[0]), "topic"), (str(s2[0]), "sender, recipient, sent_date")]
    assert re.search(r'<mark id="evidence-\d+" [^>]*>Putin sent it on Monday\.</mark>', html)
    assert _shown(html) == text  # nothing lost, nothing added


def _shown(html: str) -> str:
    import html as h

    return h.unescape(re.sub(r"<[^>]+>", "", html))


# ---------------------------------------------------------------------------------------------
# In the browser


def test_browser_from_the_channels_to_the_replys_evidence(server, page, kp):
    from playwright.sync_api import expect

    page.goto(server.url + "/channels")
    expect(page.locator("#channels-graph circle.node")).to_have_count(len({
        p["actor_id"] for c in server.all_items("/api/channels") for p in (c["a"], c["b"])}))
    row = page.locator("#channels tr.channel").filter(has_text=KHAMENEI).filter(has_text=PUTIN)
    expect(row).to_have_count(1)
    row.locator("a.channel-link").click()
    page.wait_for_url(re.compile(r"/channels/c-[0-9a-f]{16}$"))
    assert page.url.endswith("/channels/" + kp["channel_id"])
    items = page.locator("#channel-messages > li")
    expect(items).to_have_count(3)
    assert [items.nth(i).locator(".date").inner_text() for i in range(3)] == [d for d, _, _ in KP_MESSAGES]
    assert [items.nth(i).locator(".chain").inner_text() for i in range(3)] == [w for _, _, w in KP_MESSAGES]
    expect(page.locator("#channel-timeline circle.message")).to_have_count(2)
    expect(page.locator("#channel-timeline path.reply")).to_have_count(1)
    # the reply links the message it answers
    reply = items.nth(2)
    reply.locator("a.reply-to").click()
    expect(page).to_have_url(re.compile("#" + kp["messages"][1]["message_id"] + "$"))
    expect(page.locator("#channel-messages > li:target")).to_have_attribute("id", kp["messages"][1]["message_id"])
    # its evidence opens the document with the sentence marked
    reply.locator("a.evidence-link", has_text="Jagarian").click()
    page.wait_for_url(re.compile(r"/documents/[^?]+\?message=m-[0-9a-f]{16}#evidence-\d+$"))
    mark = page.locator("mark.message-evidence", has_text="Jagarian")
    expect(mark).to_have_count(1)
    expect(mark).to_be_visible()
    assert mark.text_content() == JAGARIAN
    assert page.url.endswith("#" + mark.get_attribute("id"))
    label = mark.evaluate("el => getComputedStyle(el, '::before').content")
    assert "delivered_date" in label and "carrier" in label  # the fields it states, shown before it
    expect(page.locator("mark.message-evidence")).to_have_count(3)
