"""The entity recogniser reads only the sentences whose names matter (`parse.NameSelection`).

It is the costliest spaCy component, so by default it reads the sentences that may hold an event
or name a quote's speaker, and the sentences those refer back to (a surname, a pronoun's
antecedent). These tests check which sentences are read, on sentences written for them, and that
the choice changes no event and no quote on the seed and dev articles."""

from __future__ import annotations

import hashlib

import pytest

from conftest import DEV, SEEDS
from dragoman.clean import clean
from dragoman.parse import parse_documents
from dragoman.schema import Document

pytestmark = pytest.mark.model


def _document(text: str, doc_id: str = "t") -> Document:
    return Document(doc_id=doc_id, text=text, content_hash=hashlib.sha256(text.encode()).hexdigest(),
                    published="2024-05-08", date_source="metadata")


def entities_by_sentence(pipeline, text: str) -> list[tuple[str, set[str]]]:
    parsed = next(parse_documents(pipeline.nlp, [clean(_document(text))], names=pipeline.names))
    return [(s.text, {e.text for e in s.ents}) for pb in parsed.blocks for s in pb.doc.sents]


def names_in(rows, start: str) -> set[str]:
    return next(ents for text, ents in rows if text.startswith(start))


def test_a_sentence_with_an_event_is_read_and_one_without_is_not(pipeline):
    rows = entities_by_sentence(pipeline, "Weather and talks\n\nThe weather in Oslo was mild for March. "
                                "British Foreign Minister John Harper met French officials in Paris.")
    assert names_in(rows, "The weather") == set()  # no event, no quote, nothing refers back to it
    assert {"John Harper", "Paris"} <= names_in(rows, "British")


def test_a_sentence_naming_a_speaker_is_read(pipeline):
    rows = entities_by_sentence(pipeline, "Markets\n\nThe index rose. \"Prices will climb,\" said Ingrid Solberg, "
                                "an analyst at Fjord Capital.")
    assert "Ingrid Solberg" in names_in(rows, "\"Prices")
    assert names_in(rows, "The index") == set()


def test_a_person_named_in_passing_is_read_when_a_later_event_names_them_again(pipeline):
    # the first sentence holds no event; the third names the same person by surname in an event
    rows = entities_by_sentence(pipeline, "Profile\n\nVeteran diplomat Helen Carter is expected in Riga soon. "
                                "The city was quiet. Carter met Latvian officials on Monday.")
    assert "Helen Carter" in names_in(rows, "Veteran")
    assert names_in(rows, "The city") == set()


def test_the_antecedent_of_a_speakers_pronoun_is_read(pipeline):
    rows = entities_by_sentence(pipeline, "Interview\n\nPrime Minister Olav Brekke is in a confident mood. "
                                "He said the budget would pass.")
    assert "Olav Brekke" in names_in(rows, "Prime Minister")


def test_a_pronoun_speaker_gets_the_person_named_before(pipeline):
    text = "Interview\n\nPrime Minister Olav Brekke is in a confident mood. He said the budget would pass."
    doc = _document(text)
    coded = next(pipeline.code([doc]))
    speakers = {q.speaker.name for q in coded.quotes if q.speaker is not None}
    assert speakers == {"Olav Brekke"}


def test_every_sentence_is_read_with_all_names(pipeline_all_names):
    rows = entities_by_sentence(pipeline_all_names, "Weather and talks\n\nThe weather in Oslo was mild for March. "
                                "British Foreign Minister John Harper met French officials in Paris.")
    assert names_in(rows, "The weather") == {"Oslo", "March"}


def _coded(pipeline, folder, meta=None):
    from dragoman.ingest import iter_inputs

    settings = pipeline.settings.with_(meta=meta)
    docs = [d for d in iter_inputs([str(folder)], settings) if isinstance(d, Document)]
    return list(pipeline.code(docs))


@pytest.mark.parametrize("folder,meta", [(SEEDS / "docs", SEEDS / "meta.jsonl"), (DEV / "docs", None)])
def test_reading_fewer_sentences_changes_no_event_and_no_quote(pipeline, pipeline_all_names, folder, meta):
    def key(coded):
        events = {(e.event_id, e.type, e.status, e.source and e.source.name, e.target and e.target.name,
                   e.via and e.via.name, e.start, e.trigger) for cd in coded for e in cd.events}
        quotes = {(q.doc_id, q.start, q.end, q.speaker and q.speaker.name) for cd in coded for q in cd.quotes}
        return events, quotes

    fewer, every = key(_coded(pipeline, folder, meta)), key(_coded(pipeline_all_names, folder, meta))
    assert fewer[0] == every[0] and len(fewer[0]) > 20
    assert fewer[1] == every[1] and len(fewer[1]) > 10


def test_the_table_matcher_gives_the_rulers_annotations(pipeline):
    """`parse.load_nlp` matches the attribute ruler's one-token patterns by table lookup: every
    token of the seed and dev articles gets the same part of speech, morphology and lemma as from
    spaCy's own ruler (checked on all 2,095 BBC articles too when it was written)."""
    import spacy

    from dragoman.parse import MODEL_FALLBACKS

    stock = next(spacy.load(m) for m in MODEL_FALLBACKS if spacy.util.is_package(m))
    stock.tokenizer = pipeline.nlp.tokenizer  # the same words
    ruler = pipeline.nlp.get_pipe("attribute_ruler")
    assert "match" in vars(ruler)  # the table matcher is installed
    assert "pipe" in vars(pipeline.nlp.get_pipe("lemmatizer"))  # and the array lemmatizer
    texts = [p for folder in (SEEDS / "docs", DEV / "docs") for d in _coded_texts(folder) for p in d.split("\n\n")]
    n = 0
    for a, b in zip(stock.pipe(texts, disable=["ner"]), pipeline.nlp.pipe(texts, disable=["ner"])):
        for x, y in zip(a, b, strict=True):
            assert (x.pos_, str(x.morph), x.lemma_) == (y.pos_, str(y.morph), y.lemma_), (x.text, a.text)
            n += 1
    assert n > 7_000


def _coded_texts(folder):
    from dragoman.ingest import iter_inputs
    from dragoman.settings import Settings

    return [d.text for d in iter_inputs([str(folder)], Settings()) if isinstance(d, Document)]
