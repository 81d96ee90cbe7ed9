"""The Ray engine on a real Ray cluster, started for this module with the venv's `ray` command and
stopped at its end: `dragoman code --engine ray` stores what the local engine stores, a second run
codes nothing, and rounds keep the input order with the rejections in their places."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from conftest import SEEDS

RAY = Path(sys.executable).parent / "ray"
# One-machine clusters that talk over loopback only (Ray otherwise picks the machine's network
# address), stop at once when told (no draining) and neither read nor write an authentication
# token in the home folder (Ray 2.60 makes one there for a cluster ray.init starts, and a cluster
# `ray start` starts then expects it); the CLI runs inherit this environment.
RAY_ENV = {"RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER": "0", "RAY_GRACEFUL_SHUTDOWN_DRAIN_TIMEOUT_S": "0",
           "RAY_USAGE_STATS_ENABLED": "0", "RAY_AUTH_MODE": "disabled"}
# Two actors, and one CPU for Ray Data's listing task (see dragoman.engines.ray).
CPUS = 3
SEED_ARGS = (str(SEEDS / "docs"), "--meta", str(SEEDS / "meta.jsonl"))


def dragoman(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "dragoman", *args], capture_output=True, text=True, timeout=300,
                          env={**os.environ, **RAY_ENV})


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """The address of a local Ray cluster; everything it started is stopped at teardown."""
    temp = tmp_path_factory.mktemp("ray")
    port = _free_port()
    log = temp / "ray-start.log"
    with open(log, "w") as out:
        # --block: the command stays in the foreground and stops the cluster's processes on SIGTERM;
        # its own session holds them all, so none can outlive the tests
        proc = subprocess.Popen([str(RAY), "start", "--head", "--block", f"--port={port}", f"--num-cpus={CPUS}",
                                 "--node-ip-address=127.0.0.1", "--disable-usage-stats", "--include-dashboard=false",
                                 f"--temp-dir={temp}"], stdout=out, stderr=subprocess.STDOUT,
                                env={**os.environ, **RAY_ENV}, start_new_session=True)
    try:
        deadline = time.monotonic() + 90
        while "Ray runtime started" not in log.read_text():
            assert proc.poll() is None, log.read_text()
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.5)
        yield f"127.0.0.1:{port}"
    finally:
        _stop(proc)


@pytest.fixture(scope="module")
def ray_store(cluster, tmp_path_factory) -> Path:
    """The seeds coded by two Ray actors."""
    db = tmp_path_factory.mktemp("ray-store") / "ray.duckdb"
    r = dragoman("code", *SEED_ARGS, "--db", str(db), "--engine", "ray", "--address", cluster, "--workers", "2",
                 "--quiet")
    assert r.returncode == 0, r.stderr
    return db


def test_ray_engine_stores_what_the_local_engine_stores(ray_store, tmp_path):
    local = tmp_path / "local.duckdb"
    r = dragoman("code", *SEED_ARGS, "--db", str(local), "--quiet")
    assert r.returncode == 0, r.stderr
    ray_rows, local_rows = _contents(ray_store), _contents(local)
    assert set(ray_rows) == set(local_rows) >= {"documents", "events", "quotes", "actors", "mentions", "incidents",
                                                 "stories"}
    for table in sorted(ray_rows):
        assert ray_rows[table] == local_rows[table], table
    # the seeds' known shape (test_cli), so that two empty stores cannot pass
    assert len(ray_rows["documents"]) == 5 and len(ray_rows["events"]) >= 10 and len(ray_rows["stories"]) == 2
    assert _runs(ray_store)[0][0] == "ray" and _runs(local)[0][0] == "local"
    # the Ray workers report the same versions as this process's pipeline
    assert _runs(ray_store)[0][1] == _runs(local)[0][1]


def test_a_second_ray_run_codes_nothing_new(ray_store, cluster, tmp_path):
    db = tmp_path / "again.duckdb"
    shutil.copy(ray_store, db)
    before = _contents(db)
    r = dragoman("code", *SEED_ARGS, "--db", str(db), "--engine", "ray", "--address", cluster, "--workers", "2")
    assert r.returncode == 0, r.stderr
    assert "coded 0 documents (0 events), skipped 5 already coded, rejected 0" in r.stderr
    assert _contents(db) == before
    assert [engine for engine, _ in _runs(db)] == ["ray", "ray"]


def test_rounds_keep_the_input_order_and_the_rejections(pipeline, tmp_path, tmp_path_factory, monkeypatch):
    """A local Ray that the engine starts and stops (no --address), in rounds of three items: one with
    documents and a rejection, one of rejections only (it never reaches the cluster), one of
    documents. The result is the local engine's, item for item, and no shard is left."""
    # Ray reads RAY_ENV when it is imported, here in the engine
    assert "ray" not in sys.modules, "ray was imported before this test could set its environment"
    for name, value in RAY_ENV.items():
        monkeypatch.setenv(name, value)
    # the session's files under pytest's folder, on a short path (Ray's socket paths are limited)
    monkeypatch.setenv("RAY_TMPDIR", str(tmp_path_factory.mktemp("r")))
    from dragoman.engines.ray import RayEngine
    from dragoman.ingest import iter_inputs
    from dragoman.pipeline import LocalEngine
    from dragoman.schema import CodedDocument, Document, Rejection
    from dragoman.settings import Settings

    shards = tmp_path / "shards"
    shards.mkdir()
    settings = Settings(engine="ray", workers=2, meta=SEEDS / "meta.jsonl", ray_shards=shards)
    docs = [d for d in iter_inputs([str(SEEDS / "docs")], settings) if isinstance(d, Document)]
    assert len(docs) == 5
    rejected = [Rejection(f"bad-{n}.xyz", "unknown format", "rename it") for n in range(4)]
    items = [docs[0], rejected[0], docs[1], *rejected[1:], docs[2], docs[3], docs[4]]
    engine = RayEngine(settings, round_size=3)
    try:
        import ray

        assert ray.cluster_resources()["CPU"] == 3  # started here: the workers and one for Ray Data
        assert engine.versions() == pipeline.versions()
        got = list(engine.code(iter(items)))
    finally:
        engine.close()
    want = list(LocalEngine(pipeline).code(items))
    assert [type(x) for x in got] == [CodedDocument, Rejection, CodedDocument, Rejection, Rejection, Rejection,
                                      CodedDocument, CodedDocument, CodedDocument]
    assert got == want
    assert list(shards.iterdir()) == []
    assert not ray.is_initialized()


