"""A folder of bad inputs, with a few good ones, codes without a crash, and every input ends up
coded, skipped as a copy, or rejected with a reason and a fix (real CLI, real store). Also: two
`dragoman code` runs on one store, and `dragoman status`."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from test_ingest import PAGE, PAGES, warc_bytes

pytestmark = pytest.mark.model

NEWS = ("Kenya and Tanzania agree to reopen border posts\n\n"
        "The foreign ministers of Kenya and Tanzania agreed on Tuesday to reopen two border posts closed since "
        "March, officials in Nairobi said. Traders welcomed the decision.\n")
OTHER = ("Chile protests to Peru over fishing boats\n\n"
         "Chile's foreign ministry summoned Peru's ambassador on Monday to protest against the seizure of three "
         "fishing boats off the coast, the ministry said in a statement.\n")
GERMAN = ("Der iranische Außenminister traf am Montag in Moskau seinen russischen Amtskollegen, um über das "
          "Atomabkommen zu sprechen. Beide Minister vereinbarten weitere Gespräche im nächsten Monat.\n")
NAV_ONLY = "<html><body><nav><a href='/'>Home</a> <a href='/world'>World</a></nav><footer>© 2024</footer></body></html>"


def code(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "dragoman", *args], capture_output=True, text=True, timeout=600)


def make_bad_folder(root: Path) -> dict[str, list[str]]:
    """The inputs, and for each file what must become of it: "coded ID", "skipped" or a reason."""
    expect: dict[str, list[str]] = {}

    def put(name: str, data: bytes | str, *outcomes: str) -> Path:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        expect[name] = list(outcomes)
        return path

    put("a-good.txt", NEWS, "coded a-good")
    put("empty.txt", b"", "empty file")
    put("blank.txt", "  \n\n\t ", "empty file")
    put("binary.txt", bytes(range(256)) * 8, "binary content, not text")
    put("latin1.txt", OTHER.replace("Chile's", "Chile’s").encode("cp1252"), "coded latin1")
    put("utf16.txt", ("Senegal signs trade deal\n\n" + NEWS.split("\n\n")[1].replace("Kenya", "Senegal"))
        .encode("utf-16"), "coded utf16")
    put("german.txt", GERMAN, "not English: the text is in German (de)")
    put("nav.html", NAV_ONLY, "no article text")  # trafilatura finds "Home World"; the cleaner drops it
    put("a-page.html", PAGE.format(date=""), "coded a-page")
    put("broken.json", '{"text": "Kenya and', "not valid JSON")
    lines = [json.dumps({"id": "j1", "text": OTHER.replace("Chile", "Bolivia")}), "this is not json",
             json.dumps({"id": "j3", "body": "no text field"}), json.dumps([1, 2]),
             json.dumps({"id": "a-good", "text": OTHER.replace("Chile", "Ecuador")}),  # the id of a-good.txt
             json.dumps({"id": "copy", "text": NEWS})]  # the text of a-good.txt (read before: names sort)
    put("feed.jsonl", "\n".join(lines) + "\n", "coded j1", "line 2: not JSON", "line 3: no article text",
        "line 4: not a JSON object", "coded a-good~", "skipped")
    put("long.jsonl", b'{"text": "' + b"a" * 10_500_000 + b'"}\n' + json.dumps({"id": "after-long", "text": OTHER})
        .encode() + b"\n", "line 1: line too long", "coded after-long")
    put("huge.txt", "Kenya met Tanzania. " * 60_000, "too long for one article")
    with open(root / "big.txt", "wb") as f:  # sparse: 60 MB on paper, nothing on disk
        f.truncate(60_000_000)
    expect["big.txt"] = ["too large for one article"]
    whole = warc_bytes(PAGES[:1])
    # its one whole page is a-page.html's article: skipped as a copy, then the damage is reported
    put("cut.warc.gz", whole[: len(whole) - 40], "skipped", "truncated or corrupt WARC archive")
    put("notes.pdf", b"%PDF-1.4", "unknown format '.pdf'")
    put("sub/deeper.txt", OTHER.replace("Chile", "Uruguay"), "coded deeper")
    (root / "gone.txt").symlink_to(root / "nowhere.txt")
    expect["gone.txt"] = ["cannot read the file: a broken link"]
    if os.geteuid() != 0:  # root reads any file
        locked = put("locked.txt", NEWS.replace("Kenya", "Malawi"), "cannot read the file")
        locked.chmod(0)
    return expect


def test_a_folder_of_bad_inputs_is_wholly_accounted_for(tmp_path):
    folder = tmp_path / "inbox"
    expect = make_bad_folder(folder)
    db = tmp_path / "s.duckdb"
    r = code("code", str(folder), "--db", str(db))
    assert r.returncode == 0, r.stderr  # some documents coded: a bad input is no failure
    with duckdb.connect(str(db), read_only=True) as con:
        docs = con.execute("select doc_id, input from documents").fetchall()
        rejections = con.execute("select input, record, reason, fix from rejections").fetchall()
    got: dict[str, list[str]] = {}
    for doc_id, path in docs:
        got.setdefault(str(Path(path).relative_to(folder)), []).append(f"coded {doc_id}")
    for path, record, reason, fix in rejections:
        assert fix, reason  # every rejection says what to do
        name = str(Path(path).relative_to(folder))
        got.setdefault(name, []).append(f"{record}: {reason}" if record and record.startswith("line") else reason)
    assert sorted(got) == sorted(k for k, v in expect.items() if v != ["skipped"])
    for name, outcomes in expect.items():
        wanted = [o for o in outcomes if o != "skipped"]
        have = sorted(got.get(name, []))
        assert len(have) == len(wanted), (name, have, wanted)
        for o in wanted:  # each expected outcome is the start of one found
            assert any(h.startswith(o) for h in have), (name, have, o)
    n_skipped = sum(o == "skipped" for v in expect.values() for o in v)
    summary = r.stderr.strip().splitlines()
    line = next(s for s in summary if s.startswith("coded "))
    assert f"coded {len(docs)} documents" in line and f"skipped {n_skipped} already coded" in line
    assert f"rejected {len(rejections)}" in line
    # again: nothing new is coded, the copies are skipped, the bad inputs are rejected again
    r = code("code", str(folder), "--db", str(db))
    assert r.returncode == 0 and "coded 0 documents" in r.stderr and f"skipped {len(docs) + n_skipped}" in r.stderr


def test_only_bad_inputs_exit_1_naming_them(tmp_path):
    folder = tmp_path / "bad"
    folder.mkdir()
    (folder / "empty.txt").write_bytes(b"")
    (folder / "german.txt").write_text(GERMAN, encoding="utf-8")
    r = code("code", str(folder), "--db", str(tmp_path / "s.duckdb"))
    assert r.returncode == 1
    assert "rejected 1: empty file" in r.stderr and "rejected 1: not English: the text is in German (de)" in r.stderr
    assert "nothing could be coded" in r.stderr


def test_a_second_writer_stops_with_a_message_and_status_shows_the_runs(tmp_path):
    corpus = tmp_path / "articles.jsonl"
    with gzip.open(Path(__file__).parent.parent / "bench" / "bbc.jsonl.gz", "rt", encoding="utf-8") as f, \
            open(corpus, "w", encoding="utf-8") as out:
        for _, line in zip(range(60), f):
            out.write(line)
    db = tmp_path / "s.duckdb"
    first = subprocess.Popen([sys.executable, "-m", "dragoman", "code", str(corpus), "--db", str(db), "-q"],
                             stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        while not db.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        second = code("code", str(corpus), "--db", str(db))
        assert first.poll() is None, "the first run ended before the second started: use a bigger corpus"
        assert second.returncode == 3
        assert f"{db} is being written by another dragoman process. Wait for it to finish" in second.stderr
        status = code("status", "--db", str(db))  # reads while the first writes
        assert status.returncode == 0, status.stderr
        assert "running" in status.stdout
    finally:
        assert first.wait(timeout=600) == 0, first.stderr.read()
    status = code("status", "--db", str(db))
    assert status.returncode == 0
    assert "60 documents" in status.stdout and "finished" in status.stdout and "coded 60, skipped 0" in status.stdout
