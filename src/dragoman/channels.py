"""Channels: one record per message across all the reports of it, and the messages between each
pair of principals.

Reads: `MessageReport`s (messages.py), the stored ones and a new batch's. Returns `Message`s and
`Channel`s, assembled afresh from all of them: they are few (a report per message a document
speaks of), and assembling them whole keeps every message and reply link true to all the reports
at hand, whatever order documents came in.

Reports are of one message when
  - both are replies or neither is;
  - sender and recipient agree: the same actor, or a country and an actor of that country, or an
    unnamed office holder and a named person of the same country and office (as incidents match
    actors), and no carrier of one contradicts the other's (different envoys: different messages);
  - they fall within `SAME_MESSAGE` days of each other: the date the sentence gives (sent or
    delivered), else the publication date (a planned delivery: up to `SAME_MESSAGE` days after).
A report joins the message it shares most roles with, then the nearest in time; otherwise it
starts one. A message keeps the most specific actor each report gives a role (a named person
before a country), every carrier in order (who carried it, then who received it), the dates the
sentences state, and the first topic.

A reply answers the message of its own document that it names ("a reply to a message the Leader
had sent"), else the latest message before it that went the other way between the same principals
(reversed dyad, in time order), at most `REPLY_WITHIN` days before; else none is known.

A channel is the messages between two principals either way, in time order, with the carriers
they used and how often, and the median days from a message to its reply.
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

SAME_MESSAGE = timedelta(days=21)  # reports of one message: its sending and delivery and the news of both
REPLY_WITHIN = timedelta(days=366)  # a reply answers a message of at most a year before


def assemble(reports: Iterable[MessageReport], offices: dict[str, str | None] | None = None
             ) -> tuple[list[Message], list[Channel]]:
    """Every message and channel of `reports` (see the module docstring). `offices`: actor_id ->
    office, for matching unnamed office holders with named people."""
    offices = offices or {}
    ordered = sorted(reports, key=_order)
    groups: list[list[MessageReport]] = []
    for r in ordered:
        scored = [(_shared(r, g), -_gap(r, g), n) for n, g in enumerate(groups) if _joins(r, g, offices)]
        if scored:
            groups[max(scored)[2]].append(r)
        else:
            groups.append([r])
    messages = [_summarise(g) for g in groups]
    kinds = {ref.actor_id: k for r in ordered for ref, k in ((r.sender, r.sender_kind), (r.recipient, r.recipient_kind))
             if ref is not None and k}
    messages = _link_replies(messages, groups, kinds, offices)
    channels = _channels(messages)
    channel_of = {mid: c.channel_id for c in channels for mid in c.message_ids}
    messages = [_with(m, channel_id=channel_of.get(m.message_id)) for m in messages]
    messages.sort(key=lambda m: (m.date or "9999", m.message_id))
    return messages, channels


# -- matching -------------------------------------------------------------------------------------

def _order(r: MessageReport) -> tuple:
    return (_when(r) or date.max, r.doc_id, r.report_id)


def _when(r: MessageReport) -> date | None:
    """The day a report puts its message on: the sentence's date, else its publication."""
    for d in (r.sent_date, r.delivered_date):
        if d is not None and d.source == EVENT_DATE_SENTENCE and (span := date_span(d.value)):
            return span[0]
    span = date_span(r.published)
    return span[0] if span else None


def _window(r: MessageReport) -> tuple[date, date] | None:
    for d in (r.sent_date, r.delivered_date):
        if d is not None and d.source == EVENT_DATE_SENTENCE and (span := date_span(d.value)):
            return span
    span = date_span(r.published)
    if span is None:
        return None
    if r.status == FUTURE:
        return span[0], span[1] + SAME_MESSAGE
    return span[0] - SAME_MESSAGE, span[1]


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
    if stand_in and not mine & {c.actor.actor_id for g in group for c in g.carriers if c.role == CARRIED}:
        return False
    wins = [w for w in map(_window, group) if w is not None]
    mine = _window(r)
    if mine is None or not wins:
        return mine is None and not wins
    lo, hi = min(w[0] for w in wins), max(w[1] for w in wins)
    return mine[0] <= hi + SAME_MESSAGE and lo - SAME_MESSAGE <= mine[1]


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


def _summarise(group: Sequence[MessageReport]) -> Message:
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
        message_id=message_id(group),
        kind=Counter(r.kind for r in group).most_common(1)[0][0],
        reply=group[0].reply,
        status=status,
        sender=sender if isinstance(sender, Principal) else principal(sender),
        recipient=principal(recipient),
        carriers=tuple(carriers),
        sent_date=_stated(r.sent_date for r in group),
        delivered_date=_stated(r.delivered_date for r in group),
        topic=next((r.topic for r in group if r.topic), None),
        in_reply_to=None,
        channel_id=None,
        report_ids=tuple(r.report_id for r in group),
        doc_ids=tuple(dict.fromkeys(r.doc_id for r in group)),
        evidence=tuple(e for r in group for e in r.evidence),
    )


def _stated(dates: Iterable) -> str | None:
    """The most precise date the sentences state (a day within a month they also give)."""
    values = [d.value for d in dates if d is not None and d.source == EVENT_DATE_SENTENCE and d.value]
    if not values:
        return None
    return max(values, key=lambda v: (len(v), -values.index(v)))


def _with(m: Message, **changes) -> Message:
    return replace(m, **changes)


# -- replies --------------------------------------------------------------------------------------

def _day(value: str | None) -> date | None:
    span = date_span(value)
    return span[0] if span else None


def _link_replies(messages: list[Message], groups: list[list[MessageReport]], kinds, offices) -> list[Message]:
    of_report = {r.report_id: m.message_id for m, g in zip(messages, groups) for r in g}
    by_id = {m.message_id: m for m in messages}
    first = {m.message_id: min((_when(r) for r in g if _when(r)), default=None) for m, g in zip(messages, groups)}
    out = []
    for m, g in zip(messages, groups):
        if not m.reply:
            out.append(m)
            continue
        # the original its own document names
        named = next((of_report[r.replies_to] for r in g if r.replies_to in of_report), None)
        if named is None:
            when = _day(m.date) or first[m.message_id]
            candidates = [o for o in messages if not o.reply and o.message_id != m.message_id
                          and _reverses(o, m, kinds, offices) and (t := _day(o.date) or first[o.message_id]) is not None
                          and when is not None and when - REPLY_WITHIN <= t <= when]
            if candidates:
                named = max(candidates, key=lambda o: (_day(o.date) or first[o.message_id], o.message_id)).message_id
        out.append(_with(m, in_reply_to=named))
        if named is not None and m.recipient is None and by_id[named].sender is not None:
            out[-1] = _with(out[-1], recipient=by_id[named].sender)
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
        if m.sender is None or m.recipient is None:
            continue
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
