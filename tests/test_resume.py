"""A run killed at any moment and started again codes exactly the documents still missing.

Real subprocesses (`dragoman code`), a real DuckDB file, SIGKILL: each batch of documents is
written in one transaction, so after a kill the store holds whole batches only, and the same
command again codes the rest and skips what is there. One kill is placed by the store's test hook
(`DRAGOMAN_TEST_KILL_IN_WRITE=N`: inside the Nth batch's transaction, before its commit), the
other lands whenever the clock says."""

from __future__ import annotations

import gzip
import json
import os
import random
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb
import pytest

pytestmark = pytest.mark.model

BENCH_CORPUS = Path(__file__).parent.parent / "bench" / "bbc.jsonl.gz"
N = 160


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("resume") / "articles.jsonl"
    with gzip.open(BENCH_CORPUS, "rt", encoding="utf-8") as f, open(path, "w", encoding="utf-8") as out:
        for _, line in zip(range(N), f):
            out.write(line)
    return path


@pytest.fixture(scope="module")
def uninterrupted(corpus, tmp_path_factory) -> Path:
    """The store of a run that was never interrupted."""
    db = tmp_path_factory.mktemp("clean") / "clean.duckdb"
    assert code(corpus, db, "-q").returncode == 0
    return db


def code(corpus: Path, db: Path, *extra: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "dragoman", "code", str(corpus), "--db", str(db), *extra],
                          capture_output=True, text=True, timeout=600, env={**os.environ, **(env or {})})


def code_and_kill(corpus: Path, db: Path, after_docs: int, delay: float, *extra: str) -> None:
    """Start `dragoman code`, and SIGKILL it `delay` seconds after its progress bar first shows
    at least `after_docs` documents done (or when it ends by itself)."""
    proc = subprocess.Popen([sys.executable, "-m", "dragoman", "code", str(corpus), "--db", str(db), *extra],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    reached = threading.Event()

    def watch() -> None:
        buf = ""
        while True:
            ch = proc.stderr.read(1)
            if not ch:
                reached.set()
                return
            buf = (buf + ch)[-200:]
            counts = re.findall(r"(\d+) docs \[", buf)  # the count, not the rate ("12.5 docs/s")
            if counts and int(counts[-1]) >= after_docs:
                reached.set()

    threading.Thread(target=watch, daemon=True).start()
    reached.wait(timeout=300)
    time.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=60)


def table(db: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


def summary_counts(stderr: str) -> tuple[int, int]:
    m = re.search(r"coded (\d+) documents .*skipped (\d+) already coded", stderr)
    assert m, stderr
    return int(m.group(1)), int(m.group(2))


def check_whole(db: Path) -> None:
    """The store holds every article once, and nothing half-written."""
    assert table(db, "select count(*), count(distinct doc_id) from documents")[0] == (N, N)
    assert table(db, "select count(*) - count(distinct event_id) from events")[0][0] == 0
    assert table(db, "select count(*) from events where doc_id not in (select doc_id from documents)")[0][0] == 0
    assert table(db, "select count(*) from mentions where doc_id not in (select doc_id from documents)")[0][0] == 0
    assert table(db, "select count(*) from quotes where doc_id not in (select doc_id from documents)")[0][0] == 0
    assert table(db, "select count(*) - count(distinct actor_id) from actors")[0][0] == 0
    # every document with text to code has its sentences' events, quotes and mentions, or none at all
    docs_with_mentions = table(db, "select count(distinct doc_id) from mentions")[0][0]
    assert docs_with_mentions > N * 0.9


@pytest.mark.parametrize("workers", ["1", "2"])
def test_killed_runs_resume_with_exactly_the_missing_documents(corpus, uninterrupted, tmp_path, workers):
    db = tmp_path / "store.duckdb"
    # 1. killed inside the second batch's transaction (rows inserted, not committed): the first
    #    batch stays, nothing of the second
    r = code(corpus, db, "--workers", workers, env={"DRAGOMAN_TEST_KILL_IN_WRITE": "2"})
    assert r.returncode == -signal.SIGKILL
    assert table(db, "select count(*) from documents")[0][0] == 32
    assert table(db, "select count(*) from events where doc_id not in (select doc_id from documents)")[0][0] == 0
    # 2. run again, killed at some moment after a few more batches
    code_and_kill(corpus, db, 96, random.Random(int(workers)).uniform(0.0, 0.8), "--workers", workers)
    stored = table(db, "select count(*) from documents")[0][0]
    assert stored >= 32 and (stored % 32 == 0 or stored == N)  # whole batches only
    # 3. the same command again codes exactly what is missing
    r = code(corpus, db, "--workers", workers)
    assert r.returncode == 0, r.stderr
    assert summary_counts(r.stderr) == (N - stored, stored)
    check_whole(db)

    # the same events, document by document, as a run that was never interrupted
    key = "select doc_id, type, status, source_name, target_name, trigger, start from events order by all"
    assert table(db, key) == table(uninterrupted, key)
    again = code(corpus, db)
    assert summary_counts(again.stderr) == (0, N)


def test_an_id_reused_for_other_text_in_one_run_is_kept_apart_with_workers(corpus, tmp_path):
    """Workers hold several batches before the first is written: an id seen there is not yet in
    the store, and the second text under it must still get its own id, not fail the batch."""
    lines = corpus.read_text(encoding="utf-8").splitlines()[:40]
    records = [json.loads(line) for line in lines]
    records[33]["id"] = records[0]["id"]  # same id, other text, in another batch
    path = tmp_path / "reused.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    db = tmp_path / "s.duckdb"
    r = code(path, db, "--workers", "2")
    assert r.returncode == 0, r.stderr
    ids = {row[0] for row in table(db, "select doc_id from documents")}
    assert len(ids) == 40
    first = records[0]["id"]
    assert first in ids and any(i.startswith(first + "~") for i in ids)


def test_copies_and_reused_ids_near_batches_being_written(corpus, tmp_path):
    """Inputs are checked against the store a batch at a time while workers write earlier
    batches: a copy of a document, or its id with other text, that comes just after the
    original was written must still be seen (skipped; renamed), whatever the batch boundaries."""
    from dragoman.pipeline import run
    from dragoman.settings import Settings
    from dragoman.store import Store

    originals = [json.loads(line) for line in corpus.read_text(encoding="utf-8").splitlines()[:N]]
    originals = [{"id": f"d{i}", "text": r["text"][:400]} for i, r in enumerate(originals)]
    records, copies, reused, n = [], 0, 0, 100
    pick = random.Random(3)
    for i, r in enumerate(originals[:n]):
        records.append(r)
        # some documents come alone, others with a copy of, or another text under the id of, one
        # 4 to 8 documents back: before, while and after its batch is written
        for _ in range(pick.choice((0, 1, 1, 2))):
            back = i - pick.randint(4, 8)
            if back < 0:
                continue
            if pick.random() < 0.5:
                records.append({"id": f"copy{len(records)}", "text": originals[back]["text"]})
                copies += 1
            else:
                records.append({"id": originals[back]["id"], "text": originals[n + reused]["text"]})
                reused += 1
    path = tmp_path / "near.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    db = tmp_path / "near.duckdb"
    with Store(db) as store:
        summary = run([str(path)], Settings(db=db, workers=2, batch_size=2, quiet=True), store)
    ids = {row[0] for row in table(db, "select doc_id from documents")}
    assert summary.coded == len(ids) == n + reused
    assert summary.skipped == copies
    assert {f"d{i}" for i in range(n)} <= ids
    assert sum(1 for i in ids if "~" in i) == reused
