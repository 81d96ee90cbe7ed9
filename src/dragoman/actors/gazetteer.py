"""Actor gazetteers: countries, demonyms, capitals and seats of power, organisations, offices, group
nouns and honorifics.

Reads the packaged TSV files in `dragoman/data/gazetteer/` (each states its version, its source and
its columns in `#` header lines; the matching rules are written at the top of `countries_extra.tsv`),
pycountry (country names) and country_converter's `country_data.tsv` (short and official names, UN
membership). Returns a `Gazetteer`: build it once with `Gazetteer.load()` and pass it around; it is
immutable.

Lookups never guess: a phrase matches an alias whole (after normalising articles, dots, hyphens,
apostrophes and accents) and only when its capitalisation fits the alias (acronyms in capitals only,
names capitalised), so "us", "who", "china" and "turkey" are not countries.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from importlib import resources
from types import MappingProxyType

import pycountry

from ..errors import DragomanError

FILES = (
    "countries_extra.tsv", "demonyms.tsv", "metonyms.tsv", "organizations.tsv", "regions.tsv",
    "offices.tsv", "nominals.tsv", "honorifics.tsv", "outlets.tsv",
)  # fmt: skip

PLOVER_SECTORS = frozenset(
    "COP GOV JUD LEG MIL PRM PTY REB SPY UAF UNK AGR BUS CRM CVL EDU ELI JRN LAB MED REF OPP PRE REL SOC".split()
)
# PLOVER's non-state "country" codes and the names `country_name` gives them. ISM is listed by
# PLOVER but its meaning is not stated in our sources and no gazetteer row uses it.
NON_STATE: Mapping[str, str] = MappingProxyType({
    "IGO": "intergovernmental organization",
    "UNO": "United Nations",
    "EUR": "European Union",
    "NGO": "non-governmental organization",
    "IMG": "international militarized group",
    "MNC": "multinational corporation",
    "ISM": "ISM",
})  # fmt: skip

# Lookup tables in order of precedence when one phrase is in several (the country wins over the
# capital of the same name: "Djibouti", "Singapore").
LOOKUP_KINDS = ("country", "metonym", "organization", "demonym", "region")
MATCH_POLICIES = ("-", "exact", "off")
# A country named as an actor ("Iran said") is its government, like its capital ("Tehran said").
COUNTRY_SECTOR = "GOV"
OFFICE_ROLES = ("fixed", "generic")
# Words dropped from the start of an office phrase ("the president", "his adviser").
DETERMINERS = frozenset({"the", "a", "an", "his", "her", "its", "their", "our", "your", "my"})
# "minister of defence of Iran" -> "minister of defence"; "ambassador to Iran" -> "ambassador".
OFFICE_CONNECTORS = frozenset({"of", "to", "for", "at", "in", "on"})
# Country-code domains sold to anyone and used worldwide: no country follows from them.
GENERIC_CCTLDS = frozenset({"ai", "am", "cc", "co", "fm", "io", "me", "ly", "tv", "ws", "to", "gg", "nu"})

_DASHES = str.maketrans({"\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-",
                         "\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u00b4": "'", "`": "'"})
_EDGE_PUNCT = " \t\n\"'“”()[]{},;:!?"
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)*")  # a word of letters ("d'affaires"), not "'s" or "10"


class GazetteerError(DragomanError):
    """A gazetteer file is missing, malformed or names an unknown code."""


@dataclass(frozen=True)
class Entry:
    """One alias and what it names."""

    alias: str  # as written in the data file (or the library), or the office phrase matched
    name: str  # canonical name: a country's short name, an organisation's name, a demonym's adjective
    country: str | None  # ISO3 or a PLOVER non-state code (IGO, UNO, EUR, NGO, IMG, MNC)
    sector: str | None  # PLOVER sector
    kind: str  # country | demonym | metonym | organization | region | nominal | office


@dataclass(frozen=True)
class Row:
    """One data line of a gazetteer file: cells by column name ("-" and empty cells are None)."""

    where: str  # "metonyms.tsv:12", for error messages
    cells: Mapping[str, str | None]

    def __getitem__(self, column: str) -> str | None:
        return self.cells.get(column)


@dataclass(frozen=True)
class Table:
    name: str
    version: str
    source: str
    columns: tuple[str, ...]
    rows: tuple[Row, ...]


def read_table(name: str) -> Table:
    """Read one packaged gazetteer file. Header lines `# version:`, `# source:`, `# columns:` are required."""
    path = resources.files("dragoman").joinpath("data", "gazetteer", name)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise GazetteerError(
            f"gazetteer file {name} is missing from dragoman/data/gazetteer. Reinstall dragoman "
            "(`pip install -e .`) so that its data files are installed."
        ) from None
    return parse_table(name, text)


def parse_table(name: str, text: str) -> Table:
    """Parse the text of a gazetteer file named `name` (used in error messages)."""
    header: dict[str, str] = {}
    rows: list[Row] = []
    for n, line in enumerate(text.splitlines(), 1):
        if line.startswith("#"):
            key, sep, value = line.lstrip("# ").partition(":")
            if sep and key.strip().lower() in ("version", "source", "columns") and key.strip().lower() not in header:
                header[key.strip().lower()] = value.strip()
            continue
        if not line.strip():
            continue
        if "columns" not in header:
            raise GazetteerError(f"{name}:{n}: data before the `# columns:` header line. Add the header line.")
        columns = _columns(header["columns"])
        cells = next(csv.reader([line], delimiter="\t", quoting=csv.QUOTE_NONE))
        if len(cells) > len(columns):
            raise GazetteerError(
                f"{name}:{n}: {len(cells)} cells for {len(columns)} columns ({', '.join(columns)}). "
                "Separate cells with one tab and put no tab in a note."
            )
        values = {c: (v.strip() if v.strip() not in ("", "-") else None) for c, v in zip(columns, cells)}
        rows.append(Row(f"{name}:{n}", MappingProxyType(values)))
    for key in ("version", "source", "columns"):
        if key not in header:
            raise GazetteerError(f"{name}: no `# {key}:` header line. Add one at the top of the file.")
    return Table(name, header["version"], header["source"], _columns(header["columns"]), tuple(rows))


def _columns(spec: str) -> tuple[str, ...]:
    return tuple(c.strip() for c in re.split(r"[,\t]", spec) if c.strip())


# -- normalisation ---------------------------------------------------------------------------------
def surface(text: str, keep_article: bool = False) -> str:
    """The phrase as matched, case and accents kept: dots and commas dropped, hyphens as spaces,
    curly apostrophes straight, a trailing possessive and (unless `keep_article`) a leading "the" dropped."""
    s = unicodedata.normalize("NFC", text).translate(_DASHES)
    s = s.replace(".", "").replace(",", " ").replace("-", " ")
    s = " ".join(s.split()).strip(_EDGE_PUNCT)
    if s.endswith("'s"):
        s = s[:-2]
    s = s.rstrip("'").strip()
    if not keep_article:
        head, _, rest = s.partition(" ")
        if head.lower() == "the" and rest:
            s = rest
    elif s[:4] == "The ":
        s = "the " + s[4:]  # sentence-initial capital: "The Emirates" is "the Emirates"
    return s


def fold(text: str) -> str:
    """Case- and accent-free key of a surface form."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _is_acronym(word: str) -> bool:
    return len(word) > 1 and word.isupper()  # "US", "G7", "OPEC+"; not the "I" of "I-Kiribati"


