"""Score coded events and quotes against a gold JSONL file (format: tests/data/README.md).

Reads: gold documents (`load_gold`) and the store's `Event`s and `Quote`s grouped by gold document
id (`match_doc_ids` maps store ids to gold ids first). Returns a `Report`: dyad and actor F1 (micro
and macro per document), date accuracy, quote F1, a per-type table, the misses, the extras and the
gold negated/hypothetical events that were coded as occurred.

Events are compared as *sets of keys* per document, so duplicates collapse: two predicted events
with the same key are one prediction, two gold events with the same key are one gold item. A key is
`(type, source, target)` where source and target are the actors' countries (dyad level) or the
lowercased last whitespace token of their names (actor level); a null actor is None. CONSULT, AGREE
and COOPERATE keys are unordered pairs. Only predicted events with status `occurred` are scored.
Gold events marked optional or negated_or_hypothetical are not required; a predicted key that
matches an optional one is ignored (neither TP nor FP), one that matches only a negated one is a
false positive and is also counted in `negated_as_occurred`.
Quotes: the gold lists direct quotations (words in quote marks, whole or partial) of the people
event data is about; it lists no reported speech and no quotes of footballers or companies. So the
predictions scored are the direct quotes whose speaker is unnamed (null) or political
(`ActorRef.political`: a country or a political sector); the others are counted as `not scored`.
Quotes are matched one to one: each gold quote, in file order, takes the unused matching prediction
whose text is closest in length to its own, so a duplicated predicted quote is a false positive.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from .errors import InputError
from .schema import OCCURRED, ActorRef, Event, Quote

UNORDERED_TYPES = frozenset({"CONSULT", "AGREE", "COOPERATE"})
GOLD_FORMAT = "see 'The gold format' in tests/data/README.md"
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
# Straight, curly, low-9 and angle quotes, single and double, plus primes: all folded away.
_QUOTE_MARKS = re.compile("[\"'\u2018\u2019\u201a\u201b\u201c\u201d\u201e\u201f\u00ab\u00bb\u2039\u203a\u2032\u2033`]")
_SPACE = re.compile(r"\s+")

Key = tuple[str, str | None, str | None]


# --- gold records -----------------------------------------------------------------------------

@dataclass(frozen=True)
class GoldActor:
    name: str
    country: str | None
    sector: str | None


@dataclass(frozen=True)
class GoldEvent:
    type: str
    source: GoldActor | None
    target: GoldActor | None
    date: str | None  # YYYY-MM-DD | YYYY-MM | YYYY | None
    evidence: str
    negated_or_hypothetical: bool
    optional: bool = False  # acceptable either way: neither a hit nor a miss
    via: str | None = None


@dataclass(frozen=True)
class GoldQuote:
    speaker: str | None
    speaker_country: str | None
    text: str


@dataclass(frozen=True)
class GoldDocument:
    doc_id: str
    kind: str | None  # "positive" | "negative" (a control where nothing may be coded)
    events: tuple[GoldEvent, ...]
    quotes: tuple[GoldQuote, ...]


def load_gold(path: Path) -> list[GoldDocument]:
    """Read a gold JSONL file (one document per line, blank lines skipped) into `GoldDocument`s.

    Raises `InputError` naming the file and line for unreadable files, bad JSON, missing or
    unknown fields, wrongly typed values, malformed dates and repeated document ids."""
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise InputError(str(path), "gold file not found", "Give the path of a gold JSONL file.") from None
    except (OSError, UnicodeDecodeError) as err:
        raise InputError(str(path), f"cannot read the gold file ({err})", "Give a UTF-8 JSONL file.") from None
    docs: list[GoldDocument] = []
    seen: dict[str, int] = {}
    for lineno, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
        except json.JSONDecodeError as err:
            raise InputError(str(path), f"not valid JSON ({err.msg} at column {err.colno})",
                             f"Write one JSON object per line; {GOLD_FORMAT}.", record=str(lineno)) from None
        doc = _gold_document(raw, _Where(str(path), lineno))
        if doc.doc_id in seen:
            raise InputError(str(path), f"document id {doc.doc_id!r} already given on line {seen[doc.doc_id]}",
                             "Give each gold document once.", record=str(lineno))
        seen[doc.doc_id] = lineno
        docs.append(doc)
    return docs


@dataclass(frozen=True)
class _Where:
    """The file and line being read, so that every complaint names them."""

    path: str
    line: int

    def fail(self, reason: str) -> InputError:
        return InputError(self.path, reason, f"Fix this line; {GOLD_FORMAT}.", record=str(self.line))


def _fields(obj: object, what: str, required: set[str], allowed: set[str], where: _Where) -> dict:
    # Unknown keys are errors: a misspelt "optinal" must not silently become a scored event.
    if not isinstance(obj, dict):
        raise where.fail(f"{what} must be a JSON object, not {type(obj).__name__}")
    missing = sorted(required - obj.keys())
    if missing:
        raise where.fail(f"{what} lacks {', '.join(missing)}")
    unknown = sorted(obj.keys() - allowed)
    if unknown:
        raise where.fail(f"{what} has unknown field(s) {', '.join(unknown)}")
    return obj


def _str(value: object, what: str, where: _Where, *, nullable: bool = False) -> str | None:
    if value is None and nullable:
        return None
    if not isinstance(value, str) or not value.strip():
        raise where.fail(f"{what} must be a non-empty string{' or null' if nullable else ''}, not {value!r}")
    return value


def _gold_document(raw: object, where: _Where) -> GoldDocument:
    obj = _fields(raw, "the document", {"id", "events", "quotes"}, {"id", "kind", "events", "quotes"}, where)
    doc_id = _str(obj["id"], "id", where)
    for name in ("events", "quotes"):
        if not isinstance(obj[name], list):
            raise where.fail(f"{name} must be a list")
    events = tuple(_gold_event(e, f"event {i + 1}", where) for i, e in enumerate(obj["events"]))
    quotes = tuple(_gold_quote(q, f"quote {i + 1}", where) for i, q in enumerate(obj["quotes"]))
    return GoldDocument(doc_id, _str(obj.get("kind"), "kind", where, nullable=True), events, quotes)


def _gold_event(raw: object, what: str, where: _Where) -> GoldEvent:
    required = {"type", "source", "target", "date", "evidence", "negated_or_hypothetical"}
    obj = _fields(raw, what, required, required | {"optional", "via"}, where)
    date = _str(obj["date"], f"{what}: date", where, nullable=True)
    if date is not None and not _DATE.match(date):
        raise where.fail(f"{what}: date {date!r} is not YYYY-MM-DD, YYYY-MM or YYYY")
    flags = {}
    for name in ("negated_or_hypothetical", "optional"):
        flags[name] = obj.get(name, False)
        if not isinstance(flags[name], bool):
            raise where.fail(f"{what}: {name} must be true or false, not {flags[name]!r}")
    return GoldEvent(
        type=_str(obj["type"], f"{what}: type", where).upper(),
        source=_gold_actor(obj["source"], f"{what}: source", where),
        target=_gold_actor(obj["target"], f"{what}: target", where),
        date=date,
        evidence=_str(obj["evidence"], f"{what}: evidence", where),
        negated_or_hypothetical=flags["negated_or_hypothetical"],
        optional=flags["optional"],
        via=_str(obj.get("via"), f"{what}: via", where, nullable=True),
    )


def _gold_actor(raw: object, what: str, where: _Where) -> GoldActor | None:
    if raw is None:
        return None
    obj = _fields(raw, what, {"name"}, {"name", "country", "sector"}, where)
    return GoldActor(_str(obj["name"], f"{what}: name", where),
                     _str(obj.get("country"), f"{what}: country", where, nullable=True),
                     _str(obj.get("sector"), f"{what}: sector", where, nullable=True))


def _gold_quote(raw: object, what: str, where: _Where) -> GoldQuote:
    obj = _fields(raw, what, {"speaker", "text"}, {"speaker", "speaker_country", "text"}, where)
    return GoldQuote(_str(obj["speaker"], f"{what}: speaker", where, nullable=True),
                     _str(obj.get("speaker_country"), f"{what}: speaker_country", where, nullable=True),
                     _str(obj["text"], f"{what}: text", where))


# --- document ids -----------------------------------------------------------------------------

def match_doc_ids(gold_ids: Iterable[str], store_doc_ids: Iterable[str]) -> dict[str, str]:
    """Map each gold id to a store doc_id: the same id, else the only store id starting with
    `f"{gold_id}_"` (a file named `000_<hash>.txt` coded without metadata). Gold ids with no match
    are left out; store ids that are themselves gold ids are never taken by prefix. Raises
    `InputError` when several store ids share the prefix, since guessing would score the wrong text."""
    gold = list(gold_ids)
    store = set(store_doc_ids)
    claimed = set(gold)
    found: dict[str, str] = {}
    for gid in gold:
        if gid in store:
            found[gid] = gid
            continue
        candidates = sorted(s for s in store if s.startswith(f"{gid}_") and s not in claimed)
        if len(candidates) > 1:
            raise InputError(f"gold document {gid}",
                             f"several documents in the store could be it ({', '.join(candidates)})",
                             "Code the gold texts into a fresh store (--db NEW.duckdb) or give them ids with --meta.")
        if candidates:
            found[gid] = candidates[0]
    return found


# --- scores -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Score:
    """True positives, false positives and false negatives. When there was nothing to find and
    nothing was found (all three zero) precision, recall and F1 are 1.0; otherwise an empty
    denominator gives 0.0."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def __add__(self, other: Score) -> Score:
        return Score(self.tp + other.tp, self.fp + other.fp, self.fn + other.fn)

    @property
    def _empty(self) -> bool:
        return self.tp + self.fp + self.fn == 0

    @property
    def precision(self) -> float:
        return 1.0 if self._empty else (self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0)

    @property
    def recall(self) -> float:
        return 1.0 if self._empty else (self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0)

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def to_dict(self) -> dict:
        return {"tp": self.tp, "fp": self.fp, "fn": self.fn, "precision": round(self.precision, 4),
                "recall": round(self.recall, 4), "f1": round(self.f1, 4)}


