"""The event store: one DuckDB file. The only package that talks to DuckDB or writes Parquet (but
for the Ray engine's temporary shards, `engines/ray.py`); `explore.py` holds the explorer's reads.
A store opened `shared=True` holds the file only while it uses it (see `Store`).

Reads `CodedDocument`s, `Rejection`s and run records; returns typed records (`Event`, `Quote`,
`Document`) rebuilt from rows, plain rows for export, and a `StoreSummary`. Each `write()` is one
transaction: a batch is stored whole or not at all. Content already stored (same `content_hash`)
is skipped, so writing the same documents twice adds nothing.

Tables (offsets index `documents.text`, end exclusive; timestamps are UTC):

- `meta(key, value)`: `schema_version` (refused on open when it differs from `SCHEMA_VERSION`)
  and `created_by` (the dragoman version that created the file).
- `runs(run_id, started_at, finished_at, status, inputs VARCHAR[], settings JSON, versions JSON,
  coded, skipped, rejected, events)`: one row per `dragoman code`; `status` is `running`,
  `finished` or `failed`; `versions` holds dragoman, coder, lexicon, gazetteer, spaCy model.
- `documents(doc_id PK, content_hash UNIQUE, title, published, date_source, url, outlet, input,
  record, fmt, text, n_sentences, n_events, run_id, coded_at, story_id, inferred_from,
  inferred_to, term_ids, term_counts)`: one row per coded document; `text` exactly as ingested;
  `inferred_from` and `inferred_to` are the days an undated document was probably published, from
  its story (set when it is written, or later when dated reports of its story come);
  `term_ids`/`term_counts` the hashed words story matching compares (stories.terms_of).
- `blocks(doc_id, start, "end", kind, reason)`: the cleaner's paragraphs (title, dateline, body,
  boilerplate with the reason it was dropped).
- `events(doc_id, event_id PK, type, mode, quad, cameo_root, status, date, date_precision,
  date_source, date_text, date_start, date_end, source_actor_id, source_name, source_country,
  source_sector, source_text, source_start, source_end, target_... and via_... (the same seven),
  location_name, location_country, location_text, location_start, location_end, evidence, start,
  "end", trigger, trigger_start, trigger_end, confidence, coder_version, rule, run_id,
  incident_id)`: one row per event; an absent role or location has all its columns NULL;
  `incident_id` is NULL for hypothetical and negated events.
- `actors(actor_id PK, name, country, sector, kind, office, aliases VARCHAR[], mentions,
  documents, first_seen, last_seen)`: upserted on every write: `mentions` and `documents` add
  up, `aliases` are the sorted distinct union, `first_seen`/`last_seen` are the earliest/latest
  `published` of the documents that name the actor, and name/country/sector/kind/office keep the
  first non-NULL value.
- `mentions(doc_id, actor_id, text, start, "end", how)`: every place an actor is named.
- `quotes(quote_id PK, doc_id, speaker_actor_id, speaker_name, speaker_country, speaker_sector,
  speaker_text, speaker_start, speaker_end, text, start, "end", direct, cue)`.
- `rejections(run_id, input, record, reason, fix, at)`: inputs that could not be coded, and the fix.
- `incidents(incident_id PK, type, mode, status, source_actor_id, source_name, source_country,
  target_... and via_... (the same three), date, date_precision, date_reports, dated_reports,
  num_mentions, num_documents, num_sources, first_reported, doc_ids VARCHAR[])`: one row per
  real-world event (`incidents.py`), replaced whenever a batch adds reports to it.
- `stories(story_id PK, title, first_published, last_published, num_documents, num_sources,
  num_incidents, actors VARCHAR[], doc_ids VARCHAR[])`: one row per story (`stories.py`),
  summarised from its documents whenever a batch adds one.
"""

from __future__ import annotations

import functools
import json
import os
import signal
import time
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import NamedTuple

import duckdb

from .. import __version__
from ..errors import StoreError
from . import messages as _msg
from ..schema import (
    Actor,
    ActorRef,
    Block,
    Channel,
    Message,
    MessageReport,
    CodedDocument,
    Document,
    Event,
    EventDate,
    EventMention,
    Incident,
    Location,
    NAMED_KINDS,
    FUTURE,
    OCCURRED,
    Party,
    Placement,
    Quote,
    Rejection,
    RunSummary,
    Story,
    StoryDocument,
)

SCHEMA_VERSION = 5  # 2: quotes.cue; 3: incidents, events.incident_id; 4: stories, documents.story_id;
# 5: message_reports, messages, channels


class _Column(NamedTuple):
    name: str
    type: str
    constraint: str = ""


def _cols(spec: str) -> tuple[_Column, ...]:
    """'name TYPE [CONSTRAINT], ...' -> columns (a compact way to write the table definitions)."""
    out = []
    for item in spec.split(","):
        name, type_, *rest = item.split()
        out.append(_Column(name, type_, " ".join(rest)))
    return tuple(out)


def _party(role: str) -> str:
    return f"{role}_actor_id VARCHAR, {role}_name VARCHAR, {role}_country VARCHAR"


def _role(role: str) -> str:
    return (f"{role}_actor_id VARCHAR, {role}_name VARCHAR, {role}_country VARCHAR, {role}_sector VARCHAR, "
            f"{role}_text VARCHAR, {role}_start INTEGER, {role}_end INTEGER")


