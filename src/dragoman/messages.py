"""Messages: the letters, notes and replies a document reports, and who took them where.

Reads: a `ParsedDocument`, its `DocumentActors`, its `Quote`s (a first-person carrier in a quote is
its speaker: "I am carrying an important message", Qalibaf said) and the `Coder` (for the subjects
and the status of verbs, as events read them). Returns `MessageReport`s: one per message the
document speaks of, gathered from all the sentences that speak of it. `channels.py` joins the
reports of one message across documents.

A sentence speaks of a message when it has a message noun (message, letter, note, missive, reply,
response) or a verb of replying to one ("X replied to Y's letter"). Its roles come from syntax:
- sender: the noun's possessive or its "from"/"of" phrase ("Putin's reply", "messages from A and
  B"), or the subject of a verb of sending ("the message the Leader had sent", "X sent a letter");
- recipient: the "to" phrase of the noun or of the verb that sends or delivers it;
- carriers, in order: who carried it (the subject of deliver, convey, carry, hand over, submit;
  the "by" agent of a passive; the "through" or "via" phrase of sending), then who received it for
  the recipient ("X, as Y's representative in receiving the message": X received it, Y is the
  recipient; "Z's reply was delivered to X", when X is not Z's addressee);
- dates: the sentence's date expression, as events are dated, is when it was sent (verbs of
  sending) or delivered (verbs of carrying or receiving);
- topic: the noun's "about", "on", "regarding" or "concerning" phrase, "the message was about X",
  "the message concerned X" (a long phrase is cut to its head and the words before it);
- the message a reply answers: "a reply to a message the Leader had sent"; the reply goes to that
  message's sender, and whoever received it in between is a carrier; with no message named, the
  document's one message that went to the reply's sender;
- a receiver with no one else named as addressee is the recipient ("X received a letter from Y").
Coordinated senders or recipients make one report each ("messages from A and B to C": A -> C and
B -> C). Sentences that agree on the roles they share merge into one report; two named envoys are
two messages, an unnamed one ("an envoy") gives way to the named one. A sentence that names only
one role ("the Leader's message") adds its facts to the one message of the document that has that
role, if there is exactly one ("the messages": to each), and one that names none ("The letter was
about ...") to the document's only message of its kind. A report needs two of sender, recipient
and carrier (or a reply with its sender), one of them a political actor; a country is never a
carrier.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

from spacy.tokens import Span, Token

from . import dates
from .actors.resolve import DocumentActors, actor_ref
from .events.coder import Coder, actors_for
from .parse import ParsedBlock, ParsedDocument
from .schema import (
    CARRIED,
    EVENT_DATE_SENTENCE,
    FUTURE,
    NEGATED,
    OCCURRED,
    RECEIVED,
    ActorRef,
    Carrier,
    EventDate,
    Evidence,
    MessageReport,
    Quote,
    unnamed,
)

MESSAGE_NOUNS = frozenset({"message", "letter", "note", "missive", "reply", "response"})
# the words above and the verbs of replying, as they may be written ("Replies", "responded")
_MAYBE = re.compile(r"messag|letter|note|missive|repl[iy]|respon|answer", re.IGNORECASE)
REPLY_NOUNS = frozenset({"reply", "response"})
REPLY_VERBS = frozenset({"reply", "respond", "answer"})
SEND_VERBS = frozenset({"send", "write", "dispatch", "address", "pen"})
CARRY_VERBS = frozenset({"deliver", "convey", "carry", "hand", "submit", "bring", "pass", "relay", "transmit",
                         "present", "forward", "take"})
RECEIVE_VERBS = frozenset({"receive", "get", "accept"})
# "as Y's representative in receiving", "on behalf of Y": whose the message is, at either end
BEHALF_NOUNS = frozenset({"representative", "envoy", "emissary", "behalf"})
TOPIC_PREPS = frozenset({"about", "on", "regarding", "concerning"})
TOPIC_VERBS = frozenset({"concern", "address", "cover", "deal"})
VERB_TOPIC_PREPS = ("about", "regarding", "concerning")  # "on" with a verb is a day or "on behalf of"
FIRST_PERSON = frozenset({"i", "we"})
DENIALS = frozenset({"deny", "dismiss", "refute"})
TOPIC_WORDS = 8  # a topic longer than this is cut to its head's own words


@dataclass
class _Draft:
    """One sentence's account of a message, or several merged (the document's account)."""

    kind: str
    reply: bool
    block: int
    sentence: Span
    pb: ParsedBlock
    sender: ActorRef | None = None
    recipient: ActorRef | None = None
    carriers: list[Carrier] = field(default_factory=list)
    act: Token | None = None  # the verb that sends, carries or receives it (dates and status)
    act_class: str | None = None  # send | carry | receive
    sent: EventDate | None = None
    delivered: EventDate | None = None
    status: str = OCCURRED
    topic: tuple[str, int, int] | None = None
    original: "_Draft | None" = None  # the message this reply answers, as the sentence names it
    originals: list["_Draft"] = field(default_factory=list)  # of every sentence merged into this one
    evidence: dict[str, list[tuple[int, int]]] = field(default_factory=dict)
    plural: bool = False  # "the messages": what it says holds for each message it fits
    definite: bool = False  # "the message": one the document spoke of

    def roles(self) -> int:
        return (self.sender is not None) + (self.recipient is not None) + bool(self.carriers)


class MessageFinder:
    """Finds the messages of a document (see the module docstring)."""

    def __init__(self, coder: Coder):
        self.coder = coder

    def __call__(self, parsed: ParsedDocument, actors: DocumentActors, quotes: Sequence[Quote]) -> tuple[MessageReport, ...]:
        # most articles never speak of a message: a text search spares them the token walk
        blocks = [(b, pb) for b, pb in enumerate(parsed.blocks) if _MAYBE.search(pb.text)]
        if not blocks:
            return ()
        where = actors.index()
        doc = parsed.document
        drafts: list[_Draft] = []
        for b, pb in blocks:
            for sent in pb.sents:
                drafts.extend(self._sentence(b, pb, sent, where, quotes, doc.published))
        kinds = where.kinds
        groups = _merge(drafts, kinds, {a.actor_id: a.office for a in actors.actors})
        ids = {id(g): f"{doc.doc_id}:m{n}" for n, g in enumerate(groups)}
        return tuple(_report(ids[id(g)], doc.doc_id, g, doc.text, kinds, doc.published, doc.outlet,
                             ids.get(id(g.original)) if g.original is not None else None)
                     for g in groups)

    # -- one sentence -----------------------------------------------------------------------------
    def _sentence(self, b, pb, sent: Span, where, quotes, published) -> list[_Draft]:
        out: list[_Draft] = []
        originals: dict[int, list[_Draft]] = {}
        for tok in sent:
            if tok.pos_ == "NOUN" and tok.lemma_.lower() in MESSAGE_NOUNS and tok.i not in originals:
                out.extend(self._noun(b, pb, sent, tok, where, quotes, published, originals))
            elif tok.pos_ == "VERB" and tok.lemma_.lower() in REPLY_VERBS:
                out.extend(self._reply_verb(b, pb, sent, tok, where, quotes, published, originals))
        return out

    def _refs(self, b: int, tokens: Iterable[Token], where, quotes, pb: ParsedBlock) -> list[ActorRef]:
        """The actors tokens stand for (coordinated ones too); "I" or "we" in a quote: its speaker."""
        out: list[ActorRef] = []
        for tok in tokens:
            refs = []
            if tok.lower_ in FIRST_PERSON:
                at = pb.start_of(tok)
                refs = [q.speaker for q in quotes if q.speaker is not None and q.direct and q.start <= at < q.end][:1]
            else:
                for t in [tok] + [c for c in tok.conjuncts if c.i > tok.i]:
                    refs += [actor_ref(rm) for rm in actors_for(b, t, where)]
            for r in refs:
                if all(r.actor_id != x.actor_id for x in out):
                    out.append(r)
        return out

    def _noun(self, b, pb, sent, m: Token, where, quotes, published, originals) -> list[_Draft]:
        if m.dep_ == "pobj" and m.head.lower_ in ("in", "without") and m.lemma_.lower() in REPLY_NOUNS and not any(
                c.dep_ in ("det", "poss") for c in m.children):
            return []  # "in response to the attack", "in reply to questions": no message
        if m.dep_ == "nsubj" and m.head.lemma_.lower() == "be" and any(c.dep_ == "acomp" for c in m.head.children):
            return []  # "Biden's message to Putin was simple": what he meant, not a message sent
        reply = m.lemma_.lower() in REPLY_NOUNS
        extra: list[_Draft] = []  # the drafts of the message a reply answers ("a reply to X's letter")
        senders = [c for c in m.children if c.dep_ == "poss"]
        # "the Kishida message", a headline's "Putin letter": a person's name before the noun
        senders += [c for c in m.children if c.dep_ == "compound" and c.pos_ == "PROPN"
                    and any(rm.actor.kind == "person" for rm in where.all((b, c.i)))]
        senders += _pobjs(m, ("from",))
        if not reply:  # "the message of the Leader", not "a note of protest to the ambassador"
            senders += [t for t in _pobjs(m, ("of",)) if where.all((b, t.i))]
        recipients: list[Token] = []
        original: _Draft | None = None

        def to_phrase(tok: Token) -> None:
            """"to X": the recipient, or, when X is a message, the message this one answers."""
            nonlocal original
            for to in _pobjs(tok, ("to",)):
                if to.pos_ == "NOUN" and to.lemma_.lower() in MESSAGE_NOUNS and to.i != m.i:
                    found = self._noun(b, pb, sent, to, where, quotes, published, originals)
                    originals[to.i] = found
                    original = found[0] if found else _Draft(to.lemma_.lower(), False, b, sent, pb)
                    extra.extend(found)
                else:
                    recipients.append(to)

        to_phrase(m)
        carriers: list[tuple[Token, str]] = []
        receivers: list[Token] = []
        behalf: list[Token] = []
        act, act_class = None, None
        for verb in _verbs_of(m):
            lemma = verb.lemma_.lower()
            cls = ("send" if lemma in SEND_VERBS else "carry" if lemma in CARRY_VERBS
                   else "receive" if lemma in RECEIVE_VERBS else None)
            if cls is None:
                continue
            act, act_class = verb, cls
            doers = _doers(self.coder, verb)
            if cls == "send":
                senders += [d for d in doers if d.i != m.i]
                to_phrase(verb)
                carriers += [(t, CARRIED) for t in _pobjs(verb, ("through", "via"))]
            elif cls == "carry":
                carriers += [(d, CARRIED) for d in doers]
                senders += _pobjs(verb, ("from",))  # "submit messages from X to Y"
                to_phrase(verb)
                behalf += _pobjs_of_behalf(verb)
            else:
                principal, receiver = _on_behalf(self.coder, verb)
                if principal is not None:
                    recipients.append(principal)
                    receivers += receiver
                else:
                    receivers += doers
                senders += _pobjs(verb, ("from",))
                if reply:
                    to_phrase(verb)  # "received a reply from X to a message ..."
            break
        topic = _topic(m)
        if topic is None and act is not None:  # "sent a letter to X on Monday about Syria"
            topic = next((_phrase(o) for o in _pobjs(act, VERB_TOPIC_PREPS)), None)
        s_refs = self._refs(b, senders + behalf, where, quotes, pb)
        r_refs = self._refs(b, recipients, where, quotes, pb)
        c_refs = [Carrier(r, role) for t, role in carriers for r in self._refs(b, [t], where, quotes, pb)]
        c_refs += [Carrier(r, RECEIVED) for r in self._refs(b, receivers, where, quotes, pb)]
        c_refs = [c for c in c_refs if where.kinds.get(c.actor.actor_id) != "country"]  # "Iran sent ... to convey"

        status = _denied(act if act is not None else m) or self.coder.status_of(act if act is not None else m)
        date = self._date(pb, sent, act if act is not None else m, published, status)
        drafts = []
        for s in s_refs or [None]:
            for r in r_refs or [None]:
                if s is not None and r is not None and s.actor_id == r.actor_id:
                    continue
                carriers_here = [c for c in c_refs if c.actor.actor_id not in
                                 {x.actor_id for x in (s, r) if x is not None}]
                d = _Draft(m.lemma_.lower(), reply, b, sent, pb, s, r, carriers_here, act, act_class,
                           status=status, topic=_topic_span(pb, topic), original=original, plural=m.tag_ == "NNS",
                           definite=any(c.lower_ == "the" for c in m.children if c.dep_ == "det"))
                d.sent, d.delivered = (date, None) if act_class == "send" else (
                    (None, date) if act_class in ("carry", "receive") else (None, None))
                _note(d, pb, sent)
                drafts.append(d)
        return drafts + extra

    def _reply_verb(self, b, pb, sent, v: Token, where, quotes, published, originals) -> list[_Draft]:
        """"X replied to Y's letter": a reply from X to the letter's sender."""
        targets = _pobjs(v, ("to",)) + [c for c in v.children if c.dep_ == "dobj"]
        messages = [t for t in targets if t.pos_ == "NOUN" and t.lemma_.lower() in MESSAGE_NOUNS]
        if not messages:
            return []
        m = messages[0]
        found = self._noun(b, pb, sent, m, where, quotes, published, originals)
        originals[m.i] = found
        original = found[0] if found else _Draft(m.lemma_.lower(), False, b, sent, pb)
        senders = self._refs(b, _doers(self.coder, v), where, quotes, pb)
        status = _denied(v) or self.coder.status_of(v)
        date = self._date(pb, sent, v, published, status)
        drafts = []
        for s in senders:
            d = _Draft("reply", True, b, sent, pb, s, None, [], v, "send", status=status, original=original)
            d.sent = date
            _note(d, pb, sent)
            drafts.append(d)
        return drafts + found

    def _date(self, pb: ParsedBlock, sent: Span, act: Token, published: str | None, status: str) -> EventDate | None:
        """The date the sentence gives the act (resolved against the publication), or None: the
        publication date is when it was reported, not when it was sent or delivered."""
        start = pb.start_of(sent)
        text = pb.text[sent.start_char:sent.end_char]
        tense = "future" if status == FUTURE else "past"
        # a date in the act's own clause first: "X sent a letter on January 10, and Y replied to
        # it on January 13" dates the reply by the 13th, though the 10th is nearer the verb
        own = {pb.start_of(t) for t in _own_clause(act)}
        mine = [e for e in dates.find_time_expressions(text, start) if e.start in own or e.start - 1 in own]
        if mine:
            at = pb.start_of(act)
            found = dates.resolve(min(mine, key=lambda e: abs(e.start - at)), published, tense)
        else:
            found = dates.event_date(text, start, pb.start_of(act), published, tense)
        return found if found.source == EVENT_DATE_SENTENCE and found.value else None


