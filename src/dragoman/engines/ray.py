"""The Ray engine: a Ray cluster codes the documents (`dragoman code --engine ray [--address ADDR]`).

Reads the run's stream of `Document`s and `Rejection`s; returns `CodedDocument`s, and the
rejections untouched, in input order. Writes nothing but temporary Parquet shards, deleted as it
goes. What spans documents (actor linking, incidents, stories) and every store write stay in the
driver (`pipeline.run`), so a run stores the same as with the local engine.

The stream is coded in rounds of `ROUND_PER_WORKER` documents per worker, `ROUND_MAX` at most.
For each round:

1. the driver writes the round's documents to an input shard, `in.parquet`;
2. Ray Data reads it in blocks of at most `batch_size` documents, and a pool of `workers` actors
   (`_Coder`, one `Pipeline` each, loaded when the round starts) codes the blocks;
3. Ray Data writes what they coded as output shards (`write_parquet`: `out/*.parquet`);
4. the driver reads the shards back, orders them by `seq`, yields them with the round's
   rejections in their places, and deletes the round's folder.

The next round runs on the cluster while the run writes this one to the store: at most two rounds
are in flight, so memory stays bounded whatever the size of the input.

The shards are an internal format, not an export, and may change with any version: `seq` (the
document's place in its round), `doc_id`, and `document` (input) or `coded` (output), a pickle of
a `schema.Document` or a `schema.CodedDocument`. So the driver and every node must run the same
dragoman (one worker is checked when the engine starts), and the shard folder (`Settings.ray_shards`, default the
system's temporary folder) must be one that every node reads and writes at the same path.

Ray Data lists the input shard and cuts it into blocks in tasks that take a CPU, so the cluster
needs `workers + 1` CPUs (checked when the engine starts; with `workers` it would wait for ever). Ray is imported only when the engine is built: dragoman without
the `ray` extra works, and `--engine ray` without it says how to install it.
"""

from __future__ import annotations

import importlib
import logging
import math
import os
import pickle
import shutil
import tempfile
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from .. import __version__
from ..errors import DragomanError, UsageError
from ..pipeline import Pipeline, _code_items, batches
from ..schema import CodedDocument, Document, Rejection
from ..settings import Settings

# Documents per round. Ray Data takes seconds to set a round up (ten on two cores: listing the
# shard, starting the actors and loading their spaCy), so a round gives every worker minutes of
# work; the bound is the driver's memory, which holds at most two rounds and their results.
ROUND_PER_WORKER = 500
ROUND_MAX = 2000
INSTALL = "pip install 'dragoman[ray]'"


class RayEngine:
    """Codes documents on a Ray cluster: `settings.ray_address`, or a local Ray it starts with
    `workers + 1` CPUs. `close()` stops a Ray it started or leaves a cluster it connected to; a Ray
    this process already ran is used and left as it was."""

    def __init__(self, settings: Settings, round_size: int | None = None):
        self.ray = import_ray()
        self.settings = settings
        self.round_size = round_size or min(ROUND_MAX, ROUND_PER_WORKER * settings.workers)
        # Ray Data's Parquet reader starts 32 actors to read the files' footers (seconds of process
        # starts on a small cluster); a round's input shard is one file, so one reader does
        os.environ.setdefault("RAY_DATA_PARQUET_FOOTER_NUM_ACTORS", "1")
        self.started = not self.ray.is_initialized()
        if self.started:
            _init(self.ray, settings)
        try:
            _check_cpus(self.ray, settings.workers)
            self._versions = _worker_versions(self.ray, settings)
        except BaseException:
            if self.started:
                self.ray.shutdown()
            raise
        self.root = Path(tempfile.mkdtemp(prefix="dragoman-ray-", dir=settings.ray_shards))
        # one thread drives the cluster's rounds, so the run's store writes overlap the next round
        self.rounds = ThreadPoolExecutor(1, thread_name_prefix="dragoman-ray")

    def versions(self) -> dict[str, str]:
        return dict(self._versions)

    def code(self, items: Iterable[Document | Rejection]) -> Iterator[CodedDocument | Rejection]:
        pending: deque[tuple[list, Future]] = deque()
        try:
            for part in batches(items, self.round_size):
                documents = [d for d in part if isinstance(d, Document)]
                pending.append((part, self.rounds.submit(self._round, documents)))
                if len(pending) > 1:
                    yield from _merge(*pending.popleft())
            while pending:
                yield from _merge(*pending.popleft())
        finally:
            for _, future in pending:
                future.cancel()

    def close(self) -> None:
        # Rounds not yet started never start; a running one (the run was stopped) fails at its
        # next call to the Ray this engine leaves, and ends before the shards' folder goes.
        self.rounds.shutdown(wait=False, cancel_futures=True)
        if self.started:
            self.ray.shutdown()
        self.rounds.shutdown(wait=True)
        # the rounds delete their folders; this removes those of a round that failed
        shutil.rmtree(self.root, ignore_errors=True)

    def _round(self, documents: list[Document]) -> list[CodedDocument]:
        """Code one round's documents on the cluster, through Parquet shards; in their order."""
        if not documents:
            return []
        import pyarrow as pa
        import pyarrow.parquet as pq

        ray, settings = self.ray, self.settings
        folder = Path(tempfile.mkdtemp(prefix="round-", dir=self.root))
        shard = folder / "in.parquet"
        pq.write_table(pa.table({
            "seq": pa.array(range(len(documents)), pa.int64()),
            "doc_id": pa.array([d.doc_id for d in documents], pa.string()),
            "document": pa.array([_dumps(d) for d in documents], pa.large_binary()),
        }), shard)
        # blocks of at most batch_size documents, and at least two per worker in a small round,
        # so that every actor has work
        rows = max(1, min(settings.batch_size, math.ceil(len(documents) / (2 * settings.workers))))
        coded = (
            ray.data.read_parquet(str(shard), num_cpus=0)
            .repartition(target_num_rows_per_block=rows)
            .map_batches(_Coder, fn_constructor_args=(settings,), batch_size=None, batch_format="pyarrow",
                         compute=ray.data.ActorPoolStrategy(size=settings.workers), num_cpus=1,
                         udf_modifying_row_count=False)
        )
        # Ray Data's own progress bars and logs would interleave with the run's
        coded.context.enable_progress_bars = False
        coded.write_parquet(str(folder / "out"), ray_remote_args={"num_cpus": 0})
        table = pq.read_table(folder / "out", columns=["seq", "doc_id", "coded"]).sort_by("seq")
        shutil.rmtree(folder)
        # a lost or doubled shard, or a document in the wrong place, must stop the run
        if (table.column("seq").to_pylist() != list(range(len(documents)))
                or table.column("doc_id").to_pylist() != [d.doc_id for d in documents]):
            raise RuntimeError(f"the Ray engine's output shards do not hold the {len(documents)} documents of "
                               f"the round, each once and in order (documents {documents[0].doc_id} ...)")
        return [pickle.loads(b) for b in table.column("coded").to_pylist()]


