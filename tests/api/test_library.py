"""The reports library over HTTP: goal trees, uploads, removals and their background builds.

Each test serves its own small corpus indexed with the fake encoder; uploads are indexed by
the service's own build queue, as in production.
"""

from __future__ import annotations

import shutil
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from indexer.pipeline import BuildProgress
from service.api.app import create_app
from service.engine import Engine
from service.library.jobs import Job
from tests.corpus.test_bad_input import encrypted_pdf
from tests.support.corpora import CORPUS, FILES, VP21
from tests.support.fakes import (
    FakeEncoder,
    build_fake_index,
    fake_settings,
    report_text,
    text_pdf,
    use_fake_encoder,
)

TOKEN = "library-admin-3b9f"
AUTH = {"authorization": f"Bearer {TOKEN}"}


class SlowEncoder(FakeEncoder):
    """The fake encoder taking a while per batch, so a build is still running when asked."""

    def encode_documents(
        self, texts: Any, batch_size: int | None = None, show_progress: bool = False
    ) -> np.ndarray:
        time.sleep(0.05)
        return super().encode_documents(texts, batch_size, show_progress)


def _serve(
    root: Path, monkeypatch: pytest.MonkeyPatch, encoder: FakeEncoder | None = None, **changes: Any
) -> tuple[TestClient, Path]:
    corpus = root / "corpus"
    corpus.mkdir()
    shutil.copyfile(CORPUS / FILES[VP21], corpus / FILES[VP21])
    chosen = encoder or FakeEncoder()
    build_fake_index(corpus, root / "index", chosen)
    use_fake_encoder(monkeypatch, chosen)
    settings = fake_settings(root, corpus_dir=corpus, admin_token=SecretStr(TOKEN), **changes)
    client = TestClient(
        create_app(settings, engine=Engine(settings)), raise_server_exceptions=False
    )
    return client, corpus


def _wait(client: TestClient, job_id: str, seconds: float = 60) -> dict[str, Any]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        job = client.get(f"/api/jobs/{job_id}").json()
        if job["state"] in ("done", "failed"):
            return job
        time.sleep(0.05)
    raise AssertionError(f"job {job_id} still running after {seconds} s")


def _corpus_files(corpus: Path) -> list[str]:
    return sorted(p.name for p in corpus.iterdir() if p.is_file())


