"""Actors across documents: people learned in one document resolve bare mentions in others.

Reads: `CodedDocument`s and an `ActorMemory` (the people the store already knows, with a country).
Returns the documents with their person actors linked: "Qassemi" in a report that never gives his
title becomes the Bahram Qassemi (IRN, GOV) of an earlier report; "Mr. Ali Akbar Velayti" becomes
Ali Akbar Velayati. Every role that pointed at the linked actor (mentions, events, quotes) follows.

A batch is linked after all of its documents were learned from, so the result does not depend on
the order of documents within a batch or on the number of worker processes. A later batch learns
from earlier ones; documents stored before a person was learned are not revisited.

Linking is by name, with the same safeguards as within a document: the surname agrees (exactly, or
by fuzzy match for a typo), the given names do not conflict, the country, when the document gives
one, agrees, and exactly one known person fits. Otherwise the actor stays as the document made it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace

from rapidfuzz import fuzz, process

from ..schema import Actor, ActorRef, CodedDocument
from .dictionary import SURNAME_SIMILARITY, given_names_fit, key


class ActorMemory:
    """People with a known country, by surname. One per run; it grows as batches are coded."""

    def __init__(self, people: Iterable[Actor] = ()):
        self._people: dict[str, Actor] = {}
        self._by_surname: dict[str, set[str]] = {}
        self.learn(people)

    def __len__(self) -> int:
        return len(self._people)

    def learn(self, actors: Iterable[Actor]) -> None:
        """Remember every person with a full name; those without a country count as other bearers
        of their surname (so "Howard" is not unique when two Howards are known) but are never
        linked to."""
        for a in actors:
            if a.kind != "person" or a.actor_id in self._people:
                continue
            words = key(a.name).split()
            if len(words) < 2:
                continue  # a bare surname teaches nothing about who else bears it
            self._people[a.actor_id] = a
            self._by_surname.setdefault(words[-1], set()).add(a.actor_id)

    def match(self, actor: Actor, context: frozenset[str] | None = None) -> Actor | None:
        """The one known person this document's person actor is, or None. A bare surname links only
        when the document names the person's country (`context`); a typo is forgiven only in a
        full name; a sector the document gives must agree."""
        if actor.kind != "person" or (actor.actor_id in self._people and self._people[actor.actor_id].country):
            return None
        words = key(actor.name).split()
        if not words:
            return None
        surname, given = words[-1], words[:-1]
        ids: set[str] = set(self._by_surname.get(surname, ())) - {actor.actor_id}  # not itself, learned just now
        if not ids and given and len(surname) >= 5:  # a typo: only when no one bears the surname as written
            for s, _, _ in process.extract(surname, list(self._by_surname), scorer=fuzz.ratio,
                                           score_cutoff=SURNAME_SIMILARITY, limit=None):
                ids |= self._by_surname[s]
        ids.discard(actor.actor_id)
        fits = []
        for i in sorted(ids):
            known = self._people[i]
            if actor.country and known.country != actor.country:
                continue
            if not given_names_fit(given, key(known.name).split()[:-1]):
                continue
            fits.append(known)
        if len(fits) != 1:
            return None
        known = fits[0]
        if known.country is None:
            return None
        if actor.sector and known.sector and actor.sector != known.sector:
            return None  # the minister and the rugby captain of one name are two people
        if not given and context is not None and known.country not in context:
            return None
        return known


def link_batch(coded: Sequence[CodedDocument], memory: ActorMemory) -> list[CodedDocument]:
    """Learn the people of a batch, then link every document of it (see the module docstring)."""
    for cd in coded:
        memory.learn(cd.actors)
    return [link(cd, memory) for cd in coded]


def link(cd: CodedDocument, memory: ActorMemory) -> CodedDocument:
    mapping: dict[str, Actor] = {}
    # The states the document names: a bare surname links only to a person of one of them.
    context = frozenset(a.country for a in cd.actors if a.country)
    for a in cd.actors:
        known = memory.match(a, context)
        if known is not None:
            mapping[a.actor_id] = replace(
                known, country=a.country or known.country, sector=a.sector or known.sector,
                office=a.office or known.office, aliases=a.aliases)
    if not mapping:
        return cd
    actors: dict[str, Actor] = {}
    for a in cd.actors:
        new = mapping.get(a.actor_id, a)
        prev = actors.get(new.actor_id)
        actors[new.actor_id] = new if prev is None else replace(
            prev, aliases=tuple(dict.fromkeys(prev.aliases + new.aliases)))
    mentions = tuple(replace(m, actor_id=mapping[m.actor_id].actor_id) if m.actor_id in mapping else m
                     for m in cd.mentions)
    events = []
    for e in cd.events:
        e = replace(e, source=_ref(e.source, mapping), target=_ref(e.target, mapping), via=_ref(e.via, mapping))
        if e.source is not None and e.target is not None and e.source.actor_id == e.target.actor_id:
            continue  # two names of one person, now known to be one: not an interaction
        events.append(e)
    quotes = tuple(replace(q, speaker=_ref(q.speaker, mapping)) for q in cd.quotes)
    messages = tuple(replace(m, sender=_ref(m.sender, mapping), recipient=_ref(m.recipient, mapping),
                             carriers=tuple(replace(c, actor=_ref(c.actor, mapping)) for c in m.carriers))
                     for m in cd.messages)
    return replace(cd, actors=tuple(actors.values()), mentions=mentions, events=tuple(events), quotes=quotes,
                   messages=messages)


def _ref(ref: ActorRef | None, mapping: dict[str, Actor]) -> ActorRef | None:
    if ref is None or ref.actor_id not in mapping:
        return ref
    a = mapping[ref.actor_id]
    return replace(ref, actor_id=a.actor_id, name=a.name, country=a.country, sector=a.sector)