@dataclass(frozen=True)
class Macro:
    """Unweighted means over gold documents of the per-document precision, recall and F1."""

    precision: float
    recall: float
    f1: float

    @staticmethod
    def of(scores: Sequence[Score]) -> Macro:
        n = len(scores) or 1
        return Macro(sum(s.precision for s in scores) / n, sum(s.recall for s in scores) / n,
                     sum(s.f1 for s in scores) / n)

    def to_dict(self) -> dict:
        return {k: round(v, 4) for k, v in asdict(self).items()}


@dataclass(frozen=True)
class DateScore:
    """Matched (dyad key, gold date) pairs with a gold date, and how many a prediction dated right."""

    correct: int = 0
    total: int = 0

    @property
    def accuracy(self) -> float | None:
        return self.correct / self.total if self.total else None

    def to_dict(self) -> dict:
        acc = self.accuracy
        return {"correct": self.correct, "total": self.total, "accuracy": None if acc is None else round(acc, 4)}


@dataclass(frozen=True)
class TypeRow:
    """Dyad-level counts for one PLOVER type, summed over documents. `predicted` counts the scored
    predictions (tp + fp): predictions ignored because they match an optional gold event are not in it."""

    type: str
    gold: int
    predicted: int
    tp: int

    @property
    def score(self) -> Score:
        return Score(self.tp, self.predicted - self.tp, self.gold - self.tp)

    def to_dict(self) -> dict:
        s = self.score
        return {"type": self.type, "gold": self.gold, "predicted": self.predicted, "tp": self.tp,
                "precision": round(s.precision, 4), "recall": round(s.recall, 4), "f1": round(s.f1, 4)}