# The one definition of every table: DDL, inserts and reads are all derived from it.
_TABLES: tuple[tuple[str, tuple[_Column, ...]], ...] = (
    ("meta", _cols("key VARCHAR PRIMARY KEY, value VARCHAR")),
    ("runs", _cols("run_id VARCHAR PRIMARY KEY, started_at TIMESTAMP, finished_at TIMESTAMP, status VARCHAR, "
                   "inputs VARCHAR[], settings JSON, versions JSON, coded INTEGER, skipped INTEGER, "
                   "rejected INTEGER, events INTEGER")),
    ("documents", _cols("doc_id VARCHAR PRIMARY KEY, content_hash VARCHAR UNIQUE NOT NULL, title VARCHAR, "
                        "published VARCHAR, date_source VARCHAR, url VARCHAR, outlet VARCHAR, input VARCHAR, "
                        "record VARCHAR, fmt VARCHAR, text VARCHAR NOT NULL, n_sentences INTEGER, "
                        "n_events INTEGER, run_id VARCHAR, coded_at TIMESTAMP, story_id VARCHAR, "
                        "inferred_from VARCHAR, inferred_to VARCHAR, term_ids INTEGER[], term_counts INTEGER[]")),
    ("blocks", _cols("doc_id VARCHAR NOT NULL, start INTEGER, end INTEGER, kind VARCHAR, reason VARCHAR")),
    ("events", _cols("doc_id VARCHAR NOT NULL, event_id VARCHAR PRIMARY KEY, type VARCHAR, mode VARCHAR, "
                     "quad INTEGER, cameo_root VARCHAR, status VARCHAR, date VARCHAR, date_precision VARCHAR, "
                     "date_source VARCHAR, date_text VARCHAR, date_start INTEGER, date_end INTEGER, "
                     f"{_role('source')}, {_role('target')}, {_role('via')}, "
                     "location_name VARCHAR, location_country VARCHAR, location_text VARCHAR, "
                     "location_start INTEGER, location_end INTEGER, evidence VARCHAR, start INTEGER, end INTEGER, "
                     "trigger VARCHAR, trigger_start INTEGER, trigger_end INTEGER, confidence DOUBLE, "
                     "coder_version VARCHAR, rule VARCHAR, run_id VARCHAR, incident_id VARCHAR")),
    ("actors", _cols("actor_id VARCHAR PRIMARY KEY, name VARCHAR, country VARCHAR, sector VARCHAR, kind VARCHAR, "
                     "office VARCHAR, aliases VARCHAR[], mentions INTEGER, documents INTEGER, "
                     "first_seen VARCHAR, last_seen VARCHAR")),
    ("mentions", _cols("doc_id VARCHAR NOT NULL, actor_id VARCHAR, text VARCHAR, start INTEGER, end INTEGER, "
                       "how VARCHAR")),
    ("quotes", _cols("quote_id VARCHAR PRIMARY KEY, doc_id VARCHAR NOT NULL, speaker_actor_id VARCHAR, "
                     "speaker_name VARCHAR, speaker_country VARCHAR, speaker_sector VARCHAR, speaker_text VARCHAR, "
                     "speaker_start INTEGER, speaker_end INTEGER, text VARCHAR, start INTEGER, end INTEGER, "
                     "direct BOOLEAN, cue VARCHAR")),
    ("rejections", _cols("run_id VARCHAR, input VARCHAR, record VARCHAR, reason VARCHAR, fix VARCHAR, "
                         "at TIMESTAMP")),
    ("incidents", _cols("incident_id VARCHAR PRIMARY KEY, type VARCHAR, mode VARCHAR, status VARCHAR, "
                        f"{_party('source')}, {_party('target')}, {_party('via')}, "
                        "date VARCHAR, date_precision VARCHAR, date_reports INTEGER, dated_reports INTEGER, "
                        "num_mentions INTEGER, num_documents INTEGER, num_sources INTEGER, "
                        "first_reported VARCHAR, doc_ids VARCHAR[]")),
    ("stories", _cols("story_id VARCHAR PRIMARY KEY, title VARCHAR, first_published VARCHAR, "
                      "last_published VARCHAR, num_documents INTEGER, num_sources INTEGER, num_incidents INTEGER, "
                      "actors VARCHAR[], doc_ids VARCHAR[]")),
    ("message_reports", _cols(_msg.REPORTS)),
    ("messages", _cols(_msg.MESSAGES)),
    ("channels", _cols(_msg.CHANNELS)),
)

# A stable row order per table, for reads and exports.
_ORDER: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("meta", ("key",)),
    ("runs", ("started_at", "run_id")),
    ("documents", ("doc_id",)),
    ("blocks", ("doc_id", "start")),
    ("events", ("doc_id", "start", "trigger_start", "event_id")),
    ("actors", ("actor_id",)),
    ("mentions", ("doc_id", "start", "actor_id")),
    ("quotes", ("doc_id", "start", "quote_id")),
    ("rejections", ("at", "input", "record", "reason")),
    ("incidents", ("first_reported", "incident_id")),
    ("stories", ("first_published", "story_id")),
    ("message_reports", ("doc_id", "report_id")),
    ("messages", ("date", "message_id")),
    ("channels", ("first_date", "channel_id")),
)

TABLE_NAMES = tuple(name for name, _ in _TABLES)


def _columns(table: str) -> tuple[_Column, ...]:
    for name, columns in _TABLES:
        if name == table:
            return columns
    raise StoreError(f"no table {table!r} in the store; the tables are {', '.join(TABLE_NAMES)}")


def _order(table: str) -> str:
    return ", ".join(_q(c) for c in dict(_ORDER)[table])


def _q(identifier: str) -> str:
    """A quoted identifier ("end" is a keyword). Only ever applied to names from `_TABLES`."""
    return f'"{identifier}"'


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


# How long a writer waits for readers to let go of the file, and a reader for a writer's batch.
WRITER_WAIT = 600.0  # a long export or evaluation holds the file for its whole read
READER_WAIT = 30.0

# What the store's DuckDB may hold in memory; larger queries spill to a temporary file.
MEMORY_LIMIT = "256MB"


