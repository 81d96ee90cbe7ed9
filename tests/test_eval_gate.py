"""The evaluation gate: `dragoman evaluate` on the seed and dev gold with pinned minimum scores.

The minima are the scores measured when they were last raised (see the git log of this file),
rounded down a little. Later work raises them; lowering one needs a reason in the commit message.
"""

from __future__ import annotations

import pytest

from conftest import DEV, SEEDS
from dragoman.evaluate import evaluate, load_gold, match_doc_ids
from dragoman.store import Store

pytestmark = pytest.mark.model

# (gold set, metric) -> minimum
MINIMA = {
    # Issue 4 asks for dyad F1 >= 0.8 on both sets: the gate holds that target.
    ("seeds", "dyad_f1"): 0.80,  # measured 0.857 (18 of 21; the two SUPPORT -> SYR extras are true
    #                             events the gold does not list)
    ("seeds", "actor_f1"): 0.60,  # 0.623
    ("seeds", "quote_f1"): 0.85,  # issue 5 asks >= 0.85; measured 0.941 (24 of 24 gold, 3 extras that are
    #                             real partial quotes the gold leaves out)
    ("seeds", "date_accuracy"): 0.75,  # 0.800
    ("dev", "dyad_f1"): 0.80,  # 0.816
    ("dev", "actor_f1"): 0.60,  # 0.615
    ("dev", "quote_f1"): 0.80,  # issue 5 asks >= 0.8; measured 0.917 (11 of 11, 2 extras)
}
# Gold events marked negated or hypothetical that come out as occurred: must only go down.
MAX_NEGATED_AS_OCCURRED = {"seeds": 0, "dev": 0}


def report_for(store_path, gold_path):
    gold = load_gold(gold_path)
    with Store(store_path, read_only=True) as store:
        ids = match_doc_ids([g.doc_id for g in gold], [d.doc_id for d in store.documents()])
        back = {v: k for k, v in ids.items()}
        events, quotes = {}, {}
        for e in store.events(list(ids.values())):
            events.setdefault(back[e.doc_id], []).append(e)
        for q in store.quotes(list(ids.values())):
            quotes.setdefault(back[q.doc_id], []).append(q)
    assert len(ids) == len(gold), "every gold document must have been coded"
    return evaluate(gold, events, quotes)


@pytest.mark.parametrize("name,gold_path", [("seeds", SEEDS / "gold.jsonl"), ("dev", DEV / "gold.jsonl")])
def test_scores_do_not_drop(coded_store_path, name, gold_path):
    r = report_for(coded_store_path, gold_path)
    measured = {"dyad_f1": r.dyad.f1, "actor_f1": r.actor.f1, "quote_f1": r.quote.f1,
                "date_accuracy": r.date.accuracy if r.date.total else 1.0}
    low = {m: (round(measured[m], 3), floor) for (g, m), floor in MINIMA.items() if g == name and measured[m] < floor}
    assert not low, f"{name}: scores below the gate (measured, minimum): {low}"
    assert r.negated_as_occurred <= MAX_NEGATED_AS_OCCURRED[name]


def test_negative_controls_stay_quiet(coded_store_path):
    """The six dev articles about sport, technology and business hold no political event."""
    gold = [g for g in load_gold(DEV / "gold.jsonl") if g.kind == "negative"]
    with Store(coded_store_path, read_only=True) as store:
        occurred = [e for e in store.events([g.doc_id for g in gold]) if e.status == "occurred"]
    assert len(occurred) == 0, [(e.doc_id, e.type, e.evidence[:60]) for e in occurred]


def test_every_seed_person_comes_out_right(coded_store_path):
    """All twelve people of seeds/actors.jsonl: canonical name, country, sector, and every listed
    surface form inside a mention of them; the name in document 000's sidebar is no actor."""
    from dragoman.evaluate import check_people, load_gold_people

    gold = load_gold(SEEDS / "gold.jsonl")
    with Store(coded_store_path, read_only=True) as store:
        ids = set(match_doc_ids([g.doc_id for g in gold], [d.doc_id for d in store.documents()]).values())
        mentions = [{"actor_id": a, "text": t} for d, a, t in store.rows("mentions", ("doc_id", "actor_id", "text"))
                    if d in ids]
        cols = ("actor_id", "name", "country", "sector", "kind", "mentions")
        actors = [dict(zip(cols, r)) for r in store.rows("actors", cols)]
    checks = check_people(load_gold_people(SEEDS / "actors.jsonl"), actors, mentions)
    assert len(checks) == 12
    wrong = [(c.gold.name, c.name, c.country, c.sector, c.forms_missing) for c in checks
             if not c.right or c.forms_missing]
    assert not wrong
    assert not any("Larijani" in str(a["name"]) for a in actors)  # only in the "Recent Posts" sidebar
    assert not any("Larijani" in str(m["text"]) for m in mentions)
