"""The ordered stages, and a run that streams documents from the inputs into the store.

    ingest -> clean -> parse -> actors -> events -> dates -> quotes -> (link actors across documents)
    -> incidents -> stories -> store

`Pipeline` holds the loaded components (spaCy, gazetteer, lexicon) and codes cleaned documents
into `CodedDocument`s; it never touches the store. `run()` drives a whole `dragoman code`: it reads
the inputs, skips content already coded, codes in batches (in worker processes when asked) and
writes each batch to the store in one transaction, so an interrupted run loses at most one batch.
"""

from __future__ import annotations

import ctypes
import multiprocessing as mp
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace

from . import __version__, channels, dates, incidents, messages, quotes, stories
from .actors import ActorDictionary, ActorStage, Gazetteer
from .actors.link import ActorMemory, link_batch
from .clean import clean
from .events.coder import CODER_VERSION, Coder, CodedEvent, settle_events
from .events.lexicon import Lexicon
from .errors import StoreError
from .ingest import iter_inputs
from .language import LanguageCheck
from .parse import NameSelection, ParsedDocument, load_nlp, parse_documents
from .schema import (
    FUTURE,
    CleanDocument,
    CodedDocument,
    Document,
    Event,
    EventDate,
    EVENT_DATE_PUBLICATION,
    EVENT_DATE_UNRESOLVED,
    Placement,
    Rejection,
    RunSummary,
)
from .settings import Settings


