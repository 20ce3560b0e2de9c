"""Dense embeddings for report chunks (documents) and search queries.

Wraps a sentence-transformers model folder (by default the one written by
``indexer.embedding.provision.install_model``) and applies the model's own "document" and
"query" prompts, so callers never add "passage: " / "query: " themselves.

Precision. Measured on the development machine (AMD EPYC, 2 vCPUs, avx512_bf16, no AMX;
torch 2.13 CPU, 2 threads), multilingual-e5-small over 64 Swedish report passages of
150-300 words (mean 395 tokens), repeated runs:

    fp32: 6.8-8.3 passages/s (batch 1-32), single query 12-17 ms median
    bf16: 16-18.6 passages/s at batch 4-8 (11-12 at batch 32), single query 8.5-9.5 ms
    cosine(bf16, fp32): >= 0.99996 for passages, >= 0.99997 for queries

bf16 is about twice as fast where the CPU has native bf16 dot products. Without them (AMD
EPYC with AVX2 only, 2 cores, same model) torch fp32 took 61 ms per query (median) and the
folder's int8 ONNX graph 14 ms; over 120 passages and 360 sentences of the bundled reports
torch fp32 embedded 19.4 texts/s at its best batch size (16) and the int8 graph 28.6 texts/s
(batch 8, one pass on both cores), with cosine to fp32 of 0.990-0.999 (mean 0.996).

"auto" selects bf16 (torch) when /proc/cpuinfo lists ``amx_bf16`` or ``avx512_bf16`` and fp32
otherwise, run on the model folder's fp32 ONNX graph: the same vectors as torch fp32, and a
full build of the bundled corpus in 157 s against torch's 203 s (AMD EPYC, 2 cores). int8
(the folder's int8 graph, feed-forward outputs in fp32) builds in 116 s and keeps R@10 on the
dev and held-out questions but loses 0.01-0.02 on the everyday-wording sets, so it is there
only when asked for (``RAPPORTSOK_PRECISION=int8``). On a CUDA GPU (``device="auto"`` finds
one) fp32 on torch.

Threads. torch uses every available core by default; two processes doing so at once
(say an index build next to the web service) oversubscribe the CPU, and a query then
took about 1 s instead of 10 ms, so give each process its share via ``threads``.
"""

from __future__ import annotations

import contextlib
import os
import platform
import threading
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Literal

import numpy as np

from indexer.embedding.onnx_runtime import BATCH_SIZE as ONNX_BATCH_SIZE
from indexer.embedding.onnx_runtime import OnnxEncoder, folder_prompts, has_graph
from indexer.embedding.provision import MAX_SEQ_LENGTH, load_identity
from indexer.embedding.provision.graphs import FP32_GRAPH, INT8_GRAPH

Precision = Literal["auto", "fp32", "bf16", "int8"]
ResolvedPrecision = Literal["fp32", "bf16", "int8"]
Device = Literal["auto", "cpu", "cuda"]
Runtime = Literal["onnx", "torch"]

DEFAULT_BATCH_SIZE = 8
"""Among the fastest measured batch sizes for ~400-token passages on 2 cores (torch)."""
BF16_CPU_FLAGS = frozenset({"amx_bf16", "avx512_bf16"})
GRAPHS: dict[str, str] = {"fp32": FP32_GRAPH, "int8": INT8_GRAPH}
"""The model folder's ONNX graph for each precision that has one."""
NVIDIA_DRIVER = "/proc/driver/nvidia"
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


def cpu_model(cpuinfo: Path = Path("/proc/cpuinfo")) -> str:
    """The CPU's model name (as benchmarks print it beside their figures)."""
    try:
        text = cpuinfo.read_text(encoding="utf-8", errors="replace")
    except OSError:
        text = ""
    for line in text.splitlines():
        if line.startswith("model name"):
            return line.partition(":")[2].strip()
    return platform.processor() or platform.machine()


