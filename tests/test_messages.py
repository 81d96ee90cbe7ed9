"""Messages and channels (messages.py, channels.py): on reports written for the tests
(tests/data/messages) and on the seeds, through the real pipeline into a real DuckDB file.
Expected values were worked out by hand from the texts (see tests/data/messages/README.md)."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from dragoman.channels import assemble, chain, select
from dragoman.schema import (
    CARRIED,
    EVENT_DATE_SENTENCE,
    OCCURRED,
    RECEIVED,
    ActorRef,
    Carrier,
    EventDate,
    MessageReport,
)
from dragoman.store import Store

DATA = Path(__file__).parent / "data" / "messages"
ARTICLES = DATA / "articles.jsonl"


@pytest.fixture(scope="module")
def store_path(tmp_path_factory, pipeline) -> Path:
    from dragoman.pipeline import run
    from dragoman.settings import Settings

    db = tmp_path_factory.mktemp("messages") / "messages.duckdb"
    with Store(db) as store:
        run([str(ARTICLES)], Settings(db=db, quiet=True), store, pipeline=pipeline)
    return db


@pytest.fixture(scope="module")
def found(store_path):
    with Store(store_path, read_only=True) as store:
        return store.message_reports(), store.messages(), store.channels(), {d.doc_id: d.text for d in store.documents()}


def _one(messages, sender: str, reply: bool = False):
    hits = [m for m in messages if m.sender is not None and sender in m.sender.name and m.reply == reply]
    assert len(hits) == 1, [chain(m) for m in messages]
    return hits[0]


def _evidence(m, field: str) -> list[str]:
    return [e.text for e in m.evidence if e.field == field]


def test_a_letter_sent_through_a_minister(found):
    _, messages, _, texts = found
    m = _one(messages, "Erdo")
    assert (m.recipient.name, m.recipient.country) == ("Olaf Scholz", "DEU")
    assert [(c.actor.name, c.role) for c in m.carriers] == [("Hakan Fidan", CARRIED)]
    assert m.kind == "letter" and m.status == OCCURRED and not m.reply
    assert m.sent_date == "2024-03-01"  # "on Friday", reported on Monday 2024-03-04
    assert m.delivered_date is None
    assert m.topic == "the migration agreement"  # from the next sentence: "The letter was about ..."
    assert any("through Foreign Minister Hakan Fidan" in s for s in _evidence(m, "carrier"))
    assert any(s.startswith("The letter was about") for s in _evidence(m, "topic"))
    for e in m.evidence:  # every piece of evidence is a sentence of its document, where it says
        assert texts[e.doc_id][e.start:e.end] == e.text


def test_an_envoy_named_in_the_body_is_the_headlines_envoy(found):
    reports, messages, _, _ = found
    m = _one(messages, "Kishida")
    assert m.recipient.name == "Yoon Suk Yeol"
    # the headline's "Envoy carries Kishida message to Seoul" is the same message as the body's
    assert [c.actor.name for c in m.carriers] == ["Yoko Kamikawa"]
    assert m.delivered_date == "2024-05-14" and m.sent_date is None  # "delivered ... on Tuesday"
    assert m.topic == "the security of the Korean peninsula"
    assert len([r for r in reports if r.doc_id == "envoy"]) == 1
    assert any("Envoy carries Kishida message" in s for s in _evidence(m, "sender"))


def test_a_reply_in_another_document_answers_the_letter(found):
    _, messages, channels, _ = found
    letter = _one(messages, "Macron")
    reply = _one(messages, "Xi Jinping", reply=True)
    assert letter.sent_date == "2024-06-01" and letter.topic == "the war in Ukraine"
    assert reply.in_reply_to == letter.message_id
    assert reply.recipient.name == "Emmanuel Macron"
    assert [(c.actor.name, c.role) for c in reply.carriers] == [("Lu Shaye", CARRIED)]
    assert reply.delivered_date == "2024-06-27"  # "handed ... on Thursday", reported Friday 2024-06-28
    assert letter.channel_id == reply.channel_id
    channel = next(c for c in channels if c.channel_id == letter.channel_id)
    assert channel.message_ids == (letter.message_id, reply.message_id)
    assert (channel.num_messages, channel.num_replies) == (2, 1)
    assert channel.median_reply_days == 26.0  # 2024-06-01 to 2024-06-27
    assert channel.carriers == (("Lu Shaye", 1),)


def test_a_reply_with_no_known_original(found):
    _, messages, _, _ = found
    reply = _one(messages, "Milei", reply=True)
    assert reply.in_reply_to is None
    assert reply.recipient.name.startswith("Luiz In")  # "Lula ... received a reply from Milei"
    assert reply.carriers == ()
    assert reply.delivered_date == "2024-09-11"


def test_figurative_messages_are_not_messages(found):
    reports, _, _, _ = found
    assert not [r for r in reports if r.doc_id == "figure"]  # "the victory sent a message to every rival"


def test_the_reply_links_when_the_letter_was_stored_by_an_earlier_run(tmp_path, pipeline):
    """The reply comes in a later run than the letter: the store's reports are assembled again."""
    from dragoman.pipeline import run
    from dragoman.settings import Settings

    lines = {json.loads(line)["id"]: line for line in ARTICLES.read_text(encoding="utf-8").splitlines()}
    first, second = tmp_path / "ask.jsonl", tmp_path / "answer.jsonl"
    first.write_text(lines["ask"] + "\n", encoding="utf-8")
    second.write_text(lines["answer"] + "\n", encoding="utf-8")
    db = tmp_path / "two-runs.duckdb"
    with Store(db) as store:
        run([str(first)], Settings(db=db, quiet=True), store, pipeline=pipeline)
        assert [m.reply for m in store.messages()] == [False]
        run([str(second)], Settings(db=db, quiet=True), store, pipeline=pipeline)
        letter, reply = store.messages()
    assert reply.reply and reply.in_reply_to == letter.message_id
    assert [c.num_messages for c in store_channels(db)] == [2]


