"""Re-index while serving: `rapportsok index` next to running `rapportsok serve` processes.

The service runs as a subprocess with the real model over an index of one report excerpt: one
process over an index folder, and two replicas over one PostgreSQL database. Threads keep
searching (and asking) while a second excerpt is indexed; every request must succeed, and
every process must pick up the new build by itself within a few seconds.
"""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from tests.support.corpora import CORPUS, FILES, VB24, VP21, excerpt
from tests.support.servers import rapportsok_command, running_service

FIRST = FILES[VP21]
SECOND = FILES[VB24]
SECOND_ID = VB24
QUERIES = [
    "Hur arbetar förvaltningen med trygghet?",
    "ekonomiskt bistånd",
    "socialtjänsten Kungsholmen placeringar",
    "förskolans språkutveckling",
]

pytestmark = pytest.mark.slow


@dataclass
class Traffic:
    """What the clients saw: status codes, errors, and which documents answered."""

    statuses: list[int] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    docs_after_switch: set[str] = field(default_factory=set)
    switched: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)


def client_loop(base: str, worker: int, stop: threading.Event, traffic: Traffic) -> None:
    with httpx.Client(base_url=base, timeout=60) as client:
        n = worker
        while not stop.is_set():
            question = QUERIES[n % len(QUERIES)]
            try:
                if worker == 0 and n % 3 == 0:
                    response = client.post("/api/ask", json={"question": question})
                else:
                    response = client.get("/api/search", params={"q": question, "k": 5})
            except httpx.HTTPError as exc:
                with traffic.lock:
                    traffic.errors.append(f"{type(exc).__name__}: {exc}")
                continue
            with traffic.lock:
                traffic.statuses.append(response.status_code)
                if response.status_code != 200:
                    traffic.errors.append(f"{response.status_code}: {response.text[:200]}")
                elif traffic.switched.is_set() and "hits" in response.json():
                    traffic.docs_after_switch |= {h["doc_id"] for h in response.json()["hits"]}
            n += 1


@pytest.fixture(params=["directory", "postgres"])
def service(
    request: pytest.FixtureRequest, tmp_path: Path, model_dir: Path
) -> Iterator[tuple[list[str], Path, dict[str, str]]]:
    """The served processes' URLs (two replicas for the database store), corpus and env."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    excerpt(CORPUS / FIRST, corpus / FIRST, pages=6)
    env = {
        **os.environ,
        "RAPPORTSOK_MODEL": str(model_dir),
        "RAPPORTSOK_INDEX_DIR": str(tmp_path / "index"),
        "RAPPORTSOK_CORPUS_DIR": str(corpus),
        "RAPPORTSOK_WATCH_SECONDS": "0.5",
        "RAPPORTSOK_RATE_LIMIT_PER_MINUTE": "0",
    }
    replicas = 1
    if request.param == "postgres":
        env["RAPPORTSOK_STORE"] = request.getfixturevalue("local_postgres").database("reindex")
        replicas = 2
    first = subprocess.run(
        [*rapportsok_command(), "index"], env=env, capture_output=True, text=True, timeout=600
    )
    assert first.returncode == 0, first.stderr
    with contextlib.ExitStack() as stack:
        served = [
            stack.enter_context(running_service(env=env, startup_seconds=180))
            for _ in range(replicas)
        ]
        yield [s.base_url for s in served], corpus, env


def test_requests_keep_succeeding_while_a_new_build_is_switched_in(
    service: tuple[list[str], Path, dict[str, str]],
) -> None:
    bases, corpus, env = service
    old_builds = {httpx.get(f"{base}/health").json()["build"] for base in bases}
    assert len(old_builds) == 1
    traffic = Traffic()
    stop = threading.Event()
    clients = [
        threading.Thread(
            target=client_loop, args=(bases[n % len(bases)], n, stop, traffic), daemon=True
        )
        for n in range(4)
    ]
    for thread in clients:
        thread.start()
    try:
        time.sleep(2)
        excerpt(CORPUS / SECOND, corpus / SECOND, pages=8)
        run = subprocess.run(
            [*rapportsok_command(), "index"], env=env, capture_output=True, text=True, timeout=900
        )
        assert run.returncode == 0, run.stderr
        match = re.search(r"build (\S+)$", run.stdout.strip())
        assert match, run.stdout
        new_build = match.group(1)
        assert new_build not in old_builds
        deadline = time.monotonic() + 15
        for base in bases:
            while httpx.get(f"{base}/health", timeout=30).json()["build"] != new_build:
                assert time.monotonic() < deadline, f"{base} did not load the new build"
                time.sleep(0.2)
        traffic.switched.set()
        time.sleep(3)
    finally:
        stop.set()
        for thread in clients:
            thread.join(90)
    for base in bases:
        assert httpx.get(f"{base}/health").json()["documents"] == 2
    assert traffic.errors == []
    assert len(traffic.statuses) >= 20 and set(traffic.statuses) == {200}
    assert SECOND_ID in traffic.docs_after_switch