def planned_run(
    model: str | Path, precision: str, device: str, runtime: str = "auto"
) -> tuple[str, ResolvedPrecision, Runtime]:
    """Device, precision and runtime an Embedder with these settings runs in, unloaded.

    On the CPU a precision with a graph in the model folder runs on ONNX Runtime unless
    `runtime` is "torch"; bf16, a GPU and a model without graphs run on torch.
    """
    if runtime not in ("auto", "onnx", "torch"):
        raise ValueError(f"runtime must be 'auto', 'onnx' or 'torch', not {runtime!r}")
    resolved_device = resolve_device(device)
    path = Path(model).expanduser()
    on_cpu = path.is_dir() and resolved_device == "cpu"
    int8 = on_cpu and has_graph(path, INT8_GRAPH)
    resolved = resolve_precision(precision, int8_available=int8, device=resolved_device)
    graph = GRAPHS.get(resolved)
    use_onnx = on_cpu and runtime != "torch" and graph is not None and has_graph(path, graph)
    if runtime == "onnx" and not use_onnx:
        raise ValueError(f"runtime 'onnx' needs the model's {resolved} graph on the CPU")
    return resolved_device, resolved, "onnx" if use_onnx else "torch"


def resolve_precision(
    requested: str,
    flags: frozenset[str] | None = None,
    int8_available: bool = False,
    device: str = "cpu",
) -> ResolvedPrecision:
    """Map "auto" | "fp32" | "bf16" | "int8" to the precision actually used.

    "auto" on a CPU is bf16 where the CPU has native bf16, else fp32; on a GPU fp32. int8 is only
    used when asked for.
    """
    if requested in ("fp32", "bf16"):
        return requested  # type: ignore[return-value]
    if requested == "int8":
        if not int8_available:
            raise ValueError(
                "precision 'int8' needs the model's int8 graph on the CPU "
                "(run 'rapportsok model install --force' to write it)"
            )
        return "int8"
    if requested != "auto":
        raise ValueError(f"precision must be 'auto', 'fp32', 'bf16' or 'int8', not {requested!r}")
    if device != "cpu":
        return "fp32"
    available = cpu_flags() if flags is None else flags
    return "bf16" if available & BF16_CPU_FLAGS else "fp32"


def resolve_device(requested: str) -> str:
    """Map "auto" | "cpu" | "cuda" to a torch device: auto takes a CUDA GPU when there is one."""
    if requested not in ("auto", "cpu", "cuda"):
        raise ValueError(f"device must be 'auto', 'cpu' or 'cuda', not {requested!r}")
    if requested == "cpu" or (requested == "auto" and not Path(NVIDIA_DRIVER).exists()):
        return "cpu"  # without the driver there is no GPU: torch need not even be imported
    import torch

    if torch.cuda.is_available():
        return "cuda"
    if requested == "cuda":
        raise ValueError("device 'cuda' asked for, but torch sees no CUDA GPU")
    return "cpu"


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


class TorchEncoder:
    """A sentence-transformers model in fp32 or bf16, on the CPU or a GPU."""

    def __init__(
        self,
        model: str,
        local: bool,
        device: str,
        precision: ResolvedPrecision,
        prompts: Mapping[str, str] | None,
        threads: int,
    ) -> None:
        import torch
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as hf_logging

        torch.set_num_threads(threads)
        hf_logging.disable_progress_bar()
        self._model = SentenceTransformer(
            model,
            device=device,
            local_files_only=local,
            prompts=dict(prompts) if prompts is not None else None,
        )
        if precision == "bf16":
            self._model.to(torch.bfloat16)
        current = self._model.max_seq_length
        if current is None or current > MAX_SEQ_LENGTH:
            self._model.max_seq_length = MAX_SEQ_LENGTH
        self.max_seq_length = int(self._model.max_seq_length or MAX_SEQ_LENGTH)
        self.prompts = dict(self._model.prompts or {})
        self.dimension = self._model.get_embedding_dimension()

    def encode(self, texts: Sequence[str], prompt_name: str | None, batch_size: int) -> np.ndarray:
        return self._model.encode(
            list(texts),
            prompt_name=prompt_name,
            batch_size=batch_size,
            show_progress_bar=False,
            convert_to_numpy=True,
        )