# -- syntax ---------------------------------------------------------------------------------------

def may_report(sent: Span) -> bool:
    """Whether a sentence may speak of a message (the parse stage reads its names)."""
    return _MAYBE.search(sent.text) is not None and any((t.pos_ == "NOUN" and t.lemma_.lower() in MESSAGE_NOUNS) or
               (t.pos_ == "VERB" and t.lemma_.lower() in REPLY_VERBS) for t in sent)


def _pobjs(tok: Token, preps: Iterable[str]) -> list[Token]:
    return [g for c in tok.children if c.dep_ in ("prep", "dative") and c.lower_ in preps
            for g in c.children if g.dep_ == "pobj"]


def _verbs_of(m: Token) -> list[Token]:
    """The verbs that act on a message noun: the verb it is the object or passive subject of
    ("delivered the message", "the reply was delivered"), a clause on it ("the message the Leader
    had sent", "the letters delivered to X"), or the gerund it is the object of ("in receiving
    the message"); nearest first."""
    out = [c for c in m.children if c.dep_ in ("relcl", "acl") and c.pos_ == "VERB"]
    head = m
    while head.dep_ == "conj" and head.head.i != head.i:  # "the letter and the message"
        head = head.head
    if head.dep_ in ("dobj", "nsubjpass") and head.head.pos_ in ("VERB", "AUX"):
        out.insert(0, head.head)
    return out


