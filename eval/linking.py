"""Measure how well indicators and goals are linked across reports, to choose the thresholds.

    python -m eval.linking                 # sweep thresholds and word weights, then details
    python -m eval.linking --kind goal --threshold 0.93 --lexical 0.3

Reads the current index build (records and their name vectors) and the hand-judged pairs in
eval/linking_gold.json. A linked pair of differently worded names is right when the gold
says 'same', ignored when it says 'ambiguous', and wrong otherwise; recall is the share of
'same' pairs (closed over chains: a~b and b~c give a~c) that end up in one group.
"""

from __future__ import annotations

import argparse
import itertools
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from indexer import store
from indexer.commitments.records import Record
from indexer.lexical.analysis import Analyzer, build_vocabulary
from service.commitments.index import goal_partition, goal_vectors, unit_partition
from service.commitments.linking import items_of, link, name_key
from service.settings import LinkParams, get_settings

HERE = Path(__file__).resolve().parent
THRESHOLDS = [round(t, 2) for t in np.arange(0.60, 1.0, 0.01)]
LEXICAL_WEIGHTS = [0.0, 0.1, 0.2, 0.3, 0.5]
GOAL_CONTEXTS = [0.0, 0.5, 1.0, 2.0]


@dataclass
class Gold:
    root: dict[str, str]
    ambiguous: set[frozenset[str]]
    names: dict[str, str]

    def cluster(self, key: str) -> str:
        return self.root.get(key, key)

    def same(self, a: str, b: str) -> bool:
        return self.cluster(a) == self.cluster(b)

    def is_ambiguous(self, a: str, b: str) -> bool:
        return frozenset((self.cluster(a), self.cluster(b))) in self.ambiguous

    def pairs(self) -> set[frozenset[str]]:
        members: dict[str, list[str]] = {}
        for key, root in self.root.items():
            members.setdefault(root, []).append(key)
        return {frozenset(p) for keys in members.values() for p in itertools.combinations(keys, 2)}


def load_gold(kind: str, path: Path = HERE / "linking_gold.json") -> Gold:
    data = json.loads(path.read_text(encoding="utf-8"))[kind]
    parent: dict[str, str] = {}

    def find(key: str) -> str:
        parent.setdefault(key, key)
        while parent[key] != key:
            key = parent[key]
        return key

    for a, b in data["same"]:
        parent[find(name_key(a))] = find(name_key(b))
    root = {key: find(key) for key in list(parent)}
    ambiguous = {
        frozenset((root.get(name_key(a), name_key(a)), root.get(name_key(b), name_key(b))))
        for a, b in data["ambiguous"]
    }
    names = {name_key(n): n for pair in data["same"] + data["ambiguous"] for n in pair}
    return Gold(root=root, ambiguous=ambiguous, names=names)


