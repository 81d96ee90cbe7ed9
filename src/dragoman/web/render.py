"""HTML and SVG the explorer's templates embed: the article with its spans highlighted, the
timeline bars, the network's layout. Every piece of text from the store is escaped here."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from html import escape

import numpy as np
from markupsafe import Markup

from ..channels import chain
from ..dates import date_span
from ..schema import MESSAGE_FIELDS, Block, Channel, Dyad, Event, Evidence, Message, PeriodCount

QUAD_LABELS = ("Verbal cooperation", "Material cooperation", "Verbal conflict", "Material conflict")
QUAD_COLOURS = ("#7fbf7b", "#1b7837", "#f4a582", "#b2182b")
GRAVITY = 0.05


@dataclass(frozen=True)
class _Mark:
    start: int
    end: int
    tag: str  # "mark" | "span"
    cls: str
    title: str = ""
    ident: str = ""
    fields: str = ""  # data-fields: what a message's evidence sentence states


def highlight(text: str, event: Event | None, others: Sequence[Event], blocks: Sequence[Block] = (),
              sentences: Sequence[EvidenceSentence] = ()) -> Markup:
    """The article, escaped, with the selected `event`'s sentence in `mark.evidence` and its
    source, target, via and trigger in `span.role-*`; the triggers of `others` underlined
    (`span.trigger`), and the paragraphs the cleaner dropped dimmed (`span.dropped`). A selected
    message's evidence `sentences` in `mark.evidence.message-evidence#evidence-START`, the fields
    each states in its `data-fields`."""
    marks = [_Mark(b.start, b.end, "span", "dropped", f"dropped: {b.reason or b.kind}")
             for b in blocks if b.kind == "boilerplate"]
    for s in sentences:
        label = ", ".join(s.fields)
        marks.append(_Mark(s.start, s.end, "mark", "evidence message-evidence", f"states the message's {label}",
                           f"evidence-{int(s.start)}", label))
    if event is not None:
        marks.append(_Mark(event.start, event.end, "mark", "evidence", f"{event.type} ({event.status})",
                           "selected-event"))
        for role, ref in (("source", event.source), ("target", event.target), ("via", event.via)):
            # inside the sentence only (a role named in an earlier sentence keeps its place there)
            start, end = max(ref.start, event.start) if ref else 0, min(ref.end, event.end) if ref else 0
            if ref is not None and start < end:
                marks.append(_Mark(start, end, "span", f"role-{role}", f"{role}: {ref.name}"))
        marks.append(_Mark(event.trigger_start, event.trigger_end, "span", "role-trigger", f"trigger: {event.type}"))
    taken = [(m.start, m.end) for m in marks if m.cls.startswith("role-")]
    for e in others:
        if event is not None and e.event_id == event.event_id:
            continue
        if not any(s < e.trigger_end and e.trigger_start < t for s, t in taken):
            marks.append(_Mark(e.trigger_start, e.trigger_end, "span", "trigger", f"{e.type} ({e.status})"))
            taken.append((e.trigger_start, e.trigger_end))
    return Markup(_nest(text, marks))


def _nest(text: str, marks: list[_Mark]) -> str:
    """`text` with `marks` as elements. Marks are nested by position; one that crosses the end
    of the mark it starts in is cut there."""
    marks = sorted((m for m in marks if 0 <= m.start < m.end <= len(text)), key=lambda m: (m.start, -m.end))
    out: list[str] = []
    stack: list[tuple[int, str]] = []  # (end, tag) of the open elements
    pos = 0

    def close_until(limit: int) -> None:
        nonlocal pos
        while stack and stack[-1][0] <= limit:
            end, tag = stack.pop()
            out.append(escape(text[pos:end]))
            out.append(f"</{tag}>")
            pos = end

    for m in marks:
        close_until(m.start)
        end = min(m.end, stack[-1][0]) if stack else m.end
        out.append(escape(text[pos:m.start]))
        title = f' title="{escape(m.title)}"' if m.title else ""
        ident = f' id="{escape(m.ident)}"' if m.ident else ""
        fields = f' data-fields="{escape(m.fields)}"' if m.fields else ""
        out.append(f'<{m.tag}{ident} class="{m.cls}"{title}{fields}>')
        stack.append((end, m.tag))
        pos = m.start
    close_until(len(text))
    out.append(escape(text[pos:]))
    return "".join(out)


@dataclass(frozen=True)
class EvidenceSentence:
    """A sentence of a document that states fields of a message."""

    doc_id: str
    start: int
    end: int
    text: str
    fields: tuple[str, ...]  # in MESSAGE_FIELDS order


def evidence_sentences(evidence: Sequence[Evidence], doc_id: str | None = None) -> list[EvidenceSentence]:
    """A message's evidence (of `doc_id`, or of all its documents) one sentence at a time, with
    the fields it states; in document order, then reading order."""
    order = {f: i for i, f in enumerate(MESSAGE_FIELDS)}
    docs: dict[str, int] = {}
    found: dict[tuple[str, int, int], tuple[str, set[str]]] = {}
    for e in evidence:
        if doc_id is not None and e.doc_id != doc_id:
            continue
        docs.setdefault(e.doc_id, len(docs))
        found.setdefault((e.doc_id, e.start, e.end), (e.text, set()))[1].add(e.field)
    return [EvidenceSentence(d, start, end, text, tuple(sorted(fields, key=lambda f: (order.get(f, 99), f))))
            for (d, start, end), (text, fields) in sorted(found.items(), key=lambda kv: (docs[kv[0][0]], kv[0][1:]))]


# -- timeline -----------------------------------------------------------------------------------

def timeline_svg(periods: Sequence[PeriodCount], element_id: str = "timeline", width: int = 900,
                 height: int = 220) -> Markup:
    """Stacked bars of events per period, one colour per quad class (`rect.q1` .. `rect.q4`)."""
    left, bottom, top = 40, 40, 10
    plot_h = height - bottom - top
    if not periods:
        return Markup(f'<svg id="{escape(element_id)}" class="chart" viewBox="0 0 {width} {height}" role="img">'
                      f'<text x="{width // 2}" y="{height // 2}" text-anchor="middle">No dated events</text></svg>')
    periods = fill_gaps(periods)
    peak = max(sum(p.quads) for p in periods) or 1
    step = (width - left - 10) / len(periods)
    bar = max(2.0, step * 0.8)
    parts = [f'<svg id="{escape(element_id)}" class="chart" viewBox="0 0 {width} {height}" role="img" '
             f'aria-label="events per period by quad class">',
             f'<line x1="{left}" y1="{top + plot_h}" x2="{width - 5}" y2="{top + plot_h}" class="axis"/>',
             f'<text x="{left - 6}" y="{top + 10}" text-anchor="end" class="tick">{peak}</text>',
             f'<text x="{left - 6}" y="{top + plot_h}" text-anchor="end" class="tick">0</text>']
    label_every = max(1, math.ceil(len(periods) / 12))
    for i, p in enumerate(periods):
        x = left + i * step + (step - bar) / 2
        y = top + plot_h
        for q, n in enumerate(p.quads, 1):
            if not n:
                continue
            h = plot_h * n / peak
            y -= h
            parts.append(f'<rect class="q{q}" x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{h:.1f}">'
                         f'<title>{escape(p.period)}: {n} {QUAD_LABELS[q - 1].lower()}</title></rect>')
        if i % label_every == 0:
            parts.append(f'<text x="{x + bar / 2:.1f}" y="{top + plot_h + 16}" text-anchor="middle" '
                         f'class="tick">{escape(p.period)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


MAX_FILLED = 600  # periods; beyond this a timeline shows only the periods that have events


def fill_gaps(periods: Sequence[PeriodCount]) -> list[PeriodCount]:
    """The periods from the first to the last, those without events as zeros, so that the bars
    stand where they fall in time ("2021-02" months or "2021-W07" ISO weeks)."""
    if len(periods) < 2:
        return list(periods)
    have = {p.period: p for p in periods}
    first, last = periods[0].period, periods[-1].period
    weekly = "-W" in first
    out: list[PeriodCount] = []
    if weekly:
        day = date.fromisocalendar(int(first[:4]), int(first[6:]), 1)
        end = date.fromisocalendar(int(last[:4]), int(last[6:]), 1)
    else:
        day, end = date(int(first[:4]), int(first[5:7]), 1), date(int(last[:4]), int(last[5:7]), 1)
    while day <= end and len(out) <= MAX_FILLED:
        if weekly:
            year, week, _ = day.isocalendar()
            key = f"{year}-W{week:02d}"
            day += timedelta(days=7)
        else:
            key = f"{day.year}-{day.month:02d}"
            day = date(day.year + day.month // 12, day.month % 12 + 1, 1)
        out.append(have.get(key, PeriodCount(key, (0, 0, 0, 0))))
    return out if len(out) <= MAX_FILLED else list(periods)


def legend() -> Markup:
    return Markup("".join(f'<span class="key"><svg width="12" height="12"><rect class="q{q}" width="12" '
                          f'height="12"/></svg> {label}</span>' for q, label in enumerate(QUAD_LABELS, 1)))


# -- network ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Node:
    node_id: str
    label: str
    x: float
    y: float
    r: float
    events: int


@dataclass(frozen=True)
class Edge:
    source: Node
    target: Node
    dyad: Dyad
    width: float
    colour: str

    @property
    def ends(self) -> tuple[float, float, float, float]:
        """x1, y1, x2, y2: from the source's rim to just outside the target's, where the arrow ends."""
        dx, dy = self.target.x - self.source.x, self.target.y - self.source.y
        length = math.hypot(dx, dy)
        if length <= self.source.r + self.target.r + 4:
            return self.source.x, self.source.y, self.target.x, self.target.y
        ux, uy = dx / length, dy / length
        back = self.target.r + 3
        return (self.source.x + ux * self.source.r, self.source.y + uy * self.source.r,
                self.target.x - ux * back, self.target.y - uy * back)


def tone_colour(tone: float) -> str:
    """From red (conflict, -1) through grey (0) to green (cooperation, 1)."""
    grey, red, green = (150, 150, 150), (178, 24, 43), (27, 120, 55)
    end = green if tone >= 0 else red
    t = min(1.0, abs(tone))
    return "#" + "".join(f"{round(g + (e - g) * t):02x}" for g, e in zip(grey, end))


def network_layout(dyads: Sequence[Dyad], width: int = 900, height: int = 640,
                   iterations: int = 300) -> tuple[list[Node], list[Edge]]:
    """A force-directed layout (`force_layout`) of the dyads' endpoints; node size by events, edge
    width by events, edge colour by tone."""
    ids: dict[str, int] = {}
    labels: list[str] = []
    weight: list[int] = []
    for d in dyads:
        for key, label in ((d.source, d.source_name), (d.target, d.target_name)):
            if key not in ids:
                ids[key] = len(ids)
                labels.append(label or key)
                weight.append(0)
            weight[ids[key]] += d.events
    n = len(ids)
    if n == 0:
        return [], []
    xs, ys = force_layout(n, [(ids[d.source], ids[d.target]) for d in dyads], width, height, iterations)
    peak = max(weight)
    keys = list(ids)
    nodes = [Node(keys[i], labels[i], float(xs[i]), float(ys[i]), 5 + 13 * math.sqrt(weight[i] / peak), weight[i])
             for i in range(n)]
    most = max(d.events for d in dyads)
    edges = [Edge(nodes[ids[d.source]], nodes[ids[d.target]], d, 1 + 7 * math.sqrt(d.events / most),
                  tone_colour(d.tone)) for d in dyads]
    return nodes, edges


def force_layout(n: int, pairs: Sequence[tuple[int, int]], width: int = 900, height: int = 640,
                 iterations: int = 300, margin: int = 60) -> tuple[np.ndarray, np.ndarray]:
    """x and y of `n` nodes joined by `pairs` (indices), force-directed (Fruchterman-Reingold,
    fixed start: the same data gives the same picture), scaled to the box less `margin`."""
    angle = np.linspace(0, 2 * np.pi, n, endpoint=False)
    pos = np.stack([np.cos(angle), np.sin(angle)], axis=1) * 0.5
    pairs = np.array(pairs, dtype=int).reshape(-1, 2)
    k = 1.0 / math.sqrt(n)
    temperature = 0.1
    for _ in range(iterations):
        delta = pos[:, None, :] - pos[None, :, :]
        dist = np.linalg.norm(delta, axis=2) + 1e-9
        force = (delta / dist[:, :, None] * (k * k / dist)[:, :, None]).sum(axis=1)  # repulsion
        if len(pairs):
            d = pos[pairs[:, 0]] - pos[pairs[:, 1]]
            length = np.linalg.norm(d, axis=1)[:, None] + 1e-9
            pull = d / length * (length ** 2 / k)
            np.add.at(force, pairs[:, 0], -pull)
            np.add.at(force, pairs[:, 1], pull)
        force -= GRAVITY * pos / k  # keeps the parts that share no edge near the middle
        size = np.linalg.norm(force, axis=1)[:, None] + 1e-9
        pos += force / size * np.minimum(size, temperature)
        temperature = max(temperature * 0.98, 0.002)
    span = pos.max(axis=0) - pos.min(axis=0)
    span[span == 0] = 1
    scaled = (pos - pos.min(axis=0)) / span
    return margin + scaled[:, 0] * (width - 2 * margin), margin + scaled[:, 1] * (height - 2 * margin)


# -- channels -----------------------------------------------------------------------------------

CARRIERS_SHOWN = 2  # carriers named on an edge of the channels graph (all of them in its tooltip)


@dataclass(frozen=True)
class ChannelEdge:
    a: Node
    b: Node
    channel: Channel
    width: float

    @property
    def middle(self) -> tuple[float, float]:
        return (self.a.x + self.b.x) / 2, (self.a.y + self.b.y) / 2

    @property
    def label(self) -> list[str]:
        """The lines drawn at the edge's middle: the carriers most used, with how often."""
        lines = [f"{name} ×{count}" for name, count in self.channel.carriers[:CARRIERS_SHOWN]]
        more = len(self.channel.carriers) - CARRIERS_SHOWN
        if more > 0:
            lines.append(f"+{more} more")
        return lines


