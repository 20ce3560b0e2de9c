"""Eval metrics against hand-computed values."""

from __future__ import annotations

import pytest

from eval.metrics import QuestionResult, contains_quote, gold_ranks, summarise


def test_contains_quote_ignores_case_punctuation_and_spaces() -> None:
    passage = "Budgeten är 2 279,8 mnkr.  Verktyget *Hantera Livs* används."
    assert contains_quote(passage, "budgeten är 2279,8 MNKR")
    assert contains_quote(passage, "verktyget Hantera Livs används")


def test_contains_quote_needs_most_words_in_order() -> None:
    passage = "Förvaltningen inför ett boendeteam inom Avdelningen för vuxna under året."
    assert contains_quote(
        passage, "Förvaltningen inför under året ett boendeteam inom Avdelningen för vuxna."
    )
    assert not contains_quote(
        passage, "vuxna för Avdelningen inom boendeteam ett inför Förvaltningen"
    )
    assert not contains_quote("helt annan text om förskolan", "Förvaltningen inför ett boendeteam")


def test_gold_ranks_are_one_based_first_hits() -> None:
    passages = ["a b c", "d e f g h", "x y z", "d e f g h"]
    assert gold_ranks(passages, ["d e f g h", "q r s", "x y z"]) == [2, None, 3]


def test_summary_by_hand() -> None:
    results = [
        QuestionResult("q1", "fact", [1]),
        QuestionResult("q2", "fact", [3, None]),
        QuestionResult("q3", "trend", [2, 12]),
    ]
    summary = summarise(results)
    assert summary.recall == pytest.approx((1 + 0.5 + 0.5) / 3)
    assert summary.mrr == pytest.approx((1 + 1 / 3 + 1 / 2) / 3)
    assert summary.all_found == pytest.approx(1 / 3)
    assert summary.by_kind["fact"]["recall"] == pytest.approx(0.75)
    assert summary.by_kind["trend"]["mrr"] == pytest.approx(0.5)


def test_an_answer_cites_gold_when_a_cited_passage_holds_a_quote() -> None:
    from eval.run import cites_gold

    gold = [{"doc": "d", "quote": "totalt 35 personer är anmälda som mentorer"}]
    cited = ["Annat.", "Fram till april har totalt 35 personer är anmälda som mentorer."]
    assert cites_gold(cited, gold)
    assert not cites_gold(["Annat.", "Målet var 20 mentorer."], gold)
    assert not cites_gold([], gold)