def _writer_lock(path: Path):
    """An exclusive lock on `STORE.lock` beside the store, held while the store is open for
    writing: a second writer stops at once (a shared store lets go of the file itself between
    batches, so DuckDB's own lock does not keep two writers apart). None where there is no flock."""
    try:
        import fcntl
    except ImportError:
        return None
    lock_path = path.with_name(path.name + ".lock")
    try:
        f = open(lock_path, "a+")
    except OSError as err:
        raise StoreError(f"{path}: cannot create {lock_path.name} beside it ({err.strerror}). Check that the "
                         "folder exists and is writable, or use another --db FILE") from err
    try:
        fcntl.flock(f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as err:
        f.close()
        raise StoreError(f"{path} is being written by another dragoman process. Wait for it to finish, "
                         "or use another --db FILE") from err
    return f


class _Locked(Exception):
    """Another process holds the file."""


@dataclass(frozen=True)
class StoreSummary:
    """Counts for a quick look at a store."""

    documents: int
    events: int
    events_by_type: tuple[tuple[str, int], ...]  # most frequent first
    top_dyads: tuple[tuple[tuple[str | None, str | None], int], ...]  # occurred events, (source, target) country
    actors: int
    quotes: int


def _held(method):
    """A method that reads or writes the file: in a shared store it opens the file for the call,
    unless a `session` is open already."""
    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        with self.session():
            return method(self, *args, **kwargs)
    return wrapper


class Store:
    """An open dragoman store (a DuckDB file). Use as a context manager, or call `close()`.

    DuckDB lets one process write a file, or several read it, never both at once. A store opened
    with `shared=True` holds the file only while it uses it: for each method call, or for a
    `session()` (`dragoman code` opens one per batch, `dragoman serve` one per request), so that
    other processes can read or write in between. Opening waits up to `wait` seconds for another
    process to let go of the file."""

    def __init__(self, path: str | Path, *, read_only: bool = False, shared: bool = False, wait: float = 0.0):
        self.path = Path(path)
        self.read_only = read_only
        self.shared = shared
        self.wait = wait
        self._writes = 0  # batches written by this connection (for the test hook in `write`)
        self._closed = False
        self._held_since = 0.0  # when hold() opened the file
        if read_only and not self.path.exists():
            raise StoreError(f"{self.path}: no such store. Code some articles first: "
                             f"dragoman code INPUT --db {self.path}")
        self._lock = None if read_only else _writer_lock(self.path)
        try:
            self._con: duckdb.DuckDBPyConnection | None = self._connect()
        except BaseException:
            self._unlock()
            raise
        try:
            self._check_or_create()
        except BaseException:
            self.close()
            raise
        if shared:
            self._con.close()
            self._con = None

    @contextmanager
    def session(self) -> Iterator["Store"]:
        """Hold the file for the calls in the block (a shared store; a store that is not shared
        holds it from open to close)."""
        if self._con is not None:
            yield self
            return
        self._con = self._connect()
        try:
            yield self
        finally:
            con, self._con = self._con, None
            if con is not None:  # not closed inside the block
                con.close()

    def hold(self) -> None:
        """Open a shared store's file and keep it open until `release()` (or `close()`)."""
        if self._con is None:
            self._con = self._connect()
            self._held_since = time.monotonic()

    def release(self, after: float = 0.0) -> None:
        """Let go of a shared store's file if it has been held for `after` seconds or more
        (nothing for a store that is not shared)."""
        if self.shared and self._con is not None and time.monotonic() - self._held_since >= after:
            con, self._con = self._con, None
            con.close()

    def _connect(self) -> duckdb.DuckDBPyConnection:
        if self._closed:
            raise StoreError(f"{self.path}: the store was closed; open it again with Store(...)")
        deadline = time.monotonic() + self.wait
        pause = 0.02
        while True:
            try:
                return self._open()
            except _Locked as locked:
                if time.monotonic() + pause > deadline:
                    waited = f" (waited {self.wait:.0f} s)" if self.wait else ""
                    raise StoreError(f"{self.path} is in use by another dragoman process{waited}. Wait for it "
                                     "to finish, or use another --db FILE") from locked.__cause__
                time.sleep(pause)
                pause = min(pause * 2, 0.5)

    def _open(self) -> duckdb.DuckDBPyConnection:
        try:
            # DuckDB caches the file's blocks in memory up to its limit (80% of the machine by
            # default): the cache would grow with the store. Beyond this it reads them again.
            return duckdb.connect(str(self.path), read_only=self.read_only, config={"memory_limit": MEMORY_LIMIT})
        except duckdb.IOException as err:
            message = str(err)
            if "not a valid DuckDB database" in message:
                raise StoreError(f"{self.path} is not a DuckDB file, so not a dragoman store. Pass a store with "
                                 "--db FILE, or a new file name to create one") from err
            if "Could not set lock" in message or "Conflicting lock" in message:
                raise _Locked() from err
            raise StoreError(f"{self.path}: cannot open the store ({message}). Check that the folder exists "
                             "and is writable, or use another --db FILE") from err
        except duckdb.Error as err:
            raise StoreError(f"{self.path}: cannot open the store ({err}). Close other connections to it in "
                             "this process, or use another --db FILE") from err

    def _check_or_create(self) -> None:
        tables = {row[0] for row in self._con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_catalog = current_database() "
            "AND table_schema = 'main'").fetchall()}
        if "meta" in tables:
            row = self._first("SELECT value FROM meta WHERE key = 'schema_version'")
            found = row[0] if row else "unknown"
            if found != str(SCHEMA_VERSION):
                raise StoreError(f"{self.path} was written by dragoman schema {found}; this is schema "
                                 f"{SCHEMA_VERSION}. Re-code into a new --db FILE, or upgrade dragoman")
            return
        if tables or self.read_only:
            what = f"holds other tables ({', '.join(sorted(tables))})" if tables else "is empty"
            raise StoreError(f"{self.path} is a DuckDB file but not a dragoman store (it {what}). "
                             "Use another --db FILE")
        with self._transaction():
            for table, columns in _TABLES:
                body = ", ".join(f"{_q(c.name)} {c.type} {c.constraint}".rstrip() for c in columns)
                self._con.execute(f"CREATE TABLE {table} ({body})")
            self._con.execute("INSERT INTO meta VALUES ('schema_version', ?), ('created_by', ?)",
                              [str(SCHEMA_VERSION), f"dragoman {__version__}"])

    def close(self) -> None:
        self._closed = True
        if self._con is not None:
            self._con.close()
            self._con = None
        self._unlock()

    def _unlock(self) -> None:
        if self._lock is not None:
            self._lock.close()  # closing the file releases the lock
            self._lock = None

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        self._con.begin()
        try:
            yield
        except BaseException:
            # also on KeyboardInterrupt: a half-written batch must never be committed
            self._con.rollback()
            raise
        self._con.commit()

    def _first(self, sql: str, params: Sequence[object] = ()) -> tuple | None:
        """The first row of a query, or None. Fetches the whole result: DuckDB 2 refuses new work on a
        connection whose last result was only partly read (as fetchone leaves it)."""
        rows = self._con.execute(sql, params).fetchall()
        return rows[0] if rows else None

    def _writable(self) -> None:
        if self.read_only:
            raise StoreError(f"{self.path} was opened read-only; open it without read_only to write")

    def _insert(self, table: str, rows: Sequence[Sequence[object]], upsert: str = "") -> None:
        """Insert `rows` (tuples in the table's column order) in one statement: each column goes in
        as one list parameter and is unnested, far faster than executemany."""
        if not rows:
            return
        columns = _columns(table)
        values = [list(col) for col in zip(*rows)]
        select = ", ".join(f"unnest(${i}::{c.type}[])" for i, c in enumerate(columns, 1))
        names = ", ".join(_q(c.name) for c in columns)
        self._con.execute(f"INSERT INTO {table} ({names}) SELECT {select} {upsert}", values)

    # -- runs ---------------------------------------------------------------------------------

    @_held
    def start_run(self, inputs: Sequence[str], settings: Mapping[str, object], versions: Mapping[str, str]) -> str:
        """Record the start of a run; returns its run_id (sortable: UTC time then a random suffix)."""
        self._writable()
        started = _now()
        run_id = f"{started:%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}"
        self._con.execute(
            "INSERT INTO runs (run_id, started_at, status, inputs, settings, versions) "
            "VALUES (?, ?, 'running', ?, ?::JSON, ?::JSON)",
            [run_id, started, [str(i) for i in inputs], json.dumps(dict(settings), ensure_ascii=False, default=str),
             json.dumps(dict(versions), ensure_ascii=False)])
        return run_id

    @_held
    def finish_run(self, run_id: str, summary: RunSummary, status: str = "finished") -> None:
        """Record the end of a run and its counts."""
        self._writable()
        if self._first("SELECT 1 FROM runs WHERE run_id = ?", [run_id]) is None:
            raise StoreError(f"{self.path}: no run {run_id!r} to finish; start it with start_run()")
        self._con.execute(
            "UPDATE runs SET finished_at = ?, status = ?, coded = ?, skipped = ?, rejected = ?, events = ? "
            "WHERE run_id = ?",
            [_now(), status, summary.coded, summary.skipped, summary.rejected, summary.events, run_id])

    @_held
    def runs(self, limit: int = 10) -> list[dict]:
        """The latest runs, newest first, as plain rows (settings and versions parsed from JSON)."""
        cur = self._con.execute("SELECT * FROM runs ORDER BY started_at DESC, run_id DESC LIMIT ?", [limit])
        names = [d[0] for d in cur.description]
        rows = [dict(zip(names, row)) for row in cur.fetchall()]
        for row in rows:
            row["settings"] = json.loads(row["settings"]) if row["settings"] else {}
            row["versions"] = json.loads(row["versions"]) if row["versions"] else {}
        return rows

    # -- writing ------------------------------------------------------------------------------

    @_held
    def known_hash(self, content_hash: str) -> str | None:
        """The doc_id under which this content is stored, or None if it was never coded."""
        row = self._first("SELECT doc_id FROM documents WHERE content_hash = ?", [content_hash])
        return row[0] if row else None

    @_held
    def hash_of(self, doc_id: str) -> str | None:
        """The content hash stored under `doc_id`, or None."""
        row = self._first("SELECT content_hash FROM documents WHERE doc_id = ?", [doc_id])
        return row[0] if row else None

    @_held
    def stored_hashes(self, content_hashes: Sequence[str]) -> set[str]:
        """Those of `content_hashes` already stored (one query for many documents)."""
        if not content_hashes:
            return set()
        rows = self._con.execute("SELECT content_hash FROM documents WHERE content_hash IN (SELECT unnest(?::VARCHAR[]))",
                                 [list(content_hashes)]).fetchall()
        return {r[0] for r in rows}

    @_held
    def hashes_of(self, doc_ids: Sequence[str]) -> dict[str, str]:
        """The content hash stored under each of `doc_ids` that is stored."""
        if not doc_ids:
            return {}
        rows = self._con.execute("SELECT doc_id, content_hash FROM documents WHERE doc_id IN (SELECT unnest(?::VARCHAR[]))",
                                 [list(doc_ids)]).fetchall()
        return dict(rows)

    @_held
    def write(self, run_id: str, coded: Sequence[CodedDocument], rejections: Sequence[Rejection] = (),
              placement: Placement | None = None) -> int:
        """Store a batch of coded documents and rejections in ONE transaction (all or nothing), with
        what `placement` (pipeline.across_documents) found across documents: the incident of each
        event, the new or changed incidents (replacing their rows), the story of each document (the
        stories it joins are summarised anew), and stored events re-dated with their documents'
        inferred windows. Documents whose content is already stored are skipped. Returns the number
        written."""
        placement = placement or Placement(tuple(coded), {}, (), {})
        incident_of, incidents, story_of = placement.incident_of, placement.incidents, placement.story_of
        self._writable()
        now = _now()
        try:
            with self._transaction():
                hashes = [cd.document.content_hash for cd in coded]
                stored = self.stored_hashes(hashes)
                fresh: list[CodedDocument] = []
                for cd in coded:
                    if cd.document.content_hash not in stored:
                        stored.add(cd.document.content_hash)  # the same content twice in one batch: once
                        fresh.append(cd)
                self._insert("documents", [_document_row(cd, run_id, now, story_of) for cd in fresh])
                self._insert("blocks", [(cd.document.doc_id, b.start, b.end, b.kind, b.reason)
                                        for cd in fresh for b in cd.blocks])
                self._insert("events", [_event_row(e, run_id, incident_of) for cd in fresh for e in cd.events])
                self._writes += 1
                if os.environ.get("DRAGOMAN_TEST_KILL_IN_WRITE") == str(self._writes):
                    # a test hook (tests/test_resume.py): die here, the transaction half done
                    os.kill(os.getpid(), signal.SIGKILL)
                self._redate(placement, incident_of)
                if incidents or placement.dropped:
                    self._con.execute("DELETE FROM incidents WHERE incident_id IN (SELECT unnest(?::VARCHAR[]))",
                                      [[i.incident_id for i in incidents] + list(placement.dropped)])
                    self._insert("incidents", [_incident_row(i) for i in incidents])
                self._insert("mentions", [(cd.document.doc_id, m.actor_id, m.text, m.start, m.end, m.how)
                                          for cd in fresh for m in cd.mentions])
                self._insert("quotes", [_quote_row(q) for cd in fresh for q in cd.quotes])
                self._insert("message_reports", [_msg.report_row(r, run_id) for cd in fresh for r in cd.messages])
                if placement.messages is not None:
                    self._con.execute("DELETE FROM messages")
                    self._con.execute("DELETE FROM channels")
                    self._insert("messages", [_msg.message_row(m) for m in placement.messages])
                    self._insert("channels", [_msg.channel_row(c) for c in placement.channels])
                self._insert("actors", _actor_rows(fresh), upsert=_ACTOR_UPSERT)
                self._insert("rejections", [(run_id, r.input, r.record, r.reason, r.fix, now) for r in rejections])
                self._summarise_stories(sorted({story_of[cd.document.doc_id] for cd in fresh
                                                if cd.document.doc_id in story_of}))
        except duckdb.Error as err:
            ids = [cd.document.doc_id for cd in coded]
            where = f"{ids[0]} .. {ids[-1]}" if len(ids) > 1 else (ids[0] if ids else "rejections only")
            raise StoreError(f"{self.path}: could not write a batch of {len(ids)} documents ({where}): "
                             f"{str(err).rstrip('.')}. Nothing of this batch was stored; earlier batches are kept"
                             ) from err
        return len(fresh)

    # -- reading ------------------------------------------------------------------------------

    def _select(self, table: str, doc_ids: Iterable[str] | None) -> list[dict]:
        names = [c.name for c in _columns(table)]
        sql = f"SELECT {', '.join(_q(n) for n in names)} FROM {table}"
        params: list[object] = []
        if doc_ids is not None:
            ids = list(doc_ids)
            if not ids:
                return []
            sql += " WHERE doc_id IN (SELECT unnest(?::VARCHAR[]))"
            params.append(ids)
        rows = self._con.execute(f"{sql} ORDER BY {_order(table)}", params).fetchall()
        return [dict(zip(names, row)) for row in rows]

    @_held
    def events(self, doc_ids: Iterable[str] | None = None) -> list[Event]:
        """The events (of `doc_ids`, or all), ordered by document and offset."""
        return [_event(r) for r in self._select("events", doc_ids)]

    @_held
    def quotes(self, doc_ids: Iterable[str] | None = None) -> list[Quote]:
        """The quotes (of `doc_ids`, or all), ordered by document and offset."""
        return [_quote(r) for r in self._select("quotes", doc_ids)]

    @_held
    def blocks(self, doc_id: str) -> list[Block]:
        """The cleaner's paragraphs of a document, in order."""
        return [Block(r["start"], r["end"], r["kind"], r["reason"]) for r in self._select("blocks", [doc_id])]

    @_held
    def documents(self) -> list[Document]:
        """Every stored document, ordered by doc_id."""
        return [Document(doc_id=r["doc_id"], text=r["text"], content_hash=r["content_hash"], title=r["title"],
                         published=r["published"], date_source=r["date_source"], url=r["url"],
                         outlet=r["outlet"], input=r["input"], record=r["record"], fmt=r["fmt"])
                for r in self._select("documents", None)]

    @_held
    def incident_members(self, countries: Iterable[str], actor_ids: Iterable[str],
                         published: tuple[str, str]) -> list[EventMention]:
        """Every member of the stored incidents that have a member reported within `published`
        (first and last publication date, ISO; for an undated document, its event's date or the
        publication window inferred from its story) with one
        of `actor_ids`, or an actor of one of `countries`, as source or target: what a new batch
        may join, without reading the whole store."""
        sql = f"""
            WITH wanted AS (
                SELECT DISTINCT e.incident_id FROM events e JOIN documents d USING (doc_id)
                WHERE e.incident_id IS NOT NULL
                  AND ({_overlaps("d.published")} OR d.published IS NULL AND ({_overlaps("e.date")}
                       OR d.inferred_from <= $4 AND d.inferred_to >= $3)) AND (
                    source_actor_id IN (SELECT unnest($1::VARCHAR[])) OR target_actor_id IN (SELECT unnest($1::VARCHAR[]))
                    OR source_country IN (SELECT unnest($2::VARCHAR[])) OR target_country IN (SELECT unnest($2::VARCHAR[]))))
            {_MENTIONS_SQL} WHERE e.incident_id IN (SELECT incident_id FROM wanted)
            ORDER BY e.incident_id, e.doc_id, e.event_id"""
        rows = self._con.execute(sql, [sorted(set(actor_ids)), sorted(set(countries)), *published]).fetchall()
        return _event_mentions(rows)

    @_held
    def event_mentions(self, doc_ids: Sequence[str]) -> list[EventMention]:
        """The stored events of `doc_ids` that can belong to an incident (occurred or future), as
        incidents compare them, each with its `incident_id`."""
        sql = f"""{_MENTIONS_SQL} WHERE e.doc_id IN (SELECT unnest($1::VARCHAR[])) AND e.status IN ('{OCCURRED}', '{FUTURE}')
                  ORDER BY e.doc_id, e.event_id"""
        return _event_mentions(self._con.execute(sql, [list(doc_ids)]).fetchall())

    def _redate(self, placement: Placement, incident_of: Mapping[str, str]) -> None:
        """Stored undated documents the batch's story dates: their window, their events' dates and incidents."""
        if placement.inferred:
            ids = sorted(placement.inferred)
            self._con.execute(
                "UPDATE documents SET inferred_from = w.f, inferred_to = w.t FROM (SELECT unnest($1::VARCHAR[]) AS id, "
                "unnest($2::VARCHAR[]) AS f, unnest($3::VARCHAR[]) AS t) w WHERE documents.doc_id = w.id",
                [ids, [placement.inferred[i][0] for i in ids], [placement.inferred[i][1] for i in ids]])
        if placement.redated:
            e = placement.redated
            self._con.execute(
                "UPDATE events SET date = r.v, date_precision = r.p, date_source = r.s, incident_id = r.i FROM ("
                "SELECT unnest($1::VARCHAR[]) AS id, unnest($2::VARCHAR[]) AS v, unnest($3::VARCHAR[]) AS p, "
                "unnest($4::VARCHAR[]) AS s, unnest($5::VARCHAR[]) AS i) r WHERE events.event_id = r.id",
                [[x.event_id for x in e], [x.date.value for x in e], [x.date.precision for x in e],
                 [x.date.source for x in e], [incident_of.get(x.event_id) for x in e]])

    def _summarise_stories(self, story_ids: Sequence[str]) -> None:
        """(Re)write the rows of `story_ids` from their documents: only the stories a batch touched."""
        if not story_ids:
            return
        self._con.execute("DELETE FROM stories WHERE story_id IN (SELECT unnest(?::VARCHAR[]))", [story_ids])
        self._con.execute(f"""
            INSERT INTO stories
            WITH docs AS (SELECT * FROM documents WHERE story_id IN (SELECT unnest($1::VARCHAR[]))),
            named AS (
                SELECT d.story_id, a.name, count(DISTINCT d.doc_id) AS n
                FROM docs d JOIN mentions m USING (doc_id) JOIN actors a ON a.actor_id = m.actor_id
                WHERE {_NAMED_SQL}
                GROUP BY ALL),
            top AS (SELECT story_id, list(name ORDER BY n DESC, name)[1:{STORY_ACTORS}] AS actors
                    FROM named GROUP BY story_id),
            incs AS (SELECT d.story_id, count(DISTINCT e.incident_id) AS n
                     FROM docs d JOIN events e USING (doc_id) GROUP BY d.story_id)
            SELECT d.story_id,
                   arg_min(d.title, (d.published IS NULL)::INTEGER || coalesce({_first_day("d.published")}, d.inferred_from, '')
                           || '|' || d.doc_id),
                   min(d.published), max(d.published), count(*),
                   count(DISTINCT coalesce(d.outlet, 'doc:' || d.doc_id)),
                   coalesce(any_value(incs.n), 0), coalesce(any_value(top.actors), []::VARCHAR[]),
                   list(d.doc_id ORDER BY d.doc_id)
            FROM docs d LEFT JOIN top USING (story_id) LEFT JOIN incs USING (story_id)
            GROUP BY d.story_id""", [list(story_ids)])

    @_held
    def story_candidates(self, actor_ids: Iterable[str], incident_ids: Iterable[str],
                         published: tuple[str, str] | None, limit: int) -> list[StoryDocument]:
        """Stored documents a batch's documents might share a story with: those that name one of
        `actor_ids` or report one of `incident_ids`, published (or inferred to be) within
        `published` (ISO first and last day; None: any time, for a batch with undated documents),
        at most `limit`, the most in common and then the latest first."""
        sql = f"""
            WITH hits AS (
                SELECT doc_id, count(DISTINCT actor_id) AS n FROM mentions
                WHERE actor_id IN (SELECT unnest($1::VARCHAR[])) GROUP BY doc_id
                UNION ALL
                SELECT doc_id, 1000 FROM events WHERE incident_id IN (SELECT unnest($2::VARCHAR[])) GROUP BY doc_id
                UNION ALL  -- within the batch's time, similar words alone may link: the latest documents
                (SELECT doc_id, 0 FROM documents d WHERE $3::VARCHAR IS NOT NULL AND {_overlaps("d.published")}
                 ORDER BY d.published DESC, doc_id LIMIT $5)),
            picked AS (
                SELECT d.doc_id, sum(h.n) AS score, coalesce(d.published, d.inferred_to) AS latest
                FROM hits h JOIN documents d USING (doc_id)
                WHERE d.story_id IS NOT NULL AND ($3::VARCHAR IS NULL OR {_overlaps("d.published")}
                      OR d.published IS NULL AND (d.inferred_from IS NULL OR d.inferred_from <= $4 AND d.inferred_to >= $3))
                GROUP BY d.doc_id, d.published, d.inferred_to
                ORDER BY score DESC, latest DESC NULLS LAST, d.doc_id LIMIT $5)
            SELECT d.doc_id, d.published, d.inferred_from, d.inferred_to, d.story_id, d.term_ids, d.term_counts,
                   (SELECT list(DISTINCT m.actor_id) FROM mentions m JOIN actors a ON a.actor_id = m.actor_id
                    WHERE m.doc_id = d.doc_id AND {_NAMED_SQL}),
                   (SELECT list(DISTINCT e.incident_id) FROM events e WHERE e.doc_id = d.doc_id AND e.incident_id IS NOT NULL)
            FROM picked JOIN documents d USING (doc_id)
            ORDER BY d.doc_id"""
        lo, hi = published or (None, None)
        rows = self._con.execute(sql, [sorted(set(actor_ids)), sorted(set(incident_ids)), lo, hi, limit]).fetchall()
        out = []
        for doc_id, pub, inf_from, inf_to, sid, term_ids, term_counts, actors, incs in rows:
            out.append(StoryDocument(
                doc_id, pub, tuple(zip(term_ids or (), term_counts or ())), frozenset(actors or ()),
                frozenset(incs or ()), story_id=sid, inferred=(inf_from, inf_to) if inf_from else None))
        return out

    @_held
    def stories(self) -> list[Story]:
        """Every story, earliest first."""
        return [_story(r) for r in self._select("stories", None)]

    @_held
    def message_reports(self) -> list[MessageReport]:
        """Every document's account of every message, in document order."""
        return [_msg.report(r) for r in self._select("message_reports", None)]

    @_held
    def messages(self) -> list[Message]:
        """Every message across documents, earliest first (undated last)."""
        return [_msg.message(r) for r in self._select("messages", None)]

    @_held
    def channels(self) -> list[Channel]:
        """Every channel between two principals, earliest first."""
        return [_msg.channel(r) for r in self._select("channels", None)]

    @_held
    def offices(self, actor_ids: Iterable[str]) -> dict[str, str | None]:
        """actor_id -> office, of the given stored actors."""
        ids = sorted(set(actor_ids))
        if not ids:
            return {}
        return dict(self._con.execute("SELECT actor_id, office FROM actors WHERE actor_id IN (SELECT unnest(?::VARCHAR[]))",
                                      [ids]).fetchall())

    @_held
    def story_of(self) -> dict[str, str]:
        """doc_id -> story_id for every stored document."""
        return dict(self._con.execute("SELECT doc_id, story_id FROM documents ORDER BY doc_id").fetchall())

    @_held
    def known_people(self) -> list[Actor]:
        """People with a country (the cross-document actor memory of a run), in actor_id order."""
        rows = self._con.execute(
            "SELECT actor_id, name, country, sector, kind, office FROM actors "
            "WHERE kind = 'person' AND country IS NOT NULL ORDER BY actor_id").fetchall()
        return [Actor(actor_id=r[0], name=r[1], country=r[2], sector=r[3], kind=r[4], office=r[5]) for r in rows]

    @_held
    def meta(self) -> dict[str, str]:
        """The `meta` table: schema_version, created_by."""
        return dict(self._con.execute("SELECT key, value FROM meta ORDER BY key").fetchall())

    @_held
    def rejection_reasons(self, limit: int = 20) -> list[tuple[str, int, str]]:
        """(reason, count, fix) of the rejections, most frequent first."""
        return [tuple(r) for r in self._con.execute(
            "SELECT reason, count(*) AS n, any_value(fix) FROM rejections GROUP BY reason "
            "ORDER BY n DESC, reason LIMIT ?", [limit]).fetchall()]

    @_held
    def counts(self) -> dict[str, int]:
        """Rows per table."""
        return {t: self._first(f"SELECT count(*) FROM {t}")[0] for t in TABLE_NAMES}

    @_held
    def summary(self, top: int = 10) -> StoreSummary:
        """Documents, events by type, the `top` dyads of occurred events, actors and quotes."""
        counts = self.counts()
        by_type = self._con.execute(
            "SELECT type, count(*) AS n FROM events GROUP BY type ORDER BY n DESC, type").fetchall()
        dyads = self._con.execute(
            "SELECT source_country, target_country, count(*) AS n FROM events WHERE status = ? "
            "GROUP BY ALL ORDER BY n DESC, source_country NULLS LAST, target_country NULLS LAST LIMIT ?",
            [OCCURRED, top]).fetchall()
        return StoreSummary(
            documents=counts["documents"],
            events=counts["events"],
            events_by_type=tuple((t, n) for t, n in by_type),
            top_dyads=tuple(((s, t), n) for s, t, n in dyads),
            actors=counts["actors"],
            quotes=counts["quotes"],
        )

    # -- export -------------------------------------------------------------------------------

    def _export_sql(self, table: str, columns: Sequence[str]) -> str:
        known = {c.name for c in _columns(table)}
        unknown = [c for c in columns if c not in known]
        if unknown:
            raise StoreError(f"table {table} has no column {', '.join(unknown)}")
        return f"SELECT {', '.join(_q(c) for c in columns)} FROM {table} ORDER BY {_order(table)}"

    def rows(self, table: str, columns: Sequence[str], chunk: int = 10_000) -> Iterator[tuple]:
        """The table's `columns`, row by row, in a stable order; streamed in chunks (a separate
        cursor, so the store can be used while the rows are being read)."""
        with self.session():
            cur = self._con.cursor()
            try:
                cur.execute(self._export_sql(table, columns))
                while batch := cur.fetchmany(chunk):
                    yield from batch
            finally:
                cur.close()

    @_held
    def write_parquet(self, table: str, columns: Sequence[str], out: Path) -> int:
        """Write the table's `columns` to the Parquet file `out` (rows in a stable order);
        returns the number of rows."""
        sql = self._export_sql(table, columns)
        try:
            self._con.sql(sql).write_parquet(str(out))
        except duckdb.Error as err:
            raise StoreError(f"cannot write {out}: {err}. Check that its folder exists and is writable") from err
        return self._first(f"SELECT count(*) FROM {table}")[0]