@dataclass
class Score:
    threshold: float
    lexical: float
    right: int
    wrong: int
    found: int
    expected: int
    wrong_pairs: list[tuple[str, str]]
    missed: list[tuple[str, str]]

    @property
    def precision(self) -> float:
        return self.right / (self.right + self.wrong) if self.right + self.wrong else 1.0

    @property
    def recall(self) -> float:
        return self.found / self.expected if self.expected else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def evaluate(
    records: list[Record],
    vectors: np.ndarray,
    kind: str,
    district: str,
    params: LinkParams,
    gold: Gold,
    analyzer: Analyzer,
) -> Score:
    rows = [i for i, r in enumerate(records) if r.kind == kind and r.district == district]
    partition = goal_partition if kind == "goal" else unit_partition
    groups = link(items_of(records, rows, partition), vectors, params, analyzer)
    linked: set[frozenset[str]] = set()
    names: dict[str, str] = {}
    for group in groups:
        for a, b in itertools.combinations(group.items, 2):
            names[a.key], names[b.key] = a.name, b.name
            if a.key != b.key:
                linked.add(frozenset((a.key, b.key)))
    right = [p for p in linked if gold.same(*p)]
    wrong = [p for p in linked if not gold.same(*p) and not gold.is_ambiguous(*p)]
    expected = gold.pairs()
    missed = sorted(tuple(sorted(p)) for p in expected - linked)
    return Score(
        threshold=params.threshold,
        lexical=params.lexical_weight,
        right=len(right),
        wrong=len(wrong),
        found=len(expected & linked),
        expected=len(expected),
        wrong_pairs=[tuple(names.get(k, k) for k in sorted(p)) for p in wrong],  # type: ignore[misc]
        missed=[(gold.names.get(a, a), gold.names.get(b, b)) for a, b in missed],
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kind", choices=["indicator", "goal"], default=None)
    parser.add_argument("--threshold", type=float, default=None)
    parser.add_argument("--lexical", type=float, default=None)
    parser.add_argument("--goal-context", type=float, default=None)
    args = parser.parse_args()
    settings = get_settings()
    tuning = settings.tuning.commitments
    build = store.current_build(Path(settings.index_dir))
    if build is None:
        raise SystemExit("no index; run 'rapportsok index' first")
    record_set = store.read_records(build)
    records, vectors = record_set.items, record_set.vectors
    district = json.loads((HERE / "linking_gold.json").read_text(encoding="utf-8"))["district"]
    analyzer = Analyzer(build_vocabulary(r.name for r in records))
    for kind in [args.kind] if args.kind else ["indicator", "goal"]:
        gold = load_gold(kind)
        contexts = GOAL_CONTEXTS if kind == "goal" else [0.0]
        if args.goal_context is not None:
            contexts = [args.goal_context]
        weights = [args.lexical] if args.lexical is not None else LEXICAL_WEIGHTS
        thresholds = [args.threshold] if args.threshold is not None else THRESHOLDS
        print(f"\n## {kind}s ({district}): best threshold per setting\n")
        print(HEADER)
        best: tuple[float, Score] | None = None
        sweeps: dict[tuple[float, float], list[Score]] = {}
        for context, weight in itertools.product(contexts, weights):
            matrix = goal_vectors(records, vectors, context) if kind == "goal" else vectors
            grid = [LinkParams(threshold=t, lexical_weight=weight) for t in thresholds]
            sweep = [evaluate(records, matrix, kind, district, p, gold, analyzer) for p in grid]
            sweeps[(context, weight)] = sweep
            top = max(sweep, key=lambda s: (s.f1, s.threshold))
            print(row(context, top))
            if best is None or top.f1 > best[1].f1 + 1e-9:
                best = (context, top)
        assert best is not None
        context, chosen = best
        print(f"\n### {kind}s: the chosen setting over thresholds\n")
        print(HEADER)
        for score in sweeps[(context, chosen.lexical)]:
            if abs(score.threshold - chosen.threshold) <= 0.055:
                print(row(context, score))
        print(
            f"\nBest: goal context {context}, word weight {chosen.lexical}, threshold "
            f"{chosen.threshold:.2f} (F1 {chosen.f1:.2f})"
        )
        params = tuning.goal_linking if kind == "goal" else tuning.indicator_linking
        context = tuning.goal_context if kind == "goal" else 0
        matrix = goal_vectors(records, vectors, context) if kind == "goal" else vectors
        used = evaluate(records, matrix, kind, district, params, gold, analyzer)
        print(f"\n### {kind}s: the setting the service uses\n")
        print(HEADER)
        print(row(context, used))
        print()
        for a, b in used.wrong_pairs:
            print(f"- wrong: {a} ~ {b}")
        for a, b in used.missed:
            print(f"- missed: {a} ~ {b}")


HEADER = (
    "| goal context | word weight | threshold | right | wrong | recall | precision | F1 |\n"
    "| --- | --- | --- | --- | --- | --- | --- | --- |"
)


def row(context: float, score: Score) -> str:
    return (
        f"| {context} | {score.lexical} | {score.threshold:.2f} | {score.right} | {score.wrong} "
        f"| {score.found}/{score.expected} ({score.recall:.2f}) | {score.precision:.2f} "
        f"| {score.f1:.2f} |"
    )


if __name__ == "__main__":
    main()
