"""Measure the reader on the producer matrix: one markdown table, one row per producer.

    python scripts/eval_producers.py                       # bundled corpus + var/producers/*
    python scripts/eval_producers.py --reuse --out eval/results/producers-baseline.md
    python scripts/eval_producers.py --producer libreoffice --no-search

For the bundled corpus and each producer's folder (from `python -m scripts.producers`) it builds
an index with `rapportsok index DIR --index-dir TMP`, reads it back with `rapportsok inspect
--json`, runs `python -m eval.commitments_eval --corpus DIR`, times the text extraction per
page, and (unless --no-search) runs `python -m eval.run` on the question sets against that
index (RAPPORTSOK_INDEX_DIR). Only command-line entry points and public functions are used.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable

TIMING = r"""
import json, statistics, sys, time
from pathlib import Path
from indexer.reading.extract import read_document
out = []
for path in sorted(Path(sys.argv[1]).glob("*.pdf")):
    started = time.perf_counter()
    cpu = time.process_time()
    try:
        raw = read_document(path)
    except Exception as exc:
        out.append({"file": path.name, "error": str(exc)})
        continue
    seconds = time.perf_counter() - started
    cpu = time.process_time() - cpu
    pages = len(raw.pages) if hasattr(raw, "pages") else getattr(raw, "page_count", 0)
    out.append({"file": path.name, "seconds": seconds, "cpu": cpu, "pages": pages})
print(json.dumps(out))
"""

COUNTS = r"""
import json, sys
from pathlib import Path
from eval.commitments_eval import read_records
records = read_records(Path(sys.argv[1]))
print(json.dumps({doc: {"indicator": sum(r.kind == "indicator" for r in rs),
                        "goal": sum(r.kind == "goal" for r in rs)}
                  for doc, rs in records.items()}))
