"""The tutorial pipeline, for comparison: page text -> RecursiveCharacterTextSplitter(1000, 200)
-> the same e5 model -> FAISS flat, no structure, no filters, no lexical search.

    python -m eval.baseline [--out eval/results/baseline-tutorial.md]
    python -m eval.baseline --build-only      # time the tutorial's build alone

The tutorial embeds with plain sentence-transformers (torch) in fp32, whatever the settings'
precision; `scripts/bench_index.py` times it so.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import faiss
import numpy as np
from langchain_text_splitters import RecursiveCharacterTextSplitter
from pypdf import PdfReader

from eval.metrics import QuestionResult, gold_ranks, summarise
from eval.run import HERE, load_questions, save_lines
from indexer.embedding.encoder import Embedder
from service.settings import get_settings


def tutorial_build(corpus: Path, embedder: Embedder) -> tuple[list[str], faiss.IndexFlatIP]:
    """Page texts split into 1000-character chunks, embedded and added to a flat index."""
    splitter = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200)
    texts: list[str] = []
    for pdf in sorted(corpus.glob("*.pdf")):
        for page in PdfReader(str(pdf)).pages:
            texts.extend(splitter.split_text(page.extract_text() or ""))
    vectors = embedder.encode_documents(texts)
    index = faiss.IndexFlatIP(vectors.shape[1])
    index.add(np.ascontiguousarray(vectors))
    return texts, index


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--questions", type=Path, default=HERE / "dev.jsonl")
    parser.add_argument("--out", type=Path)
    parser.add_argument("--build-only", action="store_true", help="time the build, no eval")
    args = parser.parse_args()
    settings = get_settings()
    started = time.perf_counter()
    embedder = Embedder(settings.model, precision="fp32", device=settings.device, runtime="torch")
    texts, index = tutorial_build(Path(settings.corpus_dir), embedder)
    if args.build_only:
        seconds = time.perf_counter() - started
        print(f"tutorial build: {len(texts)} chunks in {seconds:.1f} s ({embedder.precision})")
        return 0
    questions = [q for q in load_questions(args.questions) if q.get("gold")]
    query_vectors = embedder.encode_queries([q["question"] for q in questions])
    _, ids = index.search(np.ascontiguousarray(query_vectors), 10)
    results = [
        QuestionResult(
            q["id"], q["kind"], gold_ranks([texts[i] for i in row], [g["quote"] for g in q["gold"]])
        )
        for q, row in zip(questions, ids, strict=True)
    ]
    s = summarise(results)
    lines = [
        f"tutorial pipeline ({len(texts)} chunks): R@10 {s.recall:.3f}, MRR@10 {s.mrr:.3f}",
        "",
        "| kind | R@10 | MRR@10 |",
        "|---|---|---|",
        *[f"| {k} | {v['recall']:.3f} | {v['mrr']:.3f} |" for k, v in s.by_kind.items()],
    ]
    print("\n".join(lines))
    save_lines(lines, args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