def _case_fits(alias: str, text: str) -> bool:
    """Each acronym of the alias is in capitals in the text; each capitalised word is capitalised."""
    a_words, t_words = alias.split(), text.split()
    if len(a_words) != len(t_words):
        return False
    for a, t in zip(a_words, t_words):
        if _is_acronym(a):
            if not t.isupper():
                return False
        elif a[:1].isupper() and not t[:1].isupper():
            return False
    return True


@dataclass(frozen=True)
class _Alias:
    entry: Entry
    form: str  # surface(alias)
    exact: str | None  # surface(alias, keep_article=True) when the row is matched only as written
    rank: int  # position of the table in LOOKUP_KINDS: lower wins

    def fits(self, text: str) -> bool:
        if self.exact is not None:
            return surface(text, keep_article=True) == self.exact
        return _case_fits(self.form, surface(text))


@dataclass(frozen=True)
class _Office:
    entry: Entry
    generic: bool


class Gazetteer:
    """Every alias the actor stage knows. Build with `Gazetteer.load()`; immutable afterwards."""

    def __init__(
        self,
        version: str,
        aliases: Mapping[str, tuple[_Alias, ...]],
        names: Mapping[str, str],
        offices: Mapping[str, _Office],
        nominals: Mapping[str, Entry],
        honorifics: frozenset[str],
        outlets: Mapping[str, str] = MappingProxyType({}),
        domains: Mapping[str, str] = MappingProxyType({}),
    ):
        self.version = version
        self._aliases = aliases
        self._names = names
        self._offices = offices
        self._nominals = nominals
        self._honorifics = honorifics
        self._outlets = outlets
        self._domains = domains

    # -- loading ----------------------------------------------------------------------------------
    @classmethod
    def load(cls) -> "Gazetteer":
        """Read the packaged files, pycountry and country_converter's data into a new Gazetteer."""
        tables = {name: read_table(name) for name in FILES}
        versions = {t.version for t in tables.values()}
        if len(versions) != 1:
            listed = ", ".join(f"{t.name}={t.version}" for t in tables.values())
            raise GazetteerError(
                f"gazetteer files disagree on their version ({listed}). Give every file in "
                "dragoman/data/gazetteer the same `# version:` line when any of them changes."
            )
        coco = _coco_rows()
        codes = known_codes(coco)
        check = _Checker(codes)

        names: dict[str, str] = {row["ISO3"]: row["name_short"] for row in coco if row.get("ISO3")}
        for c in list(pycountry.countries) + list(pycountry.historic_countries):
            names.setdefault(c.alpha_3, getattr(c, "common_name", None) or c.name)
        names.update(NON_STATE)
        for row in tables["countries_extra.tsv"].rows:
            if row["canonical"] == "yes":
                names[check.country(row, required=True)] = check.text(row, "alias")

        found: list[_Alias] = []
        found.extend(_country_aliases(tables["countries_extra.tsv"], coco, names, check))
        found.extend(_metonyms(tables["metonyms.tsv"], names, check))
        found.extend(_organizations(tables["organizations.tsv"], check))
        found.extend(_demonyms(tables["demonyms.tsv"], check))
        found.extend(_regions(tables["regions.tsv"], check))
        by_key: dict[str, list[_Alias]] = {}
        for a in found:
            by_key.setdefault(fold(a.form), []).append(a)
        aliases = {k: tuple(sorted(v, key=lambda a: a.rank)) for k, v in by_key.items()}

        offices: dict[str, _Office] = {}
        for row in tables["offices.tsv"].rows:
            phrase = office_key(check.text(row, "office"))
            role = check.choice(row, "role", OFFICE_ROLES)
            entry = Entry(phrase, phrase, check.country(row), check.sector(row, required=True), "office")
            offices[phrase] = _Office(entry, role == "generic")
        nominals: dict[str, Entry] = {}
        for row in tables["nominals.tsv"].rows:
            noun = office_key(check.text(row, "noun"))
            nominals[noun] = Entry(noun, noun, None, check.sector(row, required=True), "nominal")
        honorifics = frozenset(office_key(check.text(r, "honorific")) for r in tables["honorifics.tsv"].rows)
        for h in honorifics:
            if " " in h:
                raise GazetteerError(f"honorifics.tsv: {h!r} has several words. List one word per row.")

        outlets: dict[str, str] = {}
        domains: dict[str, str] = {}
        for row in tables["outlets.tsv"].rows:
            country = check.country(row, required=True)
            outlets[_outlet_key(check.text(row, "outlet"))] = country
            for d in (row["domains"] or "").split(","):
                if d.strip():
                    domains[d.strip().lower()] = country

        return cls(
            version=f"gazetteer-{versions.pop()}",
            aliases=MappingProxyType(aliases),
            names=MappingProxyType(names),
            offices=MappingProxyType(offices),
            nominals=MappingProxyType(nominals),
            honorifics=honorifics,
            outlets=MappingProxyType(outlets),
            domains=MappingProxyType(domains),
        )

    # -- queries ----------------------------------------------------------------------------------
    def lookup(self, text: str) -> Entry | None:
        """The country, metonym, organisation, demonym or region a whole phrase names, or None.

        Case-insensitive only where case cannot mislead: "the U.S." = "U.S." = "US", but not "us";
        "China" but not "china". Never fuzzy."""
        form = surface(text)
        if not form:
            return None
        fitting = [a for a in self._aliases.get(fold(form), ()) if a.fits(text)]
        if not fitting:
            return None
        # Of the best table's aliases, the one written as the text is written ("US", not "the U.S.").
        best = [a for a in fitting if a.rank == fitting[0].rank]
        return next((a.entry for a in best if a.entry.alias == text.strip()), best[0].entry)

    def country_name(self, iso3: str) -> str:
        """Canonical short name of a country code ("IRN" -> "Iran"), or of a PLOVER non-state code."""
        name = self._names.get(iso3.upper())
        if name is None:
            raise GazetteerError(
                f"unknown country code {iso3!r}. Use an ISO 3166-1 alpha-3 code (IRN, USA) or one of "
                f"PLOVER's non-state codes ({', '.join(NON_STATE)})."
            )
        return name

    def office(self, text: str) -> Entry | None:
        """The office a title names, with its PLOVER sector, or None.

        The phrase is a listed office, or ends with one ("deputy foreign minister", "foreign ministry
        spokesman"), or is one followed by "of/to/for ..." ("Ambassador to Iran"). Words before the
        office must not name a country, people or organisation: "Brazilian President" is a country
        plus an office, for the caller to split. A generic role word ("spokesman", "leader") takes its
        sector from the nearest institution before it ("army spokesman" -> MIL)."""
        words = office_key(text).split()
        while words and words[0] in DETERMINERS:
            words = words[1:]
        if words and words[-1] in OFFICE_CONNECTORS:
            return None  # "Ambassador to" is a cut-off phrase: the office is "Ambassador"
        while words:
            for s in range(len(words)):
                office = self._offices.get(" ".join(words[s:]))
                if office is not None:
                    return self._qualified(office, words, s)
            cut = [i for i, w in enumerate(words) if w in OFFICE_CONNECTORS]
            if not cut:
                return None
            words = words[: cut[-1]]
        return None

    def _qualified(self, office: _Office, words: list[str], s: int) -> Entry | None:
        """`office` (words[s:]) qualified by words[:s], or None when those words name someone."""
        prefix = words[:s]
        if not prefix:
            return office.entry
        names = [w.removesuffix("'s") for w in prefix]  # "iran's foreign minister" names Iran
        if not all(_WORD.fullmatch(w) for w in prefix) or any(
            " ".join(names[i:j]) in self._aliases for i in range(len(names)) for j in range(i + 1, len(names) + 1)
        ):
            return None
        sector = office.entry.sector
        if office.generic:
            for w in reversed(prefix):
                named, fixed = self._nominals.get(w), self._offices.get(w)
                found = named.sector if named else (fixed.entry.sector if fixed and not fixed.generic else None)
                if found is not None:
                    sector = found
                    break
        e = office.entry
        return Entry(" ".join(words), e.name, e.country, sector, "office")

    def generic_office(self, word: str) -> bool:
        """Whether an office word is a generic role ("adviser", "spokesman") whose sector comes from
        the institution it serves."""
        office = self._offices.get(office_key(word))
        return office is not None and office.generic

    def nominal(self, lemma: str) -> Entry | None:
        """The group or institution a noun (its lemma or the word as written) names on its own, or None."""
        return self._nominals.get(office_key(lemma))

    def outlet_country(self, outlet: str | None, url: str | None = None) -> str | None:
        """The country a national outlet reports from: by its name, else by its url's listed domain,
        else by the url's country-code domain (".ir" IRN, ".co.uk" GBR); None when unknown."""
        if outlet and (country := self._outlets.get(_outlet_key(outlet))):
            return country
        host = _host(url)
        if not host:
            return None
        labels = host.split(".")
        for i in range(len(labels) - 1):
            if (country := self._domains.get(".".join(labels[i:]))) is not None:
                return country
        tld = labels[-1]
        if tld in GENERIC_CCTLDS or len(tld) != 2:
            return None
        found = pycountry.countries.get(alpha_2="GB" if tld == "uk" else tld.upper())
        return found.alpha_3 if found is not None else None

    def honorifics(self) -> frozenset[str]:
        """Lowercase honorifics without a final dot ("mr", "sheikh", "gen")."""
        return self._honorifics

    def phrases(self) -> Iterator[Entry]:
        """Every matchable alias of every table (lookup tables first, in order of precedence, then
        offices and nominals), for building a phrase matcher. Rows marked "off" are left out.
        An alias with accents or hyphens comes with its plain spellings too ("Élysée" and
        "Elysee", "al-Qaeda" and "al Qaeda"): lookup() treats them alike, a matcher may not."""
        seen: set[tuple[str, str, str]] = set()
        for group in sorted(self._aliases.values(), key=lambda g: g[0].rank):
            for a in group:
                for alias in _spellings(a.entry.alias):
                    key = (alias, a.entry.kind, a.entry.name)
                    if key not in seen:
                        seen.add(key)
                        yield replace(a.entry, alias=alias)
        for office in self._offices.values():
            yield office.entry
        yield from self._nominals.values()