class Pipeline:
    """The loaded components. Build one per process (loading spaCy takes a second)."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.nlp = load_nlp(settings.spacy_model)
        self.gazetteer = Gazetteer.load()
        self.lexicon = Lexicon.load()
        builtin = ActorDictionary.builtin()
        self.builtin_version = builtin.version
        self.dictionaries = ((ActorDictionary.load(settings.actors),) if settings.actors else ()) + (builtin,)
        self.actors = ActorStage(self.nlp, self.gazetteer, self.dictionaries)
        self.coder = Coder(self.lexicon)
        self.messages = messages.MessageFinder(self.coder)
        self.language = None if settings.any_language else LanguageCheck()

        # The entity recogniser reads the sentences that may hold an event or speak of a message and
        # have a word that may be a name, or that may name a quote's speaker, and those they refer
        # back to (`parse.NameSelection`); `--all-names`: every sentence.
        self.names = None if settings.all_names else NameSelection(
            needed=lambda sent: ((self.coder.has_trigger(sent) or messages.may_report(sent))
                                 and quotes.has_capitalised(sent)) or quotes.may_name_speaker(sent),
            refers=quotes.pronoun_speaker)

    def versions(self) -> dict[str, str]:
        return {
            "dragoman": __version__,
            "coder": CODER_VERSION,
            "lexicon": self.lexicon.version,
            "gazetteer": self.gazetteer.version,
            "actor_dictionary": self.builtin_version,
            "spacy_model": f"{self.nlp.meta.get('lang')}_{self.nlp.meta.get('name')}-{self.nlp.meta.get('version')}",
        }

    def code(self, documents: Iterable[Document], settle: bool = True) -> Iterator[CodedDocument | Rejection]:
        """Code documents one by one: one `CodedDocument`, or a `Rejection` (no article text, or
        not English), per document, in order. With `settle=False` events of people the document leaves without
        country or sector are kept for `dragoman.actors.link` to place (see `settle_events`)."""
        for part in batches(documents, self.settings.batch_size):
            cleaned = [clean(d) for d in part]
            verdicts = [self._refused(c) for c in cleaned]
            english = (c for c, v in zip(cleaned, verdicts) if v is None)
            parsed = parse_documents(self.nlp, english, batch_size=self.settings.batch_size, names=self.names)
            for verdict in verdicts:
                if verdict is not None:
                    yield verdict
                    continue
                coded = self.code_parsed(next(parsed))
                yield settle_events(coded) if settle else coded

    def _refused(self, c: CleanDocument) -> Rejection | None:
        """Why a cleaned document is not coded: nothing but boilerplate, or not English."""
        if not c.kept:
            d = c.document
            return Rejection(d.input, NO_TEXT[0], NO_TEXT[1], d.record, d.content_hash)
        return self.language(c) if self.language else None

    def code_parsed(self, parsed: ParsedDocument) -> CodedDocument:
        doc = parsed.document
        actors = self.actors(parsed)
        events = tuple(
            self._event(doc, n, ev) for n, ev in enumerate(self.coder(parsed, actors))
        )
        found = quotes.attribute(parsed.document.doc_id, quotes.find_quotes(parsed), actors)
        messages = self.messages(parsed, actors, found)
        return CodedDocument(
            document=doc,
            blocks=parsed.clean.blocks,
            actors=actors.actors,
            mentions=actors.mentions,
            events=events,
            quotes=found,
            n_sentences=parsed.n_sentences,
            terms=stories.document_terms(doc, parsed.clean.blocks),
            messages=messages,
        )

    def _event(self, doc: Document, n: int, ev: CodedEvent) -> Event:
        pb, sent, trig = ev.block, ev.sentence, ev.trigger
        start, end = pb.start_of(sent), pb.end_of(sent)
        trigger_start = pb.start_of(trig)
        if ev.announced:
            # PLOVER: an announced cooperative act is an AGREE dated on the announcement (the
            # publication), not on the date planned for the act
            date = (EventDate(doc.published, _precision(doc.published), EVENT_DATE_PUBLICATION) if doc.published
                    else EventDate(None, None, EVENT_DATE_UNRESOLVED))
        else:
            tense = "future" if ev.status == FUTURE else "past"
            date = dates.event_date(doc.text[start:end], start, trigger_start, doc.published, tense)
        return Event(
            event_id=f"{doc.doc_id}:e{n}",
            doc_id=doc.doc_id,
            type=ev.type,
            mode=ev.mode,
            quad=ev.quad,
            cameo_root=ev.cameo_root,
            status=ev.status,
            date=date,
            source=ev.source,
            target=ev.target,
            via=ev.via,
            location=ev.location,
            evidence=doc.text[start:end],
            start=start,
            end=end,
            trigger=trig.text,
            trigger_start=trigger_start,
            trigger_end=trigger_start + len(trig.text),
            confidence=ev.confidence,
            coder_version=CODER_VERSION,
            rule=ev.rule,
        )


NO_TEXT = ("no article text: all of it reads as menus, links, bylines or other boilerplate",
           "Check that the input is an article, not an index, a menu or a login page")

# A run lets go of a shared store while it codes once it has held it this long (reopening costs
# about 25 ms, a batch of one worker two seconds): readers wait ten seconds at most.
RELEASE_AFTER = 8.0


def _precision(value: str | None) -> str | None:
    if not value:
        return None
    return {10: "day", 7: "month", 4: "year"}.get(len(value))


# -- a whole run ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Progress:
    """What a run reports after each batch (for a progress bar)."""

    documents: int
    events: int


def batches(items: Iterable, size: int) -> Iterator[list]:
    batch: list = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


class LocalEngine:
    """Codes documents in this process with one `Pipeline`.

    An engine turns the run's stream of documents (and rejections, passed through untouched) into
    coded documents, in input order, holding only a bounded number in flight. `run` does all that
    spans documents (actor linking, incidents, stories) and the store writes; engines only code
    documents one by one: `LocalEngine`, `PoolEngine` (worker processes), `RayEngine` (a cluster,
    `dragoman.engines.ray`)."""

    def __init__(self, pipeline: Pipeline):
        self.pipeline = pipeline

    def versions(self) -> dict[str, str]:
        return self.pipeline.versions()

    def code(self, items: Iterable[Document | Rejection]) -> Iterator[CodedDocument | Rejection]:
        for part in batches(items, self.pipeline.settings.batch_size):
            yield from _code_items(self.pipeline, part)

    def close(self) -> None:
        pass


class PoolEngine:
    """Codes documents in `settings.workers` processes, each with its own `Pipeline`; parts of
    `batch_size` documents go to the workers while the run writes earlier ones, at most two parts
    per worker in flight."""

    def __init__(self, settings: Settings):
        ctx = mp.get_context("fork" if sys.platform.startswith("linux") else "spawn")
        self.workers = settings.workers
        self.batch_size = settings.batch_size
        self.pool = ctx.Pool(settings.workers, initializer=_init_worker, initargs=(settings,))

    def versions(self) -> dict[str, str]:
        return self.pool.apply(_worker_versions, (None,))

    def code(self, items: Iterable[Document | Rejection]) -> Iterator[CodedDocument | Rejection]:
        pending: deque = deque()
        for part in batches(items, self.batch_size):
            pending.append(self.pool.apply_async(_worker_code, (part,)))
            if len(pending) >= 2 * self.workers:
                yield from pending.popleft().get()
        while pending:
            yield from pending.popleft().get()

    def close(self) -> None:
        self.pool.terminate()
        self.pool.join()


def _code_items(pipeline: Pipeline, items: list) -> list:
    """Code the documents among `items`; rejections stay where they are. The words spaCy meets
    in them are forgotten afterwards (a memory zone): its vocabulary would otherwise grow with
    every new name and typo of the corpus. Coded documents hold no spaCy object."""
    with pipeline.nlp.memory_zone():
        coded = pipeline.code((d for d in items if isinstance(d, Document)), settle=False)
        out = [next(coded) if isinstance(d, Document) else d for d in items]
        coded.close()  # spaCy's batch generators end inside the zone
    _give_back_memory()
    return out


def _give_back_memory() -> None:
    """Return the memory freed by a batch to the system (glibc keeps freed blocks of numpy's
    and thinc's arrays of every size, so a process's footprint would creep up with the corpus)."""
    if _LIBC:
        _LIBC[0].malloc_trim(0)


def _load_libc() -> tuple:
    if not sys.platform.startswith("linux"):
        return ()
    try:
        libc = ctypes.CDLL("libc.so.6")
        return (libc,) if hasattr(libc, "malloc_trim") else ()
    except OSError:
        return ()


_LIBC = _load_libc()  # the C library, if it can give memory back; read once, never changed


def make_engine(settings: Settings, pipeline: Pipeline | None = None):
    """The engine `settings` ask for (`engine`, `workers`); an already loaded `pipeline` is used
    in this process."""
    if pipeline is not None:
        return LocalEngine(pipeline)
    if settings.engine == "ray":
        from .engines.ray import RayEngine

        return RayEngine(settings)
    if settings.workers > 1:
        return PoolEngine(settings)
    return LocalEngine(Pipeline(settings))


def run(
    inputs: Sequence[str],
    settings: Settings,
    store,
    on_progress: Callable[[Progress], None] | None = None,
    pipeline: Pipeline | None = None,
    engine=None,
) -> RunSummary:
    """Code `inputs` into `store` (a `dragoman.store.Store`): the whole of `dragoman code`. The
    engine is made from `settings` unless one is given (it is then closed here too)."""
    engine = engine or make_engine(settings, pipeline)
    try:
        return _run(inputs, settings, store, on_progress, engine)
    finally:
        engine.close()


def _run(inputs, settings, store, on_progress, engine) -> RunSummary:
    run_id = store.start_run(list(inputs), _settings_summary(settings), engine.versions())
    coded = skipped = rejected = n_events = 0
    by_reason: dict[str, int] = {}
    # content and ids read in this run and not yet written (engines hold several batches): a second
    # copy of the content is skipped like a stored one, another content under the id is renamed
    in_flight: set[str] = set()
    ids_in_flight: dict[str, str] = {}
    # written since `fresh` last asked the store about the inputs it holds: the store's answers
    # predate them
    written: set[str] = set()
    written_ids: dict[str, str] = {}
    exhausted = False  # every input read: nothing looks up, so each write lets go of the file itself

    def fresh() -> Iterator[Document | Rejection]:
        nonlocal skipped, exhausted
        for chunk in batches(iter_inputs(inputs, settings), settings.batch_size):
            docs = [d for d in chunk if isinstance(d, Document)]
            # one query each per chunk; a shared store is then let go while the chunk is coded
            # (other processes may read it; at most every RELEASE_AFTER seconds), and held again
            # to place and write a batch
            store.hold()
            written.clear()
            written_ids.clear()
            stored = store.stored_hashes([d.content_hash for d in docs])
            stored_ids = store.hashes_of([d.doc_id for d in docs])
            store.release(after=RELEASE_AFTER)
            for item in chunk:
                if isinstance(item, Rejection):
                    yield item
                    continue
                if item.content_hash in in_flight or item.content_hash in written or item.content_hash in stored:
                    skipped += 1
                    continue
                in_flight.add(item.content_hash)
                other = (ids_in_flight.get(item.doc_id) or written_ids.get(item.doc_id)
                         or stored_ids.get(item.doc_id))
                if other is not None and other != item.content_hash:
                    # The same id with other content: kept under a distinct id, never overwritten.
                    item = replace(item, doc_id=f"{item.doc_id}~{item.content_hash[:8]}")
                ids_in_flight[item.doc_id] = item.content_hash
                yield item
        exhausted = True
        store.release()

    # People the store already knows resolve bare names in the new documents (actors/link.py).
    memory = ActorMemory(store.known_people())
    status = "failed"
    try:
        for batch in batches(engine.code(fresh()), settings.batch_size):
            docs = [d for d in batch if isinstance(d, CodedDocument)]
            rejections = [r for r in batch if isinstance(r, Rejection)]
            in_flight.difference_update(r.content_hash for r in rejections if r.content_hash)
            # People known from other documents get their country before events are settled.
            results = [settle_events(cd) for cd in link_batch(docs, memory)] if docs else []
            store.hold()  # until the next chunk's inputs are looked up
            placed = across_documents(store, results)
            store.write(run_id, list(placed.coded), rejections, placement=placed)
            if exhausted:  # the engine may now wait for the last batches: not with the file held
                store.release()
            _give_back_memory()
            for cd in docs:
                in_flight.discard(cd.document.content_hash)
                written.add(cd.document.content_hash)
                ids_in_flight.pop(cd.document.doc_id, None)
                written_ids[cd.document.doc_id] = cd.document.content_hash
            results = placed.coded
            coded += len(results)
            n_events += sum(len(r.events) for r in results)
            rejected += len(rejections)
            for r in rejections:
                by_reason[r.reason] = by_reason.get(r.reason, 0) + 1
            if on_progress:
                on_progress(Progress(coded + skipped + rejected, n_events))
        status = "finished"
    finally:
        summary = RunSummary(run_id, coded, skipped, rejected, n_events, by_reason)
        try:
            store.finish_run(run_id, summary, status=status)
        except StoreError:
            if status == "finished":
                raise
            # the run failed already (its error is on its way): the run row stays "running"
    return summary


def across_documents(store, results: list[CodedDocument]) -> Placement:
    """A batch among the stored documents (see `_placed`), and, when the batch reports a message,
    every message and channel assembled again from all the reports (channels.py)."""
    placement = _placed(store, results)
    # the same content twice in a batch is stored once (Store.write): its reports count once
    first = {}
    for cd in placement.coded:
        first.setdefault(cd.document.content_hash, cd.document.doc_id)
    reports = [r for cd in placement.coded if first[cd.document.content_hash] == cd.document.doc_id
               for r in cd.messages]
    if not reports:
        return placement
    batch = {cd.document.doc_id for cd in placement.coded}
    stored = [r for r in store.message_reports() if r.doc_id not in batch]
    offices = store.offices({a.actor_id for r in stored for a in (r.sender, r.recipient) if a is not None})
    for a in (a for cd in placement.coded for a in cd.actors if a.office):
        offices.setdefault(a.actor_id, a.office)  # the store keeps an actor's first office, too
    for a in (a for cd in placement.coded for a in cd.actors):
        offices.setdefault(a.actor_id, None)
    previous = {rid: m.message_id for m in store.messages() for rid in m.report_ids}
    found, paths = channels.assemble(stored + reports, offices, previous)
    return replace(placement, messages=tuple(found), channels=tuple(paths))


def _placed(store, results: list[CodedDocument]) -> Placement:
    """A batch among the stored documents: each event joins the incident other reports of it
    started and each document its story, in this batch or before. An undated document that joins a
    dated story, or a stored one the batch's dated reports join, is dated against the window the
    story implies, and its events' incidents are found again with those dates."""
    # the words story matching compares, kept with the document (the workers hash them while coding)
    results = [cd if cd.terms else replace(cd, terms=stories.document_terms(cd.document, cd.blocks))
               for cd in results]
    mentions = incidents.mentions_of(results)
    incident_of, changed = incidents.assign(mentions, stored_incidents(store, mentions))
    docs = [stories.story_document(cd, frozenset(incident_of[e.event_id] for e in cd.events
                                                 if e.event_id in incident_of)) for cd in results]
    placed = stories.assign(docs, stored_story_documents(store, docs))
    if not placed.inferred:
        return Placement(tuple(results), incident_of, tuple(changed), placed.story_of)
    batch = {cd.document.doc_id for cd in results}
    late = {doc_id: w for doc_id, w in placed.inferred.items() if doc_id not in batch}
    results = [_redated(cd, placed.inferred.get(cd.document.doc_id)) for cd in results]
    redated = tuple(dates.redate(e, late[e.doc_id]) for e in store.events(sorted(late))) if late else ()
    moved = _redated_mentions(store.event_mentions(sorted(late)), redated, late) if late else []
    mentions = incidents.mentions_of(results) + moved
    ids = {m.event_id for m in moved}
    existing = [m for m in stored_incidents(store, mentions) if m.event_id not in ids]
    incident_of, changed = incidents.assign(mentions, existing)
    # the incidents the re-dated events leave: only their own document's (they had no date to share)
    kept = {i.incident_id for i in changed} | {m.incident_id for m in existing}
    dropped = tuple(sorted({m.incident_id for m in moved if m.incident_id not in kept}))
    return Placement(tuple(results), incident_of, tuple(changed), placed.story_of, redated, late, dropped)