def store_channels(db: Path):
    with Store(db, read_only=True) as store:
        return store.channels()


# -- the seeds ----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def seeds(coded_store_path):
    with Store(coded_store_path, read_only=True) as store:
        return store.messages(), store.channels()


def _seed(messages, sender: str, year: str, reply: bool = False):
    hits = [m for m in messages if m.sender and m.sender.name == sender and (m.date or "").startswith(year)
            and m.reply == reply]
    assert len(hits) == 1, [(m.date, chain(m)) for m in messages]
    return hits[0]


def test_seeds_2018_messages_of_the_leader_and_the_president_carried_by_velayati(seeds):
    messages, _ = seeds
    for sender in ("Ali Khamenei", "Hassan Rouhani"):
        m = _seed(messages, sender, "2018")
        assert m.recipient.name == "Vladimir Putin"
        assert [(c.actor.name, c.role) for c in m.carriers] == [("Ali Akbar Velayati", CARRIED)]
        assert m.status == OCCURRED
        # "Velayati is in Moscow to submit messages from ... Khamenei and President Hassan Rouhani to ... Putin"
        assert any("to submit messages from" in e.text for e in m.evidence if e.field == "sender")
    khamenei = _seed(messages, "Ali Khamenei", "2018")
    assert len(khamenei.doc_ids) >= 3  # the four reports of July 2018 (doc 003 names no recipient)


def test_seeds_february_2021_message_carried_by_qalibaf_received_by_volodin(seeds):
    messages, _ = seeds
    m = _seed(messages, "Ali Khamenei", "2021")
    assert m.date == "2021-02"  # "Qalibaf traveled to Moscow in February to ... deliver an important message"
    assert m.recipient.name == "Vladimir Putin"
    assert [(c.actor.name, c.role) for c in m.carriers] == [("Mohammad Baqer Qalibaf", CARRIED),
                                                             ("Vyacheslav Volodin", RECEIVED)]
    assert m.topic == "strategic issues"  # "I am carrying an important message about strategic issues"
    assert any("special representative in receiving" in e.text for e in m.evidence if e.field == "carrier")
    assert any("in February" in e.text for e in m.evidence if e.field == "delivered_date")
    assert chain(m) == "Ali Khamenei -> [Mohammad Baqer Qalibaf -> Vyacheslav Volodin] -> Vladimir Putin"


def test_seeds_putins_reply_delivered_by_the_ambassador_answers_the_february_message(seeds):
    messages, channels = seeds
    original = _seed(messages, "Ali Khamenei", "2021")
    reply = _seed(messages, "Vladimir Putin", "2021", reply=True)
    assert reply.delivered_date == "2021-03-06"  # "on Saturday", reported Sunday 2021-03-07
    assert reply.recipient.name == "Ali Khamenei"
    assert [(c.actor.name, c.role) for c in reply.carriers] == [("Levan Jagarian", CARRIED),
                                                                 ("Ali Akbar Velayati", RECEIVED)]
    assert reply.in_reply_to == original.message_id
    assert any("delivered to Velayati on Saturday by Russian Ambassador" in e.text
               for e in reply.evidence if e.field == "delivered_date")
    channel = next(c for c in channels if reply.message_id in c.message_ids)
    assert {channel.a.name, channel.b.name} == {"Ali Khamenei", "Vladimir Putin"}
    assert channel.message_ids.index(original.message_id) < channel.message_ids.index(reply.message_id)
    assert channel.median_reply_days == 33.0  # February (its first day) to 6 March
    assert select(channels, country="RUS") and select(channels, actor="khamenei")
    assert not select(channels, country="USA")


