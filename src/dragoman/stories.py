"""Stories: the documents that report the same story (a visit and its aftermath, a trial).

Reads: `StoryDocument`s, i.e. a document's headline and body (boilerplate dropped), its
publication date, the named actors it mentions and the incidents its events belong to: the
new batch's (`story_document`) and the stored documents they might join
(`Store.story_candidates`). Returns: `assign`: a story id for every new document, and for an
undated document that joins a dated story the days it was probably published (`Assignment`).

Two documents are linked (single link, as in topic detection and tracking) when they are close
in time and say the same thing:
  - time: both dated and no more than `STORY_GAP` days apart (dates compared within their
    precision), or at least one of them undated;
  - text: the cosine similarity of their TF-IDF vectors (scikit-learn: hashed term counts of the
    headline and body, English stop words dropped, kept in the store; sublinear term frequency,
    idf over the batch and its candidates) is at least
      `WITH_INCIDENT` when they report the same incident (incidents.py: same actors, type, date),
      `WITH_ACTOR` when they name the same person or organisation (not countries or groups such
      as "firms"; nor an actor found in more than `COMMON_SHARE` of the compared documents, such
      as the outlet itself), `ALONE` otherwise. A pair with an undated document needs `ALONE`
      and a shared actor or incident, because nothing else says it is not last year's story.
A new document joins the story of the linked document with the most in common (a shared
incident first, then the highest similarity); with none it starts a story. Documents are taken
in publication order, undated ones last, so they meet every dated story of the batch.

An undated document that joins a story with dated documents gets an inferred publication window:
from `INFERRED_SLACK` days before the earliest to as many after the latest day of the documents
it was linked to (dates of a month or a year say too little and are not used). The pipeline
resolves its relative dates against that window (flagged "inferred"); its own `published` stays
empty. A stored undated document gets its window when the first dated reports of its story come
(the pipeline re-dates its stored events and finds their incidents again).

Candidates from the store (`Store.story_candidates`) share a named actor or an incident with the
batch, or (for a dated batch) were published within its days; at most `CANDIDATES` per batch.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from itertools import chain
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
from scipy.sparse import csr_matrix
from sklearn.feature_extraction.text import HashingVectorizer

from .dates import date_span
from .clean import article_text
from .schema import NAMED_KINDS, Block, CodedDocument, Document, StoryDocument, unnamed

STORY_GAP = timedelta(days=7)  # dated reports further apart than this are not one story
INFERRED_SLACK = timedelta(days=3)  # an undated report: within this of the reports it resembles
WITH_INCIDENT = 0.10  # cosine similarity needed by two reports of one incident
WITH_ACTOR = 0.20  # ... by two reports that name the same person or organisation
ALONE = 0.35  # ... by two reports that share neither
N_FEATURES = 2**20  # hashed terms: collisions are rare among the words of a batch and its candidates
CANDIDATES = 1000  # stored documents a batch is compared with, at most (the most in common first)
COMMON_SHARE, COMMON_MIN = 0.05, 10  # an actor in more of the compared documents than both says nothing


@dataclass(frozen=True)
class Assignment:
    """Where the new documents of a batch go."""

    story_of: dict[str, str]  # doc_id -> story_id, for every new document
    # doc_id -> (first, last) ISO day, for undated documents in dated stories: new ones, and stored
    # ones that had no window until a dated report of their story came
    inferred: dict[str, tuple[str, str]]


def terms_of(text: str) -> tuple[tuple[int, int], ...]:
    """The words of `text` as (hashed term, count) pairs, by term: scikit-learn's HashingVectorizer
    (2**20 features, English stop words dropped). Stateless, so a worker computes it while coding
    and the store keeps it: story matching never reads or tokenises stored texts again."""
    hasher = HashingVectorizer(n_features=N_FEATURES, stop_words="english", alternate_sign=False, norm=None)
    row = hasher.transform([text])
    row.sort_indices()
    return tuple(zip(row.indices.tolist(), (int(c) for c in row.data)))


def document_terms(doc: Document, blocks: Sequence[Block]) -> tuple[tuple[int, int], ...]:
    """The terms of a cleaned document's headline and body (no boilerplate, no dateline)."""
    return terms_of(article_text(doc.text, blocks, doc.title))


def story_document(cd: CodedDocument, incidents: frozenset[str] = frozenset()) -> StoryDocument:
    """What story matching reads of a coded document (`incidents`: the incident ids of its events;
    its `terms` as the workers hashed them, see `document_terms`)."""
    named = frozenset(a.actor_id for a in cd.actors if a.kind in NAMED_KINDS and not unnamed(a.name, a.office))
    return StoryDocument(cd.document.doc_id, cd.document.published, cd.terms, named, incidents)


def story_id(doc_id: str) -> str:
    """A new story's id: stable for the document that started it."""
    return "s-" + hashlib.sha1(doc_id.encode()).hexdigest()[:16]


