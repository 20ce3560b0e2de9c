"""Test doubles: a tiny deterministic encoder, a model folder naming it, and made-up reports.

The fake encoder hashes words into a small vector, so texts sharing words get similar vectors
and a build of a few reports takes about a second. It is for fast unit tests only; the slow
tests use the real model.
"""

from __future__ import annotations

import json
import re
import shutil
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import service.engine
import service.search.runtime
from indexer.pipeline import BuildReport, ModelInfo, build_index
from service.settings import Settings
from tests.support.corpora import CORPUS, FILES, REPO, VP21

FAKE_NAME = "fake-hash-encoder"
FAKE_MODEL_ID = "fake-hash-encoder-v1"
FAKE_DIMENSION = 64
WORD = re.compile(r"\w+")
MAX_WORDS = 300


class FakeEncoder:
    """Deterministic hashed bag of words; counts what it is asked to embed."""

    name = FAKE_NAME
    model_id = FAKE_MODEL_ID
    dimension = FAKE_DIMENSION

    def __init__(self) -> None:
        self.document_calls = 0
        self.documents_embedded: list[str] = []
        self.query_calls = 0

    def encode_documents(
        self,
        texts: Sequence[str],
        batch_size: int | None = None,
        show_progress: bool = False,
    ) -> np.ndarray:
        self.document_calls += 1
        self.documents_embedded.extend(texts)
        return self._encode(texts)

    def encode_queries(self, texts: Sequence[str], batch_size: int | None = None) -> np.ndarray:
        self.query_calls += 1
        return self._encode(texts)

    def encode_query(self, text: str) -> np.ndarray:
        return self.encode_queries([text])[0]

    def _encode(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), FAKE_DIMENSION), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in WORD.findall(text.lower())[:MAX_WORDS]:
                value = zlib.crc32(word.encode())
                out[row, value % FAKE_DIMENSION] += 1.0 if value & 1 << 31 else -1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.maximum(norms, 1e-12)


def fake_model_info() -> ModelInfo:
    return ModelInfo(name=FAKE_NAME, model_id=FAKE_MODEL_ID, dimension=FAKE_DIMENSION)


def write_fake_model_folder(folder: Path) -> Path:
    """A model folder whose identity file names the fake encoder (no weights in it)."""
    folder.mkdir(parents=True, exist_ok=True)
    identity = {
        "format": 1,
        "name": FAKE_NAME,
        "model_id": FAKE_MODEL_ID,
        "dimension": FAKE_DIMENSION,
        "files": {},
    }
    (folder / "rapportsok_model.json").write_text(json.dumps(identity), encoding="utf-8")
    return folder


def fake_settings(root: Path, **changes: Any) -> Settings:
    """Settings for root/index with the fake model folder in root/model, no watcher, no limit."""
    fields: dict[str, Any] = {
        "index_dir": root / "index",
        "model": str(write_fake_model_folder(root / "model")),
        "watch_seconds": 0,
        "rate_limit_per_minute": 0,
    }
    return Settings(**{**fields, **changes})


def use_fake_encoder(monkeypatch: pytest.MonkeyPatch, encoder: FakeEncoder) -> None:
    """Make the service and the CLI load `encoder` wherever they would load the real model."""

    def loader(
        model: str, precision: str, device: str = "auto", runtime: str = "auto"
    ) -> FakeEncoder:
        return encoder

    # The engine imports get_embedder by name: patch it there first, so that importing
    # service.engine cannot capture the already-patched runtime function as "original".
    monkeypatch.setattr(service.engine, "get_embedder", loader)
    monkeypatch.setattr(service.search.runtime, "get_embedder", loader)


def build_fake_index(
    corpus: Path, index_dir: Path | str, encoder: FakeEncoder | None = None
) -> BuildReport:
    """Index `corpus` into `index_dir` (or a database URL) with the fake encoder, quietly."""
    chosen = encoder or FakeEncoder()
    return build_index(corpus, index_dir, fake_model_info(), lambda: chosen, progress=False)


@dataclass(frozen=True)
class OneReport:
    """A folder holding corpus/, index/ and model/, its corpus, and settings for the app."""

    root: Path
    corpus: Path
    settings: Settings


def index_one_report(root: Path, store: str | None = None) -> OneReport:
    """The 2021 plan of Hässelby-Vällingby indexed with the fake encoder under `root`, or in
    the database `store` names.

    Only the build: whoever serves it patches the encoder in with `use_fake_encoder`.
    """
    corpus = root / "corpus"
    corpus.mkdir()
    shutil.copyfile(CORPUS / FILES[VP21], corpus / FILES[VP21])
    assert build_fake_index(corpus, store or root / "index").documents == 1
    settings = fake_settings(root, corpus_dir=corpus, web_dir=REPO / "web", store=store)
    return OneReport(root, corpus, settings)


def report_text(title: str, topic: str, paragraphs: int = 6) -> str:
    """A small plain-text report: a title line, then paragraphs about `topic`."""
    body = [
        f"{topic} stycke {i}: verksamheten följer upp {topic.lower()} varje månad och "
        f"redovisar {10 + i} aktiviteter, {3 * i} uppföljningar och nya mål för året."
        for i in range(1, paragraphs + 1)
    ]
    return "\n\n".join([title, *body]) + "\n"


def _pdf_string(text: str) -> bytes:
    raw = text.encode("cp1252", errors="replace")
    return raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def text_pdf(pages: Sequence[Sequence[str]]) -> bytes:
    """A PDF with one Helvetica text line per string, written object by object.

    Fast enough for thousands of pages, and the text is a real text layer that pypdf reads.
    """
    count = len(pages)
    kids = " ".join(f"{4 + 2 * i} 0 R" for i in range(count))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [{kids}] /Count {count} >>".encode(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    for i, lines in enumerate(pages):
        shown = b" ".join(b"(" + _pdf_string(line) + b") '" for line in lines)
        stream = b"BT /F1 11 Tf 14 TL 72 700 Td " + shown + b" ET"
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
            f"/Resources << /Font << /F1 3 0 R >> >> /Contents {5 + 2 * i} 0 R >>".encode()
        )
        objects.append(f"<< /Length {len(stream)} >>\nstream\n".encode() + stream + b"\nendstream")
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += "".join(f"{offset:010d} 00000 n \n" for offset in offsets).encode()
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return bytes(out)
