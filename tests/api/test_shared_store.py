"""Replicas over one PostgreSQL database, and the database going away and coming back.

Each replica is an app with its own engine and connection pool (what `rapportsok serve
--store URL` runs), in-process with the fake encoder; the database is a local PostgreSQL of
the test's own, so stopping it touches no other test.
"""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from service.api.app import create_app
from service.engine import Engine
from service.settings import Settings
from tests.support.corpora import CORPUS, FILES, VB24, VP21
from tests.support.fakes import FakeEncoder, build_fake_index, fake_settings, use_fake_encoder
from tests.support.postgres import LocalPostgres, start_local_postgres

RECOVERY_SECONDS = 30
QUESTION = {"q": "Hur arbetar förvaltningen med trygghet?", "k": 5}


@pytest.fixture()
def own_postgres(tmp_path: Path) -> Iterator[LocalPostgres]:
    server = start_local_postgres(tmp_path / "pg")
    yield server
    server.stop()


def settings_for(root: Path, url: str, corpus: Path) -> Settings:
    return fake_settings(
        root, corpus_dir=corpus, store=url, watch_seconds=0.2, database={"timeout_seconds": 2}
    )


def corpus_with(root: Path, *doc_ids: str) -> Path:
    corpus = root / "corpus"
    corpus.mkdir(exist_ok=True)
    for doc_id in doc_ids:
        shutil.copyfile(CORPUS / FILES[doc_id], corpus / FILES[doc_id])
    return corpus


def replicas(settings: Settings, count: int = 2) -> list[TestClient]:
    return [TestClient(create_app(settings), raise_server_exceptions=False) for _ in range(count)]


def wait_for(check: Callable[[], bool], seconds: float) -> float:
    started = time.monotonic()
    while not check():
        assert time.monotonic() - started < seconds, f"not within {seconds} s"
        time.sleep(0.2)
    return time.monotonic() - started


def assert_503(response: object) -> None:
    status = response.status_code  # type: ignore[attr-defined]
    body = response.json()  # type: ignore[attr-defined]
    assert status == 503, body
    assert set(body) == {"error", "status"} and body["status"] == 503
    assert "unavailable" in body["error"] or "no index loaded" in body["error"]
    assert "Traceback" not in response.text  # type: ignore[attr-defined]


def test_two_replicas_serve_one_build_and_switch_to_a_new_one_without_a_failed_request(
    own_postgres: LocalPostgres, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = own_postgres.database("replicas")
    corpus = corpus_with(tmp_path, VP21)
    first = build_fake_index(corpus, url)
    use_fake_encoder(monkeypatch, FakeEncoder())
    clients = replicas(settings_for(tmp_path, url, corpus))
    statuses: list[int] = []
    stop = threading.Event()

    def traffic(client: TestClient) -> None:
        while not stop.is_set():
            statuses.append(client.get("/api/search", params=QUESTION).status_code)

    with clients[0] as a, clients[1] as b:
        assert {c.get("/health").json()["build"] for c in (a, b)} == {first.build}
        threads = [threading.Thread(target=traffic, args=(c,)) for c in (a, b)]
        for thread in threads:
            thread.start()
        try:
            second = build_fake_index(corpus_with(tmp_path, VB24), url)
            for client in (a, b):
                wait_for(lambda c=client: c.get("/health").json()["build"] == second.build, 10)
            time.sleep(1)
        finally:
            stop.set()
            for thread in threads:
                thread.join(30)
        assert len(statuses) > 10 and set(statuses) == {200}
        for client in (a, b):
            assert client.get("/health").json()["documents"] == 2


def test_a_stopped_database_gives_json_503s_and_both_replicas_recover_when_it_is_back(
    own_postgres: LocalPostgres, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = own_postgres.database("faults")
    corpus = corpus_with(tmp_path, VP21)
    build_fake_index(corpus, url)
    use_fake_encoder(monkeypatch, FakeEncoder())
    clients = replicas(settings_for(tmp_path, url, corpus))
    with clients[0] as a, clients[1] as b:
        for client in (a, b):
            assert client.get("/api/search", params=QUESTION).status_code == 200
        assert own_postgres.stop()
        for client in (a, b):
            assert_503(client.get("/api/search", params=QUESTION))
            assert_503(client.post("/api/ask", json={"question": QUESTION["q"]}))
            health = client.get("/health").json()
            assert health["status"] == "unavailable"
            assert health["store"]["kind"] == "postgresql"
            assert health["store"]["reachable"] is False
            assert "unreachable" in health["store"]["problem"]
        own_postgres.start()
        for name, client in (("a", a), ("b", b)):
            seconds = wait_for(
                lambda c=client: c.get("/api/search", params=QUESTION).status_code == 200,
                RECOVERY_SECONDS,
            )
            print(f"replica {name} answered again {seconds:.1f} s after the database started")
            assert client.get("/health").json()["store"]["reachable"] is True


def test_a_replica_started_while_the_database_is_down_serves_once_it_is_up(
    own_postgres: LocalPostgres, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = own_postgres.database("late")
    corpus = corpus_with(tmp_path, VP21)
    build = build_fake_index(corpus, url)
    use_fake_encoder(monkeypatch, FakeEncoder())
    own_postgres.stop()
    settings = settings_for(tmp_path, url, corpus)
    engine = Engine(settings)
    assert not engine.has_build
    with TestClient(create_app(settings, engine=engine), raise_server_exceptions=False) as client:
        health = client.get("/health").json()
        assert health["index_loaded"] is False and health["store"]["reachable"] is False
        assert_503(client.get("/api/search", params=QUESTION))
        own_postgres.start()
        wait_for(lambda: client.get("/health").json()["build"] == build.build, RECOVERY_SECONDS)
        assert client.get("/api/search", params=QUESTION).status_code == 200
