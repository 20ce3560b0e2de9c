"""The real index over the bundled corpus, for slow tests: reused when current, else built."""

from __future__ import annotations

from pathlib import Path

from indexer import store
from indexer.build import EXTRACTOR_VERSION, build_index
from service.runtime import chunk_params, get_embedder, model_info
from service.settings import Settings


def current_index(model_dir: Path) -> Settings:
    """Settings for var/index, built first when missing or written by an older extractor."""
    settings = Settings(model=str(model_dir))
    build = store.current_build(settings.index_dir)
    if build is None or store.read_manifest(build).extractor != EXTRACTOR_VERSION:
        report = build_index(
            settings.corpus_dir,
            settings.index_dir,
            model_info(settings),
            lambda: get_embedder(settings.model, settings.precision),
            params=chunk_params(settings),
            progress=False,
        )
        assert report.documents == 4 and not report.failures
    return settings
