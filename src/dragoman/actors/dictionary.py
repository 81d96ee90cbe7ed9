"""Actor dictionaries: people and bodies known in advance, with who they were when.

Two dictionaries share one format (docs/ACTORS.md):

- the built-in one (`data/actors/leaders.csv`): heads of state and government and a few other office
  holders, so that "Trump" or "Putin" named without a title still get a country and a sector;
- a user dictionary (`dragoman code --actors FILE`, YAML or CSV), which overrides what the text
  and the built-in dictionary say.

One row is one actor in one period: `name, aliases, country, sector, office, valid_from, valid_to`
(and `kind`: person by default). A person who held several posts has several rows. A row applies to
documents dated within its period (open ends allowed); for a document outside every row of a
person, the person keeps the country (who they are) and loses the office and sector (what they were).

Matching is by name, never by a guess: a name or alias written the same way (case, accents, dots and
hyphens aside), the full name with a typo in the surname (rapidfuzz, with the given names agreeing),
or the surname alone when only one listed actor of the time has it.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from rapidfuzz import fuzz

from ..errors import InputError

SURNAME_SIMILARITY = 85  # rapidfuzz ratio: "Velayti" ~ "Velayati" is 93
KINDS = ("person", "organization", "group", "country")
COLUMNS = ("name", "aliases", "country", "sector", "office", "valid_from", "valid_to", "kind")
_ARTICLE = re.compile(r"^(the|a|an)\s+", re.I)
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_ISO3 = re.compile(r"^[A-Z]{3}$")
_SECTOR = re.compile(r"^[A-Z]{3}$")
USER = "user"
BUILTIN = "builtin"


@dataclass(frozen=True)
class DictionaryEntry:
    """One actor in one period."""

    name: str
    aliases: tuple[str, ...] = ()
    country: str | None = None
    sector: str | None = None
    office: str | None = None
    valid_from: str | None = None  # YYYY[-MM[-DD]], inclusive
    valid_to: str | None = None  # exclusive: the day a successor took over
    kind: str = "person"
    line: int = 0  # where it was written, for messages

    def valid_on(self, date: str | None) -> bool:
        if date is None:
            return self.valid_from is None and self.valid_to is None
        if self.valid_from and date[: len(self.valid_from)] < self.valid_from:
            return False
        if self.valid_to and date[: len(self.valid_to)] >= self.valid_to:
            return False
        return True


@dataclass(frozen=True)
class Known:
    """What a dictionary says about one actor on one date."""

    name: str
    country: str | None
    sector: str | None
    office: str | None
    kind: str
    source: str  # USER | BUILTIN


def key(text: str) -> str:
    """A name as compared: accents, case, dots, hyphens and apostrophes aside."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    text = re.sub(r"[.\u2019'`]", "", text.lower())
    return " ".join(re.sub(r"[-\s]+", " ", text).split())


class ActorDictionary:
    """Rows of known actors, indexed by name, alias and surname. Immutable once built."""

    def __init__(self, entries: Iterable[DictionaryEntry], source: str, origin: str = "", version: str = ""):
        self.source = source
        self.version = version
        self.origin = origin  # file it came from
        self.entries: tuple[DictionaryEntry, ...] = tuple(entries)
        self._by_key: dict[str, list[DictionaryEntry]] = {}
        self._by_surname: dict[str, list[DictionaryEntry]] = {}
        for e in self.entries:
            for form in (e.name, *e.aliases):
                for k in {key(form), key(_ARTICLE.sub("", form))}:  # "the chancellor" is also "chancellor"
                    if k:
                        self._by_key.setdefault(k, []).append(e)
            if e.kind == "person":
                words = key(e.name).split()
                if len(words) >= 2:
                    self._by_surname.setdefault(family_name(e.name, e.country), []).append(e)

    def __len__(self) -> int:
        return len(self.entries)

    # -- loading ----------------------------------------------------------------------------
    @classmethod
    def builtin(cls) -> "ActorDictionary":
        text = resources.files("dragoman").joinpath("data/actors/leaders.csv").read_text(encoding="utf-8")
        m = re.search(r"^# version: (\S+)", text, re.M)
        return cls(_parse_csv(text, "leaders.csv"), BUILTIN, "leaders.csv", f"leaders-{m.group(1) if m else '?'}")

    @classmethod
    def load(cls, path: Path) -> "ActorDictionary":
        """A user dictionary from a YAML (.yaml, .yml) or CSV (.csv) file; InputError when it is wrong."""
        fix_format = "Write it as in docs/ACTORS.md"
        try:
            text = Path(path).read_text(encoding="utf-8-sig")
        except FileNotFoundError:
            raise InputError(str(path), "actor dictionary not found", "Give the path of an existing file") from None
        except (OSError, UnicodeDecodeError) as err:
            raise InputError(str(path), f"cannot read the actor dictionary ({err})", "Save it as UTF-8 text") from None
        suffix = Path(path).suffix.lower()
        if suffix in (".yaml", ".yml"):
            entries = _parse_yaml(text, str(path))
        elif suffix == ".csv":
            entries = _parse_csv(text, str(path))
        else:
            raise InputError(str(path), f"unknown actor dictionary format {suffix or '(no extension)'}",
                             f"Name the file .yaml, .yml or .csv and {fix_format[0].lower() + fix_format[1:]}")
        return cls(entries, USER, str(path))

    # -- matching ---------------------------------------------------------------------------
    def match_names(self, forms: Sequence[Sequence[str]], texts: Sequence[str], date: str | None,
                    country: str | None = None, context: frozenset[str] | None = None) -> Known | None:
        """The person a set of name forms (token lists, honorifics stripped) and mention texts names.

        `country`, when the text gave one, must agree. None when nothing matches or when several
        actors of the time could be meant."""
        found: list[DictionaryEntry] = []
        for t in [*(" ".join(f) for f in forms), *texts]:
            found.extend(self._by_key.get(key(t), ()))
        if not found:
            for f in forms:
                found.extend(self._fuzzy(f))
        if not found:
            return None
        # Every multiword form must fit the actor's name or an alias: "Sadiq Khan" is not "Imran Khan".
        found = [e for e in found if all(self._fits(e, f) for f in forms if len(f) >= 2)]
        # A bare surname names a listed person only while they hold a listed post: "Brown" in 2005 is
        # not Gordon Brown (prime minister from 2007), who may be any of many Browns.
        bare = all(len(f) < 2 for f in forms)
        if bare:
            if not any(f and f[-1][:1].isupper() for f in forms):
                return None  # "a bush" is no one
            if context is not None:
                # ... and only in a text that names the person's country ("Mr Howard" in a British
                # story is not Australia's prime minister)
                found = [e for e in found if e.country in context]
        return self._choose(found, date, country, dated_only=bare)

    def match_alias(self, text: str, date: str | None) -> Known | None:
        """The actor a description or other alias ("the US president") names on a date, if listed."""
        k = key(_ARTICLE.sub("", text.strip()))
        return self._choose(list(self._by_key.get(k, ())), date, None, dated_only=True)

    def lookup_phrase(self, text: str, date: str | None) -> Known | None:
        """The actor a proper noun the model did not take for a person names: a listed name or alias
        ("Zelenskyy"), never a bare surname (a club, a company or a place often bears one)."""
        return self._choose(list(self._by_key.get(key(text), ())), date, None)

    def post_country(self, surname: str, context: frozenset[str], same_post) -> str | None:
        """The country of every listed holder of a post with this surname, when they share one and the
        text names it: "President Bush" in an undated text about the US is American, whichever Bush
        it is. `same_post(office)` tells whether a listed office is that post. None otherwise."""
        rows = [e for e in self._by_surname.get(key(surname), ()) if e.office and same_post(e.office)]
        countries = {e.country for e in rows}
        if len(countries) == 1 and (country := next(iter(countries))) in context:
            return country
        return None

    def _fuzzy(self, form: Sequence[str]) -> list[DictionaryEntry]:
        words = key(" ".join(form)).split()
        if not words:
            return []
        surname = words[-1]
        out = list(self._by_surname.get(surname, ())) if len(words) == 1 else []
        if len(words) >= 2:
            for s, entries in self._by_surname.items():
                if s == surname or (len(surname) >= 5 and fuzz.ratio(s, surname) >= SURNAME_SIMILARITY):
                    out.extend(e for e in entries if given_names_fit(words[:-1], key(e.name).split()[:-1]))
        return out

    def _fits(self, e: DictionaryEntry, form: Sequence[str]) -> bool:
        words = key(" ".join(form)).split()
        if any(key(a) == " ".join(words) for a in (e.name, *e.aliases)):
            return True
        name = key(e.name).split()
        if len(name) < 2:
            return False
        same_surname = words[-1] == name[-1] or (
            len(words[-1]) >= 5 and fuzz.ratio(words[-1], name[-1]) >= SURNAME_SIMILARITY)
        return same_surname and given_names_fit(words[:-1], name[:-1])

    def _choose(self, found: list[DictionaryEntry], date: str | None, country: str | None,
                dated_only: bool = False) -> Known | None:
        if country is not None:
            found = [e for e in found if e.country in (None, country)]
        names = {e.name for e in found}
        if not names:
            return None
        valid = [e for e in found if e.valid_on(date)] if date else [e for e in found if e.valid_on(None)]
        if len(names) > 1:
            names = {e.name for e in valid}
            if len(names) != 1:
                return None
        (name,) = names
        rows = [e for e in valid if e.name == name]
        if rows:
            row = max(rows, key=lambda e: e.valid_from or "")
            return Known(row.name, row.country, row.sector, row.office, row.kind, self.source)
        if dated_only:
            return None  # an alias of an office ("the US president") or a bare surname: only within a term
        # Outside every term: who the actor is (country), not what they were (office, sector).
        rows = [e for e in found if e.name == name]
        countries = {e.country for e in rows}
        if len(countries) != 1:
            return None
        row = rows[0]
        return Known(row.name, row.country, None, None, row.kind, self.source)



# States whose people's names are written family name first in English news ("Xi Jinping", "Kim Jong
# Un", "Moon Jae-in"); a hyphenated given name ("Ban Ki-moon") marks the same order.
FAMILY_FIRST = {"CHN", "TWN", "KOR", "PRK", "VNM", "MNG"}


def family_name(name: str, country: str | None) -> str:
    """The family name of a listed person, lowercase: the first word for family-first names."""
    words = key(name).split()
    if country in FAMILY_FIRST or ("-" in name.split()[-1] and len(name.split()) == 2):
        return words[0]
    return words[-1]


def given_names_fit(a: Sequence[str], b: Sequence[str]) -> bool:
    """Given names (lowercase, no dots) agree when the shorter list's names appear, in order, in the
    longer: initials stand for names, a typo is allowed. Bill and Hillary Clinton do not agree."""
    if not a or not b:
        return True
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    it = iter(long_)
    for g in short:
        for h in it:
            if g == h or (len(g) <= 2 and h.startswith(g)) or (len(h) <= 2 and g.startswith(h)) or (
                    fuzz.ratio(g, h) >= SURNAME_SIMILARITY):
                break
        else:
            return False
    return True


# -- parsing ----------------------------------------------------------------------------------
def _parse_csv(text: str, origin: str) -> list[DictionaryEntry]:
    lines = [(n, line) for n, line in enumerate(text.splitlines(), 1) if line.strip() and not line.lstrip().startswith("#")]
    if not lines:
        raise InputError(origin, "the actor dictionary is empty", "Add a header line and one row per actor (docs/ACTORS.md)")
    reader = csv.reader(io.StringIO("\n".join(line for _, line in lines)))
    rows = list(reader)
    header = [h.strip().lower() for h in rows[0]]
    if "name" not in header:
        raise InputError(origin, "the actor dictionary has no 'name' column",
                         f"Begin the file with a header line: {','.join(COLUMNS)}", record=f"line {lines[0][0]}")
    unknown = [h for h in header if h not in COLUMNS]
    if unknown:
        raise InputError(origin, f"unknown column {unknown[0]!r} in the actor dictionary",
                         f"Use only these columns: {', '.join(COLUMNS)}", record=f"line {lines[0][0]}")
    out = []
    for (n, _), row in zip(lines[1:], rows[1:]):
        if len(row) > len(header):
            raise InputError(origin, f"{len(row)} fields where the header has {len(header)}",
                             "Quote fields that contain commas", record=f"line {n}")
        record = dict(zip(header, (c.strip() for c in row)))
        aliases = [a.strip() for a in record.get("aliases", "").split("|") if a.strip()]
        out.append(_entry(record, aliases, origin, n))
    return out


def _parse_yaml(text: str, origin: str) -> list[DictionaryEntry]:
    import yaml

    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        raise InputError(origin, f"not valid YAML ({getattr(err, 'problem', err)})", "Fix the YAML syntax",
                         record=f"line {mark.line + 1}" if mark else None) from None
    if isinstance(data, dict) and "actors" in data:
        data = data["actors"]
    if not isinstance(data, list):
        raise InputError(origin, "the actor dictionary is not a list of actors",
                         "Write a list, one item per actor, as in docs/ACTORS.md")
    out = []
    for n, item in enumerate(data, 1):
        if not isinstance(item, dict):
            raise InputError(origin, "an item is not a mapping of fields", "Give each actor name: and other fields",
                             record=f"item {n}")
        unknown = [k for k in item if str(k).lower() not in COLUMNS]
        if unknown:
            raise InputError(origin, f"unknown field {unknown[0]!r}", f"Use only: {', '.join(COLUMNS)}",
                             record=f"item {n}")
        record = {str(k).lower(): ("" if v is None else str(v).strip()) for k, v in item.items() if k != "aliases"}
        raw = item.get("aliases") or []
        aliases = [str(a).strip() for a in (raw if isinstance(raw, list) else str(raw).split("|")) if str(a).strip()]
        out.append(_entry(record, aliases, origin, n, unit="item"))
    return out


def _entry(record: dict[str, str], aliases: list[str], origin: str, n: int, unit: str = "line") -> DictionaryEntry:
    where = f"{unit} {n}"
    name = record.get("name", "")
    if not name:
        raise InputError(origin, "an actor has no name", "Give every actor a name", record=where)
    country = record.get("country") or None
    if country is not None:
        country = country.upper()
        if not _ISO3.match(country):
            raise InputError(origin, f"country {record['country']!r} of {name} is not an ISO 3166-1 alpha-3 code",
                             "Write three capital letters, e.g. IRN, or UNO/EUR/IGO for international bodies",
                             record=where)
    sector = record.get("sector") or None
    if sector is not None:
        sector = sector.upper()
        if not _SECTOR.match(sector):
            raise InputError(origin, f"sector {record['sector']!r} of {name} is not a PLOVER sector code",
                             "Write a three-letter sector such as GOV, MIL, LEG, REB", record=where)
    dates = {}
    for field in ("valid_from", "valid_to"):
        value = record.get(field) or None
        if value is not None and not _DATE.match(value):
            raise InputError(origin, f"{field} {value!r} of {name} is not a date",
                             "Write YYYY-MM-DD (or YYYY-MM, YYYY), or leave it empty", record=where)
        dates[field] = value
    if dates["valid_from"] and dates["valid_to"] and dates["valid_to"] < dates["valid_from"]:
        raise InputError(origin, f"{name}: valid_to is before valid_from", "Swap or correct the dates", record=where)
    kind = (record.get("kind") or "person").lower()
    if kind not in KINDS:
        raise InputError(origin, f"kind {kind!r} of {name} is unknown", f"Use one of {', '.join(KINDS)}", record=where)
    return DictionaryEntry(name=name, aliases=tuple(aliases), country=country, sector=sector,
                           office=record.get("office") or None, valid_from=dates["valid_from"],
                           valid_to=dates["valid_to"], kind=kind, line=n)
