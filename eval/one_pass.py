"""Could a build embed its texts in one pass instead of two (chunks, then sentences)?

    python -m eval.one_pass chunks-from-sentences --index var/bench/fp32 --out var/bench/derived
    python -m eval.one_pass sentences-from-chunks --index var/bench/fp32 --out var/bench/late
    RAPPORTSOK_INDEX_DIR=var/bench/derived python -m eval.run --questions eval/dev.jsonl

Each variant copies a built index and replaces one of its vector files with vectors made
from the other pass, so the two can be searched side by side with `eval.run`:

- chunks-from-sentences: a chunk's vector is the token-weighted mean of its heading line's
  vector and its sentences' vectors (the sentence pass alone, with the headings embedded
  once each), as e5's mean pooling would give without attention across sentences;
- sentences-from-chunks ("late chunking"): a sentence's vector is the mean of its tokens'
  states in its chunk's forward pass (the chunk pass alone); a sentence not found in its
  chunk's text keeps the vector it has.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sqlite3
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

from indexer.embedding.encoder import Embedder
from indexer.embedding.provision.graphs import FP32_GRAPH
from indexer.embedding.provision.identity import DOCUMENT_PROMPT, MAX_SEQ_LENGTH
from indexer.store import vectors
from service.settings import get_settings

Rows = list[tuple[str, list[str]]]


def copy_build(index: Path, out: Path) -> Path:
    """A copy of the index's current build as the current build of `out`."""
    build = (index / "current").resolve()
    target = out / "builds" / build.name
    shutil.rmtree(out, ignore_errors=True)
    shutil.copytree(build, target)
    (out / "current").symlink_to(Path("builds") / build.name)
    return target


def chunk_rows(build: Path) -> Rows:
    """Each chunk's text as embedded and its sentences, in vector order."""
    with sqlite3.connect(build / "meta.sqlite") as db:
        found = db.execute("SELECT embed_text, sentences FROM chunks ORDER BY id").fetchall()
    return [(text, json.loads(sentences or "[]")) for text, sentences in found]


def chunks_from_sentences(build: Path, rows: Rows, model: Path) -> np.ndarray:
    """Chunk vectors pooled from the heading line's and the sentences' vectors."""
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(str(model), local_files_only=True)
    count = sum(len(s) for _, s in rows)
    sentence_vectors = vectors.all_vectors(
        vectors.read_vector_file(build / "sentence_vectors.faiss", count, 384, "s", "s")
    )
    headings = [text.split("\n", 1)[0] for text, _ in rows]
    distinct = sorted(set(headings))
    heading_vectors = dict(zip(distinct, Embedder(model).encode_documents(distinct), strict=True))

    def tokens(text: str) -> int:
        return len(tokenizer(text)["input_ids"]) - 2

    chunk_vectors = vectors.all_vectors(
        vectors.read_vector_file(build / "vectors.faiss", len(rows), 384, "c", "c")
    )
    at = 0
    for i, ((_, sentences), heading) in enumerate(zip(rows, headings, strict=True)):
        own = sentence_vectors[at : at + len(sentences)]
        at += len(sentences)
        if not sentences:
            continue
        weights = np.array([tokens(s) for s in sentences], np.float32)
        pooled = (own * weights[:, None]).sum(0) + heading_vectors[heading] * tokens(heading)
        chunk_vectors[i] = pooled / np.linalg.norm(pooled)
    return chunk_vectors


def sentences_from_chunks(build: Path, rows: Rows, model: Path) -> np.ndarray:
    """Sentence vectors pooled from their tokens' states in the chunk's forward pass."""
    import onnxruntime as ort
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(str(model), local_files_only=True)
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    session = ort.InferenceSession(str(model / FP32_GRAPH), options)
    count = sum(len(s) for _, s in rows)
    kept = vectors.all_vectors(
        vectors.read_vector_file(build / "sentence_vectors.faiss", count, 384, "s", "s")
    )

    def pooled(row: tuple[str, list[str]]) -> list[np.ndarray | None]:
        text, sentences = row
        if not sentences:
            return []
        tokens = tokenizer(
            DOCUMENT_PROMPT + text,
            truncation=True,
            max_length=MAX_SEQ_LENGTH,
            return_offsets_mapping=True,
            return_tensors="np",
        )
        ids, mask = tokens["input_ids"].astype(np.int64), tokens["attention_mask"].astype(np.int64)
        states = session.run(None, {"input_ids": ids, "attention_mask": mask})[0][0]
        offsets = tokens["offset_mapping"][0]
        out: list[np.ndarray | None] = []
        cursor = 0
        for sentence in sentences:
            start = text.find(sentence, cursor)
            if start < 0:
                out.append(None)
                continue
            cursor = start + len(sentence)
            low, high = start + len(DOCUMENT_PROMPT), cursor + len(DOCUMENT_PROMPT)
            inside = [k for k, (a, b) in enumerate(offsets) if b > a and a < high and b > low]
            if not inside:
                out.append(None)
                continue
            mean = states[inside].mean(0)
            out.append(mean / np.linalg.norm(mean))
        return out

    with ThreadPoolExecutor(2) as passes:
        found = [v for part in passes.map(pooled, rows) for v in part]
    missing = sum(v is None for v in found)
    print(f"{len(found)} sentences, {missing} not found in their chunk (vectors kept)")
    return np.vstack([kept[i] if v is None else v for i, v in enumerate(found)]).astype(np.float32)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("variant", choices=["chunks-from-sentences", "sentences-from-chunks"])
    parser.add_argument("--index", type=Path, required=True, help="a folder index, fp32 build")
    parser.add_argument("--out", type=Path, required=True, help="where the copy goes")
    args = parser.parse_args()
    model = Path(get_settings().model)
    build = copy_build(args.index, args.out)
    rows = chunk_rows(build)
    if args.variant == "chunks-from-sentences":
        name, made = "vectors.faiss", chunks_from_sentences(build, rows, model)
    else:
        name, made = "sentence_vectors.faiss", sentences_from_chunks(build, rows, model)
    (build / name).unlink()
    vectors.write_vector_file(build / name, made, made.shape[1])
    print(f"{args.out}: {name} replaced ({len(made)} vectors)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
