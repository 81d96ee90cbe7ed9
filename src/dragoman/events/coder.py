"""Event coding: who did what to whom, from the dependency parse and the lexicon.

Reads: a `ParsedDocument`, its `DocumentActors` and the `Lexicon`. Returns `Event`s (without dates:
`pipeline.py` asks `dates.py` for them) with trigger, evidence sentence, offsets, status, the rule
that fired and a confidence.

Roles come from syntax, never from word order alone:
- the subject is the source; the direct object or the lexicon's prepositions (with, to, on, against,
  from, ...) give the target; coordination expands to one event per conjunct;
- passives take the source from the `by` agent; participles ("the message, delivered by X") too;
- a verb without a subject ("to meet Putin", "and hand over") inherits it from the verb it hangs on;
- nominal triggers take the source from a possessive, a country adjective or the governing verb's
  subject ("Putin's reply", "the US withdrawal", "held talks"), the target from their prepositions;
- in reported speech the reporter is not the actor: a reporting verb is never a trigger unless the
  lexicon says so (accuse, condemn, praise are events; say is not).
Status follows PLOVER: negation -> negated, modal or conditional -> hypothetical, future -> future,
and a cooperative act announced for the future also yields an AGREE that occurred.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace

from spacy.tokens import Span, Token

from ..actors.resolve import DocumentActors, ResolvedMention, actor_ref
from ..parse import ParsedBlock, ParsedDocument
from ..schema import FUTURE, HYPOTHETICAL, NEGATED, OCCURRED, ActorRef, CodedDocument, Location
from .lexicon import PLOVER_QUAD, Lexicon, Trigger

CODER_VERSION = "dragoman-coder-3"
COOPERATIVE_FUTURE_TO_AGREE = {"CONSULT", "SUPPORT", "COOPERATE", "AID"}
# Verbs whose two subjects act on each other ("both exchanged prisoners").
RECIPROCAL_VERBS = {"exchange", "swap", "trade"}
SYMMETRIC = {"CONSULT", "COOPERATE", "AGREE", "SUPPORT"}  # done together by coordinated subjects
TARGET_OPTIONAL = {"MOBILIZE", "PROTEST", "RETREAT", "CONCEDE", "ASSAULT", "THREATEN", "COERCE"}
CLAUSE_LINKS = {"xcomp", "advcl", "conj", "acl", "relcl", "pcomp", "prep", "pobj", "dobj"}
RELATIVE_PRONOUNS = {"who", "which", "that", "whom"}
# What one carries for another: "X delivered Y's message to Z" is Y -> Z via X.
MESSAGES = {"message", "letter", "note", "reply", "response", "invitation", "greeting", "condolence", "request"}


@dataclass(frozen=True)
class CodedEvent:
    """An event before dating: the pipeline adds the date and the ids."""

    type: str
    mode: str | None
    quad: int
    cameo_root: str | None
    status: str
    source: ActorRef | None
    target: ActorRef | None
    via: ActorRef | None
    location: Location | None
    sentence: Span
    block: ParsedBlock
    trigger: Token
    confidence: float
    rule: str
    announced: bool = False  # an AGREE derived from a future cooperative act: dated on publication


class Coder:
    def __init__(self, lexicon: Lexicon):
        self.lexicon = lexicon
        self.index = lexicon.index()
        self.cues = lexicon.cue_map()
        self.light = {t.lemma for t in lexicon.triggers if t.light}

    def __call__(self, parsed: ParsedDocument, actors: DocumentActors) -> list[CodedEvent]:
        where = actors.index()
        self_kinds = {a.actor_id: a.kind for a in actors.actors}
        events: list[CodedEvent] = []
        for b, pb in enumerate(parsed.blocks):
            for sent in pb.sents:
                events.extend(self._sentence(b, pb, sent, where))
        events = _planned_mentions(events)
        # No false dyads: a state acting on its own officials is a speaker/actor confusion.
        return [e for e in _dedupe(events) if not (e.target and _self_dyad(e.source, e.target, self_kinds))]

    # -- one sentence ------------------------------------------------------------------------
    def _sentence(self, b: int, pb: ParsedBlock, sent: Span, where) -> Iterator[CodedEvent]:
        used_nouns: set[int] = set()
        for tok in sent:
            if tok.pos_ in ("VERB", "AUX") or (tok.pos_ == "NOUN" and tok.tag_.startswith("VB")):
                trig, noun = self._verb_trigger(tok)
                if trig is None:
                    continue
                # The verb's object is part of this event ("lift sanctions"), not an event of its own.
                used_nouns.update(o.i for o in _objects(tok))
                used_nouns.update(c.i for c in tok.children if c.dep_ == "nsubjpass")
                if noun is not None:
                    used_nouns.add(noun.i)
                yield from self._code_verb(b, pb, sent, tok, trig, noun, where)
        for tok in sent:
            if tok.pos_ in ("NOUN", "PROPN") and tok.i not in used_nouns:
                for trig in self.index.get(("noun", _lemma(tok)), ()):
                    if self._noun_ok(tok, trig):
                        yield from self._code_noun(b, pb, sent, tok, trig, where)
                        break
        yield from self._judgements(b, pb, sent, where)

    def has_trigger(self, sent: Span) -> bool:
        """Whether a sentence holds a word `_sentence` would code (before any actor is known): the
        parse stage runs the entity recogniser only where this, or a quote's speaker, says so."""
        reported = None
        for tok in sent:
            if (tok.pos_ in ("VERB", "AUX") or (tok.pos_ == "NOUN" and tok.tag_.startswith("VB"))) and (
                    self._verb_trigger(tok)[0] is not None):
                return True
            if tok.pos_ in ("NOUN", "PROPN") and any(
                    self._noun_ok(tok, trig) for trig in self.index.get(("noun", _lemma(tok)), ())):
                return True
            if ("judgement", tok.lemma_.lower()) in self.index:
                if reported is None:
                    reported = sent.root.lemma_.lower() in _REPORTING
                if reported:
                    return True
        return False

    def _judgements(self, b, pb, sent: Span, where) -> Iterator[CodedEvent]:
        """A speaker's judgement of an actor: "X said the US' selfish behaviour ...", "X said ... the
        'rebellious' US president", "X said after Trump's mistake ..." (X ACCUSE the actor)."""
        root = sent.root
        if root.lemma_.lower() not in _REPORTING:
            return
        speakers = self._subjects(root)
        if not speakers:
            return
        for tok in sent:
            trig = next(iter(self.index.get(("judgement", tok.lemma_.lower()), ())), None)
            if trig is None or tok.i in (s.i for s in speakers):
                continue
            if tok.pos_ == "ADJ" and tok.dep_ in ("amod", "conj"):
                judged = tok.head
                while judged.dep_ == "conj" and judged.pos_ == "ADJ":  # "selfish and illegal behaviour"
                    judged = judged.head
                judged = judged.head if judged.pos_ == "ADJ" else judged
            elif tok.pos_ == "NOUN":
                judged = tok
            else:
                continue
            # the actor itself ("the rebellious US president") or the actor who owns the judged thing
            owners = [judged] if (b, judged.i) in where else [
                c for c in judged.children if c.dep_ in ("poss", "nmod", "compound", "amod") and (b, c.i) in where]
            if owners:
                yield from self._emit(b, pb, sent, tok, trig, speakers, owners, where, "judgement", status_from=root)

    def _verb_trigger(self, v: Token) -> tuple[Trigger | None, Token | None]:
        lemma = _lemma(v)
        objs = _objects(v) + _patients(v)
        preps = {c.lower_ for c in v.children if c.dep_ in ("prep", "agent", "dative")}
        prts = {c.lower_ for c in v.children if c.dep_ == "prt"}
        # "pull out of": the parser may attach "out" as a preposition and "of" under it
        preps |= {g.lower_ for c in v.children if c.dep_ in ("prt", "prep") for g in c.children if g.dep_ == "prep"}
        prts |= {c.lower_ for c in v.children if c.dep_ == "prep"}
        for trig in self.index.get(("verb", lemma), ()):
            if trig.light:
                for o in objs:
                    if any(c.dep_ == "poss" and c.pos_ != "PRON" for c in o.children):
                        continue  # "have X's meeting with Y": X's act, coded from the noun ("their" is no other)
                    for nt in self.index.get(("noun", _lemma(o)), ()):
                        if self._noun_ok(o, nt):
                            return nt, o
                continue
            if trig.dobj and not any(o.lemma_.lower() in trig.dobj or o.lower_ in trig.dobj for o in objs):
                continue
            if trig.prt and trig.prt not in prts:
                continue
            if trig.prep and trig.prep not in preps and trig.prep not in prts:
                continue
            return trig, None
        return None, None

    def _noun_ok(self, n: Token, trig: Trigger) -> bool:
        if trig.prep and not any(c.dep_ == "prep" and c.lower_ == trig.prep for c in n.children):
            return False
        return True

    # -- verbs -------------------------------------------------------------------------------
    def _code_verb(self, b, pb, sent, v: Token, trig: Trigger, noun: Token | None, where) -> Iterator[CodedEvent]:
        passive = any(c.dep_ in ("nsubjpass", "auxpass") for c in v.children)
        participle = v.dep_ == "acl" and v.tag_ == "VBN"  # "the message to X, delivered by Y"
        if passive or participle:
            sources = [p for c in v.children if c.dep_ == "agent" for p in c.children if p.dep_ == "pobj"]
            rule = "verb-passive"
        else:
            sources = self._subjects(v)
            rule = "verb-active"
        if noun is not None:
            rule = "light-verb"
            targets = self._targets(noun, trig, include_dobj=False) or self._targets(v, trig, include_dobj=False)
        else:
            targets = self._targets(v, trig, include_dobj=True, passive=passive)
            if not targets:
                # "lift sanctions against X", "the message to X, delivered by Y": the object's own target
                for o in _objects(v) + _patients(v):
                    targets = [g for c in o.children if c.dep_ == "prep" and c.lower_ in
                               ("to", "on", "against", "with", "for") for g in c.children if g.dep_ == "pobj"]
                    if targets:
                        break
            if not targets:
                # "threatened to attack X", "refused to meet X": the target of the act in question
                for x in (c for c in v.children if c.dep_ == "xcomp"):
                    targets = _objects(x) + [g for c in x.children if c.dep_ == "prep" and c.lower_ in
                                             ("with", "to", "on", "against") for g in c.children if g.dep_ == "pobj"]
                    if targets:
                        break
        if trig.mode == "visit" and not self._actors(b, targets, where):
            # "X was in India visiting the Golden Temple": a visit is to the country it takes place in
            targets = _visited_country(b, v, where) or targets
        # Intermediaries: "sent a message to X through Y" (Y carried it); "Y delivered Z's message to
        # X" or "Z's message, delivered by Y" (Z -> X via Y, and Y's own meeting with X).
        vias = _through(v)
        thing = _objects(v) + _patients(v)
        msg = next((o for o in thing if trig.dobj and o.lemma_.lower() in trig.dobj and o.lemma_.lower() in MESSAGES), None)
        if msg is not None:
            vias = vias or _through(msg)
            authors = [c for c in msg.children if c.dep_ == "poss"] + [
                g for c in msg.children if c.dep_ == "prep" and c.lower_ == "from" for g in c.children if g.dep_ == "pobj"]
            carriers = [t for t in sources if all(t.i != a.i for a in authors)]
            if authors and carriers and not trig.source_prep:
                yield from self._emit(b, pb, sent, v, trig, authors, targets, where, "message-carried", status_from=v,
                                      vias=carriers)
        if trig.source_prep:  # "X received a reply from Y": Y -> X
            givers = [g for c in v.children if c.dep_ == "prep" and c.lower_ == trig.source_prep
                      for g in c.children if g.dep_ == "pobj"]
            givers += [g for o in _objects(v) for c in o.children if c.dep_ == "prep" and c.lower_ == trig.source_prep
                       for g in c.children if g.dep_ == "pobj"]
            if givers:
                sources, targets, rule = givers, sources, "verb-reversed"
        yield from self._emit(b, pb, sent, v, trig, sources, targets, where, rule, status_from=v, vias=vias)

    def subjects(self, v: Token) -> list[Token]:
        """The subject of a verb, as events read it (see `_subjects`)."""
        return self._subjects(v)

    def status_of(self, tok: Token) -> str:
        """Whether what a word says happened, is planned, hypothetical or negated, as for events."""
        return self._status(tok, tok if tok.pos_ in ("VERB", "AUX") else tok.head)

    def _subjects(self, v: Token) -> list[Token]:
        """The subject of a verb, inherited through xcomp/advcl/conj chains ("will visit ... to meet")."""
        cur = v
        for _ in range(6):
            subj = [c for c in cur.children if c.dep_ in ("nsubj", "csubj")]
            if subj:
                s = subj[0]
                if s.lower_ in RELATIVE_PRONOUNS and cur.dep_ == "relcl":
                    return [cur.head]
                return [s]
            # "is due to meet", "is ready to sign": through the adjective to the copula's subject
            if cur.dep_ in ("xcomp", "advcl", "conj", "acomp") and cur.head.i != cur.i:
                cur = cur.head
                continue
            if cur.dep_ == "relcl":
                return [cur.head]
            # "X received Y hours after conferring with Z", "before leaving for Z": a gerund under a
            # preposition of the verb is done by the verb's subject
            if (cur.dep_ == "pcomp" and cur.tag_ == "VBG" and cur.head.dep_ == "prep"
                    and cur.head.lower_ in _SEQUENCE_PREPS and cur.head.head.pos_ in ("VERB", "AUX")):
                cur = cur.head.head
                continue
            break
        return []

    def _targets(self, head: Token, trig: Trigger, include_dobj: bool, passive: bool = False) -> list[Token]:
        for p in trig.target_preps:
            if p == "-":
                if passive:
                    objs = [c for c in head.children if c.dep_ == "nsubjpass"]
                    # "the reply was delivered to X": the thing delivered is not the target
                    if objs and trig.dobj and objs[0].lemma_.lower() in trig.dobj:
                        objs = []
                else:
                    objs = [o for o in _objects(head) if not trig.dobj or o.lemma_.lower() not in trig.dobj]
                if include_dobj and objs:
                    return objs
                continue
            for c in head.children:
                if c.dep_ in ("prep", "dative") and c.lower_ == p:
                    pobj = [g for g in c.children if g.dep_ == "pobj"]
                    if pobj:
                        return pobj
        # Delivering a message: the recipient follows "to" even when the lexicon lists only the object.
        for c in head.children:
            if c.dep_ in ("prep", "dative") and c.lower_ == "to" and trig.dobj:
                return [g for g in c.children if g.dep_ == "pobj"]
        return []

    # -- nouns -------------------------------------------------------------------------------
    def _code_noun(self, b, pb, sent, n: Token, trig: Trigger, where) -> Iterator[CodedEvent]:
        sources = [c for c in n.children if c.dep_ == "poss"]
        # "the US withdrawal", "Iranian support", "the US’ withdrawal" (a curly apostrophe: nmod)
        sources += [c for c in n.children if c.dep_ in ("amod", "compound", "nmod") and (b, c.i) in where]
        agent = [g for c in n.children if c.lower_ == "by" for g in c.children if g.dep_ == "pobj"]
        sources = agent or sources
        rule = "noun"
        if not sources and n.dep_ == "pobj" and n.head.lower_ in _TIME_PREPS:
            # "before a meeting with X, Y said": the meeting is the governing verb's subject's
            gov = n.head.head
            hops = 0
            while gov.pos_ not in ("VERB", "AUX") and gov.head.i != gov.i and hops < 3:
                gov = gov.head
                hops += 1
            if gov.pos_ in ("VERB", "AUX"):
                sources = self._subjects(gov)
                rule = "noun-governor"
        if not sources and n.dep_ == "dobj" and n.head.lemma_.lower() in _COMMANDS:
            # "X ordered the destruction of Y", "authorised strikes on Y": the commander's act
            sources = self._subjects(n.head)
            rule = "noun-ordered"
        if not sources and n.dep_ == "pobj" and n.head.lower_ == "in" and _partakes(n.head.head):
            # "took part in talks with X", "participated in the protests": the participant's act
            sources = self._subjects(n.head.head)
            rule = "noun-partake"
        if not sources and trig.type in SYMMETRIC:
            # "a meeting of foreign ministers of both countries", "talks of A and B": the parties
            parties = [g for c in n.children if c.dep_ == "prep" and c.lower_ in ("of", "between")
                       for g in c.children if g.dep_ == "pobj"]
            # "ministers of both countries": the ministers of each country
            parties = [_of_whom(p) if not any(r.country for r in self._actors(b, [p], where)) else p for p in parties]
            if len(self._actors(b, parties, where)) == 2:  # two parties, not a list of many
                sources, rule = parties, "noun-parties"
        cop = _copula_of(n)
        if not sources and cop is not None:
            # "troops are on standby", "the minister was on a visit to X": the state is the subject's act
            sources = self._subjects(cop)
            rule = "noun-copula"
        targets = self._targets(n, trig, include_dobj=False)
        vias = _through(n)
        for part in (c for c in n.children if c.dep_ in ("acl", "relcl") and c.pos_ == "VERB"):
            # "..., delivered by Y", "... (that) the Leader sent through Y"
            vias = vias or _through(part) or (
                [g for c in part.children if c.dep_ == "agent" for g in c.children if g.dep_ == "pobj"]
                if part.tag_ == "VBN" else [])
        yield from self._emit(b, pb, sent, n, trig, sources, targets, where, rule, status_from=n.head, vias=vias)

    # -- shared ------------------------------------------------------------------------------
    def _emit(self, b, pb, sent, trig_tok, trig, sources, targets, where, rule, status_from,
              vias: list[Token] = ()) -> Iterator[CodedEvent]:
        src_refs = self._actors(b, sources, where)
        tgt_refs = self._actors(b, targets, where)
        via_refs = self._actors(b, list(vias), where)
        via = next((r for r in via_refs if all(r.actor_id != x.actor_id for x in src_refs + tgt_refs)), None)
        if not src_refs:
            return
        # Two subjects acting on each other: "both exchanged prisoners", "they accused each other".
        if not tgt_refs and len(src_refs) == 2 and trig.type not in SYMMETRIC and (
                trig_tok.lemma_.lower() in RECIPROCAL_VERBS or _each_other(trig_tok)):
            pairs2 = [(src_refs[0], src_refs[1]), (src_refs[1], src_refs[0])]
            src_refs, tgt_refs = [], []
        else:
            pairs2 = []
        # A plural subject of a symmetric act with no object: "Tehran and Moscow cooperate".
        if not tgt_refs and len(src_refs) > 1 and trig.type in SYMMETRIC:
            tgt_refs = src_refs[1:]
            src_refs = src_refs[:1]
        pairs: list[tuple[ActorRef, ActorRef | None]] = list(pairs2)
        if tgt_refs and len(src_refs) > 1 and trig.type in SYMMETRIC and (
                trig.type != "SUPPORT" or any(t.head.lower_ == "with" for t in targets)):
            # "A and B signed a deal with C": the co-signers also agreed with each other (but "A and
            # B support C" says nothing of A and B)
            pairs = [(src_refs[0], s) for s in src_refs[1:]]
        if not tgt_refs and not pairs:
            if trig.type not in TARGET_OPTIONAL:
                return
            tgt_refs = [None]
        status = self._status(trig_tok, status_from)
        location = _location(pb, trig_tok, where, b)
        announcer = _announcer(b, trig_tok, where) if status == FUTURE else None
        for s, t in [(s, t) for s in src_refs for t in tgt_refs] + pairs:
            if not (s.political or _pending(s, where)) or (t is not None and not (t.political or _pending(t, where))):
                continue
            if t is not None and t.sector == "JRN" and trig.type == "CONSULT":
                continue  # talking to the press is a statement, not a consultation
            conf = 0.5 + 0.2 * (t is not None) + 0.1 * (rule.startswith("verb")) + 0.1 * (s.country is not None)
            ev = CodedEvent(trig.type, trig.mode, PLOVER_QUAD[trig.type], trig.cameo_root, status, s, t, via,
                            location, sent, pb, trig_tok, round(min(conf, 0.95), 2), f"{rule}:{trig.pos}:{trig.lemma}")
            yield ev
            if status == FUTURE and trig.type in COOPERATIVE_FUTURE_TO_AGREE:
                # "President X announced that the US will ...": X agreed, for the state X leads
                agent = announcer if announcer is not None and announcer.country == s.country and \
                    where.kinds.get(s.actor_id) != "person" and (t is None or announcer.actor_id != t.actor_id) else s
                yield CodedEvent("AGREE", None, PLOVER_QUAD["AGREE"], "03", OCCURRED, agent, t, via, location, sent,
                                 pb, trig_tok, ev.confidence, f"future-{trig.type.lower()}-as-agree", announced=True)

    def _actors(self, b: int, tokens: list[Token], where) -> list[ActorRef]:
        out: list[ActorRef] = []
        for tok in tokens:
            for t in [tok] + [c for c in tok.conjuncts if c.i > tok.i]:
                for rm in _actors_for(b, t, where):
                    ref = actor_ref(rm)
                    if all(r.actor_id != ref.actor_id for r in out):
                        out.append(ref)
        return out

    def _status(self, trig: Token, gov: Token) -> str:
        chain = [trig]
        cur = trig
        for _ in range(4):  # the verbs this one hangs on: "will visit ... to meet", "plans to attack"
            if cur.dep_ == "advcl" and any(c.lower_ in _FACTUAL_LINKS and c.dep_ in ("advmod", "mark") for c in cur.children):
                break  # "..., where both countries support X": a clause of its own, not under "would"
            if cur.dep_ in ("xcomp", "conj", "advcl", "pcomp", "pobj", "prep", "dobj", "nsubj", "nsubjpass") and cur.head.i != cur.i:
                cur = cur.head
                chain.append(cur)
            else:
                break
        found: set[str] = set()
        reported = any(v.dep_ == "ccomp" and v.head.lemma_.lower() in _REPORTING for v in chain)
        for v in chain:
            for c in list(v.children) + [v]:
                if c.i == trig.i:
                    continue  # the trigger's own word says what happened, not whether ("denied access")
                for cue in self.cues.get(c.lower_, ()) + self.cues.get(c.lemma_.lower(), ()):
                    if _cue_applies(cue.pos, c, v):
                        # "X said they would ...": the future seen from the past, not a hypothesis
                        if reported and c.lower_ in ("would", "'d") and cue.status == HYPOTHETICAL:
                            found.add(FUTURE)
                        else:
                            found.add(cue.status)
        # Headlines: "X to visit Y" announces a plan.
        if trig.pos_ == "VERB" and any(c.dep_ == "aux" and c.lower_ == "to" for c in trig.children) and (
                trig.dep_ in ("ROOT", "acl") or trig.head.pos_ in ("NOUN", "PROPN")):
            found.add(FUTURE)
        # A purpose clause states an aim, not a fact: "pulled out of the deal to lift sanctions",
        # "sent troops to arrest X". The aim of a journey or meeting is the exception ("flew to
        # Moscow to meet X", "will visit X to sign"): reporters state it as what happens there.
        if (trig.dep_ == "advcl" and trig.tag_ == "VB" and trig.head.lemma_.lower() not in _JOURNEYS
                and any(c.dep_ == "aux" and c.lower_ == "to" for c in trig.children)):
            found.add(HYPOTHETICAL)
        if NEGATED in found:
            return NEGATED
        if HYPOTHETICAL in found:
            return HYPOTHETICAL
        if FUTURE in found:
            return FUTURE
        return OCCURRED