# -- assembling across documents, on records ---------------------------------------------------------

def _ref(actor_id: str, country: str | None = "AAA") -> ActorRef:
    return ActorRef(actor_id, actor_id.title(), country, "GOV", actor_id, 0, 1)


def _report(n: int, sender: str | None, recipient: str | None, day: str | None, reply: bool = False, carriers=(),
            published: str | None = None, delivered: bool = False) -> MessageReport:
    when = EventDate(day, "day", EVENT_DATE_SENTENCE) if day else None
    return MessageReport(
        report_id=f"d{n}:m0", doc_id=f"d{n}", kind="reply" if reply else "letter", reply=reply, status=OCCURRED,
        sender=_ref(sender) if sender else None, recipient=_ref(recipient) if recipient else None,
        carriers=tuple(Carrier(_ref(c), CARRIED) for c in carriers), sender_kind="person", recipient_kind="person",
        sent_date=None if delivered else when, delivered_date=when if delivered else None, topic=None,
        topic_start=None, topic_end=None, replies_to=None, evidence=(), published=published or day)


def test_reports_of_one_message_join_by_their_dates():
    messages, _ = assemble([
        _report(1, "a", "b", "2024-01-01"),  # sent on the 1st
        _report(2, "a", "b", "2024-01-15", delivered=True),  # delivered two weeks later: the same letter
        _report(3, "a", "b", None, published="2024-01-10"),  # undated news of it, published on the 10th
        _report(4, "a", "b", "2024-01-20"),  # another sent on the 20th: a second letter
        _report(5, "a", "b", None, published="2024-06-01"),  # months later: another letter again
    ])
    assert sorted(m.doc_ids for m in messages) == [("d1", "d3", "d2"), ("d4",), ("d5",)]


def test_a_report_that_names_too_little_to_choose_starts_its_own_message():
    """Two leaders wrote to c; an envoy's delivery to c, whose sender the report does not name,
    could be either letter."""
    messages, _ = assemble([_report(1, "a", "c", "2024-01-01"), _report(2, "b", "c", "2024-01-01"),
                            _report(3, None, "c", "2024-01-10", carriers=["x"], delivered=True)])
    assert len(messages) == 3
    envoy = next(m for m in messages if m.doc_ids == ("d3",))
    assert envoy.sender.actor_id == "x" and envoy.carriers == ()  # whose it was is unknown: the carrier's


def test_message_ids_stay_when_an_earlier_report_comes_later():
    later, earlier = _report(1, "a", "b", "2024-01-22", delivered=True), _report(2, "a", "b", "2024-01-18")
    first, _ = assemble([later])
    again, _ = assemble([later, earlier], previous={"d1:m0": first[0].message_id})
    assert [m.message_id for m in again] == [first[0].message_id] and len(again[0].report_ids) == 2


def test_two_named_envoys_are_two_messages():
    messages, _ = assemble([_report(1, "a", "b", "2024-01-01", carriers=["x"]),
                            _report(2, "a", "b", "2024-01-02", carriers=["y"])])
    assert len(messages) == 2


def test_a_reply_answers_the_latest_message_before_it_the_other_way():
    messages, channels = assemble([
        _report(1, "a", "b", "2024-01-01"), _report(2, "a", "b", "2024-03-01"),
        _report(3, "b", "a", "2024-03-20", reply=True),
        _report(4, "a", "b", "2024-04-01"),  # after the reply: not what it answers
        _report(5, "c", "a", "2024-03-25", reply=True),  # from someone a never wrote to
    ])
    by_doc = {m.doc_ids[0]: m for m in messages}
    assert by_doc["d3"].in_reply_to == by_doc["d2"].message_id
    assert by_doc["d5"].in_reply_to is None
    ab = next(c for c in channels if {c.a.actor_id, c.b.actor_id} == {"a", "b"})
    assert ab.message_ids == tuple(by_doc[d].message_id for d in ("d1", "d2", "d3", "d4"))
    assert ab.median_reply_days == 19.0


