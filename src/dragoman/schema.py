"""Typed records passed between the stages.

Every record is a frozen dataclass: stages read records and return new ones, never mutate
them. Character offsets (`start`, `end`) always index the document's original `text`
(`Document.text`), end exclusive, so `doc.text[start:end]` is the text a record claims.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Event statuses, PLOVER's auxiliary modes: only OCCURRED events have happened.
OCCURRED = "occurred"
FUTURE = "future"
HYPOTHETICAL = "hypothetical"
NEGATED = "negated"
STATUSES = (OCCURRED, FUTURE, HYPOTHETICAL, NEGATED)

# Where a document's publication date came from.
DATE_FROM_METADATA = "metadata"  # a field of the input (JSON, HTML meta, WARC header, --meta)
DATE_FROM_DATELINE = "dateline"  # a date line near the top of the text
DATE_FROM_OPTION = "option"  # --published on the command line
DATE_NONE = "none"  # undated: never guessed

# Where an event's date came from.
EVENT_DATE_SENTENCE = "sentence"  # a temporal expression in the evidence sentence
EVENT_DATE_PUBLICATION = "publication"  # no expression: the publication date
EVENT_DATE_UNRESOLVED = "unresolved"  # relative expression or no date, and nothing to anchor it
EVENT_DATE_INFERRED = "inferred"  # undated document: read against the publication window its story implies


@dataclass(frozen=True)
class Document:
    """One input article, as ingested. `text` is kept exactly; all offsets index it."""

    doc_id: str
    text: str
    content_hash: str  # sha256 of `text`: the same content is coded once
    title: str | None = None
    published: str | None = None  # YYYY-MM-DD (or YYYY-MM / YYYY when that is all we know)
    date_source: str = DATE_NONE
    url: str | None = None
    outlet: str | None = None
    input: str = "-"  # path of the input file, or "-" for stdin
    record: str | None = None  # line number in a JSONL file, record id in a WARC, ...
    fmt: str = "text"  # text | html | json | warc


@dataclass(frozen=True)
class Rejection:
    """An input (or one record of it) that could not be coded, and what to do about it."""

    input: str
    reason: str
    fix: str
    record: str | None = None
    content_hash: str | None = None  # of a document rejected after it was read (not stored)


@dataclass(frozen=True)
class Block:
    """A paragraph-sized region of a document, kept or dropped by the cleaner."""

    start: int
    end: int
    kind: str  # "title" | "dateline" | "body" | "boilerplate"
    reason: str | None = None  # why a block was dropped


@dataclass(frozen=True)
class CleanDocument:
    document: Document
    blocks: tuple[Block, ...]

    @property
    def kept(self) -> tuple[Block, ...]:
        return tuple(b for b in self.blocks if b.kind in ("title", "body"))


@dataclass(frozen=True)
class Actor:
    """A resolved actor: one person, organisation, country or group."""

    actor_id: str
    name: str  # canonical name
    country: str | None  # ISO 3166-1 alpha-3, or IGO/UNO/EUR/... codes for non-state actors
    sector: str | None  # PLOVER sector: GOV, MIL, LEG, COP, JUD, PTY, REB, CVL, ...
    kind: str  # "person" | "country" | "organization" | "group"
    office: str | None = None  # title as given: "President", "Ambassador to Iran"
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Mention:
    """One place in a document where an actor is named or referred to."""

    actor_id: str
    text: str
    start: int
    end: int
    how: str  # "name" | "title" | "country" | "demonym" | "metonym" | "nominal" | "pronoun" | "description"


# PLOVER sectors whose actors take part in political events even without a known country.
POLITICAL_SECTORS = frozenset({"GOV", "MIL", "LEG", "COP", "JUD", "PTY", "REB", "CVL", "OPP", "SPY", "PRM", "UAF",
                               "REF", "PRE", "REL", "LAB", "JRN", "ELI"})


@dataclass(frozen=True)
class ActorRef:
    """An actor in one role of an event or quote: who it is plus the words that named it."""

    actor_id: str
    name: str
    country: str | None
    sector: str | None
    text: str
    start: int
    end: int

    @property
    def political(self) -> bool:
        """A state's actor (it has a country) or one of a political sector: what event data is about,
        unlike a football manager or a wine company."""
        return self.country is not None or self.sector in POLITICAL_SECTORS


@dataclass(frozen=True)
class Location:
    name: str
    country: str | None
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class EventDate:
    value: str | None  # YYYY-MM-DD | YYYY-MM | YYYY | None
    precision: str | None  # "day" | "month" | "year" | None
    source: str  # EVENT_DATE_*
    text: str | None = None  # the expression it came from ("on Saturday")
    start: int | None = None
    end: int | None = None


@dataclass(frozen=True)
class Event:
    event_id: str
    doc_id: str
    type: str  # PLOVER type
    mode: str | None
    quad: int  # 1 verbal coop, 2 material coop, 3 verbal conflict, 4 material conflict
    cameo_root: str | None  # two-digit CAMEO root for GDELT/ICEWS users
    status: str  # one of STATUSES
    date: EventDate
    source: ActorRef | None
    target: ActorRef | None
    via: ActorRef | None
    location: Location | None
    evidence: str  # the sentence
    start: int  # offsets of the sentence
    end: int
    trigger: str
    trigger_start: int
    trigger_end: int
    confidence: float
    coder_version: str
    rule: str = ""  # which rule produced it: the "why" of the event


@dataclass(frozen=True)
class Quote:
    quote_id: str
    doc_id: str
    speaker: ActorRef | None
    text: str
    start: int
    end: int
    direct: bool
    cue: str | None  # the reporting words: "said", "told reporters", "according to"


# -- incidents (incidents.py) ---------------------------------------------------------------

@dataclass(frozen=True)
class Party:
    """An actor as incidents compare them."""

    actor_id: str
    name: str
    country: str | None
    kind: str  # person | country | organization | group
    office: str | None

    @property
    def unnamed(self) -> bool:
        return unnamed(self.name, self.office)


def unnamed(name: str, office: str | None) -> bool:
    """An office holder the text did not name ("Top Adviser of Iran"): the name is the office's."""
    return bool(office) and name.lower().startswith(office.lower())


