"""Channels: one record per message across all the reports of it, and the messages between each
pair of principals.

Reads: `MessageReport`s (messages.py), the stored ones and a new batch's. Returns `Message`s and
`Channel`s, assembled afresh from all of them: they are few (a report per message a document
speaks of), and assembling them whole keeps every message and reply link true to all the reports
at hand, whatever order documents came in.

Reports are of one message when
  - both are replies or neither is, from different documents (a document's own are apart already);
  - sender and recipient agree: the same actor, or a country and an actor of that country, or an
    unnamed office holder and a named person of the same country and office (as incidents match
    actors); an office holder no report places ("the Leader") stands for a named sender of the
    same office head only through the same carrier; no named carrier of one contradicts the
    other's (different envoys: different messages);
  - their dates fit: the same act stated on both sides on the same day (a day's tolerance), and
    the days they allow meet: a stated date, else the two weeks up to publication (the three weeks
    after, for a planned delivery); a sending and a delivery (or the news of either) may be
    `SAME_MESSAGE` days apart. Every report of the message must fit, so windows never chain.
A report joins the message it shares most roles with, then the nearest in time; when two fit as
well and the report lacks a sender or recipient, it starts its own. A message keeps the most
specific actor each report gives a role (a named person before a country), every carrier in order
(who carried it, then who received it), the most precise date the sentences state for its sending
and its delivery, and the first topic; with no sender in any report, the first carrier is taken for
it. A message keeps the id its stored reports had (`previous`), so ids stay put as reports come.

A reply answers the message of its own document that it names ("a reply to a message the Leader
had sent"), else the latest message sent or planned before it that went the other way between the
same principals (reversed dyad, in time order), at most `REPLY_WITHIN` days before; else none is
known.

A channel is the messages sent or planned between two principals either way, in time order, with
the carriers they used and how often, and the median days from a message to its reply (over the
replies whose original is known). Hypothetical and denied messages have no channel.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import date, timedelta
from statistics import median

from .dates import date_span
from .incidents import same_actor
from .schema import (
    CARRIED,
    EVENT_DATE_SENTENCE,
    FUTURE,
    OCCURRED,
    ActorRef,
    Channel,
    Envoy,
    Message,
    MessageReport,
    Party,
    Principal,
    unnamed,
)

REPORTED_WITHIN = timedelta(days=14)  # an undated report: sent or delivered in the two weeks before publication
PLANNED_WITHIN = timedelta(days=21)  # an undated plan: delivered in the three weeks after publication
SAME_MESSAGE = timedelta(days=21)  # a delivery this long after the sending (or a sending as long before)
DAY = timedelta(days=1)  # a stated day matches the day before and after
REPLY_WITHIN = timedelta(days=366)  # a reply answers a message of at most a year before
RETIRED = timedelta(days=90)  # a message whose reports all ended this long before a report's day cannot take it
COUNTED = (OCCURRED, FUTURE)  # the statuses a channel counts: sent or planned, not hypothetical or denied


def assemble(reports: Iterable[MessageReport], offices: dict[str, str | None] | None = None,
             previous: dict[str, str] | None = None) -> tuple[list[Message], list[Channel]]:
    """Every message and channel of `reports` (see the module docstring). `offices`: actor_id ->
    office, for matching unnamed office holders with named people. `previous`: report_id ->
    message_id as stored before, so that a message keeps its id when reports join it."""
    offices = offices or {}
    ordered = sorted(reports, key=_order)
    groups: list[list[MessageReport]] = []
    ends: list[date | None] = []  # the latest window end of each group
    live: list[int] = []  # groups a report may still join (time order lets old ones retire)
    for r in ordered:
        win = _window(r)
        if win is not None:
            live = [n for n in live if ends[n] is None or ends[n] + RETIRED >= win[0]]
        scored = [(_shared(r, groups[n]), -_gap(r, groups[n]), n) for n in live
                  if _may_join(r, groups[n][0]) and _joins(r, groups[n], offices)]
        scored.sort(reverse=True)
        if scored and (len(scored) == 1 or scored[0][:2] != scored[1][:2]
                       or (r.sender is not None and r.recipient is not None)):
            n = scored[0][2]
            groups[n].append(r)
        else:
            # no message it can be, or a report that names too little to choose between two
            groups.append([r])
            ends.append(None)
            live.append(n := len(groups) - 1)
        if win is not None and (ends[n] is None or win[1] > ends[n]):
            ends[n] = win[1]
    ids = _message_ids(groups, previous or {})
    messages = [_summarise(g, i) for g, i in zip(groups, ids)]
    kinds = {ref.actor_id: k for r in ordered for ref, k in ((r.sender, r.sender_kind), (r.recipient, r.recipient_kind))
             if ref is not None and k}
    messages = _link_replies(messages, groups, kinds, offices)
    channels = _channels(messages)
    channel_of = {mid: c.channel_id for c in channels for mid in c.message_ids}
    messages = [replace(m, channel_id=channel_of.get(m.message_id)) for m in messages]
    messages.sort(key=lambda m: (m.date or "9999", m.message_id))
    return messages, channels


def _message_ids(groups: Sequence[Sequence[MessageReport]], previous: dict[str, str]) -> list[str]:
    """A message keeps the id its reports had (the one most of them had), so ids stay put as
    reports come; a new message's id comes from its first report."""
    out: list[str | None] = [None] * len(groups)
    taken: set[str] = set()
    for n in sorted(range(len(groups)), key=lambda n: -len(groups[n])):
        had = Counter(previous[r.report_id] for r in groups[n] if r.report_id in previous)
        for mid, _ in sorted(had.items(), key=lambda kv: (-kv[1], kv[0])):
            if mid not in taken:
                out[n] = mid
                taken.add(mid)
                break
    for n, g in enumerate(groups):
        if out[n] is None:
            mid = message_id(g)
            while mid in taken:  # a message split off one that keeps the id
                mid = "m-" + hashlib.sha1(mid.encode()).hexdigest()[:16]
            out[n] = mid
            taken.add(mid)
    return out  # type: ignore[return-value]


