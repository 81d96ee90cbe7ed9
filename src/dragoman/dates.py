"""Dates: absolute date strings, temporal expressions in sentences, and event dates.

Reads plain strings (a metadata field, a dateline, one sentence) and the publication date
(YYYY-MM-DD, or YYYY-MM / YYYY when that is all we know). Returns `(value, precision)` pairs,
`TimeExpression`s and `EventDate`s. Pure functions over regular expressions and `datetime`:
no dateparser (it goes a week back for "on Wednesday" said on a Wednesday and cannot read
"late last year"), no model, no module-level mutable state.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, timedelta

from .schema import (
    EVENT_DATE_INFERRED,
    EVENT_DATE_PUBLICATION,
    EVENT_DATE_SENTENCE,
    EVENT_DATE_UNRESOLVED,
    FUTURE as FUTURE_STATUS,
    Event,
    EventDate,
)

_MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4,
    "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8,
    "september": 9, "sept": 9, "sep": 9, "october": 10, "oct": 10, "november": 11, "nov": 11,
    "december": 12, "dec": 12,
}  # fmt: skip
_WEEKDAYS = {
    "monday": 0, "mon": 0, "tuesday": 1, "tue": 1, "tues": 1, "wednesday": 2, "wed": 2,
    "thursday": 3, "thu": 3, "thur": 3, "thurs": 3, "friday": 4, "fri": 4,
    "saturday": 5, "sat": 5, "sunday": 6, "sun": 6,
}  # fmt: skip

# longest names first, so "Sept" is not read as "Sep" + "t"
_MONTH_RE = "|".join(sorted(_MONTHS, key=len, reverse=True))
_WEEKDAY_RE = "|".join(sorted(_WEEKDAYS, key=len, reverse=True))

# ---------------------------------------------------------------------------------------------
# parse_absolute_date: a whole string that is one date (metadata fields, datelines)
# ---------------------------------------------------------------------------------------------

_A_WEEKDAY = rf"(?:(?P<wd>{_WEEKDAY_RE})\.?,?\s+)?"
_A_MONTH = rf"(?P<mon>{_MONTH_RE})\.?"
_A_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_A_YEAR = r"(?P<year>\d{4})"
_ABSOLUTE_FORMS = [
    re.compile(p, re.IGNORECASE)
    for p in (
        # 2021-03-07, 2021/03/07, 2021.03.07, optionally with an ISO time
        r"(?P<year>\d{4})(?P<sep>[-/.])(?P<mnum>\d{1,2})(?P=sep)(?P<day>\d{1,2})"
        r"(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?",
        rf"{_A_WEEKDAY}{_A_MONTH}\s+{_A_DAY},?\s+{_A_YEAR}",  # March 7, 2021
        rf"{_A_WEEKDAY}{_A_DAY}\s+(?:of\s+)?{_A_MONTH},?\s+{_A_YEAR}",  # 14 July 2018
        rf"{_A_MONTH},?\s+{_A_YEAR}",  # July 2018
        r"(?P<year>\d{4})-(?P<mnum>\d{2})",  # 2018-07 (ISO year-month)
        r"(?P<num1>\d{1,2})(?P<sep>[-/.])(?P<num2>\d{1,2})(?P=sep)(?P<year>\d{4})",  # 07/03/2021
        r"(?P<year>\d{4})",
    )
]
# What may surround the date in a "mostly one date" string: a label before it, a clock time
# and a time zone before or after it.
_LABEL = re.compile(
    r"^(?:(?:first\s+|last\s+)?(?:published|updated|posted|modified)|date[d]?)\s*(?:on|at)?\s*:?\s*",
    re.IGNORECASE,
)
_CLOCK = (
    r"(?:at\s+)?(?:\d{1,2}[:.]\d{2}(?::\d{2})?\s*(?:[ap]\.?\s?m\.?)?|\d{1,2}\s*[ap]\.?\s?m\.?)"
    # a zone: EST, (IST), UTC+3, +03:30
    r"(?:\s*(?:(?-i:\(?[A-Z]{2,5}\)?)|(?:UTC|GMT)\s*[+-]\s*\d{1,2}(?::?\d{2})?|[+-]\d{2}:?\d{2}))?"
)
_LEADING = re.compile(rf"^(?:on\s+)?(?:{_CLOCK}\s*[,|\-–—]?\s*)?", re.IGNORECASE)
_TRAILING = re.compile(rf"^[\s,|\-–—/@]*(?:{_CLOCK})?[\s.,]*$", re.IGNORECASE)

_MIN_YEAR, _MAX_YEAR = 1000, 2999  # a full date: any plausible year
_MIN_BARE_YEAR, _MAX_BARE_YEAR = 1900, 2099  # a bare number is a year only in this range


def _valid(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _as_value(year: int, month: int | None = None, day: int | None = None) -> tuple[str, str]:
    if day is not None:
        return f"{year:04d}-{month:02d}-{day:02d}", "day"
    if month is not None:
        return f"{year:04d}-{month:02d}", "month"
    return f"{year:04d}", "year"


def parse_absolute_date(text: str) -> tuple[str, str] | None:
    """Read a string that is (mostly) one absolute date; return `(value, precision)` or None.

    Accepts ISO dates and timestamps, "March 7, 2021 - 21:54", "14 July 2018",
    "Thursday, 21 February 2019", "July 2018" (month precision), "2018" (year precision),
    and numeric "07/03/2021" only when one of the day/month readings is impossible (or both
    give the same date). A label ("Published:", "Updated on"), a clock time and a time zone
    may surround the date. Returns None for anything else, for impossible dates, and when a
    weekday is given that the date does not fall on (the string is not what we think it is).
    """
    s = _LABEL.sub("", text.strip())
    s = _LEADING.sub("", s, count=1)
    for form in _ABSOLUTE_FORMS:
        m = form.match(s)
        if m is None or not _TRAILING.match(s[m.end() :]):
            continue
        return _absolute_from_match(m)
    return None


def _absolute_from_match(m: re.Match) -> tuple[str, str] | None:
    g = m.groupdict()
    year = int(g["year"])
    if g.get("num1"):  # numeric d/m/y or m/d/y: keep only what is unambiguous
        a, b = int(g["num1"]), int(g["num2"])
        readings = {d for d in (_valid(year, b, a), _valid(year, a, b)) if d is not None}
        if len(readings) != 1 or not _MIN_YEAR <= year <= _MAX_YEAR:
            return None
        (d,) = readings
        return _as_value(d.year, d.month, d.day)
    month = _MONTHS[g["mon"].lower()] if g.get("mon") else int(g["mnum"]) if g.get("mnum") else None
    if month is None:
        return _as_value(year) if _MIN_BARE_YEAR <= year <= _MAX_BARE_YEAR else None
    if not (1 <= month <= 12 and _MIN_YEAR <= year <= _MAX_YEAR):
        return None
    if not g.get("day"):
        return _as_value(year, month)
    d = _valid(year, month, int(g["day"]))
    if d is None:
        return None
    if g.get("wd") and _WEEKDAYS[g["wd"].lower()] != d.weekday():
        return None
    return _as_value(year, month, d.day)


# ---------------------------------------------------------------------------------------------
# find_time_expressions: temporal expressions in one sentence
# ---------------------------------------------------------------------------------------------

# Kinds of TimeExpression, and what each needs to be resolved:
DATE = "date"  # has a year: "May 8, 2021", "in February 2021", "in 2014" (needs nothing)
MONTH_DAY = "month_day"  # month and day, no year: "on May 8", "8 May"
MONTH = "month"  # a month, no year: "in February", "last April", "mid-March", "May 8-10"
WEEKDAY = "weekday"  # "on Saturday", "Saturday's meeting", "said Wednesday", "last Friday"
RELATIVE = "relative"  # a calendar unit relative to publication: "yesterday", "late last year"
AGO = "ago"  # "two days ago", "a few weeks ago"
WINDOW = "window"  # the units up to publication: "the past week", "over the last two months"
ANAPHORIC = "anaphoric"  # relative to another event: "a day earlier", "the next day" (never resolved)


@dataclass(frozen=True)
class TimeExpression:
    """A temporal expression: its text and document offsets, its kind, and what it says.

    Fields that the kind does not use are None. `weekday` counts from Monday = 0. For
    RELATIVE, `shift` counts `unit`s from the publication's unit ("last week" = -1, "today" = 0);
    for AGO and WINDOW, `shift`..`reach` is how many units back ("a few days ago" = -2..-6).
    `anchor` is "last" | "next" | "this" for months and weekdays ("last April"), None when the
    tense decides. `part` ("early", "late", "mid", "earlier", "later") is kept for the record:
    it never makes a date finer than its unit.
    """

    text: str
    start: int
    end: int
    kind: str
    year: int | None = None
    month: int | None = None
    day: int | None = None
    weekday: int | None = None
    unit: str | None = None  # "day" | "week" | "weekend" | "month" | "year"
    shift: int = 0
    reach: int | None = None
    anchor: str | None = None
    part: str | None = None


_NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "a couple of": 2, "a couple": 2,
}  # fmt: skip
_VAGUE = {"a few": (2, 6), "several": (3, 7)}  # how many units these may mean

_FULL_MONTH = "January|February|March|April|May|June|July|August|September|October|November|December"
_ABBR_MONTH = r"(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\b\.?"
_ANY_MONTH = rf"(?:(?:{_FULL_MONTH})\b|{_ABBR_MONTH})"
_FULL_WEEKDAY = "Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
_DAY = r"(?<![\w.,:/$-])(?P<day>[0-3]?\d)(?:st|nd|rd|th)?\b(?![:.,/]\d)"
# a year from 1800 to 2099, not in a number ("2,014", "$2014") nor a range ("2014-15"); "2021 - 21:54" is a time
_YEAR = r"(?<![\w$£€.,/:])(?<!\d-)(?P<year>1[89]\d\d|20\d\d)\b(?![%:]|[.,/]\d|\s*[-–]\s*\d+\b(?![:.]\d))"
_NUM = r"\d{1,2}|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|a\s+couple(?:\s+of)?"
_QTY = rf"(?P<n>{_NUM}|a\s+few|several)"

# A lead-in shared by month and year expressions: "in", "since early", "by the end of", "last".
_PREP = r"(?P<prep>(?i:on|in|since|until|till|by|from|during|through|throughout|before|after|as\s+of))"
_PART = r"(?P<part>(?i:early|late|mid-?|the\s+(?:end|beginning|start|middle)\s+of))"
_LEAD = rf"(?:{_PREP}\s+)?(?:(?i:the)\s+)?(?:(?P<anchor>(?i:last|next|this))\s+|{_PART}\s*)?"
_WD_PREFIX = rf"(?:(?P<wd>{_FULL_WEEKDAY}),?\s+)?"

# Words around a capitalised weekday that make it a name, a holiday or a newspaper.
_WEEKDAY_NAME_BEFORE = {
    "black", "good", "ash", "holy", "maundy", "easter", "palm", "super", "bloody", "cyber",
    "shrove", "whit", "mail", "joe", "man", "girl",
}  # fmt: skip
_WEEKDAY_NAME_AFTER = {
    "times", "telegraph", "express", "mirror", "herald", "post", "mail", "observer",
    "independent", "tribune", "star", "people", "sport", "school", "schools", "club", "night live",
}  # fmt: skip
# Nouns that make a number before them a count, not a year: "the 2014 people who died".
_COUNT_NOUNS = {
    "people", "persons", "men", "women", "children", "troops", "soldiers", "civilians",
    "residents", "protesters", "prisoners", "deaths", "casualties", "victims", "refugees",
    "migrants", "cases", "dollars", "euros", "pounds", "tonnes", "tons", "km", "kilometres",
    "kilometers", "miles", "metres", "meters", "members", "votes", "seats", "rounds", "units",
}  # fmt: skip
# Lowercase words ending in -s that are not plural nouns.
_NOT_PLURAL = {"is", "was", "has", "as", "this", "his", "its", "thus", "whereas", "us", "yes", "less", "unless"}
_NAME_MONTHS = {"May", "March", "April", "June", "August"}  # also given names or common words
_WEEKDAYS_CAPITALISED = set(_FULL_WEEKDAY.split("|"))
# Words before a capitalised month that may stand there without making it a name ("Theresa May").
_FUNCTION_WORDS = {
    "on", "in", "since", "until", "till", "by", "from", "during", "through", "throughout",
    "before", "after", "of", "the", "a", "an", "last", "next", "this", "early", "late", "mid",
    "end", "beginning", "start", "middle", "and", "or", "to", "between", "as", "that",
}  # fmt: skip


def _word_before(text: str, i: int) -> str:
    m = re.search(r"([\w'’]+)\W*$", text[:i])
    return m.group(1) if m else ""


def _words_after(text: str, i: int, n: int = 1) -> str:
    return " ".join(re.findall(r"[\w'’]+", text[i : i + 60])[:n])


def _is_plural_noun(word: str) -> bool:
    """A lowercase word that looks like a plural noun ("people", "cases"): a number before it is a count."""
    w = word.lower()
    if w in _COUNT_NOUNS:
        return True
    return word.islower() and w.endswith("s") and not w.endswith(("ss", "'s", "’s")) and w not in _NOT_PLURAL


def _month_is_a_name(text: str, m: re.Match) -> bool:
    """A month that is also a name or a word, right after a capitalised word, is part of a name:
    "Theresa May", "Brian May 2019", "Women's March 2019 rally"."""
    month = m.group("mon")
    if month not in _NAME_MONTHS or text[m.start("mon") - 1 : m.start("mon")] != " ":
        return False
    before = _word_before(text, m.start("mon"))
    if before.endswith(("'s", "’s")):
        return month == "March"  # "Iran's May 2021 election" is a date; "Women's March" is a name
    return before[:1].isupper() and before.lower() not in _FUNCTION_WORDS and before not in _WEEKDAYS_CAPITALISED


def _month_number(name: str) -> int:
    return _MONTHS[name.rstrip(".").lower()]


def _norm_part(part: str | None) -> str | None:
    if not part:
        return None
    p = part.lower()
    if p.startswith("mid") or "middle" in p:
        return "mid"
    if "end" in p or p == "late":
        return "late"
    return "early"


def _build_month_date(text: str, m: re.Match) -> dict | None:
    """Month with day and/or year: "May 8, 2021", "8 May", "on Thursday, Feb. 21", "in February 2021"."""
    g = m.groupdict()
    if not g.get("day") and _month_is_a_name(text, m):  # with a day number ("May 8") it is a date
        return None
    month = _month_number(g["mon"])
    day = int(g["day"]) if g.get("day") else None
    year = int(g["year"]) if g.get("year") else None
    if g.get("day2"):  # a range "May 8-10": the event spans days, so the month is the honest answer
        day = None
    if day is not None and _valid(year or 2000, month, day) is None:  # 2000 is a leap year
        return None
    part = _norm_part(g.get("part"))
    if year is not None:
        return dict(kind=DATE, year=year, month=month, day=day, part=part)
    if day is not None:
        return dict(kind=MONTH_DAY, month=month, day=day)
    return dict(kind=MONTH, month=month, anchor=(g.get("anchor") or "").lower() or None, part=part)


def _build_bare_month(text: str, m: re.Match) -> dict | None:
    """A month name alone needs a lead-in ("in", "last", "early", "the end of") to be a date."""
    g = m.groupdict()
    if not (g.get("prep") or g.get("anchor") or g.get("part")):
        return None
    # "May" after "by"/"from"/"after"/"before" is more often Theresa May than the month
    if g["mon"] == "May" and (g.get("prep") or "").lower() in ("by", "from", "after", "before", "on") and not (
        g.get("anchor") or g.get("part")
    ):
        return None
    return _build_month_date(text, m)


def _build_determiner_month(text: str, m: re.Match) -> dict | None:
    """ "the February vote": a month as a modifier (not May/March, which are also words)."""
    if m.group("mon") in ("May", "March") or _month_is_a_name(text, m):
        return None
    return dict(kind=MONTH, month=_month_number(m.group("mon")))


def _build_weekday(text: str, m: re.Match) -> dict | None:
    g = m.groupdict()
    if _word_before(text, m.start("wd")).lower() in _WEEKDAY_NAME_BEFORE:
        return None
    after = _words_after(text, m.end("wd"), 2).lower()
    if after.split(" ")[0] in _WEEKDAY_NAME_AFTER or after in _WEEKDAY_NAME_AFTER:
        return None
    anchor = re.sub(r"\s+", " ", (g.get("anchor") or "").lower()) or None
    anchor = {"coming": "next", "this coming": "next"}.get(anchor, anchor)
    return dict(kind=WEEKDAY, weekday=_WEEKDAYS[g["wd"].lower()], anchor=anchor, part=_norm_part(g.get("part")))


_DAY_WORDS = {
    "the day before yesterday": -2, "the day after tomorrow": 2, "yesterday": -1, "today": 0,
    "tomorrow": 1, "tonight": 0, "last night": -1, "this morning": 0, "this afternoon": 0,
    "this evening": 0, "earlier today": 0, "later today": 0,
}  # fmt: skip


def _build_day_word(text: str, m: re.Match) -> dict | None:
    if m.group("w") in ("Today", "Tomorrow", "Yesterday") and re.search(r"[A-Z]\w*\s+$", text[: m.start()]):
        return None  # "Russia Today", "USA Today": outlets
    return dict(kind=RELATIVE, unit="day", shift=_DAY_WORDS[re.sub(r"\s+", " ", m.group("w").lower())])


def _build_relative_unit(text: str, m: re.Match) -> dict | None:
    shift = {"last": -1, "this": 0, "next": 1}[m.group("rel").lower()]
    part = (m.group("part") or "").lower()
    part = part if part in ("earlier", "later") else _norm_part(part)
    return dict(kind=RELATIVE, unit=m.group("unit").lower(), shift=shift, part=part)


def _quantity(n: str | None) -> tuple[int, int]:
    if n is None:
        return 1, 1
    n = re.sub(r"\s+", " ", n.lower())
    if n in _VAGUE:
        return _VAGUE[n]
    k = int(n) if n.isdigit() else _NUMBERS[n]
    return k, k


def _build_ago(text: str, m: re.Match) -> dict | None:
    near, far = _quantity(m.group("n"))
    return dict(kind=AGO, unit=m.group("unit").lower(), shift=-near, reach=-far)


def _build_window(text: str, m: re.Match) -> dict | None:
    _, far = _quantity(m.group("n"))
    return dict(kind=WINDOW, unit=m.group("unit").lower(), shift=0, reach=-far)


def _build_anaphoric(text: str, m: re.Match) -> dict | None:
    return dict(kind=ANAPHORIC)


def _build_year(text: str, m: re.Match) -> dict | None:
    """ "in 2014", "since early 2015", "by the end of 2020": a year after a lead-in, unless it counts
    something ("resulted in 2014 deaths"; a sentence-initial "In 2014 protests ..." is still a year)."""
    g = m.groupdict()
    if not (g.get("prep") or g.get("part") or g.get("season")):
        return None
    nxt = _words_after(text, m.end())
    initial = m.group(0)[:1].isupper() and not text[: m.start()].strip()
    punctuated = text[m.end() : m.end() + 1] in (",", ";", ".", ":")
    if nxt and _is_plural_noun(nxt) and not initial and not punctuated:
        return None
    return dict(kind=DATE, year=int(g["year"]), part=_norm_part(g.get("part")))


def _build_modifier_year(text: str, m: re.Match) -> dict | None:
    """ "the 2014 invasion", "Russia's 2014 annexation", "a 2019 report": a year modifying a noun."""
    nxt = _words_after(text, m.end())
    if not _MIN_BARE_YEAR <= int(m.group("year")) <= _MAX_BARE_YEAR:
        return None
    if not nxt or nxt.lower() in _COUNT_NOUNS or nxt[0].isdigit():
        return None
    return dict(kind=DATE, year=int(m.group("year")))


def _build_possessive_year(text: str, m: re.Match) -> dict | None:
    return dict(kind=DATE, year=int(m.group("year")))


_TIME_OF_DAY = r"(?:\s+(?:morning|afternoon|evening|night))?"
_RULES = [
    (re.compile(p), build)
    for p, build in (
        # Month-first, with optional year: "on Thursday, Feb. 21, 2019", "May 8", "in early May 2021"
        (
            rf"\b{_LEAD}{_WD_PREFIX}(?P<mon>{_ANY_MONTH})\s+{_DAY}(?:\s*[-–]\s*(?P<day2>\d{{1,2}})\b)?"
            rf"(?:,?\s+{_YEAR})?",
            _build_month_date,
        ),
        # Day-first: "14 July 2018", "on Saturday, 6 March", "the 8th of May"
        (
            rf"\b{_LEAD}{_WD_PREFIX}(?:the\s+)?{_DAY}\s+(?:of\s+)?(?P<mon>{_ANY_MONTH})(?:,?\s+{_YEAR})?",
            _build_month_date,
        ),
        # Month and year: "in February 2021", "mid-March 2019", "June of 2020"
        (rf"\b{_LEAD}(?P<mon>(?:{_FULL_MONTH})\b|{_ABBR_MONTH}),?\s+(?:of\s+)?{_YEAR}", _build_month_date),
        # A bare month after a lead-in: "in February", "last April", "by the end of March"
        (rf"\b{_LEAD}(?P<mon>{_FULL_MONTH})\b(?!['’]s)", _build_bare_month),
        (rf"\b(?i:the|a|an)\s+(?P<expr>(?P<mon>{_FULL_MONTH}))\s+(?=[a-z])", _build_determiner_month),
        # Weekdays: "on Saturday", "last Friday", "late Sunday night", "Saturday's meeting"
        (
            r"\b(?:(?i:on|since|until|till|by|from|before|after)\s+)?"
            r"(?:(?P<anchor>(?i:last|next|this(?:\s+coming)?|coming))\s+|(?P<part>(?i:early|late))\s+)?"
            rf"(?P<wd>{_FULL_WEEKDAY})(?:['’]s)?\b{_TIME_OF_DAY}",
            _build_weekday,
        ),
        (rf"\b(?P<w>(?i:the\s+day\s+(?:before\s+yesterday|after\s+tomorrow)|yesterday|today|tomorrow|tonight"
         rf"|last\s+night|this\s+(?:morning|afternoon|evening)|(?:earlier|later)\s+today))\b(?:['’]s)?{_TIME_OF_DAY}",
         _build_day_word),  # fmt: skip
        (
            r"(?<![Tt]he\s)\b(?:(?P<part>(?i:earlier|later|early|late|mid-?"
            r"|(?:at\s+)?the\s+(?:end|beginning|start|middle)\s+of))\s*)?"
            r"(?P<rel>(?i:last|this|next))\s+(?P<unit>(?i:week|weekend|month|year))\b(?!\s+of\b)(?:['’]s)?",
            _build_relative_unit,
        ),
        (rf"\b(?i:{_QTY}\s+(?P<unit>day|week|month|year)s?\s+ago)\b", _build_ago),
        (
            rf"\b(?i:(?:(?:in|over|during|within)\s+)?the\s+(?:past|last)\s+(?:{_QTY}\s+)?"
            r"(?P<unit>day|week|month|year)s?)\b(?!\s+of\b)",
            _build_window,
        ),
        (
            rf"\b(?i:(?:{_NUM}|a\s+few|several)\s+(?:hour|day|week|month|year)s?"
            r"\s+(?:earlier|later|before|after|previously)"
            r"|(?:hours|days|weeks|months|years)\s+(?:earlier|later|before|after)"
            r"|the\s+(?:previous|following|next|preceding|same)"
            r"\s+(?:day|week|weekend|month|year|morning|afternoon|evening|night)"
            r"|the\s+day\s+(?:before|after)|(?:earlier|later)\s+(?:that|the\s+same|in\s+the)\s+(?:day|week|month|year)"
            r"|that\s+(?:day|morning|afternoon|evening|night))\b",
            _build_anaphoric,
        ),
        # Years: "in 2014", "since mid-2015", "in the summer of 2014", "the 2014 invasion", "2014's vote"
        (
            rf"\b{_LEAD}(?:(?P<season>(?i:spring|summer|autumn|fall|winter))\s+of\s+)?{_YEAR}",
            _build_year,
        ),
        (
            rf"\b(?i:the|an?|its|their|his|her|our|this|that|whose|\w+['’]s)\s+(?P<expr>{_YEAR})(?=\s+[A-Za-z])",
            _build_modifier_year,
        ),
        (rf"{_YEAR}['’]s\b", _build_possessive_year),
    )
]


def find_time_expressions(text: str, offset: int = 0) -> list[TimeExpression]:
    """Find the temporal expressions in `text` (one sentence); offsets are `offset` + index in `text`.

    Overlapping candidates keep the longest ("on Thursday, Feb. 21, 2019" is one expression,
    not a weekday and a date). Capitalisation and context keep out "may" the verb, "the march",
    clock times, counts ("2014 people") and names ("Theresa May", "Black Friday", "Sunday Times").
    Returns the expressions in text order.
    """
    candidates: list[tuple[int, int, dict]] = []
    for pattern, build in _RULES:
        for m in pattern.finditer(text):
            fields = build(text, m)
            if fields is not None:
                start, end = m.span("expr") if "expr" in m.re.groupindex else m.span()
                while end > start and text[end - 1].isspace():
                    end -= 1
                candidates.append((start, end, fields))
    chosen: list[tuple[int, int, dict]] = []
    for start, end, fields in sorted(candidates, key=lambda c: (c[0] - c[1], c[0])):  # longest first
        if all(end <= s or start >= e for s, e, _ in chosen):
            chosen.append((start, end, fields))
    return [
        TimeExpression(text=text[s:e], start=offset + s, end=offset + e, **fields)
        for s, e, fields in sorted(chosen, key=lambda c: c[0])
    ]


# ---------------------------------------------------------------------------------------------
# resolve and event_date: expressions -> EventDate, relative to the publication date
# ---------------------------------------------------------------------------------------------

PAST, FUTURE = "past", "future"
_PUBLISHED = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def _published_range(published: str) -> tuple[date, date, str]:
    """The days a publication date may be (one day, or a whole month or year) and its precision."""
    m = _PUBLISHED.match(published)
    year = int(m.group(1)) if m else 0
    first = m and _MIN_YEAR <= year <= _MAX_YEAR and _valid(year, int(m.group(2) or 1), int(m.group(3) or 1))
    if not first:
        raise ValueError(
            f"publication date {published!r} is not YYYY-MM-DD, YYYY-MM or YYYY; "
            "normalise it with dates.parse_absolute_date or pass None"
        )
    if m.group(3):
        return first, first, "day"
    if m.group(2):
        return first, _month_end(first.year, first.month), "month"
    return first, date(first.year, 12, 31), "year"


def date_span(value: str | None) -> tuple[date, date] | None:
    """The days a date value (YYYY-MM-DD, YYYY-MM or YYYY) covers; None for none or a malformed one."""
    if not value:
        return None
    try:
        first, last, _ = _published_range(value)
    except ValueError:
        return None
    return first, last


def _month_end(year: int, month: int) -> date:
    y, m = _add_months(year, month, 1)
    return date(y, m, 1) - timedelta(days=1)


def _add_months(year: int, month: int, k: int) -> tuple[int, int]:
    n = year * 12 + (month - 1) + k
    return n // 12, n % 12 + 1


def _month_span(year: int, month: int) -> tuple[date, date]:
    return date(year, month, 1), _month_end(year, month)


def _shift_date(d: date, unit: str, k: int) -> date:
    """`d` moved by `k` units (a month or year back from the 31st lands on the month's last day)."""
    if unit == "day":
        return d + timedelta(days=k)
    if unit in ("week", "weekend"):
        return d + timedelta(weeks=k)
    y, m = _add_months(d.year, d.month, k * 12 if unit == "year" else k)
    return date(y, m, min(d.day, _month_end(y, m).day))


def _interval(expr: TimeExpression, p: date, tense: str) -> tuple[date, date] | None:
    """The days `expr` may mean when published on day `p`; None if it cannot be placed.

    Every rule moves forward with `p`, so the union of the intervals for the first and the last
    day a coarse publication date may be covers every day in between.
    """
    past = tense == PAST
    monday = p - timedelta(days=p.weekday())
    if expr.kind == MONTH_DAY:
        years = range(p.year - 8, p.year + 9)  # wide enough for February 29
        days = [d for y in years if (d := _valid(y, expr.month, expr.day))]
        picks = [d for d in days if d <= p] if past else [d for d in days if d >= p]
        d = max(picks) if past else min(picks)
        return d, d
    if expr.kind == MONTH:
        here = (p.year, p.month)
        this = (p.year, expr.month)
        before = this if this < here else (p.year - 1, expr.month)  # strictly before this month
        after = this if this > here else (p.year + 1, expr.month)
        if expr.anchor == "last":
            return _month_span(*before)
        if expr.anchor == "next":
            return _month_span(*after)
        if expr.anchor == "this" or this == here:
            return _month_span(*this)
        return _month_span(*(before if past else after))
    if expr.kind == WEEKDAY:
        back = (p.weekday() - expr.weekday) % 7  # days back to the most recent such day, on or before p
        ahead = (expr.weekday - p.weekday()) % 7
        if expr.anchor == "last":
            d = p - timedelta(days=back or 7)
        elif expr.anchor == "next":
            d = p + timedelta(days=ahead or 7)
        else:
            d = p - timedelta(days=back) if past else p + timedelta(days=ahead)
        return d, d
    if expr.kind == RELATIVE:
        return _relative_interval(expr, p, monday, past)
    if expr.kind == AGO:
        far, near = _shift_date(p, expr.unit, expr.reach), _shift_date(p, expr.unit, expr.shift)
        if expr.unit == "week":  # "two weeks ago" names a week, not a day: allow three days either side
            return far - timedelta(days=3), near + timedelta(days=3)
        if expr.unit == "month":
            return _month_span(far.year, far.month)[0], _month_end(near.year, near.month)
        if expr.unit == "year":
            return date(far.year, 1, 1), date(near.year, 12, 31)
        return far, near
    if expr.kind == WINDOW:
        return _shift_date(p, expr.unit, expr.reach), p
    return None  # ANAPHORIC: relative to an event we do not know


def _relative_interval(expr: TimeExpression, p: date, monday: date, past: bool) -> tuple[date, date]:
    """ "yesterday", "last/this/next week|weekend|month|year". A week is read loosely because
    writers differ: it may begin on Monday or on Sunday, and "last week" may mean the past seven
    days. The interval covers every reading, so a week yields a month (or a year) only when all
    readings agree, and never a day."""
    if expr.part == "earlier":
        past = True
    elif expr.part == "later":
        past = False
    if expr.unit == "day":
        d = p + timedelta(days=expr.shift)
        return d, d
    if expr.unit == "week":
        sunday = p - timedelta(days=(p.weekday() + 1) % 7)  # start of a week that begins on Sunday
        first, last = min(monday, sunday), max(monday, sunday) + timedelta(days=6)
        week = timedelta(weeks=1)
        if expr.shift < 0:
            return first - week, p - timedelta(days=1)
        if expr.shift > 0:
            return min(first + week, p + timedelta(days=1)), last + week
        return (first, p) if past else (p, last)
    if expr.unit == "weekend":
        saturday = monday + timedelta(days=5)
        if expr.shift < 0 or (expr.shift == 0 and past and p < saturday):  # the weekend before this week
            return saturday - timedelta(days=7), saturday - timedelta(days=6)
        if expr.shift > 0:
            return saturday + timedelta(days=7), saturday + timedelta(days=8)
        sunday = saturday + timedelta(days=1)
        return (saturday, min(p, sunday)) if past else (max(p, saturday), sunday)
    if expr.unit == "month":
        return _month_span(*_add_months(p.year, p.month, expr.shift))
    return date(p.year + expr.shift, 1, 1), date(p.year + expr.shift, 12, 31)


def _collapse(lo: date, hi: date) -> tuple[str, str] | None:
    """The finest calendar unit (day, month, year) that holds every day from `lo` to `hi`."""
    if lo == hi:
        return _as_value(lo.year, lo.month, lo.day)
    if (lo.year, lo.month) == (hi.year, hi.month):
        return _as_value(lo.year, lo.month)
    if lo.year == hi.year:
        return _as_value(lo.year)
    return None


def _absolute(expr: TimeExpression) -> tuple[str, str]:
    if expr.day is not None:
        return _as_value(expr.year, expr.month, expr.day)
    return _as_value(expr.year, expr.month)


def resolve(expr: TimeExpression, published: str | None, tense: str | None = None) -> EventDate:
    """The date `expr` refers to, relative to `published` (YYYY-MM-DD, YYYY-MM or YYYY).

    `tense` is "past", "future" or None (= past: news is mostly about the past); it decides
    which way a weekday, a month or a day without a year points: the most recent one on or
    before publication, or the next one on or after it ("last"/"next" are strict). A date with
    a year needs no publication date. Anything relative without a publication date, anything
    anaphoric ("a day earlier") and anything the publication date is too coarse to place is
    EventDate(None, None, "unresolved", text, start, end): never a guess. Precision is never finer
    than the expression: "in February" is a month, "late last year" a year. Vague spans ("last
    week", "three weeks ago", "a few days ago") become the interval of every reasonable reading
    and yield the finest unit that holds all of it: "last week" is a month when all its readings
    fall in one month, else a year, else unresolved; never a day. A coarse publication date
    ("2021-03") is treated the same way: the answer must hold for every day it may be.
    """
    if tense not in (PAST, FUTURE, None):
        raise ValueError(f"tense {tense!r} is not 'past', 'future' or None")
    where = dict(text=expr.text, start=expr.start, end=expr.end)
    if expr.kind == DATE:  # has its year: needs no publication date
        value, precision = _absolute(expr)
        return EventDate(value, precision, EVENT_DATE_SENTENCE, **where)
    if published is None:
        return EventDate(None, None, EVENT_DATE_UNRESOLVED, **where)
    first, last, _ = _published_range(published)
    return _resolve_between(expr, first, last, tense, EVENT_DATE_SENTENCE)


def _resolve_between(expr: TimeExpression, first: date, last: date, tense: str | None, source: str) -> EventDate:
    """`expr` read on every day from `first` to `last`: the finest unit that holds every reading."""
    where = dict(text=expr.text, start=expr.start, end=expr.end)
    early, late = _interval(expr, first, tense or PAST), _interval(expr, last, tense or PAST)
    found = early and late and _collapse(min(early[0], late[0]), max(early[1], late[1]))
    if not found:
        return EventDate(None, None, EVENT_DATE_UNRESOLVED, **where)
    return EventDate(found[0], found[1], source, **where)


def event_date(
    sentence: str, sentence_start: int, trigger_start: int, published: str | None, tense: str | None
) -> EventDate:
    """The date of the event whose trigger starts at `trigger_start` (document offset) in `sentence`
    (which starts at `sentence_start`).

    Takes the temporal expression closest to the trigger and resolves it; with none, the
    publication date (at its own precision, source "publication"), or unresolved when undated.
    """
    expressions = find_time_expressions(sentence, sentence_start)
    if expressions:
        # the trigger word's end: "X, who met Y on Monday, said on Wednesday" is as near to "said"
        # on the right as on the left, counting from the word and not from its first letter
        word = re.match(r"[\w'’-]*", sentence[max(0, trigger_start - sentence_start) :])
        trigger_end = trigger_start + len(word.group(0))

        def distance(e: TimeExpression) -> tuple[int, bool]:
            if e.start >= trigger_end:
                return e.start - trigger_end, False
            return max(0, trigger_start - e.end), True  # a tie goes to the expression after the verb

        return resolve(min(expressions, key=distance), published, tense)
    if published is None:
        return EventDate(None, None, EVENT_DATE_UNRESOLVED)
    _, _, precision = _published_range(published)
    return EventDate(published, precision, EVENT_DATE_PUBLICATION)


def redate(event: Event, window: tuple[str, str]) -> Event:
    """`event` of an undated document, dated against an inferred publication window (ISO first and
    last day, from its story): a relative expression ("on Saturday", "in May") is read on every day
    of the window, and an event the publication would date takes the window itself; either way the
    finest unit that holds every reading, with source "inferred". A date the sentence gives with
    its year, or an expression the window cannot place, is left as it is."""
    if event.date.source != EVENT_DATE_UNRESOLVED:
        return event
    first, last = date.fromisoformat(window[0]), date.fromisoformat(window[1])
    if event.date.text is None:  # no expression: the event is dated by its publication
        found = _collapse(first, last)
        return replace(event, date=EventDate(*found, EVENT_DATE_INFERRED)) if found else event
    expressions = [e for e in find_time_expressions(event.evidence, event.start) if e.start == event.date.start]
    if not expressions:
        return event
    tense = FUTURE if event.status == FUTURE_STATUS else PAST
    dated = _resolve_between(expressions[0], first, last, tense, EVENT_DATE_INFERRED)
    return replace(event, date=dated) if dated.value else event
