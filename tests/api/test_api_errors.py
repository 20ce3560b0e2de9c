"""Hostile and broken requests: one JSON error shape, no file outside the corpus, limits, access.

The app runs in-process over a small index built with the fake encoder. Paths that a client
library would normalise are sent as raw ASGI requests, the way uvicorn passes them on.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import re
from collections.abc import Iterator, Mapping, MutableMapping
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import unquote

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import SecretStr

from service import cli
from service.api.app import create_app
from service.engine import Engine
from service.settings import Settings, get_settings
from tests.support.corpora import VP21
from tests.support.fakes import (
    FakeEncoder,
    OneReport,
    build_fake_index,
    fake_settings,
    report_text,
    use_fake_encoder,
)

DOC_ID = VP21
PLAN_TITLE = "Verksamhetsplan 2023 för Hässelby-Vällingby stadsdelsnämnd"
SECRET = "TOPSECRET-do-not-serve"
ADMIN_TOKEN = "admin-7f3c9a1e5b2d"
READ_TOKEN = "reader-0d4e8b6a2c1f"


class Response(Protocol):
    """What the tests read from an HTTP response (the test client's and httpx's alike)."""

    @property
    def status_code(self) -> int: ...
    @property
    def headers(self) -> Mapping[str, str]: ...
    @property
    def text(self) -> str: ...
    def json(self) -> Any: ...


@dataclass
class Served:
    root: Path
    corpus: Path
    settings: Settings
    engine: Engine


@pytest.fixture(scope="module")
def served(one_report: OneReport) -> Iterator[Served]:
    """One real report indexed with the fake encoder, and a secret file next to the corpus."""
    root, corpus, settings = one_report.root, one_report.corpus, one_report.settings
    (root / "secret.txt").write_text(SECRET, encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        use_fake_encoder(patch, FakeEncoder())
        yield Served(root, corpus, settings, Engine(settings))


def one_plan(
    tmp_path: Path, name: str, monkeypatch: pytest.MonkeyPatch, **changes: Any
) -> tuple[Path, Settings]:
    """A made-up plan indexed with the fake encoder in tmp_path: its corpus and settings."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / name).write_text(report_text(PLAN_TITLE, "Parkerna"), encoding="utf-8")
    build_fake_index(corpus, tmp_path / "index")
    use_fake_encoder(monkeypatch, FakeEncoder())
    return corpus, fake_settings(tmp_path, **changes)


def client_for(served: Served, **changes: Any) -> TestClient:
    settings = served.settings.model_copy(update=changes)
    return TestClient(create_app(settings, engine=served.engine), raise_server_exceptions=False)


@pytest.fixture(scope="module")
def client(served: Served) -> Iterator[TestClient]:
    with client_for(served) as test_client:
        yield test_client


def assert_error(response: Response, status: int | None = None) -> dict[str, Any]:
    """A 4xx in the one error shape, without a traceback."""
    assert "Traceback" not in response.text
    assert 400 <= response.status_code < 500, (response.status_code, response.text[:300])
    if status is not None:
        assert response.status_code == status, response.text[:300]
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error", "status"}, body
    assert body["status"] == response.status_code
    assert isinstance(body["error"], str) and body["error"].strip()
    return body


# ----------------------------------------------------------------------------- bad input

SEARCH_ERRORS: list[tuple[dict[str, Any], int, str]] = [
    ({}, 422, r"^q: required"),
    ({"q": ""}, 422, r"^q: the question is empty"),
    ({"q": "   \t  "}, 422, r"^q: the question is empty"),
    ({"q": "?!… –"}, 422, r"^q: the question has no words"),
    ({"q": "ö" * 501}, 422, r"^q: the question is 501 characters; at most 500"),
    ({"q": "budget", "k": 0}, 422, r"^k: "),
    ({"q": "budget", "k": 10000}, 422, r"^k: "),
    ({"q": "budget", "k": "many"}, 422, r"^k: "),
    ({"q": "budget", "year": "abc"}, 422, r"^year: "),
    ({"q": "budget", "year": 1200}, 422, r"^year: "),
    ({"q": "budget", "year": 2019}, 400, r"^year: no reports from 2019 in the index; known: 2021"),
    ({"q": "budget", "district": "Atlantis"}, 400, r"^district: unknown value 'Atlantis'"),
    ({"q": "budget", "doc_type": "roman"}, 400, r"^doc_type: unknown value 'roman'"),
    ({"q": "budget", "unit": "Okänd enhet"}, 400, r"^unit: unknown value 'Okänd enhet'"),
    ({"q": "budget", "goal": "abc"}, 422, r"^goal: 'abc' is not a goal number"),
    ({"q": "budget", "goal": "1" * 30}, 422, r"^goal: "),
    ({"q": "budget", "nofilter": "bogus"}, 422, r"^nofilter: unknown filter name"),
]


