"""Wiring shared by the CLI and the web service: settings -> model, index, searcher."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from indexer.chunking.chunks import ChunkParams
from indexer.pipeline import BuildReport, ModelInfo, ProgressCallback, build_index
from service.settings import Settings

if TYPE_CHECKING:
    from indexer.embedding.encoder import Embedder


class ModelMismatchError(Exception):
    """The index was embedded by another model than the one configured for queries."""


def chunk_params(settings: Settings) -> ChunkParams:
    chunking = settings.tuning.chunking
    return ChunkParams(size=chunking.size, overlap=chunking.overlap)


def tuning_record(settings: Settings) -> dict[str, Any]:
    """The whole tuning tree as plain JSON values, for a build's manifest."""
    return settings.tuning.model_dump(mode="json")


def model_info(settings: Settings) -> ModelInfo:
    """The configured model's identity, read cheaply from its folder when possible."""
    from indexer.embedding.provision import load_identity

    identity = load_identity(settings.model)
    if identity is not None and identity.dimension:
        return ModelInfo(
            name=identity.name, model_id=identity.model_id, dimension=identity.dimension
        )
    embedder = get_embedder(settings.model, settings.precision, settings.device, settings.runtime)
    return ModelInfo(name=settings.model, model_id=embedder.model_id, dimension=embedder.dimension)


def build_for(
    settings: Settings,
    corpus: Path,
    index_dir: Path | str | None = None,
    *,
    force: bool = False,
    progress: bool | None = None,
    on_progress: ProgressCallback | None = None,
) -> BuildReport:
    """`build_index` with the configured model, chunking and tuning (the CLI, the library)."""
    return build_index(
        corpus,
        index_dir or settings.index_location,
        model_info(settings),
        lambda: get_embedder(settings.model, settings.precision, settings.device, settings.runtime),
        params=chunk_params(settings),
        force=force,
        progress=progress,
        tuning=tuning_record(settings),
        on_progress=on_progress,
    )


@lru_cache(maxsize=2)
def get_embedder(
    model: str, precision: str, device: str = "auto", runtime: str = "auto"
) -> Embedder:
    """One loaded model per (model, precision, device, runtime) in the process."""
    from indexer.embedding.encoder import Embedder

    return Embedder(model, precision=precision, device=device, runtime=runtime)


def ensure_model_matches(
    index_model: dict[str, object], configured: ModelInfo, index_dir: Path | str
) -> None:
    """Refuse to query an index with vectors from another model."""
    built_with = str(index_model.get("model_id", ""))
    if built_with and built_with != configured.model_id:
        raise ModelMismatchError(
            f"the index in {index_dir} was built with model {index_model.get('name')} "
            f"({built_with}) but the configured model is {configured.name} "
            f"({configured.model_id}); rebuild with 'rapportsok index' or set RAPPORTSOK_MODEL"
        )
