"""The event lexicon: which words trigger which PLOVER event. Data, not code.

Reads `data/lexicon/events.tsv` (triggers) and `data/lexicon/cues.tsv` (status cues). Format of
`events.tsv`, tab-separated, `#` lines are comments, a `# version: N` line names the version:

    pos     lemma   requires            type      mode    cameo  target          notes
    verb    meet    -                   CONSULT   -       04     with,-          meeting
    verb    pull    prt=out;prep=of     REJECT    -       12     of              pull out of a deal
    verb    hold    dobj=talk|meeting   CONSULT   -       04     with            light verb + noun
    noun    visit   -                   CONSULT   visit   042    to              "a visit to Moscow"
    verb    launch  light               -         -       -      -               light verb: takes the noun's event

- pos: `verb` (matched on verb lemmas), `noun` (nominal triggers, matched on noun lemmas) or
  `judgement` (an evaluative adjective or noun, "selfish", "mistake": the speaker of a reported
  sentence judging an actor, "X said the US' selfish behaviour ..." -> X ACCUSE US).
- requires: `-`, or `;`-separated constraints: `dobj=a|b` (direct object lemma), `prt=x` (particle),
  `prep=x` (a preposition attached to the trigger), `light` (a light verb: "hold talks", "launch an
  attack" take the type of their object noun, which must itself be a noun trigger), `source=x`
  (the source is the object of preposition x and the subject is the target: "receive a reply from X").
- target: the prepositions that introduce the target, in order of preference; `-` for the direct
  object (verbs). Empty or `-` alone means: direct object only.
- cameo: the CAMEO code (its first two digits are the root exported as `cameo_root`).
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources

PLOVER_QUAD = {
    "AGREE": 1, "CONSULT": 1, "SUPPORT": 1, "CONCEDE": 1,
    "COOPERATE": 2, "AID": 2, "RETREAT": 2,
    "REQUEST": 3, "ACCUSE": 3, "REJECT": 3, "THREATEN": 3, "SANCTION": 3,
    "PROTEST": 4, "MOBILIZE": 4, "COERCE": 4, "ASSAULT": 4,
}  # fmt: skip


@dataclass(frozen=True)
class Trigger:
    pos: str  # "verb" | "noun" | "judgement"
    lemma: str
    type: str | None  # None for light verbs
    mode: str | None
    cameo: str | None
    target_preps: tuple[str, ...]  # "-" stands for the direct object
    dobj: frozenset[str] = frozenset()
    prt: str | None = None
    prep: str | None = None
    light: bool = False
    source_prep: str | None = None  # "from": the source is the object of this preposition
    notes: str = ""

    @property
    def specificity(self) -> int:
        """More constrained entries win over bare lemmas ("pull out of" over "pull")."""
        return bool(self.dobj) + bool(self.prt) + bool(self.prep)

    @property
    def cameo_root(self) -> str | None:
        return self.cameo[:2] if self.cameo else None


@dataclass(frozen=True)
class Cue:
    word: str
    status: str  # future | hypothetical | negated
    pos: str  # the part of speech or dependency the cue must have ("aux", "neg", "verb", "any")


@dataclass(frozen=True)
class Lexicon:
    version: str
    triggers: tuple[Trigger, ...]
    cues: tuple[Cue, ...]

    @classmethod
    def load(cls) -> "Lexicon":
        version, rows = _read_tsv("events.tsv")
        triggers = tuple(_trigger(row, n) for n, row in rows)
        _, cue_rows = _read_tsv("cues.tsv")
        cues = tuple(Cue(r[0].lower(), r[1], r[2] if len(r) > 2 else "any") for _, r in cue_rows)
        return cls(version=f"lexicon-{version}", triggers=triggers, cues=cues)

    def verbs(self, lemma: str) -> list[Trigger]:
        return [t for t in self.triggers if t.pos == "verb" and t.lemma == lemma]

    def nouns(self, lemma: str) -> list[Trigger]:
        return [t for t in self.triggers if t.pos == "noun" and t.lemma == lemma]

    def index(self) -> dict[tuple[str, str], tuple[Trigger, ...]]:
        """(pos, lemma) -> triggers, most specific first: build once, look up per token."""
        out: dict[tuple[str, str], list[Trigger]] = {}
        for t in self.triggers:
            out.setdefault((t.pos, t.lemma), []).append(t)
        return {k: tuple(sorted(v, key=lambda t: -t.specificity)) for k, v in out.items()}

    def cue_map(self) -> dict[str, tuple[Cue, ...]]:
        out: dict[str, list[Cue]] = {}
        for c in self.cues:
            out.setdefault(c.word, []).append(c)
        return {k: tuple(v) for k, v in out.items()}


def _read_tsv(name: str) -> tuple[str, Iterator[tuple[int, list[str]]]]:
    text = resources.files("dragoman").joinpath("data", "lexicon", name).read_text(encoding="utf-8")
    version = "0"
    rows: list[tuple[int, list[str]]] = []
    header_seen = False
    for n, line in enumerate(text.splitlines(), 1):
        if line.startswith("#"):
            if line.lower().startswith("# version:"):
                version = line.split(":", 1)[1].strip()
            continue
        if not line.strip():
            continue
        cells = [c.strip() for c in next(csv.reader([line], delimiter="\t"))]
        if not header_seen:  # the first non-comment line names the columns
            header_seen = True
            continue
        rows.append((n, cells))
    return version, iter(rows)


def _trigger(row: list[str], line: int) -> Trigger:
    cells = row + [""] * (8 - len(row))
    pos, lemma, requires, type_, mode, cameo, target, notes = cells[:8]
    if pos not in ("verb", "noun", "judgement"):
        raise ValueError(f"events.tsv line {line}: pos must be verb, noun or judgement, not {pos!r}")
    light = False
    dobj: frozenset[str] = frozenset()
    prt = prep = source_prep = None
    for c in filter(None, (r.strip() for r in requires.split(";"))):
        if c == "-":
            continue
        if c == "light":
            light = True
        elif c.startswith("dobj="):
            dobj = frozenset(c[5:].split("|"))
        elif c.startswith("prt="):
            prt = c[4:]
        elif c.startswith("prep="):
            prep = c[5:]
        elif c.startswith("source="):
            source_prep = c[7:]
        else:
            raise ValueError(f"events.tsv line {line}: unknown constraint {c!r}")
    if not light and type_ not in PLOVER_QUAD:
        raise ValueError(f"events.tsv line {line}: unknown PLOVER type {type_!r}")
    preps = tuple(p.strip() for p in target.split(",") if p.strip()) or ("-",)
    return Trigger(
        pos=pos,
        lemma=lemma.lower(),
        type=None if light else type_,
        mode=None if mode in ("", "-") else mode,
        cameo=None if cameo in ("", "-") else cameo,
        target_preps=preps,
        dobj=dobj,
        prt=prt,
        prep=prep,
        light=light,
        source_prep=source_prep,
        notes=notes,
    )