def test_message_ids_do_not_depend_on_the_order_reports_come_in():
    reports = [_report(1, "a", "b", "2024-01-01"), _report(2, "a", "b", "2024-01-03"),
               _report(3, "b", "a", "2024-02-01", reply=True)]
    one, _ = assemble(reports)
    two, _ = assemble(list(reversed(reports)))
    assert [(m.message_id, m.in_reply_to, m.report_ids) for m in one] == [
        (m.message_id, m.in_reply_to, m.report_ids) for m in two]


# -- the terminal and the exports ---------------------------------------------------------------------

def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "dragoman", *args], capture_output=True, text=True, timeout=120)


def test_channels_command_prints_the_chains(coded_store_path):
    out = _cli("channels", "--db", str(coded_store_path), "--actor", "Khamenei")
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert "2021-02     Ali Khamenei -> [Mohammad Baqer Qalibaf -> Vyacheslav Volodin] -> Vladimir Putin" in "\n".join(lines)
    reply = next(line for line in lines if line.strip().startswith("2021-03-06"))
    assert "Vladimir Putin -> [Levan Jagarian -> Ali Akbar Velayati] -> Ali Khamenei" in reply
    assert "reply to 2021-02" in reply
    assert lines[0].startswith("Ali Khamenei (IRN) <-> Vladimir Putin (RUS): 3 messages, 1 reply; median reply 33 days")
    bad = _cli("channels", "--db", str(coded_store_path), "--country", "Iran")
    assert bad.returncode != 0 and "ISO 3166-1 alpha-3" in bad.stderr
    none = _cli("channels", "--db", str(coded_store_path), "--country", "BRA")
    assert none.returncode == 0 and none.stdout == "" and "no channels with country BRA" in none.stderr


