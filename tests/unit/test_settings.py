"""The settings tree: tuned numbers with help text, set from the environment by nested names."""

from __future__ import annotations

import pytest
from pydantic import BaseModel, ValidationError

from service.search.runtime import chunk_params, tuning_record
from service.settings import ChunkingParams, Settings, Tuning

MEASURED = {
    "chunking": {"size": 1400, "overlap": 233},
    "fusion": {
        "method": "minmax",
        "candidates": 100,
        "dense_weight": 0.7,
        "english_dense_weight": 1.0,
        "doc_type_boost": 0.05,
        "rrf_k": 60,
        "sentence_level": True,
        "expansion": True,
        "expansion_weight": 1.0,
    },
    "answers": {
        "passages": 5,
        "max_sentences": 3,
        "max_candidates": 40,
        "min_score": 0.853,
        "min_score_english": 0.80,
        "keep_within": 0.04,
        "min_coverage": 0.0,
        "min_coverage_english": 0.0,
        "rare_weight": 0.08,
        "rank_penalty": 0.002,
        "timeline_passages": 12,
        "timeline_min_share": 0.5,
        "timeline_keep_within": 0.03,
    },
    "indicator_answers": {"min_match": 0.83, "min_margin": 0.02},
    "commitments": {
        "goal_context": 2.0,
        "word_weight": 0.15,
        "min_relevance": {"indicator": 0.78, "goal": 0.75, "budget": 0.78},
        "keep_within": 0.08,
        "indicator_linking": {"threshold": 0.95, "lexical_weight": 0.0},
        "goal_linking": {"threshold": 0.86, "lexical_weight": 0.1},
    },
}


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("RAPPORTSOK_CHUNK_SIZE", "RAPPORTSOK_CHUNK_OVERLAP"):
        monkeypatch.delenv(name, raising=False)


def test_the_defaults_are_the_measured_numbers() -> None:
    assert Settings().tuning.model_dump() == MEASURED
    assert tuning_record(Settings()) == MEASURED


def descriptions_missing(model: type[BaseModel], path: str = "") -> list[str]:
    missing = []
    for name, field in model.model_fields.items():
        kind = field.annotation
        if isinstance(kind, type) and issubclass(kind, BaseModel):
            missing += descriptions_missing(kind, f"{path}{name}.")
        elif not field.description:
            missing.append(path + name)
    return missing


def test_every_tuned_number_has_help_text() -> None:
    assert descriptions_missing(Tuning) == []


def test_nested_names_set_one_number_and_keep_the_others(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("RAPPORTSOK_TUNING__FUSION__DENSE_WEIGHT", "0.8")
    monkeypatch.setenv("RAPPORTSOK_TUNING__COMMITMENTS__GOAL_LINKING__THRESHOLD", "0.9")
    tuning = Settings().tuning
    assert tuning.fusion.dense_weight == 0.8 and tuning.fusion.candidates == 100
    assert tuning.commitments.goal_linking.threshold == 0.9
    assert tuning.commitments.goal_linking.lexical_weight == 0.1
    assert tuning.commitments.indicator_linking.threshold == 0.95


def test_the_documented_chunk_variables_still_work(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RAPPORTSOK_CHUNK_SIZE", "900")
    monkeypatch.setenv("RAPPORTSOK_CHUNK_OVERLAP", "150")
    params = chunk_params(Settings())
    assert (params.size, params.overlap) == (900, 150)
    monkeypatch.setenv("RAPPORTSOK_TUNING__CHUNKING__SIZE", "1000")
    assert Settings().tuning.chunking == ChunkingParams(size=1000, overlap=150)


def test_an_unknown_or_out_of_range_number_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RAPPORTSOK_TUNING__FUSION__DENSE_WIEGHT", "0.8")
    with pytest.raises(ValidationError, match="dense_wieght"):
        Settings()
    monkeypatch.delenv("RAPPORTSOK_TUNING__FUSION__DENSE_WIEGHT")
    monkeypatch.setenv("RAPPORTSOK_CHUNK_SIZE", "10")
    with pytest.raises(ValidationError, match="size"):
        Settings()


def test_with_tuning_replaces_one_group() -> None:
    base = Settings()
    changed = base.with_tuning(chunking=ChunkingParams(size=600, overlap=100))
    assert changed.tuning.chunking.size == 600
    assert changed.tuning.fusion == base.tuning.fusion
    assert base.tuning.chunking.size == 1400
