"""Dense embeddings for report chunks (documents) and search queries, on CPU.

Wraps a sentence-transformers model folder (by default the one written by
``indexer.embedding.provision.install_model``) and applies the model's own "document" and
"query" prompts, so callers never add "passage: " / "query: " themselves.

Precision. Measured on the development machine (AMD EPYC, 2 vCPUs, avx512_bf16, no AMX;
torch 2.13 CPU, 2 threads), multilingual-e5-small over 64 Swedish report passages of
150-300 words (mean 395 tokens), repeated runs:

    fp32: 6.8-8.3 passages/s (batch 1-32), single query 12-17 ms median
    bf16: 16-18.6 passages/s at batch 4-8 (11-12 at batch 32), single query 8.5-9.5 ms
    cosine(bf16, fp32): >= 0.99996 for passages, >= 0.99997 for queries

bf16 is about twice as fast where the CPU has native bf16 dot products; without them
torch has no fast bf16 kernels (expected slower, not measured here). So "auto" selects
bf16 exactly when /proc/cpuinfo lists ``amx_bf16`` or ``avx512_bf16``, fp32 otherwise.

Threads. torch uses every available core by default; two processes doing so at once
(say an index build next to the web service) oversubscribe the CPU, and a query then
took about 1 s instead of 10 ms, so give each process its share via ``threads``.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Literal

import numpy as np
import torch
from sentence_transformers import SentenceTransformer
from transformers.utils import logging as hf_logging

from indexer.embedding.provision import MAX_SEQ_LENGTH, load_identity

Precision = Literal["auto", "fp32", "bf16"]
ResolvedPrecision = Literal["fp32", "bf16"]

DEFAULT_BATCH_SIZE = 8
"""Among the fastest measured batch sizes for ~400-token passages on 2 cores."""
BF16_CPU_FLAGS = frozenset({"amx_bf16", "avx512_bf16"})
DOCUMENT_PROMPT_NAME = "document"
QUERY_PROMPT_NAME = "query"


def cpu_flags(cpuinfo: Path = Path("/proc/cpuinfo")) -> frozenset[str]:
    """CPU feature flags of the first processor listed, or empty if unknown."""
    try:
        text = cpuinfo.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return frozenset()
    for line in text.splitlines():
        if line.startswith("flags"):
            return frozenset(line.partition(":")[2].split())
    return frozenset()


def resolve_precision(requested: str, flags: frozenset[str] | None = None) -> ResolvedPrecision:
    """Map "auto" | "fp32" | "bf16" to the precision actually used."""
    if requested == "fp32":
        return "fp32"
    if requested == "bf16":
        return "bf16"
    if requested != "auto":
        raise ValueError(f"precision must be 'auto', 'fp32' or 'bf16', not {requested!r}")
    available = cpu_flags() if flags is None else flags
    return "bf16" if available & BF16_CPU_FLAGS else "fp32"


def available_cores() -> int:
    """Cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def l2_normalize(vectors: np.ndarray) -> np.ndarray:
    """Row-wise unit length in float32 (all-zero rows stay zero)."""
    out = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    return out / np.maximum(norms, 1e-12)


def _looks_like_path(model: str | Path) -> bool:
    """A Path, or a string that can only be a filesystem path (not a hub name)."""
    text = str(model)
    return isinstance(model, Path) or Path(text).is_absolute() or text.startswith((".", "~"))