def _redated_mentions(stored, redated, windows) -> list:
    """The stored event mentions with the dates their documents' inferred windows gave them."""
    by_id = {e.event_id: e.date for e in redated}
    return [replace(m, date=by_id[m.event_id].value, date_precision=by_id[m.event_id].precision,
                    date_source=by_id[m.event_id].source, inferred=windows[m.doc_id])
            for m in stored if m.event_id in by_id]


def _redated(cd: CodedDocument, window: tuple[str, str] | None) -> CodedDocument:
    if window is None:
        return cd
    return replace(cd, events=tuple(dates.redate(e, window) for e in cd.events), inferred_published=window)


def stored_story_documents(store, docs) -> list:
    """The stored documents the batch's documents could share a story with."""
    spans = [dates.date_span(d.published) for d in docs]
    published = None
    if spans and all(spans):
        published = ((min(s[0] for s in spans) - stories.STORY_GAP).isoformat(),
                     (max(s[1] for s in spans) + stories.STORY_GAP).isoformat())
    return store.story_candidates({a for d in docs for a in d.actors}, {i for d in docs for i in d.incidents},
                                  published, stories.CANDIDATES)


def stored_incidents(store, mentions) -> list:
    """The members of the stored incidents the batch's event mentions could join."""
    published = incidents.search_window(mentions)
    if published is None:
        return []
    parties = [p for m in mentions for p in (m.source, m.target) if p is not None]
    return store.incident_members({p.country for p in parties if p.country}, {p.actor_id for p in parties},
                                  published)


# Each worker process holds one Pipeline, set by the pool initializer: per-process state by
# necessity (a spaCy model is not sent between processes), never touched by the parent.
_WORKER_PIPELINE: list[Pipeline] = []


def _init_worker(settings: Settings) -> None:
    _WORKER_PIPELINE.append(Pipeline(settings))


def _worker_code(items: list) -> list:
    return _code_items(_WORKER_PIPELINE[0], items)


def _worker_versions(_: object) -> dict[str, str]:
    return _WORKER_PIPELINE[0].versions()


def _settings_summary(settings: Settings) -> dict[str, object]:
    return {
        "engine": settings.engine,
        "workers": settings.workers,
        "batch_size": settings.batch_size,
        "published": settings.published,
        "meta": str(settings.meta) if settings.meta else None,
        "actors": str(settings.actors) if settings.actors else None,
        "spacy_model": settings.spacy_model,
        "all_names": settings.all_names,
        "any_language": settings.any_language,
    }