def test_documents_list_what_was_read_and_a_report_has_a_goal_tree(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    client, _ = _serve(tmp_path, monkeypatch)
    with client:
        (doc,) = client.get("/api/documents").json()
        assert doc["goals"] > 10 and doc["indicators"] > 10 and doc["activities"] > 0
        assert doc["budget_lines"] > 0
        assert isinstance(doc["problems"], list)
        tree = client.get(f"/api/documents/{doc['id']}/goals").json()
        assert [n["level"] for n in tree] == ["inriktningsmal"] * len(tree) and len(tree) >= 3
        first = tree[0]
        assert first["number"] == "1" and first["page"] >= 1
        child = first["children"][0]
        assert child["level"] == "verksamhetsomradesmal" and child["number"].startswith("1.")
        assert child["page"] >= first["page"]
        assert client.get("/api/documents/nope/goals").status_code == 404


def test_an_uploaded_report_is_indexed_in_the_background_and_becomes_searchable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    client, corpus = _serve(tmp_path, monkeypatch, encoder=SlowEncoder())
    text = report_text("Verksamhetsplan 2025 för Spånga-Tensta stadsdelsnämnd", "Kolonilotterna")
    with client:
        before = client.get("/health").json()["build"]
        answer = client.post(
            "/api/documents",
            headers=AUTH,
            files=[
                ("files", ("spanga-tensta_2025_verksamhetsplan.txt", text.encode(), "text/plain"))
            ],
        )
        assert answer.status_code == 202, answer.text
        body = answer.json()
        assert body["saved"] == ["spanga-tensta_2025_verksamhetsplan.txt"] and body["refused"] == []
        assert body["job"]["state"] in ("queued", "reading", "embedding", "writing", "done")
        searched: list[int] = []
        while client.get(f"/api/jobs/{body['job']['id']}").json()["state"] not in (
            "done",
            "failed",
        ):
            searched.append(client.get("/api/search", params={"q": "budget"}).status_code)
        job = _wait(client, body["job"]["id"])
        assert job["state"] == "done" and job["searchable"], job
        assert job["files_done"] == job["files_total"] == 2 and job["pages_done"] >= 1
        assert job["chunks_total"] >= 1 and job["chunks_done"] == job["chunks_total"]
        assert set(searched) <= {200}
        assert client.get("/health").json()["build"] not in (before, None)
        hits = client.get("/api/search", params={"q": "kolonilotterna"}).json()["hits"]
        assert hits and hits[0]["doc_id"] == "spanga-tensta-2025-verksamhetsplan"
        assert "spanga-tensta_2025_verksamhetsplan.txt" in _corpus_files(corpus)
        assert not any((corpus / ".incoming").iterdir())


@pytest.mark.parametrize(
    ("name", "content", "problem"),
    [
        ("trasig.pdf", b"%PDF-1.4\n1 0 obj << /Type /Catalog >>\ntrailer garbage", "corrupt"),
        ("tom.pdf", b"", "empty file"),
        ("../utanfor.pdf", text_pdf([["Verksamhetsplan 2025"]]), "plain name"),
        ("mapp/rapport.txt", b"Verksamhetsplan 2025 med text.", "plain name"),
        ("bild.png", b"\x89PNG\r\n", "unsupported file type"),
        ("binar.txt", b"\x00\x01\x02\xff" * 100, "not UTF-8"),
        ("stor.txt", b"Text om budgeten. " * 400, "too large"),
        ("hasselby-kopia.pdf", (CORPUS / FILES[VP21]).read_bytes(), "same content as"),
        (
            FILES[VP21],
            text_pdf([["Verksamhetsplan 2021, en annan text"]]),
            "already in the library",
        ),
    ],
    ids=lambda value: value if isinstance(value, str) and len(value) < 40 else "",
)
def test_a_bad_upload_is_refused_naming_the_file_and_nothing_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, content: bytes, problem: str
) -> None:
    limit = {"max_upload_bytes": 4096} if problem == "too large" else {}
    client, corpus = _serve(tmp_path, monkeypatch, **limit)
    with client:
        files_before, build = _corpus_files(corpus), client.get("/health").json()["build"]
        answer = client.post("/api/documents", headers=AUTH, files=[("files", (name, content))])
        assert answer.status_code == 400, answer.text
        error = answer.json()
        assert error["status"] == 400 and problem in error["error"]
        assert name.rsplit("/", 1)[-1][:12] in error["error"]
        assert _corpus_files(corpus) == files_before
        assert client.get("/api/jobs").json() == []
        assert client.get("/health").json()["build"] == build


