"""Actor recognition: find the words in each sentence that name or refer to an actor.

Reads: a `ParsedDocument` and the `Gazetteer`. Returns `Candidate`s (token spans with what the words
say about the actor: kind, country, sector, office); `resolve.py` turns them into actors.

Sources of candidates, in order of trust: gazetteer phrases (countries, capitals and seats of
government, organisations), spaCy PERSON entities extended by the title before them ("Russian
President") and the apposition after them (", a senior adviser to Iran's leader,"), nominal actors
headed by an office or group noun ("the Russian ambassador", "Iranian officials", "police"), other
proper-noun entities (kept aside: they may be people the model took for places, as it often does
with unfamiliar names), and personal pronouns.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span, Token

from ..parse import ParsedDocument
from ..quotemarks import quote_spans
from ..vocabulary import REPORTING_LEMMAS
from .gazetteer import Entry, Gazetteer

# Connectors allowed inside a title ("Ambassador to Iran", "Leader of Iran's Islamic Revolution").
TITLE_CONNECTORS = {"of", "for", "the", "'s", "’s", "-", "on"}
# Diplomatic posts: "X to Y" names the host country Y, not the office holder's country.
POSTED_TO = {"ambassador", "envoy", "representative", "consul", "emissary", "attache", "chargé", "charge"}
# Adjectives that are part of a post's name in a description ("the former deputy foreign minister").
OFFICE_QUALIFIERS = {"former", "deputy", "senior", "acting", "vice", "chief", "special", "top", "interim",
                     "assistant", "principal", "outgoing", "incoming", "foreign", "defence", "defense", "interior",
                     "finance", "national", "supreme", "prime", "general", "executive", "permanent", "military"}
# Nouns that, with "both" or "two", name the two states an article is about ("the two neighbours").
PAIR_NOUNS = {"side", "country", "nation", "neighbour", "neighbor", "government", "state", "capital"}
COUNTERPART = {"counterpart", "counterparts"}
PRONOUNS = {"he": "person", "she": "person", "him": "person", "his": "person", "her": "person"}
SUBJECT_DEPS = {"nsubj", "nsubjpass"}


def _is_subject(span: Span) -> bool:
    """Whether a mention is a subject: its name, or the title the parse made the head of the name
    ("said [Director General] ... Hossein Amir-Abdollahian", the name an apposition of the title)."""
    return any(t.dep_ in SUBJECT_DEPS and not (span.start <= t.head.i < span.end) for t in span)


def _speaks(span: Span) -> bool:
    """A one-word name the model did not tag as a person, subject of a verb of saying ("Velayati
    also said ..."): a person's surname. Acronyms and names of several words (organisations that
    speak, "Acme Wines said") are left to the other rules."""
    if len(span) != 1 or not span[0].is_title:
        return False
    t = span[0]
    return t.dep_ == "nsubj" and t.head.pos_ == "VERB" and t.head.lemma_.lower() in REPORTING_LEMMAS


@dataclass(frozen=True)
class Candidate:
    block: int  # index into ParsedDocument.blocks
    i: int  # token span [i, j) in the block's Doc: the whole mention, title included
    j: int
    head: int  # token index of the name / head noun
    start: int  # document offsets of the whole mention
    end: int
    kind: str  # person | country | organization | group | office | pronoun | proper | pair
    text: str
    name: str | None = None  # canonical name when known (countries, organisations)
    country: str | None = None
    sector: str | None = None
    office: str | None = None
    how: str = "name"  # Mention.how
    definite: bool = False  # "the Russian president": may refer to a named person
    subject: bool = False  # the head is a subject: pronouns prefer recent subjects
    counterpart: bool = False  # "his Russian counterpart X": X holds the office of the person before
    coordinated: bool = False  # the head is coordinated with another phrase ("Iran and Russia")
    coordination: int | None = None  # the first conjunct's token: candidates named together share it
    owner: int | None = None  # token of a possessor ("Assad's forces", "Blair's spokesman")
    several: bool = False  # "ministers of both countries": of several states, so of no one country
    quoted: bool = False  # inside quotation marks: someone's words, not the narration


class Recognizer:
    """Finds actor candidates in parsed documents. Build once per process; stateless per call."""

    def __init__(self, nlp: Language, gazetteer: Gazetteer):
        self.gaz = gazetteer
        self.matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        seen: set[str] = set()
        patterns = []
        for entry in gazetteer.phrases():
            if entry.kind in ("country", "metonym", "organization", "demonym", "region") and entry.alias.lower() not in seen:
                seen.add(entry.alias.lower())
                patterns.append(nlp.make_doc(entry.alias))
        self.matcher.add("GAZ", patterns)

    def __call__(self, parsed: ParsedDocument) -> list[Candidate]:
        out: list[Candidate] = []
        for b, pb in enumerate(parsed.blocks):
            out.extend(self._block(b, pb.offset, pb.doc, pb.text))
        return out

    # -- one block -------------------------------------------------------------------------
    def _block(self, b: int, offset: int, doc: Doc, text: str) -> list[Candidate]:
        taken = [False] * len(doc)
        cands: list[Candidate] = []
        quoted = [(s.start, s.end) for s in quote_spans(text)]

        def add(c: Candidate) -> None:
            for k in range(c.i, c.j):
                taken[k] = True
            head = doc[c.head]
            if head.conjuncts:
                c = replace(c, coordinated=True, coordination=min(t.i for t in (head, *head.conjuncts)))
            if any(lo <= head.idx < hi for lo, hi in quoted):
                c = replace(c, quoted=True)
            cands.append(c)

        # 1. People: PERSON entities, with their title and apposition.
        for ent in doc.ents:
            if ent.label_ == "PERSON" and not any(taken[ent.start : ent.end]):
                person = self._person(b, offset, doc, ent)
                if person is not None:
                    add(person)
                    # The apposition's head ("X, [a senior adviser] to ...") is X again, not another actor;
                    # what it serves ("the Leader") is read as usual.
                    app = self._apposition(doc, doc[person.i : person.j][-1:] if person.j > person.i else ent)
                    if app is not None:
                        head = app.root
                        for t in [*(t for t in head.lefts if t.i >= app.start), head]:
                            taken[t.i] = True

        # 2. Gazetteer phrases (longest first), unless inside a person's title.
        matches = sorted(self.matcher(doc), key=lambda m: (-(m[2] - m[1]), m[1]))
        for _, i, j in matches:
            if any(taken[i:j]):
                continue
            span = doc[i:j]
            entry = self.gaz.lookup(span.text)
            if entry is None:
                continue
            if entry.kind == "region":  # "New Mexico", "South China Sea": blocks the country inside
                for k in range(i, j):
                    taken[k] = True
                continue
            if entry.kind == "demonym":
                c = self._demonym_group(b, offset, doc, span, entry)
                if c is not None:
                    add(c)
                continue
            # "the Iranian Foreign Ministry", "Iran's special envoy", "Russian officials": the country
            # word belongs to the organisation or nominal actor it modifies.
            head = span.root.head
            if head.i > j - 1 and span.root.dep_ in ("compound", "amod", "poss", "nmod") and (
                _is_org_head(head) or self.gaz.office(head.lower_) or self.gaz.nominal(head.lemma_.lower())
            ) and entry.kind in ("country", "demonym", "metonym"):
                continue
            # A capital standing for its government ("Tehran") is the country; a seat with a name
            # of its own ("the Pentagon", "the Kremlin") is an organisation of that country.
            is_country = entry.kind == "country" or (
                entry.kind == "metonym" and entry.country is not None and entry.name == self.gaz.country_name(entry.country))
            kind = "country" if is_country else "organization"
            add(Candidate(b, i, j, span.root.i, offset + span.start_char, offset + span.end_char, kind,
                          span.text, name=entry.name, country=entry.country, sector=entry.sector,
                          how="country" if entry.kind == "country" else ("metonym" if entry.kind == "metonym" else "name")))

        # 2b. "both sides", "the two countries", "both" as a subject: a pair of states, resolved later.
        for tok in doc:
            if taken[tok.i]:
                continue
            pair = self._pair(tok)
            if pair is not None:
                i, j = pair
                add(Candidate(b, i, j, tok.i, offset + doc[i].idx, offset + doc[j - 1].idx + len(doc[j - 1]), "pair",
                              doc[i:j].text, how="description", definite=True, subject=tok.dep_ in SUBJECT_DEPS))

        # 3. Nominal actors headed by an office or group noun.
        for tok in doc:
            if taken[tok.i] or tok.pos_ not in ("NOUN", "PROPN"):
                continue
            c = self._nominal(b, offset, doc, tok, taken)
            if c is not None:
                add(c)

        # 4. Other proper-noun entities: maybe people the model mislabelled; resolve.py decides.
        for ent in doc.ents:
            if ent.label_ in ("ORG", "GPE", "NORP", "FAC", "LOC") and not any(taken[ent.start : ent.end]):
                span = _strip_possessive(ent)
                if span is None or not any(t.pos_ == "PROPN" for t in span):
                    continue
                c = self._organization(b, offset, doc, span) if ent.label_ == "ORG" else None
                add(c or Candidate(b, span.start, span.end, span.root.i, offset + span.start_char,
                                   offset + span.end_char, "person" if _speaks(span) else "proper", span.text,
                                   how="name", subject=_is_subject(span)))

        # 4b. Proper nouns the model left untagged ("Volodin also served ..."): a surname, perhaps.
        k = 0
        while k < len(doc):
            if taken[k] or doc[k].pos_ != "PROPN" or not doc[k].is_title or doc[k].ent_type_:
                k += 1
                continue
            e = k
            while e < len(doc) and not taken[e] and doc[e].pos_ == "PROPN" and doc[e].is_title and not doc[e].ent_type_:
                e += 1
            if e - k <= 3:
                span = doc[k:e]
                add(Candidate(b, k, e, span.root.i, offset + span.start_char, offset + span.end_char,
                              "person" if _speaks(span) else "proper", span.text, how="name",
                              subject=_is_subject(span)))
            k = e

        # 5. Personal pronouns (resolved later to the most recent compatible person).
        for tok in doc:
            if not taken[tok.i] and tok.lower_ in PRONOUNS and tok.tag_ in ("PRP", "PRP$"):
                add(Candidate(b, tok.i, tok.i + 1, tok.i, offset + tok.idx, offset + tok.idx + len(tok), "pronoun",
                              tok.text, how="pronoun", subject=tok.dep_ in SUBJECT_DEPS))
        return sorted(cands, key=lambda c: c.start)

    # -- people ----------------------------------------------------------------------------
    def _person(self, b: int, offset: int, doc: Doc, ent: Span) -> Candidate | None:
        name = _strip_possessive(ent)
        if name is None:
            return None
        honorifics = self.gaz.honorifics()
        # Honorifics the model put inside the entity ("Ayatollah Ali Khamenei") are part of the title.
        # and so are places the model swept into the name ("Ambassador to [Kenya Taro Yamada]").
        k = name.start
        while k < name.end - 1 and (doc[k].text.lower().rstrip(".") in honorifics or self._country_word(doc[k])):
            k += 1
        name = doc[k : name.end]
        # A person entity that is really a known country/organisation ("Iran" tagged PERSON).
        entry = self.gaz.lookup(name.text)
        if entry is not None and entry.kind in ("country", "metonym", "organization"):
            return None
        i = self._title_start(doc, ent.start)
        title = doc[i : name.start]
        country, sector, office = self._read_title(title)
        j = name.end
        app = self._apposition(doc, name)
        if app is not None:
            a_country, a_sector, a_office = self._read_apposition(app)
            country = country or a_country
            sector = sector or a_sector
            office = office or a_office
        counterpart = any(t.lower_ in COUNTERPART for t in title)
        start = offset + doc[i].idx
        end = offset + name.end_char
        return Candidate(b, i, j, name.root.i, start, end, "person", doc[i:j].text, name=name.text, country=country,
                         sector=sector, office=office, how="title" if office or country or counterpart else "name",
                         subject=_is_subject(doc[i:j]), counterpart=counterpart and office is None)

    def _title_start(self, doc: Doc, i: int) -> int:
        """Walk left from a name over the words of a title: capitalised words, office words, connectors."""
        start = i
        k = i - 1
        while k >= 0:
            t = doc[k]
            low = t.lower_
            if t.is_punct and low not in ("-",):
                break
            if low == "-" and (t.whitespace_ or (k > 0 and doc[k - 1].whitespace_)):
                break  # a dash between words ("TEHRAN - Ali ..."), not inside a hyphenated title
            if low in COUNTERPART:
                start = k
                k -= 1
                continue
            if t.ent_type_ == "PERSON" or t.ent_type_ in ("DATE", "TIME", "CARDINAL"):
                break  # another person's name ends this title
            if low == "to" and k > 0 and doc[k - 1].lower_ in POSTED_TO:
                k -= 1  # "Ambassador to Iran"
                continue
            if low in TITLE_CONNECTORS:
                if low in ("of", "for", "on") and k > 0 and not (doc[k - 1].is_title or doc[k - 1].is_upper):
                    break  # "an envoy of [Iranian President X]": a lowercase post is someone else's
                k -= 1
                continue
            if t.is_title or t.is_upper or self.gaz.office(low) is not None or low.rstrip(".") in self.gaz.honorifics():
                if t.pos_ in ("VERB", "AUX", "PRON", "DET") and not t.is_title:
                    break
                start = k
                k -= 1
                continue
            if t.pos_ == "ADJ" and k + 1 <= i and (self.gaz.office(doc[k + 1].lower_) is not None):
                start = k  # "senior", "former" before an office word
                k -= 1
                continue
            break
        # A title cannot begin with a connector; "According to ..." is not part of it.
        while start < i and (doc[start].lower_ in TITLE_CONNECTORS or doc[start].lower_ in ("according",)):
            start += 1
        return start

    def _apposition(self, doc: Doc, name: Span) -> Span | None:
        """", a senior adviser to the Leader of Iran's Islamic Revolution," after a name."""
        k = name.end
        if k >= len(doc) or doc[k].text != ",":
            return None
        end = k + 1
        while end < len(doc) and doc[end].text not in (",", ";", ".", "(", ")") and end - k < 25:
            if doc[end].pos_ in ("VERB", "AUX") and doc[end].tag_ not in ("VBN",):
                return None  # a clause, not an apposition
            end += 1
        app = doc[k + 1 : end]
        if len(app) == 0 or app[0].lower_ not in ("a", "an", "the", "his", "her", "its", "their", "also") and not any(
            self.gaz.office(t.lower_) for t in app[:3]
        ):
            return None
        return app

    def _read_apposition(self, app: Span) -> tuple[str | None, str | None, str | None]:
        """What an apposition says: (country, sector, office). The office is the apposition's head
        with its modifiers ("a senior adviser to the Leader of Iran" -> "senior adviser"); a generic
        role takes its sector from the office or institution it serves ("aide to the speaker of
        parliament" -> LEG); the country is the first one named (not the host of a posting)."""
        root = app.root
        if self.gaz.office(root.lower_) is None and self.gaz.office(root.lemma_.lower()) is None:
            return self._read_title(app)
        mods = [t for t in root.lefts if t.dep_ in ("amod", "compound") and self._country_word(t) is None
                and t.i >= app.start]
        office_tokens = sorted(mods + [root], key=lambda t: t.i)
        office_text = " ".join(t.text for t in office_tokens)
        entry = self.gaz.office(office_text) or self.gaz.office(root.lower_) or self.gaz.office(root.lemma_.lower())
        sector = entry.sector if entry else None
        if self.gaz.generic_office(root.lemma_.lower()) or self.gaz.generic_office(root.lower_):
            served = [t for t in app if t.i > root.i and t.head.i >= root.i]
            for t in served:
                e = self.gaz.office(t.lower_) or self.gaz.nominal(t.lemma_.lower()) or self.gaz.nominal(t.lower_)
                if e is not None and e.sector:
                    sector = e.sector
                    break
        country, _, _ = self._read_title(app)
        office_text = " ".join(w if w.isupper() else w[:1].upper() + w[1:] for w in office_text.split())
        return country, sector, office_text

    def _read_title(self, title: Span | list[Token]) -> tuple[str | None, str | None, str | None]:
        """What a title says: (country, sector, office). Longest office phrase wins."""
        tokens = list(title)
        if not tokens:
            return None, None, None
        words = [t.text for t in tokens]
        office_entry: Entry | None = None
        office_at: tuple[int, int] | None = None
        # The office nearest the name wins ("Leader of the Revolution Ayatollah ... President X"), then the
        # longest; a religious honorific ("Ayatollah") counts only when the title holds no other office.
        honorifics = self.gaz.honorifics()
        fallback: tuple[Entry, tuple[int, int]] | None = None
        for end in range(len(words), 0, -1):
            for s in range(0, end):
                e = self.gaz.office(" ".join(words[s:end]))
                if e is None:
                    continue
                if (e.name or "").lower() in honorifics or words[end - 1].lower().rstrip(".") in honorifics:
                    fallback = fallback or (e, (s, end))
                    continue
                office_entry, office_at = e, (s, end)
                break
            if office_entry:
                break
        if office_entry is None and fallback is not None:
            office_entry, office_at = fallback
        # The office holder's country: a demonym or country in the title, except the host of a posting
        # ("Ambassador to Iran"): words after "to" that follow a diplomatic post do not count.
        posted = any(w.lower() in POSTED_TO for w in words)
        country = None
        skip_until = -1
        for n, t in enumerate(tokens):
            if n <= skip_until:
                continue
            if posted and t.lower_ == "to":
                skip_until = n + 3
                continue
            # two words first: "North Korean leader" is not a (South) Korean one, "New Zealand" no "Zealand"
            e = self._country_word(t, tokens[n + 1] if n + 1 < len(tokens) else None) or self._country_word(t)
            if e is not None:
                country = e
                break
        if country is None and office_entry is not None:
            country = office_entry.country  # an office only one state has ("Taoiseach")
        office = " ".join(words[office_at[0] : office_at[1]]) if office_at else None
        if office_at:
            # Keep the modifiers of the office that are not the country ("Foreign Ministry Spokesman").
            nation = self._country_tokens(tokens)  # "New Zealand", "North Korean": both words
            s = office_at[0]
            while s < office_at[1] - 1 and s in nation:
                s += 1
            while s > 0 and tokens[s - 1].is_title and s - 1 not in nation:
                s -= 1
            office = " ".join(words[s : office_at[1]])
        return country, office_entry.sector if office_entry else None, office

    def _country_tokens(self, tokens: list[Token]) -> set[int]:
        """The positions of the words that name a country or its people, two-word names included."""
        out: set[int] = set()
        for n, t in enumerate(tokens):
            if n + 1 < len(tokens) and self._country_word(t, tokens[n + 1]):
                out |= {n, n + 1}
            elif self._country_word(t):
                out.add(n)
        return out

    def _country_word(self, t: Token, then: Token | None = None) -> str | None:
        if then is None:
            e = self.gaz.lookup(t.text)
        elif t.whitespace_ and t.is_title and then.is_title:
            e = self.gaz.lookup(f"{t.text} {then.text}")
        else:
            return None
        if e is not None and e.kind in ("country", "demonym") and e.country:
            return e.country
        return None

    # -- nominal actors ----------------------------------------------------------------------
    def _nominal(self, b: int, offset: int, doc: Doc, tok: Token, taken: list[bool]) -> Candidate | None:
        lemma = tok.lemma_.lower()
        group = self.gaz.nominal(lemma) or self.gaz.nominal(tok.lower_)
        if group is None:  # "the air force": a listed two-word institution
            group = next((g for c in tok.lefts if c.dep_ == "compound" and c.i == tok.i - 1
                          for g in [self.gaz.nominal(f"{c.lower_} {tok.lower_}")] if g is not None), None)
        office = self.gaz.office(tok.lower_) or self.gaz.office(lemma)
        if group is None and office is None:
            return None
        # Only the head of its noun phrase: "foreign ministry spokesman" is headed by "spokesman".
        if tok.dep_ in ("compound", "amod") and tok.head.pos_ in ("NOUN", "PROPN"):
            return None
        left = [c for c in tok.lefts if c.dep_ in ("det", "amod", "compound", "poss", "nmod", "nummod")]
        full = doc[min([tok.i] + [c.left_edge.i for c in left]) : tok.i + 1]  # what the phrase says
        i = full.start
        while i < tok.i and (taken[i] or doc[i].dep_ == "case" or doc[i].is_punct):
            i += 1
        span = full  # attributes come from the whole phrase; the mention starts at its first free word
        country = None
        for k, t in enumerate(span):
            nxt = span[k + 1] if k + 1 < len(span) else None
            country = country or self._country_word(t, nxt) or self._country_word(t)
        for c in tok.lefts:  # "the Ivory Coast's air force": a country name of several words
            if country is None and c.dep_ in ("poss", "compound", "nmod") and c.i > c.left_edge.i:
                e = self.gaz.lookup(doc[c.left_edge.i : c.i + 1].text)
                country = e.country if e is not None and e.kind in ("country", "demonym") else None
        # "Iran's special envoy", "of Iran" after the noun
        for c in tok.rights:
            if c.dep_ == "prep" and c.lower_ == "of":
                for g in c.children:
                    if g.dep_ == "pobj":
                        country = country or self._country_word(g)
        if country is None and office is not None:
            country = office.country  # "the Taoiseach": an office only one state has
        definite = any(t.lower_ in ("the", "his", "her", "its", "their") or t.dep_ == "poss" for t in span[:-1]) or (
            len(span) and span[0].lower_ == "the")
        plural = tok.tag_ in ("NNS", "NNPS")
        text = doc[i : tok.i + 1].text
        subject = tok.dep_ in SUBJECT_DEPS
        if office is not None and not plural:
            nation = {span[n].i for n in self._country_tokens(list(span))}
            phrase = " ".join(t.text for t in span if t.head.i == tok.i and t.i not in nation and (
                t.dep_ == "compound" or (t.dep_ == "amod" and self._qualifies(t, tok))))
            office_text = (phrase + " " + tok.text).strip() if phrase else tok.text
            sector = (self.gaz.office(office_text) or office).sector  # "army spokesman" is MIL
            owner = next((c.i for c in tok.lefts if c.dep_ == "poss" and c.pos_ == "PROPN"), None)
            return Candidate(b, i, tok.i + 1, tok.i, offset + doc[i].idx, offset + tok.idx + len(tok), "office",
                             text, country=country, sector=sector, office=office_text,
                             how="description", definite=definite, subject=subject, owner=owner)
        entry = group or office
        several = country is None and any(
            self._pair(g) is not None or any(x.dep_ == "conj" for x in g.children)
            for c in tok.rights if c.dep_ == "prep" and c.lower_ == "of" for g in c.children if g.dep_ == "pobj")
        owner = next((c.i for c in tok.lefts if c.dep_ == "poss" and c.pos_ == "PROPN"), None)
        if owner is None and any(c.dep_ == "poss" and c.lower_ in ("their", "its") for c in tok.lefts):
            # "The Spanish put their forces on standby": the forces of the clause's subject
            v = tok.head
            while v.pos_ not in ("VERB", "AUX") and v.head.i != v.i:
                v = v.head
            subj = next((c for c in v.children if c.dep_ in SUBJECT_DEPS and c.i < tok.i), None)
            owner = subj.i if subj is not None else None
        return Candidate(b, i, tok.i + 1, tok.i, offset + doc[i].idx, offset + tok.idx + len(tok), "group", text,
                         country=country, sector=entry.sector, office=None, how="nominal", name=tok.lemma_.lower(),
                         subject=subject, owner=owner if country is None else None, several=several)

    def _pair(self, tok: Token) -> tuple[int, int] | None:
        """The span of a phrase naming two states together, headed by `tok`, or None."""
        if tok.lemma_.lower() in PAIR_NOUNS and tok.tag_ in ("NNS", "NNPS"):
            marks = [c for c in tok.lefts if c.lower_ in ("both", "two")]
            if marks:
                start = min(c.left_edge.i for c in tok.lefts if c.dep_ in ("det", "predet", "nummod", "amod")) \
                    if any(c.dep_ in ("det", "predet", "nummod", "amod") for c in tok.lefts) else marks[0].i
                return start, tok.i + 1
        if tok.lower_ == "both" and tok.dep_ in SUBJECT_DEPS and tok.pos_ in ("DET", "PRON"):
            return tok.i, tok.i + 1
        return None

    def _qualifies(self, adj: Token, office: Token) -> bool:
        """An adjective that belongs to an office ("former", "deputy", "foreign" minister), not a
        comment on its holder ("the rebellious president")."""
        low = adj.lower_
        if low in OFFICE_QUALIFIERS:
            return True
        # a listed post of its own ("prime minister"), not the office found again ("clever sheriff")
        whole, alone = self.gaz.office(f"{low} {office.lower_}"), self.gaz.office(office.lower_)
        return whole is not None and (alone is None or whole.name != alone.name)

    def _demonym_group(self, b: int, offset: int, doc: Doc, span: Span, entry: Entry) -> Candidate | None:
        """A plural demonym used as a noun ("Iranians") names the people of a country."""
        tok = span.root
        if len(span) == 1 and _nation_noun(tok) and entry.country:
            # "The Spanish have put their forces on standby", "the French won": the nation, a group
            # (a government, a people or a team: the text decides, the country is what is sure)
            return Candidate(b, span.start, span.end, tok.i, offset + span.start_char, offset + span.end_char,
                             "group", span.text, country=entry.country, sector=None, how="demonym", name="people")
        if tok.pos_ in ("NOUN", "PROPN") and tok.tag_ in ("NNS", "NNPS") and tok.dep_ not in ("amod", "compound"):
            return Candidate(b, span.start, span.end, tok.i, offset + span.start_char, offset + span.end_char, "group",
                             span.text, country=entry.country, sector="CVL", how="demonym", name="people")
        return None

    def _organization(self, b: int, offset: int, doc: Doc, span: Span) -> Candidate | None:
        """An ORG entity: a ministry, an army, a party. Country from a demonym or country inside it."""
        country = None
        sector = None
        for t in span:
            country = country or self._country_word(t)
            e = self.gaz.office(t.lower_) or self.gaz.nominal(t.lemma_.lower())
            if e is not None:
                sector = e.sector
        if country is None and sector is None:
            return None
        return Candidate(b, span.start, span.end, span.root.i, offset + span.start_char, offset + span.end_char,
                         "organization", span.text, name=span.text.removeprefix("the ").strip(), country=country,
                         sector=sector, how="name")


def _strip_possessive(span: Span) -> Span | None:
    """'Putin's' -> 'Putin'; a leading 'the', or an adverb the model swept in ("Later Valdiviso"), is
    dropped too."""
    doc = span.doc
    i, j = span.start, span.end
    while j > i and doc[j - 1].text in ("'s", "’s", "'", "’"):
        j -= 1
    while i < j and (doc[i].lower_ == "the" or doc[i].pos_ in ("ADV", "ADP", "CCONJ", "SCONJ", "PUNCT", "PART")):
        i += 1
    return doc[i:j] if j > i else None


def _is_org_head(tok: Token) -> bool:
    return tok.lower_ in {"ministry", "embassy", "parliament", "army", "navy", "government", "council", "agency",
                          "party", "court", "police", "forces", "force", "guard", "corps", "committee", "office",
                          "bank", "company", "news", "media", "television", "tv", "radio", "university"}


def _nation_noun(tok: Token) -> bool:
    """"the French", "the British", "the Chinese": a demonym that is its own plural, after "the"
    and heading its phrase, names the nation."""
    return (tok.lower_.endswith(("sh", "ch", "ese", "ss")) and tok.i > 0 and tok.doc[tok.i - 1].lower_ == "the"
            and tok.dep_ not in ("amod", "compound", "poss") and not any(c.dep_ in ("compound", "amod") for c in tok.children)
            and (tok.i + 1 >= len(tok.doc) or tok.doc[tok.i + 1].pos_ not in ("NOUN", "PROPN")))