@dataclass(frozen=True)
class EventMention:
    event_id: str
    doc_id: str
    outlet: str | None
    published: str | None
    type: str
    mode: str | None
    status: str
    date: str | None
    date_precision: str | None
    date_source: str
    source: Party | None
    target: Party | None
    via: Party | None
    incident_id: str | None = None  # set for members already in the store
    inferred: tuple[str, str] | None = None  # an undated document's inferred publication window


@dataclass(frozen=True)
class Incident:
    incident_id: str
    type: str
    mode: str | None
    status: str  # occurred when any report says it happened, else future
    source: Party | None
    target: Party | None
    via: Party | None
    date: str | None
    date_precision: str | None
    date_reports: int  # documents whose own date agrees with `date`
    dated_reports: int  # documents that give the event a date
    num_mentions: int
    num_documents: int
    num_sources: int  # distinct outlets (documents without an outlet count as one source each)
    first_reported: str | None  # earliest publication date of its documents
    doc_ids: tuple[str, ...]


# -- messages (messages.py, channels.py) -------------------------------------------------------

# How a carrier took part: carried the message for the sender, or received it for the recipient.
CARRIED = "carried"
RECEIVED = "received"
# The fields of a message a sentence can state (the `field` of `Evidence`).
MESSAGE_FIELDS = ("sender", "recipient", "carrier", "sent_date", "delivered_date", "topic", "reply")


@dataclass(frozen=True)
class Carrier:
    """Someone in a message's chain between sender and recipient: an envoy who carried it, or a
    person who received it on the recipient's behalf ("Volodin, as Putin's representative")."""

    actor: ActorRef
    role: str  # CARRIED | RECEIVED


