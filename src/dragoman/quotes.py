"""Quotes stage: quotations and the span of whoever is quoted.

Reads: a `ParsedDocument` (one spaCy `Doc` per kept block, i.e. per paragraph) and, to name the
speakers, the document's `DocumentActors`.
Returns: `find_quotes` gives `QuoteCandidate`s (quoted words, speaker span, cue) in document order;
`attribute` turns them into `Quote`s whose speaker is the actor the actors stage resolved there.

Direct quotes are found from the quote marks of each paragraph (`quotemarks.quote_spans`) and
attributed, in order:
  1. syntax: a reporting verb (or "according to") governing the quoted words, or attached to them
     ("..., Velayati said, ..." parsed as parataxis), or a naming verb
     (`called the neighbours "important friends"`); the speaker is that verb's subject. The chain
     from the quote up to the verb must run through what is said (complement, object), not through
     the circumstances (`Voicing concern about the "delicate conditions", X said ...`: an adverbial
     before the verb);
  2. surface, for parses that missed the link: a reporting verb right after the closing mark
     (`," he noted.`) or just before an opening mark that follows a colon or comma (`X said: "`);
  3. the subject of the verb governing a partial quote when that subject is a name, a personal
     pronoun or a named entity (`He hoped his trip would mark "a turning point"`);
  4. the speaker of the previous quote in the paragraph when only that quote's attribution lies
     between them (`"...," she said. "..."`), or of the previous paragraph's last quote when that
     quote reached the paragraph's last sentence and this paragraph opens with a quote.
Otherwise the speaker stays None: never a guess, and never a name inside the quote itself.

Scare quotes: a quote of at most `SCARE_MAX_WORDS` words inside a sentence is skipped, not
returned, when no reporting or naming verb governs it, or when it only modifies a word outside it
(`the "selfish" U.S. behaviour`, even in reported speech): it is an author's marking of a word,
not a statement by anyone.

A quote never leaves its paragraph (a quote left open on purpose ends with the paragraph; the next
paragraph's opening mark starts a new quote).

Indirect speech: the complement clause of a reporting verb outside quotes ("Qassemi said (that)
the talks failed") and the clause qualified by "according to X" are returned with `direct=False`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from .actors import DocumentActors, actor_ref
from .actors.resolve import ResolvedMention
from .parse import ParsedBlock, ParsedDocument
from .schema import ActorRef, Quote
from .quotemarks import AFTER_CLOSE, MARKS, QuoteSpan, quote_spans
from .vocabulary import REPORTING_LEMMAS

# Reporting lemmas with common non-reporting senses ("talks will continue", "add troops"): they
# attribute a quote only when directly linked to it, not from anywhere up the parse.
WEAK_REPORTING_LEMMAS = frozenset({"continue", "add", "post", "repeat", "answer", "ask", "observe"})
# Verbs that put quoted words in their subject's mouth without reporting speech (active voice only).
# Verbs of judging speech acts count alike: `praised the "spirit of cooperation"` quotes the praise.
NAMING_LEMMAS = frozenset(
    """call describe term dub label brand hail denounce condemn characterize characterise praise
    welcome applaud commend criticise criticize slam decry deplore dismiss""".split()
)
# Reporting verbs whose addressee belongs to the cue ("told reporters").
ADDRESSEE_LEMMAS = frozenset({"tell"})
# Verbs that introduce a reporting verb as their complement ("went on to say").
LEAD_IN_LEMMAS = frozenset({"go", "continue"})

_TRAILING_PUNCT = frozenset(".,;:—–-")
_DATELINE = re.compile(r"[A-Z][A-Z .,'-]+(?:\([^)]*\))?\s*[–—-]+\s+")

SCARE_MAX_WORDS = 3
# A complement clause this much inside quote marks is the frame of a direct quote, not indirect speech.
FRAME_SHARE = 0.8
# How far (in tokens) the surface fallbacks look around a quote for its reporting verb.
TAIL_WINDOW = 12
LEAD_WINDOW = 15

_LINK_DEPS = ("ccomp", "parataxis", "dobj", "oprd", "xcomp", "advcl", "conj")  # quote -> its verb
_ATTACHED_DEPS = ("parataxis", "ccomp", "advcl", "conj", "prep")  # verb -> the quote it reports
# A reporting verb reached from a quote through one of these, fronted before the verb, is not what
# reports it: `Voicing concern about the "delicate conditions", X said ...` quotes the circumstances.
_ADJUNCT_DEPS = ("advcl", "npadvmod", "advmod", "prep", "agent", "dep")
# A short quote hanging on a noun outside it as one of these is a word the author marks (`the
# "selfish" behaviour`), even in reported speech.
_MODIFIER_DEPS = ("amod", "compound", "nmod", "nummod", "advmod")
_CLIMB_DEPS = ("advcl", "xcomp", "conj", "pcomp")  # a subjectless verb shares its head's subject
_NP_DROP_DEPS = ("relcl", "acl", "advcl", "cc", "conj")  # commas stay inside, edges are trimmed
_PERSONAL_PRONOUNS = frozenset("he she they i we you".split())
_SPEAKER_ENTS = frozenset({"PERSON", "ORG", "NORP", "GPE"})


@dataclass(frozen=True)
class QuoteCandidate:
    """A quotation: the quoted words and, when found, the span of whoever said them.

    Offsets index `Document.text` (end exclusive); `text` excludes the quote marks.
    """

    text: str
    start: int
    end: int
    direct: bool  # False for indirect speech ("X said that ...": the complement clause)
    speaker_start: int | None
    speaker_end: int | None
    speaker_head: int | None  # offset of the speaker phrase's head word ("spokesman" in "Blair's spokesman")
    cue: str | None  # the reporting verb or phrase: "said", "told reporters", "according to"


@dataclass(frozen=True)
class _Attribution:
    speaker: tuple[int, int, int] | None  # document offsets of the speaker phrase: start, end, head
    cue: str | None
    verb: int | None  # token index (in the block's Doc) of the cue verb, for continuations


@dataclass(frozen=True)
class _Direct:
    candidate: QuoteCandidate
    span: QuoteSpan
    attribution: _Attribution | None
    last_sentence: bool  # the quote reaches into the paragraph's last sentence


def may_name_speaker(sent: Span) -> bool:
    """Whether a sentence may name a quote's speaker: the speaker a reporting or naming verb (or
    "according to") would be given has a capitalised word, or the sentence has quote marks and a
    capitalised word outside them. The parse stage runs the entity recogniser where this (or an
    event trigger) says so; the other sentences name no speaker that needs it."""
    for tok in sent:
        if _reports(tok, strong_only=False) or _names(tok):
            speaker = tok if tok.lower_ == "according" else _subject(tok, set())
            if speaker is not None and any(_capitalised(t, sent.start) for t in speaker.subtree):
                return True
    if not any(ch in sent.text for ch in MARKS):
        return False
    inside = [(q.start, q.end) for q in quote_spans(sent.text)]
    base = sent.start_char
    return any(_capitalised(t, sent.start) and not any(lo <= t.idx - base < hi for lo, hi in inside) for t in sent)


def has_capitalised(sent: Span) -> bool:
    """Whether a sentence has a word that may belong to a name (see `_capitalised`)."""
    return any(_capitalised(t, sent.start) for t in sent)


def _capitalised(t: Token, sent_start: int) -> bool:
    """A word that may belong to a name: capitalised (not only because it opens the sentence) or
    in capitals."""
    if not t.is_alpha or t.lower_ == "i":
        return False
    return t.is_upper or (t.is_title and (t.i != sent_start or t.pos_ == "PROPN"))


def pronoun_speaker(sent: Span) -> bool:
    """Whether a personal pronoun is the subject of a verb of saying ("he said"): the quote's
    speaker is whoever the pronoun stands for."""
    return any(t.dep_ in ("nsubj", "nsubjpass") and t.lower_ in _PERSONAL_PRONOUNS and t.head.pos_ == "VERB"
               and t.head.lemma_.lower() in REPORTING_LEMMAS for t in sent)


def find_quotes(parsed: ParsedDocument) -> list[QuoteCandidate]:
    """Every direct and indirect quote of `parsed`, in document order."""
    found: list[QuoteCandidate] = []
    previous: _Direct | None = None  # the last direct quote of the previous paragraph
    for pb in parsed.blocks:
        directs = _direct_quotes(pb, previous)
        found.extend(d.candidate for d in directs)
        found.extend(_indirect_quotes(pb, [d.span for d in directs]))
        previous = directs[-1] if directs else None
    return sorted(found, key=lambda q: (q.start, q.end, not q.direct))


# -- direct quotes ----------------------------------------------------------------------------

def _direct_quotes(pb: ParsedBlock, previous: _Direct | None) -> list[_Direct]:
    """The direct quotes of one paragraph with their attributions; `previous` is the last quote
    of the paragraph before, which a paragraph opening with a quote may continue."""
    doc = pb.doc
    spans = quote_spans(pb.text)
    inside_any = {t.i for s in spans for t in _tokens_in(doc, s)}
    last_sent_start = pb.sents[-1].start_char if len(doc) else 0
    out: list[_Direct] = []
    for span in spans:
        tokens = _tokens_in(doc, span)
        if not tokens:
            continue
        q = {t.i for t in tokens}
        embedded = _embedded(tokens, q)
        att = (
            _chain_attribution(pb, tokens, q)
            or _tail_attribution(pb, span, q, inside_any)
            or _lead_attribution(pb, span, q, inside_any, out[-1].span.end if out else 0)
        )
        n_words = sum(1 for t in tokens if t.is_alpha or t.like_num)
        if n_words <= SCARE_MAX_WORDS and _modifies(tokens, q):
            continue  # a marked word: see the module docstring
        if att is None and embedded and n_words <= SCARE_MAX_WORDS:
            continue  # a scare quote: see the module docstring
        if att is None and embedded:
            att = _subject_attribution(pb, tokens, q)
        if att is None and out:
            att = _continued_in_paragraph(doc, out[-1], span)
        if att is None and not out and previous is not None:
            att = _continued_from_paragraph(pb.text, span, previous)
        start, end = pb.offset + span.start, pb.offset + span.end
        speaker = att.speaker if att else None
        if speaker is not None and speaker[0] < end and start < speaker[1]:
            speaker = None  # never a name inside the quote itself
        cand = QuoteCandidate(
            text=pb.text[span.start : span.end],
            start=start,
            end=end,
            direct=True,
            speaker_start=speaker[0] if speaker else None,
            speaker_end=speaker[1] if speaker else None,
            speaker_head=speaker[2] if speaker else None,
            cue=att.cue if att else None,
        )
        out.append(_Direct(cand, span, att, span.end > last_sent_start or not span.closed))
    return out


def _tokens_in(doc: Doc, span: QuoteSpan) -> list[Token]:
    """The tokens wholly inside the quote."""
    inside = doc.char_span(span.start, span.end, alignment_mode="contract")
    return list(inside) if inside is not None else []


def _embedded(tokens: list[Token], q: set[int]) -> bool:
    """Whether the quote's sentences have words outside it (narration or attribution)."""
    lo, hi = tokens[0].i, tokens[-1].i
    sents = [s for s in tokens[0].doc.sents if s.start <= hi and lo < s.end]
    return any((t.is_alpha or t.like_num) and t.i not in q for s in sents for t in s)


