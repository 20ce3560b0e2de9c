"""The index folder and the PostgreSQL store side by side: retrieval and search latency.

python -m eval.stores --store postgresql://...     # every question set, two replicas
python -m eval.stores --store URL --out eval/results/stores.md

Each question set goes through GET /api/search of an app over the index folder
(RAPPORTSOK_INDEX_DIR) and of each replica over the database (its own engine and pool, as
`rapportsok serve --store URL` runs); both must hold builds of the same corpus and model.
Prints R@10 and MRR@10 per store and replica, the largest R@10 difference, and the median and
95th percentile of the search time per store.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
from pathlib import Path
from typing import Any

from eval.metrics import QuestionResult, summarise
from eval.run import HERE, add_row, load_questions, run_ask, run_search, save_lines
from indexer.embedding.encoder import cpu_model, planned_run
from service.settings import get_settings

SETS = [
    HERE / "dev.jsonl",
    HERE / "heldout.jsonl",
    *(
        HERE / f"{name}.jsonl"
        for name in (
            "everyday_tune",
            "nearmiss_tune",
            "everyday",
            "nearmiss",
            "everyday2",
            "nearmiss2",
        )
    ),
]


def _clients(store: str | None, count: int) -> list[Any]:
    from fastapi.testclient import TestClient

    from service.api.app import create_app
    from service.engine import Engine
    from service.settings import Settings

    settings = Settings(store=store, rate_limit_per_minute=0, watch_seconds=0)
    return [TestClient(create_app(settings, engine=Engine(settings))) for _ in range(count)]


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def _compare_answers(stores: dict[str, list[Any]], sets: list[Path], lines: list[str]) -> None:
    """Per set: how many questions each store answers, and how many answers are the same
    text as the folder store's (refusals count as the same when both refuse)."""
    lines += [
        "",
        "| set | n | " + " | ".join(f"{s} answered" for s in stores) + " | same answers |",
        "|---|---|" + "---|" * len(stores) + "---|",
    ]
    print("\n".join(lines[-3:]), flush=True)
    for path in sets:
        questions = load_questions(path)
        asked = {name: run_ask(client, questions) for name, (client,) in stores.items()}
        first = next(iter(asked.values()))
        same = min(
            sum(
                (a["answered"], a["answer"]) == (b["answered"], b["answer"])
                for a, b in zip(first, rows, strict=True)
            )
            for rows in asked.values()
        )
        answered = [sum(r["answered"] for r in rows) for rows in asked.values()]
        add_row(lines, path.stem, len(questions), *answered, f"{same}/{len(questions)}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--store", required=True, help="postgresql:// URL of the database store")
    parser.add_argument("--replicas", type=int, default=2)
    parser.add_argument("--sets", type=Path, nargs="*", default=SETS)
    parser.add_argument("--out", type=Path)
    parser.add_argument(
        "--ask", action="store_true", help="also POST /api/ask: answered shares, same answers"
    )
    args = parser.parse_args(argv)

    settings = get_settings()
    stores = {"folder": _clients(None, 1)}
    stores.update(
        {f"database {i + 1}": [c] for i, c in enumerate(_clients(args.store, args.replicas))}
    )
    lines = [
        f"`python -m eval.stores {' '.join(argv if argv is not None else sys.argv[1:])}`".replace(
            args.store, "URL"
        ),
        "",
        f"Machine: {cpu_model()}, {os.cpu_count()} cores; query model in "
        f"{planned_run(settings.model, settings.precision, settings.device)[1]}; database: "
        "PostgreSQL on the same machine (Unix socket)",
        "",
        "| set | n | " + " | ".join(f"{s} R@10 / MRR" for s in stores) + " | max R@10 diff |",
        "|---|---|" + "---|" * len(stores) + "---|",
    ]
    print("\n".join(lines), flush=True)
    seconds: dict[str, list[float]] = {name: [] for name in stores}
    for path in args.sets:
        questions = [q for q in load_questions(path) if q.get("gold")]
        if not questions:
            continue
        cells, recalls = [], []
        for name, (client,) in stores.items():
            rows = run_search(client, questions, 10, use_filters=False)
            seconds[name] += [r["seconds"] for r in rows]
            summary = summarise([QuestionResult(r["id"], r["kind"], r["ranks"]) for r in rows])
            cells.append(f"{summary.recall:.3f} / {summary.mrr:.3f}")
            recalls.append(summary.recall)
        diff = max(abs(r - recalls[0]) for r in recalls[1:])
        add_row(lines, path.stem, len(questions), *cells, diff)
    if args.ask:
        _compare_answers(stores, args.sets, lines)
    lines += ["", "| store | searches | p50 ms | p95 ms |", "|---|---|---|---|"]
    print("\n".join(lines[-3:]))
    for name, times in seconds.items():
        add_row(
            lines,
            name,
            len(times),
            f"{1000 * statistics.median(times):.1f}",
            f"{1000 * _percentile(times, 0.95):.1f}",
        )
    save_lines(lines, args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
