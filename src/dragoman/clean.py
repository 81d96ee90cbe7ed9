"""Clean stage: split a document into paragraph blocks and drop web boilerplate.

Reads: a `Document` (its exact `text`, and its `title` when the input gave one).
Adds: a `CleanDocument` whose `Block`s cover every non-blank region of the text exactly once, in
original offsets: "title" (the headline), "dateline" (a date-only line), "body" (kept prose) and
"boilerplate" (dropped, with the reason).

Boilerplate is found from the shape of a block, not from any site's strings, so the method works
on pages it has never seen:
  - a generic section heading after the article ("Recent Posts", "Related articles", "Leave a
    Reply", "Comments", "You may also like", ...) starts the page's trailing chrome, which is cut;
  - short lines that are not sentences (menus, bylines, breadcrumbs, "Back to top");
  - relative time stamps ("6 hours ago") and runs of teasers ending in an ellipsis (listings);
  - comment forms and captcha remnants, copyright and cookie notices, newsletter boxes;
  - a block that repeats the headline or an earlier block verbatim.
Prose (a sentence with final punctuation and ordinary function words) is always kept.

`find_headline` and `date_line` are shared with ingest, which uses them for a text's title and
dateline.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from .dates import parse_absolute_date
from .schema import Block, CleanDocument, Document

TITLE, DATELINE, BODY, BOILERPLATE = "title", "dateline", "body", "boilerplate"


def article_text(text: str, blocks: Sequence[Block], title: str | None = None) -> str:
    """The headline and body of a cleaned document, one block a line: what it says, without
    boilerplate or dateline (`title` stands first when no block is the headline)."""
    parts = [text[b.start:b.end] for b in blocks if b.kind in (TITLE, BODY)]
    if title and not any(b.kind == TITLE for b in blocks):
        parts.insert(0, title)
    return "\n".join(parts)

# Function words: prose has many of them, menus, bylines and headline listings have few.
_STOPWORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for from
    further had has have having he her here hers herself him himself his how i if in into is it
    its itself just me more most my myself no nor not now of off on once only or other our ours
    out over own same she should so some such than that the their theirs them themselves then
    there these they this those through to too under until up very was we were what when where
    which while who whom why will with would you your yours yourself""".split()
)
# Words a line of hard-wrapped prose can end on, but a heading cannot.
_CONNECTORS = frozenset(
    """a an the and or but nor of to in on at by for with from as that which who whom whose than
    into onto over under about after before between during against through without within if
    because while when where is are was were be been has have had will would could should can
    may might must its their his her our your my this these those said""".split()
)
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
_CLOSERS = "\"'”’»)]*"  # may follow the final punctuation of a sentence
_ELLIPSIS = re.compile(r"(?:…|\.\.\.)$")

# Headings that open the trailing chrome of a web page. Comment sections are cut to the end;
# listings are cut until article prose resumes (some pages put a "Related" box mid-article).
_COMMENT_HEADING = re.compile(
    r"(?:leave|post|add|write|submit) a (?:reply|comment|response)|"
    r"(?:\d+ )?(?:comments?|responses?|replies)(?: \(\d+\))?|comments are closed|"
    r"join the (?:conversation|discussion)|reader comments|have your say|"
    r"(?:show|view|load|read) (?:all )?comments"
)
_LISTING_HEADING = re.compile(
    r"related(?: articles?| stories| news| posts| content| coverage| topics| reading| links| videos?)?|"
    r"recent(?: posts| articles| news| stories)?|"
    r"(?:more|other) (?:from|on|in|stories|news|articles|posts|headlines)(?: [\w'&.-]+){0,5}|"
    r"read (?:more|next|also)|also read|see also|"
    r"you (?:may|might) (?:also )?(?:like|enjoy|be interested in)|"
    r"(?:the )?most (?:popular|read|viewed|shared|commented|watched)|"
    r"popular(?: posts| stories| now| news)?|trending(?: now| stories| news)?|top stories|"
    r"latest(?: news| posts| stories| articles| headlines)?|recommended(?: for you| stories| articles)?|"
    r"editor'?s'? picks|don'?t miss|in case you missed it|share this(?: article| story| post| page)?|"
    r"tags|topics|filed under|about the author|(?:sign up for |subscribe to )?our newsletter|newsletter|"
    r"(?:next|previous) (?:article|post|story)"
)
_COMMENT_FORM = re.compile(
    r"your e-?mail address will not be published|required fields are marked|"
    r"(?:save|remember) my name,? e-?mail|notify me of (?:new|follow-up) (?:comments|posts)|"
    r"you must be logged in to (?:post a )?comment|^(?:post|submit) (?:a )?comment$",
    re.IGNORECASE,
)
_CAPTCHA = re.compile(r"\d+\s*[-+x×*−]\s*\d+\s*=\s*(?:\?|\d+)?")
_COPYRIGHT = re.compile(r"©|\(c\)\s*(?:19|20)\d\d|\bcopyright\s+(?:19|20)\d\d|all rights reserved", re.IGNORECASE)
_COOKIE = re.compile(
    r"\b(?:we|this (?:web)?site|our (?:web)?site)\s+uses?\s+cookies|accept (?:all )?cookies|"
    r"cookie (?:policy|settings|preferences|consent|notice)|use of cookies",
    re.IGNORECASE,
)
# A newsletter box asks the reader to act ("Sign up", "Subscribe") and names what they get.
_SUBSCRIBE = re.compile(r"\b(?:subscribe|sign up|signup|register|get)\b", re.IGNORECASE)
_SUBSCRIBE_CUE = re.compile(r"\b(?:newsletters?|inbox|e-?mail address|our (?:daily|weekly|morning|evening) )",
                            re.IGNORECASE)
