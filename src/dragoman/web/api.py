"""The JSON API's shapes: records to plain JSON objects (the column names of `dragoman export`)."""

from __future__ import annotations

from dataclasses import asdict

from ..schema import (
    QUAD_NAMES,
    ActorProfile,
    ActorRef,
    DocumentInfo,
    Dyad,
    Incident,
    Page,
    PeriodCount,
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


def page_json(page: Page, item) -> dict:
    return {"total": page.total, "limit": page.limit, "offset": page.offset, "items": [item(x) for x in page.items]}
