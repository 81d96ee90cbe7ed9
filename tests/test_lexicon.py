"""The event lexicon as data: it loads, covers PLOVER, agrees with the CAMEO table, and codes the
expressions political news uses most with the type a coder of PLOVER would give them.

No model is needed: `resolve()` below applies the lexicon's documented matching contract (see
`dragoman/events/lexicon.py`) to a verb or noun with the objects and prepositions a parse would
give it. Expected types were chosen by hand from PLOVER.md, not read back from the lexicon.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from dragoman.events.lexicon import PLOVER_QUAD, Lexicon, Trigger

CAMEO_TABLE = Path(__file__).parent / "data" / "ontology" / "CAMEO2PLOVER-2021.txt"

# Modes per type, copied by hand from the table in PLOVER.md (PLOVER 2.0 draft).
PLOVER_MODES: dict[str, set[str]] = {
    "AGREE": set(),
    "CONSULT": {"visit", "third-party", "multilateral", "phone"},
    "SUPPORT": set(),
    "CONCEDE": set(),
    "COOPERATE": set(),
    "AID": set(),
    "RETREAT": {"withdraw", "release", "disarm", "ceasefire", "access", "resign"},
    "REQUEST": {"assist", "change", "yield", "meet"},
    "ACCUSE": {"disapprove", "investigate", "allege"},
    "REJECT": {"assist", "change", "yield", "meet"},
    "THREATEN": {"restrict", "arrest", "relations", "expel", "territory", "violence"},
    "SANCTION": {"convict", "expel", "withdraw", "discontinue"},
    "PROTEST": {"demo", "riot", "strike", "hunger", "boycott", "obstruct", "vandalize"},
    "MOBILIZE": {"troops", "weapons", "police", "militia"},
    "COERCE": {"seize", "restrict", "censor", "curfew", "martial-law", "arrest", "deport", "withhold",
               "misinformation", "cyber"},
    "ASSAULT": {"abduct", "beat", "torture", "sexual", "targeted", "destroy", "primitive", "firearms",
                "explosives", "suicide-attack", "aerial", "drone", "heavy-weapons", "crowd-control",
                "unconventional"},
}  # fmt: skip

# (CAMEO code, PLOVER type) pairs where the lexicon follows PLOVER 2.0 (PLOVER.md) against the 2021 table.
CAMEO_EXCEPTIONS: dict[tuple[str, str], str] = {
    ("055", "CONCEDE"): "PLOVER 2.0 puts apologies and regret under CONCEDE; the 2021 table has 055 as SUPPORT",
    ("085", "CONCEDE"): "PLOVER 2.0: easing sanctions is a verbal concession (CONCEDE); the table has RETREAT",
    ("0871", "CONCEDE"): "PLOVER 2.0: a declared (not implemented) ceasefire is CONCEDE; the table has RETREAT",
    ("0831", "RETREAT"): "PLOVER 2.0 has RETREAT mode resign; the table keeps 0831 under CONCEDE",
    ("116", "SANCTION"): "PLOVER 2.0 has SANCTION mode convict; the table keeps 116 (found guilty) under ACCUSE",
}
# The 2021 table starts at root 03; PLOVER.md maps CAMEO root 02 (appeals) to REQUEST.
APPEAL_ROOT, APPEAL_TYPE = "02", "REQUEST"


@pytest.fixture(scope="module")
def lexicon() -> Lexicon:
    return Lexicon.load()


@pytest.fixture(scope="module")
def cameo_table() -> dict[str, set[str]]:
    """CAMEO code -> the PLOVER types the 2021 conversion table gives it (root 08 has two)."""
    table: dict[str, set[str]] = {}
    for line in CAMEO_TABLE.read_text(encoding="utf-8").splitlines():
        m = re.match(r"^(\d{2,4}):\s*([A-Z]+)", line)
        if m:
            table.setdefault(m.group(1), set()).add(m.group(2))
    return table


def resolve(lex: Lexicon, pos: str, lemma: str, dobj: str | None = None, preps: tuple[str, ...] = (),
            prts: tuple[str, ...] = (), noun_preps: tuple[str, ...] = ()) -> Trigger | None:
    """The trigger a word gets under the lexicon's contract: most specific row first; `dobj=` names the
    object lemma, `prt=` needs a particle, `prep=` a preposition or a particle; a light verb takes the
    trigger of its object noun (whose own `prep=` must be among `noun_preps`)."""
    if pos == "noun":
        preps, noun_preps = noun_preps, ()
    for t in lex.index().get((pos, lemma), ()):
        if t.light:
            found = resolve(lex, "noun", dobj, noun_preps=noun_preps) if dobj else None
            if found is not None:
                return found
            continue
        if t.dobj and dobj not in t.dobj:
            continue
        if t.prt and t.prt not in prts:
            continue
        if t.prep and t.prep not in preps and t.prep not in prts:
            continue
        return t
    return None


# -- the files ---------------------------------------------------------------------------------

def test_files_load_with_their_version(lexicon):
    assert lexicon.version == "lexicon-3"
    assert len(lexicon.triggers) > 300
    assert len(lexicon.cues) > 30


def test_every_plover_type_has_at_least_three_triggers_and_a_verb(lexicon):
    for type_ in PLOVER_QUAD:
        rows = [t for t in lexicon.triggers if t.type == type_]
        assert len(rows) >= 3, type_
        assert any(t.pos == "verb" for t in rows), type_


def test_no_duplicate_rows(lexicon):
    seen: dict[tuple, Trigger] = {}
    for t in lexicon.triggers:
        key = (t.pos, t.lemma, t.dobj, t.prt, t.prep, t.light, t.source_prep)
        assert key not in seen, f"duplicate row for {t.pos} {t.lemma}: {t.notes!r} and {seen[key].notes!r}"
        seen[key] = t


def test_light_verbs_carry_no_type_of_their_own(lexicon):
    light = [t for t in lexicon.triggers if t.light]
    assert {"hold", "launch", "carry", "impose", "pay", "stage", "make", "open"} <= {t.lemma for t in light}
    for t in light:
        assert t.pos == "verb" and t.type is None and t.mode is None and t.cameo is None, t.lemma


def test_constraints_and_targets_are_well_formed(lexicon):
    for t in lexicon.triggers:
        assert t.lemma == t.lemma.strip().lower() and " " not in t.lemma, t.lemma
        for w in t.dobj:
            assert w and w == w.lower() and " " not in w, (t.lemma, w)
        for p in t.target_preps:
            assert p == "-" or re.fullmatch(r"[a-z]+", p), (t.lemma, p)
        if t.pos == "noun":  # a noun has no object: its target comes from its prepositions, or it has none ("-")
            assert not t.dobj and not t.prt, t.lemma
            assert t.target_preps == ("-",) or "-" not in t.target_preps, t.lemma


# -- agreement with the ontology ----------------------------------------------------------------

def test_cameo_codes_exist_and_map_to_the_same_type(lexicon, cameo_table):
    assert not any(code.startswith(APPEAL_ROOT) for code in cameo_table), "root 02 is now in the table"
    for t in lexicon.triggers:
        if t.light:
            continue
        assert t.cameo and re.fullmatch(r"\d{2,4}", t.cameo), f"{t.lemma}: no CAMEO code"
        if t.cameo.startswith(APPEAL_ROOT):
            assert t.type == APPEAL_TYPE, f"{t.lemma}: CAMEO {t.cameo} is an appeal, not {t.type}"
            continue
        assert t.cameo in cameo_table, f"{t.lemma}: CAMEO {t.cameo} is not in the 2021 table"
        if (t.cameo, t.type) not in CAMEO_EXCEPTIONS:
            assert t.type in cameo_table[t.cameo], f"{t.lemma}: {t.cameo} is {cameo_table[t.cameo]}, not {t.type}"


def test_every_documented_exception_is_used_and_explained(lexicon, cameo_table):
    used = {(t.cameo, t.type) for t in lexicon.triggers}
    for (code, type_), reason in CAMEO_EXCEPTIONS.items():
        assert (code, type_) in used, f"stale exception {code} {type_}"
        assert type_ not in cameo_table[code] and reason


def test_modes_are_plover_modes_of_the_type(lexicon):
    for t in lexicon.triggers:
        if t.mode is not None:
            assert t.mode in PLOVER_MODES[t.type], f"{t.lemma}: {t.mode!r} is not a {t.type} mode"


# -- the expressions political news uses most ---------------------------------------------------

# (pos, lemma, dobj, preps, prts, noun_preps, expected type, expected mode or None for "any")
EXPECTED = [
    ("verb", "meet", None, (), (), (), "CONSULT", None),
    ("verb", "visit", None, (), (), (), "CONSULT", "visit"),
    ("verb", "hold", "talk", (), (), (), "CONSULT", None),
    ("verb", "hold", "meeting", (), (), (), "CONSULT", None),
    ("verb", "receive", None, (), (), (), "CONSULT", None),  # a visitor, a message or a call
    ("verb", "receive", "message", ("from",), (), (), "CONSULT", None),
    ("verb", "receive", "reply", ("from",), (), (), "CONSULT", None),
    ("verb", "host", None, (), (), (), "CONSULT", "visit"),
    ("verb", "host", "talk", ("between",), (), (), "CONSULT", None),
    ("verb", "call", None, (), (), (), "CONSULT", "phone"),
    ("verb", "hand", "letter", ("to",), ("over",), (), "CONSULT", None),
    ("verb", "reply", None, ("to",), (), (), "CONSULT", None),
    ("verb", "respond", None, ("to",), (), (), "CONSULT", None),
    ("verb", "pay", "visit", (), (), ("to",), "CONSULT", "visit"),
    ("verb", "open", "talk", (), (), (), "CONSULT", None),
    ("verb", "sign", "deal", (), (), (), "SUPPORT", None),
    ("verb", "sign", "treaty", (), (), (), "SUPPORT", None),
    ("verb", "agree", None, (), (), (), "AGREE", None),
    ("verb", "pledge", None, (), (), (), "AGREE", None),
    ("verb", "promise", None, (), (), (), "AGREE", None),
    ("verb", "offer", None, (), (), (), "AGREE", None),
    ("verb", "invite", None, (), (), (), "AGREE", None),
    ("verb", "strike", "deal", (), (), (), "AGREE", None),
    ("verb", "cooperate", None, ("with",), (), (), "COOPERATE", None),
    ("verb", "collaborate", None, ("with",), (), (), "COOPERATE", None),
    ("verb", "coordinate", None, ("with",), (), (), "COOPERATE", None),
    ("verb", "hold", "drill", ("with",), (), (), "COOPERATE", None),
    ("verb", "hold", "exercise", (), (), (), "COOPERATE", None),
    ("verb", "send", "aid", ("to",), (), (), "AID", None),
    ("verb", "provide", "assistance", ("to",), (), (), "AID", None),
    ("verb", "deliver", "weapon", ("to",), (), (), "AID", None),
    ("verb", "donate", None, ("to",), (), (), "AID", None),
    ("verb", "fund", None, (), (), (), "AID", None),
    ("verb", "withdraw", "troop", ("from",), (), (), "RETREAT", "withdraw"),
    ("verb", "withdraw", "force", (), (), (), "RETREAT", "withdraw"),
    ("verb", "pull", "troop", (), ("out",), (), "RETREAT", "withdraw"),
    ("verb", "release", "prisoner", (), (), (), "RETREAT", "release"),
    ("verb", "free", None, (), (), (), "RETREAT", "release"),
    ("verb", "resign", None, (), (), (), "RETREAT", "resign"),
    ("verb", "declare", "ceasefire", (), (), (), "CONCEDE", None),
    ("verb", "lift", "sanction", ("on",), (), (), "CONCEDE", None),
    ("verb", "ease", "sanction", (), (), (), "CONCEDE", None),
    ("verb", "apologise", None, (), (), (), "CONCEDE", None),
    ("verb", "apologize", None, (), (), (), "CONCEDE", None),
    ("verb", "pardon", None, (), (), (), "CONCEDE", None),
    ("verb", "praise", None, (), (), (), "SUPPORT", None),
    ("verb", "hail", None, (), (), (), "SUPPORT", None),
    ("verb", "welcome", None, (), (), (), "SUPPORT", None),
    ("verb", "commend", None, (), (), (), "SUPPORT", None),
    ("verb", "endorse", None, (), (), (), "SUPPORT", None),
    ("verb", "back", None, (), (), (), "SUPPORT", None),
    ("verb", "support", None, (), (), (), "SUPPORT", None),
    ("verb", "applaud", None, (), (), (), "SUPPORT", None),
    ("verb", "urge", None, (), (), (), "REQUEST", None),
    ("verb", "call", None, ("on",), (), (), "REQUEST", None),
    ("verb", "call", None, ("for",), (), (), "REQUEST", None),
    ("verb", "demand", None, (), (), (), "REQUEST", None),
    ("verb", "demand", "release", (), (), (), "REQUEST", None),  # bare row: the target is inside the object
    ("verb", "appeal", None, ("to",), (), (), "REQUEST", None),
    ("verb", "ask", None, (), (), (), "REQUEST", None),
    ("verb", "press", None, (), (), (), "REQUEST", None),
    ("verb", "accuse", None, (), (), (), "ACCUSE", "allege"),
    ("verb", "condemn", None, (), (), (), "ACCUSE", "disapprove"),
    ("verb", "criticise", None, (), (), (), "ACCUSE", "disapprove"),
    ("verb", "criticize", None, (), (), (), "ACCUSE", "disapprove"),
    ("verb", "slam", None, (), (), (), "ACCUSE", "disapprove"),
    ("verb", "blame", None, (), (), (), "ACCUSE", None),
    ("verb", "denounce", None, (), (), (), "ACCUSE", "disapprove"),
    ("verb", "allege", None, (), (), (), "ACCUSE", "allege"),
    ("verb", "investigate", None, (), (), (), "ACCUSE", "investigate"),
    ("verb", "reject", None, (), (), (), "REJECT", None),
    ("verb", "refuse", None, (), (), (), "REJECT", None),
    ("verb", "veto", None, (), (), (), "REJECT", None),
    ("verb", "deny", "request", (), (), (), "REJECT", None),
    ("verb", "deny", "access", (), (), (), "REJECT", None),
    ("verb", "deny", "visa", (), (), (), "REJECT", None),
    ("verb", "pull", None, ("out",), (), (), "REJECT", None),  # "pulled out of the deal": out is a preposition
    ("verb", "pull", None, (), ("out",), (), "REJECT", None),  # ... or a particle
    ("verb", "withdraw", None, ("from",), (), (), "REJECT", None),
    ("verb", "threaten", None, (), (), (), "THREATEN", None),
    ("verb", "warn", None, (), (), (), "THREATEN", None),
    ("verb", "give", "ultimatum", (), (), (), "THREATEN", "relations"),
    ("verb", "issue", "ultimatum", (), (), (), "THREATEN", "relations"),
    ("verb", "protest", None, (), (), (), "PROTEST", "demo"),
    ("verb", "demonstrate", None, ("against",), (), (), "PROTEST", "demo"),
    ("verb", "rally", None, ("in",), (), (), "PROTEST", "demo"),
    ("verb", "march", None, ("through",), (), (), "PROTEST", "demo"),
    ("verb", "riot", None, (), (), (), "PROTEST", "riot"),
    ("verb", "boycott", None, (), (), (), "PROTEST", "boycott"),
    ("verb", "stage", "strike", (), (), (), "PROTEST", "strike"),
    ("verb", "stage", "protest", (), (), (), "PROTEST", "demo"),
    ("verb", "call", "strike", (), (), (), "PROTEST", "strike"),
    ("verb", "hold", "strike", (), (), (), "PROTEST", "strike"),  # labour strikes need their verb ...
    ("verb", "begin", "strike", (), (), (), "PROTEST", "strike"),  # "began a hunger strike"
    ("noun", "strike", None, (), (), (), "ASSAULT", None),  # ... a bare strike is military in world news
    ("noun", "protest", None, (), (), ("against",), "PROTEST", "demo"),
    ("verb", "lodge", "protest", (), (), ("with",), "ACCUSE", None),  # a diplomatic protest is a complaint
    ("verb", "deploy", None, ("to",), (), (), "MOBILIZE", "troops"),
    ("verb", "mobilise", None, (), (), (), "MOBILIZE", "troops"),
    ("verb", "mobilize", None, (), (), (), "MOBILIZE", "troops"),
    ("verb", "station", None, ("in",), (), (), "MOBILIZE", "troops"),
    ("verb", "send", "troop", ("to",), (), (), "MOBILIZE", "troops"),
    ("verb", "send", "warship", ("to",), (), (), "MOBILIZE", "troops"),
    ("verb", "put", "force", ("on",), (), (), "MOBILIZE", None),
    ("verb", "expel", None, (), (), (), "SANCTION", "expel"),
    ("verb", "sever", "tie", (), (), (), "SANCTION", "withdraw"),
    ("verb", "cut", "tie", (), (), (), "SANCTION", "withdraw"),
    ("verb", "break", "relation", (), (), (), "SANCTION", "withdraw"),
    ("verb", "recall", "ambassador", ("from",), (), (), "SANCTION", "withdraw"),
    ("verb", "suspend", "talk", (), (), (), "SANCTION", "withdraw"),
    ("verb", "suspend", "aid", (), (), (), "SANCTION", "discontinue"),
    ("verb", "impose", "sanction", ("on",), (), (), "COERCE", "restrict"),
    ("verb", "impose", "curfew", (), (), (), "COERCE", "curfew"),
    ("verb", "freeze", "asset", (), (), (), "COERCE", None),
    ("verb", "arrest", None, (), (), (), "COERCE", "arrest"),
    ("verb", "detain", None, (), (), (), "COERCE", "arrest"),
    ("verb", "jail", None, (), (), (), "COERCE", "arrest"),
    ("verb", "imprison", None, (), (), (), "COERCE", "arrest"),
    ("verb", "ban", None, (), (), (), "COERCE", None),
    ("verb", "seize", None, (), (), (), "COERCE", "seize"),
    ("verb", "deport", None, (), (), (), "COERCE", "deport"),
    ("verb", "expel", "migrant", (), (), (), "COERCE", "deport"),
    ("verb", "blockade", None, (), (), (), "COERCE", None),
    ("verb", "censor", None, (), (), (), "COERCE", "censor"),
    ("verb", "attack", None, (), (), (), "ASSAULT", None),
    ("verb", "strike", None, (), (), (), "ASSAULT", None),
    ("verb", "bomb", None, (), (), (), "ASSAULT", "aerial"),
    ("verb", "shell", None, (), (), (), "ASSAULT", "heavy-weapons"),
    ("verb", "kill", None, (), (), (), "ASSAULT", None),
    ("verb", "clash", None, ("with",), (), (), "ASSAULT", None),
    ("verb", "invade", None, (), (), (), "ASSAULT", None),
    ("verb", "shoot", None, (), (), (), "ASSAULT", "firearms"),
    ("verb", "fire", None, ("on",), (), (), "ASSAULT", "firearms"),
    ("verb", "open", "fire", ("on",), (), (), "ASSAULT", "firearms"),
    ("verb", "abduct", None, (), (), (), "ASSAULT", "abduct"),
    ("verb", "kidnap", None, (), (), (), "ASSAULT", "abduct"),
    ("verb", "assassinate", None, (), (), (), "ASSAULT", "targeted"),
    ("verb", "wound", None, (), (), (), "ASSAULT", None),
    ("verb", "ambush", None, (), (), (), "ASSAULT", None),
    ("verb", "besiege", None, (), (), (), "ASSAULT", None),
    ("verb", "raid", None, (), (), (), "ASSAULT", None),
    ("verb", "launch", "attack", (), (), ("on",), "ASSAULT", None),
    ("verb", "carry", "strike", (), ("out",), (), "ASSAULT", None),
    ("verb", "mount", "offensive", (), (), (), "ASSAULT", None),
    ("noun", "meeting", None, (), (), ("with",), "CONSULT", None),
    ("noun", "talk", None, (), (), ("with",), "CONSULT", None),
    ("noun", "visit", None, (), (), ("to",), "CONSULT", "visit"),
    ("noun", "summit", None, (), (), (), "CONSULT", None),
    ("noun", "negotiation", None, (), (), (), "CONSULT", None),
    ("noun", "message", None, (), (), ("to",), "CONSULT", None),
    ("noun", "letter", None, (), (), ("to",), "CONSULT", None),
    ("noun", "call", None, (), (), ("with",), "CONSULT", "phone"),
    ("noun", "withdrawal", None, (), (), ("from",), "REJECT", None),
    ("noun", "withdrawal", None, (), (), ("of",), "RETREAT", "withdraw"),
    ("noun", "withdrawal", None, (), (), ("of", "from"), "RETREAT", "withdraw"),  # of troops from X
    ("noun", "release", None, (), (), ("of",), "RETREAT", "release"),
    ("noun", "sanction", None, (), (), ("on",), "COERCE", "restrict"),
    ("noun", "attack", None, (), (), ("on",), "ASSAULT", None),
    ("noun", "strike", None, (), (), ("on",), "ASSAULT", None),
    ("noun", "bombing", None, (), (), (), "ASSAULT", None),
    ("noun", "invasion", None, (), (), ("of",), "ASSAULT", None),
    ("noun", "protest", None, (), (), (), "PROTEST", "demo"),
    ("noun", "demonstration", None, (), (), (), "PROTEST", "demo"),
    ("noun", "rally", None, (), (), (), "PROTEST", "demo"),
    ("noun", "riot", None, (), (), (), "PROTEST", "riot"),
    ("noun", "arrest", None, (), (), ("of",), "COERCE", "arrest"),
    ("noun", "ceasefire", None, (), (), ("with",), "CONCEDE", None),
    ("noun", "aid", None, (), (), ("to",), "AID", None),
    ("noun", "assistance", None, (), (), (), "AID", None),
    ("noun", "condemnation", None, (), (), ("of",), "ACCUSE", None),
    ("noun", "criticism", None, (), (), ("of",), "ACCUSE", None),
    ("noun", "accusation", None, (), (), (), "ACCUSE", None),
    ("noun", "threat", None, (), (), (), "THREATEN", None),
    ("noun", "warning", None, (), (), (), "THREATEN", None),
    ("noun", "appeal", None, (), (), (), "REQUEST", None),
    ("noun", "demand", None, (), (), (), "REQUEST", None),
    ("noun", "offer", None, (), (), (), "AGREE", None),
    ("noun", "pledge", None, (), (), (), "AGREE", None),
    ("noun", "invitation", None, (), (), (), "AGREE", None),
    ("noun", "support", None, (), (), ("for",), "SUPPORT", None),
    ("noun", "praise", None, (), (), (), "SUPPORT", None),
    ("noun", "cooperation", None, (), (), ("with",), "COOPERATE", None),
    ("noun", "apology", None, (), (), (), "CONCEDE", None),
]


@pytest.mark.parametrize("pos,lemma,dobj,preps,prts,noun_preps,type_,mode", EXPECTED,
                         ids=[f"{r[0]}-{r[1]}-{r[2] or ''}-{'+'.join(r[3] + r[4] + r[5])}" for r in EXPECTED])
def test_expression_codes_as_plover_says(lexicon, pos, lemma, dobj, preps, prts, noun_preps, type_, mode):
    t = resolve(lexicon, pos, lemma, dobj, preps, prts, noun_preps)
    assert t is not None, f"{lemma} {dobj or ''} is no trigger"
    assert t.type == type_, f"{lemma} {dobj or ''}: {t.type} ({t.notes})"
    if mode is not None:
        assert t.mode == mode, f"{lemma} {dobj or ''}: mode {t.mode}"


@pytest.mark.parametrize("verb", ["deliver", "send", "convey", "hand", "submit", "carry"])
@pytest.mark.parametrize("thing", ["message", "letter", "note", "reply"])
def test_carrying_a_message_is_consult(lexicon, verb, thing):
    t = resolve(lexicon, "verb", verb, thing, preps=("to",))
    assert t is not None and t.type == "CONSULT", (verb, thing)


# Words that are events only with the right object or preposition: bare, they code nothing.
NOT_TRIGGERS = [
    ("verb", "deny", None),  # a negation cue: "denied attacking"
    ("verb", "deny", "claim"),  # denying a claim rejects no request
    ("verb", "sign", None),
    ("verb", "sign", "law"),
    ("verb", "release", "statement"),  # "released a statement"
    ("verb", "fire", None),  # "fired its chief executive"
    ("verb", "fire", "minister"),
    ("verb", "demonstrate", None),  # "demonstrated its resolve"
    ("verb", "rally", None),  # markets rally
    ("verb", "recall", None),  # "he recalled that"
    ("verb", "hit", None),  # sanctions hit the economy
    ("verb", "beat", None),  # Argentina beat France
    ("verb", "hold", "election"),
    ("verb", "concede", None),  # "conceded that ..." reports
    ("noun", "deal", None),
    ("noun", "agreement", None),
    ("noun", "treaty", None),
    ("noun", "message", None),  # a message alone: no sender-recipient relation
    ("noun", "march", None),  # "in March"
    ("noun", "ceasefire", None),  # "violated the ceasefire" is coded by the verb
]


@pytest.mark.parametrize("pos,lemma,dobj", NOT_TRIGGERS, ids=[f"{r[0]}-{r[1]}-{r[2] or ''}" for r in NOT_TRIGGERS])
def test_ambiguous_words_need_their_constraint(lexicon, pos, lemma, dobj):
    t = resolve(lexicon, pos, lemma, dobj)
    assert t is None, f"{lemma} {dobj or ''} coded as {t.type} ({t.notes})"


# (pos, lemma, the prepositions present, the target prepositions expected, in order of preference)
TARGETS = [
    ("verb", "meet", (), ("with", "-")),
    ("verb", "accuse", (), ("-",)),
    ("noun", "sanction", ("on",), ("on", "against")),
    ("noun", "attack", ("on",), ("on", "against")),
    ("noun", "talk", ("with",), ("with",)),
    ("noun", "visit", ("to",), ("to",)),
    ("noun", "message", ("to",), ("to",)),
    ("noun", "aid", ("to",), ("to", "for")),
]


@pytest.mark.parametrize("pos,lemma,preps,expected", TARGETS, ids=[f"{r[0]}-{r[1]}" for r in TARGETS])
def test_target_prepositions(lexicon, pos, lemma, preps, expected):
    t = resolve(lexicon, pos, lemma, preps=preps, noun_preps=preps)
    assert t is not None and t.target_preps == expected


def test_a_received_message_comes_from_its_sender(lexicon):
    """"X received a reply from Y": Y is the source; "X received Y" (a visitor): X is."""
    t = resolve(lexicon, "verb", "receive", "reply", preps=("from",))
    assert t.type == "CONSULT" and t.source_prep == "from"
    assert all(r.source_prep is None for r in lexicon.triggers if r.lemma != "receive")


def test_withdrawal_from_names_its_target_after_from(lexicon):
    t = resolve(lexicon, "noun", "withdrawal", noun_preps=("from",))
    assert "from" in t.target_preps


# -- status cues ---------------------------------------------------------------------------------

CUE_POS = {"aux", "neg", "verb", "adj", "noun", "mark", "any"}
EXPECTED_CUES = [
    ("will", "future", "aux"), ("shall", "future", "aux"), ("going", "future", "verb"), ("plan", "future", "verb"),
    ("intend", "future", "verb"), ("expect", "future", "verb"), ("schedule", "future", "verb"),
    ("due", "future", "adj"), ("set", "future", "verb"), ("prepare", "future", "verb"),
    ("may", "hypothetical", "aux"), ("might", "hypothetical", "aux"), ("could", "hypothetical", "aux"),
    ("would", "hypothetical", "aux"), ("should", "hypothetical", "aux"), ("if", "hypothetical", "mark"),
    ("unless", "hypothetical", "mark"), ("whether", "hypothetical", "mark"), ("possible", "hypothetical", "adj"),
    ("likely", "hypothetical", "adj"), ("consider", "hypothetical", "verb"), ("hope", "hypothetical", "verb"),
    ("hop", "hypothetical", "verb"),  # spaCy's small model lemmatizes "hopes" as "hop"
    ("not", "negated", "neg"), ("n't", "negated", "neg"), ("never", "negated", "neg"), ("no", "negated", "neg"),
    ("deny", "negated", "verb"), ("fail", "negated", "verb"), ("cancel", "negated", "verb"),
    ("postpone", "negated", "verb"),
]  # fmt: skip


def test_cues_are_well_formed(lexicon):
    for c in lexicon.cues:
        assert c.status in {"future", "hypothetical", "negated"}, c
        assert c.pos in CUE_POS, c
        assert c.word == c.word.strip().lower() and " " not in c.word, c
    assert len({(c.word, c.pos) for c in lexicon.cues}) == len(lexicon.cues), "duplicate cue"


@pytest.mark.parametrize("word,status,pos", EXPECTED_CUES, ids=[c[0] for c in EXPECTED_CUES])
def test_expected_cue(lexicon, word, status, pos):
    assert any(c.status == status and c.pos == pos for c in lexicon.cue_map().get(word, ())), word


def test_governing_verbs_are_cues_and_triggers(lexicon):
    """A cue never applies to its own trigger word (the coder skips it), so a verb can be both: the
    threat is a THREATEN that occurred, the attack under it is hypothetical."""
    cues = lexicon.cue_map()
    trigger_lemmas = {t.lemma for t in lexicon.triggers}
    for word, status in (("threaten", "hypothetical"), ("refuse", "negated"), ("agree", "future")):
        assert word in trigger_lemmas and status in {c.status for c in cues[word]}, word