# -- matching -------------------------------------------------------------------------------------

def _order(r: MessageReport) -> tuple:
    return (_when(r) or date.max, r.doc_id, r.report_id)


def _stated(d) -> tuple[date, date] | None:
    return date_span(d.value) if d is not None and d.source == EVENT_DATE_SENTENCE else None


def _when(r: MessageReport) -> date | None:
    """The day a report puts its message on: the sentence's date, else its publication."""
    for d in (r.sent_date, r.delivered_date):
        if (span := _stated(d)) is not None:
            return span[0]
    span = date_span(r.published)
    return span[0] if span else None


def _window(r: MessageReport) -> tuple[date, date] | None:
    """The days a report's message may have been sent or delivered on: a stated date (a day either
    side), else the two weeks up to publication (the three weeks after, for a planned delivery)."""
    for d in (r.sent_date, r.delivered_date):
        if (span := _stated(d)) is not None:
            return span[0] - DAY, span[1] + DAY
    span = date_span(r.published)
    if span is None:
        return None
    if r.status == FUTURE:
        return span[0], span[1] + PLANNED_WITHIN
    return span[0] - REPORTED_WITHIN, span[1]


def _may_join(r: MessageReport, g: MessageReport) -> bool:
    """A quick test before `_joins`: the same direction and no two countries apart on either side."""
    if r.reply != g.reply:
        return False
    for a, b in ((r.sender, g.sender), (r.recipient, g.recipient)):
        if a is not None and b is not None and a.country and b.country and a.country != b.country:
            return False
    return True


