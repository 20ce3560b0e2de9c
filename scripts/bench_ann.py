"""Where an HNSW graph beats the exact fp16 scan of `indexer.store.vectors`, on this machine.

    python scripts/bench_ann.py                      # sizes 10k .. 400k, from var/index
    python scripts/bench_ann.py --sizes 50000 200000 --queries 200

The vectors are the current build's sentence and chunk vectors, grown to each size by adding
noise to copies (so they cluster like real passages rather than spread uniformly), normalised.
For each size it prints the build time and the median and p95 search time (one query, top 40,
as retrieval asks) of the exact scan and of HNSW, and HNSW's recall@40 against the scan.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import faiss
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from indexer import store  # noqa: E402
from indexer.store import vectors  # noqa: E402
from scripts.load import machine_line  # noqa: E402


def base_vectors(index_dir: Path) -> np.ndarray:
    build = store.current_build(index_dir)
    if build is None:
        raise SystemExit(f"no build in {index_dir}; run 'rapportsok index' first")
    manifest = store.read_manifest(build)
    chunks = vectors.all_vectors(store.read_vectors(build, manifest))
    return np.vstack([chunks, store.read_sentence_vectors(build, manifest)])


def grown(base: np.ndarray, size: int, rng: np.random.Generator) -> np.ndarray:
    picks = base[rng.integers(0, len(base), size)]
    noisy = picks + rng.normal(0, 0.35 / np.sqrt(base.shape[1]), picks.shape).astype(np.float32)
    return (noisy / np.linalg.norm(noisy, axis=1, keepdims=True)).astype(np.float32)


def timed_searches(index: faiss.Index, queries: np.ndarray, top: int) -> tuple[list[float], list]:
    times, found = [], []
    for query in queries:
        started = time.perf_counter()
        hits = vectors.search(index, query, top, None)
        times.append((time.perf_counter() - started) * 1000)
        found.append(set(hits))
    return times, found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index-dir", type=Path, default=ROOT / "var" / "index")
    parser.add_argument(
        "--sizes", type=int, nargs="+", default=[10_000, 50_000, 100_000, 200_000, 400_000]
    )
    parser.add_argument("--queries", type=int, default=100)
    parser.add_argument("--top", type=int, default=40)
    args = parser.parse_args()
    rng = np.random.default_rng(7)
    base = base_vectors(args.index_dir)
    print(machine_line())
    print(f"base: {len(base)} vectors of the current build, {base.shape[1]} dimensions\n")
    header = ["vectors", "scan build s", "scan p50 / p95 ms", "HNSW build s"]
    header += ["HNSW p50 / p95 ms", f"HNSW recall@{args.top}"]
    print("| " + " | ".join(header) + " |")
    print("| --- | --- | --- | --- | --- | --- |")
    for size in args.sizes:
        data = grown(base, size, rng)
        queries = grown(base, args.queries, rng)
        row = [f"{size:,}"]
        found = {}
        for kind, threshold in (("scan", 10**12), ("hnsw", 0)):
            vectors.ANN_FROM = threshold
            started = time.perf_counter()
            index = vectors.vector_index(data, data.shape[1])
            built = time.perf_counter() - started
            times, found[kind] = timed_searches(index, queries, args.top)
            q = statistics.quantiles(times, n=20)
            row += [f"{built:.1f}", f"{statistics.median(times):.1f} / {q[-1]:.1f}"]
        recall = statistics.mean(
            len(h & s) / len(s) for h, s in zip(found["hnsw"], found["scan"], strict=True)
        )
        row.append(f"{recall:.3f}")
        print("| " + " | ".join(row) + " |", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
