"""A corpus of nasty files: each bad one is reported by name, every good one is indexed.

The corpus is generated in a temporary folder: empty and random files, an encrypted PDF, a
PDF of blank pages (no text layer, nothing for OCR to read), a 2,000-page PDF, a PDF whose
text is one 5 MB line, Latin-1 and UTF-16 text, a symlink out of the corpus and a file that
disappears between listing and reading. Indexing runs through the `rapportsok index` command
with the fake encoder.
"""

from __future__ import annotations

import contextlib
import io
import json
import random
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter

from indexer import pipeline
from indexer.chunking.chunks import ChunkParams
from indexer.reading import extract
from indexer.reading.extract import ExtractionError
from indexer.reading.ocr import OcrStatus
from service import cli
from service.search.snapshot import load_snapshot
from service.settings import get_settings
from tests.support.corpora import CORPUS, FILES, VP21, image_only
from tests.support.fakes import (
    FakeEncoder,
    report_text,
    text_pdf,
    use_fake_encoder,
    write_fake_model_folder,
)

REPO = Path(__file__).resolve().parents[2]
REAL_PDFS = (
    "hasselby-vallingby_2021_verksamhetsplan.pdf",
    "hasselby-vallingby_2021_tertialrapport-1.pdf",
)
VANISHING = "forsvinner.pdf"

GOOD = {
    *REAL_PDFS,
    "tusen-sidor-2000.pdf",
    "en-lang-rad.pdf",
    "utf16-bom.txt",
    "utf8-bom.txt",
}
BAD = {
    "tom.pdf": r"empty file \(0 bytes\)",
    "tom.txt": r"empty file \(0 bytes\)",
    "slumpbytes.pdf": r"not a PDF \(no %PDF header\)",
    "trasig-med-huvud.pdf": r"corrupt or truncated PDF",
    "avkortad.pdf": r"corrupt or truncated PDF",
    "krypterad.pdf": r"encrypted PDF; a password is needed",
    "skannad.pdf": r"no text in PDF \(blank pages\)",
    "latin1.txt": r"not UTF-8 text \(invalid byte 0x[0-9a-f]{2} at offset \d+\); save it as UTF-8",
    "trasig-utf16.txt": r"broken UTF-16 text",
    "binar.txt": r"binary content in a text file",
    "lank-ut.pdf": r"symlink points outside the corpus",
    "anteckningar.docx": r"unsupported file type \.docx",
    "kopia.pdf": r"duplicate of hasselby-vallingby_2021_verksamhetsplan\.pdf \(same content\)",
    "utf8_bom.md": r"same document id 'utf8-bom' as utf8-bom\.txt; rename one",
    VANISHING: r"cannot read file \(No such file or directory\)",
}