# -- rows <-> records -------------------------------------------------------------------------

_ACTOR_UPSERT = """ON CONFLICT (actor_id) DO UPDATE SET
    name = coalesce(actors.name, excluded.name),
    country = coalesce(actors.country, excluded.country),
    sector = coalesce(actors.sector, excluded.sector),
    kind = coalesce(actors.kind, excluded.kind),
    office = coalesce(actors.office, excluded.office),
    aliases = list_sort(list_distinct(list_concat(actors.aliases, excluded.aliases))),
    mentions = actors.mentions + excluded.mentions,
    documents = actors.documents + excluded.documents,
    first_seen = least(actors.first_seen, excluded.first_seen),
    last_seen = greatest(actors.last_seen, excluded.last_seen)"""


def _document_row(cd: CodedDocument, run_id: str, now: datetime, story_of: Mapping[str, str]) -> tuple:
    d = cd.document
    inferred = cd.inferred_published or (None, None)
    return (d.doc_id, d.content_hash, d.title, d.published, d.date_source, d.url, d.outlet, d.input, d.record,
            d.fmt, d.text, cd.n_sentences, len(cd.events), run_id, now, story_of.get(d.doc_id), *inferred,
            [t for t, _ in cd.terms], [c for _, c in cd.terms])


def _ref_values(ref: ActorRef | None) -> tuple:
    if ref is None:
        return (None,) * 7
    return (ref.actor_id, ref.name, ref.country, ref.sector, ref.text, ref.start, ref.end)