@dataclass(frozen=True)
class EventItem:
    """One gold or predicted event named in the report; source and target are countries."""

    doc_id: str
    type: str
    source: str | None
    target: str | None
    evidence: str
    trigger: str | None = None  # predictions only


@dataclass(frozen=True)
class DocumentScore:
    doc_id: str
    dyad: Score
    actor: Score
    quote: Score


@dataclass(frozen=True)
class Report:
    """The evaluation result. `misses` has one item per missed gold dyad key (len == dyad.fn),
    `extras` one per false-positive predicted key (len == dyad.fp)."""

    documents: tuple[DocumentScore, ...]
    dyad: Score
    actor: Score
    date: DateScore
    quote: Score
    per_type: tuple[TypeRow, ...]
    misses: tuple[EventItem, ...]
    extras: tuple[EventItem, ...]
    negated_as_occurred: int  # the gate requires 0
    negated_as_occurred_events: tuple[EventItem, ...]
    ignored: int  # predicted dyad keys ignored because they match an optional gold event
    quote_misses: tuple[QuoteItem, ...] = ()  # len == quote.fn
    quote_extras: tuple[QuoteItem, ...] = ()  # len == quote.fp
    quotes_not_scored: int = 0  # reported speech and quotes of non-political speakers

    @property
    def dyad_macro(self) -> Macro:
        return Macro.of([d.dyad for d in self.documents])

    @property
    def actor_macro(self) -> Macro:
        return Macro.of([d.actor for d in self.documents])

    @property
    def quote_macro(self) -> Macro:
        return Macro.of([d.quote for d in self.documents])

    def to_dict(self) -> dict:
        """A JSON-ready dict of everything in the report."""
        return {
            "documents": len(self.documents),
            "dyad": {"micro": self.dyad.to_dict(), "macro": self.dyad_macro.to_dict()},
            "actor": {"micro": self.actor.to_dict(), "macro": self.actor_macro.to_dict()},
            "date": self.date.to_dict(),
            "quote": {"micro": self.quote.to_dict(), "macro": self.quote_macro.to_dict()},
            "negated_as_occurred": self.negated_as_occurred,
            "negated_as_occurred_events": [asdict(e) for e in self.negated_as_occurred_events],
            "ignored_optional": self.ignored,
            "per_type": [row.to_dict() for row in self.per_type],
            "per_document": [{"doc_id": d.doc_id, "dyad": d.dyad.to_dict(), "actor": d.actor.to_dict(),
                              "quote": d.quote.to_dict()} for d in self.documents],
            "misses": [asdict(e) for e in self.misses],
            "extras": [asdict(e) for e in self.extras],
            "quote_misses": [asdict(q) for q in self.quote_misses],
            "quote_extras": [asdict(q) for q in self.quote_extras],
            "quotes_not_scored": self.quotes_not_scored,
        }


