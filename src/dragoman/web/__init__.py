"""`dragoman serve`: a local web explorer and JSON API over a store, read-only.

Reads: a store (`store.explore.Explorer`), opened shared and read-only, so `dragoman code` can
write it meanwhile (each request holds the file for its queries only). Writes: nothing. Pages
are rendered on the server (Jinja2 templates, SVG charts) with the CSS shipped in the package:
no CDN, no script needed. The JSON API lives under /api/ with its OpenAPI description at
/openapi.json. Handlers are `async`: one request at a time reads the store.
"""

from __future__ import annotations

from dataclasses import replace
from importlib import resources
from pathlib import Path
from urllib.parse import urlencode

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from .. import __version__
from ..channels import chain, matches, select
from ..errors import StoreError
from ..schema import OCCURRED, Channel, EventFilter, Message, Page
from ..store import READER_WAIT, Store
from ..store.explore import Explorer
from . import api, render
from .filters import BadParameter, choice, event_filter, paging, principal_filter

_HERE = resources.files("dragoman.web")
MAX_EDGES = 150  # dyads drawn on the network page
MAX_CHANNELS = 60  # channels drawn on the channels graph (the ones with the most messages)


class NotFound(LookupError):
    pass


def create_app(db: str | Path) -> FastAPI:
    """The explorer over the store `db` (which must exist)."""
    store = Store(db, read_only=True, shared=True, wait=READER_WAIT)
    explorer = Explorer(store)
    app = FastAPI(title="dragoman", version=__version__, docs_url=None, redoc_url=None,
                  description="Political events coded from news articles (PLOVER), with the sentences behind them. "
                              "Read-only.")
    with resources.as_file(_HERE / "static") as static:
        app.mount("/static", StaticFiles(directory=static), name="static")
    with resources.as_file(_HERE / "templates") as folder:
        templates = Jinja2Templates(directory=folder)
    templates.env.globals.update(quad_labels=render.QUAD_LABELS, legend=render.legend, db=Path(db).name,
                                 chain=chain)

    def page(request: Request, name: str, status_code: int = 200, **context) -> HTMLResponse:
        return templates.TemplateResponse(request, name, context, status_code=status_code)

    def _is_api(request: Request) -> bool:
        return request.url.path.startswith("/api/")

    @app.exception_handler(BadParameter)
    async def bad_parameter(request: Request, err: BadParameter):
        if _is_api(request):
            return JSONResponse({"error": str(err), "parameter": err.parameter}, status_code=400)
        return page(request, "error.html", 400, title="Bad request", message=str(err))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, err: RequestValidationError):
        first = err.errors()[0] if err.errors() else {}
        parameter = str(first.get("loc", ("", "?"))[-1])
        value = first.get("input")
        return await bad_parameter(request, BadParameter(parameter, f"{value!r}: {first.get('msg', 'invalid')}"))

    @app.exception_handler(NotFound)
    async def not_found(request: Request, err: NotFound):
        if _is_api(request):
            return JSONResponse({"error": str(err)}, status_code=404)
        return page(request, "error.html", 404, title="Not found", message=str(err))

    @app.exception_handler(StoreError)
    async def store_busy(request: Request, err: StoreError):
        if _is_api(request):
            return JSONResponse({"error": str(err)}, status_code=503)
        return page(request, "error.html", 503, title="Store unavailable", message=str(err))

    def found(value, what: str, key: str):
        if value is None:
            raise NotFound(f"no {what} {key!r} in this store")
        return value

    # -- JSON API ------------------------------------------------------------------------------

    @app.get("/api/summary", tags=["api"], summary="What the store holds")
    async def api_summary():
        o = explorer.overview()
        return {k: getattr(o, k) for k in o.__dataclass_fields__}

    @app.get("/api/events", tags=["api"], summary="Events, filtered and paginated")
    async def api_events(f: EventFilter = Depends(event_filter), pg: tuple[int, int] = Depends(paging)):
        return api.page_json(explorer.events(f, *pg), api.event_json)

    @app.get("/api/events/{event_id:path}", tags=["api"], summary="One event")
    async def api_event(event_id: str):
        return api.event_json(found(explorer.event(event_id), "event", event_id))

    @app.get("/api/actors", tags=["api"], summary="Actors, most active first")
    async def api_actors(q: str | None = None, country: str | None = None, sector: str | None = None,
                         kind: str | None = None, pg: tuple[int, int] = Depends(paging)):
        return api.page_json(explorer.actors(q, country.upper() if country else None, sector, kind, *pg),
                             api.actor_json)

    @app.get("/api/actors/{actor_id:path}", tags=["api"], summary="One actor and its quotes")
    async def api_actor(actor_id: str):
        with store.session():
            profile = found(explorer.actor(actor_id), "actor", actor_id)
            quotes = explorer.quotes_by(actor_id)
        return {**api.actor_json(profile), "quotes": [api.quote_json(q) for q in quotes]}

    @app.get("/api/dyads", tags=["api"], summary="Source -> target pairs with the most events")
    async def api_dyads(f: EventFilter = Depends(event_filter), level: str = "country",
                        pg: tuple[int, int] = Depends(paging)):
        choice("level", level, ("country", "actor"))
        f = f if f.status else _occurred(f)
        return {"level": level, **api.page_json(explorer.dyads(f, level, *pg), api.dyad_json)}

    @app.get("/api/timeline", tags=["api"], summary="Events per month or week by quad class")
    async def api_timeline(f: EventFilter = Depends(event_filter), interval: str = "month"):
        choice("interval", interval, ("month", "week"))
        return {"interval": interval, "items": [api.period_json(p) for p in explorer.timeline(f, interval)]}

    @app.get("/api/incidents", tags=["api"], summary="Incidents (one real-world event, its reports)")
    async def api_incidents(f: EventFilter = Depends(event_filter), pg: tuple[int, int] = Depends(paging)):
        return api.page_json(explorer.incidents(f, *pg), api.incident_json)

    @app.get("/api/incidents/{incident_id}", tags=["api"], summary="One incident and its documents")
    async def api_incident(incident_id: str):
        with store.session():
            incident = found(explorer.incident(incident_id), "incident", incident_id)
            docs = [explorer.document(d) for d in incident.doc_ids]
        return {**api.incident_json(incident), "documents": [api.document_json(d[1]) for d in docs if d]}

    @app.get("/api/stories", tags=["api"], summary="Stories (documents about the same news)")
    async def api_stories(pg: tuple[int, int] = Depends(paging)):
        return api.page_json(explorer.stories(*pg), api.story_json)

    @app.get("/api/stories/{story_id}", tags=["api"], summary="One story and its documents")
    async def api_story(story_id: str):
        with store.session():
            story = found(explorer.story(story_id), "story", story_id)
            docs = explorer.documents(story_id=story_id, limit=500)
        return {**api.story_json(story), "documents": [api.document_json(d) for d in docs.items]}

    @app.get("/api/documents", tags=["api"], summary="Documents, newest first")
    async def api_documents(text: str | None = None, outlet: str | None = None, pg: tuple[int, int] = Depends(paging)):
        return api.page_json(explorer.documents(text, outlet, None, *pg), api.document_json)

    @app.get("/api/documents/{doc_id:path}", tags=["api"], summary="One document: text, events and quotes")
    async def api_document(doc_id: str):
        with store.session():
            document, info = found(explorer.document(doc_id), "document", doc_id)
            events = explorer.events(EventFilter(doc_id=doc_id), limit=500)
            quotes = explorer.quotes_in(doc_id)
        return {**api.document_json(info), "text": document.text,
                "events": [api.event_json(e) for e in events.items], "quotes": [api.quote_json(q) for q in quotes]}

    @app.get("/api/channels", tags=["api"], summary="Channels between two principals, most messages first")
    async def api_channels(who: tuple = Depends(principal_filter), pg: tuple[int, int] = Depends(paging)):
        return api.page_json(_paged(_channels(store.channels(), *who), *pg), api.channel_json)

    @app.get("/api/channels/{channel_id}", tags=["api"], summary="One channel and its messages, in time order")
    async def api_channel(channel_id: str):
        with store.session():
            channel = found(explorer.channel(channel_id), "channel", channel_id)
            messages = explorer.channel_messages(channel)
        return {**api.channel_json(channel), "messages": [api.message_json(m) for m in messages]}

    @app.get("/api/messages", tags=["api"], summary="Messages, earliest first (without their evidence)",
             description="`actor` and `country` select the messages with such a sender, recipient or carrier.")
    async def api_messages(who: tuple = Depends(principal_filter), pg: tuple[int, int] = Depends(paging)):
        return api.page_json(_paged(_messages(store.messages(), *who), *pg),
                             lambda m: api.message_json(m, evidence=False))

    @app.get("/api/messages/{message_id}", tags=["api"], summary="One message with its evidence")
    async def api_message(message_id: str):
        return api.message_json(found(explorer.message(message_id), "message", message_id))

    # -- pages ---------------------------------------------------------------------------------

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    async def home(request: Request, interval: str = "month"):
        choice("interval", interval, ("month", "week"))
        with store.session():
            overview = explorer.overview()
            periods = explorer.timeline(EventFilter(), interval)
            actors = explorer.actors(limit=10).items
            dyads = explorer.dyads(EventFilter(status=OCCURRED), "country", 10).items
            recent = explorer.events(EventFilter(status=OCCURRED), limit=10)
        return page(request, "home.html", overview=overview, interval=interval,
                    timeline=render.timeline_svg(periods), actors=actors, dyads=dyads, recent=recent.items)

    @app.get("/events", response_class=HTMLResponse, include_in_schema=False)
    async def events_page(request: Request, f: EventFilter = Depends(event_filter),
                          pg: tuple[int, int] = Depends(paging)):
        result = explorer.events(f, *pg)
        return page(request, "events.html", f=f, result=result, **_pager(request, result))

    @app.get("/network", response_class=HTMLResponse, include_in_schema=False)
    async def network_page(request: Request, f: EventFilter = Depends(event_filter), level: str = "country",
                           limit: int = 60):
        choice("level", level, ("country", "actor"))
        if not 1 <= limit <= MAX_EDGES:  # the layout is quadratic in the nodes
            raise BadParameter("limit", f"{limit} is out of range; give 1 to {MAX_EDGES} edges")
        f = f if f.status else _occurred(f)
        dyads = explorer.dyads(f, level, limit).items
        nodes, edges = render.network_layout(dyads)
        return page(request, "network.html", f=f, level=level, nodes=nodes, edges=edges, limit=limit)

    @app.get("/actors", response_class=HTMLResponse, include_in_schema=False)
    async def actors_page(request: Request, q: str | None = None, country: str | None = None,
                          pg: tuple[int, int] = Depends(paging)):
        result = explorer.actors(q or None, (country or "").upper() or None, None, None, *pg)
        return page(request, "actors.html", q=q or "", country=country or "", result=result,
                    **_pager(request, result))

    @app.get("/actors/{actor_id:path}", response_class=HTMLResponse, include_in_schema=False)
    async def actor_page(request: Request, actor_id: str):
        with store.session():
            profile = found(explorer.actor(actor_id), "actor", actor_id)
            f = EventFilter(actor_id=actor_id)
            periods = explorer.timeline(f)
            events = explorer.events(f, limit=200)
            quotes = explorer.quotes_by(actor_id)
        return page(request, "actor.html", p=profile, timeline=render.timeline_svg(periods, "actor-timeline", 900, 160),
                    events=events, quotes=quotes)

    @app.get("/documents", response_class=HTMLResponse, include_in_schema=False)
    async def documents_page(request: Request, text: str | None = None, pg: tuple[int, int] = Depends(paging)):
        result = explorer.documents(text or None, None, None, *pg)
        return page(request, "documents.html", text=text or "", result=result, **_pager(request, result))

    @app.get("/documents/{doc_id:path}", response_class=HTMLResponse, include_in_schema=False)
    async def document_page(request: Request, doc_id: str, event: str | None = None, message: str | None = None):
        with store.session():
            document, info = found(explorer.document(doc_id), "document", doc_id)
            events = sorted((se.event for se in explorer.events(EventFilter(doc_id=doc_id), limit=500).items),
                            key=lambda e: (e.start, e.trigger_start, e.event_id))  # in reading order
            quotes = explorer.quotes_in(doc_id)
            blocks = store.blocks(doc_id)
            selected_message = found(explorer.message(message), "message", message) if message else None
        selected = next((e for e in events if e.event_id == event), None)
        if event and selected is None:
            raise NotFound(f"no event {event!r} in document {doc_id!r}")
        sentences = render.evidence_sentences(selected_message.evidence, doc_id) if selected_message else []
        if selected_message and not sentences:
            raise NotFound(f"no evidence of message {message!r} in document {doc_id!r}")
        return page(request, "document.html", doc=document, info=info, events=events, selected=selected,
                    quotes=quotes, message=selected_message, sentences=sentences,
                    text=render.highlight(document.text, selected, events, blocks, sentences))

    @app.get("/channels", response_class=HTMLResponse, include_in_schema=False)
    async def channels_page(request: Request, who: tuple = Depends(principal_filter),
                            pg: tuple[int, int] = Depends(paging)):
        chosen = _channels(store.channels(), *who)
        drawn = chosen[:MAX_CHANNELS]
        nodes, edges = render.channel_layout(drawn)
        result = _paged(chosen, *pg)
        return page(request, "channels.html", actor=who[0] or "", country=who[1] or "", nodes=nodes, edges=edges,
                    total=len(chosen), drawn=len(drawn), result=result, **_pager(request, result))

    @app.get("/channels/{channel_id}", response_class=HTMLResponse, include_in_schema=False)
    async def channel_page(request: Request, channel_id: str):
        with store.session():
            channel = found(explorer.channel(channel_id), "channel", channel_id)
            messages = explorer.channel_messages(channel)
            known = {m.message_id: m for m in messages}
            for m in messages:  # an original outside the channel (a reply to someone else's message)
                if m.in_reply_to and m.in_reply_to not in known:
                    known[m.in_reply_to] = explorer.message(m.in_reply_to)
        rows = [(m, known.get(m.in_reply_to) if m.in_reply_to else None, render.evidence_sentences(m.evidence))
                for m in messages]
        return page(request, "channel.html", c=channel, rows=rows,
                    timeline=render.channel_timeline_svg(channel, messages))

    @app.get("/incidents", response_class=HTMLResponse, include_in_schema=False)
    async def incidents_page(request: Request, f: EventFilter = Depends(event_filter),
                             pg: tuple[int, int] = Depends(paging)):
        result = explorer.incidents(f, *pg)
        return page(request, "incidents.html", result=result, **_pager(request, result))

    @app.get("/incidents/{incident_id}", response_class=HTMLResponse, include_in_schema=False)
    async def incident_page(request: Request, incident_id: str):
        with store.session():
            incident = found(explorer.incident(incident_id), "incident", incident_id)
            docs = [explorer.document(d) for d in incident.doc_ids]
            events = [se for d in incident.doc_ids
                      for se in explorer.events(EventFilter(doc_id=d), limit=500).items if se.incident_id == incident_id]
        return page(request, "incident.html", i=incident, docs=[d[1] for d in docs if d], events=events)

    @app.get("/stories", response_class=HTMLResponse, include_in_schema=False)
    async def stories_page(request: Request, pg: tuple[int, int] = Depends(paging)):
        result = explorer.stories(*pg)
        return page(request, "stories.html", result=result, **_pager(request, result))

    @app.get("/stories/{story_id}", response_class=HTMLResponse, include_in_schema=False)
    async def story_page(request: Request, story_id: str):
        with store.session():
            story = found(explorer.story(story_id), "story", story_id)
            docs = explorer.documents(story_id=story_id, limit=500).items
        return page(request, "story.html", s=story, docs=docs)

    app.state.store = store
    return app


