"""The real model on the bundled corpus: index, search, answer, inspect."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from eval.metrics import QuestionResult, gold_ranks, summarise
from eval.run import load_questions

REPO = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


def test_dev_questions_find_their_gold_passages(client: TestClient) -> None:
    questions = [q for q in load_questions(REPO / "eval" / "dev.jsonl") if q["gold"]]
    results = []
    for q in questions:
        body = client.get("/api/search", params={"q": q["question"], "k": 10}).json()
        ranks = gold_ranks([h["text"] for h in body["hits"]], [g["quote"] for g in q["gold"]])
        results.append(QuestionResult(q["id"], q["kind"], ranks))
    summary = summarise(results)
    assert summary.recall >= 0.85
    assert summary.mrr >= 0.70


def test_placement_costs_are_found_by_meaning(client: TestClient) -> None:
    body = client.get(
        "/api/search", params={"q": "hur har placeringskostnaderna utvecklats?"}
    ).json()
    texts = " ".join(h["text"] for h in body["hits"])
    assert "Kostnaden för placeringar av ungdomar har ökat främst med SIS-placeringar" in texts
    first = body["hits"][0]
    assert first["page"] and first["document"].endswith(".pdf") and first["section"]
    assert any(first["text"][s:e].lower().startswith("placering") for s, e in first["highlights"])


def test_filters_read_from_the_question(client: TestClient) -> None:
    body = client.get(
        "/api/search",
        params={
            "q": "Vilket nytt team införs under mål 3.3 i Hässelby-Vällingbys verksamhetsplan 2024?"
        },
    ).json()
    assert body["filters"]["district"] == "Hässelby-Vällingby"
    assert body["filters"]["year"] == 2024 and body["filters"]["goal"] == "3.3"
    assert all(h["year"] == 2024 and h["goal"]["number"].startswith("3.3") for h in body["hits"])
    assert any(team in body["hits"][0]["text"].lower() for team in ("boendeteam", "boteam"))


def test_duplicates_across_units_are_collapsed(client: TestClient) -> None:
    body = client.get(
        "/api/search", params={"q": "Stocket förstahandsalternativ vid inköp av möbler", "k": 10}
    ).json()
    texts = [" ".join(h["text"].split()).lower() for h in body["hits"]]
    assert len(texts) == len(set(texts))
    assert any(len(h["also_in"]) >= 5 for h in body["hits"])


def test_trend_question_gets_a_timeline(client: TestClient) -> None:
    body = client.post(
        "/api/ask", json={"question": "Hur har placeringskostnaderna utvecklats?"}
    ).json()
    assert body["answered"] and body["kind"] == "timeline"
    years = [entry["year"] for entry in body["timeline"]]
    assert years == sorted(years) and len(set(years)) >= 2
    assert all(f"[{entry['citation']}]" in body["answer"] for entry in body["timeline"])
    assert {c["year"] for c in body["citations"]} >= {2021, 2024}


def test_answer_sentences_are_quoted_from_cited_passages(client: TestClient) -> None:
    body = client.post("/api/ask", json={"question": "Varför stängdes fritidsgården Lili?"}).json()
    assert body["answered"]
    citations = {c["id"]: c for c in body["citations"]}
    for sentence in body["sentences"]:
        quotes = " ".join(" ".join(citations[n]["quote"].split()) for n in sentence["citations"])
        assert " ".join(sentence["text"].split()) in quotes
    assert "låg beläggning" in body["answer"]


def test_unanswerable_question_says_so(client: TestClient) -> None:
    body = client.post(
        "/api/ask", json={"question": "Vad kostade upprustningen av Brunnsparken?"}
    ).json()
    assert body["answered"] is False
    assert body["answer"] == body["message"] and body["message"].startswith("Rapporterna ")
    assert body["related"], "the closest passages come with a refusal"


def test_a_plans_target_is_no_outcome(client: TestClient) -> None:
    body = client.post(
        "/api/ask",
        json={"question": "Hur många ungdomar fick sommarjobb i Hässelby-Vällingby 2024?"},
    ).json()
    assert body["answered"] is False
    assert "anger bara målet, inte utfallet" in body["message"]
    assert any(c["year"] == 2024 for c in body["related"])


def test_a_district_without_reports_is_named(client: TestClient) -> None:
    body = client.post(
        "/api/ask", json={"question": "Hur många fältassistenter jobbar i Rinkeby-Kista?"}
    ).json()
    assert body["answered"] is False
    assert body["message"].endswith("inte Rinkeby-Kista.")


def test_an_indicator_answer_comes_as_a_table(client: TestClient) -> None:
    body = client.post(
        "/api/ask", json={"question": "Vilket årsmål har andelen ekologiska livsmedel 2024?"}
    ).json()
    assert body["answered"] and body["tables"]
    table = body["tables"][0]
    assert "Årsmål" in table["header"] and table["header"][-1] == "År"
    assert all(len(row) == len(table["header"]) for row in table["rows"])
    assert "2024" in table["rows"][0][-1]


@pytest.mark.skipif(
    not Path("/usr/share/mythes/th_sv_SE_v2.dat").is_file(),
    reason="the Swedish thesaurus (Debian package mythes-sv) is not installed; run `make setup`",
)
def test_everyday_words_find_the_reports_words(client: TestClient) -> None:
    health = client.get("/health").json()
    assert health["everyday_words"]["available"] is True
    hits = client.get("/api/search", params={"q": "dagis i Hässelby-Vällingby", "k": 5}).json()
    assert any("förskol" in h["text"].lower() for h in hits["hits"][:3])


@pytest.mark.usefixtures("real_index_env")
def test_inspect_lists_the_four_reports(
    capsys: pytest.CaptureFixture[str], client: TestClient
) -> None:
    from service.cli import main

    assert main(["inspect", "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    kinds = {(d["district"], d["year"], d["doc_type"]) for d in summary["documents"]}
    assert kinds == {
        ("Hässelby-Vällingby", 2021, "verksamhetsplan"),
        ("Hässelby-Vällingby", 2021, "tertialrapport-1"),
        ("Hässelby-Vällingby", 2024, "verksamhetsplan"),
        ("Kungsholmen", 2024, "verksamhetsberattelse"),
    }
    kungsholmen = next(d for d in summary["documents"] if d["district"] == "Kungsholmen")
    assert len(kungsholmen["units"]) == 6
    assert all(len(d["goals"]) >= 10 for d in summary["documents"])


@pytest.mark.usefixtures("real_index_env")
def test_cli_search_json(capsys: pytest.CaptureFixture[str], client: TestClient) -> None:
    from service.cli import main

    assert main(["search", "Insluss", "--k", "3", "--json"]) == 0
    hits = json.loads(capsys.readouterr().out)["hits"]
    assert len(hits) == 3 and "nsluss" in hits[0]["text"]