def _modifies(tokens: list[Token], q: set[int]) -> bool:
    """Whether the quoted words only modify a word outside them (`the "rebellious" president`)."""
    roots = [t for t in tokens if t.head.i not in q and not t.is_punct]
    return bool(roots) and all(t.dep_ in _MODIFIER_DEPS and t.head.i != t.i for t in roots)


def _chain_attribution(pb: ParsedBlock, tokens: list[Token], q: set[int]) -> _Attribution | None:
    """A reporting or naming verb (or "according to") linked to the quote in the parse."""
    # Attached to the quoted words: `"...," he said` parsed as parataxis, or "according to X".
    for t in tokens:
        for child in t.children:
            if child.i not in q and child.dep_ in _ATTACHED_DEPS and _reports(child, strong_only=False):
                return _verb_attribution(pb, child, q)
    for root in (t for t in tokens if t.head.i not in q):
        below = root
        for n, anc in enumerate(_ancestors_outside(root, q)):
            direct_link = n == 0 and root.dep_ in _LINK_DEPS
            # what is said, not the circumstances fronted before the verb ("Voicing concern about ...,")
            content = direct_link or below.dep_ not in _ADJUNCT_DEPS or below.i > anc.i
            if content and (_reports(anc, strong_only=not direct_link) or _names(anc)):
                return _verb_attribution(pb, anc, q)
            below = anc
            for child in anc.children:  # "As regards Syria, Velayati said, Tehran's ..."
                if child.i not in q and child.dep_ == "parataxis" and _reports(child, strong_only=False):
                    return _verb_attribution(pb, child, q)
    return None


