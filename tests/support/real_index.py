"""The real index over the bundled corpus: built with the real model into a given folder.

The session fixture `real_index` (tests/conftest.py) builds it once per test run in a
temporary folder; slow, API and browser tests share that build and never touch var/index.
"""

from __future__ import annotations

from pathlib import Path

from service.search.runtime import build_for
from service.settings import Settings


def build_real_index(model_dir: Path, index_dir: Path) -> Settings:
    """Index the bundled corpus with the model in `model_dir`; settings pointing at the build."""
    settings = Settings(model=str(model_dir), index_dir=index_dir)
    report = build_for(settings, settings.corpus_dir, progress=False)
    assert report.documents == 4 and not report.failures, report.failures
    return settings


def environment(settings: Settings) -> dict[str, str]:
    """Variables that point a `rapportsok` process (or get_settings) at the same build."""
    return {
        "RAPPORTSOK_INDEX_DIR": str(settings.index_dir),
        "RAPPORTSOK_MODEL": settings.model,
        "RAPPORTSOK_CORPUS_DIR": str(settings.corpus_dir),
    }