def channel_layout(channels: Sequence[Channel], width: int = 900, height: int = 640,
                   iterations: int = 300) -> tuple[list[Node], list[ChannelEdge]]:
    """The principals of `channels` as nodes (size by messages), one edge per channel (width by
    messages), placed by `force_layout`."""
    ids: dict[str, int] = {}
    labels: list[str] = []
    weight: list[int] = []
    for c in channels:
        for p in (c.a, c.b):
            if p.actor_id not in ids:
                ids[p.actor_id] = len(ids)
                labels.append(p.name or p.actor_id)
                weight.append(0)
            weight[ids[p.actor_id]] += c.num_messages
    n = len(ids)
    if n == 0:
        return [], []
    xs, ys = force_layout(n, [(ids[c.a.actor_id], ids[c.b.actor_id]) for c in channels], width, height,
                          iterations, margin=80)
    peak = max(weight) or 1
    keys = list(ids)
    nodes = [Node(keys[i], labels[i], float(xs[i]), float(ys[i]), 5 + 11 * math.sqrt(weight[i] / peak), weight[i])
             for i in range(n)]
    most = max(c.num_messages for c in channels) or 1
    return nodes, [ChannelEdge(nodes[ids[c.a.actor_id]], nodes[ids[c.b.actor_id]], c,
                               1.5 + 5 * math.sqrt(c.num_messages / most)) for c in channels]


