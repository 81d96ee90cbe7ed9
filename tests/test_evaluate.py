"""Scoring against gold: every expected number below is worked out by hand in the comments."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from dragoman.errors import InputError
from dragoman.evaluate import (
    GoldActor,
    GoldDocument,
    GoldEvent,
    GoldQuote,
    evaluate,
    fold_quote,
    format_report,
    load_gold,
    match_doc_ids,
)
from dragoman.schema import ActorRef, Event, EventDate, Quote

DATA = Path(__file__).parent / "data"

# Made-up actors: (name, country).
MERA = ("Ilse Mera", "NOR")
KOVAC = ("Daniel Kovac", "HRV")
OSEI = ("Kofi Osei", "GHA")


def gold_event(type_, source, target, *, date=None, negated=False, optional=False, evidence="A sentence."):
    def actor(a):
        return None if a is None else GoldActor(a[0], a[1], "GOV")

    return GoldEvent(type_, actor(source), actor(target), date, evidence, negated, optional)


def gold_doc(events=(), quotes=(), doc_id="d1"):
    return GoldDocument(doc_id, "positive", tuple(events), tuple(quotes))


def ref(actor):
    if actor is None:
        return None
    name, country = actor
    return ActorRef(f"a-{name}", name, country, "GOV", name, 0, len(name))


def event(type_, source, target, *, status="occurred", date=None, doc="d1", n=0, evidence="Said so.", trigger="met"):
    return Event(
        event_id=f"{doc}-e{n}", doc_id=doc, type=type_, mode=None, quad=1, cameo_root=None, status=status,
        date=EventDate(date, None, "sentence"), source=ref(source), target=ref(target), via=None, location=None,
        evidence=evidence, start=10 * n, end=10 * n + 8, trigger=trigger, trigger_start=10 * n,
        trigger_end=10 * n + 3, confidence=0.9, coder_version="test",
    )


def quote(text, speaker, *, n=0, doc="d1"):
    return Quote(f"{doc}-q{n}", doc, ref(speaker), text, 100 * n, 100 * n + len(text), True, "said")


def score(s):
    return (s.tp, s.fp, s.fn)


# --- dyads ------------------------------------------------------------------------------------

def test_consult_is_unordered_and_accuse_is_ordered():
    gold = [gold_doc([gold_event("CONSULT", MERA, KOVAC), gold_event("ACCUSE", MERA, KOVAC)])]
    pred = {"d1": [event("CONSULT", KOVAC, MERA, n=0), event("ACCUSE", KOVAC, MERA, n=1)]}
    r = evaluate(gold, pred, {})
    # CONSULT HRV-NOR matches NOR-HRV; ACCUSE HRV->NOR is an extra and NOR->HRV a miss.
    assert score(r.dyad) == (1, 1, 1)
    assert (r.dyad.precision, r.dyad.recall, r.dyad.f1) == (0.5, 0.5, 0.5)
    assert [(m.type, m.source, m.target) for m in r.misses] == [("ACCUSE", "NOR", "HRV")]
    assert [(x.type, x.source, x.target, x.trigger) for x in r.extras] == [("ACCUSE", "HRV", "NOR", "met")]


@pytest.mark.parametrize("type_", ["AGREE", "COOPERATE"])
def test_agree_and_cooperate_are_unordered_too(type_):
    r = evaluate([gold_doc([gold_event(type_, MERA, KOVAC)])], {"d1": [event(type_, KOVAC, MERA)]}, {})
    assert score(r.dyad) == (1, 0, 0)


def test_prediction_matching_optional_gold_is_ignored():
    gold = [gold_doc([gold_event("SUPPORT", MERA, KOVAC, optional=True), gold_event("ACCUSE", OSEI, MERA)])]
    pred = {"d1": [event("SUPPORT", MERA, KOVAC, n=0), event("ACCUSE", OSEI, MERA, n=1),
                   event("THREATEN", OSEI, MERA, n=2)]}
    r = evaluate(gold, pred, {})
    # ACCUSE is a hit, THREATEN an extra, SUPPORT neither; the unpredicted optional is no miss either.
    assert score(r.dyad) == (1, 1, 0)
    assert r.ignored == 1
    assert evaluate(gold, {"d1": [event("ACCUSE", OSEI, MERA)]}, {}).dyad.fn == 0


def test_negated_gold_is_not_required_and_coding_it_as_occurred_is_counted():
    gold = [gold_doc([gold_event("CONSULT", MERA, KOVAC, negated=True, date="2020-01-02"),
                      gold_event("ASSAULT", OSEI, MERA, negated=True)])]
    assert score(evaluate(gold, {}, {}).dyad) == (0, 0, 0)
    r = evaluate(gold, {"d1": [event("CONSULT", KOVAC, MERA)]}, {})
    # The CONSULT key (unordered) is produced as occurred: one extra and one negated_as_occurred.
    assert score(r.dyad) == (0, 1, 0)
    assert r.negated_as_occurred == 1
    assert [(e.type, e.source, e.target) for e in r.negated_as_occurred_events] == [("CONSULT", "NOR", "HRV")]
    assert r.to_dict()["negated_as_occurred"] == 1


def test_negated_gold_with_an_occurred_twin_is_not_negated_as_occurred():
    # The planned meeting was negated, but a meeting between the same two did take place.
    gold = [gold_doc([gold_event("CONSULT", MERA, KOVAC, negated=True), gold_event("CONSULT", KOVAC, MERA)])]
    r = evaluate(gold, {"d1": [event("CONSULT", MERA, KOVAC)]}, {})
    assert score(r.dyad) == (1, 0, 0)
    assert r.negated_as_occurred == 0


def test_negated_as_occurred_is_per_document():
    gold = [gold_doc([gold_event("ASSAULT", OSEI, MERA, negated=True)], doc_id="a"),
            gold_doc([gold_event("ASSAULT", OSEI, MERA)], doc_id="b")]
    r = evaluate(gold, {"a": [event("ASSAULT", OSEI, MERA, doc="a")], "b": [event("ASSAULT", OSEI, MERA, doc="b")]}, {})
    assert r.negated_as_occurred == 1
    assert r.negated_as_occurred_events[0].doc_id == "a"


def test_only_occurred_predictions_are_scored():
    gold = [gold_doc([gold_event("ACCUSE", OSEI, MERA)])]
    pred = {"d1": [event("ACCUSE", OSEI, MERA, status="future", n=0),
                   event("THREATEN", OSEI, MERA, status="negated", n=1),
                   event("ASSAULT", OSEI, MERA, status="hypothetical", n=2)]}
    r = evaluate(gold, pred, {})
    assert score(r.dyad) == (0, 0, 1)
    assert r.extras == ()


def test_null_target_is_a_none_country():
    gold = [gold_doc([gold_event("MOBILIZE", MERA, None), gold_event("RETREAT", KOVAC, None)])]
    pred = {"d1": [event("MOBILIZE", MERA, None, n=0), event("RETREAT", KOVAC, OSEI, n=1)]}
    r = evaluate(gold, pred, {})
    # MOBILIZE NOR->None matches; RETREAT HRV->GHA is not HRV->None.
    assert score(r.dyad) == (1, 1, 1)
    assert [(m.type, m.target) for m in r.misses] == [("RETREAT", None)]
    assert "HRV -> ---" in format_report(r)


def test_unordered_pair_with_a_null_side():
    r = evaluate([gold_doc([gold_event("AGREE", None, KOVAC)])], {"d1": [event("AGREE", KOVAC, None)]}, {})
    assert score(r.dyad) == (1, 0, 0)


def test_duplicates_collapse():
    gold = [gold_doc([gold_event("ACCUSE", OSEI, MERA, evidence="First."),
                      gold_event("ACCUSE", OSEI, MERA, evidence="Second.")])]
    pred = {"d1": [event("ACCUSE", OSEI, MERA, n=0), event("ACCUSE", OSEI, MERA, n=1),
                   event("THREATEN", MERA, OSEI, n=2),
                   event("THREATEN", MERA, OSEI, n=3)]}
    r = evaluate(gold, pred, {})
    # One gold key, two predicted keys (ACCUSE, THREATEN): TP 1, FP 1, FN 0.
    assert score(r.dyad) == (1, 1, 0)
    assert len(r.extras) == 1


def test_micro_sums_counts_and_macro_averages_documents():
    gold = [gold_doc([gold_event("ACCUSE", OSEI, MERA), gold_event("PROTEST", MERA, OSEI)], doc_id="a"),
            gold_doc([gold_event("SANCTION", KOVAC, OSEI)], doc_id="b")]
    pred = {"a": [event("ACCUSE", OSEI, MERA, doc="a", n=0), event("PROTEST", MERA, OSEI, doc="a", n=1)]}
    r = evaluate(gold, pred, {})
    # a: TP 2 (F1 1); b: FN 1, nothing predicted (P 0, R 0, F1 0). Micro TP 2, FP 0, FN 1.
    assert score(r.dyad) == (2, 0, 1)
    assert r.dyad.precision == 1.0
    assert r.dyad.recall == pytest.approx(2 / 3)
    assert r.dyad.f1 == pytest.approx(0.8)  # 2 * 1 * 2/3 / (1 + 2/3)
    assert (r.dyad_macro.precision, r.dyad_macro.recall, r.dyad_macro.f1) == (0.5, 0.5, 0.5)


def test_negative_control_without_predictions_is_perfect_and_with_one_is_zero():
    control = GoldDocument("neg", "negative", (), ())
    assert evaluate([control], {}, {}).dyad_macro.f1 == 1.0
    r = evaluate([control], {"neg": [event("ASSAULT", OSEI, MERA, doc="neg")]}, {})
    assert score(r.dyad) == (0, 1, 0)
    assert r.dyad_macro.f1 == 0.0


def test_predictions_for_unknown_documents_are_not_read():
    gold = [gold_doc([gold_event("ACCUSE", OSEI, MERA)])]
    r = evaluate(gold, {"other": [event("ACCUSE", OSEI, MERA, doc="other")]}, {})
    assert score(r.dyad) == (0, 0, 1)


# --- actors, types, dates ---------------------------------------------------------------------

def test_actor_f1_uses_last_name_tokens():
    gold = [gold_doc([gold_event("CONSULT", ("Ilse Maria Mera", "NOR"), ("Daniel Kovac", "HRV")),
                      gold_event("ACCUSE", ("Kofi Osei", "GHA"), ("Ilse Mera", "NOR"))])]
    pred = {"d1": [event("CONSULT", ("KOVAC", "HRV"), ("Mera", None), n=0),  # right people, one country missing
                   event("ACCUSE", ("Ama Osei", "GHA"), ("Ilse Mera", "NOR"), n=1)]}  # same surname, other person
    r = evaluate(gold, pred, {})
    # Dyads: CONSULT (HRV, None) misses (HRV, NOR): TP 1, FP 1, FN 1. Actors: both keys match (case folded).
    assert score(r.dyad) == (1, 1, 1)
    assert score(r.actor) == (2, 0, 0)


def test_actor_level_null_actor_is_none():
    gold = [gold_doc([gold_event("MOBILIZE", ("Ilse Mera", "NOR"), None)])]
    r = evaluate(gold, {"d1": [event("MOBILIZE", ("Mera", "NOR"), ("Kofi Osei", "GHA"))]}, {})
    assert score(r.actor) == (0, 1, 1)


def test_per_type_table():
    gold = [gold_doc([gold_event("ACCUSE", OSEI, MERA), gold_event("ACCUSE", OSEI, KOVAC),
                      gold_event("CONSULT", MERA, KOVAC), gold_event("AID", MERA, OSEI, optional=True)])]
    pred = {"d1": [event("ACCUSE", OSEI, MERA, n=0), event("ACCUSE", MERA, OSEI, n=1),
                   event("ACCUSE", KOVAC, OSEI, n=2),
                   event("AID", MERA, OSEI, n=3)]}
    rows = {row.type: row for row in evaluate(gold, pred, {}).per_type}
    # ACCUSE: gold 2, predicted 3, TP 1 -> P 1/3, R 1/2, F1 0.4. CONSULT: gold 1, nothing. AID: ignored.
    assert (rows["ACCUSE"].gold, rows["ACCUSE"].predicted, rows["ACCUSE"].tp) == (2, 3, 1)
    assert rows["ACCUSE"].score.precision == pytest.approx(1 / 3)
    assert rows["ACCUSE"].score.f1 == pytest.approx(0.4)
    assert (rows["CONSULT"].gold, rows["CONSULT"].predicted, rows["CONSULT"].tp) == (1, 0, 0)
    assert "AID" not in rows


@pytest.mark.parametrize("gold_date, predicted_date, correct", [
    ("2021-03", "2021-03-06", 1),  # a day in the gold month is right
    ("2021", "2021-03-06", 1),
    ("2021-03-06", "2021-03-06", 1),
    ("2021-03-06", "2021-03", 0),  # a month is not precise enough for a gold day
    ("2021-03-06", "2021-03-07", 0),
    ("2021-03", None, 0),  # an undated prediction is wrong
])
def test_date_accuracy_is_a_prefix_match(gold_date, predicted_date, correct):
    gold = [gold_doc([gold_event("CONSULT", MERA, KOVAC, date=gold_date)])]
    r = evaluate(gold, {"d1": [event("CONSULT", KOVAC, MERA, date=predicted_date)]}, {})
    assert (r.date.correct, r.date.total) == (correct, 1)


def test_date_accuracy_counts_only_matched_dyads_with_a_gold_date():
    gold = [gold_doc([gold_event("ACCUSE", OSEI, MERA, date="2021-03"),
                      gold_event("PROTEST", KOVAC, OSEI, date=None),  # no gold date: not counted
                      gold_event("SANCTION", KOVAC, MERA, date="2021-04-01"),  # not matched: not counted
                      gold_event("THREATEN", OSEI, KOVAC, date="2020", negated=True)])]  # not required: not counted
    pred = {"d1": [event("ACCUSE", OSEI, MERA, date="2021-03-06", n=0),
                   event("PROTEST", KOVAC, OSEI, date="2021-05-05", n=1),
                   event("SANCTION", MERA, KOVAC, date="2021-04-01", n=2),
                   event("THREATEN", OSEI, KOVAC, date="2020", n=3)]}
    r = evaluate(gold, pred, {})
    assert (r.date.correct, r.date.total) == (1, 1)
    assert r.date.accuracy == 1.0


def test_date_accuracy_any_prediction_with_the_key_may_carry_the_date():
    gold = [gold_doc([gold_event("ACCUSE", OSEI, MERA, date="2019-11-30")])]
    pred = {"d1": [event("ACCUSE", OSEI, MERA, date="2019-12-01", n=0),
                   event("ACCUSE", OSEI, MERA, date="2019-11-30", n=1)]}
    r = evaluate(gold, pred, {})
    assert (r.date.correct, r.date.total) == (1, 1)


def test_date_accuracy_without_dated_matches_is_none():
    r = evaluate([gold_doc([gold_event("ACCUSE", OSEI, MERA, date="2019")])], {}, {})
    assert r.date.accuracy is None
    assert r.to_dict()["date"]["accuracy"] is None


# --- quotes -----------------------------------------------------------------------------------

def test_fold_quote_removes_quote_marks_and_collapses_space():
    assert fold_quote("  \u201cWe won\u2019t\n\n  yield,\u201d ") == "We wont yield,"
    assert fold_quote("\"We won't yield,\"") == "We wont yield,"


def test_quote_matches_when_one_folded_text_contains_the_other():
    gold = [gold_doc(quotes=[GoldQuote("Ilse Mera", "NOR", "The talks \u2018went well\u2019 and   will go on"),
                             GoldQuote("Kofi Osei", "GHA", "We reject the claim"),
                             GoldQuote("Daniel Kovac", "HRV", "It is over")])]
    pred = {"d1": [quote("\u201cthe talks 'went well' and will go on,\u201d", ("Mera", "NOR"), n=0),  # lowercase: no
                   quote("The talks 'went well'", ("Ilse Mera", "NOR"), n=1),  # contained in gold: yes
                   # contains the gold text:
                   quote("\"We reject the claim,\" he said, \"and always will\"", ("Kofi Osei", "GHA"), n=2),
                   quote("It is over", ("Marta Kovacs", "HRV"), n=3),  # other surname: no
                   quote("It is over", None, n=4)]}  # null speaker never matches
    r = evaluate(gold, {}, pred)
    assert score(r.quote) == (2, 3, 1)
    assert r.quote.precision == pytest.approx(2 / 5)
    assert r.quote.recall == pytest.approx(2 / 3)


def test_only_direct_quotes_of_political_or_unnamed_speakers_are_scored():
    gold = [gold_doc(quotes=[GoldQuote("Ilse Mera", "NOR", "Peace now")])]
    indirect = replace(quote("talks will resume", MERA, n=1), direct=False)
    coach = replace(quote("We played well", None, n=2),
                    speaker=ActorRef("a-coach", "Jon Coach", None, "BUS", "Coach", 0, 5))
    party = replace(quote("Vote for us", None, n=3),
                    speaker=ActorRef("a-party", "Red Party", None, "PTY", "Red Party", 0, 9))
    unnamed = quote("Nobody knows", None, n=4)
    r = evaluate(gold, {}, {"d1": [quote("Peace now", MERA), indirect, coach, party, unnamed]})
    # scored: Peace now (tp), Vote for us (a party: political, fp), Nobody knows (no speaker: fp)
    assert score(r.quote) == (1, 2, 0)
    assert r.quotes_not_scored == 2
    assert [q.text for q in r.quote_extras] == ["Vote for us", "Nobody knows"]


def test_a_gold_quote_takes_the_prediction_closest_in_length():
    # The partial quote "spirit of cooperation" is inside both predictions; it must leave the whole
    # sentence to the gold quote that is that sentence.
    gold = [gold_doc(quotes=[GoldQuote("Ilse Mera", "NOR", "spirit of cooperation"),
                             GoldQuote("Ilse Mera", "NOR", "This spirit of cooperation will last.")])]
    pred = {"d1": [quote("This spirit of cooperation will last.", MERA, n=0),
                   quote("spirit of cooperation", MERA, n=1)]}
    r = evaluate(gold, {}, pred)
    assert score(r.quote) == (2, 0, 0)
    assert r.quote_misses == () and r.quote_extras == ()


def test_quote_matching_is_one_to_one():
    gold = [gold_doc(quotes=[GoldQuote("Ilse Mera", "NOR", "Peace now"), GoldQuote("Ilse Mera", "NOR", "Peace now")])]
    r = evaluate(gold, {}, {"d1": [quote("Peace now", MERA)]})
    assert score(r.quote) == (1, 0, 1)
    r = evaluate([gold_doc(quotes=[GoldQuote("Ilse Mera", "NOR", "Peace now")])], {},
                 {"d1": [quote("Peace now", MERA, n=0), quote("Peace now!", MERA, n=1)]})
    assert score(r.quote) == (1, 1, 0)


# --- ids, report, loading ---------------------------------------------------------------------

def test_match_doc_ids():
    store = ["000_046bf18c5b616fc5", "0001_aaaa", "bbc-002", "bbc-002_x", "007"]
    assert match_doc_ids(["000", "bbc-002", "001", "007"], store) == {
        "000": "000_046bf18c5b616fc5",  # by prefix
        "bbc-002": "bbc-002",  # the same id wins over a prefix match
        "007": "007",
    }  # 001 is absent: "0001_aaaa" does not start with "001_"


def test_match_doc_ids_refuses_to_guess():
    with pytest.raises(InputError, match=r"000_a, 000_b"):
        match_doc_ids(["000"], ["000_a", "000_b"])


def test_match_doc_ids_never_takes_another_gold_documents_id():
    assert match_doc_ids(["000", "000_b"], ["000_b"]) == {"000_b": "000_b"}


def test_report_text_and_json():
    gold = [gold_doc([gold_event("ACCUSE", OSEI, MERA, evidence="First miss."),
                      gold_event("SANCTION", OSEI, KOVAC, evidence="Second miss."),
                      gold_event("PROTEST", OSEI, KOVAC, evidence="Third miss.")])]
    pred = {"d1": [event("ASSAULT", MERA, OSEI, evidence="They clashed.", trigger="clashed")]}
    r = evaluate(gold, pred, {})
    text = format_report(r, max_items=2)
    assert "Misses: gold events not found (3):" in text
    assert "... and 1 more" in text
    assert "Third miss." not in text  # cut by max_items
    assert "ASSAULT" in text and "[clashed]" in text
    data = json.loads(json.dumps(r.to_dict()))
    assert data["dyad"]["micro"] == {"tp": 0, "fp": 1, "fn": 3, "precision": 0.0, "recall": 0.0, "f1": 0.0}
    assert [m["evidence"] for m in data["misses"]] == ["First miss.", "Second miss.", "Third miss."]
    assert data["extras"][0]["trigger"] == "clashed"


def test_load_gold(tmp_path):
    path = tmp_path / "gold.jsonl"
    line = {"id": "x1", "kind": "positive",
            "quotes": [{"speaker": "Ilse Mera", "speaker_country": "NOR", "text": "Yes"}],
            "events": [{"type": "CONSULT", "source": {"name": "Ilse Mera", "country": "NOR", "sector": "GOV"},
                        "target": None, "date": "2021-03", "evidence": "They met.", "negated_or_hypothetical": False,
                        "optional": True, "via": "Kofi Osei"}]}
    negative = {"id": "x2", "kind": "negative", "events": [], "quotes": []}
    path.write_text(json.dumps(line) + "\n\n" + json.dumps(negative) + "\n")
    docs = load_gold(path)
    assert [d.doc_id for d in docs] == ["x1", "x2"]
    e = docs[0].events[0]
    assert (e.type, e.source.country, e.target, e.date) == ("CONSULT", "NOR", None, "2021-03")
    assert (e.negated_or_hypothetical, e.optional, e.via) == (False, True, "Kofi Osei")
    assert docs[0].quotes == (GoldQuote("Ilse Mera", "NOR", "Yes"),)


def test_load_gold_reads_the_test_sets():
    seeds, dev = load_gold(DATA / "seeds" / "gold.jsonl"), load_gold(DATA / "dev" / "gold.jsonl")
    assert [d.doc_id for d in seeds] == ["000", "001", "002", "003", "004"]
    assert len(dev) == 12
    assert all(not d.events for d in dev if d.kind == "negative")


@pytest.mark.parametrize("bad, reason", [
    ('{"id": "x2", "events": [', "not valid JSON"),
    ('{"id": "x2", "events": []}', "lacks quotes"),
    ('{"id": "x2", "events": [{"type": "ACCUSE", "source": null, "target": null, "date": "March 2021", '
     '"evidence": "E.", "negated_or_hypothetical": false}], "quotes": []}', "not YYYY-MM-DD"),
    ('{"id": "x2", "events": [{"type": "ACCUSE", "source": null, "target": null, "date": null, '
     '"evidence": "E.", "negated_or_hypothetical": false, "optinal": true}], "quotes": []}', "unknown field.*optinal"),
    ('{"id": "x1", "events": [], "quotes": []}', "already given on line 1"),
])
def test_load_gold_names_file_and_line(tmp_path, bad, reason):
    path = tmp_path / "gold.jsonl"
    path.write_text('{"id": "x1", "events": [], "quotes": []}\n' + bad + "\n")
    with pytest.raises(InputError, match=reason) as err:
        load_gold(path)
    assert str(err.value).startswith(f"{path}:2: ")


def test_load_gold_missing_file(tmp_path):
    with pytest.raises(InputError, match="gold file not found"):
        load_gold(tmp_path / "nope.jsonl")
