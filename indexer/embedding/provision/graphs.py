"""The ONNX graphs of the model, run by ONNX Runtime on CPUs without AMX (see
``indexer.embedding.encoder``).

Written into the model folder by ``install_model`` from the fp32 weights it has just
written: the BERT encoder (token ids and attention mask in, last hidden states out) is
exported with ``torch.onnx`` as it is (``FP32_GRAPH``: the same arithmetic as the torch
model, vectors within cosine 0.99999 of it) and once more with its matrix products quantised
to int8 per output channel by ONNX Runtime's dynamic quantisation (``INT8_GRAPH``;
activations quantised per batch at run time). The int8 graph keeps each layer's
feed-forward output projection in fp32: its inputs, after GELU, have outliers that one
scale per batch cannot hold (with them quantised the passages' cosine to fp32 fell to 0.990,
without 0.998). Pooling and normalisation stay outside the graphs
(``indexer.embedding.onnx_runtime``), as in the sentence-transformers model.
"""

from __future__ import annotations

import contextlib
import io
import logging
import warnings
from pathlib import Path

from indexer.embedding.provision.identity import ModelProvisionError

FP32_GRAPH = "onnx/model_fp32.onnx"
INT8_GRAPH = "onnx/model_int8.onnx"
OPSET = 17


def kept_in_fp32(node_names: list[str]) -> list[str]:
    """The matrix products the int8 graph leaves in fp32: each feed-forward output layer."""
    return [
        name
        for name in node_names
        if name.endswith("/output/dense/MatMul") and "/attention/" not in name
    ]


def write_onnx_graphs(folder: Path) -> tuple[Path, Path]:
    """Export the folder's fp32 encoder to ``FP32_GRAPH`` and quantise it to ``INT8_GRAPH``."""
    import onnx
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from transformers import AutoModel

    class Encoder(torch.nn.Module):
        """The transformer alone, with positional inputs, as the exporter wants it."""

        def __init__(self, model: torch.nn.Module) -> None:
            super().__init__()
            self.model = model

        def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
            return self.model(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state

    fp32, int8 = folder / FP32_GRAPH, folder / INT8_GRAPH
    fp32.parent.mkdir(parents=True, exist_ok=True)
    try:
        model = AutoModel.from_pretrained(
            str(folder), local_files_only=True, add_pooling_layer=False
        ).eval()
        example = torch.ones(2, 16, dtype=torch.long)
        axes = {0: "batch", 1: "tokens"}
        with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
            warnings.simplefilter("ignore")
            torch.onnx.export(
                Encoder(model),
                (example, example),
                str(fp32),
                input_names=["input_ids", "attention_mask"],
                output_names=["last_hidden_state"],
                dynamic_axes={"input_ids": axes, "attention_mask": axes, "last_hidden_state": axes},
                opset_version=OPSET,
                dynamo=False,
            )
            del model
            products = [n.name for n in onnx.load(str(fp32)).graph.node if n.op_type == "MatMul"]
            root, level = logging.getLogger(), logging.getLogger().level
            root.setLevel(logging.ERROR)  # the quantiser logs advice on preprocessing as a warning
            try:
                quantize_dynamic(
                    str(fp32),
                    str(int8),
                    weight_type=QuantType.QInt8,
                    per_channel=True,
                    reduce_range=True,
                    nodes_to_exclude=kept_in_fp32(products),
                )
            finally:
                root.setLevel(level)
    except (RuntimeError, ValueError, OSError) as exc:
        raise ModelProvisionError(
            f"{folder / 'onnx'}: could not write the ONNX graphs ({exc})"
        ) from exc
    finally:
        for extra in fp32.parent.glob("*-opt.onnx"):
            extra.unlink(missing_ok=True)
    return fp32, int8