def _dates_fit(r: MessageReport, g: MessageReport) -> bool:
    """Two reports' dates can be one message's: the same act dated alike, and the days they allow
    meeting (a delivery may come up to SAME_MESSAGE after the sending)."""
    for x, y in ((r.sent_date, g.sent_date), (r.delivered_date, g.delivered_date)):
        a, b = _stated(x), _stated(y)
        if a is not None and b is not None and not (a[0] - DAY <= b[1] and b[0] - DAY <= a[1]):
            return False  # "on January 5" and "on January 20": two letters
    a, b = _window(r), _window(g)
    if a is None or b is None:
        return a is None and b is None  # an undated report: only with undated ones
    # the same act dated on both sides, or neither dated: the days must meet; otherwise one may be
    # the sending and the other the delivery (or the news of either)
    kinds = [(_stated(x.sent_date) is not None, _stated(x.delivered_date) is not None) for x in (r, g)]
    same = kinds[0] == kinds[1] and kinds[0] != (True, True)
    slack = timedelta(0) if same else SAME_MESSAGE
    return a[0] <= b[1] + slack and b[0] <= a[1] + slack


def _party(ref: ActorRef | None, kind: str | None, offices) -> Party | None:
    if ref is None:
        return None
    return Party(ref.actor_id, ref.name, ref.country, kind or "person", offices.get(ref.actor_id))


def _agree(a: ActorRef | None, ak, b: ActorRef | None, bk, offices) -> bool:
    if a is None or b is None:
        return True
    return same_actor(_party(a, ak, offices), _party(b, bk, offices))


def _joins(r: MessageReport, group: Sequence[MessageReport], offices) -> bool:
    mine = {c.actor.actor_id for c in r.carriers if c.role == CARRIED}
    stand_in = False
    for g in group:
        if g.reply != r.reply or g.doc_id == r.doc_id:
            return False  # a document's own messages are already apart (messages.py)
        if not _dates_fit(r, g):
            return False
        theirs = {c.actor.actor_id for c in g.carriers if c.role == CARRIED}
        if mine and theirs and not mine & theirs:
            return False
        if not _agree(r.recipient, r.recipient_kind, g.recipient, g.recipient_kind, offices):
            return False
        if g.sender is not None and any(_stands_for(g.sender, g.sender_kind, o.sender, offices) for o in group):
            continue  # a stand-in that joined for a named sender: that one decides
        if not _agree(r.sender, r.sender_kind, g.sender, g.sender_kind, offices):
            if not (_stands_for(r.sender, r.sender_kind, g.sender, offices)
                    or _stands_for(g.sender, g.sender_kind, r.sender, offices)):
                return False
            stand_in = True
    # "the Leader's message to Putin, delivered by Velayati": a stand-in sender needs the same carrier
    return not stand_in or bool(mine & {c.actor.actor_id for g in group for c in g.carriers if c.role == CARRIED})


def _stands_for(a: ActorRef | None, kind: str | None, b: ActorRef | None, offices) -> bool:
    """An office holder the text neither named nor placed ("the Leader") and a named person who
    holds that office (Khamenei, Supreme Leader): the same head word of the office."""
    if a is None or b is None or a.country is not None or (kind or "person") != "person":
        return False
    office_a, office_b = offices.get(a.actor_id), offices.get(b.actor_id)
    if not office_a or not office_b or not unnamed(a.name, office_a) or unnamed(b.name, office_b):
        return False
    return office_a.lower().split()[-1] == office_b.lower().split()[-1]


def _shared(r: MessageReport, group: Sequence[MessageReport]) -> int:
    ids = lambda x: {a.actor_id for a in x if a is not None}  # noqa: E731
    mine = ids([r.sender, r.recipient, *(c.actor for c in r.carriers)])
    return max(len(mine & ids([g.sender, g.recipient, *(c.actor for c in g.carriers)])) for g in group)


def _gap(r: MessageReport, group: Sequence[MessageReport]) -> int:
    mine = _when(r)
    days = [abs((mine - w).days) for w in map(_when, group) if w is not None and mine is not None]
    return min(days, default=0)


# -- a message from its reports -------------------------------------------------------------------

def _specific(refs: Iterable[tuple[ActorRef | None, str | None]]) -> tuple[ActorRef | None, str | None]:
    """The most specific actor given for a role: a named person or body before a country, then the
    one given most often."""
    given = [(r, k) for r, k in refs if r is not None]
    if not given:
        return None, None
    counts = Counter(r.actor_id for r, _ in given)
    return max(given, key=lambda rk: (rk[1] != "country", counts[rk[0].actor_id]))


