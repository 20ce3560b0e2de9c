"""The real index over the bundled corpus, for slow tests: built or brought up to date."""

from __future__ import annotations

from pathlib import Path

from indexer.pipeline import build_index
from service.search.runtime import chunk_params, get_embedder, model_info, tuning_record
from service.settings import Settings


def current_index(model_dir: Path) -> Settings:
    """Settings for var/index after an incremental build (seconds when nothing changed)."""
    settings = Settings(model=str(model_dir))
    report = build_index(
        settings.corpus_dir,
        settings.index_dir,
        model_info(settings),
        lambda: get_embedder(settings.model, settings.precision),
        params=chunk_params(settings),
        progress=False,
        tuning=tuning_record(settings),
    )
    assert report.documents == 4 and not report.failures, report.failures
    return settings