# -- building the alias tables ---------------------------------------------------------------------
def _coco_rows() -> list[dict[str, str]]:
    """country_converter's own data file, read directly: importing country_converter imports pandas
    (half a second); its file is the same data as `CountryConverter().data`."""
    try:
        text = resources.files("country_converter").joinpath("country_data.tsv").read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError):
        raise GazetteerError(
            "country_converter's country_data.tsv cannot be read. "
            "Install it: `pip install country_converter==1.3.2`."
        ) from None
    # Former states (the "obsolete" column) are left out, as `CountryConverter()` leaves them out.
    rows = csv.DictReader(text.splitlines(), delimiter="\t")
    return [row for row in rows if not (row.get("obsolete") or "").strip()]


def known_codes(coco: list[dict[str, str]] | None = None) -> frozenset[str]:
    """Every code a gazetteer row may use: ISO 3166-1 and ISO 3166-3 (former states) alpha-3 codes,
    country_converter's codes (adds XKX, Kosovo) and PLOVER's non-state codes."""
    coco = _coco_rows() if coco is None else coco
    codes = {c.alpha_3 for c in pycountry.countries}
    codes |= {c.alpha_3 for c in pycountry.historic_countries}
    codes |= {row["ISO3"] for row in coco if row.get("ISO3")}
    return frozenset(codes | set(NON_STATE))