# Words opening an adverbial clause that states a fact of its own, whatever the main verb's mood.
_FACTUAL_LINKS = {"where", "whereas", "while", "because", "since", "as", "although", "though"}
_CLAUSES = {"ccomp", "advcl", "conj", "relcl", "parataxis", "csubj", "dobj", "nsubj", "nsubjpass", "pobj"}
_COPULAS = {"be", "remain", "stay"}
_TIME_PREPS = {"before", "after", "during", "following", "ahead", "since", "at", "in"}
# Verbs of command: their object's act is the commander's ("ordered the destruction of X").
_COMMANDS = {"order", "authorize", "authorise", "approve", "command", "direct"}
# Verbs of going somewhere or meeting, whose purpose clause says what happens there.
_JOURNEYS = {"go", "travel", "arrive", "fly", "head", "leave", "return", "visit", "meet", "gather",
             "convene", "stop", "land"}
# Prepositions of time order whose gerund is done by the main subject ("after conferring with X").
_SEQUENCE_PREPS = {"after", "before", "while", "upon"}
_REPORTING = {"say", "tell", "add", "note", "state", "report", "claim", "announce", "stress", "insist", "write",
              "confirm", "declare"}


def _announcer(b: int, trig: Token, where) -> ActorRef | None:
    """The one person who announced the clause a trigger is in ("X announced that ... will ..."), if any."""
    cur = trig
    for _ in range(4):
        if cur.dep_ == "ccomp" and cur.head.lemma_.lower() in _REPORTING:
            people = [rm for c in cur.head.children if c.dep_ == "nsubj" for rm in _actors_for(b, c, where)
                      if rm.actor.kind == "person"]
            return actor_ref(people[0]) if len(people) == 1 else None
        if cur.dep_ not in ("xcomp", "conj", "advcl") or cur.head.i == cur.i:
            return None
        cur = cur.head
    return None