def _ticks(first: date, last: date) -> list[tuple[date, str]]:
    """Years, or months when the axis spans two years or less (at most about 12 labelled)."""
    if (last - first).days > 2 * 366:
        step = max(1, math.ceil((last.year - first.year + 1) / 12))
        return [(date(y, 1, 1), str(y)) for y in range(first.year + (first > date(first.year, 1, 1)), last.year + 1,
                                                        step)]
    months = (last.year - first.year) * 12 + last.month - first.month + 1
    step = max(1, math.ceil(months / 12))
    out = []
    y, m = first.year, first.month
    for i in range(months + 1):
        day = date(y + (m - 1 + i) // 12, (m - 1 + i) % 12 + 1, 1)
        if first <= day <= last and i % step == 0:
            out.append((day, day.strftime("%b %Y")))
    return out


def channel_timeline_svg(channel: Channel, messages: Sequence[Message], element_id: str = "channel-timeline",
                         width: int = 900, height: int = 190) -> Markup:
    """The channel's messages on a time axis: a lane each way (a -> b above, b -> a below), a
    circle per message (`circle.message`), a diamond per reply (`path.reply`), a curve from each
    reply to the message it answers (`path.reply-link`). A date of a month or a year spans its
    days (`line.date-span`), its mark in the middle. Undated messages are left out (the list
    below has them)."""
    left, right, top = 170, 30, 40
    lane = {channel.a.actor_id: top + 30, channel.b.actor_id: top + 90}
    axis_y = top + 120
    spans = {m.message_id: date_span(m.date) for m in messages}
    dated = [m for m in messages if spans[m.message_id]]
    parts = [f'<svg id="{escape(element_id)}" class="chart timeline-chart" viewBox="0 0 {width} {height}" role="img" '
             f'aria-label="the messages of the channel over time">']
    if not dated:
        parts.append(f'<text x="{width // 2}" y="{height // 2}" text-anchor="middle">No dated messages</text></svg>')
        return Markup("".join(parts))
    first = min(spans[m.message_id][0] for m in dated)
    last = max(spans[m.message_id][1] for m in dated)
    pad = max(15, (last - first).days // 20)
    first, last = first - timedelta(days=pad), last + timedelta(days=pad)
    scale = (width - left - right) / max(1, (last - first).days)

    def x(day: date) -> float:
        return left + (day - first).days * scale

    for p in (channel.a, channel.b):
        y = lane[p.actor_id]
        parts.append(f'<line class="lane" x1="{left}" y1="{y}" x2="{width - right}" y2="{y}"/>'
                     f'<text class="lane-label" x="{left - 8}" y="{y + 4}" text-anchor="end">'
                     f'<title>what {escape(p.name)} sent</title>{escape(_short(p.name))} sent</text>')
    parts.append(f'<line class="axis" x1="{left}" y1="{axis_y}" x2="{width - right}" y2="{axis_y}"/>')
    for day, label in _ticks(first, last):
        parts.append(f'<line class="axis" x1="{x(day):.1f}" y1="{axis_y}" x2="{x(day):.1f}" y2="{axis_y + 5}"/>'
                     f'<text class="tick" x="{x(day):.1f}" y="{axis_y + 18}" text-anchor="middle">{escape(label)}</text>')
    where: dict[str, tuple[float, float]] = {}
    for m in dated:
        lo, hi = spans[m.message_id]
        mid = lo + (hi - lo) / 2
        y = lane.get(m.sender.actor_id if m.sender else "", lane[channel.a.actor_id])
        where[m.message_id] = (x(mid), y)
    for m in dated:  # the links first: the marks are drawn over them
        if m.reply and m.in_reply_to in where:
            (x1, y1), (x2, y2) = where[m.message_id], where[m.in_reply_to]
            bend = min(y1, y2) - 28
            parts.append(f'<path class="reply-link" data-from="{escape(m.message_id)}" data-to="{escape(m.in_reply_to)}" '
                         f'd="M {x1:.1f} {y1} C {x1:.1f} {bend} {x2:.1f} {bend} {x2:.1f} {y2}"/>')
    for m in dated:
        lo, hi = spans[m.message_id]
        cx, cy = where[m.message_id]
        tip = f"{m.date}: {m.kind}{' (reply)' if m.reply else ''}, {chain(m)}"
        if hi > lo:
            parts.append(f'<line class="date-span" x1="{x(lo):.1f}" y1="{cy}" x2="{x(hi):.1f}" y2="{cy}"/>')
        if m.reply:
            shape = (f'<path class="reply mark" d="M {cx:.1f} {cy - 8} L {cx + 8:.1f} {cy} L {cx:.1f} {cy + 8} '
                     f'L {cx - 8:.1f} {cy} Z"')
        else:
            shape = f'<circle class="message mark" cx="{cx:.1f}" cy="{cy}" r="6"'
        parts.append(f'<a href="#{escape(m.message_id)}">{shape} data-message-id="{escape(m.message_id)}" '
                     f'data-date="{escape(m.date or "")}"><title>{escape(tip)}</title>'
                     f'{"</path>" if m.reply else "</circle>"}</a>')
    undated = len(messages) - len(dated)
    if undated:
        parts.append(f'<text class="tick" x="{width - right}" y="{top - 20}" text-anchor="end">'
                     f'{undated} undated, not shown</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def _short(name: str, limit: int = 20) -> str:
    return name if len(name) <= limit else name[:limit - 1] + "…"
