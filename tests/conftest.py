"""Shared fixtures. The spaCy pipeline and a store coded from the seed and dev sets are built
once per test session (they take seconds); tests that only need data structures do not use them."""

from __future__ import annotations

import os
import urllib.parse
from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"
SEEDS = DATA / "seeds"
DEV = DATA / "dev"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


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


# -- the browser (test_web.py, test_web_channels.py) ---------------------------------------------

@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is missing: install Debian's chromium (make test does) to run the browser tests"
        if os.environ.get("DRAGOMAN_REQUIRE_BROWSER") == "1":
            pytest.fail(reason + " (DRAGOMAN_REQUIRE_BROWSER=1)")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    """A fresh page that may load nothing but from the loopback server: anything else is refused
    and reported, and so are script errors and failed packaged assets."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    problems: list[str] = []

    def route(r):
        host = urllib.parse.urlsplit(r.request.url).hostname
        if r.request.url.startswith(("data:", "blob:")) or host == "127.0.0.1":
            r.continue_()
        else:
            problems.append("external request: " + r.request.url)
            r.abort()

    def response(resp):
        if resp.status >= 400 and "/static/" in resp.url:
            problems.append(f"{resp.status}: {resp.url}")

    context.route("**/*", route)
    page.on("pageerror", lambda err: problems.append(f"script error: {err}"))
    page.on("response", response)
    yield page
    context.close()
    assert not problems, problems