def un_members(coco: list[dict[str, str]] | None = None) -> frozenset[str]:
    """ISO3 codes of the UN member states (country_converter's UNmember column)."""
    coco = _coco_rows() if coco is None else coco
    return frozenset(row["ISO3"] for row in coco if (row.get("UNmember") or "").strip())


class _Checker:
    """Validates cells as rows are read; errors name the file, the line and the fix."""

    def __init__(self, codes: frozenset[str]):
        self.codes = codes

    def text(self, row: Row, column: str) -> str:
        value = row[column]
        if value is None:
            raise GazetteerError(f"{row.where}: the {column!r} cell is empty. Fill it in or delete the row.")
        return value

    def country(self, row: Row, column: str = "country", required: bool = False) -> str | None:
        value = row[column]
        if value is None:
            if required:
                raise GazetteerError(f"{row.where}: the {column!r} cell is empty. Give an ISO3 code.")
            return None
        if value not in self.codes:
            raise GazetteerError(
                f"{row.where}: unknown country code {value!r}. Use an ISO 3166-1 alpha-3 code, an ISO 3166-3 "
                f"code of a former state, XKX, or one of {', '.join(NON_STATE)}."
            )
        return value

    def sector(self, row: Row, column: str = "sector", required: bool = False) -> str | None:
        value = row[column]
        if value is None:
            if required:
                raise GazetteerError(
                    f"{row.where}: the {column!r} cell is empty. Give a PLOVER sector (GOV, MIL, ...)."
                )
            return None
        if value not in PLOVER_SECTORS:
            raise GazetteerError(
                f"{row.where}: {value!r} is not a PLOVER sector. Use one of {', '.join(sorted(PLOVER_SECTORS))}."
            )
        return value

    def choice(self, row: Row, column: str, allowed: tuple[str, ...]) -> str:
        value = row[column] or "-"
        if value not in allowed:
            raise GazetteerError(f"{row.where}: {column} {value!r} is not one of {', '.join(allowed)}.")
        return value


