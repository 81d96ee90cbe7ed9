"""Actor resolution within a document: candidates -> actors, with coreference.

Reads: `Candidate`s from `recognize.py`. Returns `DocumentActors`: the document's `Actor`s, every
`Mention` (text and offsets), and a lookup from a token to the mention covering it, used by the
events and quotes stages.

- People: name mentions merge when their surnames agree (exactly, or by fuzzy match for typos such
  as Velayati/Velayti) and their given names do not conflict (Bill and Hillary Clinton stay two).
- Proper nouns the model took for places or organisations join a person when they match a known
  surname.
- Definite descriptions ("the Russian president", "the Leader") resolve to the most recent person
  whose office or country and sector fit; pronouns (he, she) to the most recent person.
- What cannot be resolved stays unresolved (a nominal actor or no actor), never guessed.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, replace

from rapidfuzz import fuzz

from ..schema import Actor, ActorRef, Mention
from .dictionary import SURNAME_SIMILARITY, ActorDictionary, Known, given_names_fit
from .gazetteer import Gazetteer, office_key
from .recognize import Candidate

# A document is "about" one country when that country has at least this share of the country
# mentions, and this many of them: unnamed groups and offices ("police", "the government") then
# belong to it. Below that, an article about two states leaves them without a country.
DOMINANT_SHARE = 0.5
DOMINANT_MIN = 3
# Groups that are as often foreign to the article's country as not ("terrorists", "gunmen",
# "the company", "reporters", "refugees") never take the document's country.
# Codes of bodies that are not states: never one of "the two countries".
NON_STATE = {"UNO", "EUR", "IGO", "NGO", "IMG", "MNC"}
NOT_DOMESTIC = {"REB", "UAF", "BUS", "JRN", "MED", "REF", "IGO", "NGO", "MNC"}
# Sectors of officials, who fall back on the dateline's or the outlet's country.
OFFICIAL_SECTORS = ("GOV", "LEG", "MIL")
# Role words a definite description may use for any official already named ("the diplomat").
GENERIC_ROLES = {"diplomat", "official", "officer", "politician", "lawmaker", "legislator", "statesman"}
# Words that make a description name a post its referent no longer holds ("the former minister").
_PAST_WORDS = {"former", "ex", "erstwhile", "onetime"}


@dataclass
class _Person:
    """A person being assembled from mentions (private, mutable while one document is resolved)."""

    names: list[list[str]] = field(default_factory=list)  # token lists, honorifics stripped
    country: str | None = None
    sector: str | None = None
    office: str | None = None
    aliases: list[str] = field(default_factory=list)
    known: Known | None = None  # what an actor dictionary says of this person

    home: str | None = None  # the dateline's country, for officials the text gives no country
    outlet: str | None = None  # the outlet's country, when this official's post exists there

    @property
    def country_now(self) -> str | None:
        """The country the text gives, else the one a dictionary gives, else (for officials) the
        dateline's, else the outlet's: what the actor will be given in the end, known while resolving."""
        return self.country or (self.known.country if self.known else None) or (
            (self.home or self.outlet) if self.sector in OFFICIAL_SECTORS else None)

    @property
    def surname(self) -> str:
        return self.names[0][-1]

    def given(self) -> list[str]:
        longest = max(self.names, key=len)
        return longest[:-1]

    def canonical(self) -> str:
        # The most common spelling of the surname, on the longest form of the name.
        counts: dict[str, int] = {}
        for n in self.names:
            counts[n[-1]] = counts.get(n[-1], 0) + 1
        surname = max(counts, key=lambda s: (counts[s], -self.names.index(next(n for n in self.names if n[-1] == s))))
        longest = max(self.names, key=len)
        return " ".join(longest[:-1] + [surname])


@dataclass(frozen=True)
class ResolvedMention:
    candidate: Candidate
    actor: Actor


@dataclass(frozen=True)
class DocumentActors:
    actors: tuple[Actor, ...]
    mentions: tuple[Mention, ...]
    resolved: tuple[ResolvedMention, ...]  # in document order
    home_country: str | None = None

    def index(self) -> "TokenIndex":
        """(block, token index) -> the resolved mention covering that token; `more` holds the other
        actors of a mention that names two ("both sides")."""
        out = TokenIndex()
        out.kinds = {a.actor_id: a.kind for a in self.actors}
        for rm in self.resolved:
            c = rm.candidate
            for k in range(c.i, c.j):
                if (c.block, k) in out and out[(c.block, k)].candidate is c:
                    out.more.setdefault((c.block, k), []).append(rm)
                else:
                    out[(c.block, k)] = rm
        return out


class TokenIndex(dict):
    """A dict (block, token) -> ResolvedMention, plus `more`: further actors of the same mention."""

    def __init__(self) -> None:
        super().__init__()
        self.more: dict[tuple[int, int], list[ResolvedMention]] = {}
        self.kinds: dict[str, str] = {}  # actor_id -> kind of the document's actors

    def all(self, key: tuple[int, int]) -> list[ResolvedMention]:
        rm = self.get(key)
        return [] if rm is None else [rm, *self.more.get(key, ())]


def actor_ref(rm: ResolvedMention) -> ActorRef:
    a, c = rm.actor, rm.candidate
    return ActorRef(a.actor_id, a.name, a.country, a.sector, c.text, c.start, c.end)


def slug(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "x"


def make_actor_id(name: str, country: str | None) -> str:
    return f"{slug(name)}.{country.lower()}" if country else slug(name)


class Resolver:
    """Turns a document's candidates into actors. `dictionaries` come in order of authority: a user
    dictionary first (it overrides the text), then the built-in one (it fills what the text leaves)."""

    def __init__(self, gazetteer: Gazetteer, dictionaries: tuple[ActorDictionary, ...] = ()):
        self.gaz = gazetteer
        self.dictionaries = dictionaries
        # The adjective for each country, to name groups ("Algerian police").
        # A demonym entry's name is the country's adjective.
        self.adjectives = {e.country: e.name for e in gazetteer.phrases() if e.kind == "demonym" and e.country}
        # The states that have each post of government the dictionaries list by its plain name
        # ("president": USA, IRN, ...; not GBR). "Chairman of the State Duma" lists no "chairman".
        self.posts: dict[str, set[str]] = {}
        for d in dictionaries:
            for e in d.entries:
                if e.kind != "person" or e.sector != "GOV" or not e.office or not e.country:
                    continue
                post = gazetteer.office(e.office)
                if post is not None and post.name == office_key(e.office):
                    self.posts.setdefault(post.name, set()).add(e.country)

    def _post_country(self, surname: str, office: str, context: frozenset[str]) -> str | None:
        post = self.gaz.office(office)
        if post is None:
            return None

        def same_post(listed: str) -> bool:
            found = self.gaz.office(listed)
            return found is not None and found.name == post.name

        for d in self.dictionaries:
            if (country := d.post_country(surname, context, same_post)) is not None:
                return country
        return None

    def _religious(self, office: str | None) -> bool:
        post = self.gaz.office(office) if office else None
        return post is not None and post.sector == "REL"

    def post_exists(self, office: str | None, country: str | None) -> bool:
        """Whether an official with this office may be of `country` for want of a better clue: yes
        unless the office is a listed post that the listed holders show `country` not to have (a
        British outlet's unmarked "President X" is not British; its "Foreign Secretary X" may be)."""
        if country is None:
            return False
        post = self.gaz.office(office) if office else None
        holders = self.posts.get(post.name) if post is not None else None
        return holders is None or country in holders

    def known(self, p: _Person, date: str | None, context: frozenset[str] = frozenset()) -> Known | None:
        """The first dictionary's entry for a person's names (a built-in entry must agree with the
        country the text gives)."""
        for d in self.dictionaries:
            k = d.match_names(p.names, p.aliases, date, country=None if d.source == "user" else p.country,
                              context=None if d.source == "user" else context)
            if k is not None and k.kind == "person":
                return k
        return None

    def known_alias(self, text: str, date: str | None) -> Known | None:
        for d in self.dictionaries:
            k = d.match_alias(text, date)
            if k is not None:
                return k
        return None

    def __call__(self, candidates: list[Candidate], home_country: str | None = None,
                 date: str | None = None, outlet_country: str | None = None) -> DocumentActors:
        """Resolve one document's candidates. `home_country` is the dateline's country and
        `outlet_country` the publisher's: the countries of officials and groups the text leaves
        without one (a national outlet does not name its own country's officials' nationality)."""
        honorifics = self.gaz.honorifics()
        # The states the text names (countries, capitals, demonyms, titles): a bare surname may stand
        # for a listed person only in a text that names that person's state.
        context = frozenset(c.country for c in candidates if c.country and c.kind != "pronoun")
        # Unnamed groups and offices fall back on the dateline's country, else the document's own.
        dominant = dominant_country(candidates)
        group_country = home_country or dominant
        # The outlet's country serves for officials only in a text about that country or about no
        # one country: a BBC story on Germany's economy minister is not about a British one.
        if outlet_country is not None and dominant not in (None, outlet_country) and outlet_country not in context:
            outlet_country = None

        def outlet_for(office: str | None) -> str | None:
            return outlet_country if self.post_exists(office, outlet_country) else None

        def official_home(c: Candidate) -> str | None:
            return outlet_for(c.office or c.text) if c.sector in OFFICIAL_SECTORS else None
        people: list[_Person] = []
        assigned: list[tuple[Candidate, object]] = []  # (candidate, _Person | Actor)
        recent: list[_Person] = []  # people in order of last mention

        def find_person(tokens: list[str]) -> _Person | None:
            surname = tokens[-1].lower()
            given = [t.lower() for t in tokens[:-1]]
            for p in reversed(recent):
                ps = p.surname.lower()
                if ps != surname and not (len(surname) >= 5 and fuzz.ratio(ps, surname) >= SURNAME_SIMILARITY):
                    continue
                pg = [g.lower() for g in p.given()]
                if given and pg and not given_names_fit([g.rstrip('.') for g in given], [g.rstrip('.') for g in pg]):
                    continue  # same surname, different given names: two people
                return p
            return None

        def touch(p: _Person) -> None:
            if p in recent:
                recent.remove(p)
            recent.append(p)

        for c in candidates:
            if c.kind == "person":
                tokens = [t for t in (c.name or c.text).split() if t.lower().rstrip(".") not in honorifics]
                if not tokens:
                    continue
                p = find_person(tokens)
                if p is None:
                    p = _Person(home=home_country)
                    people.append(p)
                p.names.append(tokens)
                p.aliases.append(c.text)
                p.known = self.known(p, date, context) if self.dictionaries else None
                p.country = p.country or c.country
                # A religious honorific ("Ayatollah") gives way to an office ("Supreme Leader").
                if p.sector is None or (p.sector == "REL" and c.sector not in (None, "REL")):
                    p.sector = c.sector
                p.office = p.office or c.office
                p.outlet = outlet_for(p.office)
                if c.counterpart and p.sector is None:
                    # "his Russian counterpart X": X holds the post of the person the possessive names.
                    other = _antecedent(c, assigned)
                    if other is not None and other is not p:
                        p.sector = other.sector
                        p.office = p.office or other.office
                touch(p)
                assigned.append((c, p))
            elif c.kind == "proper":
                # "Ms Lomax" the model did not tag: the honorific is no given name
                tokens = [t for t in c.text.split() if t.lower().rstrip(".") not in honorifics] or c.text.split()
                p = find_person(tokens) if tokens else None
                if p is None and tokens and any(
                        (k := d.lookup_phrase(c.text, date)) is not None and k.kind == "person" for d in self.dictionaries):
                    p = _Person(known=k)  # a listed name the model did not tag ("Zelenskyy said")
                    people.append(p)
                if p is not None and len(tokens) <= 3:
                    p.names.append(tokens)
                    p.aliases.append(c.text)
                    touch(p)
                    assigned.append((replace(c, kind="person"), p))
            elif c.kind in ("office", "group") and self.dictionaries and (k := self.known_alias(c.text, date)):
                # A listed alias ("the US president" of a user dictionary, valid on the document's date).
                if k.kind == "person":
                    p = find_person(k.name.split()) or _Person(names=[k.name.split()], known=k)
                    if p not in people:
                        people.append(p)
                    p.aliases.append(c.text)
                    touch(p)
                    assigned.append((c, p))
                else:
                    assigned.append((c, Actor(make_actor_id(k.name, k.country), k.name, k.country, k.sector,
                                              k.kind, office=k.office, aliases=(c.text,))))
            elif c.kind == "office" and c.definite:
                p = self._description(c, recent) or _referent(c, assigned)
                if p is not None:
                    p.aliases.append(c.text)
                    touch(p)
                    assigned.append((c, p))
                else:
                    assigned.append((c, self._office_actor(
                        c, _fallback(c, home_country, group_country) or official_home(c), _owner(c, assigned))))
            elif c.kind == "office":
                assigned.append((c, self._office_actor(
                    c, _fallback(c, home_country, group_country) or official_home(c), _owner(c, assigned))))
            elif c.kind == "pair":
                for actor in self._pair(c, assigned):
                    assigned.append((c, actor))
            elif c.kind == "pronoun":
                p = _antecedent(c, assigned)
                if p is not None:
                    assigned.append((c, p))
            elif c.kind == "group":
                owner = _owner_country(c, assigned)  # "Assad's forces" are Syrian
                if owner is not None:
                    c = replace(c, country=owner)
                fallback = None if c.several else _fallback(c, home_country, group_country)
                assigned.append((c, self._group_actor(c, fallback)))
            else:  # country, organization
                assigned.append((c, self._named_actor(c)))

        # Persons become actors once all their mentions are known.
        person_actor: dict[int, Actor] = {}
        for p in people:
            name, country, sector, office = p.canonical(), p.country, p.sector, p.office
            k = p.known
            if k is not None and k.source == "user":  # the user's dictionary overrides the text
                name, country = k.name, k.country or country
                sector, office = k.sector or sector, k.office or office
            elif k is not None:  # the built-in one fills what the text leaves
                name, country = k.name, country or k.country
                sector, office = sector or k.sector, office or k.office
                if k.office and self._religious(office):
                    # a religious title ("Ayatollah") is how the text addresses the holder of a post
                    # the dictionary lists ("Supreme Leader"): the post is the office
                    office = k.office
            if country is None and k is None and date is None and office:
                # "President Bush" in an undated text: every listed President Bush was American
                country = self._post_country(p.surname, office, context)
            if country is None and sector in OFFICIAL_SECTORS:
                country = home_country or outlet_for(office)
            person_actor[id(p)] = Actor(
                actor_id=make_actor_id(name, country), name=name, country=country, sector=sector,
                kind="person", office=office, aliases=tuple(dict.fromkeys(p.aliases)),
            )
        resolved: list[ResolvedMention] = []
        actors: dict[str, Actor] = {}
        for c, target in assigned:
            actor = person_actor[id(target)] if isinstance(target, _Person) else target
            resolved.append(ResolvedMention(c, actor))
            prev = actors.get(actor.actor_id)
            if prev is None:
                actors[actor.actor_id] = actor
            elif c.text not in prev.aliases and c.kind not in ("pronoun",):
                actors[actor.actor_id] = replace(prev, aliases=prev.aliases + (c.text,))
        mentions = tuple(Mention(rm.actor.actor_id, rm.candidate.text, rm.candidate.start, rm.candidate.end,
                                 rm.candidate.how) for rm in resolved)
        return DocumentActors(tuple(actors.values()), mentions, tuple(resolved), home_country)

    # -- builders ---------------------------------------------------------------------------
    def _description(self, c: Candidate, recent: list[_Person]) -> _Person | None:
        """'the Russian president' -> the most recent person whose office (or country and sector) fit.

        A description naming a country never resolves to a person of another or an unknown country;
        one without ("the Leader", "the advisor") needs the person's own office word, or, for posts
        that go by several names ("the envoy" for an adviser on a mission), a synonym of it. "The
        leader" and "the president" are too common to stand for each other without a country."""
        head = (c.office or "").split()[-1].lower() if c.office else ""
        if not head:
            return None
        with_country = c.country is not None

        def country_fits(p: _Person) -> bool:
            return not with_country or p.country_now == c.country

        for p in reversed(recent):
            if country_fits(p) and p.office and head in p.office.lower().split() and _same_post(c.office, p.office):
                return p
        if with_country:
            for p in reversed(recent):
                if p.country_now == c.country and p.sector == c.sector and (
                        not p.office or _synonym_office(head, p.office, with_country)):
                    return p
        for p in reversed(recent):
            if country_fits(p) and p.office and _synonym_office(head, p.office, with_country):
                return p
        return None

    def _pair(self, c: Candidate, assigned: list[tuple[Candidate, object]]) -> list[Actor]:
        """'both sides', 'the two countries': the last two states named together ("A and B", one
        coordination) before the phrase in its paragraph ("Iran and Russia ..., where both countries"); else the two most mentioned in
        this and the two previous paragraphs (the more recent first on a tie); none when fewer than
        two states were named."""
        counts: dict[str, list[int]] = {}  # country -> [mentions, last position]
        together: dict[int, list[str]] = {}  # coordination in this paragraph -> its states, in order
        last: int | None = None  # the latest coordination that names two states
        for n, (prev, target) in enumerate(assigned):
            if prev.block < c.block - 2 or prev.kind in ("pronoun", "pair"):
                continue
            # States the text names ("India", "Pakistani", "Russian President X"), not the country an
            # actor was found to have ("Mr Straw" is British by his outlet, which names no state).
            country = prev.country
            if country and country not in NON_STATE:
                entry = counts.setdefault(country, [0, 0])
                entry[0] += 1
                entry[1] = n
                if prev.block == c.block and prev.coordination is not None:
                    states = together.setdefault(prev.coordination, [])
                    if country not in states:
                        states.append(country)
                    if len(states) >= 2:
                        last = prev.coordination
        if last is not None:
            two = together[last][:2]  # in the order the text names them
        elif len(counts) >= 2:
            two = sorted(counts, key=lambda k: (-counts[k][0], -counts[k][1]))[:2]
        else:
            return []
        out = []
        for iso in two:
            name = self.gaz.country_name(iso)
            out.append(Actor(make_actor_id(name, iso), name, iso, "GOV", "country", aliases=(c.text,)))
        return out

    def _office_actor(self, c: Candidate, home_country: str | None, owner: "_Person | Actor | None" = None) -> Actor:
        """An unnamed office holder: "Spokesman of United Kingdom"; the person's own when a named
        person owns the post ("Prime Minister Tony Blair's official spokesman": "Tony Blair's
        spokesman", of that person's country)."""
        office = (c.office or c.text).strip()
        if isinstance(owner, _Person) and owner.names:
            country = c.country or owner.country_now
            name = f"{owner.canonical()}'s {office.lower()}"
            return Actor(make_actor_id(name, country), name, country, c.sector, "person", office=office,
                         aliases=(c.text,))
        country = c.country or home_country
        words = office.split()
        office = " ".join(w if w.isupper() else w.capitalize() for w in words)
        name = f"{office} of {self.gaz.country_name(country)}" if country else office
        return Actor(make_actor_id(name, country), name, country, c.sector, "person", office=office, aliases=(c.text,))

    def _group_actor(self, c: Candidate, home_country: str | None) -> Actor:
        country = c.country or home_country
        noun = c.text.split()[-1].lower()
        if c.how == "demonym":
            name = self.gaz.country_name(country) if country else c.text
            return Actor(make_actor_id(f"{name} people", country), f"{c.text}", country, c.sector, "group", aliases=(c.text,))
        adj = self.adjectives.get(country) if country else None
        name = f"{adj} {noun}" if adj else noun
        return Actor(make_actor_id(name, country), name, country, c.sector, "group", aliases=(c.text,))

    def _named_actor(self, c: Candidate) -> Actor:
        name = c.name or c.text
        kind = "country" if c.kind == "country" else "organization"
        return Actor(make_actor_id(name, c.country), name, c.country, c.sector, kind, aliases=(c.text,))


def _fallback(c: Candidate, home_country: str | None, group_country: str | None) -> str | None:
    """The country an unnamed group or office falls back on: the dateline's for all, the document's
    dominant one only for groups that are usually domestic (not "gunmen" or "the company")."""
    return home_country if c.sector in NOT_DOMESTIC else group_country


def dominant_country(candidates: list[Candidate]) -> str | None:
    """The country named by at least DOMINANT_SHARE of the mentions that carry a country (countries,
    capitals, demonyms, titled people, "Kenyan police"), and at least DOMINANT_MIN times; else None."""
    counts: dict[str, int] = {}
    for c in candidates:
        if c.country and c.kind != "pronoun":
            counts[c.country] = counts.get(c.country, 0) + 1
    if not counts:
        return None
    best = max(counts, key=counts.__getitem__)
    total = sum(counts.values())
    return best if counts[best] >= DOMINANT_MIN and counts[best] >= DOMINANT_SHARE * total else None


# Words that make another post of the same head word: "the prime minister" is not the deputy one.
_RANK_WORDS = {"deputy", "vice", "shadow", "assistant", "junior", "under", "solicitor", "acting", "co"}
# Words a description may add without naming another post.
_LOOSE_WORDS = {"former", "top", "senior", "special", "new", "then", "current", "outgoing", "incoming"}


def _same_post(description: str, office: str) -> bool:
    """'the prime minister' fits 'Prime Minister', not 'Deputy Prime Minister' or 'Foreign Minister'."""
    d = set(description.lower().replace("-", " ").split()) - _LOOSE_WORDS
    o = set(office.lower().replace("-", " ").split())
    return (d & _RANK_WORDS) == (o & _RANK_WORDS) and d <= o


def _owner(c: Candidate, assigned: list[tuple[Candidate, object]]) -> "_Person | Actor | None":
    """The person or body named as the possessor of a group or office ("Assad's forces")."""
    if c.owner is None:
        return None
    for prev, target in reversed(assigned):
        if prev.block == c.block and prev.i <= c.owner < prev.j:
            return target  # type: ignore[return-value]
        if prev.block < c.block:
            break
    return None


def _owner_country(c: Candidate, assigned: list[tuple[Candidate, object]]) -> str | None:
    """The country of the person or body a group belongs to ("Assad's forces"), when named just before."""
    target = _owner(c, assigned)
    if target is None:
        return None
    return target.country_now if isinstance(target, _Person) else target.country


def _referent(c: Candidate, assigned: list[tuple[Candidate, object]]) -> "_Person | None":
    """Elegant variation: a definite description by a generic role ("the Iranian diplomat", "the
    official") or by a past post ("the former deputy foreign minister") names no post to match, and
    refers back to the person the text is about: the latest person who was a subject in this or the
    two previous paragraphs, an official (or of unknown sector) of the country the description
    names, if it names one."""
    words = c.text.lower().replace("-", " ").split()
    head = words[-1] if words else ""
    if head not in GENERIC_ROLES and not (set(words) & _PAST_WORDS):
        return None
    for prev, target in reversed(assigned):
        if c.block - prev.block > 2:
            break
        if not isinstance(target, _Person) or not prev.subject or (prev.quoted and not c.quoted):
            continue
        if target.sector not in (None, *OFFICIAL_SECTORS):
            continue
        if c.country is None or target.country_now == c.country:
            return target
    return None


def _antecedent(pronoun: Candidate, assigned: list[tuple[Candidate, object]]) -> "_Person | None":
    """The person a pronoun refers to: the latest person that was a subject in this or the two
    previous blocks (news keeps its protagonist as the subject: "Qassemi said ... Assad ... He
    said" is Qassemi), else the latest person mentioned; a pronoun outside quotation marks never
    refers to a person named only inside them ('"X will go," he said' is not X)."""
    latest = None
    for c, target in reversed(assigned):
        if not isinstance(target, _Person) or (c.quoted and not pronoun.quoted):
            continue  # the narrator's "he" is not someone named in a speaker's words
        if latest is None:
            latest = target
        if c.subject and pronoun.block - c.block <= 2:
            return target
    return latest


# Words that name the same kind of post ("envoy" for an adviser on a mission, "aide" for an adviser),
# and whether a description must name the country for the synonym to count ("the Russian leader" is
# the Russian president; "the leader" alone is anyone's).
OFFICE_SYNONYMS = (
    (frozenset({"adviser", "advisor", "aide", "envoy", "counsellor", "counselor"}), False),
    (frozenset({"president", "leader", "head of state"}), True),
    (frozenset({"diplomat", "envoy", "ambassador", "minister", "deputy"}), True),
)


def _synonym_office(head: str, office: str, with_country: bool) -> bool:
    words = set(office.lower().split())
    return any(head in group and words & group and (with_country or not needs_country)
               for group, needs_country in OFFICE_SYNONYMS)