@pytest.mark.parametrize(("params", "status", "message"), SEARCH_ERRORS)
def test_search_rejects_bad_input(
    client: TestClient, params: dict[str, Any], status: int, message: str
) -> None:
    body = assert_error(client.get("/api/search", params=params), status)
    assert re.search(message, body["error"]), body


ASK_ERRORS: list[tuple[object, int, str]] = [
    ({}, 422, r"^question: required"),
    ({"question": ""}, 422, r"^question: "),
    ({"question": "   "}, 422, r"the question is empty"),
    ({"question": "x" * 2_000}, 422, r"the question is 2000 characters; at most 500"),
    ({"question": "x" * 100_000}, 413, r"request body is \d+ bytes; at most 65536"),
    ({"question": 5}, 422, r"^question: "),
    ({"question": "budget", "filters": {"year": "abc"}}, 422, r"^filters\.year: "),
    ({"question": "budget", "filters": {"district": "Atlantis"}}, 400, r"^district: unknown"),
    ({"question": "budget", "filters": {"goal": "../etc"}}, 422, r"^goal: "),
    ({"question": "budget", "filters": {"colour": "red"}}, 422, r"^filters\.colour: "),
    ({"question": "budget", "disable": ["everything"]}, 422, r"unknown filter name"),
    ({"question": "budget", "extra": True}, 422, r"^extra: "),
    ([], 422, r"valid dictionary"),
    (None, 422, r""),
]


@pytest.mark.parametrize(("payload", "status", "message"), ASK_ERRORS)
def test_ask_rejects_bad_input(
    client: TestClient, payload: object, status: int, message: str
) -> None:
    body = assert_error(client.post("/api/ask", json=payload), status)
    assert re.search(message, body["error"]), body


@pytest.mark.parametrize(
    "raw",
    [b"{", b"\xff\xfe\x00", b'{"question": "budget",}', b"question=budget"],
)
def test_ask_rejects_malformed_bodies(client: TestClient, raw: bytes) -> None:
    headers = {"content-type": "application/json"}
    assert_error(client.post("/api/ask", content=raw, headers=headers))


def test_a_100_kb_query_is_refused(served: Served) -> None:
    app = create_app(served.settings, engine=served.engine)
    query = b"q=" + b"f%C3%B6rskolan+" * 7_000
    status, headers, body = asyncio.run(raw_get(app, b"/api/search", query))
    assert status == 414 and headers["content-type"] == "application/json"
    assert json.loads(body) == {
        "error": f"request URL is {len(query) + 11} bytes; at most 8192",
        "status": 414,
    }


def test_every_endpoint_answers_errors_in_one_shape(client: TestClient) -> None:
    """Each operation of the OpenAPI schema, called wrongly: bad ids, no input, wrong method."""
    paths: dict[str, dict[str, Any]] = client.get("/openapi.json").json()["paths"]
    assert paths
    for path, operations in paths.items():
        url = re.sub(r"\{[^}]+\}", "..%2F..%2Fetc%2Fpasswd", path)
        for method in operations:
            response = client.request(method.upper(), url)
            assert response.status_code < 500, (method, url, response.text[:300])
            if response.status_code >= 400:
                assert_error(response)
        allowed = {m.upper() for m in operations}
        wrong = next(m for m in ("DELETE", "PUT", "PATCH") if m not in allowed)
        # A decoded %2F leaves no route to match (404); on the route itself the method is 405.
        assert_error(client.request(wrong, url))
        assert_error(client.request(wrong, path.replace("{doc_id}", DOC_ID)), 405)
    assert_error(client.get("/api/no-such-endpoint"), 404)
    assert_error(client.get("/no-such-page.html"), 404)