class Embedder:
    """Encode documents and queries into L2-normalized float32 vectors.

    ``model`` is a local sentence-transformers folder (loaded with local_files_only) or a
    model name resolved by sentence-transformers. ``precision`` is "auto", "fp32", "bf16" or
    "int8"; on the CPU fp32 and int8 run the model folder's ONNX graphs (see
    ``indexer.embedding.onnx_runtime``) unless ``runtime`` is "torch".
    ``device`` is "auto", "cpu" or "cuda". ``threads`` sets the intra-op thread count
    (default: every available core). ``prompts`` overrides the model's own prompt table;
    the "document" and "query" entries are used when present, otherwise texts are encoded
    as they are.
    """

    def __init__(
        self,
        model: str | Path,
        *,
        precision: Precision | str = "auto",
        device: Device | str = "auto",
        threads: int | None = None,
        batch_size: int | None = None,
        prompts: Mapping[str, str] | None = None,
        runtime: str = "auto",
    ) -> None:
        path = Path(model).expanduser()
        is_local = path.is_dir()
        if not is_local and _looks_like_path(model):
            raise FileNotFoundError(
                f"{model}: model folder not found (install it with 'rapportsok model install')"
            )
        cores = threads or available_cores()
        self._device, self._precision, self._runtime = planned_run(path, precision, device, runtime)
        self._backend: TorchEncoder | OnnxEncoder
        if self._runtime == "onnx":
            table = dict(prompts) if prompts is not None else folder_prompts(path)
            graph = GRAPHS[self._precision]
            self._backend = OnnxEncoder(path, graph, cores, MAX_SEQ_LENGTH, table)
            self.batch_size = batch_size or ONNX_BATCH_SIZE
        else:
            name = str(path) if is_local else str(model)
            self._backend = TorchEncoder(
                name, is_local, self._device, self._precision, prompts, cores
            )
            self.batch_size = batch_size or DEFAULT_BATCH_SIZE
        # One forward pass at a time: concurrent passes would each spin up all cores' worth of
        # threads and slow every request down many times over. Queries go first: a build
        # embedding in the same process (an upload) waits while a query is waiting.
        self._turn = threading.Condition()
        self._busy = False
        self._queries_waiting = 0
        identity = load_identity(path) if is_local else None
        self.name = identity.name if identity else str(model)
        self._model_id = identity.model_id if identity else str(model)
        self._dimension = self._check_dimension(identity.dimension if identity else None)

    def _check_dimension(self, recorded: int | None) -> int:
        """Output size of the model, cross-checked against the identity file."""
        dim = self._backend.dimension
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
    def runtime(self) -> Runtime:
        """ "onnx" (one of the model folder's graphs on ONNX Runtime) or "torch"."""
        return self._runtime

    @property
    def device(self) -> str:
        """Device in use after resolving "auto"."""
        return self._device

    @property
    def max_seq_length(self) -> int:
        """Tokens per input after which text is truncated."""
        return self._backend.max_seq_length

    def encode_documents(
        self, texts: Sequence[str], batch_size: int | None = None, show_progress: bool = False
    ) -> np.ndarray:
        """Embed chunks for indexing with the model's "document" prompt; shape (n, dim).

        Progress is shown by the caller (``indexer.embedding.documents``), which encodes
        in slices; ``show_progress`` is accepted for the protocol and not used here.
        """
        return self._encode(texts, DOCUMENT_PROMPT_NAME, batch_size)

    def encode_queries(self, texts: Sequence[str], batch_size: int | None = None) -> np.ndarray:
        """Embed search queries with the model's "query" prompt; shape (n, dim)."""
        return self._encode(texts, QUERY_PROMPT_NAME, batch_size)

    def encode_query(self, text: str) -> np.ndarray:
        """Embed one query; shape (dim,)."""
        return self.encode_queries([text])[0]

    def _prompt_name(self, kind: str) -> str | None:
        """Use the model's prompt of that name if it defines one."""
        return kind if kind in self._backend.prompts else None

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
    ) -> np.ndarray:
        """Longest-first batching (little padding), then restore the caller's order."""
        if isinstance(texts, str):
            raise TypeError("expected a sequence of strings, got a single str")
        items = list(texts)
        if not items:
            return np.zeros((0, self._dimension), dtype=np.float32)
        order = np.argsort([-len(t) for t in items], kind="stable")
        with self._model_turn(query=kind == QUERY_PROMPT_NAME):
            encoded = self._backend.encode(
                [items[i] for i in order], self._prompt_name(kind), batch_size or self.batch_size
            )
        vectors = np.empty((len(items), self._dimension), dtype=np.float32)
        vectors[order] = np.asarray(encoded, dtype=np.float32)
        return l2_normalize(vectors)