def _ancestors_outside(token: Token, q: set[int]) -> Iterator[Token]:
    """The heads above `token` up to its sentence root, stopping if the chain re-enters the quote."""
    t = token
    while t.head.i != t.i:
        t = t.head
        if t.i in q:
            return
        yield t


def _reports(token: Token, strong_only: bool) -> bool:
    """Whether `token` is a reporting verb or the "according" of "according to"."""
    if token.lower_ == "according":
        return any(c.lower_ == "to" for c in token.children)
    lemma = token.lemma_.lower()
    if token.pos_ not in ("VERB", "AUX") or lemma not in REPORTING_LEMMAS:
        return False
    return not (strong_only and lemma in WEAK_REPORTING_LEMMAS)


def _names(token: Token) -> bool:
    """An active naming verb: "called them ..." (not "what are called ...", "characterized by")."""
    if token.pos_ != "VERB" or token.lemma_.lower() not in NAMING_LEMMAS:
        return False
    return not any(c.dep_ in ("auxpass", "nsubjpass") for c in token.children)


def _tail_attribution(
    pb: ParsedBlock, span: QuoteSpan, q: set[int], inside_any: set[int]
) -> _Attribution | None:
    """A reporting verb right after a quote that ends in punctuation, before the sentence ends:
    `," he noted.` / `," said the former deputy foreign minister.`"""
    doc = pb.doc
    if not span.closed:
        return None
    after = [t for t in doc if t.idx >= span.end]
    first_word = next((t for t in after if not t.is_punct), None)
    if first_word is None or not any(c in AFTER_CLOSE for c in pb.text[span.end : first_word.idx]):
        return None  # `the "plan" officials announced` is not an attribution of "plan"
    words = 0
    for t in after:
        if t.i in inside_any or t.text in (".", "!", "?") or (words and t.text in MARKS):
            return None
        if t.is_punct:
            continue
        if _reports(t, strong_only=False):
            return _verb_attribution(pb, t, q)
        words += 1
        if words > TAIL_WINDOW:
            return None
    return None


