"""Measure retrieval on the dev questions for several prose chunk sizes.

    python -m eval.chunk_sizes [--sizes 400 600 900 1400] [--out eval/results/chunk_sizes.md]

Each size gets its own index under var/chunk-sizes/<size> (built with the real model), then
the dev questions run through the same search as /api/search.
"""

from __future__ import annotations

import argparse
from functools import partial
from pathlib import Path

from eval.metrics import QuestionResult, gold_ranks, summarise
from eval.run import HERE, add_row, load_questions, save_lines
from indexer.pipeline import build_index
from service.engine import Engine
from service.search.runtime import chunk_params, get_embedder, model_info, tuning_record
from service.settings import ROOT, ChunkingParams, get_settings


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[400, 600, 900, 1400])
    parser.add_argument("--questions", type=Path, default=HERE / "dev.jsonl")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    base = get_settings()
    questions = [q for q in load_questions(args.questions) if q.get("gold")]
    lines = [
        "| chunk size (overlap) | chunks | R@10 | MRR@10 | trend all-found | paraphrase R@10 |",
        "|---|---|---|---|---|---|",
    ]
    for size in args.sizes:
        settings = base.with_tuning(
            chunking=ChunkingParams(size=size, overlap=size // 6)
        ).model_copy(update={"index_dir": ROOT / "var" / "chunk-sizes" / str(size)})
        report = build_index(
            settings.corpus_dir,
            settings.index_dir,
            model_info(settings),
            partial(get_embedder, settings.model, settings.precision, settings.device),
            params=chunk_params(settings),
            progress=False,
            tuning=tuning_record(settings),
        )
        engine = Engine(settings)
        results = []
        for q in questions:
            hits = engine.search(q["question"], k=10).hits
            ranks = gold_ranks([h.chunk.text for h in hits], [g["quote"] for g in q["gold"]])
            results.append(QuestionResult(q["id"], q["kind"], ranks))
        s = summarise(results)
        k = s.by_kind
        by_kind = [k["trend"]["all_found"], k["paraphrase"]["recall"]]
        add_row(lines, f"{size} ({size // 6})", report.chunks, s.recall, s.mrr, *by_kind)
    save_lines(lines, args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