def test_an_encrypted_upload_is_refused_and_a_good_file_beside_it_is_saved(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    client, corpus = _serve(tmp_path, monkeypatch)
    locked = encrypted_pdf(text_pdf([["Verksamhetsplan 2025", "Hemlig text."]]), "hemligt")
    good = report_text("Verksamhetsplan 2025 för Skarpnäcks stadsdelsnämnd", "Badplatserna")
    with client:
        answer = client.post(
            "/api/documents",
            headers=AUTH,
            files=[
                ("files", ("krypterad.pdf", locked, "application/pdf")),
                ("files", ("skarpnack_2025_verksamhetsplan.txt", good.encode(), "text/plain")),
            ],
        )
        assert answer.status_code == 202, answer.text
        body = answer.json()
        assert body["saved"] == ["skarpnack_2025_verksamhetsplan.txt"]
        assert body["refused"][0]["file"] == "krypterad.pdf"
        assert "encrypted" in body["refused"][0]["problem"]
        assert _wait(client, body["job"]["id"])["state"] == "done"
        assert "krypterad.pdf" not in _corpus_files(corpus)


def test_uploads_and_removals_need_the_admin_token(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    client, corpus = _serve(tmp_path, monkeypatch)
    upload = [("files", ("a.txt", report_text("Verksamhetsplan 2025", "Parkerna").encode()))]
    with client:
        assert client.post("/api/documents", files=upload).status_code == 401
        wrong = {"authorization": "Bearer nope"}
        assert client.post("/api/documents", files=upload, headers=wrong).status_code == 401
        doc_id = client.get("/api/documents").json()[0]["id"]
        assert client.delete(f"/api/documents/{doc_id}").status_code == 401
        assert _corpus_files(corpus) == [FILES[VP21]]
    closed = TestClient(
        create_app(
            client.app.state.settings.model_copy(update={"admin_token": None}),  # type: ignore[attr-defined]
            engine=client.app.state.engine,  # type: ignore[attr-defined]
        ),
        raise_server_exceptions=False,
    )
    with closed:
        assert closed.post("/api/documents", files=upload, headers=AUTH).status_code == 403


def test_a_removed_report_leaves_search_and_its_file_is_moved_aside(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    client, corpus = _serve(tmp_path, monkeypatch)
    (corpus / "b.txt").write_text(
        report_text("Verksamhetsplan 2025 för Skarpnäcks stadsdelsnämnd", "Badplatserna"),
        encoding="utf-8",
    )
    build_fake_index(corpus, tmp_path / "index")
    with client:
        client.app.state.engine.reload_if_changed()  # type: ignore[attr-defined]
        doc_id = next(d["id"] for d in client.get("/api/documents").json() if d["name"] == "b.txt")
        answer = client.delete(f"/api/documents/{doc_id}", headers=AUTH)
        assert answer.status_code == 202, answer.text
        body = answer.json()
        assert body["removed"] == "b.txt" and body["moved_to"].startswith(".removed/")
        assert _wait(client, body["job"]["id"])["state"] == "done"
        assert [d["name"] for d in client.get("/api/documents").json()] == [FILES[VP21]]
        assert (corpus / body["moved_to"]).read_text(encoding="utf-8").startswith("Verksamhetsplan")
        assert "b.txt" not in _corpus_files(corpus)
        assert client.delete(f"/api/documents/{doc_id}", headers=AUTH).status_code == 404
        assert client.get("/api/jobs/unknown").status_code == 404


def test_a_second_upload_waits_for_the_build_before_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    client, _ = _serve(tmp_path, monkeypatch, encoder=SlowEncoder())
    with client:
        ids = []
        for k, topic in enumerate(("Parkerna", "Biblioteken")):
            text = report_text(f"Verksamhetsplan 202{k + 5} för Skarpnäcks stadsdelsnämnd", topic)
            answer = client.post(
                "/api/documents", headers=AUTH, files=[("files", (f"plan{k}.txt", text.encode()))]
            )
            ids.append(answer.json()["job"]["id"])
        second = client.get(f"/api/jobs/{ids[1]}").json()
        assert second["state"] in ("queued", "done")
        first, second = _wait(client, ids[0]), _wait(client, ids[1])
        assert first["state"] == second["state"] == "done"
        assert first["finished_at"] <= second["started_at"]
        names = {d["name"] for d in client.get("/api/documents").json()}
        assert {"plan0.txt", "plan1.txt"} <= names


def test_a_job_estimates_its_rate_and_the_time_left() -> None:
    job = Job(kind="add", files=["a.pdf", "b.pdf"])
    assert job.snapshot()["state"] == "queued" and job.snapshot()["seconds_left"] is None
    job.start()
    time.sleep(0.02)
    job.update(BuildProgress("reading", files_done=1, files_total=2, pages_done=40))
    reading = job.snapshot()
    assert reading["state"] == "reading" and "1 of 2" in reading["message"]
    assert reading["pages_per_second"] > 0 and reading["seconds_left"] > 0
    job.update(BuildProgress("embedding", 2, 2, 80, texts_done=0, texts_total=100))
    time.sleep(0.2)
    job.update(BuildProgress("embedding", 2, 2, 80, texts_done=50, texts_total=100))
    embedding = job.snapshot()
    assert embedding["chunks_done"] == 50 and embedding["seconds_left"] > 0


def test_the_worker_keeps_going_after_a_failed_build(tmp_path: Path) -> None:
    from service.library.jobs import BuildQueue

    calls: list[str] = []
    done = threading.Event()

    def run(job: Job) -> Any:
        calls.append(job.files[0])
        if job.files[0] == "bad":
            raise RuntimeError("disk full")
        done.set()
        return None, None, True

    builds = BuildQueue(run)
    bad, good = builds.submit("add", ["bad"]), builds.submit("add", ["good"])
    assert done.wait(5)
    deadline = time.monotonic() + 5
    while good.snapshot()["state"] != "done" and time.monotonic() < deadline:
        time.sleep(0.01)
    assert bad.snapshot()["state"] == "failed" and "disk full" in bad.snapshot()["message"]
    assert good.snapshot()["state"] == "done" and calls == ["bad", "good"]