def test_the_service_keeps_serving_after_bad_input(client: TestClient) -> None:
    for params, _, _ in SEARCH_ERRORS:
        client.get("/api/search", params=params)
    for payload, _, _ in ASK_ERRORS:
        client.post("/api/ask", json=payload)
    found = client.get("/api/search", params={"q": "ekonomisk hushållning budget", "k": 3})
    assert found.status_code == 200 and found.json()["hits"]
    answer = client.post("/api/ask", json={"question": "Vad gör förskolan?"})
    assert answer.status_code == 200 and set(answer.json()) >= {"answer", "citations"}


# ----------------------------------------------------------------------------- traversal


async def raw_get(
    app: FastAPI, raw_path: bytes, query: bytes = b""
) -> tuple[int, dict[str, str], bytes]:
    """A GET with the path exactly as sent on the wire (uvicorn only percent-decodes it)."""
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": unquote(raw_path.decode("latin-1")),
        "raw_path": raw_path,
        "query_string": query,
        "root_path": "",
        "headers": [(b"host", b"testserver")],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }
    sent: list[MutableMapping[str, Any]] = []

    async def receive() -> MutableMapping[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: MutableMapping[str, Any]) -> None:
        sent.append(message)

    await app(scope, receive, send)
    start = next(m for m in sent if m["type"] == "http.response.start")
    headers = {k.decode().lower(): v.decode() for k, v in start["headers"]}
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return start["status"], headers, body


TRAVERSALS = [
    "/api/documents/..%2F..%2F..%2F..%2Fetc%2Fpasswd/pdf",
    "/api/documents/..%2F..%2F..%2F..%2Fetc%2Fpasswd",
    "/api/documents/%2e%2e%2f%2e%2e%2fsecret.txt/pdf",
    "/api/documents/%2e%2e/pdf",
    "/api/documents/../../../../etc/passwd",
    "/api/documents/../../secret.txt",
    "/api/documents/%2Fetc%2Fpasswd/pdf",
    "/api/documents//etc/passwd/pdf",
    "/api/documents/%252e%252e%252f%252e%252e%252fetc%252fpasswd/pdf",
    "/api/documents/..%5c..%5csecret.txt/pdf",
    "/api/documents/..%c0%af..%c0%afetc%c0%afpasswd/pdf",
    f"/api/documents/{DOC_ID}%00.pdf/pdf",
    f"/api/documents/{DOC_ID}/../../../secret.txt",
    f"/api/documents/{DOC_ID}%2F..%2F..%2Fsecret.txt/pdf",
    "/api/documents/no-such-report/pdf",
    "/api/documents/%20/pdf",
    "/../../../../etc/passwd",
    "/..%2F..%2F..%2F..%2Fetc%2Fpasswd",
    "/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "/..%2fsecret.txt",
    "/%2Fetc%2Fpasswd",
    "/static/../../../../etc/passwd",
]


@pytest.mark.parametrize("raw", TRAVERSALS)
def test_no_path_serves_a_file_outside_the_corpus(served: Served, raw: str) -> None:
    app = create_app(served.settings, engine=served.engine)
    status, headers, body = asyncio.run(raw_get(app, raw.encode()))
    assert status in (400, 404, 405), (status, body[:200])
    assert b"root:" not in body and SECRET.encode() not in body
    assert headers["content-type"].startswith("application/json")
    assert b"Traceback" not in body


def test_the_real_document_is_served(client: TestClient) -> None:
    response = client.get(f"/api/documents/{DOC_ID}/pdf")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_a_corpus_file_swapped_for_a_symlink_is_not_followed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus, settings = one_plan(tmp_path, "plan.txt", monkeypatch)
    with TestClient(create_app(settings, engine=Engine(settings))) as local:
        assert local.get("/api/documents/plan/pdf").status_code == 200
        secret = tmp_path / "secret.txt"
        secret.write_text(SECRET, encoding="utf-8")
        (corpus / "plan.txt").unlink()
        (corpus / "plan.txt").symlink_to(secret)
        response = local.get("/api/documents/plan/pdf")
        assert SECRET not in response.text
        assert_error(response, 404)