def _alias(alias: str, entry: Entry, match: str | None, kind: str) -> _Alias:
    exact = surface(alias, keep_article=True) if match == "exact" else None
    return _Alias(entry, surface(alias), exact, LOOKUP_KINDS.index(kind))


def _country_aliases(
    extra: Table, coco: list[dict[str, str]], names: Mapping[str, str], check: _Checker
) -> list[_Alias]:
    """Library names (pycountry, country_converter) plus the hand-written aliases, which win: a key
    the hand-written file lists (or switches off) is not taken from the libraries."""
    out: list[_Alias] = []
    listed: set[str] = set()
    for row in extra.rows:
        alias = check.text(row, "alias")
        match = check.choice(row, "match", MATCH_POLICIES)
        country = check.country(row, required=True)
        listed.add(fold(surface(alias)))
        if match != "off":
            entry = Entry(alias, names[country], country, COUNTRY_SECTOR, "country")
            out.append(_alias(alias, entry, match, "country"))
    library: list[tuple[str, str]] = []
    for c in pycountry.countries:
        for attr in ("name", "official_name", "common_name"):
            if getattr(c, attr, None):
                library.append((getattr(c, attr), c.alpha_3))
    for row in coco:
        for column in ("name_short", "name_official"):
            if row.get(column) and row.get("ISO3"):
                library.append((row[column], row["ISO3"]))
    seen: set[tuple[str, str]] = set()
    for alias, country in library:
        key = fold(surface(alias))
        if key in listed or (key, country) in seen:
            continue
        seen.add((key, country))
        out.append(_alias(alias, Entry(alias, names[country], country, COUNTRY_SECTOR, "country"), None, "country"))
    return out


