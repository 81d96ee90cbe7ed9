"""Export a table of the store as JSONL, CSV, TSV or Parquet. Reads a `Store`; writes a file or stdout.

The column names below are a contract: scripts depend on them. The text from here to the end
of this docstring is docs/EXPORT.md.

# Export formats and columns

`dragoman export TABLE [--db FILE] [--format jsonl|csv|tsv|parquet] [-o FILE|-]`

Tables: `events`, `quotes`, `actors`, `documents`, `rejections`, `incidents`, `stories`,
`messages`, `channels`. Formats:

- **jsonl** (default): one JSON object per line, UTF-8 (non-ASCII characters kept as they are).
  Roles (`source`, `target`, `via`), `location` and `speaker` are nested objects, or `null`
  when absent. Lists are JSON arrays. Missing values are `null`.
- **csv** and **tsv**: a header row, then one row per record, UTF-8, `\\n` line ends, written
  with Python's `csv` module (a field holding the separator, a quote mark or a line break is
  put in double quotes, so read TSV with a CSV reader: `pandas.read_csv(f, sep="\\t")`).
  Nested objects are flattened to `role_field` columns (`source_name`, `location_country`,
  `speaker_sector`, ...). Lists are joined with `|` (vertical bar). Missing values are empty
  fields; booleans are `true`/`false`; timestamps are ISO 8601.
- **parquet**: the flat columns of CSV with native types (integers, doubles, booleans,
  timestamps; `aliases`, `actors`, `doc_ids` and the other list columns are lists). Needs `-o FILE`.

A list of objects (a message's `carriers` and `evidence`, a channel's `carriers`) is a JSON array
of objects in JSONL, and one list column per field in the flat formats, all of the same length:
`carriers` [{`name`, `role`}, ...] becomes `carrier_names`, `carrier_roles`, ... (the `i`-th
items go together).

Rows come in a stable order: events and quotes by `doc_id` then `start`; actors by `actor_id`;
documents by `doc_id`; rejections by time; incidents by `first_reported` then `incident_id`;
stories by `first_published` then `story_id`; messages by `date` then `message_id` (undated last);
channels by `first_date` then `channel_id`. Character offsets (`start`, `end`, `*_start`, `*_end`)
index the document's `text` (see the documents table), counted in Unicode code points (Python
string indices), end exclusive: `text[start:end]` is the text a field claims.

## events
One row per coded event, including events that did not happen (see `status`).

| column | meaning |
|---|---|
| `doc_id` | the document the event was coded from |
| `event_id` | unique id, `DOC_ID:eN` |
| `type` | PLOVER event type (`CONSULT`, `AGREE`, `SUPPORT`, `ACCUSE`, `ASSAULT`, ...) |
| `mode` | PLOVER mode of the type (e.g. `visit` for CONSULT), or null |
| `quad` | 1 verbal cooperation, 2 material cooperation, 3 verbal conflict, 4 material conflict |
| `cameo_root` | the nearest two-digit CAMEO root, for GDELT/ICEWS users, or null |
| `status` | `occurred`, `future`, `hypothetical` or `negated`; only `occurred` events happened |
| `date` | when the event happened: `YYYY-MM-DD`, `YYYY-MM`, `YYYY`, or null when unknown |
| `date_precision` | `day`, `month`, `year`, or null |
| `date_source` | `sentence` (a date expression in the evidence), `publication` (the document's publication date), `inferred` (an undated document: the expression, or the publication, read against the publication window inferred from its story; see documents), `unresolved` (no date, or a relative date with nothing to anchor it) |
| `source` | the actor who acts: `{name, country, sector, text, start, end}` or null |
| `target` | the actor acted upon, same shape, or null |
| `via` | the intermediary who carried a message, same shape, or null |
| `location` | where it happened: `{name, country, text, start, end}` or null |
| `evidence` | the sentence the event was coded from |
| `start`, `end` | offsets of the evidence sentence in the document text |
| `trigger` | the word that triggered the event |
| `confidence` | the coder's confidence, 0 to 1 |
| `coder_version` | version of the coder and rule set that produced the event |
| `trigger_start`, `trigger_end` | offsets of the trigger in the document text |
| `rule` | the rule that coded the event (why it is there) |
| `incident_id` | the real-world event this report is of (see incidents), or null for hypothetical and negated events |

Fields of an actor object (`source`, `target`, `via`; CSV/TSV/Parquet `source_name`, ...):
`name` canonical name; `country` ISO 3166-1 alpha-3 code, or a code for a non-state actor
(`IGO`, `UNO`, `EUR`, ...), or null; `sector` PLOVER sector (`GOV`, `MIL`, `LEG`, `COP`, `JUD`,
`PTY`, `REB`, `CVL`, ...) or null; `text` the words that named the actor in this sentence;
`start`, `end` their offsets. Fields of `location` (`location_name`, ...): `name`, `country`,
`text`, `start`, `end`, as for actors.

## quotes
| column | meaning |
|---|---|
| `doc_id` | the document |
| `quote_id` | unique id, `DOC_ID:qN` |
| `speaker` | `{name, country, sector, text, start, end}` of the speaker: the resolved actor, and the words that name them where the quote is attributed ("he", "the Iranian diplomat") with their offsets; null when no one can be named (CSV/TSV/Parquet: `speaker_name`, `speaker_country`, ...) |
| `text` | what was said, as written (without the quote marks) |
| `start`, `end` | offsets of `text` in the document text |
| `direct` | true for words in quote marks (a whole statement or a partial quote), false for reported speech ("X said that ...", "according to X, ...") |
| `cue` | the reporting words: "said", "told reporters", "went on to say", "according to", "called"; null when the speaker was carried over from the previous quote or none was found |

## actors
One row per resolved actor, over all documents in the store.

| column | meaning |
|---|---|
| `actor_id` | stable id, the same across documents and runs |
| `name` | canonical name |
| `country` | ISO 3166-1 alpha-3 or a non-state code, or null |
| `sector` | PLOVER sector, or null |
| `aliases` | other names the actor appears under (a list; in CSV/TSV joined with vertical bars) |
| `mentions` | times the actor is named, over all documents |
| `documents` | number of documents that name the actor |
| `kind` | `person`, `country`, `organization` or `group` |
| `office` | title as given (`President`, `Foreign Minister`), or null |
| `first_seen`, `last_seen` | earliest and latest publication date of those documents, or null |

## documents
| column | meaning |
|---|---|
| `doc_id` | document id: the input's `id`, else the file name; `ID~HASH8` when an id was reused for other text |
| `title` | title, or null |
| `published` | publication date (`YYYY-MM-DD`, or `YYYY-MM`/`YYYY`), or null when undated |
| `date_source` | where `published` came from: `metadata`, `dateline`, `option` (`--published`), `none` |
| `url` | the article's URL, or null |
| `outlet` | the publisher, or null |
| `input` | the input file it was read from (`-` for stdin) |
| `record` | where in the input: a JSONL line number, a WARC record id, ..., or null |
| `content_hash` | SHA-256 of `text`; the same content is coded once |
| `n_sentences` | sentences parsed |
| `n_events` | events coded |
| `story_id` | the story the document belongs to (see stories) |
| `inferred_from`, `inferred_to` | for an undated document in a story with dated documents: the first and last day (`YYYY-MM-DD`) it was probably published, inferred from the documents of the story it resembles; null otherwise (`published` stays null: it is an estimate, not a date the source gives) |
| `text` | the text exactly as ingested; every offset indexes it |

## incidents
One row per real-world event, merging every report of it across documents (GDELT's events table;
the events table is its mentions table, joined by `incident_id`). How reports are matched:
`src/dragoman/incidents.py`.

| column | meaning |
|---|---|
| `incident_id` | stable id, `i-` and 16 hex digits |
| `type`, `mode` | PLOVER type and mode, from the best dated report |
| `status` | `occurred` when a report says it happened, else `future` (only planned so far) |
| `source`, `target`, `via` | `{actor_id, name, country}`: the most specific actor the reports give each role (a named person before an office holder, a country last; a named sender before the carrier of the message, who is then `via`), or null |
| `date`, `date_precision` | the date of the best supported report: reports that it happened before plans, a date in the sentence before a publication date, the most precise, the one most documents agree with |
| `date_reports` | documents whose own date agrees with `date` |
| `dated_reports` | documents that give the event a date (so `date_reports` of `dated_reports` agree) |
| `num_mentions` | event rows (reports, several per document possible) |
| `num_documents` | documents that report it |
| `num_sources` | distinct outlets among them (a document without an outlet counts as its own) |
| `first_reported` | earliest publication date of those documents, or null |
| `doc_ids` | the documents (a list; in CSV/TSV joined with vertical bars) |

## stories
One row per story: documents about the same story (a visit and what was said of it), found from
shared incidents and actors, closeness in time and text similarity. How documents are matched:
`src/dragoman/stories.py`.

| column | meaning |
|---|---|
| `story_id` | stable id, `s-` and 16 hex digits |
| `title` | the headline of its earliest dated document (of an undated one when none is dated) |
| `first_published`, `last_published` | earliest and latest publication date of its dated documents, or null |
| `num_documents` | documents in the story |
| `num_sources` | distinct outlets among them (a document without an outlet counts as its own) |
| `num_incidents` | incidents its documents report |
| `actors` | the named people and organisations most of its documents mention, most first (at most five; a list) |
| `doc_ids` | its documents (a list; in CSV/TSV joined with vertical bars) |

## messages
One row per diplomatic message (a letter, note or reply), joined across every report of it: who
sent it to whom, who carried it and who received it on the recipient's behalf, when, about what,
and the message it answers. How reports are read and joined: `src/dragoman/messages.py` and
`src/dragoman/channels.py`.

| column | meaning |
|---|---|
| `message_id` | stable id, `m-` and 16 hex digits |
| `kind` | the word the reports use most: `message`, `letter`, `note`, `missive`, `reply`, `response` |
| `reply` | true when it answers another message |
| `status` | `occurred` when a report says it was sent or delivered, else `future` (planned), `hypothetical` or `negated` |
| `sender`, `recipient` | the principals: `{actor_id, name, country, sector}` (CSV/TSV/Parquet: `sender_actor_id`, `sender_name`, ...), or null when no report names one |
| `carriers` | in order, who carried it (`role` `carried`: an envoy, a minister, an ambassador) and then who received it for the recipient (`role` `received`: "Volodin, as Putin's representative"): a list of `{actor_id, name, country, sector, role}` (flat: `carrier_actor_ids`, `carrier_names`, `carrier_countries`, `carrier_sectors`, `carrier_roles`) |
| `chain` | the way it went as text: `Ali Khamenei -> [Mohammad Baqer Qalibaf -> Vyacheslav Volodin] -> Vladimir Putin` |
| `date` | `sent_date`, else `delivered_date`: what orders a channel's messages |
| `sent_date`, `delivered_date` | the dates a report's sentence gives its sending and its delivery (`YYYY-MM-DD`, `YYYY-MM`, `YYYY`), the most precise; null when no sentence dates it (a publication date is never taken for either) |
| `topic` | what it is about, a short phrase from the text ("strategic issues", "the JCPOA"), or null |
| `in_reply_to` | for a reply, the `message_id` of the message it answers (named in the reply's document, else the latest earlier message the other way between the same principals), or null when none is known |
| `channel_id` | the channel of its two principals (see channels), or null when one is unknown or the message was only imagined or denied (`hypothetical`, `negated`) |
| `num_reports`, `num_documents` | the document accounts it was joined from, and their documents |
| `report_ids`, `doc_ids` | those accounts (`DOC_ID:mN`) and documents (lists) |
| `evidence` | the sentences behind each field: a list of `{doc_id, field, start, end, text}`, `field` one of `sender`, `recipient`, `carrier`, `sent_date`, `delivered_date`, `topic`, `reply` (the sentence names the message it answers); `start`, `end` are the sentence's offsets in that document (flat: `evidence_doc_ids`, `evidence_fields`, `evidence_starts`, `evidence_ends`, `evidence_texts`) |

## channels
One row per pair of principals that exchanged messages, either way.

| column | meaning |
|---|---|
| `channel_id` | stable id, `c-` and 16 hex digits |
| `a`, `b` | the two principals, `{actor_id, name, country, sector}`, in `actor_id` order (flat: `a_actor_id`, `a_name`, ...) |
| `num_messages`, `num_replies` | messages sent or planned either way (not the hypothetical or denied ones), and how many of them are replies |
| `carriers` | who carried or received its messages and how many: a list of `{name, count}`, most first (flat: `carrier_names`, `carrier_counts`) |
| `median_reply_days` | the median days from a message to its reply (each dated by `date`; a date known only to the month or year counts from its first day), over the replies whose original is known, or null |
| `first_date`, `last_date` | the earliest and latest message date |
| `message_ids` | those messages in time order (a list) |

## rejections
One row per input (or record of an input) that could not be coded.

| column | meaning |
|---|---|
| `run_id` | the run that met it |
| `input` | the input file (`-` for stdin) |
| `record` | the record within it, or null |
| `reason` | why it could not be coded |
| `fix` | what to do about it |
| `at` | when (UTC, ISO 8601) |
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import IO

from .errors import UsageError
from .store import Store

TABLES = ("events", "quotes", "actors", "documents", "rejections", "incidents", "stories", "messages", "channels")
FORMATS = ("jsonl", "csv", "tsv", "parquet")

# The contract: top-level fields per table, in order. A field named in NESTED is an object in
# JSONL and `field_sub` columns in the flat formats.
EVENTS = ("doc_id", "event_id", "type", "mode", "quad", "cameo_root", "status", "date", "date_precision",
          "date_source", "source", "target", "via", "location", "evidence", "start", "end", "trigger",
          "confidence", "coder_version", "trigger_start", "trigger_end", "rule", "incident_id")
QUOTES = ("doc_id", "quote_id", "speaker", "text", "start", "end", "direct", "cue")
ACTORS = ("actor_id", "name", "country", "sector", "aliases", "mentions", "documents", "kind", "office",
          "first_seen", "last_seen")
DOCUMENTS = ("doc_id", "title", "published", "date_source", "url", "outlet", "input", "record", "content_hash",
             "n_sentences", "n_events", "story_id", "inferred_from", "inferred_to", "text")
REJECTIONS = ("run_id", "input", "record", "reason", "fix", "at")
INCIDENTS = ("incident_id", "type", "mode", "status", "source", "target", "via", "date", "date_precision",
             "date_reports", "dated_reports", "num_mentions", "num_documents", "num_sources", "first_reported",
             "doc_ids")
STORIES = ("story_id", "title", "first_published", "last_published", "num_documents", "num_sources",
           "num_incidents", "actors", "doc_ids")

MESSAGES = ("message_id", "kind", "reply", "status", "sender", "recipient", "carriers", "chain", "date", "sent_date",
            "delivered_date", "topic", "in_reply_to", "channel_id", "num_reports", "num_documents", "report_ids",
            "doc_ids", "evidence")
CHANNELS = ("channel_id", "a", "b", "num_messages", "num_replies", "carriers", "median_reply_days", "first_date",
            "last_date", "message_ids")

ROLE_FIELDS = ("name", "country", "sector", "text", "start", "end")
LOCATION_FIELDS = ("name", "country", "text", "start", "end")
SPEAKER_FIELDS = ("name", "country", "sector", "text", "start", "end")
PARTY_FIELDS = ("actor_id", "name", "country")
NESTED = (("source", ROLE_FIELDS), ("target", ROLE_FIELDS), ("via", ROLE_FIELDS),
          ("location", LOCATION_FIELDS), ("speaker", SPEAKER_FIELDS))
INCIDENT_NESTED = (("source", PARTY_FIELDS), ("target", PARTY_FIELDS), ("via", PARTY_FIELDS))
PRINCIPAL_FIELDS = ("actor_id", "name", "country", "sector")
# Lists of objects: in JSONL one array of objects, in the flat formats one list column per field
# (`carrier_names`, `evidence_texts`, ...), all of the same length.
LISTED = {
    "messages": (("carriers", "carrier", ("actor_id", "name", "country", "sector", "role")),
                 ("evidence", "evidence", ("doc_id", "field", "start", "end", "text"))),
    "channels": (("carriers", "carrier", ("name", "count")),),
}

LIST_SEPARATOR = "|"  # joins lists (actor aliases) in CSV/TSV


def fields(table: str) -> tuple[str, ...]:
    """The top-level JSONL field names of `table`."""
    _check(table, "jsonl")
    return dict(zip(TABLES, (EVENTS, QUOTES, ACTORS, DOCUMENTS, REJECTIONS, INCIDENTS, STORIES, MESSAGES,
                             CHANNELS)))[table]


def _nested(table: str) -> dict[str, tuple[str, ...]]:
    if table == "messages":
        return {"sender": PRINCIPAL_FIELDS, "recipient": PRINCIPAL_FIELDS}
    if table == "channels":
        return {"a": PRINCIPAL_FIELDS, "b": PRINCIPAL_FIELDS}
    return dict(INCIDENT_NESTED if table == "incidents" else NESTED)


def _listed(table: str) -> dict[str, tuple[str, tuple[str, ...]]]:
    return {name: (prefix, subs) for name, prefix, subs in LISTED.get(table, ())}


def _list_column(prefix: str, sub: str) -> str:
    return f"{prefix}_{sub[:-1]}ies" if sub.endswith("y") else f"{prefix}_{sub}s"


def columns(table: str) -> tuple[str, ...]:
    """The flat column names of `table` (CSV, TSV, Parquet): nested objects become `field_sub`,
    lists of objects one list column per field (`carrier_names`)."""
    nested, listed = _nested(table), _listed(table)
    out: list[str] = []
    for f in fields(table):
        if f in nested:
            out += [f"{f}_{s}" for s in nested[f]]
        elif f in listed:
            prefix, subs = listed[f]
            out += [_list_column(prefix, s) for s in subs]
        else:
            out.append(f)
    return tuple(out)


def export(store: Store, table: str, fmt: str, out: Path | None) -> int:
    """Write `table` of `store` in `fmt` to the file `out` (None: stdout). Returns the rows written."""
    _check(table, fmt)
    if out is not None and not out.parent.is_dir():
        raise UsageError(f"cannot write {out}: no such folder {out.parent}. Check the -o path")
    if fmt == "parquet":
        if out is None:
            raise UsageError(f"parquet needs -o FILE, e.g. -o {table}.parquet")
        return store.write_parquet(table, columns(table), out)
    if out is None:
        return _write(store, table, fmt, sys.stdout)
    try:
        with open(out, "w", encoding="utf-8", newline="") as fh:
            return _write(store, table, fmt, fh)
    except OSError as err:
        raise UsageError(f"cannot write {out}: {err.strerror or err}. Check the -o path") from err


def _check(table: str, fmt: str) -> None:
    if table not in TABLES:
        raise UsageError(f"no table {table!r} to export; choose one of {', '.join(TABLES)}")
    if fmt not in FORMATS:
        raise UsageError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")


def _write(store: Store, table: str, fmt: str, fh: IO[str]) -> int:
    flat = columns(table)
    rows = store.rows(table, flat)
    n = 0
    if fmt == "jsonl":
        top, nested, listed = fields(table), _nested(table), _listed(table)
        for row in rows:
            record = _nest(dict(zip(flat, row)), top, nested, listed)
            fh.write(json.dumps(record, ensure_ascii=False, default=_json_value))
            fh.write("\n")
            n += 1
        return n
    writer = csv.writer(fh, delimiter="," if fmt == "csv" else "\t", lineterminator="\n")
    writer.writerow(flat)
    for row in rows:
        writer.writerow([_flat_value(v) for v in row])
        n += 1
    return n


def _nest(flat: dict[str, object], top: Sequence[str], nested: dict[str, tuple[str, ...]],
          listed: dict[str, tuple[str, tuple[str, ...]]] | None = None) -> dict[str, object]:
    """A flat row as a JSONL record: `role_*` columns folded into an object, null when the role's
    `name` is null (every actor and location has a name); list columns zipped into a list of
    objects."""
    record: dict[str, object] = {}
    listed = listed or {}
    for f in top:
        if f in nested:
            record[f] = None if flat[f"{f}_name"] is None else {s: flat[f"{f}_{s}"] for s in nested[f]}
        elif f in listed:
            prefix, subs = listed[f]
            values = [flat[_list_column(prefix, s)] or [] for s in subs]
            record[f] = [dict(zip(subs, item)) for item in zip(*values)]
        else:
            record[f] = flat[f]
    return record


def _json_value(value: object) -> object:
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def _flat_value(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, list):
        return LIST_SEPARATOR.join(str(v) for v in value)
    return value