def _doers(coder: Coder, verb: Token) -> list[Token]:
    """Who does a verb: the "by" agent of a passive or a participle, else its subject."""
    passive = any(c.dep_ in ("nsubjpass", "auxpass") for c in verb.children) or (
        verb.dep_ == "acl" and verb.tag_ == "VBN")
    if passive:
        return [p for c in verb.children if c.dep_ == "agent" for p in c.children if p.dep_ == "pobj"]
    return coder.subjects(verb)


def _on_behalf(coder: Coder, verb: Token) -> tuple[Token | None, list[Token]]:
    """"X served as Y's representative in receiving ...", "X received it on behalf of Y": Y, and X."""
    behalf = _pobjs_of_behalf(verb)
    if behalf:
        return behalf[0], coder.subjects(verb)
    cur = verb
    for _ in range(5):
        if cur.head.i == cur.i:
            break
        cur = cur.head
        if cur.pos_ == "NOUN" and cur.lemma_.lower() in BEHALF_NOUNS:
            whose = [c for c in cur.children if c.dep_ == "poss"] + _pobjs(cur, ("of",))
            doer = cur
            while doer.pos_ not in ("VERB", "AUX") and doer.head.i != doer.i:
                doer = doer.head
            if whose and doer.pos_ in ("VERB", "AUX"):
                return whose[0], coder.subjects(doer)
            break
    # "X, acting as Y's representative, received ...": on the verb's subject or a clause of the verb
    doers = coder.subjects(verb)
    for top in [*doers, verb]:
        for t in top.subtree:
            if t.pos_ == "NOUN" and t.lemma_.lower() in BEHALF_NOUNS and t.i != verb.i and _depth_below(t, top) <= 4:
                whose = [c for c in t.children if c.dep_ == "poss"] + _pobjs(t, ("of",))
                if whose:
                    return whose[0], doers
    return None, []