@dataclass(frozen=True)
class Evidence:
    """A sentence that states a field of a message: `field` is one of MESSAGE_FIELDS; offsets of
    the sentence in its document's text."""

    doc_id: str
    field: str
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class MessageReport:
    """One document's account of one message (a letter, a note, a reply), gathered from every
    sentence of the document that speaks of it (messages.py)."""

    report_id: str  # DOC_ID:mN
    doc_id: str
    kind: str  # the word the text uses: message, letter, note, reply, response, ...
    reply: bool  # it answers another message
    status: str  # occurred: sent or delivered; future: planned; hypothetical; negated
    sender: ActorRef | None
    recipient: ActorRef | None
    carriers: tuple[Carrier, ...]  # in order: who carried it, then who received it for the recipient
    sender_kind: str | None  # person | country | organization | group, of the sender's actor
    recipient_kind: str | None
    sent_date: EventDate | None
    delivered_date: EventDate | None
    topic: str | None  # a short phrase of the text: "strategic issues", "the JCPOA"
    topic_start: int | None
    topic_end: int | None
    replies_to: str | None  # report_id of the message it answers, when the same document says
    evidence: tuple[Evidence, ...]
    published: str | None = None  # its document's publication date (for matching across documents)
    outlet: str | None = None


@dataclass(frozen=True)
class Principal:
    """An actor as a message across documents names it (no one report's words)."""

    actor_id: str
    name: str
    country: str | None
    sector: str | None


@dataclass(frozen=True)
class Envoy:
    """A carrier of a message across documents: CARRIED or RECEIVED."""

    actor: Principal
    role: str


@dataclass(frozen=True)
class Message:
    """A message across every report of it (channels.py): who sent it to whom, through whom, when,
    about what, and the message it answers."""

    message_id: str  # m- and 16 hex digits
    kind: str
    reply: bool
    status: str  # occurred when any report says it was sent or delivered, else the reports' status
    sender: Principal | None
    recipient: Principal | None
    carriers: tuple[Envoy, ...]  # who carried it, then who received it for the recipient
    sent_date: str | None
    delivered_date: str | None
    topic: str | None
    in_reply_to: str | None  # message_id of the message it answers
    channel_id: str | None  # the pair of principals it passed between
    report_ids: tuple[str, ...]
    doc_ids: tuple[str, ...]
    evidence: tuple[Evidence, ...]

    @property
    def date(self) -> str | None:
        """When it was sent, else delivered: what orders a channel's messages."""
        return self.sent_date or self.delivered_date


@dataclass(frozen=True)
class Channel:
    """The messages between a pair of principals, in time order (channels.py)."""

    channel_id: str  # c- and 16 hex digits
    a: Principal  # the principals, in actor_id order
    b: Principal
    message_ids: tuple[str, ...]  # in time order
    num_messages: int
    num_replies: int
    carriers: tuple[tuple[str, int], ...]  # carrier name, messages carried or received, most first
    median_reply_days: float | None  # from a message to its reply, over the replies with a known original
    first_date: str | None
    last_date: str | None


# -- stories (stories.py) ---------------------------------------------------------------------

# Actors that name someone in particular; a group is a description ("firms", "the government").
NAMED_KINDS = ("person", "organization")

@dataclass(frozen=True)
class StoryDocument:
    """A document as story matching compares them."""

    doc_id: str
    published: str | None  # its own publication date (YYYY-MM-DD, YYYY-MM, YYYY) or None
    terms: tuple[tuple[int, int], ...]  # (hashed term, count) of its headline and body (stories.terms_of)
    actors: frozenset[str]  # ids of the named people and organisations it mentions
    incidents: frozenset[str]  # the incidents its events belong to
    story_id: str | None = None  # set for documents already in the store
    inferred: tuple[str, str] | None = None  # an undated stored document's inferred publication window


@dataclass(frozen=True)
class Story:
    """Documents about the same story, as the store summarises them."""

    story_id: str
    title: str | None  # the headline of its earliest dated report (else of an undated one)
    first_published: str | None
    last_published: str | None
    num_documents: int
    num_sources: int
    num_incidents: int
    actors: tuple[str, ...]  # the named actors most of its documents mention, most first
    doc_ids: tuple[str, ...]