"""


def run(
    args: list[str], env: dict[str, str] | None = None, timeout: int = 3600
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )


def environment(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + (
        os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else ""
    )
    env.update(extra)
    return env


def build(corpus: Path, index_dir: Path, reuse: bool) -> dict[str, Any]:
    if reuse and inspect(index_dir) is not None:
        return {"built": "reused", "failures": []}
    started = time.perf_counter()
    done = run(
        [PY, "-m", "service.cli", "index", str(corpus), "--index-dir", str(index_dir)],
        env=environment(),
    )
    failures = [ln for ln in done.stderr.splitlines() if ln.startswith("could not index")]
    return {
        "built": f"{time.perf_counter() - started:.0f} s",
        "summary": done.stdout.strip().splitlines()[-1:],
        "failures": failures,
        "rc": done.returncode,
    }


def inspect(index_dir: Path) -> dict[str, Any] | None:
    done = run(
        [PY, "-m", "service.cli", "inspect", "--json", "--index-dir", str(index_dir)],
        env=environment(),
    )
    if done.returncode != 0:
        return None
    try:
        return json.loads(done.stdout)
    except json.JSONDecodeError:
        return None


def commitments(corpus: Path) -> dict[str, Any]:
    done = run([PY, "-m", "eval.commitments_eval", "--corpus", str(corpus)], env=environment())
    out: dict[str, Any] = {}
    rows = re.search(r"Indicator rows with every value right: (\d+)/(\d+)", done.stdout)
    goals = re.search(r"Goals right: (\d+)/(\d+)", done.stdout)
    if rows:
        out["rows_right"] = f"{rows.group(1)}/{rows.group(2)}"
    if goals:
        out["goals_right"] = f"{goals.group(1)}/{goals.group(2)}"
    counted = run([PY, "-c", COUNTS, str(corpus)], env=environment())
    if counted.returncode == 0:
        per_doc = json.loads(counted.stdout)
        out["indicator_rows"] = sum(d["indicator"] for d in per_doc.values())
        out["goal_records"] = sum(d["goal"] for d in per_doc.values())
    return out


def extraction(corpus: Path) -> dict[str, Any]:
    done = run([PY, "-c", TIMING, str(corpus)], env=environment())
    if done.returncode != 0:
        return {}
    files = json.loads(done.stdout)
    per_page = [f["seconds"] / f["pages"] for f in files if f.get("pages")]
    cpu_per_page = [f["cpu"] / f["pages"] for f in files if f.get("pages")]
    return {
        "s_per_page": statistics.median(per_page) if per_page else None,
        "cpu_s_per_page": statistics.median(cpu_per_page) if cpu_per_page else None,
        "files": files,
        "errors": [f"{f['file']}: {f['error']}" for f in files if "error" in f],
    }


def fingerprint(corpus: Path) -> list[object]:
    """The PDFs (name, size, time) and the reading code: either changing measures again."""
    files = [[p.name, p.stat().st_size, p.stat().st_mtime_ns] for p in sorted(corpus.glob("*.pdf"))]
    code = hashlib.sha256()
    for source in sorted((ROOT / "indexer").rglob("*.py")):
        code.update(source.read_bytes())
    return [*files, code.hexdigest()]


def static_measures(corpus: Path, cache: Path) -> dict[str, Any]:
    """Commitments and extraction timing (no index needed), kept while the PDFs and the
    reading code are the same."""
    if cache.is_file():
        saved = json.loads(cache.read_text(encoding="utf-8"))
        if saved.get("fingerprint") == fingerprint(corpus):
            return {"commitments": saved["commitments"], "extraction": saved["extraction"]}
    measured = {"commitments": commitments(corpus), "extraction": extraction(corpus)}
    cache.parent.mkdir(parents=True, exist_ok=True)
    cache.write_text(
        json.dumps({"fingerprint": fingerprint(corpus), **measured}, ensure_ascii=False),
        encoding="utf-8",
    )
    return measured


def search(index_dir: Path, questions: Path) -> dict[str, float] | None:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "run.json"
        done = run(
            [PY, "-m", "eval.run", "--questions", str(questions), "--out", str(out)],
            env=environment(RAPPORTSOK_INDEX_DIR=str(index_dir)),
        )
        if done.returncode != 0 or not out.is_file():
            return None
        summary = json.loads(out.read_text(encoding="utf-8"))["summary"]
        return {"recall": summary["recall"], "mrr": summary["mrr"]}


def measure(name: str, corpus: Path, index_dir: Path, args: argparse.Namespace) -> dict[str, Any]:
    print(f"[{name}] {corpus}", file=sys.stderr)
    row: dict[str, Any] = {"producer": name, "corpus": str(corpus)}
    if args.no_index:
        row.update(static_measures(corpus, args.index_root / f"{name}.static.json"))
        row.update(build={}, documents=0, goals=0, units=0, chunks=0, pages=0, search={})
        return row
    row["build"] = build(corpus, index_dir, args.reuse)
    summary = inspect(index_dir)
    if summary is None:
        row.update(documents=0, goals=0, units=0, chunks=0, pages=0)
    else:
        docs = summary["documents"]
        row["documents"] = len(docs)
        row["goals"] = sum(len(d["goals"]) for d in docs)
        row["goal_keys"] = {d["name"]: sorted({goal_key(g) for g in d["goals"]}) for d in docs}
        row["units"] = sum(len(d["units"]) for d in docs if d["name"].startswith("kungsholmen"))
        row["chunks"] = sum(d["chunks"] for d in docs)
        row["pages"] = sum(d["pages"] or 0 for d in docs)
    row.update(static_measures(corpus, args.index_root / f"{name}.static.json"))
    row["search"] = {}
    if not args.no_search and summary is not None and row["documents"]:
        for questions in args.questions:
            row["search"][questions.name] = search(index_dir, questions)
    print(json.dumps(row, ensure_ascii=False), file=sys.stderr)
    return row


def goal_key(label: str) -> str:
    """A goal's level and number ("KF:s mål för verksamhetsområdet: 1.1"), without its title:
    what must match between producers (a title may differ by a dash or a misread letter)."""
    match = re.match(r"^(.*?:\s*\d+(?:\.\d+)*)", label)
    return match.group(1) if match else label


def goals_as_bundled(row: dict[str, Any], bundled: dict[str, Any] | None) -> str:
    """How many of the bundled PDFs' goals (level and number, per report) this row found."""
    if bundled is None or "goal_keys" not in row or "goal_keys" not in bundled:
        return "n/a"
    wanted = {(name, key) for name, keys in bundled["goal_keys"].items() for key in keys}
    found = {(name, key) for name, keys in row["goal_keys"].items() for key in keys}
    return f"{len(wanted & found)}/{len(wanted)}"


