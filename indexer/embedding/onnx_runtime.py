"""An ONNX graph of the installed model run by ONNX Runtime: tokenise, forward, mean-pool.

This is the CPU path for fp32 and int8 (see ``indexer.embedding.encoder``): the same tokenizer,
prompts, truncation and mean pooling as the sentence-transformers model, over the fp32 or
int8 graph written by ``indexer.embedding.provision.graphs``. The torch model is not loaded.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np


def has_graph(folder: Path, graph: str) -> bool:
    """Whether the folder holds this graph (``FP32_GRAPH`` or ``INT8_GRAPH``) and ONNX
    Runtime is installed."""
    if not (folder / graph).is_file():
        return False
    try:
        import onnxruntime  # noqa: F401
    except ImportError:
        return False
    return True


def folder_prompts(folder: Path) -> dict[str, str]:
    """The prompt table a sentence-transformers folder declares (empty if none)."""
    try:
        config = json.loads((folder / "config_sentence_transformers.json").read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    prompts = config.get("prompts") if isinstance(config, dict) else None
    return {str(k): str(v) for k, v in prompts.items()} if isinstance(prompts, dict) else {}


BATCH_SIZE = 2
"""Texts per forward pass, one pass per core. On 2 cores (AMD EPYC with avx512_bf16, no AMX)
over 556 of the bundled reports' passages and sentences (34,680 tokens), longest first, the
fp32 graph took 9.9 s with 1 text per pass, 9.7 s with 2, 10.3 s with 4 and 13.8 s with 16
(torch fp32, batches of 8 on both cores: 14.6-16.0 s; torch bf16: 11.0 s); the int8 graph
6.9 s with 1 and 5.4-6.1 s with 4. Earlier, without bf16 (AMD EPYC, AVX2), one text per pass
embedded the most with the int8 graph."""


class OnnxEncoder:
    """Unnormalised mean-pooled embeddings from one of the folder's graphs.

    The session runs each pass on one thread and ``threads`` passes at once (ONNX Runtime
    releases the GIL while it runs): for these small matrices that uses the cores better than
    one pass spread over all of them.
    """

    def __init__(
        self,
        folder: Path,
        graph: str,
        threads: int,
        max_seq_length: int,
        prompts: Mapping[str, str],
    ) -> None:
        import onnxruntime as ort
        from transformers import AutoTokenizer

        options = ort.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        self._session = ort.InferenceSession(
            str(folder / graph), options, providers=["CPUExecutionProvider"]
        )
        self._tokenizer = AutoTokenizer.from_pretrained(str(folder), local_files_only=True)
        self.max_seq_length = max_seq_length
        self.prompts = dict(prompts)
        self.dimension = int(self._session.get_outputs()[0].shape[-1])
        self._passes = ThreadPoolExecutor(threads, "onnx-pass") if threads > 1 else None

    def encode(self, texts: Sequence[str], prompt_name: str | None, batch_size: int) -> np.ndarray:
        """One row per text, in order; batches of `batch_size` (callers sort by length)."""
        prompt = self.prompts.get(prompt_name, "") if prompt_name else ""
        batches = [
            [prompt + t for t in texts[i : i + batch_size]]
            for i in range(0, len(texts), batch_size)
        ]
        if self._passes is not None and len(batches) > 1:
            parts = list(self._passes.map(self._batch, batches))
        else:
            parts = [self._batch(b) for b in batches]
        return np.vstack(parts) if parts else np.zeros((0, self.dimension), np.float32)

    def _batch(self, texts: list[str]) -> np.ndarray:
        tokens = self._tokenizer(
            texts,
            padding=True,
            truncation=True,
            max_length=self.max_seq_length,
            return_tensors="np",
        )
        mask = tokens["attention_mask"].astype(np.int64)
        (hidden,) = self._session.run(
            None, {"input_ids": tokens["input_ids"].astype(np.int64), "attention_mask": mask}
        )
        weights = mask[..., None].astype(np.float32)
        return (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1.0)
