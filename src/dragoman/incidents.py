"""Incidents: one record per real-world event, from every report of it (GDELT's events/mentions).

Reads: `EventMention`s, i.e. the store's events with what matching needs (their actors' kind,
country and office, their document's outlet and publication date): the new batch's
(`mentions_of`) and the existing members of incidents they might join (`Store.incident_members`).
Returns: `assign`: an incident id for every new mention that can be one, and the `Incident`
records of every incident the batch created or changed, summarised from all their members.

Which events: occurred and future ones (a planned meeting and the meeting are one incident; the
incident says how many reports agree on its date). Hypothetical and negated events are no
real-world event: they keep a null `incident_id`.

A mention joins an incident when
  - the type agrees; meetings are one family: CONSULT visits, meetings, hosting and deliveries
    (modes visit and none) match each other, a phone call (mode phone) only a phone call;
  - the actors agree with the incident's, or with those of a report of it in the same document
    (a headline's "the Leader's message to Putin" and its body's "the message was delivered by
    Velayati"), as resolved across documents (actor ids, never surface strings): the same
    actor, or a country and an actor of that country ("visited Russia" and "met Putin" during the
    same days), or an unnamed office holder and a named person of the same country whose office
    has the same head or a synonym ("the Iranian leader's top adviser" and Velayati, a senior
    advisor). CONSULT, AGREE and COOPERATE compare the two sides as an unordered pair;
  - the dates agree within their precision (a day matches the day before and after, a month any of
    its days), or one is unknown and the other falls in the window the report's publication
    allows: an occurred event without date happened in the week up to publication, a planned one
    in the 60 days after it (an undated document in a dated story has the publication window
    inferred from it, stories.py). A mention with no date and no publication date joins only an
    incident of its own document.
It joins the candidate with the most mentions, then the nearest date; otherwise it starts one.
An incident's date is that of its best supported report: occurred before planned, a date read in
the sentence before the publication date, the most precise, then the one most documents agree
with; `date_reports` counts the documents whose own date agrees with it, of `dated_reports`.
Its actors are the most specific the reports give each role; when a report names a carrier, a
named sender is the source and the carrier `via` (Khamenei -> Putin via Qalibaf), else the carrier
is the source with no intermediary.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from datetime import date, timedelta

from .actors.resolve import OFFICE_SYNONYMS  # the words that name the same kind of post
from .dates import date_span
from .schema import EVENT_DATE_SENTENCE, FUTURE, OCCURRED, CodedDocument, EventMention, Incident, Party

UNORDERED = frozenset({"CONSULT", "AGREE", "COOPERATE"})
MEETING_MODES = frozenset({None, "visit"})
PRECISION_RANK = {"day": 3, "month": 2, "year": 1}
DAY_TOLERANCE = timedelta(days=1)
REPORTED_WITHIN = timedelta(days=7)  # an undated occurred event: in the week up to publication
PLANNED_WITHIN = timedelta(days=60)  # an undated planned event: in the 60 days after publication


# -- building mentions --------------------------------------------------------------------------

def mentions_of(coded: Iterable[CodedDocument]) -> list[EventMention]:
    """The events of coded documents that can belong to an incident, with their actors' records."""
    out = []
    for cd in coded:
        actors = {a.actor_id: a for a in cd.actors}
        doc = cd.document

        def party(ref):
            if ref is None:
                return None
            a = actors.get(ref.actor_id)
            return Party(ref.actor_id, ref.name, ref.country, a.kind if a else "person", a.office if a else None)

        for e in cd.events:
            if e.status not in (OCCURRED, FUTURE):
                continue
            out.append(EventMention(e.event_id, doc.doc_id, doc.outlet, doc.published, e.type, e.mode, e.status,
                                    e.date.value, e.date.precision, e.date.source,
                                    party(e.source), party(e.target), party(e.via), inferred=cd.inferred_published))
    return out


def family(m: EventMention) -> str:
    if m.type == "CONSULT":
        return "CONSULT" if m.mode in MEETING_MODES else f"CONSULT:{m.mode}"
    return m.type


# -- windows ------------------------------------------------------------------------------------

def window(m: EventMention) -> tuple[date, date] | None:
    """The days a mention's event may fall on (see the module docstring)."""
    if m.date and m.date_source == EVENT_DATE_SENTENCE:
        span = date_span(m.date)
        if span is not None:
            return span[0] - DAY_TOLERANCE, span[1] + DAY_TOLERANCE
    pub = date_span(m.published)
    if pub is None and m.inferred:
        pub = date.fromisoformat(m.inferred[0]), date.fromisoformat(m.inferred[1])
    if pub is None:
        span = date_span(m.date)  # a date with no publication to weigh it against
        return (span[0] - DAY_TOLERANCE, span[1] + DAY_TOLERANCE) if span else None
    if m.status == FUTURE:
        return pub[0], pub[1] + PLANNED_WITHIN
    return pub[0] - REPORTED_WITHIN, pub[1]


