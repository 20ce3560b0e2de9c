"""Growth benchmark: build and serve 1x, 4x and 16x copies of the corpus, one table.

    python scripts/bench_scale.py [--scales 1 4 16] [--out eval/results/scale.json]

Copy 0 is the four text versions in ../shared/corpus/txt as they are; copy k moves them to
other districts and k years back (district names and every year 2000-2039 in the text and
the file name), so each copy is a new set of reports. Text that mentions neither stays word
for word the same across copies, as the city-wide goal texts do across real districts' plans;
the build embeds it once, and the table shows how many distinct texts were embedded.

Per scale: build seconds, chunks/s and distinct texts embedded per second, peak RSS of the
build process; then `rapportsok serve` on that build: seconds until /health reports the
index, service RSS, /api/search p50/p95 without and with filters (district and year), /api/ask
p95, and R@10 on the dev questions (a hit counts when it is from the gold document and holds
the gold quote). Fits build seconds ~ size^b and projects it to 1,800 reports.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import re
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from load import machine_line, percentile, rss_mib  # noqa: E402

from eval.metrics import contains_quote  # noqa: E402
from tests.support.servers import running_service  # noqa: E402

TEXTS = ROOT.parent / "shared" / "corpus" / "txt"
WORK = ROOT / "var" / "bench" / "scale"
STOCKHOLM_REPORTS = 1800
ORIGINAL = {"Hässelby-Vällingby": "hasselby-vallingby", "Kungsholmen": "kungsholmen"}
OTHER_DISTRICTS = [
    ("Bromma", "bromma"),
    ("Enskede-Årsta-Vantör", "enskede-arsta-vantor"),
    ("Farsta", "farsta"),
    ("Hägersten-Älvsjö", "hagersten-alvsjo"),
    ("Norrmalm", "norrmalm"),
    ("Rinkeby-Kista", "rinkeby-kista"),
    ("Skarpnäck", "skarpnack"),
    ("Skärholmen", "skarholmen"),
    ("Spånga-Tensta", "spanga-tensta"),
    ("Södermalm", "sodermalm"),
    ("Östermalm", "ostermalm"),
]
YEAR = re.compile(r"(?<!\d)(20[0-3]\d)(?!\d)")


def moved(text: str, copy: int) -> str:
    """The text moved to copy `copy`'s districts, with every year `copy` years earlier."""
    if copy == 0:
        return text
    for i, name in enumerate(ORIGINAL):
        other = OTHER_DISTRICTS[(2 * copy + i) % len(OTHER_DISTRICTS)][0]
        text = text.replace(name, other)
    return shift_years(text, copy)


def shift_years(text: str, years: int) -> str:
    return YEAR.sub(lambda m: str(int(m.group(1)) - years), text)


def make_corpus(scale: int) -> Path:
    """`scale` copies of the text versions in their own corpus folder."""
    folder = WORK / f"corpus-{scale}"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    for copy in range(scale):
        for source in sorted(TEXTS.glob("*.txt")):
            name = source.name
            if copy:
                for i, slug in enumerate(ORIGINAL.values()):
                    name = name.replace(slug, OTHER_DISTRICTS[(2 * copy + i) % 11][1])
                name = shift_years(name, copy)
            (folder / name).write_text(moved(source.read_text("utf-8"), copy), "utf-8")
    return folder


def build_child(corpus: Path, index_dir: Path) -> None:
    """Run in a child process: one full build, then its figures as JSON on the last line."""
    from service.search.runtime import build_for
    from service.settings import get_settings

    started = time.perf_counter()
    report = build_for(get_settings(), corpus, index_dir, force=True, progress=False)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    figures = {
        "seconds": seconds,
        "documents": report.documents,
        "chunks": report.chunks,
        "texts_embedded": report.embedded_texts,
        "characters_embedded": report.embedded_characters,
        "peak_mib": peak,
        "failures": [str(f) for f in report.failures],
    }
    print(json.dumps(figures))