def _denied(tok: Token) -> str | None:
    """NEGATED when the clause is what someone denied ("denied that X had sent a letter")."""
    cur = tok
    for _ in range(4):
        if cur.dep_ == "ccomp" and cur.head.lemma_.lower() in DENIALS:
            return NEGATED
        if cur.head.i == cur.i:
            break
        cur = cur.head
    return None


def _own_clause(verb: Token) -> list[Token]:
    """The words of a verb's own clause: its subtree without the clauses of other verbs."""
    out, stack = [], [verb]
    while stack:
        t = stack.pop()
        out.append(t)
        stack.extend(c for c in t.children if not (c.dep_ in ("conj", "advcl", "ccomp", "relcl", "parataxis")
                                                   and c.pos_ in ("VERB", "AUX")))
    return out


def _depth_below(t: Token, top: Token) -> int:
    d = 0
    while t.i != top.i and t.head.i != t.i and d < 10:
        t, d = t.head, d + 1
    return d if t.i == top.i else 99


def _pobjs_of_behalf(verb: Token) -> list[Token]:
    """"on behalf of Y" on a verb: Y."""
    return [g for c in verb.children if c.dep_ == "prep" and c.lower_ == "on"
            for n in c.children if n.dep_ == "pobj" and n.lower_ == "behalf"
            for g in _pobjs(n, ("of",))]