_RELATIVE_TIME = re.compile(
    r"(?:(?:updated|posted|published)\s+)?(?:\d+|an?|one|a few)\s+"
    r"(?:seconds?|secs?|minutes?|mins?|hours?|hrs?|days?|weeks?|months?|years?)\s+ago\.?|just now",
    re.IGNORECASE,
)
_BREADCRUMB_SEP = re.compile(r"\s*[»›❯]\s*|\s+>\s+")
_BULLET = re.compile(r"[-–•*·▪]\s")
_BYLINE = re.compile(r"(?i:by)\s+[A-Z]")
_CREDIT = re.compile(r"\b(?:reporting|editing|writing|written|compiled) by\b", re.IGNORECASE)
_MENU_SEP = re.compile(r"\s+[|•·]\s+")
# "EastWorld": two menu items glued together when a page's markup was flattened.
_GLUED = re.compile(r"[a-z]{2,}[A-Z][a-z]")

_MAX_TOP_LINES = 10  # the headline is among the first lines before the prose starts
_MAX_DATELINE_WORDS = 10


@dataclass(frozen=True)
class _Para:
    """A trimmed region of the text with the features the rules look at."""

    start: int
    end: int
    text: str
    words: tuple[str, ...]
    stop_ratio: float
    mark: str  # final punctuation: "." "?" "!" ":" "…", or "" for none

    @property
    def n_words(self) -> int:
        return len(self.words)

    @property
    def sentence(self) -> bool:
        """Ends like a sentence (an ellipsis does not: teasers and "Loading…" end that way)."""
        return self.mark in (".", "?", "!", ":")

    @property
    def prose(self) -> bool:
        return self.sentence and self.n_words >= 8 and self.stop_ratio >= 0.2

    @property
    def strong_prose(self) -> bool:
        """Unmistakably an article paragraph: several sentences' worth of ordinary prose."""
        return self.mark in (".", "?", "!") and self.n_words >= 20 and self.stop_ratio >= 0.25


def _para(text: str, start: int, end: int) -> _Para:
    s = text[start:end]
    words = tuple(_WORD.findall(s))
    stops = sum(1 for w in words if w.lower().replace("’", "'") in _STOPWORDS)
    return _Para(start, end, s, words, stops / len(words) if words else 0.0, _final_mark(s))


def _final_mark(s: str) -> str:
    body = s.rstrip(_CLOSERS + " ")
    if _ELLIPSIS.search(body):
        return "…"
    return body[-1] if body and body[-1] in ".?!:" else ""


def _norm(s: str) -> str:
    """Text for comparing blocks: case, quotes and spacing folded."""
    s = s.casefold().translate(str.maketrans("’‘“”", "''\"\""))
    return " ".join(s.split())


# -- lines and paragraphs ---------------------------------------------------------------------

def _lines(text: str) -> Iterator[tuple[int, int] | None]:
    """Each physical line as trimmed (start, end) offsets, or None for a blank line."""
    pos = 0
    for raw in text.split("\n"):
        stripped = raw.strip()
        if stripped:
            lead = len(raw) - len(raw.lstrip())
            yield pos + lead, pos + lead + len(stripped)
        else:
            yield None
        pos += len(raw) + 1


def _breaks_after(prev: str, nxt: str) -> bool:
    """Whether a single newline between two lines separates paragraphs: it does after a sentence
    end or a heading-like line; inside hard-wrapped prose it does not."""
    if _final_mark(prev):
        return True
    words = _WORD.findall(prev)
    if not words or len(words) > 15 or prev.rstrip()[-1] in ",;-–—/&":
        return False
    if words[-1].lower() in _CONNECTORS:
        return False
    return nxt[:1].isupper() or nxt[:1].isdigit() or nxt[:1] in "\"“‘'([•-–—"


