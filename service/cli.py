"""The `rapportsok` command: model install, index, inspect, search, ask, serve."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from service.errors import ServiceError
from service.settings import Settings, get_settings

if TYPE_CHECKING:
    from pydantic import BaseModel

    from service.engine import Engine
    from service.results import CitedAnswer, Passages
    from service.search.snapshot import Filters

R = TypeVar("R")


class CliError(Exception):
    """A problem to report in one line, with a non-zero exit."""


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "run"):
        parser.print_help()
        return 2
    try:
        return int(args.run(args, get_settings()) or 0)
    except KeyboardInterrupt:
        print("rapportsok: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:
        from indexer.embedding.provision import ModelProvisionError
        from indexer.reading.extract import ExtractionError
        from indexer.store import IndexLoadError, IndexLockedError
        from indexer.store.format import StoreUnavailableError
        from service.search.runtime import ModelMismatchError

        known = (
            CliError,
            ServiceError,
            ExtractionError,
            ModelProvisionError,
            IndexLoadError,
            IndexLockedError,
            StoreUnavailableError,
            ModelMismatchError,
            FileNotFoundError,
        )
        if isinstance(exc, known):
            print(f"rapportsok: {exc}", file=sys.stderr)
            return 1
        print(f"rapportsok: unexpected error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="rapportsok", description="Search and cited answers over district council reports"
    )
    sub = parser.add_subparsers(title="commands")

    model = sub.add_parser("model", help="manage the embedding model")
    model_sub = model.add_subparsers(title="model commands")
    install = model_sub.add_parser("install", help="build the default model folder offline")
    install.add_argument("--target", type=Path, help="folder to install into (default: setting)")
    install.add_argument("--force", action="store_true", help="rebuild even if intact")
    install.set_defaults(run=_cmd_model_install)

    index = sub.add_parser("index", help="build or update the index")
    index.add_argument("corpus", nargs="?", type=Path, help="folder of reports (default: corpus/)")
    index.add_argument("--index-dir", type=Path)
    _store_arg(index)
    index.add_argument("--force", action="store_true", help="re-embed everything")
    index.set_defaults(run=_cmd_index)

    inspect = sub.add_parser("inspect", help="list indexed documents, units and goals")
    inspect.add_argument("--index-dir", type=Path)
    _store_arg(inspect)
    inspect.add_argument("--json", action="store_true")
    inspect.set_defaults(run=_cmd_inspect)

    search = sub.add_parser("search", help="ranked passages with citations")
    search.add_argument("query")
    _filter_args(search)
    search.add_argument("--k", type=int, default=10)
    search.add_argument("--json", action="store_true", help="print machine-readable hits")
    search.set_defaults(run=_cmd_search)

    ask = sub.add_parser("ask", help="an answer built from cited passages")
    ask.add_argument("question")
    _filter_args(ask)
    ask.add_argument("--json", action="store_true")
    ask.set_defaults(run=_cmd_ask)

    serve = sub.add_parser("serve", help="start the web service")
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
    serve.add_argument("--index-dir", type=Path)
    _store_arg(serve)
    serve.set_defaults(run=_cmd_serve)

    postgres = sub.add_parser(
        "postgres", help="a local PostgreSQL with pgvector (for tests, trials)"
    )
    postgres_sub = postgres.add_subparsers(title="postgres commands")
    start = postgres_sub.add_parser(
        "start", help="start it (created on first start); prints its URL"
    )
    start.add_argument("--data", type=Path, required=True, help="its data folder")
    start.set_defaults(run=_cmd_postgres_start)
    stop = postgres_sub.add_parser("stop", help="stop the PostgreSQL of a data folder")
    stop.add_argument("--data", type=Path, required=True, help="its data folder")
    stop.set_defaults(run=_cmd_postgres_stop)
    return parser


def _store_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--store",
        metavar="URL",
        help="a postgresql:// database holding the builds (default: "
        "RAPPORTSOK_STORE, else the index folder)",
    )


def _filter_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--district")
    parser.add_argument("--year", type=int)
    parser.add_argument("--doc-type", dest="doc_type")
    parser.add_argument("--goal")
    parser.add_argument("--unit")
    parser.add_argument("--index-dir", type=Path)
    _store_arg(parser)


def _with_index_dir(args: argparse.Namespace, settings: Settings) -> Settings:
    """The settings with --index-dir and --store applied."""
    update: dict[str, Any] = {}
    if getattr(args, "index_dir", None):
        update["index_dir"] = args.index_dir
    store = getattr(args, "store", None)
    if store:
        from indexer.store.postgres import is_postgres_url

        if not is_postgres_url(store):
            raise CliError(f"--store {store!r}: not a postgresql:// URL")
        update["store"] = store
    return settings.model_copy(update=update) if update else settings


# ----------------------------------------------------------------------------- commands


def _cmd_model_install(args: argparse.Namespace, settings: Settings) -> int:
    import time

    from indexer.embedding.provision import install_model

    target = args.target or Path(settings.model)
    started = time.perf_counter()
    identity = install_model(target, force=args.force)
    seconds = time.perf_counter() - started
    print(f"model {identity.name} ({identity.model_id}) ready in {target} [{seconds:.1f} s]")
    return 0


def _cmd_index(args: argparse.Namespace, settings: Settings) -> int:
    from service.search.runtime import build_for

    settings = _with_index_dir(args, settings)
    report = build_for(settings, args.corpus or settings.corpus_dir, force=args.force)
    for failure in report.failures:
        print(f"could not index {failure}", file=sys.stderr)
    state = "up to date" if report.up_to_date else f"build {report.build}"
    print(
        f"{report.documents} documents, {report.pages} pages, {report.chunks} chunks "
        f"({len(report.new)} new, {len(report.changed)} changed, {len(report.removed)} removed, "
        f"{len(report.unchanged)} unchanged; {report.embedded_chunks} chunks embedded) "
        f"in {report.seconds:.1f} s; {state}"
    )
    return 1 if report.failures else 0


def _cmd_inspect(args: argparse.Namespace, settings: Settings) -> int:
    from service.search.source import open_source

    settings = _with_index_dir(args, settings)
    snapshot = open_source(settings).load()
    summary = _inspect_summary(snapshot)
    if args.json:
        print(json.dumps(summary, ensure_ascii=False, indent=2))
        return 0
    manifest = snapshot.manifest
    print(
        f"index {snapshot.build.name} built {manifest.built_at} with {manifest.model.get('name')}"
    )
    for doc in summary["documents"]:
        ocr = f" ({doc['ocr_pages']} read by OCR)" if doc["ocr_pages"] else ""
        print(
            f"\n{doc['title']}\n  {doc['district']} {doc['year']} {doc['doc_type']} | "
            f"{doc['pages']} pages{ocr}, {doc['chunks']} chunks | file {doc['name']}"
        )
        if doc["units"]:
            print(f"  units ({len(doc['units'])}): " + "; ".join(doc["units"]))
        print(f"  goals ({len(doc['goals'])}):")
        for goal in doc["goals"]:
            print(f"    {goal}")
    return 0


def _inspect_summary(snapshot: Any) -> dict[str, Any]:
    documents = []
    for doc in sorted(snapshot.documents.values(), key=lambda d: (d.year or 0, d.name)):
        chunks = [c for c in snapshot.chunks if c.doc_id == doc.doc_id]
        goals: dict[str, None] = {}
        for chunk in chunks:
            for goal in chunk.goals:
                if goal.level != "enhetsmal":
                    goals.setdefault(goal.label, None)
        documents.append(
            {
                "doc_id": doc.doc_id,
                "name": doc.name,
                "title": doc.title,
                "district": doc.district,
                "year": doc.year,
                "doc_type": doc.doc_type,
                "units": doc.units,
                "pages": doc.page_count,
                "ocr_pages": len(doc.ocr_pages),
                "chunks": len(chunks),
                "goals": sorted(goals, key=_goal_sort_key),
            }
        )
    return {"build": snapshot.build.name, "documents": documents}


def _goal_sort_key(label: str) -> tuple[int, ...]:
    import re

    match = re.search(r"(\d+(?:\.\d+)*)", label)
    return tuple(int(p) for p in match.group(1).split(".")) if match else (99,)


def _filters(args: argparse.Namespace) -> Filters:
    from dataclasses import fields

    from service.search.snapshot import Filters

    return Filters(**{f.name: getattr(args, f.name) for f in fields(Filters)})


def _print_json(model: BaseModel) -> None:
    print(json.dumps(model.model_dump(mode="json"), ensure_ascii=False, indent=2))


def _open_engine(args: argparse.Namespace, settings: Settings) -> Engine:
    from service.engine import open_engine

    return open_engine(_with_index_dir(args, settings))


def _print_result(
    args: argparse.Namespace, result: R, model: Callable[[R], BaseModel], text: Callable[[R], str]
) -> int:
    """The result as the response model's JSON with --json, else as text for a terminal."""
    if args.json:
        _print_json(model(result))
    else:
        print(text(result))
    return 0