def _visited_country(b: int, v: Token, where) -> list[Token]:
    """The country a visit takes place in: "in X" on the verb, on the copula it hangs on ("was in X
    visiting ..."), or on what was visited ("visited a shrine in X"); only a place that resolved to
    a country or its capital."""
    heads = [v] + [o for o in _objects(v)]
    if v.dep_ in ("advcl", "xcomp", "conj") and v.head.lemma_.lower() in _COPULAS:
        heads.append(v.head)
    for h in heads:
        for c in h.children:
            if c.dep_ == "prep" and c.lower_ in ("in", "at"):
                for g in c.children:
                    rm = where.get((b, g.i)) if g.dep_ == "pobj" else None
                    if rm is not None and rm.actor.kind == "country":
                        return [g]
    return []


def _of_whom(tok: Token) -> Token:
    """The object of "of" under a noun ("ministers of both countries" -> countries), else the noun."""
    return next((g for c in tok.children if c.dep_ == "prep" and c.lower_ == "of"
                 for g in c.children if g.dep_ == "pobj"), tok)


def _lemma(tok: Token) -> str:
    """The lowercase lemma, a British "co-" prefix joined ("co-operate" -> "cooperate")."""
    lemma = tok.lemma_.lower()
    return "co" + lemma[3:] if lemma.startswith("co-") else lemma


