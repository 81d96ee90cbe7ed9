"""Actors stage: recognise and resolve every actor of a document.

Reads: `ParsedDocument`. Adds: `DocumentActors` (actors, mentions with offsets, and a token index
used by the events and quotes stages). See `recognize.py` and `resolve.py`.
"""

from __future__ import annotations

import re

from spacy.language import Language

from ..parse import ParsedDocument
from .dictionary import ActorDictionary
from .gazetteer import Gazetteer
from .recognize import Recognizer
from .resolve import DocumentActors, Resolver, actor_ref

__all__ = ["ActorDictionary", "ActorStage", "DocumentActors", "Gazetteer", "actor_ref"]

# A news-agency dateline opening the first paragraph: "TEHRAN -", "MOSCOW, July 12 (Reuters) -".
DATELINE_PLACE = re.compile(r"^\s*([A-Z][A-Z.'\- ]{2,30}?)\s*(?:,[^-–—\n]{0,30})?(?:\([^)]{0,40}\))?\s*[-–—:]\s")


class ActorStage:
    def __init__(self, nlp: Language, gazetteer: Gazetteer, dictionaries: tuple[ActorDictionary, ...] = ()):
        self.gaz = gazetteer
        self.recognize = Recognizer(nlp, gazetteer)
        self.resolve = Resolver(gazetteer, dictionaries)

    def home_country(self, parsed: ParsedDocument) -> str | None:
        """The country of a dateline place at the top of the first body paragraph, if any."""
        text = parsed.document.text
        for pb in parsed.blocks:
            if pb.block.kind != "body":
                continue
            m = DATELINE_PLACE.match(text[pb.block.start : pb.block.end])
            if m:
                entry = self.gaz.lookup(m.group(1).strip().title())
                return entry.country if entry is not None else None
            return None
        return None

    def __call__(self, parsed: ParsedDocument) -> DocumentActors:
        doc = parsed.document
        return self.resolve(self.recognize(parsed), self.home_country(parsed), doc.published,
                            outlet_country=self.gaz.outlet_country(doc.outlet, doc.url))