def _topic(m: Token) -> Span | None:
    """What a message is about: its "about"/"on"/"regarding"/"concerning" phrase, or the
    complement of "the message was about ..."."""
    heads = [m]
    if m.dep_ == "nsubj" and m.head.lemma_.lower() == "be":
        heads.append(m.head)
    if m.dep_ == "nsubj" and m.head.lemma_.lower() in TOPIC_VERBS:
        # "the message concerned the security of ...", "the letter dealt with ..."
        obj = next((c for c in m.head.children if c.dep_ == "dobj"), None) or next(iter(_pobjs(m.head, ("with",))), None)
        if obj is not None:
            return _phrase(obj)
    for h in heads:
        for c in h.children:
            if c.dep_ == "prep" and c.lower_ in TOPIC_PREPS:
                obj = next((g for g in c.children if g.dep_ == "pobj"), None)
                if obj is None or obj.ent_type_ in ("DATE", "TIME") or obj.like_num or obj.lower_ == "behalf":
                    continue
                return _phrase(obj)
    return None


def _phrase(obj: Token) -> Span:
    """A noun's phrase, or when longer than TOPIC_WORDS its head and the words before it
    ("the migration agreement", not "... between Turkey and the European Union")."""
    words = list(obj.subtree)
    if len(words) > TOPIC_WORDS:
        words = [*obj.lefts, obj]
    return obj.doc[words[0].i: words[-1].i + 1]


