"""Rows <-> records for the store's message tables: `message_reports` (one per message a document
reports, written with the document), `messages` and `channels` (assembled across documents by
`channels.py`, replaced whenever a batch reports a message)."""

from __future__ import annotations

from collections.abc import Mapping

from ..channels import chain
from ..schema import (
    ActorRef,
    Carrier,
    Channel,
    Envoy,
    EventDate,
    Evidence,
    Message,
    MessageReport,
    Principal,
)

_EVIDENCE = "evidence_fields VARCHAR[], evidence_starts INTEGER[], evidence_ends INTEGER[], evidence_texts VARCHAR[]"


def _role(role: str) -> str:
    return (f"{role}_actor_id VARCHAR, {role}_name VARCHAR, {role}_country VARCHAR, {role}_sector VARCHAR, "
            f"{role}_text VARCHAR, {role}_start INTEGER, {role}_end INTEGER")


def _principal(role: str) -> str:
    return f"{role}_actor_id VARCHAR, {role}_name VARCHAR, {role}_country VARCHAR, {role}_sector VARCHAR"


REPORTS = ("report_id VARCHAR PRIMARY KEY, doc_id VARCHAR NOT NULL, kind VARCHAR, reply BOOLEAN, status VARCHAR, "
           f"{_role('sender')}, sender_kind VARCHAR, {_role('recipient')}, recipient_kind VARCHAR, "
           "carrier_actor_ids VARCHAR[], carrier_names VARCHAR[], carrier_countries VARCHAR[], "
           "carrier_sectors VARCHAR[], carrier_roles VARCHAR[], carrier_texts VARCHAR[], carrier_starts INTEGER[], "
           "carrier_ends INTEGER[], sent_date VARCHAR, sent_precision VARCHAR, sent_source VARCHAR, "
           "sent_text VARCHAR, delivered_date VARCHAR, delivered_precision VARCHAR, delivered_source VARCHAR, "
           "delivered_text VARCHAR, topic VARCHAR, topic_start INTEGER, topic_end INTEGER, replies_to VARCHAR, "
           f"{_EVIDENCE}, published VARCHAR, outlet VARCHAR, run_id VARCHAR")
MESSAGES = ("message_id VARCHAR PRIMARY KEY, kind VARCHAR, reply BOOLEAN, status VARCHAR, "
            f"{_principal('sender')}, {_principal('recipient')}, carrier_actor_ids VARCHAR[], "
            "carrier_names VARCHAR[], carrier_countries VARCHAR[], carrier_sectors VARCHAR[], carrier_roles VARCHAR[], "
            "chain VARCHAR, "
            "date VARCHAR, sent_date VARCHAR, delivered_date VARCHAR, topic VARCHAR, in_reply_to VARCHAR, "
            "channel_id VARCHAR, num_reports INTEGER, num_documents INTEGER, report_ids VARCHAR[], "
            f"doc_ids VARCHAR[], evidence_doc_ids VARCHAR[], {_EVIDENCE}")
CHANNELS = (f"channel_id VARCHAR PRIMARY KEY, {_principal('a')}, {_principal('b')}, num_messages INTEGER, "
            "num_replies INTEGER, carrier_names VARCHAR[], carrier_counts INTEGER[], median_reply_days DOUBLE, "
            "first_date VARCHAR, last_date VARCHAR, message_ids VARCHAR[]")


def _ref(ref: ActorRef | None) -> tuple:
    if ref is None:
        return (None,) * 7
    return (ref.actor_id, ref.name, ref.country, ref.sector, ref.text, ref.start, ref.end)


def _date(d: EventDate | None) -> tuple:
    return (d.value, d.precision, d.source, d.text) if d is not None else (None,) * 4


def _pr(p: Principal | None) -> tuple:
    return (p.actor_id, p.name, p.country, p.sector) if p is not None else (None,) * 4


def _evidence(evidence) -> tuple:
    return ([e.field for e in evidence], [e.start for e in evidence], [e.end for e in evidence],
            [e.text for e in evidence])


def report_row(r: MessageReport, run_id: str) -> tuple:
    cs = r.carriers
    return (r.report_id, r.doc_id, r.kind, r.reply, r.status, *_ref(r.sender), r.sender_kind, *_ref(r.recipient),
            r.recipient_kind, [c.actor.actor_id for c in cs], [c.actor.name for c in cs],
            [c.actor.country for c in cs], [c.actor.sector for c in cs], [c.role for c in cs],
            [c.actor.text for c in cs], [c.actor.start for c in cs], [c.actor.end for c in cs],
            *_date(r.sent_date), *_date(r.delivered_date), r.topic, r.topic_start, r.topic_end, r.replies_to,
            *_evidence(r.evidence), r.published, r.outlet, run_id)


