"""Faster equivalents of the inner loops of two spaCy components, giving the same annotations.

Read by `parse.load_nlp`, which installs them on the loaded pipeline:

- the attribute ruler (tag -> part of speech and morphology: 179 patterns run by spaCy's Matcher,
  about a tenth of the pipeline's time) matches its one-token patterns by a memoised table on the
  token's tag, dependency, whitespace flag and (when a pattern names it) lowercase form, and only
  its few longer patterns with a Matcher; the matches, their order and what they set are the
  ruler's own;
- the rule lemmatizer, which already memoises lemmas by (word, part of speech, morphology), reads
  and writes those three columns as arrays instead of making a Python token object per word; and
  its index of known words per part of speech (57,528 nouns, 20,993 adjectives, ...) is held as
  sets, not lists: spaCy asks `form in index` for every rule that fits a new word, and a scan of
  the list took about 0.1 ms a word (the lemmatizer's cost; 2 s of the 400 bench articles).

Checked token by token: the same part of speech, morphology and lemma for all 935,676 tokens of
the 2,095 BBC articles (and on every test run, on the seed and dev articles, by
tests/test_names.py). A component whose patterns or mode are not the ones handled here is left
alone.
"""

from __future__ import annotations

import re

import numpy
from spacy.attrs import LEMMA, MORPH, ORTH, POS
from spacy.errors import Errors
from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc

_KEYS = ("TAG", "LOWER", "DEP", "IS_SPACE")
# Lemmas remembered at most (about 20 MB, with spaCy's own cache of the same words): a long run
# meets ever new names and numbers, so both caches are emptied when full.
LEMMA_MEMO = 100_000
_OPERATORS = {"IN", "NOT_IN", "REGEX"}


def install(nlp: Language) -> None:
    if "attribute_ruler" in nlp.pipe_names:
        _table_attribute_ruler(nlp, nlp.get_pipe("attribute_ruler"))
    if "lemmatizer" in nlp.pipe_names:
        _array_lemmatizer(nlp, nlp.get_pipe("lemmatizer"))


def _table_attribute_ruler(nlp: Language, ruler) -> None:
    single: list[tuple[int, int, dict]] = []  # (attribute id, match id, token spec)
    longer = Matcher(nlp.vocab)
    for attr_id, pattern in enumerate(ruler.patterns):
        key = nlp.vocab.strings[str(attr_id)]  # the ruler names its patterns by their number
        alternatives = pattern["patterns"]
        if all(len(alt) == 1 for alt in alternatives):
            for alt in alternatives:
                spec = alt[0]
                if not set(spec) <= set(_KEYS) or not all(
                        not isinstance(v, dict) or set(v) <= _OPERATORS for v in spec.values()):
                    return
                single.append((attr_id, key, spec))
        else:
            longer.add(key, alternatives)
    # Lowercase forms no pattern names all behave alike: one table row for all of them.
    named = {w for _, _, spec in single for w in _values(spec.get("LOWER"))}
    regexes = [re.compile(v["REGEX"]) for _, _, spec in single
               if isinstance(v := spec.get("LOWER"), dict) and "REGEX" in v]
    # Most one-token patterns name one tag: a row is read against its tag's patterns and the rest.
    by_tag: dict[str | None, list[tuple[int, int, dict]]] = {}
    for a, m, spec in single:
        by_tag.setdefault(spec["TAG"] if isinstance(spec.get("TAG"), str) else None, []).append((a, m, spec))
    memo: dict[tuple, tuple[tuple[int, int], ...]] = {}

    def match(doc: Doc) -> list[tuple[int, int, int, int]]:
        matches = []
        for t in doc:
            lower = t.lower_
            if lower not in named and not any(r.search(lower) for r in regexes):
                lower = None
            k = (t.tag_, lower, t.dep_, t.is_space)
            found = memo.get(k)
            if found is None:
                found = memo[k] = tuple(sorted({(a, m) for a, m, spec in by_tag.get(k[0], []) + by_tag.get(None, [])
                                                if _fits(spec, k)}))
            matches.extend((a, m, t.i, t.i + 1) for a, m in found)
        matches.extend((int(nlp.vocab.strings[m]), m, i, j) for m, i, j in longer(doc, allow_missing=True))
        matches.sort()  # as the ruler sorts: later patterns win
        return matches

    ruler.match = match


def _values(want) -> list[str]:
    if isinstance(want, str):
        return [want]
    if isinstance(want, dict):
        return [*want.get("IN", ()), *want.get("NOT_IN", ())]
    return []


def _fits(spec: dict, key: tuple) -> bool:
    """Whether a one-token pattern matches a token with `key` = (tag, lowercase form or None for
    one no pattern names, dependency, is_space)."""
    for attr, want in spec.items():
        have = key[_KEYS.index(attr)]  # a missing tag or dependency is "", as the Matcher reads it
        if isinstance(want, dict):
            if "IN" in want and have not in want["IN"]:
                return False
            if "NOT_IN" in want and have in want["NOT_IN"]:
                return False
            if "REGEX" in want and (have is None or not re.search(want["REGEX"], str(have))):
                return False
        elif have != want:
            return False
    return True


def _array_lemmatizer(nlp: Language, lemmatizer) -> None:
    if lemmatizer.mode != "rule" or lemmatizer.overwrite:
        return
    _index_as_sets(lemmatizer)
    strings = nlp.vocab.strings
    # word, part of speech and morphology hashes -> the lemma; hashes are of the strings, so they
    # stay right after a memory zone forgets its words (the lemma's hash is added again each time)
    memo: dict[tuple[int, int, int], str] = {}

    def lemmatize(doc: Doc) -> Doc:
        if not lemmatizer._validated:
            lemmatizer._validate_tables(Errors.E1004)
        rows = doc.to_array([ORTH, POS, MORPH, LEMMA])
        lemmas = rows[:, 3].copy()
        for i, (orth, pos, morph, lemma) in enumerate(rows.tolist()):
            if lemma:
                continue  # set before (by the attribute ruler): the lemmatizer does not overwrite
            k = (orth, pos, morph)
            found = memo.get(k)
            if found is None:
                if len(memo) >= LEMMA_MEMO:  # names and numbers keep coming: start again
                    memo.clear()
                    lemmatizer.cache.clear()
                found = memo[k] = lemmatizer.lemmatize(doc[i])[0]
            lemmas[i] = strings.add(found)
        doc.from_array([LEMMA], lemmas.reshape(-1, 1).astype(numpy.uint64))
        return doc

    def pipe(docs, batch_size: int | None = None):
        return (lemmatize(doc) for doc in docs)

    # `nlp.pipe` calls a component's `pipe` (an instance attribute wins); `nlp(text)` keeps spaCy's own
    lemmatizer.pipe = pipe


def _index_as_sets(lemmatizer) -> None:
    """Hold the lemmatizer's word index per part of speech as sets: `rule_lemmatize` only asks
    whether a form is in it (and whether it is empty), which a set answers alike, at once."""
    if not lemmatizer.lookups.has_table("lemma_index"):
        return
    index = lemmatizer.lookups.get_table("lemma_index")
    for key in list(index.keys()):
        if isinstance(index[key], list):
            index[key] = frozenset(index[key])