def _event_row(e: Event, run_id: str, incident_of: Mapping[str, str]) -> tuple:
    loc = e.location
    location = (loc.name, loc.country, loc.text, loc.start, loc.end) if loc else (None,) * 5
    return (e.doc_id, e.event_id, e.type, e.mode, e.quad, e.cameo_root, e.status, e.date.value,
            e.date.precision, e.date.source, e.date.text, e.date.start, e.date.end,
            *_ref_values(e.source), *_ref_values(e.target), *_ref_values(e.via), *location,
            e.evidence, e.start, e.end, e.trigger, e.trigger_start, e.trigger_end, e.confidence,
            e.coder_version, e.rule, run_id, incident_of.get(e.event_id))


STORY_ACTORS = 5  # the named actors a story row lists


# Dates are ISO text of day, month or year precision ('2024-03-13', '2024-03', '2024'). Compared
# with a day, a month or year must count as its first or last day: '2024-03' >= '2024-03-06' is
# false as text, though March reaches the 6th. Padding with 00 and 99 keeps text comparisons right.
def _first_day(column: str) -> str:
    return f"CASE length({column}) WHEN 7 THEN {column} || '-00' WHEN 4 THEN {column} || '-00-00' ELSE {column} END"


def _last_day(column: str) -> str:
    return f"CASE length({column}) WHEN 7 THEN {column} || '-99' WHEN 4 THEN {column} || '-99-99' ELSE {column} END"


