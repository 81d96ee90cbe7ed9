"""Shared fixtures. The spaCy pipeline and a store coded from the seed and dev sets are built
once per test session (they take seconds); tests that only need data structures do not use them."""

from __future__ import annotations

from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"
SEEDS = DATA / "seeds"
DEV = DATA / "dev"


@pytest.fixture(scope="session")
def pipeline():
    from dragoman.pipeline import Pipeline
    from dragoman.settings import Settings

    return Pipeline(Settings())


@pytest.fixture(scope="session")
def pipeline_all_names():
    """A pipeline whose entity recogniser reads every sentence (`--all-names`): for tests of the
    actors stage on sentences that hold no event or quote, which the default leaves unread."""
    from dragoman.pipeline import Pipeline
    from dragoman.settings import Settings

    return Pipeline(Settings(all_names=True))


@pytest.fixture(scope="session")
def coded_store_path(tmp_path_factory, pipeline) -> Path:
    """A real DuckDB file with the seeds (with their metadata) and the dev set coded into it."""
    from dragoman.pipeline import run
    from dragoman.settings import Settings
    from dragoman.store import Store

    db = tmp_path_factory.mktemp("store") / "coded.duckdb"
    with Store(db) as store:
        run([str(SEEDS / "docs")], Settings(db=db, meta=SEEDS / "meta.jsonl", quiet=True), store, pipeline=pipeline)
        run([str(DEV / "docs")], Settings(db=db, quiet=True), store, pipeline=pipeline)
    return db
