"""Measure commitment extraction against the hand-checked rows in eval/commitments_gold.json.

    python -m eval.commitments_eval                  # the bundled corpus
    python -m eval.commitments_eval --corpus DIR     # another folder with the same reports

Reads the reports with the indexer (no model, no index) and prints the share of indicator
rows with every value right (figures, period and analysis), the share of goals with number,
title, level, unit and assessment right, and every miss.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from indexer.commitments.records import Record
from indexer.pipeline import parse_document
from indexer.structure.metadata import doc_id_for, fold

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PLAIN_NUMBER = re.compile(r"^(-?\d{1,3}(?: \d{3})*|-?\d+)(?:,(\d+))?(?:\s*(?:%|st|GWh))?$")


@dataclass
class Result:
    """One gold item: right or not, and what differed."""

    label: str
    right: bool
    problems: list[str] = field(default_factory=list)


def squeeze(text: str | None) -> str:
    """Text compared without case or spacing ('nämnd/ styrelse' = 'nämnd/styrelse')."""
    return re.sub(r"\s+", "", (text or "")).casefold()


def expected_number(text: str) -> float | None:
    """The number a plain figure in the gold stands for, read independently of the indexer."""
    match = PLAIN_NUMBER.match(text.strip())
    if not match:
        return None
    return float(match.group(1).replace(" ", "") + "." + (match.group(2) or "0"))


def read_records(corpus: Path) -> dict[str, list[Record]]:
    """doc_id -> records, for every PDF in the corpus folder."""
    out: dict[str, list[Record]] = {}
    for path in sorted(corpus.glob("*.pdf")):
        out[doc_id_for(path.name)] = parse_document(path).records
    return out


def check_indicator(gold: dict[str, Any], records: dict[str, list[Record]]) -> Result:
    label = f"{gold['doc']} | {gold.get('unit') or '-'} | {gold['name']}"
    candidates = [
        r
        for r in records.get(gold["doc"], [])
        if r.kind == "indicator"
        and fold(r.name) == fold(gold["name"])
        and fold(r.unit or "") == fold(gold.get("unit") or "")
    ]
    if not candidates:
        return Result(label, False, ["row not found"])
    scored = [(indicator_problems(gold, r), r) for r in candidates]
    problems, _ = min(scored, key=lambda pair: len(pair[0]))
    return Result(label, not problems, problems)


def indicator_problems(gold: dict[str, Any], record: Record) -> list[str]:
    problems = []
    wanted: dict[str, str] = gold["values"]
    for name in sorted(set(wanted) | set(record.values)):
        got = record.values.get(name)
        want = wanted.get(name)
        if want is None or got is None:
            problems.append(f"{name}: expected {want!r}, got {got.text if got else None!r}")
            continue
        if squeeze(got.text) != squeeze(want):
            problems.append(f"{name}: expected {want!r}, got {got.text!r}")
            continue
        number = expected_number(want)
        if number is not None and (got.number is None or abs(got.number - number) > 1e-9):
            problems.append(f"{name}: {want!r} read as the number {got.number}")
    if squeeze(record.period) != squeeze(gold.get("period")):
        problems.append(f"period: expected {gold.get('period')!r}, got {record.period!r}")
    analysis = gold.get("analysis")
    if analysis is None and record.analysis:
        problems.append(f"analysis: expected none, got {record.analysis[:60]!r}")
    if analysis is not None and not fold(record.analysis or "").startswith(fold(analysis)):
        problems.append(f"analysis: expected {analysis!r}..., got {(record.analysis or '')[:60]!r}")
    return problems


def check_goal(gold: dict[str, Any], records: dict[str, list[Record]]) -> Result:
    label = f"{gold['doc']} | {gold.get('unit') or '-'} | {gold['number'] or '-'} {gold['title']}"
    title = fold(gold["title"].rstrip("."))
    candidates = [
        r
        for r in records.get(gold["doc"], [])
        if r.kind == "goal"
        and fold(r.name.rstrip(".")) == title
        and fold(r.unit or "") == fold(gold.get("unit") or "")
    ]
    if not candidates:
        return Result(label, False, ["goal not found"])
    best: list[str] | None = None
    for record in candidates:
        problems = []
        if record.level != gold["level"]:
            problems.append(f"level: expected {gold['level']}, got {record.level}")
        if record.number != gold["number"]:
            problems.append(f"number: expected {gold['number']}, got {record.number}")
        if record.assessment != gold["assessment"]:
            problems.append(f"assessment: expected {gold['assessment']}, got {record.assessment}")
        if best is None or len(problems) < len(best):
            best = problems
    assert best is not None
    return Result(label, not best, best)


def report(title: str, results: list[Result]) -> float:
    right = sum(r.right for r in results)
    share = right / len(results) if results else 0.0
    print(f"{title}: {right}/{len(results)} = {share:.1%}")
    by_doc: dict[str, list[Result]] = {}
    for result in results:
        by_doc.setdefault(result.label.split(" | ")[0], []).append(result)
    for doc, rows in sorted(by_doc.items()):
        print(f"  {doc}: {sum(r.right for r in rows)}/{len(rows)}")
    misses = [r for r in results if not r.right]
    for miss in misses:
        print(f"  MISS {miss.label}")
        for problem in miss.problems:
            print(f"       {problem}")
    return share


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=ROOT / "corpus")
    parser.add_argument("--gold", type=Path, default=HERE / "commitments_gold.json")
    args = parser.parse_args()
    gold = json.loads(args.gold.read_text(encoding="utf-8"))
    records = read_records(args.corpus)
    results = [check_indicator(g, records) for g in gold["indicators"]]
    rows = report("Indicator rows with every value right", results)
    for selection in ("chosen", "random"):
        picked = [
            r
            for r, g in zip(results, gold["indicators"], strict=True)
            if g.get("selection") == selection
        ]
        print(f"  {selection} rows: {sum(r.right for r in picked)}/{len(picked)}")
    print()
    goals = report("Goals right", [check_goal(g, records) for g in gold["goals"]])
    return 0 if rows >= 0.95 and goals >= 0.95 else 1


if __name__ == "__main__":
    sys.exit(main())
