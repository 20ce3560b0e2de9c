"""The int8 graph of an installed model run by ONNX Runtime: tokenise, forward, mean-pool.

This is the fast path on CPUs without bf16 (see ``indexer.embedding.encoder``): the same
tokenizer, prompts, truncation and mean pooling as the sentence-transformers model, over the
int8 graph written by ``indexer.embedding.provision.int8``. The torch model is not loaded.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

from indexer.embedding.provision.int8 import INT8_GRAPH


def has_int8_graph(folder: Path) -> bool:
    """Whether the folder holds the int8 graph and ONNX Runtime is installed."""
    if not (folder / INT8_GRAPH).is_file():
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


BATCH_SIZE = 1
"""Texts per forward pass. On 2 cores without bf16 (AMD EPYC, AVX2) one text per pass and
one pass per core embedded the most over 96 passages and 288 sentences of the bundled reports:
18 passages/s and 83 sentences/s, against 9.8 and 66 with batches of 8 on one pass using both
cores."""


class OnnxEncoder:
    """Unnormalised mean-pooled embeddings from the folder's int8 graph.

    The session runs each pass on one thread and ``threads`` passes at once (ONNX Runtime
    releases the GIL while it runs): for these small matrices that uses the cores better than
    one pass spread over all of them.
    """

    def __init__(
        self, folder: Path, threads: int, max_seq_length: int, prompts: Mapping[str, str]
    ) -> None:
        import onnxruntime as ort
        from transformers import AutoTokenizer

        options = ort.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        self._session = ort.InferenceSession(
            str(folder / INT8_GRAPH), options, providers=["CPUExecutionProvider"]
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