# --- keys -------------------------------------------------------------------------------------

def last_name(name: str | None) -> str | None:
    """The lowercased last whitespace token of a name, accents folded ("Hugo Chávez" -> "chavez");
    None for none."""
    tokens = name.split() if name else []
    if not tokens:
        return None
    return unicodedata.normalize("NFKD", tokens[-1]).encode("ascii", "ignore").decode().lower() or tokens[-1].lower()


def _key(type_: str, source: str | None, target: str | None) -> Key:
    type_ = type_.upper()
    if type_ in UNORDERED_TYPES:
        # None sorts last so that (X, None) and (None, X) give the same key.
        source, target = sorted((source, target), key=lambda v: (v is None, v or ""))
    return (type_, source, target)


def _country(actor: GoldActor | ActorRef | None) -> str | None:
    return actor.country if actor else None


def _surname(actor: GoldActor | ActorRef | None) -> str | None:
    return last_name(actor.name) if actor else None


def _gold_key(e: GoldEvent, part: Callable) -> Key:
    return _key(e.type, part(e.source), part(e.target))


def _pred_key(e: Event, part: Callable) -> Key:
    return _key(e.type, part(e.source), part(e.target))


@dataclass(frozen=True)
class _Sets:
    """One document's key sets at one level (dyad or actor)."""

    gold: frozenset  # non-optional, non-negated gold keys
    optional: frozenset  # optional gold keys that are not also required
    predicted: frozenset  # keys of predicted occurred events

    @property
    def tp(self) -> frozenset:
        return self.gold & self.predicted

    @property
    def fp(self) -> frozenset:
        return self.predicted - self.gold - self.optional

    @property
    def score(self) -> Score:
        return Score(len(self.tp), len(self.fp), len(self.gold - self.predicted))