def _partakes(v: Token) -> bool:
    """A verb of taking part: participate/engage/be involved in, take part in."""
    lemma = v.lemma_.lower()
    return lemma in ("participate", "engage", "involve") or (
        lemma == "take" and any(c.dep_ == "dobj" and c.lower_ == "part" for c in v.children))


def _copula_of(n: Token) -> Token | None:
    """The copula of "X is on standby" / "X was in talks": the noun is the object of a preposition on
    be/remain/stay, or (as the small model often parses it) the preposition dangles right before it."""
    if n.dep_ == "pobj" and n.head.dep_ == "prep" and n.head.head.lemma_.lower() in _COPULAS:
        return n.head.head
    before = n.left_edge.i - 1
    if before >= 0:
        p = n.doc[before]
        if (p.dep_ == "prep" and p.head.lemma_.lower() in _COPULAS and not any(c.dep_ == "pobj" for c in p.children)
                and n.dep_ in ("attr", "conj", "dobj", "ccomp")):
            return p.head
    return None


def _cue_applies(pos: str, tok: Token, verb: Token) -> bool:
    if tok.i == verb.i:
        return pos in ("verb", "adj", "noun", "any") and tok.pos_ in ("VERB", "ADJ", "NOUN", "AUX")
    if pos == "aux":
        return tok.dep_ in ("aux", "auxpass")
    if pos == "neg":
        return tok.dep_ == "neg" or tok.lower_ in ("no", "never")
    if pos == "mark":
        return tok.dep_ == "mark"
    if pos in ("adj", "noun", "verb"):
        # a modifier of the verb ("the planned visit", "is due to"), not a clause of its own
        # ("confirmed troops are ready in case they need to ...": "need" says nothing of the troops)
        return tok.pos_ == pos.upper() and tok.dep_ not in _CLAUSES
    return True


