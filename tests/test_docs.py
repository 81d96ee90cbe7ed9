"""The documentation stays true: the export contract in docs/EXPORT.md is the one export.py writes."""

from __future__ import annotations

import re
from pathlib import Path

import dragoman.export as export

ROOT = Path(__file__).parent.parent


def test_export_md_is_the_export_docstring():
    doc = export.__doc__
    assert (ROOT / "docs" / "EXPORT.md").read_text(encoding="utf-8").strip() == doc[doc.index("# Export formats"):].strip()


def test_every_exported_column_is_documented():
    text = (ROOT / "docs" / "EXPORT.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"`([a-z_]+)`", text))
    for table in export.TABLES:
        for field in export.fields(table):
            assert field in documented, (table, field)


def test_actors_md_examples_load_and_agree(tmp_path):
    """The YAML and CSV examples of docs/ACTORS.md are valid dictionaries and say the same."""
    from dragoman.actors.dictionary import ActorDictionary

    text = (ROOT / "docs" / "ACTORS.md").read_text(encoding="utf-8")
    blocks = dict(re.findall(r"```(yaml|csv)\n(.*?)```", text, re.S))
    (tmp_path / "a.yaml").write_text(blocks["yaml"], encoding="utf-8")
    (tmp_path / "a.csv").write_text(blocks["csv"], encoding="utf-8")
    rows = [[(e.name, e.aliases, e.country, e.sector, e.office, e.valid_from, e.valid_to) for e in
             ActorDictionary.load(tmp_path / f"a.{ext}").entries] for ext in ("yaml", "csv")]
    assert rows[0] == rows[1] and len(rows[0]) == 3


def test_architecture_names_every_stage_module():
    text = (ROOT / "docs" / "ARCHITECTURE.md").read_text(encoding="utf-8")
    src = ROOT / "src" / "dragoman"
    for module in ("ingest/", "clean.py", "language.py", "parse.py", "actors/", "events/", "dates.py", "quotes.py",
                   "pipeline.py", "engines/", "store/", "web/", "export.py", "evaluate.py", "cli.py", "actors/link.py",
                   "messages.py", "channels.py"):
        assert (src / module.rstrip("/")).exists(), module
        assert f"`{module}" in text, module