def _lead_attribution(
    pb: ParsedBlock, span: QuoteSpan, q: set[int], inside_any: set[int], floor: int
) -> _Attribution | None:
    """A reporting verb before an opening mark that follows a colon or comma: `X said: "...`."""
    doc = pb.doc
    before = [t for t in doc if t.idx + len(t.text) <= span.start and t.idx >= floor]
    while before and before[-1].text in MARKS:
        before.pop()
    if not before or before[-1].text not in (":", ","):
        return None
    for t in reversed(before[-LEAD_WINDOW:]):
        if t.i in inside_any or t.text in (".", "!", "?"):
            return None
        if _reports(t, strong_only=False):
            return _verb_attribution(pb, t, q)
    return None


def _subject_attribution(pb: ParsedBlock, tokens: list[Token], q: set[int]) -> _Attribution | None:
    """For a partial quote: the first verb above it whose subject names someone."""
    for root in (t for t in tokens if t.head.i not in q):
        for anc in _ancestors_outside(root, q):
            if anc.pos_ not in ("VERB", "AUX"):
                continue
            subj = _subject(anc, q)
            if subj is not None and _names_someone(subj):
                return _Attribution(_np_offsets(pb, subj, q), anc.text, anc.i)
    return None


def _continued_in_paragraph(doc: Doc, prev: _Direct, span: QuoteSpan) -> _Attribution | None:
    """The previous quote's speaker when nothing but its attribution separates the two quotes."""
    att = prev.attribution
    if att is None or att.speaker is None:
        return None
    gap = [t for t in doc if prev.span.end <= t.idx and t.idx + len(t.text) <= span.start and not t.is_punct]
    if att.verb is None:
        return att if not gap else None
    allowed = {t.i for t in doc[att.verb].subtree}
    if doc[att.verb].dep_ == "xcomp":  # "went on to say"
        allowed |= {t.i for t in doc[att.verb].head.subtree}
    return att if all(t.i in allowed for t in gap) else None