def _sets(gold: GoldDocument, occurred: Sequence[Event], part: Callable) -> _Sets:
    required = frozenset(_gold_key(e, part) for e in gold.events if not e.optional and not e.negated_or_hypothetical)
    optional = frozenset(_gold_key(e, part) for e in gold.events if e.optional) - required
    return _Sets(required, optional, frozenset(_pred_key(e, part) for e in occurred))


# --- quotes -----------------------------------------------------------------------------------

def fold_quote(text: str) -> str:
    """Quote text with quote marks removed and whitespace runs collapsed to one space."""
    return _SPACE.sub(" ", _QUOTE_MARKS.sub("", text)).strip()


def _quotes_match(gold: GoldQuote, pred: Quote) -> bool:
    """Same speaker last name (a null speaker on either side never matches) and one folded text
    inside the other; case is kept."""
    if pred.speaker is None or last_name(gold.speaker) is None:
        return False
    if last_name(gold.speaker) != last_name(pred.speaker.name):
        return False
    g, p = fold_quote(gold.text), fold_quote(pred.text)
    return bool(g and p) and (g in p or p in g)


def scored_quote(q: Quote) -> bool:
    """Whether a predicted quote is scored against the gold (see the module docstring)."""
    return q.direct and (q.speaker is None or q.speaker.political)


@dataclass(frozen=True)
class QuoteItem:
    """One gold or predicted quote named in the report."""

    doc_id: str
    speaker: str | None
    text: str


@dataclass(frozen=True)
class _QuoteResult:
    score: Score
    misses: tuple[QuoteItem, ...]
    extras: tuple[QuoteItem, ...]
    not_scored: int


def _quote_score(doc_id: str, gold: Sequence[GoldQuote], predicted: Sequence[Quote]) -> _QuoteResult:
    """Greedy one-to-one matching: gold quotes in file order each take the unused matching
    prediction whose folded text is closest in length to theirs (a partial quote of a phrase
    repeated in a longer quote leaves the longer one to that quote)."""
    scored = [q for q in predicted if scored_quote(q)]
    free = sorted(scored, key=lambda q: (q.start, q.end, q.quote_id))
    misses = []
    for g in gold:
        size = len(fold_quote(g.text))
        hits = [i for i, p in enumerate(free) if _quotes_match(g, p)]
        if hits:
            free.pop(min(hits, key=lambda i: abs(len(fold_quote(free[i].text)) - size)))
        else:
            misses.append(QuoteItem(doc_id, g.speaker, g.text))
    extras = tuple(QuoteItem(doc_id, p.speaker.name if p.speaker else None, p.text) for p in free)
    tp = len(gold) - len(misses)
    return _QuoteResult(Score(tp, len(scored) - tp, len(misses)), tuple(misses), extras,
                        len(predicted) - len(scored))


# --- evaluation -------------------------------------------------------------------------------