def _objects(v: Token) -> list[Token]:
    return [c for c in v.children if c.dep_ in ("dobj", "attr", "oprd")]


def _patients(v: Token) -> list[Token]:
    """What a passive or a participle acts on: "the reply was delivered", "the message, delivered by"."""
    out = [c for c in v.children if c.dep_ == "nsubjpass"]
    if v.dep_ == "acl" and v.tag_ == "VBN":
        out.append(v.head)
        if v.head.dep_ == "pobj" and v.head.head.dep_ == "prep":
            out.append(v.head.head.head)  # "X's letter to Y, delivered by Z": the parser hangs it on Y
    return out


def _actors_for(b: int, tok: Token, where) -> list[ResolvedMention]:
    """The actors a token stands for: its own mention, else the shallowest mentions inside its
    phrase ("a number of countries (Chile, Bolivia and Brazil)"), at most four links down."""
    own = where.all((b, tok.i))
    if own:
        return own
    found: dict[int, list[ResolvedMention]] = {}
    for t in tok.subtree:
        for cand in where.all((b, t.i)):
            if cand.candidate.kind == "pronoun" and t.dep_ == "poss":
                continue
            d = _depth(t, tok)
            if d <= 4 and all(x.actor.actor_id != cand.actor.actor_id for x in found.get(d, [])):
                found.setdefault(d, []).append(cand)
    if not found:
        return []
    best = found[min(found)]
    if len(best) == 1:  # one mention: its coordinated partners count too
        head = best[0].candidate
        more = [where.get((b, c.i)) for c in tok.doc[head.head].conjuncts]
        best = best + [m for m in more if m is not None and m.candidate is not head]
    return best


