"""The explorer's reads: what `dragoman serve` shows and its JSON API answers.

Reads the store's tables (never writes); returns typed records (`StoredEvent`, `ActorProfile`,
`Dyad`, `PeriodCount`, `DocumentInfo`, `Incident`, `Story`, `Message`, `Channel`, `Page`s of them). Every value from a
user reaches DuckDB as a parameter, never inside the SQL text. Filters are checked by the caller
(web/filters.py); here they are taken as given.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..schema import (
    OCCURRED,
    Actor,
    ActorProfile,
    DocumentInfo,
    Document,
    Dyad,
    EventFilter,
    Channel,
    Incident,
    Message,
    Overview,
    Page,
    Party,
    PeriodCount,
    Quote,
    StoredEvent,
    Story,
)
from . import Store, _columns, _event, _first_day, _last_day, _q, _quote, _story
from . import messages as _msg

_EVENT_COLUMNS = tuple(c.name for c in _columns("events"))
_EVENT_SELECT = ", ".join(f"e.{_q(c)}" for c in _EVENT_COLUMNS)
_ORDER_EVENTS = "e.date NULLS LAST, e.doc_id, e.start, e.trigger_start, e.event_id"
_QUADS = ", ".join(f"count(*) FILTER (WHERE e.quad = {q})" for q in (1, 2, 3, 4))
# the events each actor takes part in, in any role (an actor in two roles of one event counts once)
_ACTOR_EVENTS = """
    SELECT actor_id, count(DISTINCT event_id) AS n FROM (
        SELECT source_actor_id AS actor_id, event_id FROM events
        UNION ALL SELECT target_actor_id, event_id FROM events
        UNION ALL SELECT via_actor_id, event_id FROM events)
    WHERE actor_id IS NOT NULL GROUP BY actor_id"""
_MESSAGE_SELECT = ", ".join(_q(c.name) for c in _columns("messages"))
_CHANNEL_SELECT = ", ".join(_q(c.name) for c in _columns("channels"))
_ACTOR_COLUMNS = ("actor_id, name, country, sector, kind, office, aliases, mentions, documents, first_seen, "
                  "last_seen")


def event_where(f: EventFilter) -> tuple[str, list[object]]:
    """SQL conditions on `events e` for the filter, and their parameters."""
    conds: list[str] = []
    params: list[object] = []
    if f.actor:
        conds.append("(? IN (e.source_actor_id, e.target_actor_id, e.via_actor_id) OR "
                     + " OR ".join(f"contains(lower(coalesce(e.{r}_name, '')), lower(?))"
                                   for r in ("source", "target", "via")) + ")")
        params += [f.actor] * 4
    if f.actor_id:
        conds.append("? IN (e.source_actor_id, e.target_actor_id, e.via_actor_id)")
        params.append(f.actor_id)
    if f.country:
        conds.append("(e.source_country = ? OR e.target_country = ?)")
        params += [f.country] * 2
    for column, value in (("type", f.type), ("status", f.status), ("quad", f.quad), ("doc_id", f.doc_id)):
        if value is not None:
            conds.append(f"e.{column} = ?")
            params.append(value)
    if f.since:
        conds.append(f"{_last_day('e.date')} >= ?")
        params.append(f.since)
    if f.until:
        conds.append(f"{_first_day('e.date')} <= ?")
        params.append(f.until)
    if f.text:
        conds.append("contains(lower(e.evidence), lower(?))")
        params.append(f.text)
    return (" AND ".join(conds) or "TRUE"), params


class Explorer:
    """Read-only questions to a store, for the explorer's pages and API. Each call holds the
    store's file only while it runs (a shared store), unless the caller holds a session."""

    def __init__(self, store: Store):
        self.store = store

    def _all(self, sql: str, params: Sequence[object] = ()) -> list[tuple]:
        with self.store.session() as s:
            return s._con.execute(sql, list(params)).fetchall()

    def _dicts(self, sql: str, params: Sequence[object] = ()) -> list[dict]:
        with self.store.session() as s:
            cur = s._con.execute(sql, list(params))
            names = [d[0] for d in cur.description]
            return [dict(zip(names, row)) for row in cur.fetchall()]

    # -- overview --------------------------------------------------------------------------

    def overview(self) -> Overview:
        with self.store.session():
            counts = self.store.counts()
            occurred, first, last = self._all(
                f"SELECT count(*) FILTER (WHERE status = ?), min({_first_day('date')}), max({_last_day('date')}) "
                "FROM events", [OCCURRED])[0]
        return Overview(documents=counts["documents"], events=counts["events"], occurred=occurred,
                        actors=counts["actors"], quotes=counts["quotes"], incidents=counts["incidents"],
                        stories=counts["stories"], first_date=_day(first), last_date=last)

    # -- events ----------------------------------------------------------------------------

    def events(self, f: EventFilter, limit: int = 50, offset: int = 0) -> Page:
        where, params = event_where(f)
        with self.store.session():
            total = self._all(f"SELECT count(*) FROM events e WHERE {where}", params)[0][0]
            rows = self._dicts(f"SELECT {_EVENT_SELECT} FROM events e WHERE {where} ORDER BY {_ORDER_EVENTS} "
                               "LIMIT ? OFFSET ?", [*params, limit, offset])
        return Page(tuple(StoredEvent(_event(r), r["incident_id"]) for r in rows), total, limit, offset)

    def event(self, event_id: str) -> StoredEvent | None:
        rows = self._dicts(f"SELECT {_EVENT_SELECT} FROM events e WHERE e.event_id = ?", [event_id])
        return StoredEvent(_event(rows[0]), rows[0]["incident_id"]) if rows else None

    def dyads(self, f: EventFilter, level: str = "country", limit: int = 50, offset: int = 0) -> Page:
        """Source -> target pairs with the most events; `level` "country" or "actor"."""
        where, params = event_where(f)
        if level == "country":
            keys = "e.source_country, e.source_country, e.target_country, e.target_country"
            both = "e.source_country IS NOT NULL AND e.target_country IS NOT NULL"
            group = "e.source_country, e.target_country"
        else:
            keys = "e.source_actor_id, any_value(e.source_name), e.target_actor_id, any_value(e.target_name)"
            both = "e.source_actor_id IS NOT NULL AND e.target_actor_id IS NOT NULL"
            group = "e.source_actor_id, e.target_actor_id"
        with self.store.session():
            total = self._all(f"SELECT count(*) FROM (SELECT 1 FROM events e WHERE {where} AND {both} "
                              f"GROUP BY {group})", params)[0][0]
            rows = self._all(f"SELECT {keys}, count(*) AS n, {_QUADS} FROM events e WHERE {where} AND {both} "
                             f"GROUP BY {group} ORDER BY n DESC, 1, 3 LIMIT ? OFFSET ?", [*params, limit, offset])
        return Page(tuple(Dyad(r[0], r[1], r[2], r[3], r[4], tuple(r[5:9])) for r in rows), total, limit, offset)

    def timeline(self, f: EventFilter, interval: str = "month") -> list[PeriodCount]:
        """Events per month ("2021-02"; events dated to the month or day) or ISO week ("2021-W07";
        events dated to the day), per quad class; periods without events are left out."""
        where, params = event_where(f)
        if interval == "week":
            period, known = "strftime(TRY_CAST(e.date AS DATE), '%G-W%V')", "length(e.date) = 10"
        else:
            period, known = "substr(e.date, 1, 7)", "length(e.date) >= 7"
        rows = self._all(f"SELECT {period} AS p, {_QUADS} FROM events e WHERE {where} AND {known} "
                         "GROUP BY p HAVING p IS NOT NULL ORDER BY p", params)
        return [PeriodCount(r[0], tuple(r[1:5])) for r in rows]

    # -- actors ----------------------------------------------------------------------------

    def actors(self, q: str | None = None, country: str | None = None, sector: str | None = None,
               kind: str | None = None, limit: int = 50, offset: int = 0) -> Page:
        conds, params = [], []
        if q:
            conds.append("(contains(lower(a.name), lower(?)) OR "
                         "contains(lower(array_to_string(a.aliases, chr(10))), lower(?)))")
            params += [q, q]
        for column, value in (("country", country), ("sector", sector), ("kind", kind)):
            if value:
                conds.append(f"a.{column} = ?")
                params.append(value)
        where = " AND ".join(conds) or "TRUE"
        with self.store.session():
            total = self._all(f"SELECT count(*) FROM actors a WHERE {where}", params)[0][0]
            rows = self._all(f"SELECT {_prefixed('a', _ACTOR_COLUMNS)}, coalesce(ev.n, 0) AS n FROM actors a "
                             f"LEFT JOIN ({_ACTOR_EVENTS}) ev USING (actor_id) WHERE {where} "
                             "ORDER BY n DESC, a.mentions DESC, a.actor_id LIMIT ? OFFSET ?", [*params, limit, offset])
        return Page(tuple(_profile(r) for r in rows), total, limit, offset)

    def actor(self, actor_id: str) -> ActorProfile | None:
        rows = self._all(f"SELECT {_prefixed('a', _ACTOR_COLUMNS)}, coalesce(ev.n, 0) FROM actors a "
                         f"LEFT JOIN ({_ACTOR_EVENTS}) ev USING (actor_id) WHERE a.actor_id = ?", [actor_id])
        return _profile(rows[0]) if rows else None

    def quotes_by(self, actor_id: str, limit: int = 200) -> list[Quote]:
        rows = self._dicts("SELECT * FROM quotes WHERE speaker_actor_id = ? ORDER BY doc_id, start LIMIT ?",
                           [actor_id, limit])
        return [_quote(r) for r in rows]

    # -- documents -------------------------------------------------------------------------

    def documents(self, text: str | None = None, outlet: str | None = None, story_id: str | None = None,
                  limit: int = 50, offset: int = 0) -> Page:
        conds, params = [], []
        if text:
            conds.append("(contains(lower(d.text), lower(?)) OR contains(lower(coalesce(d.title, '')), lower(?)))")
            params += [text, text]
        if outlet:
            conds.append("d.outlet = ?")
            params.append(outlet)
        if story_id:
            conds.append("d.story_id = ?")
            params.append(story_id)
        where = " AND ".join(conds) or "TRUE"
        with self.store.session():
            total = self._all(f"SELECT count(*) FROM documents d WHERE {where}", params)[0][0]
            rows = self._all("SELECT d.doc_id, d.title, d.published, d.outlet, d.url, d.n_events, d.story_id "
                             f"FROM documents d WHERE {where} ORDER BY d.published DESC NULLS LAST, d.doc_id "
                             "LIMIT ? OFFSET ?", [*params, limit, offset])
        return Page(tuple(DocumentInfo(*r) for r in rows), total, limit, offset)

    def document(self, doc_id: str) -> tuple[Document, DocumentInfo] | None:
        rows = self._dicts("SELECT * FROM documents WHERE doc_id = ?", [doc_id])
        if not rows:
            return None
        r = rows[0]
        document = Document(doc_id=r["doc_id"], text=r["text"], content_hash=r["content_hash"], title=r["title"],
                            published=r["published"], date_source=r["date_source"], url=r["url"],
                            outlet=r["outlet"], input=r["input"], record=r["record"], fmt=r["fmt"])
        info = DocumentInfo(r["doc_id"], r["title"], r["published"], r["outlet"], r["url"], r["n_events"],
                            r["story_id"])
        return document, info

    def quotes_in(self, doc_id: str) -> list[Quote]:
        return self.store.quotes([doc_id])

    # -- incidents and stories -------------------------------------------------------------

    def incidents(self, f: EventFilter = EventFilter(), limit: int = 50, offset: int = 0) -> Page:
        """Incidents, most reported first; `f` applies to their events."""
        where, params = event_where(f)
        members = f"SELECT DISTINCT e.incident_id FROM events e WHERE {where} AND e.incident_id IS NOT NULL"
        with self.store.session():
            total = self._all(f"SELECT count(*) FROM ({members})", params)[0][0]
            rows = self._dicts(f"{_INCIDENT_SQL} WHERE i.incident_id IN ({members}) "
                               "ORDER BY i.num_documents DESC, i.first_reported DESC NULLS LAST, i.incident_id "
                               "LIMIT ? OFFSET ?", [*params, limit, offset])
        return Page(tuple(_incident(r) for r in rows), total, limit, offset)

    def incident(self, incident_id: str) -> Incident | None:
        rows = self._dicts(f"{_INCIDENT_SQL} WHERE i.incident_id = ?", [incident_id])
        return _incident(rows[0]) if rows else None

    def stories(self, limit: int = 50, offset: int = 0) -> Page:
        with self.store.session():
            total = self._all("SELECT count(*) FROM stories")[0][0]
            rows = self._dicts("SELECT * FROM stories ORDER BY num_documents DESC, last_published DESC NULLS LAST, "
                               "story_id LIMIT ? OFFSET ?", [limit, offset])
        return Page(tuple(_story(r) for r in rows), total, limit, offset)

    def story(self, story_id: str) -> Story | None:
        rows = self._dicts("SELECT * FROM stories WHERE story_id = ?", [story_id])
        return _story(rows[0]) if rows else None

    # -- messages and channels (the lists: Store.messages() and Store.channels()) ------------

    def message(self, message_id: str) -> Message | None:
        rows = self._dicts(f"SELECT {_MESSAGE_SELECT} FROM messages WHERE message_id = ?", [message_id])
        return _msg.message(rows[0]) if rows else None

    def channel(self, channel_id: str) -> Channel | None:
        rows = self._dicts(f"SELECT {_CHANNEL_SELECT} FROM channels WHERE channel_id = ?", [channel_id])
        return _msg.channel(rows[0]) if rows else None

    def channel_messages(self, channel: Channel) -> list[Message]:
        """The messages of a channel, in its (time) order."""
        rows = self._dicts(f"SELECT {_MESSAGE_SELECT} FROM messages WHERE message_id IN "
                           "(SELECT unnest(?::VARCHAR[]))", [list(channel.message_ids)])
        by_id = {r["message_id"]: _msg.message(r) for r in rows}
        return [by_id[m] for m in channel.message_ids if m in by_id]


