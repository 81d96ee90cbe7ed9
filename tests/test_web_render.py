"""The explorer's HTML pieces (web/render.py) and query checks (web/filters.py), without a server:
the highlighted article, the timeline's periods, the filters' errors."""

from __future__ import annotations

import re

import pytest

from dragoman.schema import ActorRef, Block, Event, EventDate, PeriodCount
from dragoman.web.filters import BadParameter, event_filter, paging
from dragoman.web.render import fill_gaps, highlight, timeline_svg, tone_colour

TEXT = "Putin met <Rouhani> & Zarif in Tehran. Then Iran sent a note.\nRecent Posts"


def _ref(text: str, name: str) -> ActorRef:
    start = TEXT.index(text)
    return ActorRef(name.lower(), name, "IRN", "GOV", text, start, start + len(text))


def _event(event_id: str, sentence: str, trigger: str, source=None, target=None, via=None) -> Event:
    start = TEXT.index(sentence)
    t = TEXT.index(trigger, start)
    return Event(event_id, "d", "CONSULT", None, 1, "04", "occurred", EventDate(None, None, "unresolved"), source,
                 target, via, None, sentence, start, start + len(sentence), trigger, t, t + len(trigger), 0.9, "t")


def _text(html: str) -> str:
    """What a browser shows of `html`: the tags dropped, the entities read."""
    import html as h

    return h.unescape(re.sub(r"<[^>]+>", "", html))


def test_the_selected_event_is_marked_with_its_roles_and_the_text_is_escaped():
    met = _event("e1", "Putin met <Rouhani> & Zarif in Tehran.", "met", _ref("Putin", "Vladimir Putin"),
                 _ref("<Rouhani>", "Hassan Rouhani"))
    sent = _event("e2", "Then Iran sent a note.", "sent", _ref("Iran", "Iran"))
    html = str(highlight(TEXT, met, [met, sent], [Block(TEXT.index("Recent"), len(TEXT), "boilerplate", "menu")]))
    assert _text(html) == TEXT  # nothing lost, nothing added
    assert "<Rouhani>" not in html and "&lt;Rouhani&gt;" in html
    mark = re.search(r'<mark id="selected-event" class="evidence"[^>]*>(.*?)</mark>', html).group(1)
    assert _text(mark) == met.evidence
    assert re.search(r'<span class="role-source"[^>]*>Putin</span>', mark)
    assert re.search(r'<span class="role-target"[^>]*>&lt;Rouhani&gt;</span>', mark)
    assert re.search(r'<span class="role-trigger"[^>]*>met</span>', mark)
    assert re.search(r'<span class="trigger"[^>]*>sent</span>', html)  # the other event, outside the mark
    assert re.search(r'<span class="dropped" title="dropped: menu">Recent Posts</span>', html)


def test_marks_that_cross_are_cut_never_lost_or_doubled():
    # a source span reaching past its sentence's end (a bad offset) is cut at the sentence
    bad = ActorRef("x", "X", None, None, "Tehran. Then", TEXT.index("Tehran"), TEXT.index("Then") + 4)
    e = _event("e1", "Putin met <Rouhani> & Zarif in Tehran.", "met", bad)
    html = str(highlight(TEXT, e, [e]))
    assert _text(html) == TEXT
    assert html.count("<") == html.count(">")
    assert _text(re.search(r'<mark[^>]*>(.*?)</mark>', html).group(1)) == e.evidence


def test_no_event_selected_shows_the_plain_escaped_text():
    assert str(highlight("a < b & c", None, [])) == "a &lt; b &amp; c"


def test_months_and_weeks_without_events_are_filled_in():
    months = fill_gaps([PeriodCount("2020-11", (1, 0, 0, 0)), PeriodCount("2021-02", (0, 2, 0, 0))])
    assert [p.period for p in months] == ["2020-11", "2020-12", "2021-01", "2021-02"]
    assert months[1].quads == (0, 0, 0, 0) and months[3].quads == (0, 2, 0, 0)
    # 2020 has an ISO week 53
    weeks = fill_gaps([PeriodCount("2020-W52", (1, 0, 0, 0)), PeriodCount("2021-W02", (1, 0, 0, 0))])
    assert [p.period for p in weeks] == ["2020-W52", "2020-W53", "2021-W01", "2021-W02"]


def test_the_timeline_draws_one_rect_per_quad_with_events():
    svg = str(timeline_svg([PeriodCount("2021-01", (2, 0, 1, 0)), PeriodCount("2021-03", (0, 0, 0, 4))]))
    assert svg.count('<rect class="q1"') == 1 and svg.count('<rect class="q3"') == 1
    assert svg.count('<rect class="q4"') == 1 and 'class="q2"' not in svg
    assert "2021-02" in svg  # the empty month between has its place


def test_tone_runs_from_conflict_red_to_cooperation_green():
    assert tone_colour(-1) == "#b2182b" and tone_colour(1) == "#1b7837" and tone_colour(0) == "#969696"


@pytest.mark.parametrize("kwargs, parameter", [
    ({"country": "Iran"}, "country"), ({"type": "HUG"}, "type"), ({"status": "done"}, "status"),
    ({"quad": "5"}, "quad"), ({"since": "2021-02-30"}, "since"), ({"until": "yesterday"}, "until"),
    ({"since": "2021-03-01", "until": "2021-02-01"}, "since"),
])
def test_bad_filters_name_their_parameter(kwargs, parameter):
    args = dict(actor=None, country=None, type=None, status=None, quad=None, since=None, until=None, text=None,
                doc_id=None)
    with pytest.raises(BadParameter) as err:
        event_filter(**{**args, **kwargs})
    assert err.value.parameter == parameter


def test_filters_are_normalised_and_blank_fields_mean_any():
    f = event_filter(actor=" putin ", country="irn", type="consult", status="Occurred", quad="2", since="",
                     until="2021-03-01", text="", doc_id=None)
    assert (f.actor, f.country, f.type, f.status, f.quad, f.since, f.until, f.text) == \
        ("putin", "IRN", "CONSULT", "occurred", 2, None, "2021-03-01", None)
    with pytest.raises(BadParameter, match="limit"):
        paging(501, 0)
    with pytest.raises(BadParameter, match="offset"):
        paging(10, -1)