def message_id(reports: Sequence[MessageReport]) -> str:
    """A stable id: from the first report of the message (in time, then document order)."""
    return "m-" + hashlib.sha1(reports[0].report_id.encode()).hexdigest()[:16]


def _summarise(group: Sequence[MessageReport], mid: str) -> Message:
    sender, _ = _specific((r.sender, r.sender_kind) for r in group)
    recipient, _ = _specific((r.recipient, r.recipient_kind) for r in group)
    carriers: list[Envoy] = []
    for r in group:
        for c in r.carriers:
            if all(c.actor.actor_id != x.actor.actor_id for x in carriers) and c.actor.actor_id not in (
                    sender.actor_id if sender else None, recipient.actor_id if recipient else None):
                carriers.append(Envoy(principal(c.actor), c.role))
    carriers.sort(key=lambda c: c.role != CARRIED)
    if sender is None and carriers and carriers[0].role == CARRIED:
        # "X handed a letter to Y", and no report says whose: X's own
        sender, carriers = carriers[0].actor, carriers[1:]
    status = OCCURRED if any(r.status == OCCURRED for r in group) else group[0].status
    return Message(
        message_id=mid,
        kind=Counter(r.kind for r in group).most_common(1)[0][0],
        reply=group[0].reply,
        status=status,
        sender=sender if isinstance(sender, Principal) else principal(sender),
        recipient=principal(recipient),
        carriers=tuple(carriers),
        sent_date=_most_precise(r.sent_date for r in group),
        delivered_date=_most_precise(r.delivered_date for r in group),
        topic=next((r.topic for r in group if r.topic), None),
        in_reply_to=None,
        channel_id=None,
        report_ids=tuple(r.report_id for r in group),
        doc_ids=tuple(dict.fromkeys(r.doc_id for r in group)),
        evidence=tuple(e for r in group for e in r.evidence),
    )


def _most_precise(dates: Iterable) -> str | None:
    """The most precise date the sentences state (a day within a month they also give)."""
    values = [d.value for d in dates if d is not None and d.source == EVENT_DATE_SENTENCE and d.value]
    if not values:
        return None
    return max(values, key=lambda v: (len(v), -values.index(v)))


# -- replies --------------------------------------------------------------------------------------

def _day(value: str | None) -> date | None:
    span = date_span(value)
    return span[0] if span else None


def _link_replies(messages: list[Message], groups: list[list[MessageReport]], kinds, offices) -> list[Message]:
    of_report = {r.report_id: m.message_id for m, g in zip(messages, groups) for r in g}
    by_id = {m.message_id: m for m in messages}
    first = {m.message_id: min((_when(r) for r in g if _when(r)), default=None) for m, g in zip(messages, groups)}
    # the messages a reply may answer, by the country (or, without one, the actor) they went to
    to: dict[str, list[Message]] = {}
    for o in messages:
        if not o.reply and o.status in COUNTED and o.recipient is not None:
            to.setdefault(o.recipient.country or o.recipient.actor_id, []).append(o)
    out = []
    for m, g in zip(messages, groups):
        if not m.reply:
            out.append(m)
            continue
        # the original its own document names
        named = next((of_report[r.replies_to] for r in g if r.replies_to in of_report), None)
        if named is None and m.sender is not None:
            when = _day(m.date) or first[m.message_id]
            pool = to.get(m.sender.country or m.sender.actor_id, [])
            candidates = [o for o in pool if _reverses(o, m, kinds, offices)
                          and (t := _day(o.date) or first[o.message_id]) is not None
                          and when is not None and when - REPLY_WITHIN <= t <= when]
            if candidates:
                named = max(candidates, key=lambda o: (_day(o.date) or first[o.message_id], o.message_id)).message_id
        out.append(replace(m, in_reply_to=named))
        if named is not None and m.recipient is None and by_id[named].sender is not None:
            out[-1] = replace(out[-1], recipient=by_id[named].sender)
    return out


