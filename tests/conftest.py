"""Shared fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def model_dir() -> Path:
    """The default model under var/models, installed once (a no-op when already intact)."""
    from indexer.provision import install_model

    target = REPO / "var" / "models" / "multilingual-e5-small"
    install_model(target)
    return target