def _metonyms(table: Table, names: Mapping[str, str], check: _Checker) -> list[_Alias]:
    out = []
    for row in table.rows:
        alias = check.text(row, "alias")
        country = check.country(row, required=True)
        sector = check.sector(row, required=True)
        check.choice(row, "role", ("capital", "seat"))
        match = check.choice(row, "match", MATCH_POLICIES)
        if match != "off":
            name = row["name"] or names[country]
            out.append(_alias(alias, Entry(alias, name, country, sector, "metonym"), match, "metonym"))
    return out


def _organizations(table: Table, check: _Checker) -> list[_Alias]:
    out = []
    for row in table.rows:
        alias = check.text(row, "alias")
        entry = Entry(alias, check.text(row, "name"), check.country(row), check.sector(row), "organization")
        match = check.choice(row, "match", MATCH_POLICIES)
        if match != "off":
            out.append(_alias(alias, entry, match, "organization"))
    return out


def _demonyms(table: Table, check: _Checker) -> list[_Alias]:
    out = []
    for row in table.rows:
        adjective = check.text(row, "adjective")
        country = check.country(row)
        if check.choice(row, "match", MATCH_POLICIES) == "off":
            continue
        forms = [adjective] + [f.strip() for f in (row["forms"] or "").split(",") if f.strip()]
        for form in forms:
            out.append(_alias(form, Entry(form, adjective, country, None, "demonym"), None, "demonym"))
    return out


def _regions(table: Table, check: _Checker) -> list[_Alias]:
    out = []
    for row in table.rows:
        alias = check.text(row, "alias")
        out.append(_alias(alias, Entry(alias, alias, check.country(row), None, "region"), None, "region"))
    return out


def _spellings(alias: str) -> dict[str, None]:
    """The alias, without accents, and with spaces for hyphens (ordered, no repeats)."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", alias) if not unicodedata.combining(c))
    return dict.fromkeys([alias, plain, alias.replace("-", " "), plain.replace("-", " ")])


def _outlet_key(name: str) -> str:
    words = fold(name.replace(".", "")).split()
    return " ".join(words[1:] if words[:1] == ["the"] else words)


def _host(url: str | None) -> str:
    """The lowercase host of a url ("https://www.bbc.co.uk/news" -> "www.bbc.co.uk"), or ""."""
    if not url:
        return ""
    m = re.match(r"^(?:[a-z][a-z0-9+.-]*://)?(?:[^@/]*@)?([^/:?#]+)", url.strip(), re.IGNORECASE)
    return m.group(1).lower().rstrip(".") if m else ""


def office_key(text: str) -> str:
    """Lowercase, accent-free office or noun phrase: "Vice-President" -> "vice president"."""
    return fold(surface(text, keep_article=True)).strip()