def paragraphs(text: str) -> list[tuple[int, int]]:
    """(start, end) of each paragraph of `text`, trimmed: blank lines separate paragraphs, and so
    does a single newline after a sentence end or a heading-like line."""
    spans: list[tuple[int, int]] = []
    start = end = -1
    prev = ""  # the previous line of the open paragraph
    for line in _lines(text):
        if line is None:
            if start >= 0:
                spans.append((start, end))
            start = -1
            continue
        s = text[line[0] : line[1]]
        if start >= 0 and _breaks_after(prev, s):
            spans.append((start, end))
            start = -1
        if start < 0:
            start = line[0]
        end, prev = line[1], s
    if start >= 0:
        spans.append((start, end))
    return spans


# -- headline and dateline (shared with ingest) -----------------------------------------------

def date_line(s: str) -> tuple[str, str] | None:
    """(value, precision) when `s` is a short line that is a date to the day or month
    ("March 7, 2021 - 21:54", "14 July 2018", "Published: 2021-03-07"), else None."""
    if len(_WORD.findall(s)) > _MAX_DATELINE_WORDS or len(s) > 80:
        return None
    found = parse_absolute_date(s)
    return found if found and found[1] in ("day", "month") else None


def _breadcrumb_tail(s: str) -> int | None:
    """Offset in `s` of the last item of a breadcrumb ("Main » World » Headline"), else None."""
    parts = list(_BREADCRUMB_SEP.finditer(s))
    if not parts:
        return None
    items = _BREADCRUMB_SEP.split(s)
    if any(not item or len(_WORD.findall(item)) > 4 for item in items[:-1]):
        return None
    return parts[-1].end()


def _menu_like(s: str, words: list[str]) -> bool:
    """A site's section label or menu rather than a headline: one or two words ("Latest news"),
    short items between separators ("Home | World | Sport"), or a few capitalised words with
    menu items glued together ("Middle EastWorld News")."""
    if len(words) <= 2:
        return True
    items = _MENU_SEP.split(s)
    if len(items) >= 3 and all(len(_WORD.findall(item)) <= 3 for item in items):
        return True  # "Home | World | Business"
    return len(words) <= 4 and all(w[0].isupper() or w[0].isdigit() for w in words) and bool(_GLUED.search(s))


def _headline_like(s: str) -> bool:
    words = _WORD.findall(s)
    if not words or len(words) > 25 or len(s) > 250 or _menu_like(s, words):
        return False
    if not (s[0].isupper() or s[0].isdigit() or s[0] in "\"“‘'"):
        return False
    if _final_mark(s) in (".", ":", "…") or date_line(s) or _RELATIVE_TIME.fullmatch(s):
        return False
    return not _BYLINE.match(s)


def find_headline(text: str) -> tuple[int, int] | None:
    """Offsets of the headline: the first line near the top, before the prose starts, that reads
    like one (not a date, a time stamp, a menu item or a byline). A leading breadcrumb
    ("Main » ") is left out; a breadcrumb line is used only when no other line qualifies."""
    fallback = None
    for n, line in enumerate(ln for ln in _lines(text) if ln is not None):
        if n >= _MAX_TOP_LINES:
            break
        s = text[line[0] : line[1]]
        if _notice(s):
            continue  # a cookie banner or similar above the headline is not the article yet
        if _para(text, *line).prose:
            break
        tail = _breadcrumb_tail(s)
        if tail is not None:
            if fallback is None and _headline_like(s[tail:]):
                fallback = (line[0] + tail, line[1])
            continue
        if _headline_like(s):
            return line
    return fallback


# -- the cleaner --------------------------------------------------------------------------------

def clean(document: Document) -> CleanDocument:
    """Split `document.text` into blocks and label each: title, dateline, body or boilerplate."""
    text = document.text
    paras = [_para(text, s, e) for s, e in paragraphs(text)]
    title_at = _title_index(paras, text, document.title)
    chrome = _trailing_chrome(paras, title_at)
    teasers = _teaser_runs(paras)

    blocks: list[Block] = []
    seen: set[str] = set()
    if document.title:
        seen.add(_norm(document.title))
    for i, p in enumerate(paras):
        if i == title_at:
            kind, reason = TITLE, None
        elif i in chrome:
            kind, reason = BOILERPLATE, chrome[i]
        elif date_line(p.text):
            kind, reason = DATELINE, None
        elif _norm(p.text) in seen:
            kind, reason = BOILERPLATE, "repeats the headline or an earlier block"
        else:
            nxt = paras[i + 1] if i + 1 < len(paras) else None
            reason = _boilerplate_reason(p, paras[i - 1] if i else None, blocks[-1] if blocks else None, nxt)
            if reason is None and i in teasers:
                reason = "teaser in a listing of other articles (ends in an ellipsis)"
            kind = BODY if reason is None else BOILERPLATE
        seen.add(_norm(p.text))
        blocks.append(Block(p.start, p.end, kind, reason))
    return CleanDocument(document, tuple(blocks))