actors_for = _actors_for  # for the message stage, which reads roles as events do


def _through(tok: Token) -> list[Token]:
    """Who carried something: the objects of "through" or "via" under a verb or noun."""
    return [g for c in tok.children if c.dep_ == "prep" and c.lower_ in ("through", "via")
            for g in c.children if g.dep_ == "pobj"]


def _each_other(trig: Token) -> bool:
    """'each other' / 'one another' among the trigger's dependents ("accused each other")."""
    return any(c.lower_ in ("other", "another") and any(g.lower_ in ("each", "one") for g in c.lefts)
               for c in trig.subtree if c.i > trig.i and c.i - trig.i <= 4)


def _depth(t: Token, root: Token) -> int:
    d = 0
    while t.i != root.i and t.head.i != t.i and d < 50:
        t = t.head
        d += 1
    return d


def _pending(ref: ActorRef, where) -> bool:
    """A named person the document leaves without country or sector ("Qassemi said"): another
    document may place them (actors/link.py); `settle_events` decides once linking is done."""
    return ref.country is None and ref.sector is None and where.kinds.get(ref.actor_id) == "person"


def settle_events(coded: CodedDocument) -> CodedDocument:
    """Drop the events of a coded document whose actors are still not political (no country, no
    political sector): people no document placed, such as footballers in a match report."""
    kept = tuple(e for e in coded.events
                 if all(r is None or r.political for r in (e.source, e.target)))
    return coded if len(kept) == len(coded.events) else replace(coded, events=kept)