def _cmd_search(args: argparse.Namespace, settings: Settings) -> int:
    from service.api.schemas import SearchOut

    engine = _open_engine(args, settings)
    max_k = engine.settings.max_k
    if args.k < 1 or args.k > max_k:
        raise CliError(f"--k must be between 1 and {max_k}")
    query = engine.check_query(args.query)
    filters = engine.check_filters(_filters(args))
    found = engine.passages(engine.search(query, k=args.k, filters=filters))
    return _print_result(args, found, SearchOut.of, format_passages)


def format_passages(found: Passages) -> str:
    """Hits for a terminal: the filters applied, then rank, score, title, pages and text."""
    lines = []
    applied = found.applied.as_dict()
    if applied:
        lines.append("filters: " + ", ".join(f"{k}={v}" for k, v in applied.items()))
    for rank, passage in enumerate(found.passages, start=1):
        hit = passage.hit
        pages = hit.chunk.pages
        shown = "-".join(str(p) for p in (pages[:1] + pages[-1:] if len(pages) > 1 else pages))
        goal = hit.chunk.goal
        goal_text = f" | mål {goal.number} {goal.title}" if goal else ""
        lines.append(
            f"\n[{rank}] {round(hit.score, 4):.3f} {hit.document.title} | s. {shown}{goal_text}"
        )
        lines.append(f"    {hit.chunk.section}")
        text = " ".join(hit.chunk.text.split())
        lines.append(f"    {text[:400]}{'…' if len(text) > 400 else ''}")
        if passage.also_in:
            lines.append(f"    (även i {len(passage.also_in)} andra rapportdelar)")
    if not found.passages:
        lines.append("Inga träffar.")
    return "\n".join(lines)


