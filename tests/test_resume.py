"""A run killed at any moment and started again codes exactly the documents still missing.

Real subprocesses (`dragoman code`), a real DuckDB file, SIGKILL: each batch of documents is
written in one transaction, so after a kill the store holds whole batches only, and the same
command again codes the rest and skips what is there."""

from __future__ import annotations

import gzip
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


def code(corpus: Path, db: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "dragoman", "code", str(corpus), "--db", str(db), *extra],
                          capture_output=True, text=True, timeout=600)


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
            counts = re.findall(r"(\d+) docs", buf)
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
    rng = random.Random(int(workers))
    stored = 0
    for after in (1, 64):  # kill twice: during the first batches, and later
        code_and_kill(corpus, db, after, rng.uniform(0.0, 0.8), "--workers", workers)
        now = table(db, "select count(*) from documents")[0][0] if db.exists() else 0
        assert now >= stored  # what was committed stays
        assert now % 32 == 0 or now == N  # whole batches only (32 documents a transaction)
        stored = now
    assert stored < N, "the kills came too late to test anything"
    r = code(corpus, db, "--workers", workers)
    assert r.returncode == 0, r.stderr
    assert summary_counts(r.stderr) == (N - stored, stored)
    check_whole(db)

    # the same events, document by document, as a run that was never interrupted
    key = "select doc_id, type, status, source_name, target_name, trigger, start from events order by all"
    assert table(db, key) == table(uninterrupted, key)
    again = code(corpus, db)
    assert summary_counts(again.stderr) == (0, N)
