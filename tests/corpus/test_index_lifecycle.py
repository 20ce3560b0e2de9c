"""The index directory: one build at a time, a crash keeps the old build, corruption is named.

Builds use the fake encoder over small text reports, so each one takes a fraction of a second;
the kill -9 tests run the build in a child process that kills itself at a chosen point.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import numpy as np
import pytest

from indexer import store
from indexer.pipeline import BuildReport, build_index
from indexer.store.vectors import all_vectors
from service import cli
from service.engine import Engine
from service.search.runtime import ModelMismatchError
from service.search.snapshot import load_snapshot
from service.settings import Settings, get_settings
from tests.support.fakes import (
    FakeEncoder,
    build_fake_index,
    fake_model_info,
    report_text,
    use_fake_encoder,
    write_fake_model_folder,
)

REPO = Path(__file__).resolve().parents[2]
TOPICS = {"a.txt": "Förskolan", "b.txt": "Hemtjänsten", "c.txt": "Parkerna"}
TITLE = "Verksamhetsplan 2023 för Hässelby-Vällingby stadsdelsnämnd"


def write_report(corpus: Path, name: str, topic: str, paragraphs: int = 6) -> None:
    (corpus / name).write_text(report_text(TITLE, topic, paragraphs), encoding="utf-8")


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    for name, topic in TOPICS.items():
        write_report(folder, name, topic)
    return folder


@pytest.fixture
def index_dir(tmp_path: Path, corpus: Path) -> Path:
    """An index of the three reports, already built once."""
    folder = tmp_path / "index"
    report = build_fake_index(corpus, folder)
    assert report.failures == [] and report.documents == 3
    return folder


def run_cli(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(argv)
    return code, out.getvalue(), err.getvalue()


def refuse_to_serve(*args: object, **kwargs: object) -> None:
    raise AssertionError("serve got past loading the index")


@contextlib.contextmanager
def cli_environment(tmp: Path, index_dir: Path, encoder: FakeEncoder) -> Iterator[None]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("RAPPORTSOK_MODEL", str(write_fake_model_folder(tmp / "model")))
        patch.setenv("RAPPORTSOK_INDEX_DIR", str(index_dir))
        patch.setenv("RAPPORTSOK_CORPUS_DIR", str(tmp / "corpus"))
        use_fake_encoder(patch, encoder)
        patch.setattr("uvicorn.run", refuse_to_serve)
        get_settings.cache_clear()
        try:
            yield
        finally:
            get_settings.cache_clear()


# ----------------------------------------------------------------------------- the lock


class BlockingEncoder(FakeEncoder):
    """Signals when embedding starts, then waits until released."""

    def __init__(self) -> None:
        super().__init__()
        self.started = threading.Event()
        self.release = threading.Event()

    def encode_documents(
        self, texts: Sequence[str], batch_size: int | None = None, show_progress: bool = False
    ) -> np.ndarray:
        self.started.set()
        assert self.release.wait(30), "the test never released the first build"
        return super().encode_documents(texts, batch_size, show_progress)


def test_a_second_build_refuses_while_one_runs(
    tmp_path: Path, corpus: Path, index_dir: Path
) -> None:
    old = store.current_build(index_dir)
    write_report(corpus, "d.txt", "Biblioteket")
    blocking = BlockingEncoder()
    outcome: dict[str, BuildReport] = {}

    def first() -> None:
        outcome["report"] = build_index(
            corpus, index_dir, fake_model_info(), lambda: blocking, progress=False
        )

    runner = threading.Thread(target=first)
    runner.start()
    try:
        assert blocking.started.wait(30)
        with pytest.raises(store.IndexLockedError) as refused:
            build_fake_index(corpus, index_dir)
        message = str(refused.value)
        assert f"another 'rapportsok index' is building {index_dir} (pid {os.getpid()})" in message
        assert message.endswith("wait for it to finish")
        with cli_environment(tmp_path, index_dir, FakeEncoder()):
            code, stdout, stderr = run_cli(["index"])
        assert code == 1 and stdout == ""
        assert stderr.startswith("rapportsok: another 'rapportsok index' is building")
        assert stderr.count("\n") == 1
        assert store.current_build(index_dir) == old
        assert len(load_snapshot(index_dir).documents) == 3
    finally:
        blocking.release.set()
        runner.join(30)
    new = store.current_build(index_dir)
    assert new != old and new is not None and new.name == outcome["report"].build
    assert len(load_snapshot(index_dir).documents) == 4


def test_the_lock_of_a_killed_build_does_not_block_the_next(
    tmp_path: Path, corpus: Path, index_dir: Path
) -> None:
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from pathlib import Path; from indexer.store import build_lock\n"
            "with build_lock(Path(sys.argv[1])):\n    print('locked', flush=True); time.sleep(60)",
            str(index_dir),
        ],
        cwd=REPO,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        with pytest.raises(store.IndexLockedError, match=rf"\(pid {holder.pid}\)"):
            build_fake_index(corpus, index_dir)
    finally:
        holder.kill()
        holder.wait(10)
    assert (index_dir / ".lock").read_text().strip() == str(holder.pid)
    write_report(corpus, "d.txt", "Biblioteket")
    report = build_fake_index(corpus, index_dir)
    assert report.new == ["d.txt"]


# ----------------------------------------------------------------------------- kill -9 mid-build

KILLER = """
import os, signal, sys
from pathlib import Path
from indexer import store
from indexer.store import writer
from tests.support.fakes import FakeEncoder, build_fake_index

