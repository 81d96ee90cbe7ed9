"""The JSON API's shapes: records to plain JSON objects (the column names of `dragoman export`)."""

from __future__ import annotations

from dataclasses import asdict

from ..channels import chain
from ..schema import (
    QUAD_NAMES,
    ActorProfile,
    ActorRef,
    Channel,
    DocumentInfo,
    Dyad,
    Incident,
    Message,
    Page,
    PeriodCount,
    Principal,
    Quote,
    StoredEvent,
    Story,
)


def ref_json(ref: ActorRef | None) -> dict | None:
    return asdict(ref) if ref is not None else None


def event_json(se: StoredEvent) -> dict:
    e = se.event
    return {
        "event_id": e.event_id, "doc_id": e.doc_id, "type": e.type, "mode": e.mode, "quad": e.quad,
        "cameo_root": e.cameo_root, "status": e.status, "date": e.date.value, "date_precision": e.date.precision,
        "date_source": e.date.source, "date_text": e.date.text, "source": ref_json(e.source),
        "target": ref_json(e.target), "via": ref_json(e.via),
        "location": asdict(e.location) if e.location is not None else None, "evidence": e.evidence,
        "start": e.start, "end": e.end, "trigger": e.trigger, "trigger_start": e.trigger_start,
        "trigger_end": e.trigger_end, "confidence": e.confidence, "rule": e.rule, "incident_id": se.incident_id,
    }


def actor_json(p: ActorProfile) -> dict:
    a = p.actor
    return {"actor_id": a.actor_id, "name": a.name, "country": a.country, "sector": a.sector, "kind": a.kind,
            "office": a.office, "aliases": list(a.aliases), "mentions": p.mentions, "documents": p.documents,
            "first_seen": p.first_seen, "last_seen": p.last_seen, "events": p.events}


def quote_json(q: Quote) -> dict:
    return {"quote_id": q.quote_id, "doc_id": q.doc_id, "speaker": ref_json(q.speaker), "text": q.text,
            "start": q.start, "end": q.end, "direct": q.direct, "cue": q.cue}


def dyad_json(d: Dyad) -> dict:
    return {"source": d.source, "source_name": d.source_name, "target": d.target, "target_name": d.target_name,
            "events": d.events, **dict(zip(QUAD_NAMES, d.quads)), "tone": round(d.tone, 4)}


def period_json(p: PeriodCount) -> dict:
    return {"period": p.period, **dict(zip(QUAD_NAMES, p.quads))}


def document_json(d: DocumentInfo) -> dict:
    return asdict(d)


def incident_json(i: Incident) -> dict:
    out = asdict(i)
    out["doc_ids"] = list(i.doc_ids)
    return out


def story_json(s: Story) -> dict:
    out = asdict(s)
    out["actors"], out["doc_ids"] = list(s.actors), list(s.doc_ids)
    return out


def principal_json(p: Principal | None) -> dict | None:
    return asdict(p) if p is not None else None


def message_json(m: Message, evidence: bool = True) -> dict:
    """A message; `chain` its way in words (channels.chain); `evidence` its sentences, one item per
    field a sentence states (left out of lists: `evidence=False`)."""
    out = {"message_id": m.message_id, "kind": m.kind, "reply": m.reply, "status": m.status,
           "sender": principal_json(m.sender), "recipient": principal_json(m.recipient),
           "carriers": [{"actor": principal_json(c.actor), "role": c.role} for c in m.carriers], "chain": chain(m),
           "date": m.date, "sent_date": m.sent_date, "delivered_date": m.delivered_date, "topic": m.topic,
           "in_reply_to": m.in_reply_to, "channel_id": m.channel_id, "report_ids": list(m.report_ids),
           "doc_ids": list(m.doc_ids)}
    if evidence:
        out["evidence"] = [asdict(e) for e in m.evidence]
    return out


def channel_json(c: Channel) -> dict:
    return {"channel_id": c.channel_id, "a": principal_json(c.a), "b": principal_json(c.b),
            "num_messages": c.num_messages, "num_replies": c.num_replies,
            "carriers": [{"name": name, "count": count} for name, count in c.carriers],
            "median_reply_days": c.median_reply_days, "first_date": c.first_date, "last_date": c.last_date,
            "message_ids": list(c.message_ids)}


def page_json(page: Page, item) -> dict:
    return {"total": page.total, "limit": page.limit, "offset": page.offset, "items": [item(x) for x in page.items]}