def message_row(m: Message) -> tuple:
    cs = m.carriers
    return (m.message_id, m.kind, m.reply, m.status, *_pr(m.sender), *_pr(m.recipient),
            [c.actor.actor_id for c in cs], [c.actor.name for c in cs], [c.actor.country for c in cs],
            [c.actor.sector for c in cs], [c.role for c in cs], chain(m), m.date, m.sent_date, m.delivered_date, m.topic, m.in_reply_to,
            m.channel_id, len(m.report_ids), len(m.doc_ids), list(m.report_ids), list(m.doc_ids),
            [e.doc_id for e in m.evidence], *_evidence(m.evidence))


def channel_row(c: Channel) -> tuple:
    return (c.channel_id, *_pr(c.a), *_pr(c.b), c.num_messages, c.num_replies, [n for n, _ in c.carriers],
            [k for _, k in c.carriers], c.median_reply_days, c.first_date, c.last_date, list(c.message_ids))


def _actor(r: Mapping[str, object], role: str) -> ActorRef | None:
    if r[f"{role}_actor_id"] is None:
        return None
    return ActorRef(*(r[f"{role}_{f}"] for f in ("actor_id", "name", "country", "sector", "text", "start", "end")))


def _event_date(r: Mapping[str, object], prefix: str) -> EventDate | None:
    if r[f"{prefix}_source"] is None:
        return None
    return EventDate(r[f"{prefix}_date"], r[f"{prefix}_precision"], r[f"{prefix}_source"], r[f"{prefix}_text"])


def _principal_of(r: Mapping[str, object], role: str) -> Principal | None:
    if r[f"{role}_actor_id"] is None:
        return None
    return Principal(r[f"{role}_actor_id"], r[f"{role}_name"], r[f"{role}_country"], r[f"{role}_sector"])


def report(r: Mapping[str, object]) -> MessageReport:
    carriers = tuple(Carrier(ActorRef(*vals[:4], *vals[5:]), vals[4]) for vals in zip(
        r["carrier_actor_ids"], r["carrier_names"], r["carrier_countries"], r["carrier_sectors"], r["carrier_roles"],
        r["carrier_texts"], r["carrier_starts"], r["carrier_ends"]))
    evidence = tuple(Evidence(r["doc_id"], *vals) for vals in zip(
        r["evidence_fields"], r["evidence_starts"], r["evidence_ends"], r["evidence_texts"]))
    return MessageReport(
        report_id=r["report_id"], doc_id=r["doc_id"], kind=r["kind"], reply=r["reply"], status=r["status"],
        sender=_actor(r, "sender"), recipient=_actor(r, "recipient"), carriers=carriers,
        sender_kind=r["sender_kind"], recipient_kind=r["recipient_kind"],
        sent_date=_event_date(r, "sent"), delivered_date=_event_date(r, "delivered"), topic=r["topic"],
        topic_start=r["topic_start"], topic_end=r["topic_end"], replies_to=r["replies_to"], evidence=evidence,
        published=r["published"], outlet=r["outlet"])


def message(r: Mapping[str, object]) -> Message:
    carriers = tuple(Envoy(Principal(i, n, c, s), role) for i, n, c, s, role in zip(
        r["carrier_actor_ids"], r["carrier_names"], r["carrier_countries"], r["carrier_sectors"],
        r["carrier_roles"]))
    evidence = tuple(Evidence(*vals) for vals in zip(
        r["evidence_doc_ids"], r["evidence_fields"], r["evidence_starts"], r["evidence_ends"], r["evidence_texts"]))
    return Message(
        message_id=r["message_id"], kind=r["kind"], reply=r["reply"], status=r["status"],
        sender=_principal_of(r, "sender"), recipient=_principal_of(r, "recipient"), carriers=carriers,
        sent_date=r["sent_date"], delivered_date=r["delivered_date"], topic=r["topic"],
        in_reply_to=r["in_reply_to"], channel_id=r["channel_id"], report_ids=tuple(r["report_ids"]),
        doc_ids=tuple(r["doc_ids"]), evidence=evidence)


def channel(r: Mapping[str, object]) -> Channel:
    return Channel(
        channel_id=r["channel_id"], a=_principal_of(r, "a"), b=_principal_of(r, "b"),
        message_ids=tuple(r["message_ids"]), num_messages=r["num_messages"], num_replies=r["num_replies"],
        carriers=tuple(zip(r["carrier_names"], r["carrier_counts"])), median_reply_days=r["median_reply_days"],
        first_date=r["first_date"], last_date=r["last_date"])