# ----------------------------------------------------------------------------- limits


def test_a_big_body_gets_413(client: TestClient) -> None:
    body = assert_error(client.post("/api/ask", content=b"x" * 70_000), 413)
    assert "at most 65536" in body["error"]


def test_a_big_chunked_body_without_length_gets_413(client: TestClient) -> None:
    def chunks() -> Iterator[bytes]:
        for _ in range(20):
            yield b'{"question": "' + b"x" * 8_000

    response = client.post(
        "/api/ask", content=chunks(), headers={"content-type": "application/json"}
    )
    body = assert_error(response, 413)
    assert "over 65536 bytes" in body["error"]


def test_a_long_url_gets_414(client: TestClient) -> None:
    body = assert_error(client.get("/api/search", params={"q": "a" * 9_000}), 414)
    assert "at most 8192" in body["error"]
    assert_error(client.get("/" + "a" * 9_000), 414)


def test_the_rate_limit_answers_429_with_retry_after(served: Served) -> None:
    with client_for(served, rate_limit_per_minute=5) as limited:
        codes = [limited.get("/api/facets").status_code for _ in range(5)]
        assert codes == [200] * 5
        refused = limited.get("/api/search", params={"q": "budget"})
        body = assert_error(refused, 429)
        assert body["error"].startswith("too many requests")
        assert int(refused.headers["retry-after"]) >= 1
        assert limited.get("/health").status_code == 200


# ----------------------------------------------------------------------------- access


def test_admin_reload_is_closed_without_a_configured_token(client: TestClient) -> None:
    body = assert_error(client.post("/api/admin/reload"), 403)
    assert "RAPPORTSOK_ADMIN_TOKEN" in body["error"]
    assert_error(client.post("/api/admin/reload", headers={"authorization": "Bearer x"}), 403)


