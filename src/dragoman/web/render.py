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

from ..schema import Block, Dyad, Event, PeriodCount

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


def highlight(text: str, event: Event | None, others: Sequence[Event], blocks: Sequence[Block] = ()) -> Markup:
    """The article, escaped, with the selected `event`'s sentence in `mark.evidence` and its
    source, target, via and trigger in `span.role-*`; the triggers of `others` underlined
    (`span.trigger`), and the paragraphs the cleaner dropped dimmed (`span.dropped`)."""
    marks = [_Mark(b.start, b.end, "span", "dropped", f"dropped: {b.reason or b.kind}")
             for b in blocks if b.kind == "boilerplate"]
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
        ident = f' id="{m.ident}"' if m.ident else ""
        out.append(f'<{m.tag}{ident} class="{m.cls}"{title}>')
        stack.append((end, m.tag))
        pos = m.start
    close_until(len(text))
    out.append(escape(text[pos:]))
    return "".join(out)


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
