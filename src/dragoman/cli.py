"""Command line: a thin layer over the library. Data goes to stdout, messages to stderr.

    dragoman code INPUT... [--db FILE] [--workers N] [--engine {local,ray}] [--address ADDR] [--shards DIR]
                           [--published YYYY-MM-DD] [--meta FILE] [--actors FILE] [--json-field NAME=FIELD]
                           [--all-names] [--any-language] [--quiet]
    dragoman export {events,quotes,actors,documents,rejections,incidents,stories} [--db FILE] [--format F] [-o FILE|-]
    dragoman evaluate GOLD.jsonl [--db FILE] [--json]
    dragoman bench [--docs N] [--workers N] [--corpus FILE] [--sizes N,N,...] [--repeat N] [--json]
    dragoman status [--db FILE] [--runs N]
    dragoman serve [--db FILE] [--host 127.0.0.1] [--port 8000]
    dragoman demo [--db FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from collections import Counter
from importlib import resources
from pathlib import Path

from . import __version__
from .errors import DragomanError, InputError, StoreError, UsageError
from .settings import DEFAULT_DB, Settings

EXIT_OK, EXIT_NOTHING_CODED, EXIT_USAGE, EXIT_STORE = 0, 1, 2, 3


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        return args.func(args)
    except StoreError as err:
        print(f"dragoman: error: {err}", file=sys.stderr)
        return EXIT_STORE
    except DragomanError as err:
        print(f"dragoman: error: {err}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:
        # The reader went away (`dragoman export events | head`): not an error.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except KeyboardInterrupt:
        print("dragoman: interrupted; documents written so far are kept, run the same command to go on",
              file=sys.stderr)
        return 130


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="dragoman", description="Turn news articles into PLOVER political event data.")
    p.add_argument("--version", action="version", version=f"dragoman {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    c = sub.add_parser("code", help="code articles into the event store",
                       description="Code news articles (files, folders, or - for stdin) into the event store.")
    c.add_argument("inputs", nargs="+", metavar="INPUT", help="a file, a folder (recursive) or - for stdin")
    _db_option(c)
    c.add_argument("--workers", type=_positive_int, default=1,
                   help="worker processes, or with --engine ray the Ray actors, each with its own spaCy (default 1)")
    c.add_argument("--engine", choices=("local", "ray"), default="local",
                   help="where documents are coded: local (this machine, default) or ray (a Ray cluster; "
                        "needs pip install 'dragoman[ray]'). Incidents, stories and the store stay here")
    c.add_argument("--address", metavar="ADDR",
                   help="with --engine ray: a running Ray cluster, e.g. 127.0.0.1:6379 or ray://HOST:10001 "
                        "(default: start a local Ray with --workers + 1 CPUs)")
    c.add_argument("--shards", type=Path, metavar="DIR",
                   help="with --engine ray: where the temporary Parquet shards go, a folder every node of the "
                        "cluster shares at the same path (default: the system's temporary folder)")
    c.add_argument("--published", type=_iso_date, help="publication date for documents that carry none (YYYY-MM-DD)")
    c.add_argument("--meta", type=Path, help="JSONL file of metadata (file or id, published, title, outlet, url) for text files")
    c.add_argument("--actors", type=Path, metavar="FILE",
                   help="your actor dictionary (YAML or CSV: name, aliases, country, sector, office, valid_from, "
                        "valid_to); it overrides what dragoman infers. Format: docs/ACTORS.md")
    c.add_argument("--json-field", action="append", default=[], metavar="NAME=FIELD",
                   help="read our field NAME from the input's FIELD in JSON input, e.g. text=body (repeatable)")
    c.add_argument("--all-names", action="store_true",
                   help="run the entity recogniser on every sentence, not only on those that may hold an event "
                        "or name a quote's speaker (and those they refer back to): slower; it adds the people "
                        "named only in passing to the actors table")
    c.add_argument("--any-language", action="store_true",
                   help="code documents whose text is not English too (by default they are rejected, with "
                        "their language named)")
    c.add_argument("-q", "--quiet", action="store_true", help="no progress bar or summary on stderr")
    c.set_defaults(func=cmd_code)

    e = sub.add_parser("export", help="write a table as JSONL, CSV, TSV or Parquet",
                       description="Export a table of the store. Column names are documented in docs/EXPORT.md.")
    e.add_argument("table", choices=("events", "quotes", "actors", "documents", "rejections", "incidents", "stories",
                                      "messages", "channels"))
    _db_option(e)
    e.add_argument("--format", default="jsonl", choices=("jsonl", "csv", "tsv", "parquet"))
    e.add_argument("-o", "--output", default="-", help="output file, or - for stdout (default)")
    e.set_defaults(func=cmd_export)

    v = sub.add_parser("evaluate", help="score the store against a gold file",
                       description="Score the store against a gold JSONL file (format: tests/data/README or docs).")
    v.add_argument("gold", type=Path, metavar="GOLD.jsonl")
    _db_option(v)
    v.add_argument("--people", type=Path, metavar="ACTORS.jsonl",
                   help="also check each gold person's name, country, sector and surface forms "
                        "(default: actors.jsonl beside the gold file, when there is one)")
    v.add_argument("--json", action="store_true", help="print the report as JSON")
    v.set_defaults(func=cmd_evaluate)

    b = sub.add_parser("bench", help="measure speed and memory against bare spaCy on real news",
                       description="Time the whole pipeline (store writes included) against bare spaCy over the "
                                   "same articles, on 1 and N workers, and peak memory as the corpus grows. "
                                   "Each measurement runs in its own process; models are loaded before timing.")
    b.add_argument("--docs", type=_positive_int, default=400, help="articles to time (default 400)")
    b.add_argument("--workers", type=_positive_int, default=2, help="workers for the parallel runs (default 2)")
    b.add_argument("--corpus", type=Path, help="JSONL articles with a text field (default: the 2,095 BBC "
                                               "articles in bench/bbc.jsonl.gz of the source tree)")
    b.add_argument("--sizes", default="500,1000,2000", metavar="N,N,...",
                   help="corpus sizes for the memory series (default 500,1000,2000; empty for none)")
    b.add_argument("--repeat", type=_positive_int, default=1,
                   help="time each variant this many times and keep the fastest (default 1)")
    b.add_argument("--json", action="store_true", help="print the figures as JSON")
    b.set_defaults(func=cmd_bench)

    s = sub.add_parser("status", help="what the store holds, its last runs and why inputs were rejected",
                       description="Show what the store holds (rows per table), its last runs and the reasons "
                                   "inputs were rejected. Works while dragoman code writes the store.")
    _db_option(s)
    s.add_argument("--runs", type=_positive_int, default=5, metavar="N", help="how many runs to show (default 5)")
    s.set_defaults(func=cmd_status)

    w = sub.add_parser("serve", help="browse the store in a web explorer, with a JSON API",
                       description="Serve a read-only web explorer and JSON API (/api/, described at "
                                   "/openapi.json) over the store. It can run while dragoman code writes the store.")
    _db_option(w)
    w.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1: this machine only)")
    w.add_argument("--port", type=_port, default=8000, help="port to listen on (default 8000)")
    w.set_defaults(func=cmd_serve)

    h = sub.add_parser("channels", help="print the messages between principals: who sent what to whom, through whom",
                       description="Print each channel (the messages between two principals, either way) and its "
                                   "messages in time order: date, sender -> [carriers, in order] -> recipient.")
    _db_option(h)
    h.add_argument("--actor", metavar="NAME", help="only channels with this principal (an actor id or part of a name)")
    h.add_argument("--country", metavar="ISO3", type=_iso3, help="only channels with a principal of this country")
    h.set_defaults(func=cmd_channels)

    d = sub.add_parser("demo", help="code the bundled sample articles and print what was found")
    _db_option(d)
    d.set_defaults(func=cmd_demo)
    return p


def _db_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--db", type=Path, default=Path(DEFAULT_DB), help=f"the store (default ./{DEFAULT_DB})")


def _port(text: str) -> int:
    if not text.isdigit() or not 0 <= int(text) <= 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port; give a number from 1 to 65535 (0: any free port)")
    return int(text)


def _positive_int(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, not {text!r}")
    return int(text)


def _iso3(text: str) -> str:
    if not re.fullmatch(r"[A-Za-z]{3}", text):
        raise argparse.ArgumentTypeError(f"expected a country as an ISO 3166-1 alpha-3 code (IRN, RUS, USA), not {text!r}")
    return text.upper()


def _iso_date(text: str) -> str:
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        raise argparse.ArgumentTypeError(f"expected a date as YYYY-MM-DD, not {text!r}")
    return text


# -- commands ---------------------------------------------------------------------------------

def cmd_code(args: argparse.Namespace) -> int:
    from .ingest import check_inputs
    from .pipeline import Progress, run
    from .store import WRITER_WAIT, Store

    check_inputs(args.inputs)
    if args.meta is not None and not args.meta.is_file():
        raise InputError(str(args.meta), "no such metadata file", "Check the --meta path")
    fields = []
    for item in args.json_field:
        name, sep, field = item.partition("=")
        if not sep or not name or not field:
            raise UsageError(f"--json-field {item!r}: expected NAME=FIELD, e.g. --json-field text=body")
        fields.append((name, field))
    if args.actors is not None:
        from .actors import ActorDictionary

        ActorDictionary.load(args.actors)  # a wrong file stops here, before anything is coded
    if args.engine != "ray" and (args.address is not None or args.shards is not None):
        raise UsageError(f"{'--address' if args.address is not None else '--shards'} is an option of the Ray "
                         "engine. Add --engine ray")
    if args.engine == "ray":
        from .engines.ray import import_ray

        import_ray()  # a missing extra stops here, before the store is made
    if args.shards is not None and not args.shards.is_dir():
        raise InputError(str(args.shards), "no such folder", "Create it, or leave out --shards")
    settings = Settings(db=args.db, workers=args.workers, engine=args.engine, ray_address=args.address,
                        ray_shards=args.shards, published=args.published, meta=args.meta, quiet=args.quiet,
                        json_fields=tuple(fields), actors=args.actors, all_names=args.all_names,
                        any_language=args.any_language)
    started = time.monotonic()
    bars = []  # the progress bar, made once a run has lasted a second (short runs stay quiet)

    def progress(p: Progress) -> None:
        if args.quiet:
            return
        if not bars and time.monotonic() - started > 1.0:
            from tqdm import tqdm

            bars.append(tqdm(unit=" docs", file=sys.stderr, dynamic_ncols=True, leave=False))
        if bars:
            bars[0].n = p.documents
            bars[0].set_postfix(events=p.events, refresh=False)
            bars[0].refresh()

    with Store(settings.db, shared=True, wait=WRITER_WAIT) as store:
        summary = run(args.inputs, settings, store, on_progress=progress)
    for bar in bars:
        bar.close()
    if not args.quiet:
        print(f"coded {summary.coded} documents ({summary.events} events), skipped {summary.skipped} already coded, "
              f"rejected {summary.rejected} -> {settings.db}", file=sys.stderr)
        for reason, n in sorted(summary.rejections_by_reason.items(), key=lambda kv: -kv[1]):
            print(f"  rejected {n}: {reason}", file=sys.stderr)
        if summary.rejected:
            print(f"  details: dragoman export rejections --db {settings.db}", file=sys.stderr)
    if summary.coded == 0 and summary.skipped == 0:
        print("dragoman: error: nothing could be coded; see the rejections above", file=sys.stderr)
        return EXIT_NOTHING_CODED
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    from .export import export
    from .store import READER_WAIT, Store

    _require_store(args.db)
    out = None if args.output == "-" else Path(args.output)
    with Store(args.db, read_only=True, shared=True, wait=READER_WAIT) as store:
        n = export(store, args.table, args.format, out)
    if out is not None:
        print(f"wrote {n} {args.table} rows to {out}", file=sys.stderr)
    return EXIT_OK


def cmd_evaluate(args: argparse.Namespace) -> int:
    from .evaluate import check_people, evaluate, format_people, format_report, load_gold, load_gold_people, match_doc_ids
    from .store import READER_WAIT, Store

    _require_store(args.db)
    gold = load_gold(args.gold)
    people_path = args.people or (args.gold.parent / "actors.jsonl")
    people = load_gold_people(people_path) if args.people or people_path.is_file() else None
    with Store(args.db, read_only=True, shared=True, wait=READER_WAIT) as store:
        ids = match_doc_ids([g.doc_id for g in gold], [d.doc_id for d in store.documents()])
        wanted = list(ids.values())
        back = {v: k for k, v in ids.items()}
        events: dict[str, list] = {}
        for ev in store.events(wanted):
            events.setdefault(back[ev.doc_id], []).append(ev)
        keep_docs = set(wanted)
        incident_docs: dict[str, set[str]] = {}
        for doc_id, iid in store.rows("events", ("doc_id", "incident_id")):
            if iid is not None and doc_id in keep_docs:
                incident_docs.setdefault(iid, set()).add(doc_id)
        story_docs: dict[str, list[str]] = {}
        for doc_id, sid in store.story_of().items():
            if sid is not None and doc_id in keep_docs:
                story_docs.setdefault(sid, []).append(back[doc_id])
        found: dict[str, list] = {}
        for q in store.quotes(wanted):
            found.setdefault(back[q.doc_id], []).append(q)
        checks = None
        if people is not None:
            keep = set(wanted)
            mentions = [{"actor_id": a, "text": t} for d, a, t in store.rows("mentions", ("doc_id", "actor_id", "text"))
                        if d in keep]
            used = {m["actor_id"] for m in mentions}
            cols = ("actor_id", "name", "country", "sector", "kind", "mentions")
            actors = [dict(zip(cols, r)) for r in store.rows("actors", cols) if r[0] in used]
            checks = check_people(people, actors, mentions)
    missing = [g.doc_id for g in gold if g.doc_id not in ids]
    if missing:
        print(f"dragoman: warning: {len(missing)} gold documents are not in {args.db} ({', '.join(missing[:5])}); "
              "they count as all misses. Code them first.", file=sys.stderr)
    report = evaluate(gold, events, found)
    several = sorted((len(d) for d in incident_docs.values() if len(d) > 1), reverse=True)
    incidents_line = (f"Incidents: {len(incident_docs)} real-world events in these documents; {len(several)} "
                      f"reported by several documents (documents each: {', '.join(map(str, several)) or '-'})")
    groups = sorted((sorted(d) for d in story_docs.values()), key=lambda d: (-len(d), d))
    stories_line = f"Stories: {len(groups)} ({'; '.join(', '.join(d) for d in groups) or '-'})"
    if args.json:
        out = report.to_dict()
        out["incidents"] = {"incidents": len(incident_docs), "reported_by_several": several}
        out["stories"] = groups
        if checks is not None:
            out["people"] = [{"name": c.gold.name, "right": c.right, "actor_id": c.actor_id, "got_name": c.name,
                              "country": c.country, "sector": c.sector, "forms_found": list(c.forms_found),
                              "forms_missing": list(c.forms_missing)} for c in checks]
        print(json.dumps(out, indent=2, ensure_ascii=False))
    else:
        print(format_report(report))
        print("\n" + incidents_line)
        print(stories_line)
        if checks is not None:
            print("\n" + format_people(checks))
    return EXIT_OK


def cmd_bench(args: argparse.Namespace) -> int:
    from .bench import bench, default_corpus, format_report, iter_sizes

    corpus = args.corpus or default_corpus()
    if corpus is None or not corpus.is_file():
        raise UsageError(f"no corpus to time{f' at {corpus}' if corpus else ''}: give a JSONL file of articles "
                         "with --corpus (the source tree ships bench/bbc.jsonl.gz)")
    try:
        sizes = tuple(iter_sizes(args.sizes))
    except ValueError:
        raise UsageError(f"--sizes {args.sizes!r}: expected numbers separated by commas, e.g. 500,1000,2000")
    try:
        report = bench(corpus, args.docs, args.workers, sizes, args.repeat,
                       progress=lambda text: print(f"dragoman bench: {text}", file=sys.stderr))
    except ValueError as err:
        raise UsageError(str(err)) from err
    print(json.dumps(report.to_dict(), indent=2) if args.json else format_report(report))
    return EXIT_OK


def cmd_status(args: argparse.Namespace) -> int:
    from .store import READER_WAIT, Store

    _require_store(args.db)
    with Store(args.db, read_only=True, shared=True, wait=READER_WAIT) as store, store.session():
        meta, counts = store.meta(), store.counts()
        runs, reasons = store.runs(args.runs), store.rejection_reasons()
    size = args.db.stat().st_size / 1e6
    print(f"{args.db}: {size:.1f} MB, schema {meta.get('schema_version')}, created by {meta.get('created_by')}")
    print("  " + ", ".join(f"{counts[t]:,} {t}" for t in ("documents", "events", "actors", "quotes", "incidents",
                                                          "stories", "messages", "channels", "rejections")))
    print(f"last runs ({len(runs)}):" if runs else "no runs yet")
    for r in runs:
        took = f"{(r['finished_at'] - r['started_at']).total_seconds():.0f} s" if r["finished_at"] else "not finished"
        counted = (f"coded {r['coded']}, skipped {r['skipped']}, rejected {r['rejected']}, {r['events']} events"
                   if r["finished_at"] else "")
        inputs = ", ".join(r["inputs"][:3]) + (f" and {len(r['inputs']) - 3} more" if len(r["inputs"]) > 3 else "")
        print(f"  {r['run_id']}  {r['status']:<8}  {r['started_at']:%Y-%m-%d %H:%M} UTC  {took}  {counted}  <- {inputs}")
    if reasons:
        print("rejections by reason:")
        for reason, n, fix in reasons:
            print(f"  {n:>6}  {reason}  (fix: {fix})")
    return EXIT_OK


def cmd_channels(args: argparse.Namespace) -> int:
    from .channels import chain, select
    from .store import READER_WAIT, Store

    _require_store(args.db)
    with Store(args.db, read_only=True, shared=True, wait=READER_WAIT) as store, store.session():
        found = select(store.channels(), args.actor, args.country)
        messages = {m.message_id: m for m in store.messages()}
    if not found:
        asked = " and ".join(x for x in (args.actor and f"actor {args.actor!r}", args.country and f"country {args.country}")
                             if x)
        print(f"no channels{' with ' + asked if asked else ''} in {args.db}"
              f" ({len(messages)} messages)", file=sys.stderr)
        return EXIT_OK
    for n, c in enumerate(found):
        replies = f", {c.num_replies} {'reply' if c.num_replies == 1 else 'replies'}" if c.num_replies else ""
        median = f"; median reply {c.median_reply_days:g} days" if c.median_reply_days is not None else ""
        carriers = "; carriers: " + ", ".join(f"{name} ({k})" for name, k in c.carriers) if c.carriers else ""
        print(("\n" if n else "") + f"{_principal(c.a)} <-> {_principal(c.b)}: {c.num_messages} "
              f"{'message' if c.num_messages == 1 else 'messages'}{replies}{median}{carriers}")
        for mid in c.message_ids:
            m = messages[mid]
            notes = [m.status if m.status != "occurred" else "", m.topic and f"on {m.topic}",
                     m.reply and (f"reply to {messages[m.in_reply_to].date or 'an undated message'}"
                                  if m.in_reply_to in messages else "reply, original unknown")]
            note = "; ".join(x for x in notes if x)
            print(f"  {m.date or 'undated':<10}  {chain(m)}" + (f"  ({note})" if note else ""))
    return EXIT_OK


def _principal(p) -> str:
    return f"{p.name} ({p.country})" if p.country else p.name


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from .web import create_app

    _require_store(args.db)
    app = create_app(args.db)
    where = f"http://{args.host}:{args.port}/" if args.port else f"http://{args.host} on a free port"
    print(f"dragoman serve: {args.db} read-only at {where} (API: /api/, /openapi.json); Ctrl-C stops",
          file=sys.stderr)
    try:
        uvicorn.run(app, host=args.host, port=args.port, log_level="warning")
    finally:
        app.state.store.close()
    return EXIT_OK


def cmd_demo(args: argparse.Namespace) -> int:
    from .pipeline import run
    from .store import WRITER_WAIT, Store

    sample = resources.files("dragoman").joinpath("data", "sample", "seeds.jsonl")
    settings = Settings(db=args.db, quiet=True)
    with resources.as_file(sample) as path, Store(settings.db, shared=True, wait=WRITER_WAIT) as store:
        summary = run([str(path)], settings, store)
        print(f"dragoman demo: coded {summary.coded} sample documents into {settings.db} "
              f"({summary.skipped} already there)\n")
        _print_summary(store)
    return EXIT_OK


def _print_summary(store) -> None:
    from .channels import chain

    events = store.events()
    docs = store.documents()
    occurred = [e for e in events if e.status == "occurred"]
    print(f"{len(docs)} documents, {len(events)} events ({len(occurred)} occurred, "
          f"{len(events) - len(occurred)} future, hypothetical or negated)\n")
    print("Events by type (occurred / all):")
    all_types = Counter(e.type for e in events)
    occ_types = Counter(e.type for e in occurred)
    for t, n in all_types.most_common():
        print(f"  {t:<10} {occ_types.get(t, 0):>3} / {n}")
    print("\nTop dyads (occurred, source country -> target country):")
    dyads = Counter((e.source.country if e.source else None, e.target.country if e.target else None) for e in occurred)
    for (s, t), n in dyads.most_common(8):
        print(f"  {s or '---'} -> {t or '---'}  {n}")
    print("\nTen events with their evidence (the surest of each document in turn):")
    by_doc: dict[str, list] = {}
    for e in sorted(events, key=lambda e: (-e.confidence, e.status != "occurred", e.start)):
        by_doc.setdefault(e.doc_id, []).append(e)
    shown = []
    while len(shown) < 10 and any(by_doc.values()):
        for doc_id in sorted(by_doc):
            if by_doc[doc_id] and len(shown) < 10:
                shown.append(by_doc[doc_id].pop(0))
    for e in sorted(shown, key=lambda e: (e.doc_id, e.start)):
        src = f"{e.source.name} ({e.source.country or '?'})" if e.source else "?"
        tgt = f"{e.target.name} ({e.target.country or '?'})" if e.target else "-"
        via = f" via {e.via.name}" if e.via else ""
        print(f"  [{e.doc_id}] {e.type} {e.status} {e.date.value or 'undated'}: {src} -> {tgt}{via}  "
              f"(trigger '{e.trigger}')")
        print(f"      \"{_shorten(e.evidence, 160)}\"")
    messages = {m.message_id: m for m in store.messages()}
    if messages:
        print("\nMessages between principals (dragoman channels):")
        for c in store.channels():
            for mid in c.message_ids:
                m = messages[mid]
                print(f"  {m.date or 'undated':<10}  {chain(m)}" + ("  (reply)" if m.reply else "")
                      + (f"  ({m.status})" if m.status != "occurred" else ""))
    print("\nNext: dragoman export events --format csv -o events.csv")


def _shorten(text: str, n: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


def _require_store(db: Path) -> None:
    if not db.exists():
        raise StoreError(f"{db}: no such store. Code some articles first: dragoman code INPUT --db {db}")


if __name__ == "__main__":
    sys.exit(main())
