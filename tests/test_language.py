"""Documents that are not in English are rejected with their language named (language.py), and
coded anyway with --any-language; English ones, and texts too short to tell, are coded."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from dragoman.language import LanguageCheck, language_name

pytestmark = pytest.mark.model

ENGLISH = ("Iran's foreign minister met his Russian counterpart in Moscow on Monday to discuss the nuclear deal. "
           "The two ministers agreed to hold further talks next month, officials said.")
GERMAN = ("Der iranische Außenminister traf am Montag in Moskau seinen russischen Amtskollegen, um über das "
          "Atomabkommen zu sprechen. Beide Minister vereinbarten weitere Gespräche im nächsten Monat.")
FRENCH = ("Le ministre iranien des Affaires étrangères a rencontré lundi à Moscou son homologue russe pour "
          "discuter de l'accord nucléaire. Les deux ministres ont convenu de poursuivre les discussions.")
RUSSIAN = ("Министр иностранных дел Ирана встретился в понедельник в Москве со своим российским коллегой, "
           "чтобы обсудить ядерную сделку. Министры договорились продолжить переговоры в следующем месяце.")


@pytest.fixture(scope="module")
def check() -> LanguageCheck:
    return LanguageCheck()


def test_languages_are_told_apart(check):
    assert check.language(ENGLISH)[0] == "en"
    assert check.language(GERMAN)[0] == "de"
    assert check.language(FRENCH)[0] == "fr"
    assert check.language(RUSSIAN)[0] == "ru"
    assert check.language("Putin, Merkel.") is None  # too little to tell
    assert language_name("de") == "German" and language_name("ru") == "Russian"


def _code(folder: Path, db: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "dragoman", "code", str(folder), "--db", str(db), *extra],
                          capture_output=True, text=True, timeout=300)


def test_other_languages_are_rejected_with_their_name_and_coded_on_request(tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    jsonl = inputs / "feed.jsonl"
    jsonl.write_text("\n".join(json.dumps({"id": i, "text": t}) for i, t in
                               (("en", ENGLISH), ("de", GERMAN), ("ru", RUSSIAN))) + "\n", encoding="utf-8")
    (inputs / "fr.txt").write_text(FRENCH, encoding="utf-8")
    db = tmp_path / "s.duckdb"
    r = _code(inputs, db)
    assert r.returncode == 0, r.stderr
    assert "rejected 3" in r.stderr
    with duckdb.connect(str(db), read_only=True) as con:
        assert [d for d, in con.execute("select doc_id from documents").fetchall()] == ["en"]
        rows = sorted(con.execute("select input, record, reason, fix from rejections").fetchall(), key=str)
    assert [(Path(i).name, rec, reason) for i, rec, reason, _ in rows] == [
        ("feed.jsonl", "line 2", "not English: the text is in German (de)"),
        ("feed.jsonl", "line 3", "not English: the text is in Russian (ru)"),
        ("fr.txt", None, "not English: the text is in French (fr)"),
    ]
    assert all("--any-language" in fix for *_, fix in rows)
    # asked to, dragoman codes them (the three are not in the store yet)
    r = _code(inputs, db, "--any-language")
    assert r.returncode == 0, r.stderr
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("select count(*) from documents").fetchone()[0] == 4