def test_export_messages_and_channels(store_path, tmp_path):
    out = _cli("export", "messages", "--db", str(store_path))
    assert out.returncode == 0, out.stderr
    records = [json.loads(line) for line in out.stdout.splitlines()]
    reply = next(r for r in records if r["reply"])  # one reply has an original: Xi's
    linked = [r for r in records if r["reply"] and r["in_reply_to"]]
    assert len(linked) == 1 and linked[0]["carriers"] == [
        {"actor_id": "lu-shaye.chn", "name": "Lu Shaye", "country": "CHN", "sector": "GOV", "role": "carried"}]
    assert reply["sender"]["country"] in ("CHN", "ARG")
    assert all({"doc_id", "field", "start", "end", "text"} == set(e) for r in records for e in r["evidence"])
    flat = _cli("export", "channels", "--db", str(store_path), "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(flat.stdout)))
    xi = next(r for r in rows if "Xi Jinping" in (r["a_name"], r["b_name"]))
    assert (xi["num_messages"], xi["num_replies"], xi["carrier_names"], xi["carrier_counts"]) == ("2", "1", "Lu Shaye", "1")
    assert xi["median_reply_days"] == "26.0"
    parquet = tmp_path / "messages.parquet"
    assert _cli("export", "messages", "--db", str(store_path), "--format", "parquet", "-o", str(parquet)).returncode == 0
    import duckdb

    names = duckdb.sql(f"SELECT carrier_names FROM '{parquet}' WHERE reply AND in_reply_to IS NOT NULL").fetchall()
    assert names == [(["Lu Shaye"],)]


# -- cases a review found (tests/data/messages/review.jsonl) -------------------------------------------

@pytest.fixture(scope="module")
def review(tmp_path_factory, pipeline):
    from dragoman.pipeline import run
    from dragoman.settings import Settings

    db = tmp_path_factory.mktemp("review") / "review.duckdb"
    with Store(db) as store:
        run([str(DATA / "review.jsonl")], Settings(db=db, quiet=True), store, pipeline=pipeline)
        return store.messages(), store.channels(), store.message_reports()


def _of(messages, doc_id: str, reply: bool | None = None):
    hits = [m for m in messages if doc_id in m.doc_ids and (reply is None or m.reply == reply)]
    assert len(hits) == 1, [(m.doc_ids, chain(m)) for m in messages]
    return hits[0]


def test_a_reply_to_a_letter_its_text_names_goes_to_that_letters_sender(review):
    messages, _, _ = review
    reply = _of(messages, "erd")  # "Erdogan replied on February 1 to ... Putin's letter"
    assert chain(reply) == "Recep Tayyip Erdoğan -> Vladimir Putin" and reply.sent_date == "2023-02-01"
    assert reply.in_reply_to == _of(messages, "put").message_id  # not Zelensky's later letter


def test_sentences_that_name_different_roles_of_the_message_are_one_message(review):
    messages, _, _ = review
    m = _of(messages, "repr")  # "Lavrov, acting as ... Putin's representative, received the message from
    # ... Raisi on Friday. The message was carried to Moscow by ... Amir-Abdollahian."
    assert chain(m) == "Ebrahim Raisi -> [Hossein Amir-Abdollahian -> Sergei Lavrov] -> Vladimir Putin"
    assert [c.role for c in m.carriers] == [CARRIED, RECEIVED] and m.delivered_date == "2023-05-19"


def test_a_reply_delivered_to_a_minister_is_for_the_president(review):
    messages, _, _ = review
    reply = _of(messages, "e-apr")  # "The reply was delivered to ... Lavrov by ... Ambassador Mehmet Samsar"
    assert chain(reply) == "Recep Tayyip Erdoğan -> [Mehmet Samsar -> Sergei Lavrov] -> Vladimir Putin"
    letter = _of(messages, "p-jan-2")  # Putin's letter handed over by Ambassador Yerkhov on January 22
    assert chain(letter) == "Vladimir Putin -> [Alexei Yerkhov] -> Recep Tayyip Erdoğan"
    assert reply.in_reply_to == letter.message_id


def test_letters_weeks_apart_are_different_letters(review):
    messages, _, _ = review
    kishida = [m for m in messages if m.sender and m.sender.name == "Fumio Kishida"]
    assert sorted(m.doc_ids for m in kishida) == [("k1",), ("k2",), ("k3",), ("k4",)]  # five weeks apart each
    assert (_of(messages, "s1").sent_date, _of(messages, "s2").sent_date) == ("2023-01-05", "2023-01-20")


def test_a_reply_in_the_same_sentence_is_dated_by_its_own_clause(review):
    messages, channels, _ = review
    reply = _of(messages, "both", reply=True)  # "... on January 10, and Muizzu replied to the letter on January 13"
    assert reply.sent_date == "2024-01-13" and reply.in_reply_to == _of(messages, "both", reply=False).message_id
    assert next(c for c in channels if c.channel_id == reply.channel_id).median_reply_days == 3.0


def test_on_behalf_of_names_the_sender_and_is_no_topic(review):
    m = _of(review[0], "behalf")  # "Jaishankar delivered a message to ... al-Sisi on behalf of ... Modi on Sunday"
    assert chain(m) == "Narendra Modi -> [Subrahmanyam Jaishankar] -> Abdel Fattah el-Sisi"
    assert m.topic is None and m.delivered_date == "2023-06-11"


def test_a_joint_letter_and_an_envoys_later_letter(review):
    messages, _, _ = review
    joint = [m for m in messages if "plural" in m.doc_ids]  # "Macron and ... Scholz sent a joint letter ... on Monday"
    assert sorted(m.sender.name for m in joint) == ["Emmanuel Macron", "Olaf Scholz"]
    assert {(m.recipient.name, m.sent_date, m.topic) for m in joint} == {
        ("Benjamin Netanyahu", "2023-10-02", "humanitarian aid to Gaza")}
    blinken = _of(messages, "envoyself")  # whose letter Blinken delivered, the text does not say: not theirs
    assert chain(blinken) == "Antony Blinken -> Benjamin Netanyahu" and blinken.delivered_date == "2023-10-19"


def test_denied_and_imagined_messages_are_kept_and_not_counted(review):
    messages, channels, reports = review
    assert {(m.status, chain(m)) for m in messages if "maybe" in m.doc_ids} == {
        ("hypothetical", "Donald Trump -> Kim Jong Un"),  # "Trump may send a letter to ... Kim Jong Un"
        ("negated", "Donald Trump -> Xi Jinping")}  # "The White House denied that Trump had sent a letter to ... Xi"
    unanswered = _of(messages, "kim", reply=True)  # "Kim Jong Un has not replied to Trump's earlier letter"
    assert unanswered.status == "negated" and unanswered.recipient.name == "Donald Trump"
    assert all(m.channel_id is None for m in messages if m.status in ("hypothetical", "negated"))
    pair = next(c for c in channels if {c.a.name, c.b.name} == {"Donald Trump", "Kim Jong Un"})
    assert (pair.num_messages, pair.num_replies) == (1, 0)  # the letter Trump received on Tuesday
    assert _of(messages, "kim", reply=False).recipient.country == "USA"
    assert pair.a.country == "USA" and pair.b.country == "PRK"  # "North Korean leader", not a South Korean one


def test_rhetoric_and_protest_notes_make_no_false_messages(review):
    messages, _, reports = review
    assert not [r for r in reports if r.doc_id == "west"]  # "Biden's message to Putin was simple", "send a message to"
    assert not [m for m in messages if m.sender and m.sender.name == "Lynne Tracy"]  # "a note of protest to ... Tracy"