def _topic_span(pb: ParsedBlock, topic: Span | None) -> tuple[str, int, int] | None:
    if topic is None or not topic.text.strip():
        return None
    text = topic.text
    if dates.find_time_expressions(text, 0):
        return None  # "a message on Tuesday": when, not what
    return text, pb.start_of(topic), pb.end_of(topic)


def _note(d: _Draft, pb: ParsedBlock, sent: Span) -> None:
    """Record that this sentence states the draft's fields."""
    span = (pb.start_of(sent), pb.end_of(sent))
    named = {"sender": d.sender, "recipient": d.recipient, "carrier": d.carriers or None,
             "sent_date": d.sent if d.sent and d.sent.source == EVENT_DATE_SENTENCE else None,
             "delivered_date": d.delivered if d.delivered and d.delivered.source == EVENT_DATE_SENTENCE else None,
             "topic": d.topic, "reply": d.original if d.reply else None}
    for name, value in named.items():
        if value is not None:
            d.evidence.setdefault(name, []).append(span)


# -- one document ---------------------------------------------------------------------------------

def _same(a: ActorRef | None, b: ActorRef | None, kinds) -> bool:
    """The same actor, or a country and an actor of it ("a message to Russia", "to Putin")."""
    if a is None or b is None:
        return True
    if a.actor_id == b.actor_id:
        return True
    if a.country is None or a.country != b.country:
        return False
    return "country" in (kinds.get(a.actor_id), kinds.get(b.actor_id))


def _specific(a: ActorRef | None, b: ActorRef | None, kinds) -> ActorRef | None:
    """Of two actors for one role, the more specific: anyone before a country."""
    if a is None or (kinds.get(a.actor_id) == "country" and b is not None and kinds.get(b.actor_id) != "country"):
        return b
    return a