def _overlaps(column: str) -> str:
    """SQL: the days of `column` meet the ISO days $3 to $4."""
    return f"({_last_day(column)} >= $3 AND {_first_day(column)} <= $4)"


# an office holder the text did not name ("Top Adviser of Iran"): not a named actor (schema.unnamed, in SQL)
_UNNAMED_SQL = "(a.office IS NOT NULL AND starts_with(lower(a.name), lower(a.office)))"
_NAMED_SQL = f"a.kind IN ({', '.join(repr(k) for k in NAMED_KINDS)}) AND NOT {_UNNAMED_SQL}"

_PARTY_SQL = "e.{r}_actor_id, e.{r}_name, e.{r}_country, {a}.kind, {a}.office"
# An event as incidents compare it (EventMention): its document's outlet and dates, its actors' kind and office.
_MENTIONS_SQL = f"""
    SELECT e.event_id, e.doc_id, d.outlet, d.published, e.type, e.mode, e.status, e.date, e.date_precision,
           e.date_source, e.incident_id, d.inferred_from, d.inferred_to, {_PARTY_SQL.format(r="source", a="sa")},
           {_PARTY_SQL.format(r="target", a="ta")}, {_PARTY_SQL.format(r="via", a="va")}
    FROM events e JOIN documents d USING (doc_id)
    LEFT JOIN actors sa ON sa.actor_id = e.source_actor_id
    LEFT JOIN actors ta ON ta.actor_id = e.target_actor_id
    LEFT JOIN actors va ON va.actor_id = e.via_actor_id"""