def _continued_from_paragraph(text: str, span: QuoteSpan, previous: _Direct) -> _Attribution | None:
    """A paragraph opening with a quote continues the quote that ended the previous paragraph."""
    att = previous.attribution
    if att is None or att.speaker is None or not previous.last_sentence:
        return None
    if text[: span.start].strip(MARKS + " \n\t"):
        return None
    return _Attribution(att.speaker, att.cue, None)


# -- speakers ---------------------------------------------------------------------------------

def _verb_attribution(pb: ParsedBlock, verb: Token, q: set[int]) -> _Attribution:
    """The speaker and cue of a reporting verb (or of "according to")."""
    if verb.lower_ == "according":
        to = next(c for c in verb.children if c.lower_ == "to")
        obj = next((c for c in to.children if c.dep_ == "pobj" and c.i not in q), None)
        speaker = _np_offsets(pb, obj, q) if obj is not None else None
        return _Attribution(speaker, "according to", verb.i)
    subj = _subject(verb, q)
    speaker = _np_offsets(pb, subj, q) if subj is not None else _surface_speaker(pb, verb, q)
    return _Attribution(speaker, _cue(verb), verb.i)


def _subject(verb: Token, q: set[int]) -> Token | None:
    """The subject of `verb` outside the quote; a subjectless verb ("adding that ...", "went on
    to say") takes its head's; a passive one its agent; a relative pronoun its antecedent."""
    for _ in range(4):
        subj = next((c for c in verb.children if c.dep_ == "nsubj" and c.i not in q), None)
        if subj is None:
            agent = next((c for c in verb.children if c.dep_ == "agent"), None)
            subj = next((c for c in agent.children if c.dep_ == "pobj"), None) if agent else None
        if subj is not None:
            if subj.tag_ in ("WP", "WDT") and verb.dep_ == "relcl":
                return verb.head if verb.head.i not in q else None
            return subj if subj.i not in q else None
        if any(c.dep_ == "nsubjpass" for c in verb.children):
            return None  # "it was announced that ...", no agent: no speaker
        if verb.dep_ not in _CLIMB_DEPS or verb.head.i == verb.i or verb.head.i in q:
            return None
        verb = verb.head
    return None


def _surface_speaker(pb: ParsedBlock, verb: Token, q: set[int]) -> tuple[int, int, int] | None:
    """When the parse gave the verb no subject: the noun phrase right before or after it."""
    doc = pb.doc
    np_pos = ("PROPN", "NOUN", "PRON", "DET", "ADJ", "PART", "NUM")
    sent = verb.sent

    def run(indices: Iterable[int]) -> list[Token]:
        taken = []
        for i in indices:
            t = doc[i]
            if t.i in q or t.pos_ not in np_pos or not sent.start <= t.i < sent.end:
                break
            taken.append(t)
        return taken

    left = run(range(verb.i - 1, -1, -1))[::-1]
    right = run(range(verb.i + 1, len(doc)))
    chosen = left or right
    if not chosen:
        return None
    return pb.start_of(chosen[0]), pb.end_of(chosen[-1]), pb.start_of(chosen[-1])


def _np_offsets(pb: ParsedBlock, head: Token, q: set[int]) -> tuple[int, int, int] | None:
    """Document offsets of the noun phrase headed by `head`: titles, compounds, modifiers and
    of-phrases kept; relative clauses, loose appositions and coordinated phrases left out."""
    drop: set[int] = set(q)
    for child in head.children:
        if child.dep_ in _NP_DROP_DEPS or (child.dep_ == "appos" and _loose_appos(head, child)):
            drop |= {t.i for t in child.subtree}
    allowed = {t.i for t in head.subtree} - drop
    if head.i not in allowed:
        return None
    lo = hi = head.i
    while lo - 1 in allowed:
        lo -= 1
    while hi + 1 in allowed:
        hi += 1
    doc = head.doc
    while lo < hi and (doc[lo].is_punct or doc[lo].is_space):
        lo += 1
    while hi > lo and (doc[hi].is_punct or doc[hi].is_space):
        hi -= 1
    return pb.start_of(doc[lo]), pb.end_of(doc[hi]), pb.start_of(head)