def _self_dyad(s: ActorRef, t: ActorRef, kinds: dict[str, str]) -> bool:
    """Same actor, or same country with no domestic reading: a state and one of its own, or two
    parts of one government. Police and protesters of one country are a domestic event and stay."""
    if s.actor_id == t.actor_id:
        return True
    if s.country is None or s.country != t.country:
        return False
    return "country" in (kinds.get(s.actor_id), kinds.get(t.actor_id)) or s.sector == t.sector == "GOV"


def _location(pb: ParsedBlock, trig: Token, where, b: int) -> Location | None:
    for c in trig.children:
        if c.dep_ == "prep" and c.lower_ in ("in", "at"):
            for g in c.children:
                if g.dep_ == "pobj" and g.ent_type_ in ("GPE", "LOC", "FAC"):
                    span = next((e for e in g.doc.ents if e.start <= g.i < e.end), None)
                    if span is None:
                        continue
                    rm = where.get((b, g.i))
                    country = rm.actor.country if rm is not None else None
                    return Location(span.text, country, span.text, pb.start_of(span), pb.end_of(span))
    return None


def _planned_mentions(events: list[CodedEvent]) -> list[CodedEvent]:
    """A noun that names an act the text announced earlier is that planned act: "X will visit Moscow
    on Wednesday ... Y described X's visit as important" does not say the visit took place. A noun
    trigger with no status of its own and no date of its own is future when the last verb before
    it that coded the same type and actors was."""
    last: dict[tuple, str] = {}
    out = []
    for e in events:
        k = (e.type, e.source.actor_id if e.source else None, e.target.actor_id if e.target else None)
        if e.rule.startswith("noun") and e.status == OCCURRED and last.get(k) == FUTURE and not any(
                t.ent_type_ in ("DATE", "TIME") for t in e.trigger.subtree):
            e = replace(e, status=last[k], rule=f"{e.rule}+planned")
        elif not e.rule.startswith(("noun", "future-")):
            last[k] = e.status
        out.append(e)
    return out


def _dedupe(events: list[CodedEvent]) -> list[CodedEvent]:
    """One event per type, status, dyad and sentence; of two, the one that knows an intermediary."""
    at: dict[tuple, int] = {}
    out: list[CodedEvent] = []
    for e in events:
        key = (e.type, e.status, e.source.actor_id if e.source else None, e.target.actor_id if e.target else None,
               e.sentence.start_char, e.block.offset)
        if key in at:
            if e.via is not None and out[at[key]].via is None:
                out[at[key]] = e
            continue
        at[key] = len(out)
        out.append(e)
    return out