def assign(new: Sequence[StoryDocument], existing: Sequence[StoryDocument]) -> Assignment:
    """Story ids for the `new` documents, given `existing` stored documents (with their
    `story_id`) they might join; see the module docstring."""
    if not new:
        return Assignment({}, {})
    everyone = list(existing) + list(new)
    # each new document against everyone (stored candidates, and the batch)
    similarity = _similarities([d.terms for d in everyone], first_new=len(existing))
    index = {d.doc_id: i for i, d in enumerate(everyone)}
    row = {d.doc_id: i for i, d in enumerate(new)}
    story_of = {d.doc_id: d.story_id for d in existing if d.story_id is not None}
    named = _telling(everyone)
    spans = {d.doc_id: _span(d) for d in everyone}
    placed = [d for d in existing if d.story_id is not None]
    inferred: dict[str, tuple[str, str]] = {}
    dated_links: dict[str, list[tuple[date, date]]] = {}  # stored undated report -> days of new ones linked to it
    for d in sorted(new, key=lambda d: (d.published is None, d.published or "", d.doc_id)):
        best: tuple | None = None
        linked: dict[str, list[StoryDocument]] = {}
        for c in placed:
            sim = float(similarity[row[d.doc_id], index[c.doc_id]])
            shares_incident = bool(d.incidents & c.incidents)
            if not _linked(spans[d.doc_id], spans[c.doc_id], sim, shares_incident, bool(named[d.doc_id] & named[c.doc_id])):
                continue
            sid = story_of[c.doc_id]
            linked.setdefault(sid, []).append(c)
            rank = (not shares_incident, -sim, sid)
            if best is None or rank < best[0]:
                best = (rank, sid)
        sid = best[1] if best else story_id(d.doc_id)
        story_of[d.doc_id] = sid
        if spans[d.doc_id] is None:
            window = _window([spans[c.doc_id] for c in linked.get(sid, ())])
            if window is not None:
                inferred[d.doc_id] = window
                spans[d.doc_id] = (date.fromisoformat(window[0]), date.fromisoformat(window[1]))
        else:  # a stored undated report this one is linked to learns when it appeared
            for c in linked.get(sid, ()):
                if c.doc_id not in row and c.published is None and c.inferred is None:
                    dated_links.setdefault(c.doc_id, []).append(spans[d.doc_id])
        placed.append(d)
    for doc_id, linked_spans in dated_links.items():
        window = _window(linked_spans)
        if window is not None:
            inferred[doc_id] = window
    return Assignment({d.doc_id: story_of[d.doc_id] for d in new}, inferred)


def _telling(docs: Sequence[StoryDocument]) -> dict[str, frozenset[str]]:
    """Each document's named actors without those too common among `docs` to tell stories apart
    (the outlet itself, "the BBC said"; a head of government in a national feed)."""
    df: dict[str, int] = {}
    for d in docs:
        for a in d.actors:
            df[a] = df.get(a, 0) + 1
    limit = max(COMMON_MIN, COMMON_SHARE * len(docs))
    return {d.doc_id: frozenset(a for a in d.actors if df[a] <= limit) for d in docs}


def _span(d: StoryDocument) -> tuple[date, date] | None:
    """The days a document was published: its own date, else the window inferred for it."""
    if d.published:
        return date_span(d.published)
    if d.inferred:
        return date.fromisoformat(d.inferred[0]), date.fromisoformat(d.inferred[1])
    return None


def _similarities(terms: Sequence[Sequence[tuple[int, int]]], first_new: int):
    """Cosine similarity of the TF-IDF vectors of the documents from `first_new` on (rows) with
    every document (columns); the idf is counted over all of them."""
    indptr = np.zeros(len(terms) + 1, dtype=np.int64)
    np.cumsum([len(row) for row in terms], out=indptr[1:])
    pairs = np.fromiter(chain.from_iterable(chain.from_iterable(terms)), dtype=np.int64,
                        count=2 * int(indptr[-1])).reshape(-1, 2)  # (term, count) rows
    matrix = csr_matrix((pairs[:, 1].astype(float), pairs[:, 0], indptr), shape=(len(terms), N_FEATURES))
    matrix.sum_duplicates()
    matrix.eliminate_zeros()
    # scikit-learn's TfidfTransformer(sublinear_tf=True) and cosine_similarity, without their
    # checks (a tenth of a second a batch): tf 1 + ln(count), smooth idf, rows of unit length
    matrix.data = 1.0 + np.log(matrix.data)
    df = np.bincount(matrix.indices, minlength=N_FEATURES)
    n = matrix.shape[0]
    matrix.data *= (np.log((1.0 + n) / (1.0 + df)) + 1.0)[matrix.indices]
    rows = np.repeat(np.arange(n), np.diff(matrix.indptr))
    norms = np.sqrt(np.bincount(rows, weights=matrix.data ** 2, minlength=n))
    norms[norms == 0] = 1.0
    matrix.data /= norms[rows]
    return (matrix[first_new:] @ matrix.T).toarray()


def _linked(a: tuple[date, date] | None, b: tuple[date, date] | None, sim: float, shares_incident: bool,
            shares_actor: bool) -> bool:
    if a is not None and b is not None:
        apart = max(a[0], b[0]) - min(a[1], b[1])
        if apart > STORY_GAP:
            return False
    elif not (shares_incident or shares_actor) or sim < ALONE:
        return False  # undated: nothing says it is not last year's story but what they share and say
    if shares_incident:
        return sim >= WITH_INCIDENT
    return sim >= (WITH_ACTOR if shares_actor else ALONE)


def _window(spans: Sequence[tuple[date, date] | None]) -> tuple[str, str] | None:
    """From the days of the linked reports; only those dated to the day (or within a window
    already inferred) say when a report of the same news appeared: a month or a year does not."""
    known = [s for s in spans if s is not None and s[1] - s[0] <= 2 * INFERRED_SLACK + STORY_GAP]
    if not known:
        return None
    first, last = min(s[0] for s in known) - INFERRED_SLACK, max(s[1] for s in known) + INFERRED_SLACK
    return first.isoformat(), last.isoformat()