def evaluate(gold: Sequence[GoldDocument], events: Mapping[str, Sequence[Event]],
             quotes: Mapping[str, Sequence[Quote]]) -> Report:
    """Score predicted events and quotes, keyed by gold document id, against `gold`.

    Predictions for ids not in `gold` are not read; a gold document without predictions scores
    all misses. See the module docstring for how keys and duplicates are handled."""
    docs: list[DocumentScore] = []
    per_type: dict[str, list[int]] = {}  # type -> [gold, predicted, tp]
    misses: list[EventItem] = []
    extras: list[EventItem] = []
    negated: list[EventItem] = []
    date = DateScore()
    ignored = 0
    quote_misses: list[QuoteItem] = []
    quote_extras: list[QuoteItem] = []
    not_scored = 0
    for g in gold:
        occurred = sorted((e for e in events.get(g.doc_id, ()) if e.status == OCCURRED),
                          key=lambda e: (e.start, e.trigger_start, e.event_id))
        dyads = _sets(g, occurred, _country)
        actors = _sets(g, occurred, _surname)
        quoted = _quote_score(g.doc_id, g.quotes, quotes.get(g.doc_id, ()))
        quote_misses += quoted.misses
        quote_extras += quoted.extras
        not_scored += quoted.not_scored
        docs.append(DocumentScore(g.doc_id, dyads.score, actors.score, quoted.score))
        ignored += len(dyads.predicted & dyads.optional)
        scored = dyads.predicted - dyads.optional
        for keys, column in ((dyads.gold, 0), (scored, 1), (dyads.tp, 2)):
            for k in keys:
                per_type.setdefault(k[0], [0, 0, 0])[column] += 1
        date = _add_dates(date, g, occurred, dyads.tp)
        misses += _first_gold(g, dyads.gold - dyads.predicted,
                              lambda e: not e.optional and not e.negated_or_hypothetical)
        extras += _first_predicted(g.doc_id, occurred, dyads.fp)
        not_negated = frozenset(_gold_key(e, _country) for e in g.events if not e.negated_or_hypothetical)
        produced = dyads.predicted - not_negated
        # Optional negated events are "acceptable either way", so coding them as occurred is no error.
        negated += _first_gold(g, produced, lambda e: e.negated_or_hypothetical and not e.optional)
    rows = tuple(TypeRow(t, *counts) for t, counts in sorted(per_type.items()))
    return Report(
        documents=tuple(docs),
        dyad=sum((d.dyad for d in docs), Score()),
        actor=sum((d.actor for d in docs), Score()),
        date=date,
        quote=sum((d.quote for d in docs), Score()),
        per_type=rows,
        misses=tuple(misses),
        extras=tuple(extras),
        negated_as_occurred=len(negated),
        negated_as_occurred_events=tuple(negated),
        ignored=ignored,
        quote_misses=tuple(quote_misses),
        quote_extras=tuple(quote_extras),
        quotes_not_scored=not_scored,
    )


def _add_dates(date: DateScore, g: GoldDocument, occurred: Sequence[Event], matched: frozenset) -> DateScore:
    """Each distinct (matched key, gold date) of required gold events counts once; it is correct
    when some predicted occurred event with that key has a date starting with the gold date."""
    gold_dates = {(k, e.date) for e in g.events
                  if not e.optional and not e.negated_or_hypothetical and e.date
                  and (k := _gold_key(e, _country)) in matched}
    predicted: dict[Key, set[str]] = {}
    for e in occurred:
        if e.date.value:
            predicted.setdefault(_pred_key(e, _country), set()).add(e.date.value)
    correct = sum(1 for k, d in gold_dates if any(p.startswith(d) for p in predicted.get(k, ())))
    return DateScore(date.correct + correct, date.total + len(gold_dates))


def _first_gold(g: GoldDocument, keys: frozenset, wanted: Callable[[GoldEvent], bool]) -> list[EventItem]:
    """One item per key: the first gold event (in file order) that is `wanted` and has the key."""
    items, done = [], set()
    for e in g.events:
        k = _gold_key(e, _country)
        if k in keys and k not in done and wanted(e):
            done.add(k)
            items.append(EventItem(g.doc_id, e.type, _country(e.source), _country(e.target), e.evidence))
    return items


