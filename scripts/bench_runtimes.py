"""Full builds of the bundled corpus with each precision and runtime, side by side.

    python scripts/bench_runtimes.py [--runs 3] [--only fp32/torch fp32/onnx ...]

Each round builds the corpus once per setting (torch fp32, the fp32 ONNX graph, the int8
ONNX graph, and torch bf16 where the CPU has bf16), in turn, each in its own process with a
fresh index under var/bench/, so a noisy machine slows every setting alike. Prints the CPU,
each build, and the median seconds and peak memory per setting over the rounds, with the
speed-up over torch fp32 (what a CPU without bf16 ran before the ONNX graphs).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT))

from bench_index import BENCH, run_index  # noqa: E402

from indexer.embedding.encoder import BF16_CPU_FLAGS, available_cores, cpu_flags, cpu_model  # noqa: E402

SETTINGS = ["fp32/torch", "fp32/onnx", "int8/onnx", "bf16/torch"]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3, help="rounds to take the median of")
    parser.add_argument("--only", nargs="+", choices=SETTINGS, help="settings to build with")
    args = parser.parse_args()
    chosen = args.only or [s for s in SETTINGS if s != "bf16/torch" or cpu_flags() & BF16_CPU_FLAGS]
    print(
        f"machine: {cpu_model()}, {available_cores()} cores, flags "
        f"{' '.join(sorted(cpu_flags() & BF16_CPU_FLAGS)) or 'without bf16'}",
        flush=True,
    )
    seconds: dict[str, list[float]] = {s: [] for s in chosen}
    peaks: dict[str, list[float]] = {s: [] for s in chosen}
    for run in range(args.runs):
        for setting in chosen:
            precision, runtime = setting.split("/")
            os.environ["RAPPORTSOK_PRECISION"], os.environ["RAPPORTSOK_RUNTIME"] = (
                precision,
                runtime,
            )
            index_dir = BENCH / f"runtime-{precision}-{runtime}"
            shutil.rmtree(index_dir, ignore_errors=True)
            took, peak, summary = run_index(ROOT / "corpus", index_dir)
            seconds[setting].append(took)
            peaks[setting].append(peak)
            print(f"run {run + 1} {setting}: {took:.1f} s, {peak:.0f} MB ({summary})", flush=True)
    print()
    print("| precision / runtime | full build, median s | speed-up over torch fp32 | peak MB |")
    print("| --- | --- | --- | --- |")
    base = statistics.median(seconds["fp32/torch"]) if "fp32/torch" in seconds else None
    for setting in chosen:
        median = statistics.median(seconds[setting])
        ratio = f"{base / median:.2f}x" if base else "–"
        print(f"| {setting} | {median:.1f} | {ratio} | {statistics.median(peaks[setting]):.0f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