_INCIDENT_SQL = """
    SELECT i.*, sa.kind AS source_kind, sa.office AS source_office, ta.kind AS target_kind,
           ta.office AS target_office, va.kind AS via_kind, va.office AS via_office
    FROM incidents i
    LEFT JOIN actors sa ON sa.actor_id = i.source_actor_id
    LEFT JOIN actors ta ON ta.actor_id = i.target_actor_id
    LEFT JOIN actors va ON va.actor_id = i.via_actor_id"""


def _prefixed(alias: str, columns: str) -> str:
    return ", ".join(f"{alias}.{c.strip()}" for c in columns.split(","))


def _day(value: str | None) -> str | None:
    """A first or last day as `_first_day`/`_last_day` write it ("2021-02-00", "2021-99-99") back to
    what was stored ("2021-02", "2021")."""
    return value.replace("-00", "").replace("-99", "") if value else value


def _profile(r: tuple) -> ActorProfile:
    actor = Actor(actor_id=r[0], name=r[1], country=r[2], sector=r[3], kind=r[4], office=r[5],
                  aliases=tuple(r[6] or ()))
    return ActorProfile(actor, r[7] or 0, r[8] or 0, r[9], r[10], r[11])


def _party(r: dict, role: str) -> Party | None:
    if r[f"{role}_actor_id"] is None:
        return None
    return Party(r[f"{role}_actor_id"], r[f"{role}_name"], r[f"{role}_country"], r[f"{role}_kind"] or "group",
                 r[f"{role}_office"])


def _incident(r: dict) -> Incident:
    return Incident(r["incident_id"], r["type"], r["mode"], r["status"], _party(r, "source"), _party(r, "target"),
                    _party(r, "via"), r["date"], r["date_precision"], r["date_reports"], r["dated_reports"],
                    r["num_mentions"], r["num_documents"], r["num_sources"], r["first_reported"],
                    tuple(r["doc_ids"] or ()))