def _first_predicted(doc_id: str, occurred: Sequence[Event], keys: frozenset) -> list[EventItem]:
    """One item per key: the first predicted event (in text order) with the key."""
    items, done = [], set()
    for e in occurred:
        k = _pred_key(e, _country)
        if k in keys and k not in done:
            done.add(k)
            items.append(EventItem(doc_id, e.type, _country(e.source), _country(e.target), e.evidence, e.trigger))
    return items


# --- text report ------------------------------------------------------------------------------

def format_report(report: Report, *, max_items: int = 20) -> str:
    """The report as text for the terminal; at most `max_items` misses, extras and negated items each."""

    def line(name: str, p: float, r: float, f: float, s: Score | None = None) -> str:
        counts = f"  {s.tp:>4} {s.fp:>4} {s.fn:>4}" if s else ""
        return f"  {name:<18} {p:>6.3f} {r:>6.3f} {f:>6.3f}{counts}"

    def dyad(item: EventItem) -> str:
        return f"{item.source or '---'} -> {item.target or '---'}"

    def listing(title: str, items: Sequence[EventItem]) -> list[str]:
        out = [f"{title} ({len(items)}):"]
        for it in items[:max_items]:
            trigger = f" [{it.trigger}]" if it.trigger else ""
            evidence = it.evidence if len(it.evidence) <= 110 else it.evidence[:107] + "..."
            out.append(f"  {it.doc_id:<12} {it.type:<10} {dyad(it):<14}{trigger} {evidence}")
        if len(items) > max_items:
            out.append(f"  ... and {len(items) - max_items} more (use --json for all)")
        return out

    acc = report.date.accuracy
    lines = [
        f"dragoman evaluation: {len(report.documents)} gold documents",
        "",
        f"  {'':<18} {'P':>6} {'R':>6} {'F1':>6}  {'TP':>4} {'FP':>4} {'FN':>4}",
        line("dyads (micro)", report.dyad.precision, report.dyad.recall, report.dyad.f1, report.dyad),
        line("dyads (macro)", *asdict(report.dyad_macro).values()),
        line("actors (micro)", report.actor.precision, report.actor.recall, report.actor.f1, report.actor),
        line("actors (macro)", *asdict(report.actor_macro).values()),
        line("quotes (micro)", report.quote.precision, report.quote.recall, report.quote.f1, report.quote),
        "",
        f"  date accuracy: {'n/a' if acc is None else f'{acc:.3f}'} "
        f"({report.date.correct}/{report.date.total} matched dyads with a gold date)",
        f"  negated or hypothetical gold coded as occurred: {report.negated_as_occurred}",
        f"  predictions ignored (matching optional gold): {report.ignored}",
        f"  quotes not scored (reported speech, non-political speakers): {report.quotes_not_scored}",
        "",
        "Per type (dyad level):",
        f"  {'type':<10} {'gold':>5} {'pred':>5} {'tp':>5} {'P':>6} {'R':>6} {'F1':>6}",
    ]
    for row in report.per_type:
        s = row.score
        lines.append(f"  {row.type:<10} {row.gold:>5} {row.predicted:>5} {row.tp:>5} "
                     f"{s.precision:>6.3f} {s.recall:>6.3f} {s.f1:>6.3f}")
    for title, items in (("Misses: gold events not found", report.misses),
                         ("Extras: occurred events matching nothing", report.extras),
                         ("Negated or hypothetical gold coded as occurred", report.negated_as_occurred_events)):
        lines += ["", *listing(title, items)]
    for title, quoted in (("Quote misses: gold quotes not found", report.quote_misses),
                          ("Quote extras: scored quotes matching nothing", report.quote_extras)):
        lines += ["", f"{title} ({len(quoted)}):"]
        for q in quoted[:max_items]:
            text = q.text if len(q.text) <= 90 else q.text[:87] + "..."
            lines.append(f"  {q.doc_id:<12} {(q.speaker or '(no speaker)')[:28]:<28} {text}")
        if len(quoted) > max_items:
            lines.append(f"  ... and {len(quoted) - max_items} more (use --json for all)")
    return "\n".join(lines)


# --- people (a gold actors file) ---------------------------------------------------------------