def _fits(d: _Draft, g: _Draft, kinds, offices, stand_in: bool = False) -> int | None:
    """How many roles a draft shares with a document's message, or None when it cannot be that
    message. With `stand_in`, a recipient of the draft of the same country as the message's may be
    one who received it for the addressee ("the reply was delivered to the foreign minister")."""
    if d.reply != g.reply:
        return None
    if not _same(d.sender, g.sender, kinds):
        return None
    if not _same(d.recipient, g.recipient, kinds) and not (
            stand_in and d.recipient is not None and g.recipient is not None
            and d.recipient.country is not None and d.recipient.country == g.recipient.country):
        return None
    # two named envoys: two messages ("an envoy" may be either)
    mine = {c.actor.actor_id for c in d.carriers if c.role == CARRIED and not _unnamed(c.actor, offices)}
    theirs = {c.actor.actor_id for c in g.carriers if c.role == CARRIED and not _unnamed(c.actor, offices)}
    if mine and theirs and not mine & theirs:
        return None
    for x, y in ((d.sent, g.sent), (d.delivered, g.delivered)):
        if x and y and x.source == y.source == EVENT_DATE_SENTENCE and not dates_agree(x.value, y.value):
            return None
    shared = (d.sender is not None and g.sender is not None) + (
        d.recipient is not None and g.recipient is not None and _same(d.recipient, g.recipient, kinds))
    return shared + bool({c.actor.actor_id for c in d.carriers} & {c.actor.actor_id for c in g.carriers})


def _recipient_differs(g: _Draft, d: _Draft, kinds) -> bool:
    return g.recipient is not None and not _same(d.recipient, g.recipient, kinds)


def _unnamed(ref: ActorRef, offices: dict[str, str | None]) -> bool:
    return unnamed(ref.name, offices.get(ref.actor_id))


def dates_agree(a: str | None, b: str | None) -> bool:
    """Two dates of one act: equal, or one within the other ("2021-02" and "2021-02-20")."""
    return a is None or b is None or a.startswith(b) or b.startswith(a)


def _merge(drafts: list[_Draft], kinds: dict[str, str], offices: dict[str, str | None]) -> list[_Draft]:
    """The document's messages: drafts that agree merge (see the module docstring)."""
    groups: list[_Draft] = []
    of: dict[int, _Draft] = {}  # id(draft) -> the group it went to
    full = [d for d in drafts if d.roles() >= 2 or (d.reply and d.sender is not None and d.original is not None)]
    partial = [d for d in drafts if d not in full]
    for d in full:
        scored = [(s, g) for g in groups if (s := _fits(d, g, kinds, offices)) is not None and s > 0]
        best = max((s for s, _ in scored), default=0)
        top = [g for s, g in scored if s == best]
        if not top and d.definite and d.sender is None:
            # "The message was carried to Moscow by X", "The reply was delivered to Y by Z": the
            # message the document spoke of, when only one can be meant
            top = [g for g in groups if _fits(d, g, kinds, offices, stand_in=True) is not None]
            if len(top) == 1 and d.recipient is not None and _recipient_differs(top[0], d, kinds):
                d.carriers.append(Carrier(d.recipient, RECEIVED))
                d.recipient = None
                d.evidence.setdefault("carrier", []).extend(d.evidence.pop("recipient", []))
        if len(top) == 1:
            _absorb(top[0], d, kinds, offices)
            of[id(d)] = top[0]
        else:
            g = _copy(d)
            groups.append(g)
            of[id(d)] = g
    for d in partial:
        if d.roles() == 0:
            # "The letter was about ...": the document's one message of that kind, if it has one
            top = [g for g in groups if g.reply == d.reply]
            if len(top) == 1 and (d.topic or d.sent or d.delivered):
                _absorb(top[0], d, kinds, offices)
            continue
        top = [g for g in groups if (_fits(d, g, kinds, offices) or 0) > 0]
        if len(top) == 1 or (top and d.plural):  # "hand over the messages": each of them
            for g in top:
                _absorb(g, d, kinds, offices)
            of[id(d)] = top[0]
    # a reply's original, as its sentence names it, is the document's message it merged into
    for g in groups:
        if not g.reply:
            continue
        named = [g.original, *g.originals] if g.original is not None else list(g.originals)
        orig = next((of[id(o)] for o in named if id(o) in of), None)
        if orig is None:
            # the document's one message that went to the reply's sender
            back = [x for x in groups if not x.reply and x.recipient is not None and x.sender is not None
                    and g.sender is not None and _same(x.recipient, g.sender, kinds)]
            orig = back[0] if len(back) == 1 else None
        g.original = orig
        named_sender = next((o.sender for o in named if o.sender is not None), None)
        addressee = orig.sender if orig is not None and orig.sender is not None else named_sender
        if addressee is not None:
            # "a reply to Putin's letter": to Putin, whether or not the letter is a message here
            if g.recipient is not None and g.recipient.actor_id != addressee.actor_id and all(
                    c.actor.actor_id != g.recipient.actor_id for c in g.carriers):
                # "X's reply was delivered to Y": Y received it for the original's sender
                g.carriers.append(Carrier(g.recipient, RECEIVED))
            g.recipient = addressee
            g.evidence.setdefault("recipient", []).extend(g.evidence.get("reply", []))
    for g in groups:
        received = [c for c in g.carriers if c.role == RECEIVED]
        if g.recipient is None and received:
            # "X received a letter from Y": with no one else named as its addressee, X is
            g.recipient = received[-1].actor
            g.carriers.remove(received[-1])
    kept = [g for g in groups if g.sender is not None or g.carriers]
    return [g for g in kept if any(r is not None and r.political for r in
                                   (g.sender, g.recipient, *(c.actor for c in g.carriers)))]


