"""Compare ways of fusing dense and BM25 scores on the dev questions (no filters given).

    python -m eval.tune [--out eval/results/fusion.md]

Each variant runs the same questions with the same query understanding as /api/search; the
query vectors are computed once and shared.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from eval.metrics import QuestionResult, gold_ranks, summarise
from eval.run import HERE, add_row, load_questions, save_lines
from service.engine import Engine
from service.search.query import understand
from service.search.retrieval import Searcher
from service.search.snapshot import Filters
from service.settings import FusionParams, get_settings

RECALL_KINDS = ("english", "paraphrase", "number")
"""Question kinds whose recall@10 has a column of its own, after trend all-found."""

VARIANTS: dict[str, FusionParams] = {
    "dense only, passages": FusionParams(method="dense", sentence_level=False),
    "dense only, passages + sentences": FusionParams(method="dense"),
    "bm25 only": FusionParams(method="bm25"),
    "rrf (k=60)": FusionParams(method="rrf"),
    **{
        f"minmax dense {w:.1f}, passages": FusionParams(dense_weight=w, sentence_level=False)
        for w in (0.5, 0.6, 0.7, 0.8)
    },
    **{
        f"minmax dense {w:.1f}, passages + sentences": FusionParams(dense_weight=w)
        for w in (0.5, 0.6, 0.7, 0.8, 0.9)
    },
    "minmax 0.7 + sentences, no english rule": FusionParams(
        dense_weight=0.7, english_dense_weight=0.7
    ),
    "minmax 0.7 + sentences, no doc-type boost": FusionParams(dense_weight=0.7, doc_type_boost=0.0),
}


def evaluate(
    engine: Engine, searcher: Searcher, questions: list[dict[str, Any]], prepared: Any
) -> Any:
    results = []
    vocab = engine.vocabulary()
    for q, query in zip(questions, prepared, strict=True):
        intent = understand(q["question"], Filters(), vocab)
        scores = searcher.scores(query, intent.filters, intent.boost_doc_type)
        hits = searcher._collapse(scores, 10)
        ranks = gold_ranks([h.chunk.text for h in hits], [g["quote"] for g in q["gold"]])
        results.append(QuestionResult(q["id"], q["kind"], ranks))
    return summarise(results)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--questions", type=Path, default=HERE / "dev.jsonl")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    engine = Engine(get_settings())
    base = engine.searcher
    questions = [q for q in load_questions(args.questions) if q.get("gold")]
    prepared = base.prepare_many([q["question"] for q in questions])
    lines = [
        "| variant | R@10 | MRR@10 | trend all-found | english R@10 | paraphrase R@10 "
        "| number R@10 |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, params in VARIANTS.items():
        searcher = Searcher(base.snapshot, base.encoder, params=params, lexical=base.lexical)
        s = evaluate(engine, searcher, questions, prepared)
        k = s.by_kind
        by_kind = [k["trend"]["all_found"]] + [k[kind]["recall"] for kind in RECALL_KINDS]
        add_row(lines, name, s.recall, s.mrr, *by_kind)
    save_lines(lines, args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
