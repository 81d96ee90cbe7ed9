"""Quote marks: which double quote marks of a paragraph open and close a quotation.

Read by the actors stage (a mention inside quoted words is no antecedent for the narrator's "he")
and by the quotes stage. Pure text functions, no spaCy.

Straight and curly double quotes are paired; single quotes are left alone, being indistinguishable
from apostrophes. Unbalanced marks never run away: a stray closing mark is dropped, and an opening
mark that is never closed is dropped too, unless news style left it open on purpose because the
quote goes on in a new paragraph: it opens a sentence (or follows a colon) and its words end with a
full stop right before the next opening mark or the end of the paragraph.
"""

from __future__ import annotations

from dataclasses import dataclass

OPENING_MARKS = "“„‟«"
CLOSING_MARKS = "”»"
STRAIGHT_MARK = '"'
MARKS = OPENING_MARKS + CLOSING_MARKS + STRAIGHT_MARK
# Characters that may sit right before an opening mark / right after a closing mark.
_BEFORE_OPEN = "([{—–-/"
AFTER_CLOSE = ".,;:!?)]}…—–-"


@dataclass(frozen=True)
class QuoteSpan:
    """The inside of a pair of quote marks in a paragraph: offsets into the paragraph text."""

    start: int
    end: int
    closed: bool  # False: no closing mark, the quote runs to the end of the paragraph


def quote_spans(text: str) -> list[QuoteSpan]:
    """The quotes of one paragraph: pairs of double quote marks, with strays dropped."""
    spans: list[QuoteSpan] = []
    open_at: int | None = None
    for i, ch in enumerate(text):
        if ch not in MARKS:
            continue
        if _is_opening(text, i, open_at is not None):
            if open_at is not None and _left_open(text, open_at, i):
                spans.append(QuoteSpan(open_at + 1, i, False))
            open_at = i  # an unclosed opening mark not left open on purpose was a stray
        elif open_at is not None:
            spans.append(QuoteSpan(open_at + 1, i, True))
            open_at = None
    if open_at is not None and _left_open(text, open_at, len(text)):
        spans.append(QuoteSpan(open_at + 1, len(text), False))
    return [s for s in (_trim(text, s) for s in spans) if s is not None]


def _is_opening(text: str, i: int, inside: bool) -> bool:
    """Whether the mark at `i` opens a quote: by its neighbours, else its glyph, else toggling."""
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    open_side = before.isspace() or before in _BEFORE_OPEN
    close_side = after.isspace() or after in AFTER_CLOSE
    if open_side and not close_side:
        return True
    if close_side and not open_side:
        return False
    if text[i] in OPENING_MARKS:
        return True
    if text[i] in CLOSING_MARKS:
        return False
    return not inside


def _left_open(text: str, open_at: int, end: int) -> bool:
    """News style leaves a quote open when it goes on in a new paragraph (whose opening mark
    follows, here or in the next block): a whole-sentence quote opened after a colon or at a
    sentence start, and ended by a full stop before the next opening mark or the paragraph end."""
    before = text[:open_at].rstrip()
    opens_sentence = before == "" or before[-1] in ":.?!…" + MARKS
    return opens_sentence and text[open_at + 1 : end].rstrip()[-1:] in tuple(".?!…:")


def _trim(text: str, span: QuoteSpan) -> QuoteSpan | None:
    """Drop surrounding spaces and the comma that belongs to the attribution (`...," he said`)."""
    start, end = span.start, span.end
    while start < end and text[start].isspace():
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] == ","):
        end -= 1
    if not any(c.isalnum() for c in text[start:end]):
        return None
    return QuoteSpan(start, end, span.closed)