def _reverses(original: Message, reply: Message, kinds: dict[str, str], offices) -> bool:
    """The reply goes back the way the message came: from its recipient to its sender."""
    if original.sender is None or original.recipient is None or reply.sender is None:
        return False
    p = lambda x: _as_party(x, kinds, offices)  # noqa: E731
    return same_actor(p(reply.sender), p(original.recipient)) and (
        reply.recipient is None or same_actor(p(reply.recipient), p(original.sender)))


def _as_party(x: Principal, kinds: dict[str, str], offices) -> Party:
    return Party(x.actor_id, x.name, x.country, kinds.get(x.actor_id, "person"), offices.get(x.actor_id))


def principal(ref: ActorRef | None) -> Principal | None:
    return None if ref is None else Principal(ref.actor_id, ref.name, ref.country, ref.sector)


# -- channels -------------------------------------------------------------------------------------

def channel_id(a: str, b: str) -> str:
    return "c-" + hashlib.sha1(f"{a}\x00{b}".encode()).hexdigest()[:16]


def _channels(messages: Sequence[Message]) -> list[Channel]:
    pairs: dict[tuple[str, str], list[Message]] = {}
    refs: dict[str, Principal] = {}
    for m in messages:
        if m.sender is None or m.recipient is None or m.status not in COUNTED:
            continue  # a channel holds messages sent or planned, not those denied or only imagined
        refs.setdefault(m.sender.actor_id, m.sender)
        refs.setdefault(m.recipient.actor_id, m.recipient)
        key = tuple(sorted((m.sender.actor_id, m.recipient.actor_id)))
        pairs.setdefault(key, []).append(m)
    by_id = {m.message_id: m for m in messages}
    out = []
    for (a, b), ms in sorted(pairs.items()):
        ms.sort(key=lambda m: (m.date or "9999", m.message_id))
        carried = Counter(c.actor.name for m in ms for c in m.carriers)
        gaps = [(_day(m.date) - _day(by_id[m.in_reply_to].date)).days for m in ms
                if m.reply and m.in_reply_to in by_id and _day(m.date) and _day(by_id[m.in_reply_to].date)]
        dated = [m.date for m in ms if m.date]
        out.append(Channel(
            channel_id=channel_id(a, b),
            a=refs[a],
            b=refs[b],
            message_ids=tuple(m.message_id for m in ms),
            num_messages=len(ms),
            num_replies=sum(m.reply for m in ms),
            carriers=tuple(sorted(carried.items(), key=lambda kv: (-kv[1], kv[0]))),
            median_reply_days=float(median(gaps)) if gaps else None,
            first_date=min(dated) if dated else None,
            last_date=max(dated) if dated else None,
        ))
    return out



# -- reading --------------------------------------------------------------------------------------

def matches(p: Principal | None, actor: str | None, country: str | None) -> bool:
    """Whether a principal is the one asked for: `actor` an actor_id or part of its name (any
    case), `country` its ISO 3166-1 alpha-3 code."""
    if p is None:
        return False
    if actor is not None and not (p.actor_id == actor or actor.lower() in p.name.lower()):
        return False
    return country is None or (p.country or "").upper() == country.upper()


def select(channels: Sequence[Channel], actor: str | None = None, country: str | None = None) -> list[Channel]:
    """The channels with a principal that `matches` (all of them without `actor` and `country`)."""
    return [c for c in channels if matches(c.a, actor, country) or matches(c.b, actor, country)]


def chain(m: Message) -> str:
    """A message's way: "Ali Khamenei -> [Mohammad Baqer Qalibaf -> Vyacheslav Volodin] -> Vladimir
    Putin" (the sender, the carriers in order, the recipient; "?" for a role no report gives)."""
    middle = f" -> [{' -> '.join(c.actor.name for c in m.carriers)}]" if m.carriers else ""
    return f"{m.sender.name if m.sender else '?'}{middle} -> {m.recipient.name if m.recipient else '?'}"
