"""Run the dev questions through search (and ask) and print recall@k, MRR@10 and the misses.

python -m eval.run                     # through GET /api/search, no filters
python -m eval.run --ask               # also POST /api/ask: answered true/false rates
python -m eval.run --out eval/results/NAME.json
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

from eval.metrics import QuestionResult, gold_ranks, summarise

HERE = Path(__file__).resolve().parent


def load_questions(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def _client() -> Any:
    from fastapi.testclient import TestClient

    from service.api.app import create_app
    from service.engine import Engine
    from service.settings import get_settings

    settings = get_settings()
    return TestClient(create_app(settings, engine=Engine(settings)))


def run_search(
    client: Any, questions: list[dict[str, Any]], k: int, use_filters: bool
) -> list[dict[str, Any]]:
    rows = []
    for q in questions:
        params: dict[str, Any] = {"q": q["question"], "k": k}
        if use_filters:
            params.update({key: value for key, value in (q.get("filters") or {}).items()})
        started = time.perf_counter()
        response = client.get("/api/search", params=params)
        elapsed = time.perf_counter() - started
        response.raise_for_status()
        body = response.json()
        passages = [hit["text"] for hit in body["hits"]]
        quotes = [g["quote"] for g in q.get("gold", [])]
        rows.append(
            {
                "id": q["id"],
                "kind": q["kind"],
                "question": q["question"],
                "ranks": gold_ranks(passages, quotes),
                "applied_filters": body.get("filters", {}),
                "top": [
                    {"document": h["document"], "page": h["page"], "text": h["text"][:160]}
                    for h in body["hits"][:3]
                ],
                "seconds": round(elapsed, 4),
            }
        )
    return rows


def run_ask(client: Any, questions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    rows = []
    for q in questions:
        response = client.post("/api/ask", json={"question": q["question"]})
        response.raise_for_status()
        body = response.json()
        cited = [c.get("quote", "") for c in body.get("citations", [])]
        rows.append(
            {
                "id": q["id"],
                "kind": q["kind"],
                "answered": bool(body.get("answered")),
                "answer": body.get("answer", "")[:300],
                "citations": len(cited),
                "cites_gold": bool(body.get("answered")) and cites_gold(cited, q.get("gold", [])),
            }
        )
    return rows


def cites_gold(cited: list[str], gold: list[dict[str, Any]]) -> bool:
    """Whether a cited passage holds one of the question's gold quotes: an answer from the
    right place (a lower bound: a copy of the fact elsewhere is not counted)."""
    return any(p for p in gold_ranks(cited, [g["quote"] for g in gold]))


def add_row(lines: list[str], *cells: object) -> None:
    """Appends a Markdown table row (floats to three decimals) and prints it as it comes."""
    row = " | ".join(f"{c:.3f}" if isinstance(c, float) else str(c) for c in cells)
    lines.append(f"| {row} |")
    print(lines[-1], flush=True)


def save_lines(lines: list[str], out: Path | None) -> None:
    """Writes a report's lines to `out`, one a line, when a file is named."""
    if out:
        out.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _table(summary: Any) -> str:
    lines = ["| kind | n | recall@10 | MRR@10 | all gold in top 10 |", "|---|---|---|---|---|"]
    for kind, row in summary.by_kind.items():
        cells = f"{row['recall']:.3f} | {row['mrr']:.3f} | {row['all_found']:.3f}"
        lines.append(f"| {kind} | {int(row['n'])} | {cells} |")
    cells = f"**{summary.recall:.3f}** | **{summary.mrr:.3f}** | {summary.all_found:.3f}"
    lines.append(f"| **all** | {summary.questions} | {cells} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--questions", type=Path, default=HERE / "dev.jsonl")
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument("--filters", action="store_true", help="pass each question's filters")
    parser.add_argument("--ask", action="store_true", help="also run /api/ask")
    parser.add_argument("--out", type=Path, help="write the full results as JSON")
    parser.add_argument("--misses", action="store_true", help="print every gold quote not found")
    args = parser.parse_args(argv)

    questions = load_questions(args.questions)
    client = _client()
    answerable = [q for q in questions if q.get("gold")]
    rows = run_search(client, answerable, args.k, args.filters)
    results = [QuestionResult(r["id"], r["kind"], r["ranks"], k=args.k) for r in rows]
    summary = summarise(results)
    print(_table(summary))
    report: dict[str, Any] = {
        "command": "python -m eval.run " + " ".join(argv if argv is not None else sys.argv[1:]),
        "questions_file": str(args.questions.name),
        "machine": f"{platform.machine()} {platform.processor() or ''}".strip(),
        "summary": asdict(summary),
        "search": rows,
    }
    if args.misses:
        by_id = {q["id"]: q for q in answerable}
        for row in rows:
            for quote, rank in zip(by_id[row["id"]]["gold"], row["ranks"], strict=True):
                if rank is None or rank > args.k:
                    print(f"MISS {row['id']} [{row['kind']}] {row['question']}")
                    print(f"     gold: {quote['quote'][:140]}")
    if args.ask:
        asked = run_ask(client, questions)
        none = [a for a in asked if a["kind"] == "none"]
        others = [a for a in asked if a["kind"] != "none"]
        none_ok = sum(not a["answered"] for a in none) / len(none) if none else 0.0
        answered = sum(a["answered"] for a in others) / len(others) if others else 0.0
        from_gold = sum(a["cites_gold"] for a in others) / len(others) if others else 0.0
        print(
            f"\n/api/ask: 'none' questions answered=false {none_ok:.2f} ({len(none)}); "
            f"answerable answered=true {answered:.2f} ({len(others)}), "
            f"citing a gold passage {from_gold:.2f}"
        )
        report["ask"] = {
            "none_unanswered": none_ok,
            "answerable_answered": answered,
            "answerable_citing_gold": from_gold,
            "rows": asked,
        }
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
