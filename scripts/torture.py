"""Kill -9 `rapportsok index` at random points and check the index survives every time.

A small corpus (the first pages of two bundled reports) is indexed once with the real model,
which also times the phases of a build. Then, run after run, `rapportsok index --force` is
started and killed with SIGKILL at a random moment inside a chosen phase: starting, reading
the reports, loading the model, embedding, writing the new build. After each kill:

- the index directory must load (service.search.snapshot.load_snapshot) with the configured model,
  the same documents and the same number of chunks: the old build or a complete new one;
- the next `rapportsok index` must succeed, and the index must load again.

The indexer runs under a pseudo-terminal so that it draws its progress bars ("Reading
reports", "Batches"); they, and the build folders appearing on disk, tell the phase.

    .venv/bin/python scripts/torture.py --runs 20
"""

from __future__ import annotations

import argparse
import fcntl
import os
import pty
import random
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from indexer import store  # noqa: E402
from service.search.runtime import ensure_model_matches, model_info  # noqa: E402
from service.search.snapshot import load_snapshot  # noqa: E402
from service.settings import get_settings  # noqa: E402
from tests.support.corpora import excerpt  # noqa: E402
from tests.support.servers import rapportsok_command  # noqa: E402

SOURCES = (
    "hasselby-vallingby_2021_verksamhetsplan.pdf",
    "kungsholmen_2024_verksamhetsberattelse-socialtjanst.pdf",
)
PHASES = ("starting", "reading", "loading model", "embedding", "writing", "after the switch")
TARGETS = PHASES[:5]


@dataclass
class Watched:
    """An indexer run under a pseudo-terminal, and the index folder it writes into."""

    process: subprocess.Popen[bytes]
    index_dir: Path
    before: Path | None
    builds_before: set[str]
    started: float
    output: str = ""
    lock: threading.Lock = field(default_factory=threading.Lock)

    def elapsed(self) -> float:
        return time.perf_counter() - self.started

    def phase(self) -> str:
        """The phase the run is in now, from the index folder and the progress bars."""
        if store.current_build(self.index_dir) != self.before:
            return "after the switch"
        builds = self.index_dir / "builds"
        names = {p.name for p in builds.iterdir()} if builds.is_dir() else set()
        if names - self.builds_before:
            return "writing"
        with self.lock:
            text = self.output
        if "Batches" in text:
            return "writing" if _finished_bar(text, "Batches") else "embedding"
        if "Reading reports" in text:
            return "loading model" if _finished_bar(text, "Reading reports") else "reading"
        return "starting"


def _finished_bar(text: str, name: str) -> bool:
    """Whether the latest drawing of the progress bar `name` shows 100%."""
    latest = text.rsplit(name, 1)[1].split("\r")[0]
    return "100%" in latest


def start_indexer(corpus: Path, index_dir: Path) -> Watched:
    primary, secondary = pty.openpty()
    fcntl.ioctl(secondary, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 160, 0, 0))
    command = [*rapportsok_command(), "index", str(corpus), "--index-dir", str(index_dir)]
    builds = index_dir / "builds"
    watched = Watched(
        process=subprocess.Popen(
            [*command, "--force"], stdin=subprocess.DEVNULL, stdout=secondary, stderr=secondary
        ),
        index_dir=index_dir,
        before=store.current_build(index_dir),
        builds_before={p.name for p in builds.iterdir()} if builds.is_dir() else set(),
        started=time.perf_counter(),
    )
    os.close(secondary)
    threading.Thread(target=_read_output, args=(primary, watched), daemon=True).start()
    return watched


def _read_output(fd: int, watched: Watched) -> None:
    try:
        while chunk := os.read(fd, 4096):
            with watched.lock:
                watched.output += chunk.decode("utf-8", "replace")
    except OSError:
        pass
    finally:
        os.close(fd)


def wait_for_phase(watched: Watched, target: str) -> bool:
    """Poll until the run reaches `target` (or a later phase); False if it ended first."""
    wanted = PHASES.index(target)
    while watched.process.poll() is None:
        if PHASES.index(watched.phase()) >= wanted:
            return True
        time.sleep(0.005)
    return False


@dataclass
class Expected:
    documents: int
    chunks: int


def check_index(index_dir: Path) -> tuple[str, int, int]:
    """Load the index as the service would; (build name, documents, chunks)."""
    snapshot = load_snapshot(index_dir)
    settings = get_settings().model_copy(update={"index_dir": index_dir})
    ensure_model_matches(snapshot.manifest.model, model_info(settings), index_dir)
    return snapshot.build.name, len(snapshot.documents), len(snapshot.chunks)


