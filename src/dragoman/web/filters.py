"""Query parameters of the explorer's pages and API, checked: a bad value is a `BadParameter`
naming the parameter and what it accepts (answered with HTTP 400)."""

from __future__ import annotations

import re
from datetime import date

from fastapi import Query

from ..events.lexicon import PLOVER_QUAD
from ..schema import STATUSES, EventFilter

MAX_LIMIT = 500
MAX_OFFSET = 2**62  # DuckDB's OFFSET is a signed 64-bit number
_ISO3 = re.compile(r"^[A-Za-z]{3}$")


class BadParameter(ValueError):
    def __init__(self, parameter: str, message: str):
        super().__init__(f"invalid parameter {parameter!r}: {message}")
        self.parameter = parameter


def _blank(value: str | None) -> str | None:
    """Empty form fields mean "any"."""
    value = value.strip() if value is not None else None
    return value or None


def _day(name: str, value: str | None) -> str | None:
    value = _blank(value)
    if value is None:
        return None
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        try:
            return date.fromisoformat(value).isoformat()
        except ValueError:
            pass
    raise BadParameter(name, f"{value!r} is not a day; give YYYY-MM-DD, e.g. 2021-02-09")


def _country(value: str | None) -> str | None:
    value = _blank(value)
    if value is None:
        return None
    if not _ISO3.match(value):
        raise BadParameter("country", f"{value!r} is not an ISO 3166-1 alpha-3 code; give three letters, e.g. IRN")
    return value.upper()


def event_filter(
    actor: str | None = Query(None, description="An actor_id, or part of a source, target or via name (any case)"),
    country: str | None = Query(None, description="ISO 3166-1 alpha-3 code of the source or target, e.g. IRN"),
    type: str | None = Query(None, description="PLOVER event type, e.g. CONSULT"),
    status: str | None = Query(None, description="occurred, future, hypothetical or negated"),
    quad: str | None = Query(None, description="Quad class: 1 verbal cooperation, 2 material cooperation, "
                                               "3 verbal conflict, 4 material conflict"),
    since: str | None = Query(None, description="Events dated on or after this day (YYYY-MM-DD)"),
    until: str | None = Query(None, description="Events dated on or before this day (YYYY-MM-DD)"),
    text: str | None = Query(None, description="Part of the evidence sentence (any case)"),
    doc_id: str | None = Query(None, description="Events of this document"),
    actor_id: str | None = Query(None, description="Events of exactly this actor (source, target or via)"),
) -> EventFilter:
    """The event filter of a request (a FastAPI dependency: its parameters are the API's)."""
    country, type_, status, quad = _country(country), _blank(type), _blank(status), _blank(quad)
    if type_ is not None:
        type_ = type_.upper()
        if type_ not in PLOVER_QUAD:
            raise BadParameter("type", f"{type!r} is not a PLOVER event type; one of {', '.join(sorted(PLOVER_QUAD))}")
    if status is not None:
        status = status.lower()
        if status not in STATUSES:
            raise BadParameter("status", f"{status!r} is not a status; one of {', '.join(STATUSES)}")
    quad_n = None
    if quad is not None:
        if quad not in ("1", "2", "3", "4"):
            raise BadParameter("quad", f"{quad!r} is not a quad class; give 1, 2, 3 or 4")
        quad_n = int(quad)
    first, last = _day("since", since), _day("until", until)
    if first and last and first > last:
        raise BadParameter("since", f"{first} is after until ({last})")
    return EventFilter(actor=_blank(actor), country=country, type=type_, status=status, quad=quad_n, since=first,
                       until=last, text=_blank(text), doc_id=doc_id or None, actor_id=actor_id or None)


def principal_filter(
    actor: str | None = Query(None, description="An actor_id, or part of a principal's name (any case)"),
    country: str | None = Query(None, description="ISO 3166-1 alpha-3 code of a principal, e.g. IRN"),
) -> tuple[str | None, str | None]:
    """(actor, country) of a request for channels or messages, as `channels.select` takes them."""
    return _blank(actor), _country(country)


def paging(
    limit: int = Query(50, description=f"Items per page, 1 to {MAX_LIMIT}"),
    offset: int = Query(0, description="Items to skip"),
) -> tuple[int, int]:
    if not 1 <= limit <= MAX_LIMIT:
        raise BadParameter("limit", f"{limit} is out of range; give 1 to {MAX_LIMIT}")
    if not 0 <= offset <= MAX_OFFSET:
        raise BadParameter("offset", f"{offset} is out of range; give 0 to {MAX_OFFSET}")
    return limit, offset


def choice(name: str, value: str, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise BadParameter(name, f"{value!r} is not one of {', '.join(allowed)}")
    return value