def _event_mentions(rows: Sequence[tuple]) -> list[EventMention]:
    out = []
    for r in rows:
        parties = [Party(r[k], r[k + 1], r[k + 2], r[k + 3] or "person", r[k + 4]) if r[k] is not None else None
                   for k in (13, 18, 23)]
        out.append(EventMention(*r[:10], *parties, incident_id=r[10], inferred=(r[11], r[12]) if r[11] else None))
    return out


def _party_values(p: Party | None) -> tuple:
    return (p.actor_id, p.name, p.country) if p is not None else (None, None, None)


def _incident_row(i: Incident) -> tuple:
    return (i.incident_id, i.type, i.mode, i.status, *_party_values(i.source), *_party_values(i.target),
            *_party_values(i.via), i.date, i.date_precision, i.date_reports, i.dated_reports, i.num_mentions,
            i.num_documents, i.num_sources, i.first_reported, list(i.doc_ids))


def _quote_row(q: Quote) -> tuple:
    return (q.quote_id, q.doc_id, *_ref_values(q.speaker), q.text, q.start, q.end, q.direct, q.cue)


def _actor_rows(coded: Sequence[CodedDocument]) -> list[tuple]:
    """One row per actor_id of the batch, already merged across its documents (an upsert may
    touch a row only once per statement)."""
    merged: dict[str, list] = {}
    for cd in coded:
        published = cd.document.published
        n_mentions: dict[str, int] = {}
        for m in cd.mentions:
            n_mentions[m.actor_id] = n_mentions.get(m.actor_id, 0) + 1
        for a in {a.actor_id: a for a in cd.actors}.values():
            row = merged.get(a.actor_id)
            if row is None:
                merged[a.actor_id] = [a.actor_id, a.name, a.country, a.sector, a.kind, a.office, set(a.aliases),
                                      n_mentions.get(a.actor_id, 0), 1, published, published]
                continue
            for i, value in enumerate((a.name, a.country, a.sector, a.kind, a.office), 1):
                row[i] = row[i] if row[i] is not None else value
            row[6] |= set(a.aliases)
            row[7] += n_mentions.get(a.actor_id, 0)
            row[8] += 1
            seen = [p for p in (row[9], row[10], published) if p is not None]
            row[9], row[10] = (min(seen), max(seen)) if seen else (None, None)
    return [(*row[:6], sorted(row[6]), *row[7:]) for row in merged.values()]