def _loose_appos(head: Token, appos: Token) -> bool:
    """An apposition set off by commas ("Qassemi, the spokesman,") is left out of the speaker
    span, unless it supplies the name of a description ("the spokesman, Bahram Qassemi,")."""
    lo, hi = sorted((head.i, appos.left_edge.i))
    comma = any(t.text == "," for t in head.doc[lo:hi])
    if not comma:
        return False  # a close apposition: "Director General ... Hossein Amir-Abdollahian"
    return not (head.pos_ != "PROPN" and appos.pos_ == "PROPN")


def _names_someone(subj: Token) -> bool:
    if subj.pos_ == "PROPN" or subj.ent_type_ in _SPEAKER_ENTS:
        return True
    return subj.pos_ == "PRON" and subj.lower_ in _PERSONAL_PRONOUNS


def _cue(verb: Token) -> str:
    """The reporting phrase: the verb, its addressee for "tell", its lead-in for "went on to say"."""
    doc = verb.doc
    start, end = verb.i, verb.i + 1
    if verb.dep_ == "xcomp" and verb.head.lemma_.lower() in LEAD_IN_LEMMAS and verb.head.i < verb.i:
        start = verb.head.i
    if verb.lemma_.lower() in ADDRESSEE_LEMMAS:
        obj = next(
            (c for c in verb.children if c.dep_ in ("dobj", "dative") and c.left_edge.i == verb.i + 1), None
        )
        if obj is not None:
            end = obj.right_edge.i + 1
    return doc[start:end].text


# -- indirect quotes --------------------------------------------------------------------------

def _indirect_quotes(pb: ParsedBlock, spans: list[QuoteSpan]) -> list[QuoteCandidate]:
    """Complement clauses of reporting verbs outside quotes, and clauses "according to X"."""
    doc = pb.doc
    quoted = {t.i for s in spans for t in _tokens_in(doc, s)}
    out: list[QuoteCandidate] = []
    for verb in doc:
        if verb.i in quoted or not _reports(verb, strong_only=False):
            continue
        if verb.lower_ == "according":
            clause = _according_clause(verb)
        else:
            if any(c.dep_ == "neg" for c in verb.children):
                continue  # "did not say that ...": nothing was said
            clause = _complement(verb)
        if clause is None:
            continue
        lo, hi = _after_dateline(doc, pb.text, *clause)
        words = [t for t in doc[lo : hi + 1] if not t.is_punct]
        if not words or sum(t.i in quoted for t in words) >= FRAME_SHARE * len(words):
            continue  # the frame of a direct quote (`He said: "..."`), already returned
        att = _verb_attribution(pb, verb, set(range(lo, hi + 1)))
        start, end = pb.start_of(doc[lo]), pb.end_of(doc[hi])
        speaker = att.speaker
        if speaker is not None and speaker[0] < end and start < speaker[1]:
            speaker = None
        out.append(
            QuoteCandidate(
                text=pb.text[doc[lo].idx : doc[hi].idx + len(doc[hi].text)],
                start=start,
                end=end,
                direct=False,
                speaker_start=speaker[0] if speaker else None,
                speaker_end=speaker[1] if speaker else None,
                speaker_head=speaker[2] if speaker else None,
                cue=att.cue,
            )
        )
    return out


def _complement(verb: Token) -> tuple[int, int] | None:
    """Token range (inclusive) of the complement clause(s) of `verb`, without "that"."""
    comps = [c for c in verb.children if c.dep_ == "ccomp"]
    after = [c for c in comps if c.i > verb.i]
    comps = after or comps  # a clause on each side of the verb: the one it introduces
    if not comps:
        return None
    lo = min(c.left_edge.i for c in comps)
    hi = max(c.right_edge.i for c in comps)
    return _strip_range(verb.doc, lo, hi, drop_leading=("that",))