def build(corpus: Path, index_dir: Path) -> dict[str, Any]:
    shutil.rmtree(index_dir, ignore_errors=True)
    done = subprocess.run(
        [sys.executable, __file__, "--build-child", str(corpus), str(index_dir)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"build of {corpus} failed:\n{done.stderr[-2000:]}")
    figures: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


def dev_questions() -> list[dict[str, Any]]:
    lines = (ROOT / "eval" / "dev.jsonl").read_text("utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


async def timed(client: httpx.AsyncClient, method: str, url: str, **kw: Any) -> float:
    started = time.perf_counter()
    response = await client.request(method, url, **kw)
    response.raise_for_status()
    return (time.perf_counter() - started) * 1000


def copies(hit: dict[str, Any]) -> list[str]:
    """Report files of the word-for-word copies a hit stands for (search shows one of them)."""
    return [str(c["document"]) for c in hit.get("also_in", [])]


async def measure_service(base_url: str, rounds: int) -> dict[str, Any]:
    questions = dev_questions()
    async with httpx.AsyncClient(base_url=base_url, timeout=120) as client:
        for q in questions[:5]:
            await timed(client, "GET", "/api/search", params={"q": q["question"], "k": 10})
        plain, filtered, ask = [], [], []
        for _ in range(rounds):
            for q in questions:
                params = {"q": q["question"], "k": 10}
                plain.append(await timed(client, "GET", "/api/search", params=params))
                narrowed = {**params, "district": "Hässelby-Vällingby", "year": 2024}
                filtered.append(await timed(client, "GET", "/api/search", params=narrowed))
        for q in questions:
            ask.append(await timed(client, "POST", "/api/ask", json={"question": q["question"]}))
        found = []
        for q in [q for q in questions if q.get("gold")]:
            response = await client.get("/api/search", params={"q": q["question"], "k": 10})
            hits = response.json()["hits"]
            golds = q["gold"]
            hit = [
                any(
                    g["doc"] in {Path(d).stem for d in [h["document"], *copies(h)]}
                    and contains_quote(h["text"], g["quote"])
                    for h in hits
                )
                for g in golds
            ]
            found.append(sum(hit) / len(golds))
    return {
        "search_p50_ms": percentile(plain, 50),
        "search_p95_ms": percentile(plain, 95),
        "filtered_p50_ms": percentile(filtered, 50),
        "filtered_p95_ms": percentile(filtered, 95),
        "ask_p95_ms": percentile(ask, 95),
        "recall_at_10": statistics.mean(found),
    }


def serve(index_dir: Path, rounds: int) -> dict[str, Any]:
    started = time.perf_counter()
    env = {"RAPPORTSOK_RATE_LIMIT_PER_MINUTE": "0", "RAPPORTSOK_WATCH_SECONDS": "0"}
    with running_service(env=env, args=["--index-dir", str(index_dir)], startup_seconds=900) as s:
        load_seconds = time.perf_counter() - started
        figures = asyncio.run(measure_service(s.base_url, rounds))
        figures["load_s"] = load_seconds
        figures["service_mib"] = rss_mib(s.pid)
    return figures


def growth_exponent(sizes: list[float], values: list[float]) -> float:
    """b in value ~ size^b, least squares on the logs."""
    xs, ys = [math.log(s) for s in sizes], [math.log(v) for v in values]
    mx, my = statistics.mean(xs), statistics.mean(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sum(
        (x - mx) ** 2 for x in xs
    )


def table(rows: list[dict[str, Any]]) -> list[str]:
    lines = [
        "| scale | reports | chunks | texts embedded | build s | chunks/s | texts/s "
        "| k chars/s | build peak MiB | load s | service MiB | search p50/p95 ms "
        "| filtered p50/p95 ms | ask p95 ms | dev R@10 |",
        "|" + " --- |" * 15,
    ]
    for r in rows:
        lines.append(
            f"| {r['scale']}x | {r['documents']} | {r['chunks']} | {r['texts_embedded']} "
            f"| {r['seconds']:.0f} | {r['chunks'] / r['seconds']:.1f} "
            f"| {r['texts_embedded'] / r['seconds']:.1f} "
            f"| {r.get('characters_embedded', 0) / 1000 / r['seconds']:.1f} "
            f"| {r['peak_mib']:.0f} | {r['load_s']:.1f} "
            f"| {r['service_mib']:.0f} | {r['search_p50_ms']:.0f} / {r['search_p95_ms']:.0f} "
            f"| {r['filtered_p50_ms']:.0f} / {r['filtered_p95_ms']:.0f} | {r['ask_p95_ms']:.0f} "
            f"| {r['recall_at_10']:.3f} |"
        )
    return lines


def throughput_line(first: dict[str, Any], last: dict[str, Any]) -> str:
    """Build throughput at the largest scale against the smallest, three ways: characters
    (the model's work), distinct texts and chunks (both flattered or hurt by the copies'
    shared text)."""

    def ratio(key: str) -> float:
        return (last.get(key, 0) / last["seconds"]) / max(
            first.get(key, 0) / first["seconds"], 1e-9
        )

    return (
        f"throughput at {last['scale']}x against {first['scale']}x: "
        f"characters/s {ratio('characters_embedded'):.2f}x, texts/s "
        f"{ratio('texts_embedded'):.2f}x, chunks/s {ratio('chunks'):.2f}x"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 4, 16])
    parser.add_argument("--rounds", type=int, default=2, help="rounds over the dev questions")
    parser.add_argument("--out", type=Path, default=ROOT / "eval" / "results" / "scale.json")
    parser.add_argument("--build-child", nargs=2, type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.build_child:
        build_child(*args.build_child)
        return 0
    machine = machine_line()
    print(f"machine: {machine}", flush=True)
    rows: list[dict[str, Any]] = []
    for scale in args.scales:
        corpus = make_corpus(scale)
        index_dir = WORK / f"index-{scale}"
        row: dict[str, Any] = {"scale": scale, **build(corpus, index_dir)}
        print(f"{scale}x built: {json.dumps(row)}", flush=True)
        row.update(serve(index_dir, args.rounds))
        rows.append(row)
        print(f"{scale}x served: {json.dumps(row)}", flush=True)
    lines = table(rows)
    if len(rows) > 1:
        b = growth_exponent([r["documents"] for r in rows], [r["seconds"] for r in rows])
        per_report = rows[-1]["seconds"] / rows[-1]["documents"]
        projected = (
            per_report * rows[-1]["documents"] * (STOCKHOLM_REPORTS / rows[-1]["documents"]) ** b
        )
        lines += [
            "",
            f"build seconds grow as reports^{b:.2f}; projected full build of "
            f"{STOCKHOLM_REPORTS} reports: {projected / 3600:.1f} h",
            throughput_line(rows[0], rows[-1]),
        ]
    print("\n".join(lines))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(
        json.dumps({"machine": machine, "rows": rows, "table": lines}, indent=2), "utf-8"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