class Embedder:
    """Encode documents and queries into L2-normalized float32 vectors.

    ``model`` is a local sentence-transformers folder (loaded with local_files_only) or a
    model name resolved by sentence-transformers. ``precision`` is "auto", "fp32" or
    "bf16". ``threads`` sets torch's process-wide intra-op thread count (default: every
    available core). ``prompts`` overrides the model's own prompt table; the "document"
    and "query" entries are used when present, otherwise texts are encoded as they are.
    """

    def __init__(
        self,
        model: str | Path,
        *,
        precision: Precision | str = "auto",
        threads: int | None = None,
        batch_size: int = DEFAULT_BATCH_SIZE,
        prompts: Mapping[str, str] | None = None,
    ) -> None:
        path = Path(model).expanduser()
        is_local = path.is_dir()
        if not is_local and _looks_like_path(model):
            raise FileNotFoundError(
                f"{model}: model folder not found (install it with 'rapportsok model install')"
            )
        torch.set_num_threads(threads or available_cores())
        hf_logging.disable_progress_bar()
        self._model = SentenceTransformer(
            str(path) if is_local else str(model),
            device="cpu",
            local_files_only=is_local,
            prompts=dict(prompts) if prompts is not None else None,
        )
        self._precision = resolve_precision(precision)
        if self._precision == "bf16":
            self._model.to(torch.bfloat16)
        self._cap_sequence_length()
        self.batch_size = batch_size
        # One forward pass at a time: concurrent passes would each spin up all cores' worth of
        # OpenMP threads and slow every request down many times over. Queries go first: a
        # build embedding in the same process (an upload) waits while a query is waiting.
        self._turn = threading.Condition()
        self._busy = False
        self._queries_waiting = 0
        identity = load_identity(path) if is_local else None
        self.name = identity.name if identity else str(model)
        self._model_id = identity.model_id if identity else str(model)
        self._dimension = self._check_dimension(identity.dimension if identity else None)

    def _cap_sequence_length(self) -> None:
        """Truncate inputs at 512 tokens (chunks are shorter; longer text is cut)."""
        current = self._model.max_seq_length
        if current is None or current > MAX_SEQ_LENGTH:
            self._model.max_seq_length = MAX_SEQ_LENGTH

    def _check_dimension(self, recorded: int | None) -> int:
        """Output size of the model, cross-checked against the identity file."""
        dim = self._model.get_embedding_dimension()
        if dim is None:
            raise ValueError(f"{self.name}: cannot determine the embedding dimension")
        if recorded is not None and recorded != dim:
            raise ValueError(f"{self.name}: model gives {dim} dims, identity file says {recorded}")
        return int(dim)

    @property
    def dimension(self) -> int:
        """Vector length."""
        return self._dimension

    @property
    def model_id(self) -> str:
        """Identity recorded by the index; a different model_id means incompatible vectors."""
        return self._model_id

    @property
    def precision(self) -> ResolvedPrecision:
        """Precision in use after resolving "auto"."""
        return self._precision

    @property
    def max_seq_length(self) -> int:
        """Tokens per input after which text is truncated."""
        return int(self._model.max_seq_length or MAX_SEQ_LENGTH)

    def encode_documents(
        self, texts: Sequence[str], batch_size: int | None = None, show_progress: bool = False
    ) -> np.ndarray:
        """Embed chunks for indexing with the model's "document" prompt; shape (n, dim)."""
        return self._encode(texts, DOCUMENT_PROMPT_NAME, batch_size, show_progress)

    def encode_queries(self, texts: Sequence[str], batch_size: int | None = None) -> np.ndarray:
        """Embed search queries with the model's "query" prompt; shape (n, dim)."""
        return self._encode(texts, QUERY_PROMPT_NAME, batch_size, False)

    def encode_query(self, text: str) -> np.ndarray:
        """Embed one query; shape (dim,)."""
        return self.encode_queries([text])[0]

    def _prompt_name(self, kind: str) -> str | None:
        """Use the model's prompt of that name if it defines one."""
        return kind if kind in (self._model.prompts or {}) else None

    @contextlib.contextmanager
    def _model_turn(self, query: bool) -> Iterator[None]:
        """Hold the model for one encode call; a waiting query is served before documents."""
        with self._turn:
            if query:
                self._queries_waiting += 1
            try:
                while self._busy or (not query and self._queries_waiting):
                    self._turn.wait()
            finally:
                if query:
                    self._queries_waiting -= 1
            self._busy = True
        try:
            yield
        finally:
            with self._turn:
                self._busy = False
                self._turn.notify_all()

    def _encode(
        self,
        texts: Sequence[str],
        kind: str,
        batch_size: int | None,
        show_progress: bool,
    ) -> np.ndarray:
        """Longest-first batching (little padding), then restore the caller's order."""
        if isinstance(texts, str):
            raise TypeError("expected a sequence of strings, got a single str")
        items = list(texts)
        if not items:
            return np.zeros((0, self._dimension), dtype=np.float32)
        order = np.argsort([-len(t) for t in items], kind="stable")
        with self._model_turn(query=kind == QUERY_PROMPT_NAME):
            encoded = self._model.encode(
                [items[i] for i in order],
                prompt_name=self._prompt_name(kind),
                batch_size=batch_size or self.batch_size,
                show_progress_bar=show_progress,
                convert_to_numpy=True,
            )
        vectors = np.empty((len(items), self._dimension), dtype=np.float32)
        vectors[order] = np.asarray(encoded, dtype=np.float32)
        return l2_normalize(vectors)