@dataclass(frozen=True)
class GoldPerson:
    name: str
    country: str | None
    sector: str | None
    mentions: tuple[str, ...]


@dataclass(frozen=True)
class PersonCheck:
    """One gold person against the store's actors: the actor found for them (by last name, the one
    with most mentions), whether its name, country and sector agree, and which gold surface forms
    are inside a mention of that actor."""

    gold: GoldPerson
    actor_id: str | None
    name: str | None
    country: str | None
    sector: str | None
    forms_found: tuple[str, ...]
    forms_missing: tuple[str, ...]

    @property
    def right(self) -> bool:
        return (self.actor_id is not None and _fold(self.name) == _fold(self.gold.name)
                and self.country == self.gold.country and self.sector == self.gold.sector)


def load_gold_people(path: Path) -> list[GoldPerson]:
    """A gold actors JSONL file: one person per line with name, country, sector and mentions."""
    out = []
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError as err:
        raise InputError(str(path), f"cannot read the gold actors file ({err.strerror or err})",
                         "give the path of an actors.jsonl file") from None
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        where = _Where(str(path), n)
        try:
            raw = json.loads(line)
        except json.JSONDecodeError as err:
            raise where.fail(f"not JSON ({err.msg})")
        f = _fields(raw, "a gold person", {"name"}, {"name", "country", "sector", "mentions"}, where)
        mentions = f.get("mentions") or []
        if not isinstance(mentions, list) or not all(isinstance(m, str) for m in mentions):
            raise where.fail("'mentions' must be a list of strings")
        out.append(GoldPerson(_str(f["name"], "name", where), _str(f.get("country"), "country", where, nullable=True),
                              _str(f.get("sector"), "sector", where, nullable=True), tuple(mentions)))
    return out


def check_people(gold: Sequence[GoldPerson], actors: Sequence[Mapping[str, object]],
                 mentions: Sequence[Mapping[str, object]]) -> list[PersonCheck]:
    """Each gold person against `actors` (rows with actor_id, name, country, sector, kind, mentions)
    and `mentions` (rows with actor_id and text) of the gold documents."""
    texts: dict[str, list[str]] = {}
    for m in mentions:
        texts.setdefault(str(m["actor_id"]), []).append(_fold(str(m["text"])))
    out = []
    for g in gold:
        same = [a for a in actors if a["kind"] == "person" and last_name(str(a["name"])) == last_name(g.name)]
        best = max(same, key=lambda a: (a["mentions"] or 0, str(a["actor_id"])), default=None)
        if best is None:
            out.append(PersonCheck(g, None, None, None, None, (), g.mentions))
            continue
        said = texts.get(str(best["actor_id"]), [])
        found = tuple(f for f in g.mentions if any(_fold(f) in t for t in said))
        out.append(PersonCheck(g, str(best["actor_id"]), str(best["name"]), best["country"], best["sector"],
                               found, tuple(f for f in g.mentions if f not in found)))
    return out


def format_people(checks: Sequence[PersonCheck]) -> str:
    right = sum(c.right for c in checks)
    forms = sum(len(c.gold.mentions) for c in checks)
    found = sum(len(c.forms_found) for c in checks)
    lines = [f"People: {right}/{len(checks)} with the right name, country and sector; "
             f"{found}/{forms} surface forms resolve to them"]
    for c in checks:
        if c.right and not c.forms_missing:
            continue
        got = f"{c.name} {c.country or '---'} {c.sector or '---'}" if c.actor_id else "no actor"
        missing = f"; forms not resolved: {', '.join(c.forms_missing)}" if c.forms_missing else ""
        lines.append(f"  {c.gold.name} {c.gold.country} {c.gold.sector}: got {got}{missing}")
    return "\n".join(lines)


def _fold(text: str | None) -> str:
    """Accents, case, dots and spacing aside ("Mr. Velayati" ~ "Mr Velayati")."""
    text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode().lower()
    return " ".join(text.replace(".", " ").replace("’", "'").split())