class _Coder:
    """A Ray Data actor: loads one `Pipeline` when it starts, then codes the blocks it is given
    (a `pyarrow.Table` of `seq`, `doc_id`, `document`) into output rows (`seq`, `doc_id`, `coded`)."""

    def __init__(self, settings: Settings):
        self.pipeline = Pipeline(settings)

    def __call__(self, batch):
        import pyarrow as pa

        documents = [pickle.loads(b) for b in batch.column("document").to_pylist()]
        coded = _code_items(self.pipeline, documents)
        return pa.table({
            "seq": batch.column("seq"),
            "doc_id": pa.array([d.doc_id for d in documents], pa.string()),
            "coded": pa.array([_dumps(cd) for cd in coded], pa.large_binary()),
        })


def _merge(part: list, future: Future) -> list:
    """The round's items with each document replaced by what the cluster coded of it."""
    coded = iter(future.result())
    return [next(coded) if isinstance(d, Document) else d for d in part]


def _dumps(record) -> bytes:
    return pickle.dumps(record, protocol=pickle.HIGHEST_PROTOCOL)


def import_ray():
    """The `ray` module, with Ray Data and pyarrow; without them a `UsageError` that names the fix."""
    # Ray would start a local Ray of its own when used after `ray.shutdown()` (by a round still
    # running when a run is stopped); it reads this when it is first imported
    os.environ.setdefault("RAY_ENABLE_AUTO_CONNECT", "0")
    try:
        import ray
        import ray.data

        importlib.import_module("pyarrow.parquet")  # the shards' reader and writer, in Ray's `data` extra
    except ImportError as err:
        raise UsageError(f"--engine ray needs Ray Data, which is not installed ({err}). "
                         f"Install it: {INSTALL}") from None
    return ray


def _init(ray, settings: Settings) -> None:
    if settings.ray_address:
        try:
            ray.init(address=settings.ray_address, logging_level=logging.WARNING)
        except ConnectionError as err:
            # Ray 2.60 connects to an address without a token unless told to, and a cluster that
            # asks for one then looks like no cluster
            raise UsageError(f"--address {settings.ray_address}: no Ray cluster answers there ({err}). Start one "
                             "with 'ray start --head', check the address, or, if the cluster asks for a token, "
                             "set RAY_AUTH_MODE=token") from None
        return
    # dragoman runs offline: a Ray it starts itself reports no usage statistics, unless asked to
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    # one CPU more than the actors take: Ray Data lists the input shard in a task of its own
    ray.init(num_cpus=settings.workers + 1, include_dashboard=False, logging_level=logging.WARNING)


def _check_cpus(ray, workers: int) -> None:
    """Each actor takes a CPU, and Ray Data's listing task another: with fewer the round would
    wait for ever."""
    cpus = int(ray.cluster_resources().get("CPU", 0))
    if cpus < workers + 1:
        fix = f"Use --workers {cpus - 1} or a larger cluster" if cpus > 1 else "Use a cluster with 2 CPUs or more"
        raise UsageError(f"the Ray cluster has {cpus} CPUs and --workers {workers} needs {workers + 1}: one for "
                         f"each worker and one for Ray Data's reading of the shards. {fix}")


def _worker_versions(ray, settings: Settings) -> dict[str, str]:
    """The versions a worker codes with (a `Pipeline` on a node); a node that cannot import
    dragoman, or runs another version, stops the run here, before anything is coded."""
    try:
        versions = ray.get(ray.remote(_versions).remote(settings))
    except ray.exceptions.RayTaskError as err:
        if isinstance(err.cause, DragomanError):
            raise err.cause from None  # e.g. the --actors file is not on the node
        raise UsageError(f"a Ray worker cannot load dragoman: {_last_line(err.cause)}. Install dragoman "
                         f"{__version__} in the Python that runs Ray, on every node: {INSTALL}") from None
    except ray.exceptions.RayError as err:
        raise UsageError(f"a Ray worker cannot load dragoman: {_last_line(err)}. Install dragoman "
                         f"{__version__} in the Python that runs Ray, on every node: {INSTALL}") from None
    if versions["dragoman"] != __version__:
        raise UsageError(f"the Ray workers run dragoman {versions['dragoman']}, this is {__version__}. "
                         "Install the same version on every node")
    return versions


def _versions(settings: Settings) -> dict[str, str]:
    return Pipeline(settings).versions()


def _last_line(err: BaseException) -> str:
    text = str(err).strip()
    return text.splitlines()[-1] if text else type(err).__name__