def encrypted_pdf(plain: bytes, password: str) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(plain)))
    writer.encrypt(user_password=password, owner_password=password + "-owner", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def blank_pdf(pages: int) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def thousand_pages(count: int) -> bytes:
    return text_pdf(
        [
            [
                f"Avsnitt {n}: uppföljning av förskolan i område {n}",
                f"Förskolan i område {n} hade {n * 3} barn och {n % 17 + 2} pedagoger under året.",
            ]
            for n in range(1, count + 1)
        ]
    )


def one_long_line(size: int) -> bytes:
    words = "budget hemtjänst förskola trygghet kostnad "
    return text_pdf([[(words * (size // len(words) + 1))[:size]]])


def make_nasty_corpus(corpus: Path, outside: Path) -> None:
    """Write the good and the bad files of the module docstring into `corpus`."""
    rng = random.Random(20240501)
    corpus.mkdir()
    for name in REAL_PDFS:
        shutil.copyfile(REPO / "corpus" / name, corpus / name)
    real = (corpus / REAL_PDFS[0]).read_bytes()
    title = "Verksamhetsplan 2023 för Hässelby-Vällingby stadsdelsnämnd"
    files: dict[str, bytes] = {
        "tusen-sidor-2000.pdf": thousand_pages(2000),
        "en-lang-rad.pdf": one_long_line(5_000_000),
        "utf16-bom.txt": report_text(title, "Äldreomsorgen").encode("utf-16"),
        "utf8-bom.txt": b"\xef\xbb\xbf" + report_text(title, "Simhallen").encode(),
        "utf8_bom.md": report_text(title, "Biblioteket").encode(),
        "tom.pdf": b"",
        "tom.txt": b"",
        "slumpbytes.pdf": rng.randbytes(40_000).replace(b"%PDF", b"%pdf"),
        "trasig-med-huvud.pdf": b"%PDF-1.7\n" + rng.randbytes(20_000),
        "avkortad.pdf": real[: len(real) // 3],
        "krypterad.pdf": encrypted_pdf(text_pdf([[title, "Hemlig text om budgeten."]]), "hemligt"),
        "skannad.pdf": blank_pdf(3),
        "latin1.txt": report_text(title, "Förskolan").encode("latin-1"),
        "trasig-utf16.txt": b"\xff\xfe" + "Verksamhetsplan".encode("utf-16-le") + b"\x00",
        "binar.txt": b"Verksamhetsplan\x00\x00\x01\x02 2023\n",
        "anteckningar.docx": b"PK\x03\x04 not really a document",
        "kopia.pdf": real,
        VANISHING: text_pdf([[title, "Den här filen försvinner innan den läses."]]),
    }
    for name, data in files.items():
        (corpus / name).write_bytes(data)
    secret = outside / "hemlig.pdf"
    secret.write_bytes(text_pdf([["Utanför korpusen", "Denna fil får aldrig indexeras."]]))
    (corpus / "lank-ut.pdf").symlink_to(secret)
    (corpus / "undermapp").mkdir()


@dataclass
class IndexRun:
    exit_code: int
    stdout: str
    stderr: str
    index_dir: Path
    corpus: Path


@contextlib.contextmanager
def fake_environment(tmp: Path, encoder: FakeEncoder) -> Iterator[pytest.MonkeyPatch]:
    """Settings from RAPPORTSOK_* variables pointing into `tmp`, and the fake encoder."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("RAPPORTSOK_MODEL", str(write_fake_model_folder(tmp / "model")))
        patch.setenv("RAPPORTSOK_INDEX_DIR", str(tmp / "index"))
        patch.setenv("RAPPORTSOK_CORPUS_DIR", str(tmp / "corpus"))
        use_fake_encoder(patch, encoder)
        get_settings.cache_clear()
        try:
            yield patch
        finally:
            get_settings.cache_clear()


def run_cli(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(argv)
    return code, out.getvalue(), err.getvalue()


ORIGINAL_LIST_CORPUS = pipeline.list_corpus


def vanish_after_listing(corpus: Path) -> tuple[list[Path], list[pipeline.Failure]]:
    """Delete the vanishing file once the corpus has been listed (so it was listed)."""
    listed, failures = ORIGINAL_LIST_CORPUS(corpus)
    assert corpus / VANISHING in listed
    (corpus / VANISHING).unlink()
    return listed, failures


@pytest.fixture(scope="module")
def nasty_run(tmp_path_factory: pytest.TempPathFactory) -> IndexRun:
    tmp = tmp_path_factory.mktemp("nasty")
    outside = tmp / "outside"
    outside.mkdir()
    make_nasty_corpus(tmp / "corpus", outside)
    with fake_environment(tmp, FakeEncoder()) as patch:
        patch.setattr(pipeline, "list_corpus", vanish_after_listing)
        code, stdout, stderr = run_cli(["index"])
    return IndexRun(code, stdout, stderr, tmp / "index", tmp / "corpus")


def test_every_bad_file_is_reported_by_name_with_its_problem(nasty_run: IndexRun) -> None:
    reported = {}
    for line in nasty_run.stderr.splitlines():
        match = re.match(r"could not index (.+?): (.+)$", line)
        assert match, f"unexpected stderr line: {line!r}"
        reported[match.group(1)] = match.group(2)
    assert set(reported) == set(BAD)
    for name, pattern in BAD.items():
        assert re.search(pattern, reported[name]), f"{name}: {reported[name]!r}"
    assert "Traceback" not in nasty_run.stderr + nasty_run.stdout


def test_exit_code_is_one_when_anything_failed(nasty_run: IndexRun) -> None:
    assert nasty_run.exit_code == 1
    assert re.search(
        rf"{len(GOOD)} documents, \d+ pages, \d+ chunks \({len(GOOD)} new", nasty_run.stdout
    )


def test_all_good_documents_are_indexed(nasty_run: IndexRun) -> None:
    snapshot = load_snapshot(nasty_run.index_dir)
    by_name = {doc.name: doc for doc in snapshot.documents.values()}
    assert set(by_name) == GOOD
    assert by_name["tusen-sidor-2000.pdf"].page_count == 2000
    chunk_docs = {chunk.doc_id for chunk in snapshot.chunks}
    assert chunk_docs == {doc.doc_id for doc in by_name.values()}
    texts = " ".join(c.text for c in snapshot.chunks if c.doc_id == by_name["utf16-bom.txt"].doc_id)
    assert "Äldreomsorgen stycke 3" in texts
    long_line = [c for c in snapshot.chunks if c.doc_id == by_name["en-lang-rad.pdf"].doc_id]
    size = ChunkParams().size
    assert len(long_line) > 1000 and all(len(c.text) <= size for c in long_line)
    thousand = " ".join(
        c.text for c in snapshot.chunks if c.doc_id == by_name["tusen-sidor-2000.pdf"].doc_id
    )
    assert "område 1999 hade 5997 barn" in thousand


def test_the_manifest_records_the_failures(nasty_run: IndexRun) -> None:
    build_dir = load_snapshot(nasty_run.index_dir).build
    manifest = json.loads((build_dir / "manifest.json").read_text(encoding="utf-8"))
    assert {f["file"] for f in manifest["failures"]} == set(BAD)


def test_nothing_outside_the_corpus_was_read(nasty_run: IndexRun) -> None:
    snapshot = load_snapshot(nasty_run.index_dir)
    assert not any(
        "Utanför korpusen" in c.text or "aldrig indexeras" in c.text for c in snapshot.chunks
    )


def test_a_clean_corpus_exits_zero(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    title = "Verksamhetsplan 2023 för Hässelby-Vällingby stadsdelsnämnd"
    (corpus / "plan.txt").write_text(report_text(title, "Parkerna"), encoding="utf-8")
    with fake_environment(tmp_path, FakeEncoder()):
        code, stdout, stderr = run_cli(["index"])
    assert (code, stderr) == (0, "")
    assert "1 documents" in stdout and "1 new" in stdout


def test_without_ocr_a_scanned_report_is_refused_by_name_and_the_rest_indexed(
    tmp_path: Path,
) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    image_only(CORPUS / FILES[VP21], corpus / "skannad-plan.pdf", [2], dpi=50)
    title = "Verksamhetsplan 2023 för Hässelby-Vällingby stadsdelsnämnd"
    (corpus / "plan.txt").write_text(report_text(title, "Parkerna"), encoding="utf-8")
    (corpus / "parker.pdf").write_bytes(text_pdf([[title, "Parkerna sköts av förvaltningen."]]))
    unavailable = OcrStatus(
        False, "tesseract not found; install tesseract-ocr and tesseract-ocr-swe"
    )
    with fake_environment(tmp_path, FakeEncoder()) as patch:
        patch.setattr(extract, "ocr_status", lambda: unavailable)
        with pytest.raises(ExtractionError, match=r"^skannad-plan\.pdf: no text layer") as caught:
            extract.read_document(corpus / "skannad-plan.pdf")
        code, _, stderr = run_cli(["index"])
    assert "OCR is unavailable" in caught.value.problem
    assert "install tesseract-ocr and tesseract-ocr-swe" in caught.value.problem
    assert code == 1
    assert stderr.splitlines() == [f"could not index skannad-plan.pdf: {caught.value.problem}"]
    names = {d.name for d in load_snapshot(tmp_path / "index").documents.values()}
    assert names == {"plan.txt", "parker.pdf"}
