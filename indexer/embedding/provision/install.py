"""Install into a target folder: one install at a time, built aside and swapped in whole."""

from __future__ import annotations

import contextlib
import dataclasses
import fcntl
import logging
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from indexer.embedding.provision.folder import write_model_folder
from indexer.embedding.provision.identity import (
    MODEL_NAME,
    WRITTEN_FILES,
    ModelIdentity,
    ModelProvisionError,
    verify_model,
)
from indexer.embedding.provision.sources import SourceFile

log = logging.getLogger(__name__)


@contextlib.contextmanager
def _install_lock(target: Path) -> Iterator[None]:
    """Serialize concurrent installs into the same target."""
    lock_path = target.parent / f".{target.name}.lock"
    with lock_path.open("a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _remove_stale_builds(target: Path) -> None:
    """Delete leftovers of interrupted builds or swaps (only called under the lock)."""
    for pattern in (f".{target.name}.build-*", f".{target.name}.old-*"):
        for path in target.parent.glob(pattern):
            shutil.rmtree(path, ignore_errors=True)


def _swap_into_place(built: Path, target: Path) -> None:
    """Rename the finished build onto target; the old folder is moved aside first."""
    old: Path | None = None
    if target.exists():
        old = target.parent / f".{target.name}.old-{os.getpid()}"
        os.rename(target, old)
    os.rename(built, target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def install(
    target: Path, weights: SourceFile, tokenizer: SourceFile, force: bool = False
) -> ModelIdentity:
    """Install the model built from two source files into ``target``, unless intact there.

    The folder is built in a temporary sibling directory and renamed into place, so
    ``target`` is either the previous folder or a complete new one, never half written.
    """
    target = Path(target).absolute()
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with _install_lock(target):
            if not force:
                identity, reason = verify_model(target)
                if identity is not None:
                    return identity
                if target.exists():
                    log.warning("rebuilding model at %s: %s", target, reason)
            return _rebuild(target, weights, tokenizer)
    except OSError as exc:
        raise ModelProvisionError(f"{exc.filename or target}: {exc.strerror or exc}") from exc


def _refuse_foreign_target(target: Path) -> None:
    """Never replace a file or folder holding anything install_model would not write."""
    if not (target.exists() or target.is_symlink()):
        return
    if not target.is_dir() or target.is_symlink():
        raise ModelProvisionError(f"{target}: exists and is not a model folder; remove it first")
    known = set(WRITTEN_FILES) | {"1_Pooling", "2_Normalize", "onnx"}
    for path in sorted(target.rglob("*")):
        rel = path.relative_to(target).as_posix()
        if rel not in known:
            raise ModelProvisionError(
                f"{target}: holds {rel}, which install_model did not write; "
                "remove the folder or choose another target"
            )


def _rebuild(target: Path, weights: SourceFile, tokenizer: SourceFile) -> ModelIdentity:
    """Build into a temporary sibling and swap it in (caller holds the lock)."""
    _refuse_foreign_target(target)
    _remove_stale_builds(target)
    built = Path(tempfile.mkdtemp(prefix=f".{target.name}.build-", dir=target.parent))
    try:
        identity = write_model_folder(built, weights, tokenizer)
        _swap_into_place(built, target)
    except BaseException:
        shutil.rmtree(built, ignore_errors=True)
        raise
    log.info("installed %s (%s) at %s", MODEL_NAME, identity.model_id, target)
    return dataclasses.replace(identity, folder=target)
