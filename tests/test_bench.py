"""`dragoman bench` runs and reports its figures (speed targets are read off its output by people,
never asserted in tests: a test machine's speed says nothing about the code)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import DEV

pytestmark = pytest.mark.model


def _corpus(path: Path, n: int) -> Path:
    docs = sorted(DEV.glob("docs/*.json"))[:n]
    with open(path, "w", encoding="utf-8") as f:
        for p in docs:
            d = json.loads(p.read_text(encoding="utf-8"))
            f.write(json.dumps({"id": d["id"], "text": d["text"]}) + "\n")
    return path


def test_bench_times_spacy_and_dragoman_on_one_and_two_workers(tmp_path):
    corpus = _corpus(tmp_path / "c.jsonl", 6)
    r = subprocess.run([sys.executable, "-m", "dragoman", "bench", "--corpus", str(corpus), "--docs", "6",
                        "--workers", "2", "--sizes", "3,6", "--json"], capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    report = json.loads(r.stdout)
    runs = {(m["what"], m["workers"]) for m in report["measures"]}
    assert runs == {("spacy", 1), ("spacy", 2), ("dragoman", 1), ("dragoman", 2)}
    assert all(m["seconds"] > 0 and m["peak_mb"] > 100 for m in report["measures"])  # a spaCy model weighs more
    assert all(m["docs"] == 6 for m in report["measures"])  # dragoman coded every article
    spacy_one = next(m for m in report["measures"] if m["what"] == "spacy" and m["workers"] == 1)
    assert report["words"] == spacy_one["words"] > 1000 and report["sentences"] > 50
    assert [s["documents"] for s in report["memory_by_size"]] == [3, 6]
    assert set(report["checks"]) == {"ratio_one_worker", "scaling_dragoman", "peak_memory_mb", "memory_growth"}


def test_bench_table_names_the_targets(tmp_path):
    corpus = _corpus(tmp_path / "c.jsonl", 2)
    r = subprocess.run([sys.executable, "-m", "dragoman", "bench", "--corpus", str(corpus), "--docs", "2",
                        "--workers", "1", "--sizes", ""], capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    assert "dragoman / spaCy, one worker:" in r.stdout and "target >= 1.0" in r.stdout
    assert "peak memory:" in r.stdout


def test_bench_without_a_corpus_says_how_to_give_one(tmp_path):
    r = subprocess.run([sys.executable, "-m", "dragoman", "bench", "--corpus", str(tmp_path / "none.jsonl")],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 2
    assert "give a JSONL file of articles with --corpus" in r.stderr


def test_peak_memory_sees_a_child_process():
    from dragoman.bench import PeakMemory

    if not os.path.isdir("/proc"):
        pytest.skip("memory of child processes is read from /proc")
    code = "x = bytearray(300 * 1024 * 1024); import time; time.sleep(1.5)"
    with PeakMemory() as mem:
        child = subprocess.Popen([sys.executable, "-c", code])
        time.sleep(1.2)
        child.wait()
    assert mem.peak_mb > 300


def test_bench_refuses_sizes_larger_than_the_corpus(tmp_path):
    corpus = _corpus(tmp_path / "c.jsonl", 2)
    r = subprocess.run([sys.executable, "-m", "dragoman", "bench", "--corpus", str(corpus), "--docs", "2",
                        "--sizes", "1,5"], capture_output=True, text=True, timeout=60)
    assert r.returncode == 2
    assert "has 2 articles, fewer than 5" in r.stderr


def test_the_sample_mixes_categories():
    from dragoman.bench import sample

    articles = [{"id": f"{c}-{i}", "category": c} for c in ("business", "politics", "sport") for i in range(100)]
    first = sample(articles)[:30]
    assert {a["category"] for a in first} == {"business", "politics", "sport"}
    assert sample(articles) == sample(articles)  # a fixed order: runs compare