def _according_clause(according: Token) -> tuple[int, int] | None:
    """The sentence a clause-level "according to X" qualifies, without that phrase."""
    sent = according.sent
    phrase_lo, phrase_hi = according.left_edge.i, according.right_edge.i
    before = (sent.start, phrase_lo - 1)
    after = (phrase_hi + 1, sent.end - 1)
    lo, hi = max((before, after), key=lambda r: r[1] - r[0])
    if hi < lo:
        return None
    return _strip_range(according.doc, lo, hi, drop_leading=())


def _after_dateline(doc: Doc, text: str, lo: int, hi: int) -> tuple[int, int]:
    """Skip a dateline opening the clause: "TEHRAN (Tasnim) – The talks ..." -> "The talks ..."."""
    start = doc[lo].idx
    m = _DATELINE.match(text, start)
    if m is None:
        return lo, hi
    rest = next((t.i for t in doc[lo : hi + 1] if t.idx >= m.end()), None)
    return (rest, hi) if rest is not None else (lo, hi)


def _strip_range(doc: Doc, lo: int, hi: int, drop_leading: tuple[str, ...]) -> tuple[int, int] | None:
    """Trim a clause's token range: leading punctuation, conjunction and complementizer, and the
    trailing punctuation that belongs to the sentence (quote marks and brackets stay)."""
    def leading_noise(t: Token) -> bool:
        if t.text in MARKS or t.text == "(":
            return False
        return t.is_punct or t.is_space or t.lower_ in drop_leading or t.dep_ == "cc"

    while lo <= hi and leading_noise(doc[lo]):
        lo += 1
    while hi >= lo and (doc[hi].is_space or doc[hi].text in _TRAILING_PUNCT):
        hi -= 1
    if lo > hi:
        return None
    words = doc[lo : hi + 1].text
    if words.count("(") > words.count(")") and hi + 1 < len(doc) and doc[hi + 1].text == ")":
        hi += 1  # the parse hangs a closing bracket higher up
    return lo, hi


# -- speakers as actors -----------------------------------------------------------------------

def attribute(doc_id: str, found: list[QuoteCandidate], actors: DocumentActors) -> tuple[Quote, ...]:
    """`Quote`s with each speaker span resolved to the actor mentioned there ("he" and "the Iranian
    diplomat" are resolved by the actors stage). A description the actors stage left as an unnamed
    office holder (", said the deputy minister" with no deputy minister named) refers back to the
    last named speaker of the same or unknown country; the speaker's words stay those at the quote."""
    named = {rm.actor.actor_id for rm in actors.resolved if rm.candidate.kind == "person"}
    out: list[Quote] = []
    previous: ResolvedMention | None = None  # the last speaker who is a named person
    for n, q in enumerate(found):
        rm = _speaker(actors, q)
        speaker = actor_ref(rm) if rm is not None else None
        if rm is not None and rm.candidate.kind == "office" and rm.actor.actor_id not in named and (
            previous is not None and rm.candidate.owner is None
            and rm.actor.country in (None, previous.actor.country)
        ):
            a, c = previous.actor, rm.candidate
            speaker = ActorRef(a.actor_id, a.name, a.country, a.sector, c.text, c.start, c.end)
        elif rm is not None and rm.actor.actor_id in named:
            previous = rm
        out.append(Quote(f"{doc_id}:q{n}", doc_id, speaker, q.text, q.start, q.end, q.direct, q.cue))
    return tuple(out)


def _speaker(actors: DocumentActors, q: QuoteCandidate) -> ResolvedMention | None:
    """The resolved mention at the head of the speaker phrase ("Blair's [spokesman]"), else the one
    that overlaps the phrase most, else None."""
    if q.speaker_start is None or q.speaker_end is None:
        return None
    best, best_overlap = None, 0
    for rm in actors.resolved:
        c = rm.candidate
        if q.speaker_head is not None and c.start <= q.speaker_head < c.end:
            return rm
        overlap = min(q.speaker_end, c.end) - max(q.speaker_start, c.start)
        if overlap > best_overlap:
            best, best_overlap = rm, overlap
    return best
