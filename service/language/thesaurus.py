"""The LibreOffice Swedish thesaurus (Debian's mythes-sv), read from its MyThes data file.

The file starts with its encoding on the first line; then each entry is a line `word|n`
followed by `n` lines of meanings `(part of speech)|synonym|synonym|...`. Only the synonyms are
kept, in file order, with the meanings merged: the expansion filters them against the corpus.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from indexer.lexical.analysis import stem

DEFAULT_PATH = Path("/usr/share/mythes/th_sv_SE_v2.dat")
PACKAGE = "mythes-sv"


class ThesaurusError(Exception):
    """The thesaurus file is missing or not in the MyThes format."""


@dataclass(frozen=True)
class Thesaurus:
    path: Path
    entries: dict[str, tuple[str, ...]] = field(repr=False)

    def synonyms(self, word: str) -> tuple[str, ...]:
        return self.entries.get(word.lower(), ())

    def with_stem(self, stemmed: str) -> tuple[str, ...]:
        """The entry words whose Swedish stem is `stemmed`."""
        return self._by_stem.get(stemmed, ())

    @cached_property
    def _by_stem(self) -> dict[str, tuple[str, ...]]:
        grouped: dict[str, list[str]] = {}
        for word in self.entries:
            grouped.setdefault(stem(word), []).append(word)
        return {s: tuple(words) for s, words in grouped.items()}

    def __contains__(self, word: str) -> bool:
        return word.lower() in self.entries

    def __len__(self) -> int:
        return len(self.entries)


def read_thesaurus(path: Path = DEFAULT_PATH) -> Thesaurus:
    """Parse a MyThes .dat file; raises ThesaurusError naming the file when it can't."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise ThesaurusError(f"{path}: {error.strerror or error}") from error
    first, _, body = raw.partition(b"\n")
    encoding = first.decode("ascii", errors="replace").strip() or "utf-8"
    try:
        text = body.decode(encoding)
    except (LookupError, UnicodeDecodeError) as error:
        raise ThesaurusError(f"{path}: not readable as {encoding!r}: {error}") from error
    entries: dict[str, list[str]] = {}
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        head, sep, count = lines[i].partition("|")
        i += 1
        if not sep or not count.strip().isdigit():
            continue
        synonyms = entries.setdefault(head.strip().lower(), [])
        for line in lines[i : i + int(count)]:
            for synonym in line.split("|")[1:]:
                synonym = synonym.strip().lower()
                if synonym and synonym not in synonyms and synonym != head.strip().lower():
                    synonyms.append(synonym)
        i += int(count)
    if not entries:
        raise ThesaurusError(f"{path}: no thesaurus entries (not a MyThes .dat file?)")
    return Thesaurus(path, {word: tuple(s) for word, s in entries.items()})


@dataclass(frozen=True)
class ThesaurusStatus:
    """Whether everyday words are mapped, and a line for /health."""

    available: bool
    message: str


_loaded: dict[Path, Thesaurus | ThesaurusError] = {}


def load_thesaurus(path: Path | None) -> tuple[Thesaurus | None, ThesaurusStatus]:
    """The thesaurus at `path` (read once per process) and what /health says about it."""
    hint = f"install the Debian package {PACKAGE} or set RAPPORTSOK_THESAURUS"
    if path is None:
        return None, ThesaurusStatus(
            False, f"everyday-word expansion off: no thesaurus set; {hint}"
        )
    if path not in _loaded:
        try:
            _loaded[path] = read_thesaurus(path)
        except ThesaurusError as error:
            _loaded[path] = error
    found = _loaded[path]
    if isinstance(found, ThesaurusError):
        return None, ThesaurusStatus(False, f"everyday-word expansion off: {found}; {hint}")
    return found, ThesaurusStatus(True, f"{found.path} ({len(found)} words)")