def _title_index(paras: list[_Para], text: str, title: str | None) -> int | None:
    """Index of the headline block: the block equal to the given title, else the block holding
    the first headline-like line."""
    if title:
        wanted = _norm(title)
        for i, p in enumerate(paras[:_MAX_TOP_LINES]):
            if _norm(p.text) == wanted:
                return i
    found = find_headline(text)
    if found is None:
        return None
    return next((i for i, p in enumerate(paras) if p.start <= found[0] < p.end), None)


def _heading_key(p: _Para) -> str:
    return _norm(p.text).rstrip(" :.-–—|»›>")


def _trailing_chrome(paras: list[_Para], title_at: int | None) -> dict[int, str]:
    """Blocks inside the page chrome that follows the article, with the reason.

    A generic section heading after some article prose opens it. After a comment heading
    everything is chrome; after a listing heading ("Related", "Recent Posts") chrome runs until
    two consecutive paragraphs of strong prose show that the article resumes."""
    out: dict[int, str] = {}
    seen_prose = False
    i = 0
    while i < len(paras):
        p = paras[i]
        key = _heading_key(p)
        is_comment = bool(_COMMENT_HEADING.fullmatch(key))
        if seen_prose and i != title_at and (is_comment or _LISTING_HEADING.fullmatch(key)):
            reason = f"page chrome after the section heading '{p.text}'"
            out[i] = "section heading that starts the page chrome"
            j = i + 1
            while j < len(paras):
                is_comment = is_comment or bool(_COMMENT_HEADING.fullmatch(_heading_key(paras[j])))
                if not is_comment and paras[j].strong_prose and j + 1 < len(paras) and paras[j + 1].strong_prose:
                    break
                out[j] = reason
                j += 1
            i = j
            continue
        seen_prose = seen_prose or (p.prose and i != title_at)
        i += 1
    return out


def _teaser_runs(paras: list[_Para]) -> set[int]:
    """Blocks ending in an ellipsis that have another such block within three blocks: the
    teasers of a listing. A single trailing-off paragraph is not a listing."""
    ends = [i for i, p in enumerate(paras) if p.mark == "…" and p.n_words >= 3]
    return {i for i in ends if any(j != i and abs(j - i) <= 3 for j in ends)}


def _notice(s: str) -> str | None:
    """Why a line is a site notice rather than article text (comment form, copyright or cookie
    notice, newsletter box), else None."""
    n_words = len(_WORD.findall(s))
    if _COMMENT_FORM.search(s) or _CAPTCHA.fullmatch(s):
        return "comment form or captcha"
    if n_words <= 40 and (_COPYRIGHT.search(s) or _COOKIE.search(s)):
        return "copyright or cookie notice"
    if n_words <= 40 and _SUBSCRIBE.search(s) and _SUBSCRIBE_CUE.search(s):
        return "newsletter or subscription box"
    return None


def _boilerplate_reason(p: _Para, prev: _Para | None, prev_block: Block | None, nxt: _Para | None) -> str | None:
    """Why a block (not title, not in the trailing chrome) is boilerplate, or None to keep it."""
    s = p.text
    notice = _notice(s)
    if notice:
        return notice
    if _RELATIVE_TIME.fullmatch(s.strip(" ·|-–—")):
        return "relative time stamp (listing of other articles)"
    tail = _breadcrumb_tail(s)
    if tail is not None and p.n_words <= 25 and not p.sentence:
        return "breadcrumb"
    if (
        prev is not None
        and prev_block is not None
        and prev_block.kind == BOILERPLATE
        and prev.n_words <= 6
        and not prev.sentence
        and re.match(rf"(?:the\s+)?{re.escape(_norm(prev.text))}\s", _norm(s))
    ):
        return "author box (a name, then a paragraph about it)"
    if not p.sentence and (_BYLINE.match(s) or _CREDIT.search(s)):
        return "byline"
    if not p.sentence and (p.n_words <= 4 or (p.n_words <= 15 and p.stop_ratio < 0.25)):
        # A piece of a sentence broken over blocks (lower case on either side of the break) and
        # an item of a bulleted list are article text, not page furniture.
        if s[0].islower() or (nxt is not None and nxt.text[0].islower()):
            return None
        if _BULLET.match(s) and p.n_words >= 4:
            return None
        return "short line that is not a sentence (menu, byline, heading or label)"
    return None