def _actor_ref(r: Mapping[str, object], role: str) -> ActorRef | None:
    if r[f"{role}_actor_id"] is None:
        return None
    return ActorRef(*(r[f"{role}_{f}"] for f in ("actor_id", "name", "country", "sector", "text", "start", "end")))


def _event(r: Mapping[str, object]) -> Event:
    location = None
    if r["location_name"] is not None:
        location = Location(r["location_name"], r["location_country"], r["location_text"], r["location_start"],
                            r["location_end"])
    return Event(
        event_id=r["event_id"], doc_id=r["doc_id"], type=r["type"], mode=r["mode"], quad=r["quad"],
        cameo_root=r["cameo_root"], status=r["status"],
        date=EventDate(r["date"], r["date_precision"], r["date_source"], r["date_text"], r["date_start"],
                       r["date_end"]),
        source=_actor_ref(r, "source"), target=_actor_ref(r, "target"), via=_actor_ref(r, "via"),
        location=location, evidence=r["evidence"], start=r["start"], end=r["end"], trigger=r["trigger"],
        trigger_start=r["trigger_start"], trigger_end=r["trigger_end"], confidence=r["confidence"],
        coder_version=r["coder_version"], rule=r["rule"] or "",
    )



def _quote(r: Mapping[str, object]) -> Quote:
    return Quote(r["quote_id"], r["doc_id"], _actor_ref(r, "speaker"), r["text"], r["start"], r["end"], r["direct"],
                 r["cue"])


def _story(r: Mapping[str, object]) -> Story:
    return Story(r["story_id"], r["title"], r["first_published"], r["last_published"], r["num_documents"],
                 r["num_sources"], r["num_incidents"], tuple(r["actors"] or ()), tuple(r["doc_ids"] or ()))
