"""Atomic builds: one build at a time under a lock, made current by replacing a symlink.

A build is written into its own folder and only then made current, so a crash at any point
leaves the previous build in place and loadable.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

from indexer.store.format import KEEP_BUILDS, IndexLockedError


@contextlib.contextmanager
def build_lock(index_dir: Path) -> Iterator[None]:
    """Hold the index's build lock, or fail at once if another build holds it."""
    index_dir.mkdir(parents=True, exist_ok=True)
    path = index_dir / ".lock"
    handle = path.open("a+")
    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError as exc:
        handle.seek(0)
        holder = handle.read().strip() or "unknown"
        handle.close()
        raise IndexLockedError(
            f"another 'rapportsok index' is building {index_dir} (pid {holder}); "
            "wait for it to finish"
        ) from exc
    try:
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        yield
    finally:
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
        handle.close()


def remove_leftovers(index_dir: Path) -> None:
    """Delete what a killed build left behind: staging folders and unswitched links.

    Only call this while holding the build lock: then no other build is writing them.
    """
    for stale in (index_dir / "builds").glob(".staging-*"):
        shutil.rmtree(stale, ignore_errors=True)
    for link in index_dir.glob(".current-*"):
        link.unlink(missing_ok=True)


def current_build(index_dir: Path) -> Path | None:
    """The folder of the build in use, or None if there is none yet."""
    link = index_dir / "current"
    if not link.is_symlink() and not link.exists():
        return None
    target = link.resolve()
    return target if target.is_dir() else None


def fsync_dir(path: Path) -> None:
    """Flush a directory entry (a rename or new file in it) to disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def switch_current(index_dir: Path, build: Path) -> None:
    link = index_dir / "current"
    temp = index_dir / f".current-{os.getpid()}-{time.monotonic_ns()}"
    os.symlink(os.path.relpath(build, index_dir), temp)
    os.replace(temp, link)
    fsync_dir(index_dir)


def collect_old_builds(builds: Path, keep: Path) -> None:
    """Remove all but the newest builds (the one in use is always kept)."""
    finished = sorted(
        (p for p in builds.iterdir() if p.is_dir() and not p.name.startswith(".")),
        key=lambda p: p.stat().st_mtime,
        reverse=True,
    )
    for old in finished[KEEP_BUILDS:]:
        if old != keep:
            shutil.rmtree(old, ignore_errors=True)
    for stale in builds.glob(".staging-*"):
        if stale.name != f".staging-{keep.name}":
            shutil.rmtree(stale, ignore_errors=True)