def test_too_few_cpus_for_the_workers_is_a_usage_error(cluster, tmp_path):
    r = dragoman("code", *SEED_ARGS, "--db", str(tmp_path / "s.duckdb"), "--engine", "ray", "--address", cluster,
                 "--workers", str(CPUS))
    assert r.returncode == 2
    assert r.stderr.strip().splitlines()[-1] == (
        f"dragoman: error: the Ray cluster has {CPUS} CPUs and --workers {CPUS} needs {CPUS + 1}: one for each "
        f"worker and one for Ray Data's reading of the shards. Use --workers {CPUS - 1} or a larger cluster")


def test_without_ray_installed_the_error_names_the_extra(tmp_path):
    # `import ray` fails as it does where the extra is not installed
    code = ("import sys; sys.modules['ray'] = None; from dragoman.cli import main; "
            f"sys.exit(main(['code', {str(SEEDS / 'docs')!r}, '--engine', 'ray', '--db', {str(tmp_path / 's.duckdb')!r}]))")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert r.returncode == 2
    assert r.stderr.startswith("dragoman: error: --engine ray needs Ray Data, which is not installed (")
    assert r.stderr.strip().endswith("). Install it: pip install 'dragoman[ray]'")
    assert not (tmp_path / "s.duckdb").exists()


def test_ray_options_need_the_ray_engine(tmp_path):
    r = dragoman("code", str(SEEDS / "docs"), "--address", "127.0.0.1:6379", "--db", str(tmp_path / "s.duckdb"))
    assert r.returncode == 2
    assert r.stderr.strip() == "dragoman: error: --address is an option of the Ray engine. Add --engine ray"


# -- helpers ----------------------------------------------------------------------------------

def _contents(db: Path) -> dict[str, list[tuple]]:
    """Every table but `runs`, as sorted rows, without run ids and timestamps."""
    with duckdb.connect(str(db), read_only=True) as con:
        tables = [t for (t,) in con.execute("select table_name from information_schema.tables").fetchall()
                  if t != "runs"]
        out = {}
        for table in tables:
            columns = [c for c, kind in con.execute(
                "select column_name, data_type from information_schema.columns where table_name = ? "
                "order by ordinal_position", [table]).fetchall() if c != "run_id" and "TIMESTAMP" not in kind]
            quoted = ", ".join(f'"{c}"' for c in columns)
            rows = con.execute(f"select {quoted} from {table}").fetchall()
            out[table] = sorted(rows, key=repr)
    return out


def _runs(db: Path) -> list[tuple[str, str]]:
    """(engine, versions) of each run, in order."""
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute("select json_extract_string(settings, '$.engine'), versions::varchar from runs "
                           "order by started_at").fetchall()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _stop(proc: subprocess.Popen) -> None:
    """SIGTERM to `ray start --block`, which stops what it started; then SIGKILL to any process
    of its session still there (by id), so that nothing outlives the tests."""
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        pass
    for pid in _session(proc.pid):
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass  # it ended between the listing and now
    if proc.poll() is None:
        proc.wait(timeout=10)


def _session(sid: int) -> list[int]:
    """The processes whose session is `sid` (field 6 of /proc/PID/stat)."""
    pids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:
            continue  # gone meanwhile
        if int(fields[3]) == sid:
            pids.append(int(stat.parent.name))
    return pids
