"""`dragoman bench`: speed and memory of the whole pipeline against bare spaCy, on real news.

Reads: a JSONL corpus of articles (`text` field; by default the 2,095 BBC articles shipped in
`bench/bbc.jsonl.gz` of the source tree), taken in a fixed random order so that the first N mix
its categories. Writes: nothing but a temporary store, and the figures (a table, or JSON).

Each measurement runs in a fresh Python process (`python -m dragoman.bench --one ...`), so that
its peak memory is its own; a thread samples the memory of the process and its workers: the sum
of their proportional set sizes (PSS, which counts pages the workers share once), read whenever
their resident size (read every 50 ms) reaches a new high, at most every half second. Reading a
PSS walks the process's page tables (about 5 ms for a loaded worker): every 50 ms it would take
a third of a core from the run it measures.
Models are loaded, and worker processes started, before the clock starts: the figures are the
throughput of coding, not of start-up (reported apart).

- spaCy: the same English pipeline, every component, `nlp.pipe` over the articles' texts in
  batches of 32 (on N processes: a pool whose workers each hold the model, fed 32 texts at a time).
- dragoman: `pipeline.run` over the same articles into a new DuckDB file: ingest, cleaning,
  parsing, actors, events, dates, quotes, incidents, stories and the store writes, all included.

Words are the corpus's tokens that are neither spaces nor punctuation, sentences spaCy's
sentences of the whole texts: the same counts divide both timings, so the rates compare.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

TARGET_RATIO = 1.0  # dragoman on one worker at least as fast as bare spaCy
TARGET_SCALING = 1.8  # two workers at least 1.8 times one
TARGET_MEMORY_MB = 1536  # peak memory at most 1.5 GB
FLAT = 1.15  # peak memory of the largest corpus at most 15% above the smallest's
SPACY_BATCH = 32
SEED = 7  # the order in which articles are taken (`sample`)


@dataclass(frozen=True)
class Measure:
    """One timed run in its own process."""

    what: str  # "spacy" | "dragoman"
    workers: int
    docs: int
    seconds: float  # coding only, models loaded
    start_seconds: float  # loading the models and starting the workers
    peak_mb: float
    sentences: int = 0  # spaCy's sentences (spacy runs only)
    words: int = 0  # tokens that are not spaces or punctuation (spacy runs only)


def default_corpus() -> Path | None:
    """The BBC corpus shipped with the source tree, if this is a source checkout."""
    here = Path(__file__).resolve()
    for parent in here.parents:
        candidate = parent / "bench" / "bbc.jsonl.gz"
        if candidate.is_file():
            return candidate
    return None


def read_corpus(path: Path, n: int | None = None) -> list[dict]:
    """The articles of a JSONL file, the first `n` (all when None)."""
    opener = gzip.open if path.suffix == ".gz" else open
    out = []
    with opener(path, "rt", encoding="utf-8") as f:
        for line in f:
            if line.strip():
                out.append(json.loads(line))
                if n is not None and len(out) >= n:
                    break
    return out


def sample(articles: list[dict], seed: int = SEED) -> list[dict]:
    """The articles in a fixed random order: any first N mix the corpus's categories (the BBC file
    is sorted by category, and politics takes longer per article than business)."""
    shuffled = list(articles)
    random.Random(seed).shuffle(shuffled)
    return shuffled


# -- memory --------------------------------------------------------------------------------------

def _tree(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        try:
            for tid in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{tid}/children") as f:
                    todo.extend(int(c) for c in f.read().split())
        except OSError:
            continue
    return out


def _resident_kb(pid: int) -> int:
    """Resident size of a process, cheap to read (Linux); 0 when it is gone."""
    try:
        with open(f"/proc/{pid}/statm") as f:
            return int(f.read().split()[1]) * _PAGE_KB
    except (OSError, IndexError, ValueError):
        return 0


_PAGE_KB = (os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096) // 1024


def _memory_kb(pid: int) -> int:
    """PSS of a process (Linux), else its RSS; 0 when it is gone."""
    for path, key in ((f"/proc/{pid}/smaps_rollup", "Pss:"), (f"/proc/{pid}/status", "VmRSS:")):
        try:
            with open(path) as f:
                for line in f:
                    if line.startswith(key):
                        return int(line.split()[1])
        except OSError:
            continue
    return 0


class PeakMemory:
    """Samples the memory of this process and its children in a thread (see the module
    docstring); `peak_mb` after the `with` block."""

    def __init__(self, every: float = 0.05, pss_every: float = 0.5):
        self.every = every
        self.pss_every = pss_every
        self.peak_kb = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        me = os.getpid()
        high = 0  # the largest resident size seen
        due = 0.0  # when the next PSS may be read
        pending = True  # a new high not yet read as PSS
        while not self._stop.is_set():
            pids = _tree(me)
            rss = sum(_resident_kb(p) for p in pids)
            if rss > high:
                high, pending = rss, True
            if pending and time.monotonic() >= due:
                self.peak_kb = max(self.peak_kb, sum(_memory_kb(p) for p in pids))
                pending, due = False, time.monotonic() + self.pss_every
            self._stop.wait(self.every)

    def __enter__(self) -> "PeakMemory":
        if os.path.isdir("/proc"):
            self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        if self._thread.is_alive():
            self._stop.set()
            self._thread.join()
        else:  # no /proc: the largest of this process and of its largest child, at the end
            import resource

            self.peak_kb = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                               resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)

    @property
    def peak_mb(self) -> float:
        return self.peak_kb / 1024


# -- one measurement (in its own process) ---------------------------------------------------------

def _load_spacy():
    import spacy

    from .parse import MODEL_FALLBACKS

    for name in MODEL_FALLBACKS:
        if spacy.util.is_package(name):
            return spacy.load(name)  # spaCy's own, untouched: no dragoman change
    raise RuntimeError("no English spaCy pipeline installed")


def _count(docs) -> tuple[int, int]:
    sentences = words = 0
    for d in docs:
        sentences += sum(1 for _ in d.sents)
        words += sum(1 for t in d if not (t.is_space or t.is_punct))
    return sentences, words


_SPACY: list = []  # the model of a bench worker process, set by its pool initializer


def _spacy_worker_init() -> None:
    _SPACY.append(_load_spacy())


def _spacy_worker(texts: list[str]) -> int:
    return sum(1 for _ in _SPACY[0].pipe(texts, batch_size=SPACY_BATCH))


def _worker_pid(_: object) -> int:
    time.sleep(0.2)
    return os.getpid()


def _wait_for_workers(pool, workers: int, timeout: float = 300.0) -> None:
    """Return once every worker has loaded its model (each has taken a task)."""
    seen: set[int] = set()
    end = time.monotonic() + timeout
    while len(seen) < workers:
        if time.monotonic() > end:
            raise RuntimeError(f"only {len(seen)} of {workers} workers started in {timeout:.0f} s")
        seen |= set(pool.map(_worker_pid, range(2 * workers), chunksize=1))


def measure_spacy(texts: list[str], workers: int) -> Measure:
    import multiprocessing as mp

    with PeakMemory() as mem:
        started = time.perf_counter()
        sentences = words = 0
        if workers == 1:
            nlp = _load_spacy()
            loaded = time.perf_counter()
            docs = list(nlp.pipe(texts, batch_size=SPACY_BATCH))
            done = time.perf_counter()
            sentences, words = _count(docs)  # counted after the clock stopped
        else:
            with mp.get_context("fork").Pool(workers, initializer=_spacy_worker_init) as pool:
                _wait_for_workers(pool, workers)
                loaded = time.perf_counter()
                parts = [texts[i : i + SPACY_BATCH] for i in range(0, len(texts), SPACY_BATCH)]
                n = sum(pool.imap(_spacy_worker, parts))
                done = time.perf_counter()
            assert n == len(texts)
    return Measure("spacy", workers, len(texts), done - loaded, loaded - started, mem.peak_mb, sentences, words)


def measure_dragoman(corpus: Path, workers: int) -> Measure:
    from .pipeline import LocalEngine, Pipeline, PoolEngine, run
    from .settings import Settings
    from .store import WRITER_WAIT, Store

    with tempfile.TemporaryDirectory(prefix="dragoman-bench-") as tmp, PeakMemory() as mem:
        settings = Settings(db=Path(tmp) / "bench.duckdb", workers=workers, quiet=True)
        started = time.perf_counter()
        if workers == 1:
            engine = LocalEngine(Pipeline(settings))
        else:
            engine = PoolEngine(settings)
            _wait_for_workers(engine.pool, workers)
        loaded = time.perf_counter()
        with Store(settings.db, shared=True, wait=WRITER_WAIT) as store:  # as `dragoman code` opens it
            summary = run([str(corpus)], settings, store, engine=engine)
        done = time.perf_counter()
    return Measure("dragoman", workers, summary.coded, done - loaded, loaded - started, mem.peak_mb)


# -- the whole benchmark ------------------------------------------------------------------------

@dataclass(frozen=True)
class Report:
    corpus: str
    docs: int
    sentences: int
    words: int
    workers: int
    cpus: int
    measures: tuple[Measure, ...]
    memory_by_size: tuple[tuple[int, float], ...]  # (documents, peak MB), dragoman on `workers`

    def best(self, what: str, workers: int) -> Measure:
        return min((m for m in self.measures if m.what == what and m.workers == workers), key=lambda m: m.seconds)

    def checks(self) -> dict[str, tuple[float, bool]]:
        one_s, one_d = self.best("spacy", 1), self.best("dragoman", 1)
        out = {"ratio_one_worker": (one_s.seconds / one_d.seconds, one_s.seconds / one_d.seconds >= TARGET_RATIO)}
        if self.workers > 1:
            n_d = self.best("dragoman", self.workers)
            scaling = one_d.seconds / n_d.seconds
            out["scaling_dragoman"] = (scaling, scaling >= TARGET_SCALING)
        peak = max([m.peak_mb for m in self.measures if m.what == "dragoman"] + [p for _, p in self.memory_by_size])
        out["peak_memory_mb"] = (peak, peak <= TARGET_MEMORY_MB)
        if len(self.memory_by_size) > 1:
            peaks = [p for _, p in self.memory_by_size]
            growth = max(peaks[1:]) / peaks[0]
            out["memory_growth"] = (growth, growth <= FLAT)
        return out

    def to_dict(self) -> dict:
        return {**{k: v for k, v in asdict(self).items() if k not in ("measures", "memory_by_size")},
                "measures": [asdict(m) for m in self.measures],
                "memory_by_size": [{"documents": n, "peak_mb": round(p, 1)} for n, p in self.memory_by_size],
                "checks": {k: {"value": round(v, 3), "ok": ok} for k, (v, ok) in self.checks().items()}}


def _one(what: str, corpus: Path, workers: int, docs: int) -> Measure:
    """Run one measurement in a fresh process and read its result."""
    cmd = [sys.executable, "-m", "dragoman.bench", "--one", what, "--corpus", str(corpus),
           "--workers", str(workers), "--docs", str(docs)]
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"bench measurement {what} ({workers} workers) failed:\n{done.stderr[-2000:]}")
    return Measure(**json.loads(done.stdout.strip().splitlines()[-1]))


def bench(corpus: Path, docs: int, workers: int, sizes: tuple[int, ...], repeat: int = 1,
          progress=lambda text: None) -> Report:
    articles = sample(read_corpus(corpus))
    too_many = [n for n in (docs, *sizes) if n > len(articles)]
    if too_many:
        raise ValueError(f"{corpus} has {len(articles)} articles, fewer than {too_many[0]} "
                         "(--docs and --sizes must not ask for more)")
    sizes = tuple(sorted(set(sizes)))
    with tempfile.TemporaryDirectory(prefix="dragoman-bench-") as tmp:
        def subset(n: int) -> Path:
            path = Path(tmp) / f"corpus-{n}.jsonl"
            if not path.exists():
                with open(path, "w", encoding="utf-8") as f:
                    for a in articles[:n]:
                        f.write(json.dumps(a, ensure_ascii=False) + "\n")
            return path

        measures = []
        for _ in range(repeat):  # alternate, so that a slow spell of the machine hits every variant
            for what in ("spacy", "dragoman"):
                for w in sorted({1, workers}):
                    progress(f"{what} on {w} worker(s), {docs} documents")
                    measures.append(_one(what, subset(docs), w, docs))
        memory = []
        for n in sizes:
            progress(f"dragoman on {workers} worker(s), {n} documents (memory)")
            memory.append((n, _one("dragoman", subset(n), workers, n).peak_mb))
    short = [m for m in measures if m.docs != docs]
    if short:  # rates divide by `docs`: every article must have been coded
        raise RuntimeError(f"{short[0].what} coded {short[0].docs} of {docs} articles (duplicates or rejections "
                           "in the corpus?); give a corpus whose articles all code")
    first = next(m for m in measures if m.what == "spacy")
    return Report(str(corpus), docs, first.sentences, first.words, workers, os.cpu_count() or 1,
                  tuple(measures), tuple(memory))


def format_report(r: Report) -> str:
    lines = [f"dragoman bench: {r.docs} articles from {Path(r.corpus).name} ({r.words:,} words, "
             f"{r.sentences:,} sentences), {r.cpus} CPUs; models loaded and workers started before timing",
             "", f"{'':<24}{'docs/s':>9}{'sentences/s':>13}{'words/s':>10}{'seconds':>9}{'start s':>9}{'peak MB':>9}"]
    for w in sorted({1, r.workers}):
        for what in ("spacy", "dragoman"):
            m = r.best(what, w)
            label = f"{'spaCy (bare)' if what == 'spacy' else 'dragoman (all stages)'}, {w}"
            lines.append(f"{label:<24}{r.docs / m.seconds:>9.1f}{r.sentences / m.seconds:>13.0f}"
                         f"{r.words / m.seconds:>10.0f}{m.seconds:>9.1f}{m.start_seconds:>9.1f}{m.peak_mb:>9.0f}")
    checks = r.checks()
    lines.append("")
    ratio, ok = checks["ratio_one_worker"]
    lines.append(f"dragoman / spaCy, one worker: {ratio:.2f}x  (target >= {TARGET_RATIO:.1f}: {'met' if ok else 'MISSED'})")
    if r.workers > 1:
        s1, sn = r.best("spacy", 1), r.best("spacy", r.workers)
        scaling, ok = checks["scaling_dragoman"]
        lines.append(f"{r.workers} workers / 1: dragoman {scaling:.2f}x (target >= {TARGET_SCALING}: "
                     f"{'met' if ok else 'MISSED'}), spaCy {s1.seconds / sn.seconds:.2f}x")
        lines.append(f"dragoman / spaCy, {r.workers} workers: {sn.seconds / r.best('dragoman', r.workers).seconds:.2f}x")
    if r.memory_by_size:
        sizes = ", ".join(f"{n} docs {p:.0f} MB" for n, p in r.memory_by_size)
        lines.append(f"peak memory of dragoman on {r.workers} worker(s) by corpus size: {sizes}")
    peak, ok = checks["peak_memory_mb"]
    lines.append(f"peak memory: {peak:.0f} MB (target <= {TARGET_MEMORY_MB} MB: {'met' if ok else 'MISSED'})")
    if "memory_growth" in checks:
        growth, ok = checks["memory_growth"]
        lines.append(f"memory growth from the smallest corpus: {growth:.2f}x (flat, <= {FLAT}: "
                     f"{'met' if ok else 'MISSED'})")
    return "\n".join(lines)


def _main(argv: list[str] | None = None) -> int:
    """The child process of one measurement: prints a `Measure` as JSON."""
    p = argparse.ArgumentParser(prog="python -m dragoman.bench")
    p.add_argument("--one", choices=("spacy", "dragoman"), required=True)
    p.add_argument("--corpus", type=Path, required=True)
    p.add_argument("--workers", type=int, default=1)
    p.add_argument("--docs", type=int, required=True)
    args = p.parse_args(argv)
    if args.one == "spacy":
        texts = [a["text"] for a in read_corpus(args.corpus, args.docs)]
        m = measure_spacy(texts, args.workers)
    else:
        m = measure_dragoman(args.corpus, args.workers)
    print(json.dumps(asdict(m)))
    return 0


def iter_sizes(text: str) -> Iterator[int]:
    for part in text.split(","):
        if part.strip():
            yield int(part)


if __name__ == "__main__":
    sys.exit(_main())