def _copy(d: _Draft) -> _Draft:
    return replace(d, carriers=list(d.carriers), evidence={k: list(v) for k, v in d.evidence.items()},
                   originals=list(d.originals))


def _absorb(g: _Draft, d: _Draft, kinds, offices) -> None:
    g.sender = _specific(g.sender, d.sender, kinds)
    g.recipient = _specific(g.recipient, d.recipient, kinds)
    for c in d.carriers:
        if all(c.actor.actor_id != x.actor.actor_id for x in g.carriers):
            g.carriers.append(c)
    for role in (CARRIED, RECEIVED):
        # "an envoy delivered it" and "Kamikawa delivered it": the envoy was Kamikawa
        if any(c.role == role and not _unnamed(c.actor, offices) for c in g.carriers):
            g.carriers = [c for c in g.carriers if c.role != role or not _unnamed(c.actor, offices)]
    g.carriers.sort(key=lambda c: c.role != CARRIED)  # who carried it, then who received it
    g.sent = _better(g.sent, d.sent)
    g.delivered = _better(g.delivered, d.delivered)
    if g.status != OCCURRED and d.status == OCCURRED:
        g.status = OCCURRED
    g.topic = g.topic or d.topic
    if d.original is not None:
        g.originals.append(d.original)
    for k, spans in d.evidence.items():
        for s in spans:
            if s not in g.evidence.setdefault(k, []):
                g.evidence[k].append(s)


def _better(a: EventDate | None, b: EventDate | None) -> EventDate | None:
    """A date the sentence states before one taken from the publication."""
    if a is None or (a.source != EVENT_DATE_SENTENCE and b is not None and b.source == EVENT_DATE_SENTENCE):
        return b
    return a


def _report(report_id: str, doc_id: str, g: _Draft, text: str, kinds, published, outlet,
            replies_to: str | None) -> MessageReport:
    evidence = tuple(Evidence(doc_id, name, s, e, text[s:e])
                     for name, spans in g.evidence.items() for s, e in spans)
    topic = g.topic
    return MessageReport(
        report_id=report_id,
        doc_id=doc_id,
        kind=g.kind,
        reply=g.reply,
        status=g.status,
        sender=g.sender,
        recipient=g.recipient,
        carriers=tuple(g.carriers),
        sender_kind=kinds.get(g.sender.actor_id) if g.sender else None,
        recipient_kind=kinds.get(g.recipient.actor_id) if g.recipient else None,
        sent_date=g.sent,
        delivered_date=g.delivered,
        topic=topic[0] if topic else None,
        topic_start=topic[1] if topic else None,
        topic_end=topic[2] if topic else None,
        replies_to=replies_to,
        evidence=evidence,
        published=published,
        outlet=outlet,
    )
