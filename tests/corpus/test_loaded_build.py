"""A loaded build: everything derived from a snapshot is made once, at load, and swapped whole.

Builds use the fake encoder over small text reports, so each takes a fraction of a second.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import service.search.loaded
from indexer import store
from indexer.pipeline import build_index
from service.commitments.index import CommitmentIndex
from service.engine import Engine
from service.search.runtime import tuning_record
from service.settings import FusionParams, Settings, Tuning
from tests.support.fakes import (
    FakeEncoder,
    build_fake_index,
    fake_model_info,
    report_text,
    use_fake_encoder,
    write_fake_model_folder,
)

TITLE = "Verksamhetsplan 2023 för Hässelby-Vällingby stadsdelsnämnd"


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    for name, topic in {"a.txt": "Förskolan", "b.txt": "Hemtjänsten"}.items():
        (folder / name).write_text(report_text(TITLE, topic), encoding="utf-8")
    return folder


def engine_over(
    tmp_path: Path, index_dir: Path, monkeypatch: pytest.MonkeyPatch, tuning: Tuning | None = None
) -> Engine:
    use_fake_encoder(monkeypatch, FakeEncoder())
    model = write_fake_model_folder(tmp_path / "model")
    settings = Settings(index_dir=index_dir, model=str(model), watch_seconds=0)
    return Engine(settings.model_copy(update={"tuning": tuning}) if tuning else settings)


def test_the_manifest_records_the_tuning_tree(tmp_path: Path, corpus: Path) -> None:
    index_dir = tmp_path / "index"
    settings = Settings()
    encoder = FakeEncoder()
    build_index(
        corpus,
        index_dir,
        fake_model_info(),
        lambda: encoder,
        progress=False,
        tuning=tuning_record(settings),
    )
    build = store.current_build(index_dir)
    assert build is not None
    manifest = store.read_manifest(build)
    assert manifest.tuning == settings.tuning.model_dump(mode="json")
    assert manifest.tuning["fusion"]["dense_weight"] == 0.7


def test_a_build_without_tuning_still_loads(tmp_path: Path, corpus: Path) -> None:
    index_dir = tmp_path / "index"
    build_fake_index(corpus, index_dir)
    build = store.current_build(index_dir)
    assert build is not None and store.read_manifest(build).tuning == {}


def test_the_commitment_index_is_made_at_load_not_in_a_request(
    tmp_path: Path, corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    made: list[CommitmentIndex] = []
    original = service.search.loaded.build_commitment_index

    def counting(*args: object, **kwargs: object) -> CommitmentIndex:
        made.append(original(*args, **kwargs))  # type: ignore[arg-type]
        return made[-1]

    monkeypatch.setattr(service.search.loaded, "build_commitment_index", counting)
    index_dir = tmp_path / "index"
    build_fake_index(corpus, index_dir)
    engine = engine_over(tmp_path, index_dir, monkeypatch)
    assert len(made) == 1 and engine.loaded.commitments is made[0]
    engine.ask("Hur många aktiviteter redovisar förskolan?")
    engine.search("hemtjänsten")
    assert len(made) == 1
    (corpus / "c.txt").write_text(report_text(TITLE, "Parkerna"), encoding="utf-8")
    build_fake_index(corpus, index_dir)
    assert engine.reload_if_changed()
    assert len(made) == 2 and engine.loaded.commitments is made[1]


def test_a_request_keeps_the_whole_build_it_started_with(
    tmp_path: Path, corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    index_dir = tmp_path / "index"
    build_fake_index(corpus, index_dir)
    engine = engine_over(tmp_path, index_dir, monkeypatch)
    held = engine.loaded
    before = (held.snapshot.build, len(held.snapshot.documents), held.facets.units)
    (corpus / "c.txt").write_text(report_text(TITLE, "Parkerna"), encoding="utf-8")
    build_fake_index(corpus, index_dir)
    assert engine.reload()
    current = engine.loaded
    assert current.build != held.build
    assert (held.snapshot.build, len(held.snapshot.documents), held.facets.units) == before
    assert held.searcher.snapshot is held.snapshot and held.answerer.snapshot is held.snapshot
    assert held.commitments is not current.commitments
    assert len(current.snapshot.documents) == 3


def test_the_loaded_parts_use_the_configured_tuning(
    tmp_path: Path, corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    index_dir = tmp_path / "index"
    build_fake_index(corpus, index_dir)
    tuning = Tuning(fusion=FusionParams(dense_weight=0.5))
    loaded = engine_over(tmp_path, index_dir, monkeypatch, tuning).loaded
    assert loaded.tuning == tuning
    assert loaded.searcher.params.dense_weight == 0.5
    assert loaded.answerer.params == tuning.answers
    assert loaded.commitments.params == tuning.commitments