def table(rows: list[dict[str, Any]], questions: list[Path]) -> str:
    bundled = next((r for r in rows if r["producer"] == "bundled"), None)
    head = [
        "producer",
        "documents",
        "pages",
        "goals",
        "goals as in the bundled PDFs",
        "Kungsholmen units",
        "chunks",
        "indicator rows read",
        "indicator rows right",
        "goals right",
    ]
    for q in questions:
        head += [f"R@10 {q.stem}", f"MRR@10 {q.stem}"]
    head += ["extraction CPU s/page (median)", "extraction wall s/page (median)"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for row in rows:
        c = row["commitments"]
        indexed = bool(row["build"])  # False: measured with --no-index
        cells = [
            row["producer"],
            *(str(row[key]) if indexed else "–" for key in ("documents", "pages", "goals")),
            goals_as_bundled(row, bundled) if indexed else "–",
            *(str(row[key]) if indexed else "–" for key in ("units", "chunks")),
            str(c.get("indicator_rows", "n/a")),
            c.get("rows_right", "n/a"),
            c.get("goals_right", "n/a"),
        ]
        for q in questions:
            s = row["search"].get(q.name)
            cells += [f"{s['recall']:.3f}", f"{s['mrr']:.3f}"] if s else ["–", "–"]
        for key in ("cpu_s_per_page", "s_per_page"):
            spp = row["extraction"].get(key)
            cells.append(f"{spp:.3f}" if spp is not None else "n/a")
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--corpus", type=Path, default=ROOT / "corpus", help="the bundled PDFs")
    parser.add_argument("--matrix", type=Path, default=ROOT / "var" / "producers")
    parser.add_argument(
        "--producer",
        action="append",
        help="only these (name `bundled` to include the bundled PDFs)",
    )
    parser.add_argument("--index-root", type=Path, default=ROOT / "var" / "producers-index")
    parser.add_argument("--reuse", action="store_true", help="use an index already built there")
    parser.add_argument("--no-search", action="store_true", help="skip the question sets")
    parser.add_argument(
        "--no-index",
        action="store_true",
        help="only the measures that need no index (commitments, extraction time)",
    )
    parser.add_argument(
        "--questions",
        type=Path,
        action="append",
        help="question sets (default eval/dev.jsonl and eval/heldout.jsonl)",
    )
    parser.add_argument("--out", type=Path, help="also write the table (markdown) here")
    parser.add_argument("--json", type=Path, help="write every measured figure as JSON here")
    parser.add_argument(
        "--combine",
        type=Path,
        nargs="+",
        help="no measuring: one table from the --json files of earlier runs (run in parallel)",
    )
    args = parser.parse_args(argv)
    args.questions = args.questions or [
        ROOT / "eval" / "dev.jsonl",
        ROOT / "eval" / "heldout.jsonl",
    ]

    if args.combine:
        rows = [row for path in args.combine for row in json.loads(path.read_text("utf-8"))]
        order = {"bundled": 0}
        rows.sort(key=lambda r: (order.get(r["producer"], 1), r["producer"]))
        shown = [] if all(not r["search"] for r in rows) else args.questions
        return _write(table(rows, shown), args, argv)

    corpora: list[tuple[str, Path]] = [("bundled", args.corpus)]
    if args.matrix.is_dir():
        corpora += [(p.name, p) for p in sorted(args.matrix.iterdir()) if p.is_dir()]
    if args.producer:
        corpora = [(n, p) for n, p in corpora if n in args.producer]
    if not corpora:
        print("eval_producers: nothing to measure; run `make producers` first", file=sys.stderr)
        return 2
    args.index_root.mkdir(parents=True, exist_ok=True)
    rows = [measure(name, corpus, args.index_root / name, args) for name, corpus in corpora]
    if args.json:
        args.json.write_text(json.dumps(rows, ensure_ascii=False, indent=2), encoding="utf-8")
    return _write(table(rows, [] if args.no_search else args.questions), args, argv)


def _write(text: str, args: argparse.Namespace, argv: list[str] | None) -> int:
    print(text)
    if args.out:
        command = "python scripts/eval_producers.py " + " ".join(
            argv if argv is not None else sys.argv[1:]
        )
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(f"{text}\n\nMade with `{command}`.\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