def reference_build(corpus: Path, index_dir: Path) -> tuple[Expected, dict[str, float]]:
    """A complete build, timed: how long each phase lasted, in seconds."""
    watched = start_indexer(corpus, index_dir)
    seen: dict[str, float] = {"starting": 0.0}
    while watched.process.poll() is None:
        seen.setdefault(watched.phase(), watched.elapsed())
        time.sleep(0.005)
    total = watched.elapsed()
    if watched.process.returncode != 0:
        time.sleep(0.2)
        raise SystemExit(f"the reference build failed:\n{watched.output}")
    durations: dict[str, float] = {}
    for i, phase in enumerate(PHASES):
        later = [seen[p] for p in PHASES[i + 1 :] if p in seen]
        if phase in seen:
            durations[phase] = (later[0] if later else total) - seen[phase]
    _, documents, chunks = check_index(index_dir)
    print(f"reference build: {total:.1f} s, {documents} documents, {chunks} chunks")
    print("  phases: " + ", ".join(f"{p} {d:.2f} s" for p, d in durations.items()))
    return Expected(documents, chunks), durations


def one_run(
    number: int,
    runs: int,
    corpus: Path,
    index_dir: Path,
    expected: Expected,
    durations: dict[str, float],
    rng: random.Random,
) -> tuple[str, list[str]]:
    """Kill one build inside a chosen phase; return the phase hit and the problems found."""
    target = TARGETS[number % len(TARGETS)] if number < len(TARGETS) else rng.choice(TARGETS)
    watched = start_indexer(corpus, index_dir)
    if wait_for_phase(watched, target):
        time.sleep(rng.uniform(0, durations.get(target, 0.0)))
    hit = watched.phase()
    if watched.process.poll() is None:
        os.kill(watched.process.pid, signal.SIGKILL)
    else:
        hit = "finished before the kill"
    watched.process.wait()
    at = watched.elapsed()
    problems: list[str] = []
    try:
        build, documents, chunks = check_index(index_dir)
        if (documents, chunks) != (expected.documents, expected.chunks):
            problems.append(f"index has {documents} documents/{chunks} chunks after the kill")
        old = watched.before is not None and build == watched.before.name
        loaded = "the old build" if old else f"new build {build}"
    except Exception as exc:  # every way of not loading counts as a failure
        problems.append(f"index does not load after the kill: {exc}")
        loaded = "nothing"
    after = subprocess.run(
        [*rapportsok_command(), "index", str(corpus), "--index-dir", str(index_dir)],
        capture_output=True,
        text=True,
    )
    if after.returncode != 0:
        problems.append(f"next 'rapportsok index' failed: {after.stderr.strip()}")
    try:
        check_index(index_dir)
    except Exception as exc:  # every way of not loading counts as a failure
        problems.append(f"index does not load after the next build: {exc}")
    state = after.stdout.strip().rsplit("; ", 1)[-1] if after.returncode == 0 else "FAILED"
    verdict = "ok" if not problems else "FAIL: " + "; ".join(problems)
    print(
        f"run {number + 1:2d}/{runs}: killed at {at:5.2f} s during {hit} (aimed at {target}); "
        f"{loaded} loads; next index: {state} [{verdict}]",
        flush=True,
    )
    return hit, problems


def leftovers(index_dir: Path) -> str:
    builds = index_dir / "builds"
    staging = len(list(builds.glob(".staging-*")))
    finished = len([p for p in builds.iterdir() if not p.name.startswith(".")])
    links = len(list(index_dir.glob(".current-*")))
    return f"{finished} builds, {staging} staging folders, {links} temporary links"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--pages", type=int, default=8, help="pages taken from each report")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args(argv)

    work = Path(tempfile.mkdtemp(prefix="rapportsok-torture-"))
    corpus, index_dir = work / "corpus", work / "index"
    corpus.mkdir()
    for name in SOURCES:
        excerpt(REPO / "corpus" / name, corpus / name, args.pages)
    print(f"torture: {len(SOURCES)} report excerpts of {args.pages} pages in {work}")
    try:
        expected, durations = reference_build(corpus, index_dir)
        rng = random.Random(args.seed)
        hits: Counter[str] = Counter()
        failures = 0
        for number in range(args.runs):
            hit, problems = one_run(number, args.runs, corpus, index_dir, expected, durations, rng)
            hits[hit] += 1
            failures += bool(problems)
        print(f"  left in the index folder: {leftovers(index_dir)}")
        order = [*PHASES, "finished before the kill"]
        during = ", ".join(f"{phase} {hits[phase]}" for phase in order if hits[phase])
        print(f"torture: {args.runs} runs, {failures} failures (killed during: {during})")
        return 1 if failures else 0
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