def search_window(mentions: Iterable[EventMention]) -> tuple[str, str] | None:
    """The publication dates of stored reports whose incidents the `mentions` could join (a stored
    report's window lies within PLANNED_WITHIN after or REPORTED_WITHIN before its publication),
    or None when no mention has a window (then only incidents of its own document could do)."""
    wins = [w for w in map(window, mentions) if w is not None]
    if not wins:
        return None
    lo = min(w[0] for w in wins) - PLANNED_WITHIN - DAY_TOLERANCE
    hi = max(w[1] for w in wins) + REPORTED_WITHIN + DAY_TOLERANCE
    return lo.isoformat(), hi.isoformat()


def _overlap(a: tuple[date, date] | None, b: tuple[date, date] | None) -> bool:
    return a is not None and b is not None and a[0] <= b[1] and b[0] <= a[1]


# -- actors -------------------------------------------------------------------------------------

def _head(office: str | None) -> str:
    return office.lower().split()[-1] if office and office.split() else ""


def same_actor(a: Party | None, b: Party | None) -> bool:
    """The same actor, or one that stands for it (see the module docstring)."""
    if a is None or b is None:
        return a is None and b is None
    if a.actor_id == b.actor_id:
        return True
    if a.country is None or a.country != b.country:
        return False
    if a.kind == "country" or b.kind == "country":
        return a.kind != b.kind or a.actor_id == b.actor_id  # a country and one of its actors
    if a.kind == b.kind == "person" and (a.unnamed or b.unnamed) and not (a.unnamed and b.unnamed):
        ha, hb = _head(a.office), _head(b.office)
        return bool(ha and hb) and (ha == hb or any(ha in g and hb in g for g, _ in OFFICE_SYNONYMS))
    return False


def _identical(a: Party | None, b: Party | None) -> bool:
    return (a.actor_id if a else None) == (b.actor_id if b else None)


def _pair_agrees(s1: Party | None, t1: Party | None, s2: Party | None, t2: Party | None) -> bool:
    """Both roles agree, and at most one through a stand-in: "Velayati visited Russia" is "Velayati
    met Putin", but "Iran and Russia agreed" is not "Velayati agreed with Putin"."""
    if not (same_actor(s1, s2) and same_actor(t1, t2)):
        return False
    return _identical(s1, s2) or _identical(t1, t2)


def _actors_agree(m: EventMention, inc: Incident) -> bool:
    """The roles agree; unordered types either way round; the one who carried an act for another
    ("X's reply was delivered by the ambassador Y") may stand as its source."""
    for source in (m.source, m.via):
        for inc_source in (inc.source, inc.via):
            if source is None or inc_source is None or (source is m.via and inc_source is inc.via):
                continue
            if _pair_agrees(source, m.target, inc_source, inc.target):
                return True
            if m.type in UNORDERED and _pair_agrees(source, m.target, inc.target, inc_source):
                return True
    return False


# -- assignment ---------------------------------------------------------------------------------

def assign(new: Sequence[EventMention], existing: Sequence[EventMention]) -> tuple[dict[str, str], list[Incident]]:
    """Incident ids for the `new` mentions, given the `existing` members of the store's incidents
    (each with its `incident_id`); and the summaries of every incident created or joined."""
    members: dict[str, list[EventMention]] = {}
    for m in existing:
        if m.incident_id is not None:
            members.setdefault(m.incident_id, []).append(m)
    summaries = {iid: summarize(iid, ms) for iid, ms in members.items()}
    # the window of the report each incident's date is from, and the incidents of each type family
    windows = {iid: window(_best_dated(ms)) for iid, ms in members.items()}
    by_family: dict[str, list[str]] = {}
    for iid, ms in members.items():
        by_family.setdefault(family(ms[0]), []).append(iid)
    assigned: dict[str, str] = {}
    touched: set[str] = set()
    for m in sorted(new, key=_order):
        fam, win = family(m), window(m)
        best: tuple | None = None
        for iid in by_family.get(fam, ()):
            inc, inc_win = summaries[iid], windows[iid]
            if not (_actors_agree(m, inc) or any(g.doc_id == m.doc_id and _actors_agree(m, g) for g in members[iid])):
                continue
            if not (_overlap(win, inc_win) or (win is None or inc_win is None) and any(
                    g.doc_id == m.doc_id for g in members[iid])):
                continue
            gap = _gap(win, inc_win)
            rank = (-inc.num_mentions, gap, iid)
            if best is None or rank < best[0]:
                best = (rank, iid)
        iid = best[1] if best is not None else incident_id(m)
        if iid not in members:
            by_family.setdefault(fam, []).append(iid)
        members.setdefault(iid, []).append(m)
        summaries[iid] = summarize(iid, members[iid])
        windows[iid] = window(_best_dated(members[iid]))
        assigned[m.event_id] = iid
        touched.add(iid)
    return assigned, [summaries[i] for i in sorted(touched)]