def _occurred(f: EventFilter) -> EventFilter:
    return replace(f, status=OCCURRED)


def _channels(channels: list[Channel], actor: str | None, country: str | None) -> list[Channel]:
    """The channels `channels.select` picks, most messages first (then the earliest)."""
    return sorted(select(channels, actor, country),
                  key=lambda c: (-c.num_messages, c.first_date is None, c.first_date or "", c.channel_id))


def _messages(messages: list[Message], actor: str | None, country: str | None) -> list[Message]:
    """The messages with a sender, recipient or carrier that `channels.matches`, in their order."""
    if actor is None and country is None:
        return messages
    return [m for m in messages
            if any(matches(p, actor, country) for p in (m.sender, m.recipient, *(c.actor for c in m.carriers)))]


def _paged(items: list, limit: int, offset: int) -> Page:
    return Page(tuple(items[offset:offset + limit]), len(items), limit, offset)


def _pager(request: Request, result) -> dict:
    """Links to the previous and next pages, keeping the other parameters."""
    def at(offset: int) -> str:
        params = {k: v for k, v in request.query_params.items() if k != "offset" and v}
        if offset:
            params["offset"] = str(offset)
        return f"{request.url.path}?{urlencode(params)}" if params else request.url.path

    prev_link = at(max(0, result.offset - result.limit)) if result.offset > 0 else None
    next_link = at(result.offset + result.limit) if result.offset + result.limit < result.total else None
    return {"prev_link": prev_link, "next_link": next_link}