@dataclass(frozen=True)
class Placement:
    """A batch placed among the stored documents (pipeline.across_documents): what the store
    writes with it in the same transaction."""

    coded: tuple["CodedDocument", ...]  # the batch, undated documents in dated stories re-dated
    incident_of: dict[str, str]  # event_id -> incident_id, for the batch's and the re-dated stored events
    incidents: tuple[Incident, ...]  # created or changed: their rows are replaced
    story_of: dict[str, str]  # doc_id -> story_id, for the batch
    redated: tuple[Event, ...] = ()  # stored events of undated documents their story now dates
    inferred: dict[str, tuple[str, str]] = field(default_factory=dict)  # stored doc_id -> window
    dropped: tuple[str, ...] = ()  # incident ids no event belongs to any more
    # every message and channel again, from the stored and the batch's message reports; None when
    # the batch reports no message (the stored ones stand)
    messages: tuple["Message", ...] | None = None
    channels: tuple["Channel", ...] = ()


@dataclass(frozen=True)
class CodedDocument:
    """Everything the pipeline learned from one document; the store writes it atomically."""

    document: Document
    blocks: tuple[Block, ...]
    actors: tuple[Actor, ...]
    mentions: tuple[Mention, ...]
    events: tuple[Event, ...]
    quotes: tuple[Quote, ...]
    n_sentences: int = 0
    # An undated document in a dated story: the days it was probably published (ISO first, last),
    # inferred from the story (stories.py); never a publication date of its own.
    inferred_published: tuple[str, str] | None = None
    terms: tuple[tuple[int, int], ...] = ()  # what story matching compares (stories.terms_of)
    messages: tuple[MessageReport, ...] = ()  # the messages it reports (messages.py)


@dataclass(frozen=True)
class RunSummary:
    run_id: str
    coded: int = 0
    skipped: int = 0  # already in the store (same content)
    rejected: int = 0
    events: int = 0
    rejections_by_reason: dict[str, int] = field(default_factory=dict)


# -- the explorer's reads (store/explore.py), for `dragoman serve` -------------------------------

QUAD_NAMES = ("verbal_cooperation", "material_cooperation", "verbal_conflict", "material_conflict")  # quads 1-4


@dataclass(frozen=True)
class EventFilter:
    """Which events a page or API call shows; every field optional, all must hold."""

    actor: str | None = None  # an actor_id, or part of a source/target/via name (any case)
    actor_id: str | None = None  # exactly this actor as source, target or via
    country: str | None = None  # ISO 3166-1 alpha-3 of the source or target
    type: str | None = None  # PLOVER type
    status: str | None = None  # one of STATUSES
    quad: int | None = None  # 1-4
    since: str | None = None  # YYYY-MM-DD: the event's date reaches this day or later
    until: str | None = None  # YYYY-MM-DD: the event's date starts on this day or earlier
    text: str | None = None  # part of the evidence sentence (any case)
    doc_id: str | None = None


@dataclass(frozen=True)
class Page:
    """One page of a longer list: `items` from `offset`, of `total`."""

    items: tuple
    total: int
    limit: int
    offset: int


@dataclass(frozen=True)
class StoredEvent:
    event: Event
    incident_id: str | None  # None for hypothetical and negated events


@dataclass(frozen=True)
class ActorProfile:
    """An actor with what the store counts of it."""

    actor: Actor
    mentions: int
    documents: int
    first_seen: str | None
    last_seen: str | None
    events: int  # events it is the source, target or via of


@dataclass(frozen=True)
class Dyad:
    """Events from one source to one target (countries, or actors)."""

    source: str | None
    source_name: str | None
    target: str | None
    target_name: str | None
    events: int
    quads: tuple[int, int, int, int]  # events per quad class, QUAD_NAMES order

    @property
    def tone(self) -> float:
        """From -1 (all conflict) to 1 (all cooperation)."""
        return (self.quads[0] + self.quads[1] - self.quads[2] - self.quads[3]) / self.events if self.events else 0.0


@dataclass(frozen=True)
class PeriodCount:
    period: str  # "2021-02" (month) or "2021-W07" (ISO week)
    quads: tuple[int, int, int, int]


@dataclass(frozen=True)
class DocumentInfo:
    """A stored document without its text."""

    doc_id: str
    title: str | None
    published: str | None
    outlet: str | None
    url: str | None
    n_events: int
    story_id: str | None = None


@dataclass(frozen=True)
class Overview:
    """What a store holds, for the explorer's home page."""

    documents: int
    events: int
    occurred: int
    actors: int
    quotes: int
    incidents: int
    stories: int
    first_date: str | None  # the earliest and latest event dates
    last_date: str | None
