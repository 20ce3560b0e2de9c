"""Indexing benchmark: full build, no-change rebuild, adding one report, memory, query latency.

    python scripts/bench_index.py [--runs 3] [--queries 3]

Builds go to var/bench/ (a fresh index per full-build run), each in its own process so peak
memory (max RSS) is that build's alone. Each run also times the tutorial pipeline's build of
the same PDFs (`python -m eval.baseline --build-only`, plain sentence-transformers in fp32).
Prints medians over the runs, with the CPU and the precision the build used.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "var" / "bench"
RAPPORTSOK = [sys.executable, "-m", "service.cli"]
sys.path.insert(0, str(ROOT / "scripts"))

from load import machine_line  # noqa: E402

ALONE = (
    "import resource, subprocess, sys; done = subprocess.run(sys.argv[1:]); "
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr); "
    "sys.exit(done.returncode)"
)
"""Runs a command and prints its peak RSS (KB): that build's own, not the largest of every
process this script started so far."""


def run_index(corpus: Path, index_dir: Path) -> tuple[float, float, str]:
    """Wall seconds, max RSS in MB and the summary line of one `rapportsok index` run."""
    command = [sys.executable, "-c", ALONE, *RAPPORTSOK]
    started = time.perf_counter()
    done = subprocess.run(
        [*command, "index", str(corpus), "--index-dir", str(index_dir)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"index failed: {done.stderr.strip()[-500:]}")
    peak_kb = float(done.stderr.strip().splitlines()[-1])
    return seconds, peak_kb / 1024, done.stdout.strip().splitlines()[-1]


def tutorial_seconds() -> float:
    """Wall seconds of the tutorial pipeline's build (page chunks, fp32 sentence-transformers)."""
    env = {**os.environ, "RAPPORTSOK_PRECISION": "fp32"}
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "eval.baseline", "--build-only"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )
    if done.returncode != 0:
        raise SystemExit(f"tutorial build failed: {done.stderr.strip()[-500:]}")
    return time.perf_counter() - started


def chunks_in(summary: str) -> int:
    match = re.search(r"(\d+) chunks \(", summary)
    return int(match.group(1)) if match else 0


def embedded_in(summary: str) -> int:
    match = re.search(r"(\d+) chunks embedded", summary)
    return int(match.group(1)) if match else 0


def query_latency(index_dir: Path, rounds: int) -> list[float]:
    """Milliseconds per search (query embedding + hybrid ranking) over the dev questions."""
    sys.path.insert(0, str(ROOT))
    from service.engine import Engine
    from service.settings import get_settings

    settings = get_settings().model_copy(update={"index_dir": index_dir})
    engine = Engine(settings)
    questions = [
        json.loads(line)["question"]
        for line in (ROOT / "eval" / "dev.jsonl").read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    engine.search(questions[0])
    times = []
    for _ in range(rounds):
        for q in questions:
            started = time.perf_counter()
            engine.search(q, k=10)
            times.append((time.perf_counter() - started) * 1000)
    return times


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3, help="full builds to take the median of")
    parser.add_argument("--queries", type=int, default=3, help="rounds over the dev questions")
    args = parser.parse_args()
    corpus = ROOT / "corpus"
    BENCH.mkdir(parents=True, exist_ok=True)
    print(f"machine: {machine_line()}", flush=True)

    full, peaks, unchanged, tutorial = [], [], [], []
    chunks = 0
    for run in range(args.runs):
        index_dir = BENCH / f"full-{run}"
        shutil.rmtree(index_dir, ignore_errors=True)
        seconds, peak, summary = run_index(corpus, index_dir)
        full.append(seconds)
        peaks.append(peak)
        chunks = chunks_in(summary)
        seconds, _, summary = run_index(corpus, index_dir)
        unchanged.append(seconds)
        tutorial.append(tutorial_seconds())
        print(
            f"run {run + 1}: full build {full[-1]:.1f} s, no-change rebuild {seconds:.1f} s, "
            f"tutorial build {tutorial[-1]:.1f} s",
            flush=True,
        )

    partial = BENCH / "partial"
    shutil.rmtree(partial, ignore_errors=True)
    three = BENCH / "corpus-3"
    shutil.rmtree(three, ignore_errors=True)
    three.mkdir()
    pdfs = sorted(corpus.glob("*.pdf"))
    for pdf in pdfs[:3]:
        shutil.copy(pdf, three / pdf.name)
    run_index(three, partial)
    shutil.copy(pdfs[3], three / pdfs[3].name)
    add_seconds, _, add_summary = run_index(three, partial)

    latency = query_latency(BENCH / "full-0", args.queries)
    full_median = statistics.median(full)
    print()
    print(
        f"full build: median {full_median:.1f} s over {args.runs} runs "
        f"({chunks} chunks, {chunks / full_median:.1f} chunks/s end to end)"
    )
    print(f"tutorial pipeline build of the same PDFs: median {statistics.median(tutorial):.1f} s")
    print(f"no-change rebuild: median {statistics.median(unchanged):.1f} s (whole command)")
    print(
        f"adding one report: {add_seconds:.1f} s, {embedded_in(add_summary)} chunks embedded "
        f"(only the new report's)"
    )
    print(f"peak memory of a full build: median {statistics.median(peaks):.0f} MB (max RSS)")
    quantiles = statistics.quantiles(latency, n=20)
    print(
        f"search latency in process ({len(latency)} queries): "
        f"p50 {statistics.median(latency):.1f} ms, p95 {quantiles[18]:.1f} ms"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