def incident_id(m: EventMention) -> str:
    """A new incident's id: stable for the mention that started it."""
    return "i-" + hashlib.sha1(m.event_id.encode()).hexdigest()[:16]


def _order(m: EventMention) -> tuple:
    """Publication order; within a document the reports that name a carrier first (they say the
    most: a headline's "Leader's message to Putin" then joins the body's "... delivered by
    Velayati"), then document order (e2 before e10)."""
    number = m.event_id.rpartition(":e")[2]
    return (m.published or "9999", m.doc_id, m.via is None, int(number) if number.isdigit() else -1, m.event_id)


def _gap(a: tuple[date, date] | None, b: tuple[date, date] | None) -> int:
    if a is None or b is None:
        return 10**6
    return max(0, (max(a[0], b[0]) - min(a[1], b[1])).days)


# -- summaries ----------------------------------------------------------------------------------

def _specific(parties: Iterable[Party | None]) -> Party | None:
    """The most specific actor the reports give a role: a named person, then an unnamed office
    holder or a group, then a country; the most frequent among equals."""
    counts: dict[str, tuple[int, Party]] = {}
    for p in parties:
        if p is not None:
            n, _ = counts.get(p.actor_id, (0, p))
            counts[p.actor_id] = (n + 1, p)
    if not counts:
        return None

    def rank(item: tuple[int, Party]) -> tuple:
        n, p = item
        level = 0 if p.kind == "person" and not p.unnamed else 1 if p.kind != "country" else 2
        return (level, -n, p.actor_id)

    return min(counts.values(), key=rank)[1]


def _best_dated(group: Sequence[EventMention]) -> EventMention:
    """The report whose date the incident takes (see the module docstring)."""
    support: dict[str | None, int] = {}  # date value -> documents whose own date contains it (once per value)

    def supported(value: str | None) -> int:
        if value not in support:
            support[value] = len({g.doc_id for g in group if _agrees(g, value)})
        return support[value]

    def rank(m: EventMention) -> tuple:
        return (m.status != OCCURRED, m.date is None, m.date_source != EVENT_DATE_SENTENCE,
                -PRECISION_RANK.get(m.date_precision or "", 0), -supported(m.date), m.date or "", m.event_id)

    return min(group, key=rank)


def _agrees(g: EventMention, value: str | None) -> bool:
    """Whether `g`'s own date contains the date `value`."""
    span, own = date_span(value), date_span(g.date)
    return span is not None and own is not None and own[0] <= span[0] and span[1] <= own[1]


def summarize(iid: str, group: Sequence[EventMention]) -> Incident:
    best = _best_dated(group)
    unordered = best.type in UNORDERED
    # With an unordered type the two sides are read in the order the best report gives them.
    swapped = [unordered and _swapped(m, best) for m in group]
    sources = [m.target if s else m.source for m, s in zip(group, swapped)]
    targets = [m.source if s else m.target for m, s in zip(group, swapped)]
    docs = sorted({m.doc_id for m in group})
    dated = {m.doc_id for m in group if m.date}
    agree = {m.doc_id for m in group if _agrees(m, best.date)}
    outlets = {m.outlet or f"doc:{m.doc_id}" for m in group}
    published = sorted(m.published for m in group if m.published)
    source, target, via = _specific(sources), _specific(targets), _specific(m.via for m in group)
    if via is not None:
        # a named sender before the carrier as source ("Lund's message, delivered by Berg"); with
        # none, the carrier is the source and no intermediary ("Velayati met Putin")
        senders = [p for p in sources if p is not None and p.actor_id != via.actor_id and p.kind == "person"
                   and not p.unnamed]
        source = _specific(senders) if senders else source
        if via.actor_id in {p.actor_id for p in (source, target) if p is not None}:
            via = None
    return Incident(
        incident_id=iid, type=best.type, mode=best.mode,
        status=OCCURRED if any(m.status == OCCURRED for m in group) else FUTURE,
        source=source, target=target, via=via,
        date=best.date, date_precision=best.date_precision, date_reports=len(agree), dated_reports=len(dated),
        num_mentions=len(group), num_documents=len(docs), num_sources=len(outlets),
        first_reported=published[0] if published else None, doc_ids=tuple(docs),
    )


def _swapped(m: EventMention, best: EventMention) -> bool:
    """Whether `m` names the two sides in the other order than `best` does."""
    return not (same_actor(m.source, best.source) and same_actor(m.target, best.target)) and (
        same_actor(m.source, best.target) and same_actor(m.target, best.source))