def _cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    from service.api.schemas import AskOut

    engine = _open_engine(args, settings)
    question = engine.check_query(args.question)
    answer = engine.ask(question, filters=engine.check_filters(_filters(args)))
    return _print_result(args, answer, AskOut.of, format_answer)


def format_answer(answer: CitedAnswer) -> str:
    """The answer for a terminal: text, then the numbered sources."""
    lines = [answer.text]
    for c in answer.citations:
        pages = ",".join(str(p) for p in c.pages) or "?"
        unit = f", {c.unit}" if c.unit else ""
        lines.append(f"  [{c.id}] {c.title}{unit}, s. {pages} — {c.section}")
    return "\n".join(lines)


def _cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn

    from service.api.app import create_app
    from service.engine import Engine

    update: dict[str, Any] = {}
    if args.host:
        update["host"] = args.host
    if args.port:
        update["port"] = args.port
    settings = _with_index_dir(args, settings.model_copy(update=update))
    engine = Engine(settings)
    url = f"http://{settings.host}:{settings.port}"
    if engine.has_build:
        what = f"{len(engine.snapshot.documents)} documents ({engine.snapshot.build.name})"
        print(f"rapportsok: serving {what} on {url}", file=sys.stderr)
    else:
        problem = engine.store_status().problem
        print(f"rapportsok: serving on {url}; no build loaded yet ({problem})", file=sys.stderr)
    app = create_app(settings, engine=engine)
    uvicorn.run(
        app,
        host=settings.host,
        port=settings.port,
        log_level="warning",
        access_log=False,
        h11_max_incomplete_event_size=1 << 20,
    )
    return 0


def _cmd_postgres_start(args: argparse.Namespace, settings: Settings) -> int:
    from service.local_postgres import start

    url = start(args.data)
    print(f"PostgreSQL with pgvector running; data in {args.data}", file=sys.stderr, flush=True)
    print(url)
    return 0


def _cmd_postgres_stop(args: argparse.Namespace, settings: Settings) -> int:
    from service.local_postgres import stop

    print(f"PostgreSQL of {args.data} {'stopped' if stop(args.data) else 'was not running'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
