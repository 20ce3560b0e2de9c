"""Adding reports to the corpus folder and taking them out, each change checked first.

An upload is checked before anything is written: a safe plain file name of a supported type,
within the size limit, not a duplicate of a report already there (by name or by content),
and readable (a PDF that opens without a password and has pages, a text file that decodes).
It is then written beside the corpus in `.incoming/` and moved into place with one rename,
so a build never sees half a file. A removed report is moved into `.removed/` (folders whose
names start with a dot are not read by the indexer), never deleted.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from indexer.reading.extract import (
    SUPPORTED_SUFFIXES,
    ExtractionError,
    check_readable,
    file_sha256,
)

INCOMING = ".incoming"
REMOVED = ".removed"
NAME = re.compile(r"^[^/\\\x00-\x1f]{1,200}$")
"""A plain file name: no folder separators, no control characters ('.' and '..' start with a
dot and are refused as such)."""


class Refused(Exception):
    """A file the library will not take, with why (the message names the file)."""

    def __init__(self, file: str, problem: str) -> None:
        super().__init__(f"{file}: {problem}")
        self.file = file
        self.problem = problem


@dataclass(frozen=True)
class Upload:
    name: str
    data: bytes


def check_name(name: str) -> str:
    """The name as the file will be saved, or Refused for a name with path parts."""
    shown = name[:200]
    if not NAME.match(name):
        raise Refused(shown, "the file name must be a plain name without folders")
    if name.startswith("."):
        raise Refused(shown, "the file name must not start with a dot")
    if Path(name).suffix.lower() not in SUPPORTED_SUFFIXES:
        kinds = ", ".join(sorted(SUPPORTED_SUFFIXES))
        raise Refused(shown, f"unsupported file type (the library takes {kinds})")
    return name


def add_reports(
    corpus: Path, uploads: list[Upload], max_bytes: int
) -> tuple[list[str], list[Refused]]:
    """Save the acceptable uploads into `corpus`; returns the names saved and the refusals."""
    corpus.mkdir(parents=True, exist_ok=True)
    incoming = corpus / INCOMING
    incoming.mkdir(exist_ok=True)
    known = _corpus_hashes(corpus)
    saved: list[str] = []
    refused: list[Refused] = []
    for upload in uploads:
        try:
            name = _save(corpus, incoming, upload, max_bytes, known)
        except Refused as exc:
            refused.append(exc)
            continue
        saved.append(name)
    return saved, refused


def _save(
    corpus: Path, incoming: Path, upload: Upload, max_bytes: int, known: dict[str, str]
) -> str:
    name = check_name(upload.name)
    if len(upload.data) > max_bytes:
        raise Refused(name, f"too large (the limit is {max_bytes:,} bytes)")
    if not upload.data:
        raise Refused(name, "empty file (0 bytes)")
    target = corpus / name
    if target.exists():
        raise Refused(name, "a report with this name is already in the library; remove it first")
    handle, part = tempfile.mkstemp(dir=incoming, prefix=".part-", suffix=Path(name).suffix)
    part_path = Path(part)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(upload.data)
            out.flush()
            os.fsync(out.fileno())
        sha = file_sha256(part_path)
        if sha in known:
            raise Refused(name, f"the same content as {known[sha]}, already in the library")
        try:
            check_readable(part_path)
        except ExtractionError as exc:
            raise Refused(name, exc.problem) from None
        if target.exists():
            raise Refused(name, "a report with this name is already in the library")
        os.replace(part_path, target)
    finally:
        part_path.unlink(missing_ok=True)
    known[sha] = name
    return name


def remove_report(corpus: Path, name: str) -> Path:
    """Move one report out of the corpus into `.removed/`; returns where it went."""
    check_name(name)
    source = corpus / name
    if not source.is_file():
        raise FileNotFoundError(f"{name} is not in the corpus folder")
    aside = corpus / REMOVED
    aside.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    target = aside / f"{stamp}-{name}"
    shutil.move(str(source), str(target))
    return target


def _corpus_hashes(corpus: Path) -> dict[str, str]:
    """Content hash -> name of every report file already in the corpus folder."""
    out: dict[str, str] = {}
    for path in sorted(corpus.iterdir()):
        if (
            path.is_file()
            and not path.name.startswith(".")
            and path.suffix.lower() in SUPPORTED_SUFFIXES
        ):
            try:
                out[file_sha256(path)] = path.name
            except OSError:
                continue
    return out