point, corpus, index_dir = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])


def die():
    os.kill(os.getpid(), signal.SIGKILL)


def after(original):
    def run(*args, **kwargs):
        original(*args, **kwargs)
        die()
    return run


class DyingEncoder(FakeEncoder):
    def encode_documents(self, texts, batch_size=None, show_progress=False):
        die()


def half_vectors(path, vectors, dimension):
    path.write_bytes(b"IxFI" + bytes(1000))
    die()


def after_manifest(original):
    def run(path, data):
        original(path, data)
        if path.name == store.MANIFEST:
            die()
    return run


def half_switch(index_dir, build):
    os.symlink(os.path.relpath(build, index_dir), index_dir / ".current-dying")
    die()


if point == "embedding":
    build_fake_index(corpus, index_dir, DyingEncoder())
if point == "metadata":
    writer._write_metadata = after(writer._write_metadata)
if point == "vectors":
    writer.write_vector_file = half_vectors
if point == "manifest":
    writer._write_file = after_manifest(writer._write_file)
if point == "switch":
    writer.switch_current = half_switch
build_fake_index(corpus, index_dir)
print("finished without being killed")
"""


@pytest.mark.parametrize("point", ["embedding", "metadata", "vectors", "manifest", "switch"])
def test_a_build_killed_before_the_switch_leaves_the_old_build(
    point: str, corpus: Path, index_dir: Path
) -> None:
    old = store.current_build(index_dir)
    write_report(corpus, "d.txt", "Biblioteket")
    child = subprocess.run(
        [sys.executable, "-c", KILLER, point, str(corpus), str(index_dir)],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert child.returncode == -signal.SIGKILL, child.stderr
    assert store.current_build(index_dir) == old
    snapshot = load_snapshot(index_dir)
    assert sorted(d.name for d in snapshot.documents.values()) == sorted(TOPICS)
    report = build_fake_index(corpus, index_dir)
    assert report.new == ["d.txt"] and report.unchanged == sorted(TOPICS)
    assert store.current_build(index_dir) != old
    assert len(load_snapshot(index_dir).documents) == 4
    assert not list((index_dir / "builds").glob(".staging-*"))


# ----------------------------------------------------------------------------- corruption


def truncate(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def edit_manifest(build: Path, change: Callable[[dict[str, object]], None]) -> None:
    path = build / store.MANIFEST
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data), encoding="utf-8")


def other_model(data: dict[str, object]) -> None:
    data["model"] = {
        "name": "multilingual-e5-small",
        "model_id": "multilingual-e5-small-8520eedb7ea5",
        "dimension": 64,
    }


CORRUPTIONS: dict[str, tuple[Callable[[Path], object], str]] = {
    "truncated vectors": (
        lambda b: truncate(b / store.VECTORS),
        r"vectors\.faiss: corrupt vector file",
    ),
    "empty vectors": (
        lambda b: (b / store.VECTORS).write_bytes(b""),
        r"vectors\.faiss: corrupt vector file",
    ),
    "missing vectors": (
        lambda b: (b / store.VECTORS).unlink(),
        r"vectors\.faiss: missing vector file",
    ),
    "missing metadata": (
        lambda b: (b / store.METADATA).unlink(),
        r"meta\.sqlite: missing metadata store",
    ),
    "truncated metadata": (
        lambda b: truncate(b / store.METADATA),
        r"meta\.sqlite: corrupt metadata store",
    ),
    "missing manifest": (
        lambda b: (b / store.MANIFEST).unlink(),
        r"incomplete index \(no manifest\.json\)",
    ),
    "garbled manifest": (
        lambda b: (b / store.MANIFEST).write_text("{not json", encoding="utf-8"),
        r"manifest\.json: unreadable manifest",
    ),
    "future format": (
        lambda b: edit_manifest(b, lambda d: d.update(version=99)),
        rf"index format 99, this version reads {store.FORMAT_VERSION}",
    ),
    "chunk count": (
        lambda b: edit_manifest(b, lambda d: d.update(counts={"documents": 3, "chunks": 5})),
        r"vectors but the manifest lists 5 chunks",
    ),
    "wrong model": (
        lambda b: edit_manifest(b, other_model),
        r"built with model multilingual-e5-small .* but the configured model is fake-hash-encoder",
    ),
}


@pytest.mark.parametrize("kind", list(CORRUPTIONS))
def test_a_corrupted_index_is_named_and_exits_non_zero(
    kind: str, tmp_path: Path, index_dir: Path
) -> None:
    corrupt, expected = CORRUPTIONS[kind]
    build = store.current_build(index_dir)
    assert build is not None
    corrupt(build)
    with cli_environment(tmp_path, index_dir, FakeEncoder()):
        for argv in (
            ["search", "förskolan"],
            ["ask", "Vad gör förskolan?"],
            ["serve", "--port", "1"],
        ):
            code, stdout, stderr = run_cli(argv)
            assert code == 1, argv
            assert stdout == ""
            assert stderr.count("\n") == 1 and stderr.startswith("rapportsok: "), stderr
            assert re.search(expected, stderr), stderr
            assert "Traceback" not in stderr and "unexpected error" not in stderr
        code, _, stderr = run_cli(["index"])
        assert (code, stderr) == (0, "")
        assert run_cli(["search", "förskolan"])[0] == 0


def test_a_dangling_current_link_means_no_index(tmp_path: Path, index_dir: Path) -> None:
    build = store.current_build(index_dir)
    assert build is not None
    build.rename(build.with_name("moved-away"))
    with pytest.raises(store.IndexLoadError, match=r"no index in .*; run 'rapportsok index' first"):
        load_snapshot(index_dir)


def test_the_engine_refuses_an_index_of_another_model(
    tmp_path: Path, index_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    build = store.current_build(index_dir)
    assert build is not None
    edit_manifest(build, other_model)
    use_fake_encoder(monkeypatch, FakeEncoder())
    settings = Settings(index_dir=index_dir, model=str(write_fake_model_folder(tmp_path / "model")))
    with pytest.raises(ModelMismatchError, match="rebuild with 'rapportsok index'"):
        Engine(settings)


def test_a_corrupt_new_build_does_not_replace_the_loaded_one(
    tmp_path: Path, corpus: Path, index_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_fake_encoder(monkeypatch, FakeEncoder())
    settings = Settings(index_dir=index_dir, model=str(write_fake_model_folder(tmp_path / "model")))
    engine = Engine(settings)
    loaded = engine.snapshot.build
    write_report(corpus, "d.txt", "Biblioteket")
    new = build_fake_index(corpus, index_dir).build
    assert new is not None
    truncate(index_dir / "builds" / new / store.VECTORS)
    with pytest.raises(store.IndexLoadError):
        engine.reload_if_changed()
    assert engine.snapshot.build == loaded
    assert engine.search("förskolan", k=3).hits


# ----------------------------------------------------------------------------- incremental


def embedded_topics(encoder: FakeEncoder) -> set[str]:
    return {
        topic
        for text in encoder.documents_embedded
        for topic in [*TOPICS.values(), "Biblioteket"]
        if topic in text
    }


def test_only_changed_files_are_embedded_again(corpus: Path, tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    first = FakeEncoder()
    report = build_fake_index(corpus, index_dir, first)
    assert embedded_topics(first) == set(TOPICS.values())
    total = report.chunks
    vectors_before = all_vectors(load_snapshot(index_dir).dense.chunks)

    calls: list[FakeEncoder] = []

    def counting() -> FakeEncoder:
        calls.append(FakeEncoder())
        return calls[-1]

    def rebuild() -> BuildReport:
        calls.clear()
        return build_index(corpus, index_dir, fake_model_info(), counting, progress=False)

    unchanged = rebuild()
    assert unchanged.up_to_date and calls == [] and unchanged.embedded_chunks == 0

    write_report(corpus, "d.txt", "Biblioteket", paragraphs=3)
    added = rebuild()
    assert added.new == ["d.txt"] and added.unchanged == sorted(TOPICS)
    assert embedded_topics(calls[0]) == {"Biblioteket"}
    assert added.embedded_chunks == added.chunks - total
    new_chunks = [c for c in load_snapshot(index_dir).chunks if c.doc_id == "d"]
    sentences = sum(len(c.sentences) for c in new_chunks)
    assert len(calls[0].documents_embedded) == len(new_chunks) + sentences

    snapshot = load_snapshot(index_dir)
    kept = [i for i, c in enumerate(snapshot.chunks) if snapshot.documents[c.doc_id].name in TOPICS]
    assert (all_vectors(snapshot.dense.chunks)[kept] == vectors_before).all()

    write_report(corpus, "b.txt", "Hemtjänsten", paragraphs=9)
    changed = rebuild()
    assert changed.changed == ["b.txt"] and changed.new == []
    assert embedded_topics(calls[0]) == {"Hemtjänsten"}

    (corpus / "c.txt").unlink()
    removed = rebuild()
    assert removed.removed == ["c.txt"] and calls == [] and removed.embedded_chunks == 0
    names = {d.name for d in load_snapshot(index_dir).documents.values()}
    assert names == {"a.txt", "b.txt", "d.txt"}


def test_old_builds_are_collected(corpus: Path, index_dir: Path) -> None:
    for n in range(4):
        write_report(corpus, f"extra-{n}.txt", f"Tema{n}")
        build_fake_index(corpus, index_dir)
    finished = [p for p in (index_dir / "builds").iterdir() if not p.name.startswith(".")]
    assert len(finished) == store.KEEP_BUILDS
    assert store.current_build(index_dir) in finished


# ----------------------------------------------------------------------------- reload while serving

SHARED = (
    "Gemensamt stycke: stadsdelsförvaltningen samverkar med polisen om trygghetsvandringar "
    "i Vällingby centrum och Råcksta varje vår och höst."
)


def two_years_sharing_a_paragraph(
    tmp_path: Path, corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[Path, Engine]:
    """a.txt and b.txt, two years of one plan with SHARED in both, indexed; an engine over them."""
    (corpus / "a.txt").write_text(f"{TITLE}\n\n{SHARED}\n", encoding="utf-8")
    (corpus / "b.txt").write_text(
        f"{TITLE.replace('2023', '2022')}\n\n{SHARED}\n", encoding="utf-8"
    )
    index_dir = tmp_path / "index"
    build_fake_index(corpus, index_dir)
    use_fake_encoder(monkeypatch, FakeEncoder())
    model = write_fake_model_folder(tmp_path / "model")
    return index_dir, Engine(Settings(index_dir=index_dir, model=str(model), watch_seconds=0))


def test_a_search_keeps_its_snapshot_across_a_reload(
    tmp_path: Path, corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    index_dir, engine = two_years_sharing_a_paragraph(tmp_path, corpus, monkeypatch)
    result = engine.search("trygghetsvandringar Vällingby centrum Råcksta polisen", k=3)
    shared = next(hit for hit in result.hits if hit.also_in)
    for name in ("a.txt", "b.txt", "c.txt"):
        (corpus / name).unlink()
    write_report(corpus, "d.txt", "Biblioteket", paragraphs=1)
    build_fake_index(corpus, index_dir)
    assert engine.reload()
    found = engine.passages(result)
    passage = next(p for p in found.passages if p.hit.chunk.text == shared.chunk.text)
    copies = {c.document for c in passage.also_in}
    assert {passage.hit.document.name, *copies} == {"a.txt", "b.txt"}


def test_searches_during_rebuilds_and_reloads_all_succeed(
    tmp_path: Path, corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    index_dir, engine = two_years_sharing_a_paragraph(tmp_path, corpus, monkeypatch)
    stop = threading.Event()
    errors: list[str] = []
    answered = [0]

    def client(question: str) -> None:
        while not stop.is_set():
            try:
                engine.passages(engine.search(question, k=5))
                engine.ask(question)
                answered[0] += 1
            except Exception as exc:  # every failure is what this test looks for
                errors.append(f"{type(exc).__name__}: {exc}")

    threads = [
        threading.Thread(target=client, args=(q,))
        for q in ("trygghetsvandringar polisen", "förskolan")
    ]
    for thread in threads:
        thread.start()
    builds = set()
    try:
        for n in range(6):
            if n % 2:
                (corpus / f"extra-{n}.txt").unlink(missing_ok=True)
                (corpus / "c.txt").write_text(
                    report_text(TITLE, f"Tema{n}", 2 + n), encoding="utf-8"
                )
            else:
                write_report(corpus, f"extra-{n}.txt", f"Ämne{n}", paragraphs=8 - n)
            build_fake_index(corpus, index_dir)
            assert engine.reload_if_changed()
            builds.add(engine.snapshot.build)
    finally:
        stop.set()
        for thread in threads:
            thread.join(30)
    assert errors == []
    assert len(builds) == 6 and answered[0] > 0