def test_admin_reload_needs_the_right_token(
    served: Served, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    compared: list[tuple[bytes, bytes]] = []
    original = hmac.compare_digest

    def spy(a: bytes, b: bytes) -> bool:
        compared.append((a, b))
        return original(a, b)

    monkeypatch.setattr("service.api.security.hmac.compare_digest", spy)
    caplog.set_level(logging.DEBUG)
    with client_for(served, admin_token=SecretStr(ADMIN_TOKEN)) as admin:
        assert_error(admin.post("/api/admin/reload"), 401)
        for header in ("Bearer wrong", f"Basic {ADMIN_TOKEN}", f"Bearer {ADMIN_TOKEN}x", "Bearer"):
            assert_error(admin.post("/api/admin/reload", headers={"authorization": header}), 401)
        ok = admin.post("/api/admin/reload", headers={"authorization": f"Bearer {ADMIN_TOKEN}"})
        assert ok.status_code == 200
        assert ok.json() == {"reloaded": False, "build": served.engine.snapshot.build.name}
        assert_error(admin.get("/api/admin/reload"))
    assert (ADMIN_TOKEN.encode(), ADMIN_TOKEN.encode()) in compared
    assert ADMIN_TOKEN not in caplog.text


def test_admin_reload_loads_a_new_build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    corpus, settings = one_plan(tmp_path, "a.txt", monkeypatch, admin_token=SecretStr(ADMIN_TOKEN))
    auth = {"authorization": f"Bearer {ADMIN_TOKEN}"}
    with TestClient(create_app(settings, engine=Engine(settings))) as admin:
        (corpus / "b.txt").write_text(report_text(PLAN_TITLE, "Biblioteket"), encoding="utf-8")
        new = build_fake_index(corpus, tmp_path / "index").build
        assert admin.post("/api/admin/reload", headers=auth).json() == {
            "reloaded": True,
            "build": new,
        }
        assert admin.get("/health").json()["build"] == new
        assert admin.get("/health").json()["documents"] == 2


def test_a_read_token_guards_the_api_when_configured(
    served: Served, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    with client_for(served, read_token=SecretStr(READ_TOKEN)) as guarded:
        for url in (
            "/api/search?q=budget",
            "/api/facets",
            "/api/documents",
            f"/api/documents/{DOC_ID}",
        ):
            assert_error(guarded.get(url), 401)
            assert_error(guarded.get(url, headers={"authorization": "Bearer nope"}), 401)
            ok = guarded.get(url, headers={"authorization": f"Bearer {READ_TOKEN}"})
            assert ok.status_code == 200, url
        assert_error(guarded.post("/api/ask", json={"question": "budget"}), 401)
        assert guarded.get("/health").status_code == 200
    assert READ_TOKEN not in caplog.text


def test_reads_are_open_without_a_read_token(client: TestClient) -> None:
    for url in ("/api/search?q=budget", "/api/facets", "/api/documents", "/health"):
        assert client.get(url).status_code == 200, url


def test_the_service_binds_to_loopback_unless_told_otherwise(
    served: Served, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("RAPPORTSOK_HOST", "RAPPORTSOK_PORT"):
        monkeypatch.delenv(name, raising=False)
    assert Settings().host == "127.0.0.1"
    bound: list[str] = []

    def fake_run(app: FastAPI, host: str, port: int, **_: Any) -> None:
        bound.append(host)

    monkeypatch.setattr("uvicorn.run", fake_run)
    monkeypatch.setenv("RAPPORTSOK_INDEX_DIR", str(served.settings.index_dir))
    monkeypatch.setenv("RAPPORTSOK_MODEL", served.settings.model)
    if served.settings.store:
        monkeypatch.setenv("RAPPORTSOK_STORE", served.settings.store)
    for env, argv, expected in (
        (None, ["serve"], "127.0.0.1"),
        ("0.0.0.0", ["serve"], "0.0.0.0"),
        (None, ["serve", "--host", "10.1.2.3"], "10.1.2.3"),
    ):
        if env:
            monkeypatch.setenv("RAPPORTSOK_HOST", env)
        else:
            monkeypatch.delenv("RAPPORTSOK_HOST", raising=False)
        get_settings.cache_clear()
        try:
            assert cli.main(argv) == 0
        finally:
            get_settings.cache_clear()
        assert bound[-1] == expected


# ----------------------------------------------------------------------------- headers


class _Scripts(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.inline: list[str] = []
        self.handlers: list[str] = []
        self._in_script = False
        self._src = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handlers += [name for name, _ in attrs if name.lower().startswith("on")]
        if tag == "script":
            self._in_script = True
            self._src = any(name == "src" for name, _ in attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.inline.append(data.strip()[:80])


def assert_security_headers(response: Response) -> None:
    csp = response.headers["content-security-policy"]
    script_src = next(p for p in csp.split(";") if p.strip().startswith("script-src"))
    assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src
    assert "frame-ancestors 'none'" in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"


def test_security_headers_on_the_page_and_the_api(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    for response in (
        page,
        client.get("/api/search", params={"q": "budget"}),
        client.get("/api/search", params={"q": ""}),
        client.get("/api/search", params={"q": "a" * 9_000}),
        client.post("/api/ask", content=b"x" * 70_000),
        client.get("/health"),
    ):
        assert_security_headers(response)


def test_the_page_has_no_inline_scripts(client: TestClient) -> None:
    parser = _Scripts()
    parser.feed(client.get("/").text)
    assert parser.inline == [] and parser.handlers == []


def test_cors_is_closed_unless_configured(client: TestClient, served: Served) -> None:
    preflight = {"origin": "https://evil.example", "access-control-request-method": "GET"}
    closed = client.options("/api/search", headers=preflight)
    assert "access-control-allow-origin" not in closed.headers
    plain = client.get(
        "/api/search", params={"q": "budget"}, headers={"origin": "https://evil.example"}
    )
    assert "access-control-allow-origin" not in plain.headers

    trusted = "https://intranat.stockholm.se"
    with client_for(served, cors_origins=[trusted]) as open_client:
        allowed = open_client.options("/api/search", headers={**preflight, "origin": trusted})
        assert allowed.headers["access-control-allow-origin"] == trusted
        other = open_client.get(
            "/api/search", params={"q": "budget"}, headers={"origin": "https://evil.example"}
        )
        assert "access-control-allow-origin" not in other.headers


# ----------------------------------------------------------------------------- the CLI


@pytest.fixture
def cli_env(served: Served, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The CLI reading the same index and model as the served app."""
    monkeypatch.setenv("RAPPORTSOK_INDEX_DIR", str(served.settings.index_dir))
    monkeypatch.setenv("RAPPORTSOK_MODEL", served.settings.model)
    if served.settings.store:
        monkeypatch.setenv("RAPPORTSOK_STORE", served.settings.store)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


CLI_REFUSALS: list[tuple[list[str], dict[str, Any], int]] = [
    (
        ["search", "placering", "--district", "Atlantis"],
        {"q": "placering", "district": "Atlantis"},
        400,
    ),
    (["search", "placering", "--year", "2019"], {"q": "placering", "year": 2019}, 400),
    (["search", "placering", "--doc-type", "roman"], {"q": "placering", "doc_type": "roman"}, 400),
    (["search", "placering", "--goal", "abc"], {"q": "placering", "goal": "abc"}, 422),
    (["search", "   "], {"q": "   "}, 422),
    (["search", "?!… –"], {"q": "?!… –"}, 422),
    (["ask", "placering", "--unit", "Okänd enhet"], {"q": "placering", "unit": "Okänd enhet"}, 400),
]


@pytest.mark.parametrize(("argv", "params", "status"), CLI_REFUSALS)
@pytest.mark.usefixtures("cli_env")
def test_the_cli_refuses_what_the_api_refuses_with_the_same_message(
    client: TestClient,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    params: dict[str, Any],
    status: int,
) -> None:
    expected = assert_error(client.get("/api/search", params=params), status)["error"]
    assert cli.main(argv) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err == f"rapportsok: {expected}\n"


@pytest.mark.usefixtures("cli_env")
def test_the_cli_prints_the_api_json(
    client: TestClient, capsys: pytest.CaptureFixture[str]
) -> None:
    params = {"q": "ekonomisk hushållning budget", "k": 3}
    assert cli.main(["search", str(params["q"]), "--k", "3", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == client.get("/api/search", params=params).json()
    assert cli.main(["ask", "Vad gör förskolan?", "--json"]) == 0
    answer = client.post("/api/ask", json={"question": "Vad gör förskolan?"}).json()
    assert json.loads(capsys.readouterr().out) == answer


@pytest.mark.usefixtures("cli_env")
def test_the_cli_prints_hits_and_answers_for_a_terminal(
    client: TestClient, capsys: pytest.CaptureFixture[str]
) -> None:
    hits = client.get("/api/search", params={"q": "ekonomisk hushållning budget", "k": 2}).json()
    assert cli.main(["search", "ekonomisk hushållning budget", "--k", "2"]) == 0
    out = capsys.readouterr().out
    assert f"[1] {hits['hits'][0]['score']:.3f} {hits['hits'][0]['title']}" in out
    assert "Inga träffar" not in out
    answer = client.post("/api/ask", json={"question": "Vad gör förskolan?"}).json()
    assert cli.main(["ask", "Vad gör förskolan?"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == answer["answer"].splitlines()[0]
    assert len([line for line in lines if line.startswith("  [")]) == len(answer["citations"])


# ----------------------------------------------------------------------------- the schema


def operations(client: TestClient) -> dict[str, dict[str, Any]]:
    paths: dict[str, dict[str, Any]] = client.get("/openapi.json").json()["paths"]
    return {f"{m.upper()} {p}": op for p, ops in paths.items() for m, op in ops.items()}


def parameter(operation: dict[str, Any], name: str) -> dict[str, Any]:
    found: dict[str, Any] = next(p for p in operation["parameters"] if p["name"] == name)
    return found


def test_the_schema_lists_the_values_the_index_holds(client: TestClient) -> None:
    facets = client.get("/api/facets").json()
    search = operations(client)["GET /api/search"]
    assert parameter(search, "district")["schema"]["enum"] == facets["districts"]
    assert parameter(search, "year")["schema"]["enum"] == facets["years"]
    assert parameter(search, "doc_type")["schema"]["enum"] == [
        *facets["doc_types"],
        "tertialrapport",
    ]
    for path in ("/api/indicators", "/api/goals", "/api/budget"):
        district = parameter(operations(client)[f"GET {path}"], "district")
        assert district["schema"]["enum"] == facets["districts"]
    # This index has no units: a unit filter can only be refused, so it is not offered.
    assert facets["units"] == []
    assert "unit" not in {p["name"] for p in search["parameters"]}


def test_the_schema_states_the_checks_on_the_question(client: TestClient) -> None:
    q = parameter(operations(client)["GET /api/search"], "q")["schema"]
    assert q["minLength"] == 1 and q["maxLength"] == 500
    # the pattern means "has a letter or digit" in ECMA-262 as in Python: Swedish letters too
    assert re.search(q["pattern"], "Åå?") and not re.search(q["pattern"], "?!… –")
    components = client.get("/openapi.json").json()["components"]["schemas"]
    assert components["AskIn"]["properties"]["question"]["maxLength"] == 500
    goal = parameter(operations(client)["GET /api/search"], "goal")["schema"]
    pattern = next(o["pattern"] for o in goal["anyOf"] if o.get("type") == "string")
    assert re.search(pattern, " 1.3.2 ") and not re.search(pattern, "abc")


def test_every_refusal_a_route_can_give_is_documented_in_the_error_shape(
    client: TestClient,
) -> None:
    found = operations(client)
    expected = {
        "GET /api/search": {"400", "414", "422", "429"},
        "POST /api/ask": {"400", "413", "414", "422", "429"},
        "GET /api/documents/{doc_id}": {"404", "414", "422", "429"},
        "GET /api/documents/{doc_id}/pdf": {"404", "414", "422", "429"},
        "GET /api/goals": {"400", "414", "422", "429"},
        "POST /api/admin/reload": {"403", "413", "414", "429"},
        "GET /health": {"414"},
    }
    for name, codes in expected.items():
        responses = found[name]["responses"]
        assert codes <= set(responses), (name, set(responses))
        for code in codes:
            schema = responses[code]["content"]["application/json"]["schema"]
            assert schema == {"$ref": "#/components/schemas/ErrorBody"}, (name, code)
    assert not any("401" in op["responses"] for op in found.values())


def test_401_is_documented_when_a_token_is_required(served: Served) -> None:
    with client_for(served, read_token=SecretStr(READ_TOKEN)) as guarded:
        found = operations(guarded)
    assert all("401" in op["responses"] for name, op in found.items() if " /api/" in name)


def test_a_method_a_route_does_not_allow_gets_405_with_allow(client: TestClient) -> None:
    paths: dict[str, dict[str, Any]] = client.get("/openapi.json").json()["paths"]
    for path, methods in paths.items():
        url = path.replace("{doc_id}", DOC_ID)
        for wrong in ("TRACE", "OPTIONS", "PUT"):
            response = client.request(wrong, url)
            assert_error(response, 405)
            allowed = {m.strip().lower() for m in response.headers["allow"].split(",")}
            assert allowed - {"head"} == set(methods), (wrong, path, allowed)


def test_facets_give_the_report_type_labels_in_the_order_of_a_year(client: TestClient) -> None:
    labels = client.get("/api/facets").json()["doc_type_labels"]
    assert [label["code"] for label in labels] == [
        "verksamhetsplan",
        "tertialrapport-1",
        "tertialrapport-2",
        "tertialrapport",
        "verksamhetsberattelse",
    ]
    assert labels[1] == {
        "code": "tertialrapport-1",
        "name": "Tertialrapport 1",
        "short": "T1",
        "covers": ["tertialrapport-1"],
    }
    assert labels[3]["covers"] == ["tertialrapport-1", "tertialrapport-2"]


def test_without_the_thesaurus_expansion_is_off_and_health_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, settings = one_plan(tmp_path, "plan.txt", monkeypatch, thesaurus=tmp_path / "none.dat")
    with TestClient(create_app(settings, engine=Engine(settings))) as local:
        words = local.get("/health").json()["everyday_words"]
        assert words["available"] is False
        assert "none.dat" in words["message"] and "mythes-sv" in words["message"]
        body = local.post("/api/ask", json={"question": "Hur ser det ut i parkerna?"}).json()
        assert set(body) >= {"answered", "message", "related", "tables"}
